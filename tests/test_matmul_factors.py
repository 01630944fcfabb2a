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


def normal_equation_steps(theta, t, y, lam):
    """Damped Gauss-Newton steps (``J.T @ J + lam I``): the tape keeps ``J``, not its
    transposes (``J.T`` made again after the pop), and ``J.T.T`` reads as ``J``."""
    for _ in range(3):
        e = np.exp(-theta[1] * t)
        r = theta[0] * e - y
        J = np.stack([e, -theta[0] * t * e], axis=1)
        H = J.T @ J + lam * np.eye(2)
        theta = theta - np.linalg.solve(H, J.T @ r)
    return np.sum(theta ** 2)


def normal_equation_branch(theta, t, y, lam):
    """The step taken only where the residual is large (both branches differentiated)."""
    for _ in range(2):
        J = np.stack([np.sin(theta[0] * t), np.cos(theta[1] * t)], axis=1)
        r = J @ theta - y
        if r @ r > 1.0:
            Jt = J.T
            theta = theta - np.linalg.solve(Jt @ J + lam * np.eye(2), Jt @ r)
        else:
            theta = theta * 0.9
    return np.sum(theta ** 3)


def transposed_then_written(A, w):
    """A transpose bound, then the matrix it views rebound: ``t.T`` is the old matrix."""
    At = A.T
    B = A * 2.0
    return np.sum(w * (At @ B)) + np.sum(At.T @ w)


@pytest.mark.parametrize("lam", [0.1, 10.0])
def test_normal_equation_steps(lam):
    r = _rng()
    t = np.linspace(0.0, 2.0, 9)
    y = 1.5 * np.exp(-0.7 * t) + 0.01 * r.standard_normal(9)
    theta = np.array([1.2, 0.5])
    check_grad(normal_equation_steps, theta, t, y, lam, wrt=(0, 3))
    check_jvp(normal_equation_steps, theta, t, y, lam, wrt=(0, 3))
    code = grad_code(normal_equation_steps, theta, t, y, lam)
    assert ".T.T" not in code and "J, " in code
    assert "transpose" not in code  # (no transpose taped, none bound unread)


@pytest.mark.parametrize("scale", [0.01, 5.0])
def test_normal_equation_branch_both_ways(scale):
    t = np.linspace(0.0, 1.0, 7)
    theta = np.array([0.3, -0.4])
    y = scale * np.ones(7)
    f = normal_equation_branch
    J = np.stack([np.sin(theta[0] * t), np.cos(theta[1] * t)], axis=1)
    res = J @ theta - y
    assert (res @ res > 1.0) == (scale > 1.0)  # (the branch this case takes first)
    check_grad(f, theta, t, y, 0.5, wrt=(0, 3))


def test_transposed_then_rebound():
    r = _rng()
    A, w = r.standard_normal((4, 4)), r.standard_normal((4, 4))
    check_grad(transposed_then_written, A, w, wrt=(0, 1))
