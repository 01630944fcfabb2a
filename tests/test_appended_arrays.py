"""An array grown by ``np.append`` in a loop (``out = np.append(out, a * out[-1] + ...)``):
the adjoint of each step took ``unconcat(g, [out, v], None)`` apart twice through the
helper (flattening, ``np.split``, reshapes: 15x the function).  Now ``np.append`` has a
shape rule (a vector of both sizes), a flattened join's pieces are the items' shapes,
and the pieces of a vector of vectors and numbers are slices of ``g`` cut from the end
after the one item whose length is unknown: ``g[:-1]`` and ``g[-1]``.  Checked against
central differences; both branches of an if on an appended value."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp

YS = np.array([0.3, -1.2, 0.7, 2.0, 0.1, -0.5])


def smoothed(a, ys):
    out = np.array([ys[0]])
    for i in range(1, len(ys)):
        out = np.append(out, a * out[-1] + (1 - a) * ys[i])
    return np.sum((out - ys) ** 2)


def pairs_appended(x, n):
    out = x[:2] * 1.0
    for _ in range(n):
        out = np.append(out, np.array([out[-1] * x[2], out[-2] + x[3]]))
    return np.sum(np.sin(out))


def clipped_growth(a, ys):
    out = np.array([0.2])
    for y in ys:
        v = out[-1] * a + y if out[-1] < 0.5 else np.sqrt(out[-1]) - y * a
        out = np.append(out, v)
    return np.sum(out ** 2)


def fixed_front(x):
    z = np.append(x, x[0] * x[1])
    return np.sum(z ** 3)


@pytest.mark.parametrize("fn, args, wrt", [
    (smoothed, (0.7, YS), (0, 1)), (pairs_appended, (np.array([0.3, 0.5, 0.9, 0.2]), 4), 0),
    (clipped_growth, (0.8, np.abs(YS) * 0.4), (0, 1)), (fixed_front, (YS,), 0)])
def test_gradient_matches_differences(fn, args, wrt):
    check_grad(fn, *args, wrt=wrt)
    check_vjp(fn, *args, wrt=wrt)


def test_both_branches_are_taken():
    out, taken = [0.2], set()
    for y in np.abs(YS) * 0.4:
        taken.add(out[-1] < 0.5)
        out.append(out[-1] * 0.8 + y if out[-1] < 0.5 else np.sqrt(out[-1]) - y * 0.8)
    assert taken == {True, False}


@pytest.mark.parametrize("fn, args, wrt, pieces", [
    (smoothed, (0.7, YS), (0, 1), ("[:-1]", "[-1]")),
    (pairs_appended, (np.array([0.3, 0.5, 0.9, 0.2]), 3), 0, ("[:-2]", "[-2:]"))])
def test_the_pieces_are_slices(fn, args, wrt, pieces):
    g = s2sad.grad(fn, wrt=wrt)
    g(*args)
    assert "unconcat" not in g.source
    for piece in pieces:
        assert piece in g.source


# ----- np.array of a list grown by appends: a vector (or stack) of any length -----

def listed_then_stacked(a, ys):
    out = [ys[0]]
    for y in ys[1:]:
        out.append(a * out[-1] + (1 - a) * y)
    r = np.array(out) - ys
    return r @ r


def rows_then_stacked(x, n):
    rows = []
    for k in range(n):
        rows.append(np.sin(x * (k + 1)))
    m = np.array(rows)
    return np.sum(m @ x) + np.sum(m * m)


def branchy_then_stacked(a, ys):
    out = [0.1]
    for y in ys:
        out.append(out[-1] * a if y > 0 else out[-1] + y * a)
    v = np.asarray(out)
    return v @ v


@pytest.mark.parametrize("fn, args, wrt", [
    (listed_then_stacked, (0.7, YS), (0, 1)), (rows_then_stacked, (YS[:3], 4), 0),
    (branchy_then_stacked, (0.8, YS), (0, 1))])
def test_stacked_list_matches_differences(fn, args, wrt):
    check_grad(fn, *args, wrt=wrt)


def test_stacked_list_takes_both_branches():
    assert {y > 0 for y in YS} == {True, False}


@pytest.mark.parametrize("fn, args, wrt", [
    (listed_then_stacked, (0.7, YS), (0, 1)), (branchy_then_stacked, (0.8, YS), (0, 1))])
def test_stacked_list_has_a_shape(fn, args, wrt):
    g = s2sad.grad(fn, wrt=wrt)
    g(*args)
    assert "matmul_lhs_adjoint" not in g.source and "matmul_rhs_adjoint" not in g.source
