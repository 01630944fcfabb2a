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
    # (NumPy copies this one right, backwards from the addresses; r[1] = r.T[3] wrong)
    (row_from_transpose, np.arange(9.0).reshape(3, 3) / 10),
])
def test_a_write_of_a_view_of_the_same_array_is_refused(f, arg) -> None:
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_overlapping_writes.py:\d+: .*view of .*copy"):
        s2sad.grad(f)(arg)


@pytest.mark.parametrize("f,arg", [
    (copied_first, np.arange(25.0).reshape(5, 5) / 10),
    (shifted_copy, np.linspace(-1.0, 1.0, 6)),
    (shifted, np.linspace(-1.0, 1.0, 6)),
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


# ----- views of views, writes through views, steps: followed to the root array -----
# (each was silently wrong before: the check saw only a view taken directly from the
# array written, and compared the axes kept, not the steps)

def row_through_two_views(W):
    r = W * 1.0
    v = r[2]
    w = v[:]
    r[:, 4] = w
    return np.sum(np.sin(r))


def row_of_a_row_view(W):
    r = W * 1.0
    r[:, 4] = r[2][:]
    return np.sum(np.sin(r))


def row_of_a_slice(W):
    r = W * 1.0
    v = r[1:]
    r[:, 4] = v[1]
    return np.sum(np.sin(r))


def every_other_from_the_front(x):
    y = x * 2.0
    y[::2] = y[:3]  # (NumPy: y[4] gets the y[2] this write has changed)
    return np.sum(y * y * x)


def through_a_column_view(W):
    r = W * 1.0
    c = r[:, 4]
    c[:] = r[2]
    return np.sum(np.sin(r))


def row_of_a_reshape(W):
    r = W * 1.0
    q = r.reshape(5, 5)  # (a view or a copy, as r's memory says)
    r[:, 4] = q[2]
    return np.sum(np.sin(r))


SQUARE = np.arange(25.0).reshape(5, 5) / 10


@pytest.mark.parametrize("f,arg", [
    (row_through_two_views, SQUARE), (row_of_a_row_view, SQUARE), (row_of_a_slice, SQUARE),
    (every_other_from_the_front, np.linspace(-1.0, 1.0, 6)),
    (through_a_column_view, SQUARE), (row_of_a_reshape, SQUARE),
])
def test_views_of_views_and_steps_are_refused(f, arg) -> None:
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_overlapping_writes.py:\d+: .*view of .*copy"):
        s2sad.grad(f)(arg)
    with pytest.raises(s2sad.DifferentiationError, match="view of"):
        s2sad.jvp(f)(arg, np.ones_like(arg))


# ----- what NumPy copies first (the written part has two axes, or the two walk memory
# in opposite directions) or copies right (equal strides): differentiated -----

def plane_from_plane(W):
    r = W * 1.0
    r[:, :, 4] = r[2]  # (two axes written: NumPy copies r[2] first)
    return np.sum(np.sin(r) * W)


def column_from_reversed_row(W):
    r = W * 1.0
    r[:, 4] = r[2, ::-1]  # (opposite directions: NumPy copies first)
    return np.sum(np.sin(r) * W)


def rows_from_transposed_rows(W):
    r = np.tanh(W)
    r[:2] = r.T[1:3]
    return np.sum(r * W)


def shifted_down_a_column(W):
    r = W * 1.0
    r[1:, 0] = r[:-1, 1]  # (equal strides: copied right either way)
    return np.sum(np.sin(r) * W)


@pytest.mark.parametrize("f,arg", [
    (plane_from_plane, np.arange(125.0).reshape(5, 5, 5) / 100),
    (column_from_reversed_row, SQUARE), (rows_from_transposed_rows, SQUARE),
    (shifted_down_a_column, SQUARE),
])
def test_writes_numpy_copies_right_are_differentiated(f, arg) -> None:
    check_grad(f, arg)


def test_column_from_reversed_row_closed_form() -> None:
    W = SQUARE
    r = W.copy()
    r[:, 4] = W[2, ::-1]  # r[i, 4] = W[2, 4 - i]
    through_r = np.cos(r) * W
    expected = np.sin(r) + through_r
    expected[:, 4] = np.sin(r[:, 4])  # (column 4 of W reaches r no more)
    expected[2, ::-1] += through_r[:, 4]
    np.testing.assert_allclose(s2sad.grad(column_from_reversed_row)(W), expected, rtol=1e-12)


# ----- values a branch chose, and literal extents: the order NumPy copies in followed
# (random programs 72025, 72031, 72046, 72075 are differentiated, as they were before
# views of views were followed) -----

def column_or_another_array(W, c):
    r = W * 1.0
    r[:, 0] = np.cos(W[0]) if c > 0 else r[:, -3]  # (equal strides: right either way)
    return np.sum(np.sin(r) * W)


def every_other_into_two(x):
    v = np.tanh(x[1:4])
    v[1:3] = v[::2]  # (backwards from v[2]: copied right)
    return np.sum(v * x[:3])


def one_element_across(W):
    r = W * 1.0
    r[2:3, 4] = r[2, 3:4]  # (one element: one copy)
    return np.sum(np.sin(r) * W)


def every_other_from_the_front_bounded(x):
    y = x * 2.0
    y[:6:2] = y[:3]  # (forwards: y[4] gets the y[2] just written)
    return np.sum(y * y * x)


@pytest.mark.parametrize("f,args", [
    (column_or_another_array, (SQUARE, 1.0)), (column_or_another_array, (SQUARE, -1.0)),
    (every_other_into_two, (np.linspace(-1.0, 1.0, 6),)),
    (one_element_across, (SQUARE,)),
])
def test_writes_copied_in_a_right_order_are_differentiated(f, args) -> None:
    check_grad(f, *args)


def test_a_bounded_write_read_after_it_is_written_is_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match="view of"):
        s2sad.grad(every_other_from_the_front_bounded)(np.linspace(-1.0, 1.0, 6))


def test_every_other_into_two_closed_form() -> None:
    x = np.linspace(-1.0, 1.0, 6)
    t = np.tanh(x[1:4])
    v = np.array([t[0], t[0], t[2]])  # v[1:3] = (t[0], t[2])
    dt = 1 - t ** 2
    expected = np.zeros(6)
    expected[:3] = v
    expected[1] += dt[0] * (x[0] + x[1])  # t[0] reaches v[0] and v[1]
    expected[3] += dt[2] * x[2]
    np.testing.assert_allclose(s2sad.grad(every_other_into_two)(x), expected, rtol=1e-12)


# A name bound again (``a = M`` then ``a = a - (a + M)``) no longer shares the
# parameter's memory: a write into it of a value read from the parameter or from itself
# is differentiated (was refused as "a view of M": the alias stage looked at every
# binding of the name, the stale one too).  Seed 80302 of the random programs.
def rebound_then_written(x, M):
    a = M
    a = a - (a + M)
    a[:, 1] = M[1] if np.sum(M[:, 3]) > 0.0 else a[:, -1]
    return np.sum(a * x) + np.sum(np.sin(a))


def rebound_column_from_column(x, M):
    a = M
    a = np.tanh(a) * 2.0
    a[:, 0] = a[:, 2]
    return np.sum(a * a * x)


def rebound_row_from_parameter(x, M):
    b = M
    b = b * x
    b[2] = M[:, 1]
    return np.sum(np.cos(b))


def rebound_column_from_row(M):
    r = M
    r = r * 1.0
    r[:, 3] = r[2]  # (still refused: r's own row into its column)
    return np.sum(np.sin(r))


M4 = np.arange(16.0).reshape(4, 4) / 10 - 0.5
X4 = np.array([0.3, -0.7, 1.1, 0.2])


@pytest.mark.parametrize("M", [M4, -M4 - 1.0])  # both branches of the if
@pytest.mark.parametrize("f", [rebound_then_written, rebound_column_from_column,
                               rebound_row_from_parameter])
def test_rebound_name_no_longer_a_view(f, M):
    check_grad(f, X4, M, wrt=1)
    check_grad(f, X4, M, wrt=0)


def test_rebound_own_overlap_still_refused():
    with pytest.raises(s2sad.DifferentiationError, match="of a view of"):
        s2sad.grad(rebound_column_from_row)(M4)
