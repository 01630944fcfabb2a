"""A value indexed by one vector (a mask or integers) among slices keeps its rank (one
axis of unknown length there): later facts about it still hold, so an in-place update of
a name bound to the same array (``a = b; a *= s``) is followed instead of refused as
"may be an array" (found by tools/fuzz2 seed 770085)."""
from __future__ import annotations

import math

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_source
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


def test_index_functions_are_shaped_by_trying_them() -> None:
    facts = dims.Facts.over({"x": ("n",), "X": ("n", "m")}, {"np": np})
    for src, shape in [("np.argsort(x)", ("n",)), ("np.argmax(X, axis=0)", ("m",)),
                       ("np.argmin(x)", ()), ("np.arange(1, 7)", (6,)),
                       ("np.arange(x.shape[0])", ("n",)), ("np.round(X, 2)", ("n", "m")),
                       ("np.full_like(x, 2.0)", ("n",)), ("np.interp(x, x, x)", ("n",)),
                       ("np.any(X, axis=1)", ("n",)), ("np.vander(x, 3)", ("n", 3))]:
        assert facts.of(gast.parse(src).body[0].value) == shape, src


def sorted_view_written(x, s):
    order = np.argsort(x)
    ranked = x[order] * np.arange(1, len(x) + 1)
    buf = x.copy()
    view = buf[1:]
    view -= ranked[-1] * s
    view[0] = np.exp(-x[2] ** 2)
    return np.sum(np.sin(buf) * 0.5)


def argmax_view_written(X, s):
    best = np.argmax(X, axis=1)
    picked = X[np.arange(X.shape[0]), best]
    out = X * 1.0
    row = out[0]
    row *= np.sum(picked) * s
    return np.sum(out ** 2)


def rounded_alias(x, s):
    k = np.round(x * 3.0)
    y = x * s
    same = y
    same += np.sum(k) * x
    return np.sum(y * x)


@pytest.mark.parametrize("f, args", [
    (sorted_view_written, (np.array([0.3, -0.8, 0.5, 1.1, -0.2, 0.7]), 0.4)),
    (argmax_view_written, (np.array([[0.2, 0.9, -0.1], [1.3, -0.4, 0.6]]), 0.8)),
    (rounded_alias, (np.array([0.1, -0.55, 0.9]), 1.7)),
])
def test_writes_through_views_after_index_functions(f, args):
    check_grad(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))


def test_sorted_view_written_closed_form():
    x, s = np.array([0.3, -0.8, 0.5, 1.1]), 0.4
    # buf = [x0, exp(-x2^2), x2 - c, x3 - c] with c = 4 * max(x) * s = 4 x3 s
    c = 4 * x[3] * s
    ds = -0.5 * (np.cos(x[2] - c) + np.cos(x[3] - c)) * 4 * x[3]
    assert s2sad.grad(sorted_view_written, wrt=1)(x, s) == pytest.approx(ds, rel=1e-12)


def test_index_tuples_keep_their_rank() -> None:
    facts = dims.Facts.over({"x": ("n",), "X": ("n", "m")}, {"np": np})
    for src, shape in [("np.triu_indices(5, 1)[0]", (None,)),
                       ("X[np.tril_indices(4, -1)[1]]", (None, "m")),
                       ("np.nonzero(X)[1]", (None,)), ("x[np.nonzero(x)[0]]", (None,))]:
        assert facts.of(gast.parse(src).body[0].value) == shape, src


def pair_energy(P):
    i, j = np.triu_indices(len(P), 1)
    d = P[i] - P[j]
    r2 = np.sum(d * d, axis=1)
    inv6 = 1.0 / r2 ** 3
    return np.sum(4.0 * (inv6 * inv6 - inv6))


def lower_pairs(P, s):
    i, j = np.tril_indices(len(P), -1)
    return np.sum(np.exp(-s * np.sum((P[i] - P[j]) ** 2, axis=-1)))


def positive_entries(x, s):
    (k,) = np.nonzero(x > 0.0)
    return np.sum(np.tanh(x[k] * s)) + s * np.sum(x[k] ** 2)


@pytest.mark.parametrize("f, args", [
    (pair_energy, (np.array([[0.0, 0.1, 0.3], [1.2, 0.0, 0.4], [0.3, 1.5, 0.2],
                            [1.1, 1.3, 1.6]]),)),
    (lower_pairs, (np.array([[0.0, 0.1], [1.2, 0.0], [0.3, 1.5]]), 0.7)),
    (positive_entries, (np.array([0.3, -0.4, 1.1, -2.0, 0.6]), 1.3)),
])
def test_gradients_through_index_tuples(f, args):
    wrt = tuple(range(len(args)))
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    if f is pair_energy:  # (the rows' sum of squares by the fast reduction: rank known)
        assert "sum_last(" in grad_source(f, *args)


