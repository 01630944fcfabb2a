"""The pseudo-inverse of an m x n matrix is n x m: the shape facts took it for its
argument's shape (``np.linalg.pinv`` declared ``"first"``), so a later pass that reads
lengths from the facts (the rows pass's ``np.ones(3) @ (lhs * lhs)`` for a sum down the
first axis of a (6, 3) matrix) wrote the wrong length: "s2sad bug" in np.polyfit with
weights and 2-D y once ``np.arange`` was known real.  Tall and wide matrices, sums down
either axis; gradients against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp

X = np.linspace(0.0, 1.0, 6)
C = np.array([[1.0, 2.0], [0.5, 1.0], [3.0, 1.0]])


def scaled_fit(y):
    """polyfit's own steps: columns scaled by their norms (a sum down a tall matrix)."""
    lhs = X[:, None] ** np.arange(3)
    scale = np.sqrt(np.sum(lhs * lhs, axis=0))
    c = np.linalg.pinv(lhs / scale) @ y
    return np.sum(c * C)


def wide_fit(y):
    """The pseudo-inverse of a wide matrix (tall), summed down its first axis."""
    lhs = (X[:, None] ** np.arange(4)).T
    p = np.linalg.pinv(lhs)
    return np.sum(np.sum(p * p, axis=0) * (lhs @ y)[:, 0])


def row_means(a):
    """Means along the last axis of a wide pseudo-inverse (3 x 6)."""
    p = np.linalg.pinv(X[:, None] ** np.arange(3) * a)
    return np.sum(np.mean(p, axis=-1) ** 2)


@pytest.mark.parametrize("f, shape", [(scaled_fit, (6, 2)), (wide_fit, (6, 3)),
                                      (row_means, (3,))])
def test_pinv_shapes(f, shape, rng):
    y = rng.uniform(0.5, 1.5, shape)
    check_grad(f, y)
    check_jvp(f, y, rng=rng)


def test_pinv_second_order(rng):
    check_hessian(row_means, rng.uniform(0.5, 1.5, 3))
