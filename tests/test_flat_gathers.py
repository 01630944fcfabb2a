"""A gather ``x[i, j]`` by one integer index array per axis and the scatter of its
adjoint go by flat positions worked out once (``flat_gathers``): bilinear sampling's
four corners, a table of two keys with repeated pairs and negative indices, a 3-D
gather by broadcast indices.  Each against central differences; an index out of bounds
still raises NumPy's IndexError; the runtime helpers on the other kinds of index do what
indexing and ``add_at`` do."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.runtime import add_at, add_flat, flat_index, take_flat


def bilinear(img, fx, fy):
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    x = np.clip(xs + fx, 0.0, W - 1.001)
    y = np.clip(ys + fy, 0.0, H - 1.001)
    x0 = np.floor(x).astype(int)
    y0 = np.floor(y).astype(int)
    wx, wy = x - x0, y - y0
    top = img[y0, x0] * (1.0 - wx) + img[y0, x0 + 1] * wx
    bottom = img[y0 + 1, x0] * (1.0 - wx) + img[y0 + 1, x0 + 1] * wx
    return np.sum((top * (1.0 - wy) + bottom * wy) ** 2)


def two_keys(table, w, i, j):
    return np.sum(np.tanh(table[i, j]) * w)


def broadcast_3d(vol, a, b, c):
    return np.sum(np.sin(vol[a[:, None], b[None, :], c]))


def _source(f, args, wrt) -> str:
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


def _cases() -> list:
    r = np.random.default_rng(31)
    img = r.standard_normal((6, 7))
    warp = (img, 0.8 * r.standard_normal((6, 7)), 0.8 * r.standard_normal((6, 7)))
    i = np.array([0, 2, 2, -1, 0, 2])  # ((2, 1) twice, -1 the last row)
    j = np.array([1, 1, 1, 0, -3, 1])
    keys = (r.standard_normal((3, 4)), r.standard_normal(6), i, j)
    vol = (r.standard_normal((4, 3, 5)), np.array([0, 3, 3]), np.array([2, 0]),
           np.array([[4, 4], [0, 1], [1, 1]]))
    return [(bilinear, warp, (0, 1, 2)), (two_keys, keys, (0, 1)), (broadcast_3d, vol, 0)]


@pytest.mark.parametrize("case", range(3))
def test_gathers_by_flat_positions(case) -> None:
    f, args, wrt = _cases()[case]
    check_grad(f, *args, wrt=wrt)
    source = _source(f, args, wrt)
    assert "take_flat(" in source and "add_flat(" in source and "add_at(" not in source


def test_out_of_bounds_raises_as_numpy_does() -> None:
    table, w = np.ones((3, 4)), np.ones(2)
    with pytest.raises(IndexError):
        s2sad.grad(two_keys)(table, w, np.array([0, 3]), np.array([1, 1]))


@pytest.mark.parametrize("idx", [(np.array([0, 1]), slice(None)), (np.array([1, 0]),),
                                 (np.array([[0], [1]]), [2, 0]), (1, np.array([0, 2]))],
                         ids=["slice", "one-array", "list", "number"])
def test_other_indices_as_indexing_does(idx) -> None:
    x = np.arange(12.0).reshape(3, 4)
    at = flat_index(x, idx)
    np.testing.assert_array_equal(take_flat(x, at), x[idx])
    g = np.ones_like(x[idx]) * 2.5
    np.testing.assert_array_equal(add_flat(None, x, at, g), add_at(None, x, idx, g))


def test_complex_adjoint_real_part() -> None:
    x = np.zeros((2, 3))
    idx = (np.array([0, 0, 1]), np.array([2, 2, 0]))
    at = flat_index(x, idx)
    g = np.array([1 + 2j, 3 - 1j, 0.5j])
    np.testing.assert_array_equal(add_flat(None, x, at, g), add_at(None, x, idx, g))


def squared_keys(table, i, j):
    return np.sum(np.tanh(table[i, j]) ** 2)


def test_second_order_through_the_flat_helpers() -> None:
    """The derivative's source (``take_flat``, ``add_flat``) differentiated again."""
    r = np.random.default_rng(32)
    table, i, j = r.standard_normal((3, 4)), np.array([0, 2, 2, -1]), np.array([1, 1, 1, 0])
    assert "take_flat(" in _source(squared_keys, (table, i, j), 0)
    check_grad(lambda t: np.sum(s2sad.grad(squared_keys)(t, i, j) ** 2), table)
    hessian = s2sad.hessian(squared_keys)(table, i, j)
    g = s2sad.grad(squared_keys)
    columns = []
    for k in range(table.size):
        e = np.zeros(table.size)
        e[k] = 1e-6
        step = e.reshape(table.shape)
        columns.append(((g(table + step, i, j) - g(table - step, i, j)) / 2e-6).ravel())
    np.testing.assert_allclose(hessian.reshape(table.size, -1), np.array(columns),
                               rtol=1e-5, atol=1e-6)
