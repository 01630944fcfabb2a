"""Calls of local values: an object built inside the function from a differentiated
value (``layer = Layer(W); layer(x)``), which read as a constant and gave a zero
gradient, then was refused, is differentiated through the attributes its ``__init__``
stores (compiler/class_records.py); a list or tuple of library functions is called
through (compiler/normalize.py resolves ``fs[0]``; compiler/decide.py decides ``len``
of a display).  Gradients against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, grad_source


class Layer:
    def __init__(self, W):
        self.W = W

    def __call__(self, x):
        return np.tanh(self.W @ x)

    def apply(self, x):
        return np.tanh(self.W @ x)


def called_twice(W, x):
    layer = Layer(W)
    return np.sum(layer(layer(x)))


def method_of_local(W, x):
    layer = Layer(W)
    return np.sum(layer.apply(x))


def scaled_by_local(w, x):
    layer = Layer(w * np.eye(3))
    return np.sum(layer(x)) + np.sum(x)


@pytest.mark.parametrize("f", [called_twice, method_of_local, scaled_by_local])
@pytest.mark.parametrize("wrt", [0, 1])
def test_an_object_made_of_a_differentiated_value(f, wrt, rng):
    W = 0.5 * rng.standard_normal((3, 3)) if f is not scaled_by_local else 0.7
    x = rng.standard_normal(3)
    check_grad(f, W, x, wrt=wrt)
    check_jvp(f, W, x, wrt=wrt)


def indexed_functions(x):
    fs = [np.sin, np.cos]
    return np.sum(fs[0](x)) + np.sum(fs[1](x) * x)


def looped_functions(x):
    total = 0.0
    for f in (np.sin, np.cos, np.tanh):
        total = total + np.sum(f(x) ** 2)
    return total


def last_function(x):
    fs = (np.exp, np.log1p)
    return np.sum(fs[-1](x * x))


@pytest.mark.parametrize("f", [indexed_functions, looped_functions, last_function])
def test_a_list_of_library_functions(f, rng):
    x = rng.standard_normal(4)
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    check_hessian(f, x)
    text = grad_source(f, x)
    assert "len((" not in text and "raise" not in text  # (a display's length: known)


def test_closed_forms(rng):
    x = rng.standard_normal(4)
    np.testing.assert_allclose(s2sad.grad(indexed_functions)(x),
                               np.cos(x) + np.cos(x) - x * np.sin(x), rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(last_function)(x), 2 * x / (1 + x * x),
                               rtol=1e-12)
    text = grad_source(indexed_functions, x)
    assert "repeat_to" not in text  # (-repeat_to(1.0, x) * np.sin(x): -np.sin(x))
