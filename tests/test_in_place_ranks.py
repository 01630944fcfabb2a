"""An in-place operation keeps its array's shape: ``view *= v`` of a view whose rank is
known leaves it that rank whatever ``v`` is.  The shape facts broadcast the two, so a
factor of unknown rank (an item of ``A[np.arange(n), np.argmax(A, axis=1)]``, whose
indices were not known to be integers) made the view's rank unknown, and the write
through it was refused ("if it is an array, view shares its memory with buf", tools/fuzz2
seed 770900).  ``np.argmax`` / ``np.argmin`` with an axis and ``np.flatnonzero`` are now
known to give integer vectors.  Where the name written is a number, ``s *= v`` rebinds
it to an array of ``v``'s shape, as before.  Checked against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp

RNG = np.random.default_rng(48)
Y = RNG.uniform(-1.0, 1.0, 4)
A = RNG.uniform(-1.0, 1.0, (4, 4))


def view_times_a_gathered_item(y, A):
    picked = A[np.arange(4), np.argmax(A, axis=1)]
    buf = y.copy()
    view = buf[:-1]
    view *= picked[3]
    return np.sum(np.tanh(buf))


def row_plus_a_gather(y, A):
    B = A.copy()
    row = B[1]
    row += A[np.arange(4), np.argmin(A, axis=0)] * y
    col = B[:, 2]
    col -= np.max(A, axis=1)
    return np.sum(np.sin(B)) + np.sum(row * col)


def number_times_an_array(y, A):  # (s is a number: *= makes it an array)
    s = y[0] * 1.0
    s *= A[np.arange(4), np.argmax(A, axis=1)]
    total = 0.5
    for i in range(2):
        total += A[i] * y
    return np.sum(s ** 2) + np.sum(np.tanh(total))


def column_view_of_a_column(y, A):
    buf = y[:, None] * 1.0
    tail = buf[1:]
    tail *= A[0, np.argmin(A, axis=0)][:3, None]
    return np.sum(buf * A)


@pytest.mark.parametrize("y, A", [(Y, A), (-Y, A.T), (Y[::-1], A * 1.7)])
@pytest.mark.parametrize("f", [view_times_a_gathered_item, row_plus_a_gather,
                               number_times_an_array, column_view_of_a_column])
def test_in_place_keeps_the_rank(f, y, A):
    check_grad(f, y, A, wrt=(0, 1))
    check_jvp(f, y, A, wrt=(0, 1))
