"""A log-sum-exp over an axis written without ``keepdims``, the axis put back for the
subtraction (``m = np.max(M, axis=1)``, ``M - m[:, None]``, ``m + np.log(np.sum(np.exp(M
- m[:, None]), axis=1))``; or ``np.expand_dims(m, 1)``; or ``m[None, :]`` over the
leading axis) carries no gradient through its maximum (``compiler/shifts.py``): no
``extremum_adjoint``, and the shifted values off the tape of a Sinkhorn loop.

Against central differences, the closed form (softmax weights), forward mode and the
Hessian; ties in the maximum; a maximum read elsewhere too stays differentiated.
"""
import numpy as np
from scipy.special import logsumexp, softmax

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def lse_rows(M):
    m = np.max(M, axis=1)
    return m + np.log(np.sum(np.exp(M - m[:, None]), axis=1))


def rows(X):
    return np.sum(np.sin(lse_rows(X)))


def expanded(X):
    m = np.max(X, axis=1)
    return np.sum(np.cos(m + np.log(np.sum(np.exp(X - np.expand_dims(m, 1)), axis=1))))


def leading(X):
    m = np.max(X, axis=0)
    return np.sum(np.tanh(m + np.log(np.sum(np.exp(X - m[None, :]), axis=0))))


def iterations(C, a):
    f = np.zeros(C.shape[0])
    for _ in range(3):
        g = -0.5 * lse_rows((f[:, None] - C).T / 0.5)
        f = 0.5 * (np.log(a) - lse_rows((g[None, :] - C) / 0.5))
    return np.sum(f * a)


def read_twice(X):
    m = np.max(X, axis=1)
    return np.sum(m + np.log(np.sum(np.exp(X - m[:, None]), axis=1)) + 0.1 * m)


def test_rows_against_the_closed_form():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 5))
    g = check_grad(rows, X)
    np.testing.assert_allclose(g, np.cos(logsumexp(X, axis=1))[:, None] * softmax(X, axis=1),
                               rtol=1e-12)
    check_jvp(rows, X)
    check_hessian(rows, X[:2, :3])
    assert "extremum_adjoint" not in grad_code(rows, X)


def test_expand_dims_and_the_leading_axis():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 4))
    for f in (expanded, leading):
        check_grad(f, X)
        check_jvp(f, X)
        check_hessian(f, X[:2, :3])
        assert "extremum_adjoint" not in grad_code(f, X), f.__name__


def test_ties_in_the_maximum():
    X = np.array([[1.0, 1.0, 0.5], [2.0, -1.0, 2.0]])
    g = check_grad(rows, X)
    np.testing.assert_allclose(g, np.cos(logsumexp(X, axis=1))[:, None] * softmax(X, axis=1),
                               rtol=1e-12)


def test_sinkhorn_like_iterations():
    rng = np.random.default_rng(2)
    C, a = rng.random((4, 3)), 0.5 + rng.random(4)
    check_grad(iterations, C, a, wrt=(0, 1))
    check_jvp(iterations, C, a, wrt=(0, 1))
    code = grad_code(iterations, C, a, wrt=(0, 1))
    assert "extremum_adjoint" not in code and "stack.append((exp" in code, code


def test_a_maximum_read_elsewhere_stays_differentiated():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 4))
    check_grad(read_twice, X)
    check_jvp(read_twice, X)
    assert "extremum_adjoint" in grad_code(read_twice, X)
