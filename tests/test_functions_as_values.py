"""A helper's parameter given a function and read as a value, not only called
(``if fn is None: return x``, ``callable(fn)``, ``if fn:``): known as that function, so
the test is decided and only the branch taken is differentiated (the generated code read
an unbound name before: an "s2sad bug" error); a use that needs the function itself gets
it as a global of the generated code, or, for a lambda reading the caller's variables,
is refused at its line."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def apply(x, fn=None):
    if fn is None:
        return x
    return fn(x)


def activation(x, act=None, scale=1.0):
    if act is not None and callable(act):
        x = act(x)
    return scale * x


def maybe_twice(x, fn):
    if not fn:
        return x
    return fn(fn(x))


def by_name(x, fn):
    label = getattr(fn, "__name__", "")
    return fn(x) * (2.0 if label == "tanh" else 1.0)


def square_lambda(x, w):
    return np.sum(apply(x, lambda t: t * t * w))


def closure_activation(x, w):
    return np.sum(activation(x, lambda t: np.sin(t * w), scale=w) ** 2)


def library_function(x, w):
    return np.sum(apply(x * w, np.tanh)) + np.sum(maybe_twice(x, np.cos)) * w


def no_function(x, w):
    return np.sum(apply(x) * w) + np.sum(activation(x, scale=w))


def named_library_function(x, w):
    return np.sum(by_name(x * w, np.tanh)) + np.sum(by_name(x, np.sin))


ARGS = (np.array([0.3, -0.7, 1.2]), 0.8)


@pytest.mark.parametrize("f", [square_lambda, closure_activation, library_function,
                               no_function, named_library_function])
def test_a_function_given_and_tested(f):
    check_grad(f, *ARGS, wrt=(0, 1))
    check_jvp(f, *ARGS, wrt=(0, 1))


def test_only_the_branch_taken_is_generated():
    source = s2sad.grad(square_lambda).source
    assert "is None" not in source and "apply_fn" not in source


def test_closed_form():
    x, w = ARGS
    # sum(sin(w x)^2 * w^2): d/dx = w^2 * 2 sin(w x) cos(w x) w
    expected = w ** 3 * np.sin(2 * w * x)
    np.testing.assert_allclose(s2sad.grad(closure_activation)(x, w), expected, rtol=1e-12)


def listed(x, fn):
    fs = [fn, fn]
    for g in fs:
        x = g(x)
    return x


def closure_listed(x, w):
    return np.sum(listed(x, lambda t: t * w))


def library_listed(x, w):
    return np.sum(listed(x, np.sin)) * w


def test_a_function_held_as_a_value():
    check_grad(library_listed, *ARGS, wrt=(0, 1))
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_functions_as_values.py:\d+: a function reading variables"):
        s2sad.grad(closure_listed)(*ARGS)
