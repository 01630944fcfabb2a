"""A user's module global named like one of s2sad's runtime helpers (``centered``,
``fresh``, ``astype``, ``Shape``...): the generated code once read the helper in its
place (a bare TypeError caught as "an s2sad bug") or refused the name.  The user's
global now gets an alias of its own; checked against finite differences."""
from __future__ import annotations

import numpy as np

from gradcheck import check_grad, check_jvp, check_vjp

centered = np.array([1.0, 2.0, -3.0])  # helper names in s2sad.runtime
Shape = 3.0


def fresh(a):
    return a * 2.0 + 1.0


def astype(a):
    return a ** 2


def scaled_by_centered(x):
    return np.sum(x * centered)


def scaled_by_shape(x):
    return np.sum(np.tanh(x) * Shape)


def calls_fresh(x):
    return np.sum(fresh(x) * x) + np.var(x)


def percentile_beside_astype(x):
    return np.percentile(x, 30) + np.sum(astype(x))


X = np.array([0.3, -1.2, 0.8])


def test_a_global_array_named_like_a_helper():
    check_grad(scaled_by_centered, X)
    check_jvp(scaled_by_centered, X)


def test_a_global_float_named_like_a_helper():
    check_grad(scaled_by_shape, X)
    check_vjp(scaled_by_shape, X)


def test_a_user_function_named_like_a_helper():
    check_grad(calls_fresh, X)
    check_jvp(calls_fresh, X)


def test_a_rule_using_a_helper_the_user_module_also_defines():
    check_grad(percentile_beside_astype, X)
    check_jvp(percentile_beside_astype, X)
