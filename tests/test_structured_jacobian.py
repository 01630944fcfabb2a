"""``s2sad.jacobian`` of a function returning a tuple, list or dict: a bare NumPy
ValueError ("setting an array element with a sequence") came out of the stacking.  It
is now a DifferentiationError naming the function and saying what to do; an array
output still gets its Jacobian (checked against finite differences)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import numerical_grad

X = np.array([0.3, -1.2, 0.8])


def pair(x):
    return np.sin(x) * 2, np.sum(x ** 2)


def named(x):
    return {"a": x ** 2, "b": np.cumsum(x)}


def listed(x):
    return [x[0] * x[1], np.exp(x)]


@pytest.mark.parametrize("f", [pair, named, listed])
@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_structured_outputs_are_refused_clearly(f, mode):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_structured_jacobian.py:\d+: "
                       r"jacobian of \w+: its output is a"):
        s2sad.jacobian(f, mode=mode)(X)


def test_each_item_has_its_jacobian():
    for k in range(3):
        def item(x, k=k):
            return np.sin(x)[k] * 2 + pair(x)[1]
        row = s2sad.jacobian(lambda x: pair(x)[0])(X)[k] + 2 * X
        np.testing.assert_allclose(row, numerical_grad(item, (X,)), rtol=1e-6, atol=1e-8)


def squares(x):
    return x ** 2


def rows(x):
    return np.outer(x, x).sum(axis=0)


def scalar_for_a_number(x):
    return x ** 3 if np.ndim(x) == 0 else x ** 2


@pytest.mark.parametrize("f", [squares, rows, pair])
def test_hessian_of_a_vector_output_is_refused(f):
    # it returned the Hessian of the output's sum (a gradient seeded with 1.0)
    with pytest.raises(s2sad.DifferentiationError, match=r"scalar output"):
        s2sad.hessian(f)(X)


def test_hessian_checks_each_call():
    h = s2sad.hessian(scalar_for_a_number)
    np.testing.assert_allclose(h(0.5), 3.0, rtol=1e-10)  # 6x
    with pytest.raises(s2sad.DifferentiationError, match=r"scalar output"):
        h(X)


def test_grad_of_a_tuple_of_arrays_is_refused_clearly():
    # a bare ValueError (np.shape of items of different shapes) came out of the message
    with pytest.raises(s2sad.DifferentiationError, match=r"got a tuple of 2 items"):
        s2sad.grad(pair)(X)
    with pytest.raises(s2sad.DifferentiationError, match=r"got a dict of 2 items"):
        s2sad.grad(named)(X)


def test_grad_of_a_tuple_refused_under_warnings_as_errors():
    # the generated code's compile raised SyntaxWarning ('float' object is not
    # subscriptable): a SyntaxError under -W error instead of the refusal
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(s2sad.DifferentiationError, match=r"got a tuple of 2 items"):
            s2sad.grad(lambda x: (x * 2.0, np.sum(x)))(X)
