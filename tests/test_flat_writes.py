"""NumPy's writes by flat position into a named array, followed as item writes
(``s2sad.compiler.flat_writes``): ``np.put``, ``np.fill_diagonal``, ``np.copyto`` and
``a.flat[i] = v``; and ``a.flat[i]`` read.  Each against central finite differences,
some against closed forms; values repeat cyclically as NumPy's do."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

M = np.array([[0.5, -1.2, 0.3], [0.8, 1.5, -0.4], [-0.9, 0.2, 1.1]])
TALL = np.arange(12.0).reshape(4, 3) / 7 - 0.5


# ----- np.put -----

def put_items(x):
    y = x * 1.0
    np.put(y, [0, 4, 7], x[0])  # (one value, repeated; a 2-D array's flat positions)
    return np.sum(np.sin(y))


def put_wrapped(x):
    y = np.zeros(4)
    np.put(y, [5, -1, 1], x[0], mode="wrap")
    return np.sum(y * np.arange(1.0, 5.0)) + np.sum(y ** 2)


def put_cycled(x):
    y = np.ones(6)
    np.put(y, np.arange(5), x[1, :2])  # values x10, x11, x10, x11, x10
    return np.sum(y ** 3)


@pytest.mark.parametrize("f", [put_items, put_wrapped, put_cycled])
def test_put(f):
    check_grad(f, M)
    check_jvp(f, M)


def test_put_cycled_by_hand():
    # sum: 3 x10^3 + 2 x11^3 + 1 (the last one stays 1)
    expected = np.zeros((3, 3))
    expected[1, 0], expected[1, 1] = 9 * M[1, 0] ** 2, 6 * M[1, 1] ** 2
    assert np.allclose(s2sad.grad(put_cycled)(M), expected)


def test_put_into_the_argument_leaves_it_alone():
    x = M.copy()

    def f(a):
        np.put(a, [0, 2], [a[1, 1], 5.0])
        return np.sum(a ** 2)
    s2sad.grad(f)(x)
    assert np.array_equal(x, M)


# ----- np.fill_diagonal -----

def fill_zero_diagonal(x):
    y = x.copy()
    np.fill_diagonal(y, 0.0)
    return np.sum(y ** 2)


def fill_diagonal_from_a_row(x):
    y = x.copy()
    np.fill_diagonal(y, x[0] * 2)
    return np.sum(y ** 2 * np.arange(9.0).reshape(3, 3))


def fill_diagonal_tall_wrapped(x):
    y = x + 0.0
    np.fill_diagonal(y, x[3, :2], wrap=True)  # (positions 0, 4, 8 and 12... of 12)
    return np.sum(np.sin(y) * np.arange(12.0).reshape(4, 3))


@pytest.mark.parametrize("f, x", [(fill_zero_diagonal, M), (fill_diagonal_from_a_row, M),
                                  (fill_diagonal_tall_wrapped, TALL)])
def test_fill_diagonal(f, x):
    check_grad(f, x)
    check_jvp(f, x)


def test_fill_zero_diagonal_by_hand():
    expected = 2 * M * (1 - np.eye(3))
    assert np.allclose(s2sad.grad(fill_zero_diagonal)(M), expected)


# ----- np.copyto -----

def copy_all(x):
    y = np.zeros((3, 3))
    np.copyto(y, x[0])  # (broadcast to the rows)
    return np.sum(y * x)


def copy_where(x):
    y = np.ones(3) * x[0, 0]
    np.copyto(y, x[1] ** 2, where=x[1] > 0)
    return np.sum(y ** 2)


def copy_then_change(x):
    y = np.empty_like(x)
    np.copyto(y, np.tanh(x))
    y[1] = 0.0
    return np.sum(y * x)


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("f", [copy_all, copy_where, copy_then_change])
def test_copyto(f, sign):
    check_grad(f, sign * M)  # (both sides of copy_where's mask)
    check_jvp(f, sign * M)


# ----- a.flat -----

def flat_item(x):
    y = x.copy()
    y.flat[4] = 2.0 * x[0, 0]
    return np.sum(y ** 2)


def flat_slice(x):
    y = x.copy()
    y.flat[1:7:2] = x[2] * 3
    return np.sum(y ** 2 * np.arange(9.0).reshape(3, 3))


def flat_repeated_positions(x):
    y = x.copy()
    y.flat[-1] = x[0, 0] ** 2
    y.flat[[0, 0]] = x[1, :2]  # (the last write wins: x11)
    return np.sum(y * np.arange(9.0).reshape(3, 3))


def flat_read(x):
    return x.flat[4] * 2 + np.sum(x.flat[[1, 2]] ** 2) + np.sum(np.sin(x.flat[5:]))


@pytest.mark.parametrize("f", [flat_item, flat_slice, flat_repeated_positions, flat_read])
def test_flat(f):
    check_grad(f, M)
    check_jvp(f, M)


def test_flat_repeated_positions_by_hand():
    expected = np.zeros((3, 3))
    expected[0, 0] = 8 * 2 * M[0, 0]  # y[2, 2] = x00^2, weight 8
    expected[1, 1] = 0.0 + 4.0  # y[0, 0] = x11 (weight 0) and y[1, 1] = x11 (weight 4)
    rest = np.arange(9.0).reshape(3, 3)
    for i, j in [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]:
        expected[i, j] += rest[i, j]
    assert np.allclose(s2sad.grad(flat_repeated_positions)(M), expected)


def put_along_largest_zeroed(a):
    b = a.copy()
    np.put_along_axis(b, np.argmax(b, axis=1)[:, None], 0.0, axis=1)
    return np.sum(b ** 2)


def put_along_rows_of_squares(a):
    b = a * 2.0
    np.put_along_axis(b, np.argsort(b, axis=0)[:1], a[1:2] ** 2, axis=0)
    return np.sum(b ** 3)


def put_along_flat(a):
    b = a * 1.0
    np.put_along_axis(b, np.array([0, 5, 7]), a[0, :3] * 3, axis=None)
    return np.sum(b * a)


@pytest.mark.parametrize("f", [put_along_largest_zeroed, put_along_rows_of_squares,
                               put_along_flat])
def test_put_along_axis(f):
    """np.put_along_axis of a local array (was refused): the values broadcast to the
    positions, as NumPy's."""
    value, _ = s2sad.value_and_grad(f)(M)
    assert value == pytest.approx(f(M), rel=1e-14)
    check_grad(f, M)
    check_jvp(f, M)


def test_put_along_axis_closed_form():
    """Zeroing each row's largest element: the gradient is 2 a elsewhere, 0 there."""
    expected = 2 * M
    expected[np.arange(3), np.argmax(M, axis=1)] = 0.0
    np.testing.assert_allclose(s2sad.grad(put_along_largest_zeroed)(M), expected)
