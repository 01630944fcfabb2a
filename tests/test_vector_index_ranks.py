"""A value indexed by one vector (a mask or integers) among slices keeps its rank (one
axis of unknown length there): later facts about it still hold, so an in-place update of
a name bound to the same array (``a = b; a *= s``) is followed instead of refused as
"may be an array" (found by tools/fuzz2 seed 770085)."""
from __future__ import annotations

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp
from s2sad.compiler import dims


def test_one_vector_index_keeps_the_rank() -> None:
    facts = dims.Facts.over({"x": ("n",), "X": ("n", "m"), "m": ("n",), "k": ("p",),
                             "B": ("n", "m", "q")}, {"np": np})
    for src, shape in [("x[m]", (None,)), ("X[m]", (None, "m")), ("X[:, k]", ("n", None)),
                       ("X[None, k]", (1, None, "m")), ("B[:, k, :]", ("n", None, "q")),
                       ("X[m, k]", None), ("X[0, k]", None), ("B[k, :, 0]", None)]:
        assert facts.of(gast.parse(src).body[0].value) == shape, src


def scan_of_a_mask(x, s):
    pr = s
    for t in x[x > 0.3]:
        pr = pr * 0.5 + t
    b = x + 0.0
    a = b
    a *= pr
    return np.mean(b ** 2) + np.mean(a ** 3)


def rows_picked(X, s):
    rows = X[X[:, 0] > 0.0]
    total = s * np.sum(rows ** 2)
    b = X * 1.0
    a = b
    a += total
    return np.sum(np.tanh(b)) + np.sum(a[0])


def columns_by_index(X, idx, s):
    cols = X[:, idx]
    c = np.sum(cols, axis=0)
    out = X.copy()
    alias = out
    alias[0] *= np.sum(c) * s
    return np.sum(out ** 2)


@pytest.mark.parametrize("f, args", [
    (scan_of_a_mask, (np.array([0.1, 0.9, -0.4, 1.3, 0.5]), 0.7)),
    (scan_of_a_mask, (np.array([-0.1, -0.9, -0.4]), 0.7)),  # (the loop runs no time)
    (rows_picked, (np.array([[0.5, -0.2], [-0.3, 0.4], [1.1, 0.9]]), 0.3)),
    (columns_by_index, (np.arange(12.0).reshape(3, 4) / 10, np.array([0, 2, 2]), 1.5)),
])
def test_aliases_updated_after_a_vector_index(f, args):
    wrt = (0, len(args) - 1)
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_scan_of_a_mask_closed_form():
    x, s = np.array([0.1, 0.9, -0.4, 1.3]), 0.7
    pr = (s * 0.5 + 0.9) * 0.5 + 1.3  # the loop's value
    dpr_ds = 0.25
    # f = mean((pr x)^2) + mean((pr x)^3): b and a are one array
    ds = np.mean(2 * pr * x ** 2) * dpr_ds + np.mean(3 * pr ** 2 * x ** 3) * dpr_ds
    assert s2sad.grad(scan_of_a_mask, wrt=1)(x, s) == pytest.approx(ds, rel=1e-12)
