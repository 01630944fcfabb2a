"""NumPy functions passed as arguments or default values (``apply(np.var, x)``,
``lambda x, f=np.cumsum: ...``), and lambdas sharing a line: both refused before
(NumPy 2's functions are not plain Python functions; a line with several lambdas of
the same parameters was ambiguous, now told apart by the columns of their code).
Checked against finite differences."""
from __future__ import annotations

import functools

import numpy as np

import s2sad
from gradcheck import assert_tree_close, check_grad, check_jvp, check_vjp, numerical_grad

X = np.array([[0.3, -0.5, 0.8], [1.1, 0.2, -0.7]])


def apply(f, x):
    return np.sum(np.sin(f(x)))


def with_default(x, f=np.cumsum):
    return np.sum(f(x) ** 2)


def test_numpy_function_passed_as_an_argument():
    check_grad(apply, np.var, X, wrt=1)
    check_jvp(apply, np.var, X, wrt=1)


def test_numpy_function_as_a_default_value():
    check_grad(with_default, X)
    check_vjp(with_default, X)


def test_numpy_function_of_a_lambda_default():
    check_grad(lambda x, f=np.sinc: np.sum(f(x)), X)


def test_partial_passed_as_an_argument():  # (a copy of a partial is not equal to it)
    for f in (functools.partial(np.sum, axis=0), functools.partial(np.linalg.norm, axis=1)):
        assert_tree_close(s2sad.grad(apply, wrt=1)(f, X), numerical_grad(apply, (f, X), 1))


def test_lambdas_sharing_a_line():
    fs = [lambda x: np.sum(x ** 3), lambda x: np.sum(np.exp(x)), lambda x: np.prod(x)]
    for f in fs:
        check_grad(f, X)
        check_jvp(f, X)
    fs = [(lambda c: (lambda x: np.sum(np.tanh(c * x))))(k) for k in (1.0, 2.0)]
    for f in fs:
        check_grad(f, X)
