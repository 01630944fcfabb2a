"""Matrix products sharing a factor in one adjoint's sum multiplied once (``A @ dM + (dM
@ A.T).T`` as ``A @ (dM + dM.T)``, :mod:`s2sad.compiler.matmul_factors`): Gram matrices
of normal equations, power iteration and covariances, in loops and out.  Checked against
central differences and a closed form, second order, and the cases left alone: a square
of a matrix (no factor on one side), stacks of matrices (``.T`` reverses every axis), a
vector's Gram product."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_code


def gram_trace(A, w):
    """``sum(w * (A.T @ A))``: the adjoint of ``A`` is ``A @ (dM + dM.T)``."""
    M = A.T @ A
    return np.sum(w * M)


def power_step(A, v):
    """Two power-iteration steps with ``A.T @ A`` and a Rayleigh quotient."""
    M = A.T @ A
    for _ in range(2):
        w = M @ v
        v = w / np.linalg.norm(w)
    return v @ M @ v


def covariance_logdets(X, B, eps):
    """``X[i] @ X[i].T + eps I`` per item: slogdet and a solve, summed."""
    total = 0.0
    for i in range(X.shape[0]):
        S = X[i] @ X[i].T + eps * np.eye(X.shape[1])
        _, logdet = np.linalg.slogdet(S)
        total = total + logdet + B[i] @ np.linalg.solve(S, B[i])
    return total


def outer_gram(X, w):
    """``X @ X.T`` (the shared factor on the other side)."""
    K = X @ X.T
    return np.sum(np.tanh(K) * w)


def matrix_square(A):
    """``A @ A``: the adjoint's products share no factor on one side (left alone)."""
    return np.sum((A @ A) ** 2)


def stacked_gram(X):
    """A stack's Gram matrices (``np.matmul`` with ``swapaxes``): no ``.T`` of a stack."""
    K = np.matmul(X, np.swapaxes(X, -1, -2))
    return np.sum(K * K)


def vector_gram(v, A):
    """A vector's ``v @ v``, and ``A.T @ A`` beside it."""
    return (v @ v) * np.sum(A.T @ A)


def _rng():
    return np.random.default_rng(7)


def test_gram_trace_closed_form():
    r = _rng()
    A, w = r.standard_normal((6, 4)), r.standard_normal((4, 4))
    dA = s2sad.grad(gram_trace)(A, w)
    np.testing.assert_allclose(dA, A @ (w + w.T), rtol=1e-12, atol=1e-12)
    check_grad(gram_trace, A, w, wrt=(0, 1))
    assert "A @ (" in grad_code(gram_trace, A, w)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_power_step(shape):
    r = _rng()
    A, v = r.standard_normal(shape), r.standard_normal(shape[1])
    check_grad(power_step, A, v, wrt=(0, 1))
    check_jvp(power_step, A, v, wrt=(0, 1))
    code = grad_code(power_step, A, v)
    assert "(dM + dM.T)" in code or "(dM.T + dM)" in code


def test_covariance_logdets_in_a_loop():
    r = _rng()
    X, B = r.standard_normal((3, 4, 4)), r.standard_normal((3, 4))
    check_grad(covariance_logdets, X, B, 0.5, wrt=(0, 1))
    code = grad_code(covariance_logdets, X, B, 0.5, wrt=(0, 1))
    assert "dS) @ " in code


def test_outer_gram_and_second_order():
    r = _rng()
    X, w = r.standard_normal((4, 3)), r.standard_normal((4, 4))
    check_grad(outer_gram, X, w, wrt=(0, 1))
    assert "@ X" in grad_code(outer_gram, X, w)
    H = s2sad.hessian(outer_gram)(X, w)
    g = s2sad.grad(outer_gram)
    for at in np.ndindex(X.shape):  # (a column of the Hessian: differences of the gradient)
        step = np.zeros_like(X)
        step[at] = 1e-6
        column = (g(X + step, w) - g(X - step, w)) / 2e-6
        np.testing.assert_allclose(H[at], column, rtol=1e-5, atol=1e-6)


def test_left_alone():
    r = _rng()
    A = r.standard_normal((4, 4))
    check_grad(matrix_square, A)
    X = r.standard_normal((3, 4, 2))
    check_grad(stacked_gram, X)
    v, B = r.standard_normal(3), r.standard_normal((5, 3))
    check_grad(vector_gram, v, B, wrt=(0, 1))
