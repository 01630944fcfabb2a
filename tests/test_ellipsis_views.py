"""``v = b[...]`` is a view of all of ``b`` (as ``b[:]`` is): a write through it, or
through a view of it, changes ``b``.  The alias stage did not take ``...`` for a constant
index, so ``v`` was not known as a view and such a write was refused while ``b`` was read
later (tools/fuzz2 seeds 771720, 771726, 771732, 771803, 771840, 771848: six of the eight
refusals of seeds 771715-771864).  ``...`` is now a constant index like ``None`` and
numbers (``views._constant_index``); the write is carried to ``b``.  Checked against
central differences, with the value Python computes."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

RNG = np.random.default_rng(771720)
X = RNG.uniform(-1.0, 1.0, 3)
W = RNG.uniform(-1.0, 1.0, 4)
A = RNG.uniform(-1.0, 1.0, (3, 4))


def view_of_a_whole_view(x, w, A):  # (the reduced seed 771720)
    b = w.copy()
    whole = b[...]
    back = whole[::-1]
    back *= x[-1]
    return np.sum(whole ** 2) + b[0]


def whole_view_scaled(x, w, A):
    b = w * 1.0
    whole = b[...]
    whole *= x[0]
    whole += x[1]
    return np.sum(np.tanh(b)) + np.sum(whole * w)


def columns_after_the_ellipsis(x, w, A):
    B = A.copy()
    tail = B[..., 1:]
    tail -= np.outer(x, w[1:])
    return np.sum(np.sin(B)) + B[0, 0] * x[2]


def row_of_a_whole_view(x, w, A):
    B = np.array(A)
    whole = B[...]
    row = whole[1]
    row += w * x[0]
    return np.sum(np.cos(B)) + np.sum(row)


def chosen_by_the_data(x, w, A):  # (both branches: x[0] of either sign below)
    b = w.copy()
    v = b[...]
    if x[0] > 0.0:
        v *= x[1]
    else:
        v[1:] -= x[2] * w[:-1]
    return np.sum(b ** 3) + v[0]


CASES = [(X, W, A), (-X, W[::-1], A * 1.5), (X[::-1], -W, A[::-1])]


@pytest.mark.parametrize("x, w, A", CASES)
@pytest.mark.parametrize("f", [view_of_a_whole_view, whole_view_scaled,
                               columns_after_the_ellipsis, row_of_a_whole_view,
                               chosen_by_the_data])
def test_writes_through_an_ellipsis_view(f, x, w, A):
    value, _ = s2sad.value_and_grad(f, wrt=(0, 1, 2))(x, w, A)
    assert np.isclose(value, f(x, w, A), rtol=1e-12, atol=1e-12)
    check_grad(f, x, w, A, wrt=(0, 1, 2))
    check_jvp(f, x, w, A, wrt=(0, 1, 2))


def test_both_branches_are_taken():
    assert {bool(c[0][0] > 0.0) for c in CASES} == {True, False}