def test_pair_energy_closed_form():
    P = np.array([[0.0, 0.1, 0.3], [1.2, 0.0, 0.4], [0.3, 1.5, 0.2]])
    d = P[:, None, :] - P[None, :, :]
    r2 = np.sum(d * d, axis=-1) + np.eye(3)
    coef = 4.0 * (-12.0 / r2 ** 7 + 6.0 / r2 ** 4) * (1 - np.eye(3))
    expected = np.einsum("ij,ijk->ik", coef, d)
    np.testing.assert_allclose(s2sad.grad(pair_energy)(P), expected, rtol=1e-10)


def test_integer_index_vectors_give_their_length() -> None:
    facts = dims.Facts.over({"x": ("n",), "X": ("n", "m"), "mask": ("n",)}, {"np": np})
    for src, shape in [("x[np.argsort(x)]", ("n",)), ("X[:, np.argsort(X[0])]", ("n", "m")),
                       ("x[np.arange(x.shape[0])]", ("n",)), ("x[np.argsort(x) + 1]", ("n",)),
                       ("x[np.clip(np.argsort(x) - 1, 0, 3)]", ("n",)),
                       ("x[mask > 0]", (None,)), ("x[mask]", (None,)),  # (masks: counts)
                       ("x[np.clip(mask, 0, 1)]", (None,)),
                       ("np.linspace(0.0, 1.0, x.shape[0])", ("n",)),
                       ("np.linspace(0, 1)", (50,)),
                       ("np.linspace(0, 1, 4, retstep=True)", dims.Items(((4,), ())))]:
        assert facts.of(gast.parse(src).body[0].value) == shape, src


def interpolated(fp, shift, xq):
    xp = np.linspace(0.0, 1.0, fp.shape[0])
    return np.mean((np.interp(xq + shift, xp, fp) - np.sin(xq)) ** 2)


def ranked_weights(x, w):
    order = np.argsort(x)
    return np.sum(x[order] * w) + np.sum(x[np.clip(order + 1, 0, len(x) - 1)] ** 2)


def binned(x, edges, c):
    k = np.clip(np.digitize(x, edges) - 1, 0, len(c) - 1)
    return np.sum(c[k] * x ** 2)


@pytest.mark.parametrize("f, args, wrt", [
    (interpolated, (np.array([0.0, 0.3, 0.2, 0.9, 1.0]), 0.05,
                    np.array([0.11, 0.37, 0.52, 0.68, 0.83])), (0, 1)),
    (ranked_weights, (np.array([0.3, -1.1, 0.8, 0.2]), np.array([1.0, 2.0, 3.0, 4.0])),
     (0, 1)),
    (binned, (np.array([0.15, 0.45, 0.72, 0.3]), np.array([0.0, 0.25, 0.5, 0.75, 1.0]),
              np.array([1.0, -2.0, 0.5, 3.0])), (0, 2)),
])
def test_gathers_by_integer_vectors(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    adjoint = grad_source(f, *args, wrt=wrt).split("adjoint of", 1)[1]
    assert "repeat_to" not in adjoint and "unbroadcast(dmul" not in adjoint


def test_ranked_weights_closed_form():
    x, w = np.array([0.3, -1.1, 0.8, 0.2]), np.array([1.0, 2.0, 3.0, 4.0])
    order = np.argsort(x)
    expected = np.zeros(4)
    expected[order] += w
    nxt = np.clip(order + 1, 0, 3)
    np.add.at(expected, nxt, 2 * x[nxt])
    np.testing.assert_allclose(s2sad.grad(ranked_weights)(x, w), expected, rtol=1e-13)


def test_math_functions_and_casts_are_numbers() -> None:
    import math
    facts = dims.Facts.over({"x": ("n",)}, {"np": np, "math": math})
    for src in ["math.sin(x[0])", "float(x[2])", "math.atan2(x[0], 2.0)", "int(x[1])",
                "math.fsum(x)", "math.hypot(x[0], x[1])"]:
        assert facts.of(gast.parse(src).body[0].value) == (), src


def view_shifted_by_math(x, s):
    f2 = float(x[2])
    shift = math.sin(f2) * math.exp(-f2 * f2) + math.atan2(f2, 2.0) * s
    buf = x.copy()
    view = buf[1:]
    view -= shift
    view[0] = s / (1.0 + s * s)
    return np.tanh(f2) + np.mean(buf ** 2)


def alias_scaled_by_int(x, s):
    k = int(len(x) / 2)
    b = x * 1.0
    a = b
    a *= math.cos(s) * k
    return np.sum(b ** 2) + np.sum(a)


def row_written_by_fsum(X, s):
    out = X.copy()
    row = out[0]
    row += math.fsum([s, 2.0 * s]) * math.tanh(float(X[1, 1]))
    return np.sum(out ** 3)


@pytest.mark.parametrize("f, args", [
    (view_shifted_by_math, (np.array([0.3, -0.2, 0.5, 0.1, 0.9]), 0.7)),
    (alias_scaled_by_int, (np.array([0.3, -0.2, 0.5, 0.1]), 0.4)),
    (row_written_by_fsum, (np.array([[0.3, -0.2], [0.5, 0.1]]), 0.6)),
])
def test_writes_through_aliases_by_python_numbers(f, args):
    check_grad(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))
