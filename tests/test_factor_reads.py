"""``c = cho_factor(K)`` read by ``cho_solve(c, b)`` and ``np.sum(np.log(np.diag(c[0])))``
is differentiated in ``K`` itself (``compiler/factor_reads.py``: ``factor_solve``,
``factor_log_det``, no Cholesky adjoint): checked against central differences for upper
and lower factors, vector and matrix right-hand sides, a general (not symmetric) matrix
argument whose other triangle gets no gradient, a factor read also some other way (that
read keeps ``cho_factor``'s adjoint), and forward mode."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, grad_source

sla = pytest.importorskip("scipy.linalg")
cho_factor, cho_solve = sla.cho_factor, sla.cho_solve

RNG = np.random.default_rng(35)
X = RNG.standard_normal((9, 2))
Y = np.sin(X[:, 0]) + 0.1 * RNG.standard_normal(9)


def gp_upper(theta, x, y):
    d2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    K = np.exp(2 * theta[1]) * np.exp(-0.5 * d2 / np.exp(2 * theta[0]))
    K = K + np.exp(2 * theta[2]) * np.eye(x.shape[0])
    c = cho_factor(K)
    alpha = cho_solve(c, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c[0])))


def gp_lower_matrix(theta, x, Y2):
    d2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    K = np.exp(theta[0]) * np.exp(-d2) + np.exp(theta[1]) * np.eye(x.shape[0])
    c = cho_factor(K, lower=True)
    A = cho_solve(c, Y2)
    return 0.5 * np.sum(Y2 * A) + 2.0 * np.sum(np.log(np.diagonal(c[0])))


def general(M, b):  # cho_factor reads one triangle of M: the other gets no gradient
    c = cho_factor(M @ M.T + 3.0 * np.eye(4) + np.triu(M, 1), lower=False)
    x = cho_solve(c, b)
    return np.sum(x ** 2) + 3.0 * np.sum(np.log(np.diag(c[0])))


def direct(K, b, lower):
    c = cho_factor(K, lower=lower)
    return np.sum(np.sin(cho_solve(c, b))) - np.sum(np.log(np.diag(c[0])))


def also_read(K, b):  # c[0] read by a product too: that read goes through cho_factor
    c = cho_factor(K)
    z = np.triu(c[0]) @ b
    return cho_solve(c, b) @ z + np.sum(np.log(np.diag(c[0])))


THETA = np.array([0.2, -0.1, -1.0])


def test_gp_likelihood_upper_in_the_matrix() -> None:
    check_grad(gp_upper, THETA, X, Y)
    src = grad_source(gp_upper, THETA, X, Y)
    assert "factor_log_det_adjoint(c" in src and "cholesky_adjoint" not in src
    assert "cho_solve" not in src.split("adjoint of line")[-1]  # (0.5 * alpha: no solve)


def test_gp_lower_factor_matrix_right_hand_side() -> None:
    Y2 = np.stack([Y, np.cos(X[:, 1])], axis=1)
    check_grad(gp_lower_matrix, np.array([0.3, -0.7]), X, Y2)
    check_vjp(gp_lower_matrix, np.array([0.3, -0.7]), X, Y2)
    assert "cholesky_adjoint" not in grad_source(gp_lower_matrix, np.array([0.3, -0.7]), X, Y2)


def test_one_triangle_read_of_a_general_matrix() -> None:
    M = RNG.standard_normal((4, 4))
    b = RNG.standard_normal(4)
    check_grad(general, M, b, wrt=(0, 1))
    A = M @ M.T + 3.0 * np.eye(4)
    for lower in (True, False):
        K = A + (np.triu(M, 1) if lower else np.tril(M, -1))  # the triangle not read
        g = check_grad(direct, K, b, lower)
        zero = np.triu(g, 1) if lower else np.tril(g, -1)
        assert np.all(zero == 0.0)
        assert "cholesky_adjoint" not in grad_source(direct, K, b, lower)


def test_forward_mode() -> None:
    check_jvp(gp_upper, THETA, X, Y)
    A = np.eye(4) * 3.0 + 0.1
    check_jvp(direct, A, np.arange(4.0), True, wrt=(0, 1))


def test_another_read_keeps_the_factor_adjoint() -> None:
    A = RNG.standard_normal((4, 4))
    K = A @ A.T + 4.0 * np.eye(4)
    b = RNG.standard_normal(4)
    check_grad(also_read, K, b, wrt=(0, 1))
    src = grad_source(also_read, K, b)
    assert "factor_solve(c" in src and "cholesky_adjoint" in src


def test_hessian_through_the_solve() -> None:
    def f(t, x, y):
        return gp_upper(np.array([t[0], t[1], -1.0]), x, y)
    h = s2sad.hessian(f)(np.array([0.2, -0.1]), X, Y)
    eps = 1e-5
    t = np.array([0.2, -0.1])
    num = np.array([(s2sad.grad(f)(t + eps * e, X, Y) - s2sad.grad(f)(t - eps * e, X, Y))
                    / (2 * eps) for e in np.eye(2)])
    np.testing.assert_allclose(h, num, rtol=1e-5, atol=1e-6)


# ----- the factor unpacked (``f, low = cho_factor(K)``) and given back as a tuple -----

def gp_unpacked(theta, x, y):
    d2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    K = np.exp(2 * theta[1]) * np.exp(-0.5 * d2 / np.exp(2 * theta[0]))
    K = K + np.exp(2 * theta[2]) * np.eye(x.shape[0])
    L, low = cho_factor(K, lower=True)
    alpha = cho_solve((L, low), y)
    return 0.5 * np.dot(y, alpha) + np.log(np.diag(L)).sum()


def unpacked_upper_matrix(K, B):
    U, lower = cho_factor(K)
    Z = cho_solve((U, lower), B)
    return np.sum(np.tanh(Z)) - 2.0 * np.sum(np.log(np.diagonal(U)))


def unpacked_read_again(K, b):  # U read by a product too: that read keeps the Cholesky adjoint
    U, lower = cho_factor(K, lower=False)
    x = cho_solve((U, lower), b)
    return x @ (np.triu(U) @ b) + np.sum(np.log(np.diag(U)))


def test_unpacked_factor_gp() -> None:
    check_grad(gp_unpacked, THETA, X, Y)
    check_jvp(gp_unpacked, THETA, X, Y)
    src = grad_source(gp_unpacked, THETA, X, Y)
    assert "factor_solve(" in src and "cholesky_adjoint" not in src


def test_unpacked_factor_matrix_and_other_reads() -> None:
    A = RNG.standard_normal((4, 4))
    K = A @ A.T + 4.0 * np.eye(4)
    B = RNG.standard_normal((4, 2))
    check_grad(unpacked_upper_matrix, K, B, wrt=(0, 1))
    assert "cholesky_adjoint" not in grad_source(unpacked_upper_matrix, K, B)
    b = RNG.standard_normal(4)
    check_grad(unpacked_read_again, K, b, wrt=(0, 1))
    assert "cholesky_adjoint" in grad_source(unpacked_read_again, K, b)


def test_unpacked_factor_closed_form() -> None:
    A = RNG.standard_normal((4, 4))
    K = A @ A.T + 4.0 * np.eye(4)
    b = RNG.standard_normal(4)

    def nll(K, b):
        L, low = cho_factor(K, lower=True)
        return 0.5 * b @ cho_solve((L, low), b) + np.sum(np.log(np.diag(L)))

    Kinv = np.linalg.inv(K)
    alpha = Kinv @ b
    full = 0.5 * (Kinv - np.outer(alpha, alpha))  # d/dK of the symmetric form
    expected = np.tril(full + full.T) - np.diag(np.diag(full))  # read from the lower triangle
    np.testing.assert_allclose(s2sad.grad(nll)(K, b), expected, rtol=1e-10, atol=1e-12)
