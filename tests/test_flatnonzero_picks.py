"""``np.flatnonzero(c)`` is an index vector: the shape facts did not know it, so
``v = y[np.flatnonzero(c)]`` was of unknown kind (a list's item, or an array's rows),
a view taken of it and written (``w = v[:]; w *= s``) was refused as maybe sharing
``y``'s memory, and in a gradient differentiated again the adjoints it reached were of
unknown rank (tools/fuzz2 seed 770936 at ``--order 2``, with a running sum written
element by element).  Now a vector of unknown length (``call_shapes``); the pick is a
new array.  Checked against central differences (the Hessian-vector product against
differences of s2sad's gradient, itself checked against differences of ``f``)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

X = np.array([0.4, -0.7, 0.9, 0.3])
Y = np.array([0.5, 0.2, -0.6, 0.8])
A = np.array([[0.3, -0.2, 0.5], [-0.9, 0.1, -0.4], [0.7, 0.6, -0.1], [0.2, -0.5, 0.8]])


def picked_view_scaled(x, y, A):
    idx = np.flatnonzero(x > 0.0)
    v = y[idx]
    w = v[:]
    w *= x[0]
    return np.sum(np.sin(v)) + np.sum(y)


def picked_head_set(x, y, A):
    idx = np.flatnonzero(np.abs(x) > 0.35)
    v = x[idx]
    head = v[:1]
    head[:] = y[0] * x[1]
    return np.sum(v ** 2) + np.sum(x * y)


def picked_rows_scaled(x, y, A):
    rows = np.flatnonzero(A.sum(axis=1) > -0.5)
    B = A[rows]
    first = B[0]
    first *= x[0]
    return np.sum(np.tanh(B)) + np.sum(A) * y[1]


def picked_reversed_shifted(x, y, A):
    idx = np.flatnonzero(x * y > 0.0)
    t = y[idx]
    u = t[::-1]
    u -= x[2]
    return np.sum(t ** 3) + y[3]


FIRST = [picked_view_scaled, picked_head_set, picked_rows_scaled, picked_reversed_shifted]
POINTS = [(X, Y, A), (-X[::-1], Y, A * 1.2), (X * 1.3, -Y[::-1], A)]


@pytest.mark.parametrize("x, y, A", POINTS)
@pytest.mark.parametrize("f", FIRST)
def test_a_pick_by_flatnonzero_is_a_new_array(f, x, y, A):
    value, _ = s2sad.value_and_grad(f, wrt=(0, 1, 2))(x, y, A)
    assert np.isclose(value, f(x, y, A), rtol=1e-12, atol=1e-12)
    check_grad(f, x, y, A, wrt=(0, 1, 2))
    check_jvp(f, x, y, A, wrt=(0, 1, 2))


@pytest.mark.parametrize("seed", [770936])
def test_the_fuzzed_second_derivative(seed, tmp_path):
    from tools.fuzz.run import check_seed
    from tools.fuzz2.generate import program
    record = check_seed(seed, tmp_path, None, 600, generator=program, order=2)
    assert record["class"] == "ok", record
