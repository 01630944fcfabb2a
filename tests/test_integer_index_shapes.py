"""Shapes of integer-array indexing with several index vectors (``W[[0, 2], [3, 0]]``,
``T[:, i, j]``, ``W[idx, 3]``): one axis of their common length in their place, or
first when a slice parts them, as NumPy does, and of ``x[..., None]`` (checked against
NumPy's own shapes); a number read out of such a gather is known to be one (its
in-place update is no aliased write: was refused "if it is an array")."""
from __future__ import annotations

import gast
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp
from s2sad.compiler import dims

W, T = np.zeros((4, 5)), np.zeros((3, 4, 5))
INDEXED = ["W[[0, 2], 3]", "W[:, [0, 1, 2]]", "T[:, [0, 1], [1, 2]]", "T[[0, 1], :, [1, 2]]",
           "T[[0, 1], [1, 1]]", "W[np.array([1, 0]), [2, 3]]", "T[[2, 0, 1], 3]",
           "W[[3], [1, 2, 0]]", "T[..., None]", "T[0, ...]", "T[..., 1]", "T[:, ..., 2]",
           "W[..., None][:, 1, 0]", "T[None, ..., 0]", "W[...]"]


@pytest.mark.parametrize("expr", INDEXED)
def test_shape_as_numpy_gives_it(expr):
    node = gast.parse(f"def f(W, T):\n    v = {expr}\n").body[0]
    facts = dims.Facts(node.body, {"W": ("n", "m"), "T": ("p", "q", "r")}, set(), {"np": np})
    lengths = {"n": 4, "m": 5, "p": 3, "q": 4, "r": 5}
    found = facts.shapes.get("v")
    expected = eval(expr, {"np": np, "W": W, "T": T}).shape
    if found is None:  # (unknown is allowed only where the lengths differ: [3] with 3)
        assert expr == "W[[3], [1, 2, 0]]"
        return
    assert tuple(lengths.get(d, d) for d in found) == expected


def pairs_then_scan(x, W):
    g = W[[0, 2], [3, 0]] * x[:2]
    acc = g[0]
    i = 0
    while i < len(g):
        if g[i] > 0.85:
            i += 1
            continue
        acc -= g[i] * x[3]
        i += 1
    return acc


def column_pick_update(x, W):
    cols = W[:, [1, 3]] @ x[:2]
    lead = cols[0]
    lead *= x[1]
    return lead + cols[1]


def diagonal_gather_update(x, W):
    d = W[np.array([0, 1, 2]), np.array([0, 1, 2])] * x[:3]
    s = d[1]
    s += np.sum(d)
    return s * d[2]


@pytest.mark.parametrize("f", [pairs_then_scan, column_pick_update, diagonal_gather_update])
@pytest.mark.parametrize("scale", [0.2, 2.0])
def test_number_from_a_gather_updated(f, scale):
    rng = np.random.default_rng(3)
    x, w = scale * rng.uniform(0.1, 1.0, 4), rng.uniform(0.1, 1.0, (4, 4))
    check_grad(f, x, w, wrt=(0, 1))
    check_jvp(f, x, w, wrt=(0, 1))
