"""An adjoint that starts as zeros and is first written at a slice (``d[1:, 1:] = e``,
not ``+=``: no read of the zeros), and the adjoint of a solve's matrix with its minus
on the solved vector (``np.multiply.outer(-w, x)``), checked against differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen4 import fem_bar as assembled_bar  # (an element loop, a solve)
from tests.gradcheck import check_grad, grad_code


def block_solve(A, B):
    """A block of a matrix solved against several right-hand sides."""
    X = np.linalg.solve(A[:-1, :-1] + 4.0 * np.eye(A.shape[0] - 1), B)
    return np.sum(X * X) + np.sum(A[-1] ** 2)


def two_blocks(A, b):
    """Two overlapping blocks of one matrix: the second block's write adds onto the
    first's (only the first may be a plain write)."""
    top = np.linalg.solve(A[:3, :3] + 5.0 * np.eye(3), b)
    low = np.linalg.solve(A[1:, 1:] + 5.0 * np.eye(3), b)
    return top @ low + np.sum(A[1:, 0] * b)


def corner_sum(A, w):
    """A slice read then a column read: zeros, one slice written, one column added."""
    return np.sum(np.tanh(A[1:, :2]) * w) + np.sum(A[:, 1] ** 3)


def _rng():
    return np.random.default_rng(41)


@pytest.mark.parametrize("n", [3, 6])
def test_assembled_bar(n):
    r = _rng()
    check_grad(assembled_bar, 1.0 + r.random(n), r.standard_normal(n), wrt=(0, 1))


def test_assembled_bar_writes_block_plainly():
    r = _rng()
    code = grad_code(assembled_bar, 1.0 + r.random(4), r.standard_normal(4), wrt=(0, 1))
    assert "[1:, 1:] = " in code and "[1:, 1:] += " not in code
    assert "np.multiply.outer(-" in code


def test_block_solve_matrix_rhs():
    r = _rng()
    check_grad(block_solve, r.standard_normal((4, 4)), r.standard_normal((3, 2)),
               wrt=(0, 1))


def test_two_overlapping_blocks():
    r = _rng()
    check_grad(two_blocks, r.standard_normal((4, 4)), r.standard_normal(3), wrt=(0, 1))


def test_corner_then_column():
    r = _rng()
    check_grad(corner_sum, r.standard_normal((4, 3)), r.standard_normal((3, 2)),
               wrt=(0, 1))


def gate_halves(W, x):
    """Two gates sliced out of one product: their adjoints cover the product's, part by
    part (written from np.empty_like, the first part with = already)."""
    z = x @ W
    H = W.shape[1] // 2
    return np.sum(np.tanh(z[:, :H]) * np.sin(z[:, H:]))


def test_gate_parts_cover_the_adjoint():
    r = _rng()
    W, x = r.standard_normal((3, 4)), r.standard_normal((5, 3))
    check_grad(gate_halves, W, x, wrt=(0, 1))
    g = s2sad.grad(gate_halves, argnums=(0, 1))
    g(W, x)
    assert "empty_like" in g._last.source and "] += " not in g._last.source
