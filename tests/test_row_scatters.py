"""Rows picked by one integer index array, ``x[edges]``, and the rows the user adds by
``np.add.at(F, edges, f)``: their scatters (a gather's adjoint, ``scatter_add``) by a
bincount per column of short rows or over flat positions (runtime/scatters.py,
``_rows_by_count``) from 512 elements on, where NumPy's ``ufunc.at`` picking whole rows
is several times slower.  Checked against ``np.add.at`` and against central differences;
small scatters, other orders and bad indices keep ``np.add.at``."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad
from s2sad.runtime.scatters import scatter_by_count
from s2sad.runtime.writes import scatter_add


def spring_forces(x, k, ei, ej):
    """Springs' forces summed onto nodes by ``np.add.at``, twice, in a loop of steps."""
    for _ in range(2):
        d = x[ej] - x[ei]
        f = k[:, None] * d * np.sqrt(np.sum(d * d, axis=1))[:, None]
        F = np.zeros_like(x)
        np.add.at(F, ei, f)
        np.add.at(F, ej, -f)
        x = x + 0.01 * F
    return np.sum(x ** 3)


def gathered_blocks(x, idx):
    """Rows of a rank-3 array gathered with repeats and negative indices."""
    return np.sum(np.sin(x[idx]) * np.arange(x.shape[1] * x.shape[2]).reshape(x.shape[1:]))


def gathered_by_matrix(x, idx):
    """Rows gathered by a matrix of indices (``x[idx]`` of shape (a, b, n))."""
    return np.sum(np.tanh(x[idx]) ** 2 * idx[:, :, None])


def _edges(rng, n, e):
    return rng.integers(0, n, e), rng.integers(0, n, e)


@pytest.mark.parametrize("e", [900, 40])  # (2700 elements: by count; 120: ufunc.at)
def test_springs_summed_onto_nodes(e):
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((30, 3)), rng.uniform(0.5, 1.5, e)
    ei, ej = _edges(rng, 30, e)
    check_grad(spring_forces, x, k, ei, ej, wrt=(0, 1))


def test_rows_of_a_rank_three_array_with_repeats_and_negative_indices():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((20, 4, 2))
    idx = rng.integers(-20, 20, 400)  # (3200 elements)
    check_grad(gathered_blocks, x, idx)


def test_rows_gathered_by_a_matrix_of_indices():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((15, 6))
    idx = rng.integers(0, 15, (30, 20))  # (3600 elements)
    check_grad(gathered_by_matrix, x, idx)


@pytest.mark.parametrize("g_shape", [(700, 3), (3,), (700, 1), ()])
def test_the_scatter_is_np_add_at(g_shape):
    rng = np.random.default_rng(3)
    idx = rng.integers(-40, 40, 700)
    g = rng.standard_normal(g_shape) if g_shape else 1.5
    acc = rng.standard_normal((40, 3))
    expected = acc.copy()
    np.add.at(expected, idx, g)
    assert scatter_by_count(acc, idx, g)
    np.testing.assert_allclose(acc, expected, rtol=1e-13, atol=1e-13)


def test_long_rows_by_flat_positions_and_an_f_ordered_array():
    rng = np.random.default_rng(4)
    idx, g = rng.integers(0, 10, 200), rng.standard_normal((200, 30))
    for acc in (rng.standard_normal((10, 30)), np.asfortranarray(rng.standard_normal((10, 30)))):
        expected = acc.copy()
        np.add.at(expected, idx, g)
        assert scatter_by_count(acc, idx, g)
        np.testing.assert_allclose(acc, expected, rtol=1e-13, atol=1e-13)


def test_what_keeps_ufunc_at():
    rng = np.random.default_rng(5)
    acc = np.zeros((10, 3))
    assert not scatter_by_count(acc, rng.integers(0, 10, 50), np.ones((50, 3)))  # small
    assert not scatter_by_count(acc, rng.integers(0, 10, 900), np.ones((900, 3)) * 1j)
    assert not scatter_by_count(acc.astype(np.float32), rng.integers(0, 10, 900),
                                np.ones((900, 3)))
    assert not scatter_by_count(acc, np.full(900, 10), np.ones((900, 3)))  # out of bounds
    assert not acc.any()
    with pytest.raises(IndexError):
        scatter_add(acc, np.full(900, 10), np.ones((900, 3)))  # NumPy's own error


def test_scatter_add_leaves_its_argument_alone():
    rng = np.random.default_rng(6)
    a, idx = rng.standard_normal((12, 3)), rng.integers(0, 12, 800)
    b = rng.standard_normal((800, 3))
    before = a.copy()
    expected = a.copy()
    np.add.at(expected, idx, b)
    np.testing.assert_allclose(scatter_add(a, idx, b), expected, rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(a, before)
