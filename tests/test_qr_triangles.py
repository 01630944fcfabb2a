"""``R`` of ``Q, R = np.linalg.qr(a)`` is upper triangular (NumPy zeroes it below the
diagonal): the user's ``np.linalg.solve(R, ...)`` becomes ``tri_solve`` (compiler/ranks.py,
``_qr_factor``), and the QR rule's own solves with ``R_k`` are triangular, its columns
past ``k`` (a wide ``a``) zeros joined on rather than a product with ``np.eye(k, n)``
(rules/numpy_decompositions.py).  Each against central differences, in both modes and
to second order; a matrix that is not ``R`` keeps ``np.linalg.solve``."""
from __future__ import annotations

import re

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def qr_least_squares(A, b):
    Q, R = np.linalg.qr(A)
    coef = np.linalg.solve(R, Q.T @ b)
    return np.sum((A @ coef - b) ** 2) + np.sum(coef ** 2)


def r_only(A, y):
    """``mode='r'``, and a solve with ``R.T`` (lower triangular)."""
    R = np.linalg.qr(A, mode="r")
    return np.sum(np.linalg.solve(R.T, y) ** 2) + np.sum(np.diag(R))


def q_factor_solve(A, y):
    """A solve with a block of ``Q`` (not triangular) and with an ``R`` chosen by a
    branch (two definitions): both keep ``np.linalg.solve``."""
    Q, R = np.linalg.qr(A)
    if y[0] > 0:
        R = R + np.outer(y, y)
    return np.sum(np.linalg.solve(Q[:3, :3], y)) + np.sum(np.linalg.solve(R, y) ** 2)


def wide_and_complete(A, y):
    """A wide ``a`` (k < n: zero columns past k) and a complete tall one."""
    Q1, R1 = np.linalg.qr(A.T[:2])
    Q2, R2 = np.linalg.qr(A, mode="complete")
    return np.sum(Q1 * Q1[:, :1]) + np.sum(R1 ** 2 * np.arange(A.shape[0])) + \
        np.sum(Q2[:, :3] @ y) + np.sum(R2[:3] * A[:3])


@pytest.mark.parametrize("shape", [(6, 3), (4, 4), (9, 2)])
def test_least_squares_by_qr(shape):
    rng = np.random.default_rng(0)
    A, b = rng.standard_normal(shape), rng.standard_normal(shape[0])
    check_grad(qr_least_squares, A, b, wrt=(0, 1))
    check_jvp(qr_least_squares, A, b, wrt=(0, 1))
    check_hessian(lambda b: qr_least_squares(A, b), b)
    code = grad_code(qr_least_squares, A, b, wrt=(0, 1))
    assert "tri_solve(R, " in code and "np.linalg.solve" not in code, code


def test_r_alone_and_its_transpose():
    rng = np.random.default_rng(1)
    A, y = rng.standard_normal((5, 3)), rng.standard_normal(3)
    check_grad(r_only, A, y, wrt=(0, 1))
    check_jvp(r_only, A, y, wrt=(0, 1))
    check_hessian(lambda A: r_only(A, y), A)
    assert "tri_solve(" in grad_code(r_only, A, y, wrt=(0, 1))


@pytest.mark.parametrize("sign", [1.0, -1.0])  # (both branches)
def test_other_matrices_keep_the_general_solve(sign):
    rng = np.random.default_rng(2)
    A, y = rng.standard_normal((4, 3)), rng.standard_normal(3)
    y[0] = sign * abs(y[0])
    check_grad(q_factor_solve, A, y, wrt=(0, 1))
    check_jvp(q_factor_solve, A, y, wrt=(0, 1))
    code = grad_code(q_factor_solve, A, y, wrt=(0, 1))
    assert code.count("np.linalg.solve(") >= 2, code


def test_wide_and_complete_factorisations():
    rng = np.random.default_rng(3)
    A, y = rng.standard_normal((5, 3)), rng.standard_normal(3)
    check_grad(wide_and_complete, A, y, wrt=(0, 1))
    check_jvp(wide_and_complete, A, y, wrt=(0, 1))
    check_hessian(lambda A: wide_and_complete(A, y), A)


def written_below(A, b):
    """``R`` copied and written below its diagonal: not triangular any more."""
    Q, R = np.linalg.qr(A)
    R = R.copy()
    R[1, 0] = 0.5 * A[0, 0]
    return np.sum(np.linalg.solve(R, Q.T @ b) ** 2)


def added_in_place(A, b):
    """``R`` copied and a full matrix added in place."""
    Q, R = np.linalg.qr(A)
    R = R.copy()
    R += np.outer(b[:3], b[:3])
    return np.sum(np.linalg.solve(R, Q.T @ b) ** 2)


@pytest.mark.parametrize("f", [written_below, added_in_place])
def test_a_written_r_keeps_the_general_solve(f):
    rng = np.random.default_rng(4)
    A, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
    check_grad(f, A, b, wrt=(0, 1))
    code = grad_code(f, A, b, wrt=(0, 1))
    assert re.search(r"= np\.linalg\.solve\(R_\d+, ", code), code
