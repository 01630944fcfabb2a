"""A view chosen by a branch (``v = B[0] if c else B[1]``, or an ``if`` binding ``v`` to
a view in each branch) and then written through: it was refused (``v`` shares memory
with ``B``); it is now one view at an index the branch chooses (compiler/branch_views.py:
``v_at = 0`` / ``v_at = 1``, then ``v = B[v_at]``), written back into ``B`` and taken
again after writes into ``B`` as a view at a constant index is.  Both branches of each
``if``, both modes, against central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

X = np.array([0.3, -0.7, 1.1])  # (x[0] > 0, x[1] < 0)
X_NEGATIVE_FIRST = np.array([-0.4, 0.9, 0.6])


def row_by_flag(x, c):
    B = np.outer(x, x)
    v = B[0] if c else B[1]
    v *= 3.0
    return np.sum(B * B)


def row_by_sign(x):
    B = np.outer(x, np.sin(x))
    if x[0] > 0:
        v = B[0]
    else:
        v = B[2]
    v[1] = x[2] * v[0]
    B[0, 0] = B[0, 0] + 1.0  # (a write into B: v taken again)
    return np.sum(B ** 2) + np.sum(v * x)


def column_by_sign(x):
    B = np.outer(x, x) + 1.0
    v = B[:, 0] if x[1] > 0 else B[:, 2]
    v[1:] = v[1:] + x[1] * v[0]
    B[2] = B[2] * x[0]  # (a write into B: v taken again, then read)
    return np.sum(B * B) + np.sum(v * v)


@pytest.mark.parametrize("x", [X, X_NEGATIVE_FIRST])
@pytest.mark.parametrize("f", [row_by_sign, column_by_sign])
def test_view_chosen_by_a_branch_of_data(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


@pytest.mark.parametrize("c", [True, False])
def test_view_chosen_by_a_flag(c):
    check_grad(row_by_flag, X, c)
    check_vjp(row_by_flag, X, c)
    check_jvp(row_by_flag, X, c)


def views_of_two_ranks(x, c):
    B = np.outer(x, x)
    v = B[0] if c else B[1:3]  # (a row or two rows)
    v *= 3.0
    return np.sum(B * B)


def views_of_two_arrays(x, c):
    A, B = np.outer(x, x), np.outer(x, x) * 2.0
    v = A[0] if c else B[0]
    v *= 3.0
    return np.sum(A * B)


@pytest.mark.parametrize("f", [views_of_two_ranks, views_of_two_arrays])
def test_other_chosen_views_still_refused(f):
    line = f.__code__.co_firstlineno + 3
    with pytest.raises(s2sad.DifferentiationError,
                       match=f"test_branch_views.py:{line}: in-place write to v"):
        s2sad.grad(f)(X, True)
