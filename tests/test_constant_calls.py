"""Session 46 (issue 13, speed): a call of a library function differentiated through a
closed form (``np.meshgrid``, ``np.vander``, ``np.histogram``) that no parameter can
reach is kept as the user wrote it (``compiler/constant_calls.py``), not inlined; the
shapes of ``np.meshgrid``'s grids and of a gather by an integer array per axis
(``img[y0, x0]``, ``x.astype(int)``) are known to the shape facts.

Each against central differences in float64, three variations; the calls an argument
can reach (through an assignment, a write into a shared array, a list appended to, a
loop that changes the value later, a nested def) stay inlined, and their gradients are
checked too.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

GRID = np.linspace(0.0, 1.0, 5)  # a module's data: read, never changed


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


# ----- kept: no parameter reaches the call -----------------------------------------


def warp_rows(img, fx):
    """Bilinear sampling along rows, the grid of the image's own shape (``"ij"``)."""
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    x = np.clip(xs + fx, 0.0, W - 1.001)
    x0 = np.floor(x).astype(int)
    wx = x - x0
    return np.sum((img[ys, x0] * (1.0 - wx) + img[ys, x0 + 1] * wx) ** 2)


def grid_weights_xy(a, w):
    """The default ``"xy"`` grids of a rectangle: shaped (rows, columns)."""
    xs, ys = np.meshgrid(np.arange(a.shape[1]) * 0.5, np.arange(a.shape[0]) - 1.0)
    return np.sum(np.sin(a * xs + ys) * w)


def vander_fit(c, y):
    """Least squares of a polynomial at points made from the data's length."""
    V = np.vander(np.linspace(0.0, 1.0, y.shape[0]), c.shape[0])
    return np.sum((V @ c - y) ** 2)


def global_grid(a):
    """Grids of a module's array: no user code could change it."""
    X, Y = np.meshgrid(GRID, GRID[:4])
    return np.sum(np.tanh(a * X - Y))


@pytest.mark.parametrize("f, shapes, wrt, kept", [
    (warp_rows, [(6, 7), (6, 7)], (0, 1), "np.meshgrid("),
    (grid_weights_xy, [(4, 6), (6,)], (0, 1), "np.meshgrid("),
    (vander_fit, [(3,), (9,)], (0, 1), "np.vander("),
    (global_grid, [(4, 5)], 0, "np.meshgrid("),
])
def test_kept_calls_against_differences(f, shapes, wrt, kept, rng):
    args = [rng.standard_normal(s) for s in shapes]
    if f is warp_rows:
        args[1] = 1.3 * args[1]
    check_grad(f, *args, wrt=wrt)
    code = [line for line in _source(f, *args, wrt=wrt).splitlines()
            if not line.lstrip().startswith("#")]
    assert any(kept in line for line in code)
    assert not any("meshgrid_" in line or "vander_x" in line for line in code)


def test_kept_grids_make_plain_adjoints(rng):
    """The grids' shapes known: no ``unbroadcast`` left in the warp's gradient."""
    source = _source(warp_rows, rng.standard_normal((6, 7)), rng.standard_normal((6, 7)),
                     wrt=(0, 1))
    assert "unbroadcast" not in source


# ----- inlined: a parameter reaches the call, however indirectly ---------------------


def shared_then_written(x):
    a = np.arange(3.0)
    b = a  # the same array: a write into b changes a
    b[0] = x[0] * 2.0
    X, Y = np.meshgrid(a, np.arange(2.0))
    return np.sum(X ** 2 * x[1] + Y)


def appended(x):
    acc = []
    acc.append(x * 2.0)
    X, Y = np.meshgrid(acc[0], np.arange(2.0), indexing="ij")
    return np.sum(np.sin(X) * (Y + 1.0))


def changed_later(x):
    v = np.arange(3.0)
    total = 0.0
    for _ in range(2):
        X, Y = np.meshgrid(v, v[:2])  # the second time, v depends on x
        total = total + np.sum(X * Y)
        v = v + x
    return total


def through_nested_def(x):
    def scaled():
        return x * 3.0
    X, Y = np.meshgrid(scaled(), np.arange(2.0))
    return np.sum(X * Y + X ** 2)


@pytest.mark.parametrize("f", [shared_then_written, appended, changed_later,
                               through_nested_def])
def test_reached_calls_inlined_against_differences(f, rng):
    x = rng.standard_normal(3)
    check_grad(f, x)
    assert "meshgrid_" in _source(f, x)  # (its closed form's names)


# ----- the shape facts of gathers by integer arrays ---------------------------------


def gather_broadcast_rows(img, u, w):
    """Rows (n, 1) and columns (m,) broadcast to (n, m); ``w`` broadcast along rows."""
    r = np.floor(u).astype(int)
    c = (np.arange(img.shape[1]) * 3) % img.shape[1]
    return np.sum(img[r, c] ** 2 * w)


def gather_leading_axes(vol, w):
    """Two index arrays of a 3-D array: the gather keeps the last axis."""
    n = vol.shape[0]
    i = np.arange(n).astype(int)
    j = (i + 1) % vol.shape[1]
    return np.sum(np.cos(vol[i, j]) * w)


def gather_shifted(img, w):
    """``x0 + 1`` of an integer grid: integers still."""
    ys, xs = np.meshgrid(np.arange(img.shape[0]), np.arange(img.shape[1] - 1),
                         indexing="ij")
    return np.sum(img[ys, xs + 1] * img[ys, xs] * w)


@pytest.mark.parametrize("f, args", [
    (gather_broadcast_rows, lambda r: (r.standard_normal((5, 4)),
                                       r.uniform(0.0, 4.99, (6, 1)), r.standard_normal(4))),
    (gather_leading_axes, lambda r: (r.standard_normal((4, 5, 3)), r.standard_normal(3))),
    (gather_shifted, lambda r: (r.standard_normal((3, 5)), r.standard_normal(4))),
])
def test_gathers_by_integer_arrays_against_differences(f, args, rng):
    values = args(rng)
    wrt = (0, 2) if f is gather_broadcast_rows else (0, 1)
    check_grad(f, *values, wrt=wrt)

