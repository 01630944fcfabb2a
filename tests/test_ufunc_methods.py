"""Methods of NumPy's binary ufuncs (``outer``, ``reduce``, ``accumulate``) through
closed forms (rules/ufunc_methods.py; were refused as calls with no rule): checked
against central differences, and the log-sum-exp's gradient against the softmax."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -1.2, 0.7, 1.9, -0.4])
M = np.array([[0.3, -1.2, 0.7], [1.1, 0.5, -0.3]])
LOG_A = np.log(np.array([[0.7, 0.3], [0.4, 0.6]]))


def divide_outer(x):
    return np.sum(np.divide.outer(x, x ** 2 + 1.0))


def power_outer(x):
    return np.sum(np.power.outer(np.abs(x) + 1.0, np.array([1.0, 2.0])))


def minimum_outer_of_a_matrix(m):
    return np.sum(np.minimum.outer(m, m[0]) * np.arange(18.0).reshape(2, 3, 3))


def logaddexp_rows(m):
    return np.sum(np.logaddexp.reduce(m, axis=1) * np.array([1.0, -2.0]))


def logaddexp_all(m):
    return np.logaddexp.reduce(m, axis=None) + np.sum(np.logaddexp2.reduce(m, keepdims=True))


def hmm_in_log_space(log_a, alpha):
    for _ in range(3):
        alpha = np.logaddexp.reduce(alpha[:, None] + log_a, axis=0)
    return np.logaddexp.reduce(alpha)


def hypot_rows(m):
    return np.sum(np.hypot.reduce(m, axis=1))


def subtract_and_divide(m):
    return np.sum(np.subtract.reduce(m, axis=1)) + np.sum(np.divide.accumulate(m + 3.0, axis=0))


def running_logaddexp(x):
    return np.sum(np.logaddexp.accumulate(x) * np.arange(5.0))


@pytest.mark.parametrize("f, args", [
    (divide_outer, (X,)), (power_outer, (X,)), (minimum_outer_of_a_matrix, (M,)),
    (logaddexp_rows, (M,)), (logaddexp_all, (M,)),
    (hmm_in_log_space, (LOG_A, np.array([-0.5, -1.0]))),
    (hypot_rows, (M,)), (subtract_and_divide, (M,)), (running_logaddexp, (X,)),
])
def test_ufunc_methods(f, args):
    for i in range(len(args)):
        check_grad(f, *args, wrt=i)
    check_jvp(f, *args)


def test_logaddexp_reduce_gradient_is_the_softmax():
    g = s2sad.grad(lambda x: np.logaddexp.reduce(x))(X)
    np.testing.assert_allclose(g, np.exp(X) / np.sum(np.exp(X)), rtol=1e-12)


def test_logaddexp_reduce_with_impossible_terms_matches_numpy():
    def f(x):
        y = np.where(x > 0, x, -np.inf)
        return np.logaddexp.reduce(np.stack([y, y + 1.0]), axis=0)

    with np.errstate(divide="ignore"):
        value, dx = s2sad.vjp(f)(X, np.ones(5))
        np.testing.assert_array_equal(value, f(X))
        assert np.all(dx[X <= 0] == 0.0)
        check_grad(lambda x: f(x)[0], X)
