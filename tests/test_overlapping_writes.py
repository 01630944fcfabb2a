"""A write into an array of a view of that same array along another axis
(``r[:, 4] = r[2]``): NumPy copies element by element, without a copy first where the
two overlap one way, so the written values depend on the order of the copy
(``r[4, 4]`` gets the ``r[2, 4]`` the same write changed: found silently wrong by the
random programs, seed 71032).  Refused at the
user's line with the rewrite; the rewrite (a copy of the right-hand side) and writes
of another array's view are differentiated (against central differences)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def column_from_row(W):
    r = W * 1.0
    r[:, 4] = r[2]
    return np.sum(np.sin(r))


def shifted(x):
    y = x * 2.0
    y[1:] = y[:-1]  # (along one axis: NumPy copies it right, differentiated)
    return np.sum(y * y * x)


def row_from_column(W):
    r = np.sin(W)
    r[1] = r[:, 3]
    return np.sum(r * r)


def row_from_transpose(W):
    r = np.tanh(W)
    r[0] = r.T[1]
    return np.sum(r * W)


def copied_first(W):
    r = W * 1.0
    r[:, 4] = r[2].copy()
    return np.sum(np.sin(r))


def shifted_copy(x):
    y = x * 2.0
    y[1:] = y[:-1].copy()
    return np.sum(y * y * x)


def from_another_array(W):
    r = W * 1.0
    r[:, 4] = np.cos(W)[2]
    return np.sum(np.sin(r))


@pytest.mark.parametrize("f,arg", [
    (column_from_row, np.arange(25.0).reshape(5, 5) / 10),
    (row_from_column, np.arange(25.0).reshape(5, 5) / 10),
])
def test_a_write_of_a_view_of_the_same_array_is_refused(f, arg) -> None:
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_overlapping_writes.py:\d+: .*view of .*copy"):
        s2sad.grad(f)(arg)


@pytest.mark.parametrize("f,arg", [
    (copied_first, np.arange(25.0).reshape(5, 5) / 10),
    (shifted_copy, np.linspace(-1.0, 1.0, 6)),
    (shifted, np.linspace(-1.0, 1.0, 6)),
    (row_from_transpose, np.arange(9.0).reshape(3, 3) / 10),  # (a view of a view: as before)
    (from_another_array, np.arange(25.0).reshape(5, 5) / 10),
])
def test_the_rewrites_are_differentiated(f, arg) -> None:
    check_grad(f, arg)


def test_copied_first_closed_form() -> None:
    W = np.arange(25.0).reshape(5, 5) / 10
    r = W.copy()
    r[:, 4] = W[2]
    expected = np.cos(r)
    expected[:, 4] = 0.0
    expected[2] += np.cos(r[:, 4])
    np.testing.assert_allclose(s2sad.grad(copied_first)(W), expected, rtol=1e-12)


# ----- other rows or columns of the same array: no element in common, differentiated -----

def ghost_rows(u):
    v = np.tanh(u)
    v[0, :] = v[1, :]
    v[-1, :] = v[-2, :]
    return np.sum(v * v * u)


def ghost_columns(u):
    v = u * 2.0
    v[:, 0] = v[:, 1]
    return np.sum(np.sin(v))


def row_from_row(u):
    v = u + 1.0
    v[3] = v[1]
    return np.sum(v ** 3)


@pytest.mark.parametrize("f", [ghost_rows, ghost_columns, row_from_row])
def test_other_rows_and_columns_are_differentiated(f) -> None:
    check_grad(f, np.arange(20.0).reshape(4, 5) / 10 - 0.7)


def test_ghost_columns_closed_form() -> None:
    u = np.arange(20.0).reshape(4, 5) / 10 - 0.7
    v = u * 2.0
    v[:, 0] = v[:, 1]
    c = np.cos(v)
    expected = 2.0 * c
    expected[:, 0] = 0.0
    expected[:, 1] += 2.0 * c[:, 0]
    np.testing.assert_allclose(s2sad.grad(ghost_columns)(u), expected, rtol=1e-12)


def _copy_row_to_column(r):
    r[:, 4] = r[2]
    return r


def in_a_helper(W):
    r = np.cos(W)
    r = _copy_row_to_column(r)
    return np.sum(r * W)


def in_a_loop(W):
    r = W * 1.0
    for _ in range(3):
        r[:, 4] = r[1]
    return np.sum(np.sin(r))


@pytest.mark.parametrize("f", [in_a_helper, in_a_loop])
def test_refused_in_a_helper_and_a_loop(f) -> None:
    with pytest.raises(s2sad.DifferentiationError, match="view of"):
        s2sad.grad(f)(np.arange(25.0).reshape(5, 5) / 10)
    with pytest.raises(s2sad.DifferentiationError, match="view of"):
        s2sad.jvp(f, wrt=0)(np.arange(25.0).reshape(5, 5) / 10, np.ones((5, 5)))
