"""Scatters by one integer index array (runtime/scatters.py): rows of a matrix
(``h[src]``'s adjoint, ``np.add.at(agg, dst, msg)``) over the flat positions of their
elements, a vector's adjoint made from zeros by one ``np.bincount``.  Checked against
``np.add.at`` (repeated, negative, unsorted indices, a broadcast value, out of bounds)
and against central differences; the extremum adjoint of a whole array with ties."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp
from s2sad.runtime.extrema import extremum_adjoint
from s2sad.runtime.writes import add_at, scatter_add

rng = np.random.default_rng(4747)


def message_passing(W, h, src, dst):
    """Rows gathered by ``src`` (some twice), scattered onto ``dst`` by np.add.at."""
    msg = np.tanh(h[src] @ W)
    agg = np.zeros((h.shape[0], W.shape[1]))
    np.add.at(agg, dst, msg)
    return np.sum((h + agg) ** 2)


def resampled(x, picks):
    """A vector gathered by repeated indices in a loop (a particle filter's parents)."""
    total = 0.0
    for t in range(picks.shape[0]):
        x = np.sin(x[picks[t]]) + 0.5 * x
        total = total + np.max(x) + np.sum(x ** 2)
    return total


def negative_rows(h, idx):
    """Negative row indices: counted from the end, as NumPy indexes."""
    return np.sum(np.cos(h[idx]) * np.linspace(-1.0, 1.0, idx.shape[0])[:, None])


@pytest.mark.parametrize("n, e, d", [(5, 9, 3), (40, 300, 4), (200, 900, 2)])
def test_message_passing_against_differences(n, e, d):
    W, h = rng.standard_normal((d, d)), rng.standard_normal((n, d))
    src, dst = rng.integers(0, n, e), rng.integers(0, n, e)
    src[:3] = src[0]  # (repeats surely)
    check_grad(message_passing, W, h, src, dst, wrt=(0, 1))
    check_jvp(message_passing, W, h, src, dst, wrt=(0, 1))


@pytest.mark.parametrize("n", [6, 40])
def test_resampled_vector_against_differences(n):
    picks = np.sort(rng.integers(0, n, (4, n)), axis=1)
    picks[:, 1] = picks[:, 0]
    check_grad(resampled, rng.standard_normal(n), picks)


def test_negative_row_indices_against_differences():
    h = rng.standard_normal((50, 8))
    idx = rng.integers(-50, 50, 120)
    got = check_grad(negative_rows, h, idx)
    want = np.zeros_like(h)  # (the closed form: -sin at each pick, times its weight)
    np.add.at(want, idx, -np.sin(h[idx]) * np.linspace(-1.0, 1.0, 120)[:, None])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("order", ["repeated", "shuffled", "negative"])
@pytest.mark.parametrize("shape", [(300, 4), (60, 3, 2)])
def test_rows_match_add_at(order, shape):
    n = shape[0]
    idx = {"repeated": np.sort(rng.integers(0, n, 400)), "shuffled": rng.permutation(n),
           "negative": rng.integers(-n, n, 400)}[order]
    for g in (rng.standard_normal(idx.shape + shape[1:]), rng.standard_normal(shape[-1]),
              np.float64(2.5) * np.ones((1,) * len(shape))):
        acc = rng.standard_normal(shape)
        want = acc.copy()
        np.add.at(want, idx, g)
        np.testing.assert_allclose(add_at(acc.copy(), None, idx, g), want, rtol=1e-13,
                                   atol=1e-13)
        before = acc.copy()
        np.testing.assert_allclose(scatter_add(acc, idx, g), want, rtol=1e-13, atol=1e-13)
        np.testing.assert_array_equal(acc, before)  # (the value's own array untouched)
    strided = rng.standard_normal(shape[::-1]).T  # (an adjoint not C-contiguous)
    want = strided.copy()
    np.add.at(want, idx, g)
    np.testing.assert_allclose(add_at(strided, None, idx, g), want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("n, e", [(32, 32), (8, 3), (50, 400)])
def test_vector_from_zeros_matches_add_at(n, e):
    x = rng.standard_normal(n)
    for idx in (rng.integers(0, n, e), rng.integers(-n, n, e), np.int32(1) + np.zeros(e, int)):
        g = rng.standard_normal(e)
        want = np.zeros(n)
        np.add.at(want, idx, g)
        got = add_at(None, x, idx, g)
        assert got.shape == (n,) and got is not x
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)


def test_out_of_bounds_is_numpy_index_error():
    with pytest.raises(IndexError):
        add_at(None, np.zeros(5), np.array([0, 5]), np.ones(2))
    with pytest.raises(IndexError):
        add_at(np.zeros((100, 4)), None, np.arange(101), np.ones((101, 4)))


def test_extremum_of_a_whole_array_shares_ties():
    a = np.array([[1.0, 3.0], [3.0, -2.0]])
    np.testing.assert_array_equal(extremum_adjoint(2.0, a, 3.0), [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(extremum_adjoint(np.array([[4.0]]), a, np.array([[3.0]]),
                                                   None, True), [[0.0, 2.0], [2.0, 0.0]])
    np.testing.assert_array_equal(extremum_adjoint(1.0, np.array([0.5, 2.0]), 2.0), [0.0, 1.0])


def aliased_target(W, h, src, dst):
    """The scatter into a second name of the array the sum then reads by the first."""
    agg = np.zeros((h.shape[0], W.shape[1]))
    view = agg
    np.add.at(view, dst, np.tanh(h[src] @ W))
    return np.sum(agg * h) + np.sum(view ** 2)


def scattered_into_copy(W, h, src, dst):
    """Onto a copy of the argument (the argument itself untouched), read with it."""
    agg = h.copy()
    np.add.at(agg, dst, np.sin(h[src] @ W))
    return np.sum(agg * h)


@pytest.mark.parametrize("f", [aliased_target, scattered_into_copy])
def test_scatter_targets_against_differences(f):
    W, h = rng.standard_normal((4, 4)), rng.standard_normal((60, 4))
    src, dst = rng.integers(0, 60, 200), rng.integers(0, 60, 200)
    dst[:5] = dst[0]
    check_grad(f, W, h, src, dst, wrt=(0, 1))
