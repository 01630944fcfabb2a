"""``np.where(c)`` with the condition alone is ``np.nonzero(c)``: a tuple of index
arrays (found by tools/fuzz2).  The shape facts took it for the elementwise
``np.where(c, a, b)``, so ``np.where(x > 0)[0]`` was a number to them, and the late pass
``floats`` read ``y[idx]`` from ``y``'s list of floats: a TypeError out of the forward
derivative.  It is now spelled ``np.nonzero`` before normalizing (compiler/spellings.py).
Checked against central differences in float64, reverse and forward, at inputs that
pick different index sets."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def indices_then_loop(x, y):  # the fuzzer's case: math.prod is a loop over its items
    idx = np.where(x > 0)[0]
    return np.sum(y[idx]) + math.prod([x[0], y[0]])


def unpacked_indices(x, y):
    rows, = np.where(x > 0.1)
    acc = 0.0
    for i in range(len(y)):
        acc += y[i] * x[i]
    return acc + np.sum(y[rows] ** 2)


def matrix_indices(M, y):
    r, c = np.where(M > 0.0)
    total = 0.0
    for i in range(len(y)):
        total += y[i] * M[i, i]
    return total + np.sum(M[r, c] ** 2) + np.sum(y[c] * y[r])


def indices_in_a_loop(x, y):
    acc = 0.0
    for i in range(len(x)):
        acc += x[i] * y[i]
        picked = np.where(y > y[i])[0]
        acc += 0.1 * np.sum(x[picked])
    return acc


X = np.array([0.3, -0.5, 0.8, 0.2])
Y = np.array([0.7, 0.1, -0.4, 0.6])
M = np.array([[0.2, -0.3, 0.5, 0.1], [0.4, 0.9, -0.7, 0.3], [-0.6, 0.2, 0.8, -0.1],
              [0.5, -0.2, 0.3, 0.6]])


@pytest.mark.parametrize("f, args", [
    (indices_then_loop, (X, Y)), (indices_then_loop, (-X, Y)),
    (unpacked_indices, (X, Y)), (unpacked_indices, (-X, Y)),
    (matrix_indices, (M, Y)), (matrix_indices, (-M, Y)),
    (indices_in_a_loop, (X, Y)), (indices_in_a_loop, (X, -Y)),
])
def test_where_of_a_condition_alone_gives_index_arrays(f, args) -> None:
    check_grad(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))
