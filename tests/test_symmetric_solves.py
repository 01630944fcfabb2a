"""Symmetric matrices (``compiler/symmetric.py``): a covariance or Gram matrix
``S = A @ A.T + eps * np.eye(n)`` is its own transpose, so the adjoint of
``solve(S, b)`` solves with ``S``; where the right-hand side's adjoint is a multiple of
it (a quadratic form ``0.5 * y' S^-1 y``) that solve is the multiple of the solution
the function made (``compiler/scaled_solves.py``); and the adjoint of ``A @ A.T`` with
a symmetric adjoint is twice one product.  Each against central differences; the
source checked for the form; a matrix that is not symmetric keeps ``S.T`` (its LU
factors solved with transposed: ``compiler/shared_factors.py``)."""
import numpy as np

import s2sad
from gradcheck import check_grad


def gauss_nll(A, Y, eps):
    n, m = Y.shape
    S = A @ A.T + eps * np.eye(n)
    sign, logdet = np.linalg.slogdet(S)
    alpha = np.linalg.solve(S, Y)
    return 0.5 * np.sum(Y * alpha) + 0.5 * m * logdet


def mahalanobis(X, b, lam):
    S = X.T @ X / X.shape[0] + lam * np.eye(X.shape[1])
    z = np.linalg.solve(S, b)
    return 3.0 * (b @ z)


def kernel_fit(A, y):
    K = np.exp(-0.5 * (A @ A.T)) + 2.0 * np.eye(A.shape[0])
    alpha = np.linalg.solve(K, y)
    return 0.5 * (y @ alpha) + np.sum(alpha ** 2)


def not_symmetric(A, B, y):
    S = A @ B + 3.0 * np.eye(A.shape[0])
    alpha = np.linalg.solve(S, y)
    return 0.5 * (y @ alpha)


def written_into(A, y):
    S = A @ A.T + np.eye(A.shape[0])
    S[0, 1] = S[0, 1] + 0.5
    alpha = np.linalg.solve(S, y)
    return 0.5 * (y @ alpha)


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, argnums=wrt)
    g(*args)
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))  # (comments quote the user)


def test_gaussian_log_likelihood(rng) -> None:
    A = rng.standard_normal((6, 3)) / np.sqrt(3)
    Y = rng.standard_normal((6, 2))
    check_grad(gauss_nll, A, Y, 0.5, wrt=(0, 1, 2))
    src = _source(gauss_nll, A, Y, 0.5)  # (one inverse for the solve too: shared_factors)
    assert src.count("inverse(S)") == 1 and "solve(" not in src and "S.T" not in src
    assert "2 * (dS @ A)" in src


def test_mahalanobis_of_a_vector(rng) -> None:
    X = rng.standard_normal((9, 4))
    b = rng.standard_normal(4)
    check_grad(mahalanobis, X, b, 0.3, wrt=(0, 1, 2))
    src = _source(mahalanobis, X, b, 0.3, wrt=(0, 1))
    assert src.count("np.linalg.solve(") == 1 and "S.T" not in src


def test_kernel_matrix_of_an_elementwise_function(rng) -> None:
    A = rng.standard_normal((5, 2))
    y = rng.standard_normal(5)
    check_grad(kernel_fit, A, y, wrt=(0, 1))
    src = _source(kernel_fit, A, y, wrt=(0, 1))
    assert "K.T" not in src


def test_a_product_of_two_matrices_keeps_the_transpose(rng) -> None:
    A, B = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    y = rng.standard_normal(4)
    check_grad(not_symmetric, A, B, y, wrt=(0, 1, 2))
    assert "lu_solve(S_lu, dalpha, True)" in _source(not_symmetric, A, B, y)  # (with S.T)


def test_an_item_written_into_is_not_symmetric(rng) -> None:
    A = rng.standard_normal((4, 3))
    y = rng.standard_normal(4)
    check_grad(written_into, A, y, wrt=(0, 1))
    assert "lu_solve(S_1_lu, dalpha, True)" in _source(written_into, A, y)  # (with S_1.T)
