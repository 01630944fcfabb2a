"""A log-sum-exp over the leading axis written without ``keepdims`` (``m = np.max(M,
axis=0)``, ``m + np.log(np.sum(np.exp(M - m), axis=0))``: ``M - m`` broadcasts ``m``
over the leading axis as if it were kept) carries no gradient through its maximum
(``compiler/shifts.py``): no ``extremum_adjoint``, half the tape in a loop.  Against
central differences in float64 and the closed form (softmax weights); ties in the
maximum; and a maximum over another axis, whose subtraction does not broadcast as a
kept axis would, still differentiated."""
import numpy as np
from scipy.special import logsumexp, softmax

import s2sad
from gradcheck import check_grad, grad_source


def forward_algorithm(logA, alpha0, steps):
    alpha = alpha0
    for _ in range(steps):
        M = alpha[:, None] + logA
        m = np.max(M, axis=0)
        alpha = m + np.log(np.sum(np.exp(M - m), axis=0))
    return np.sum(alpha)


def columns(X):
    m = np.max(X, axis=0)
    return np.sum(np.sin(m + np.log(np.sum(np.exp(X - m), axis=0))))


def running(X):
    total = 0.0
    for k in range(3):
        Y = X * (k + 1.0)
        m = np.max(Y, axis=0)
        total = total + m + np.log(np.sum(np.exp(Y - m), axis=0))
    return np.sum(total)


def other_axis(X):
    m = np.max(X, axis=1)
    return np.sum(m + np.log(np.sum(np.exp(X - m), axis=1)))


def _code(f, *args, wrt=0):
    return grad_source(f, *args, wrt=wrt)


def test_an_hmm_forward_algorithm(rng) -> None:
    logA, alpha0 = rng.standard_normal((4, 4)), rng.standard_normal(4)
    check_grad(forward_algorithm, logA, alpha0, 5, wrt=(0, 1))
    src = _code(forward_algorithm, logA, alpha0, 5, wrt=(0, 1))
    assert "extremum_adjoint" not in src and "stack.append((M" not in src


def test_columns_closed_form(rng) -> None:
    X = rng.standard_normal((5, 3))
    check_grad(columns, X)
    got = s2sad.grad(columns)(X)
    assert np.allclose(got, np.cos(logsumexp(X, axis=0)) * softmax(X, axis=0), rtol=1e-13)
    assert "extremum_adjoint" not in _code(columns, X)


def test_ties_in_the_maximum() -> None:
    X = np.array([[1.0, 2.0, 0.5], [1.0, -1.0, 0.5], [0.0, 2.0, 0.5]])
    got = s2sad.grad(columns)(X)
    assert np.allclose(got, np.cos(logsumexp(X, axis=0)) * softmax(X, axis=0), rtol=1e-13)


def test_in_a_running_sum(rng) -> None:
    check_grad(running, rng.standard_normal((4, 3)))


def test_another_axis_is_differentiated(rng) -> None:
    X = rng.standard_normal((3, 3))
    check_grad(other_axis, X)
