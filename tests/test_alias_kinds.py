"""What the alias stage knows of the kinds of values: an array a helper returns
(``c = helper(...)`` binds the helper's result, a name) is an array, and the items of
a tuple, list or dict argument have the ranks the call gives them.  Without either, a
write of another array's view into such a value (``c[1:] = x[:-1]``, a copy of
values) was taken for a list storing the view, and a later write through ``c``
refused as a write into ``x`` (random programs, seed 73003 and four others)."""
import copy

import numpy as np
import pytest

import s2sad
from gradcheck import assert_unchanged, check_grad, check_jvp


def _shifted(t):
    return np.where(t > 0.0, t, 0.5 * t)


def _scaled(t):
    return t * 2.0


def helper_of_a_tuple_item(x, P):
    c = _shifted(P[0] * x)
    c[1:] = x[:-1]
    a = c
    a[1:3] *= 2.0
    return np.sum(a * x) + np.sum(P[0] * x)


def helper_of_a_dict_item(x, D):
    c = _shifted(D["w"])
    c[1:] = x[:-1]
    d = c
    d[0] *= 3.0
    return np.sum(d * x)


def scaled_list_item(x, L):
    c = _scaled(L[0])
    c[:2] = x[1:3]
    c *= 1.5
    return np.sum(c * x)


X = np.array([-0.9, -0.2, 0.4, 1.1])
CASES = [
    (helper_of_a_tuple_item, (X, (np.array([0.3, -0.4, 0.5, 0.2]), 1.0))),
    (helper_of_a_dict_item, (X, {"w": np.array([-0.5, 0.25, -0.1, 0.5])})),
    (scaled_list_item, (X, [np.array([-0.5, 0.2, 0.3, 0.6]), np.ones(2)])),
]


@pytest.mark.parametrize("f,args", CASES)
def test_writes_into_a_helpers_array_are_differentiated(f, args) -> None:
    check_grad(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=0)


@pytest.mark.parametrize("f,args", CASES)
def test_the_arguments_are_not_changed(f, args) -> None:
    before = copy.deepcopy(args)
    s2sad.grad(f, wrt=(0, 1))(*args)
    assert_unchanged(before, args)


def test_scaled_list_item_closed_form() -> None:
    w = np.array([-0.5, 0.2, 0.3, 0.6])
    c = 2.0 * w
    c[:2] = X[1:3]
    c = 1.5 * c
    dx = c.copy()  # d/dx of sum(c * x) with c held
    dx[1:3] += 1.5 * X[:2]  # c[:2] = 1.5 * x[1:3]
    dw = np.array([0.0, 0.0, 3.0 * X[2], 3.0 * X[3]])  # c[2:] = 3 * w[2:]
    gx, gL = s2sad.grad(scaled_list_item, wrt=(0, 1))(X, [w, np.ones(2)])
    np.testing.assert_allclose(gx, dx, rtol=1e-12)
    np.testing.assert_allclose(gL[0], dw, rtol=1e-12)
    np.testing.assert_allclose(gL[1], 0.0)


# ----- an array indexed by a list is a copy (a[[1, 0]], items = [1, 0]; a[items]): a
# write of it into the same array is differentiated (refused as an overlap for a while)

def swapped_rows(x):
    a = x * 1.0
    a[[0, 1]] = a[[1, 0]]
    return np.sum(a * x)


def swapped_columns_by_name(x):
    a = np.sin(x)
    order = [2, 0]
    a[:, [0, 2]] = a[:, order]
    return np.sum(a * a * x)


def rows_repeated_into_a_column(x):
    a = x * 1.0
    rows = [3, 3, 1, 0]
    a[:, 4] = a[rows, 1]
    return np.sum(np.cos(a) * x)


@pytest.mark.parametrize("f", [swapped_rows, swapped_columns_by_name,
                               rows_repeated_into_a_column])
def test_a_list_index_copies(f) -> None:
    x = np.random.default_rng(5).standard_normal((4, 5))
    check_grad(f, x)
    check_jvp(f, x)


def test_swapped_rows_closed_form() -> None:
    x = np.random.default_rng(5).standard_normal((4, 5))
    a = x.copy()
    a[[0, 1]] = x[[1, 0]]
    # sum(a * x): x[0] meets a[0] = x[1] directly and gives a[1] = x[0], met by x[1]
    np.testing.assert_allclose(s2sad.grad(swapped_rows)(x), 2 * a, rtol=1e-12)


# ----- a name written by item (r[0] = v: a number would raise) holds an ndarray, and so
# does a name bound to it: ``s = r; s -= e`` then writes r in place (refused as "if it is
# an array" before, random program 73096) -----

def dict_item_scaled(x, a, D):
    r7 = np.array(x)
    r8 = D["w"] * 1.0
    r8[:, -4] += r7
    a10 = r8
    a10[-3, 3] = a * 2.0
    a10 -= r7[-1]
    return np.sum(a10 * r8)


def shifted_copy(x):
    t = np.array(x) + 1.0
    t[0] = np.sin(x[1])
    u = t
    u -= x[2]
    return np.sum(u * t * x)


def _squares(y):
    return np.array(y) ** 2


def helper_result_halved(x):
    t = _squares(x)
    t[1:3] = x[:2]
    v = t
    v /= 2.0
    return np.sum(v * np.cos(t) * x)


X5 = np.linspace(-1.0, 1.0, 5)


@pytest.mark.parametrize("f, args", [
    (dict_item_scaled, (X5, 0.5, {"w": np.linspace(-1.0, 1.0, 25).reshape(5, 5)})),
    (shifted_copy, (X5,)), (helper_result_halved, (X5,)),
])
def test_names_written_by_item_are_arrays(f, args) -> None:
    check_grad(f, *args, wrt=tuple(range(len(args))))
    check_jvp(f, *args)


def test_shifted_copy_closed_form() -> None:
    u = X5 + 1.0 - X5[2]
    u[0] = np.sin(X5[1]) - X5[2]  # u and t are one array: f = sum(u * u * x)
    expected = u * u
    du = 2 * u * X5
    expected += du  # (u[i] = x[i] + 1 - x[2] for i > 0)
    expected[0] -= du[0]
    expected[1] += du[0] * np.cos(X5[1])
    expected[2] -= np.sum(du)
    np.testing.assert_allclose(s2sad.grad(shifted_copy)(X5), expected, rtol=1e-12)


def _gram_schmidt(A):
    Q = np.zeros_like(A)
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for i in range(j):
            v -= (Q[:, i] @ A[:, j]) * Q[:, i]
        Q[:, j] = v / np.linalg.norm(v)
    return Q


def gram_schmidt_of_reshaped(a):
    Q = _gram_schmidt(a.reshape(3, 3))
    return np.sum(Q[:, 2] * np.arange(3.0)) + Q[0, 1]


def copied_column_of_reshaped(a):
    A = np.reshape(a, (3, 3))
    v = A[..., 2].copy()
    v += A[:, 0]
    w = v
    w /= 2.0  # (w is v: both see it)
    return np.sum(v * A[1])


def copied_new_axis_column(a):
    A = a.reshape(3, 3)
    c = A[:, None, 0].copy()
    c -= 0.5
    return np.sum(c ** 2) + np.sum(A)


A9 = np.random.default_rng(11).standard_normal(9) + np.array([3, 0, 0, 0, 3, 0, 0, 0, 3.0])


@pytest.mark.parametrize("f", [gram_schmidt_of_reshaped, copied_column_of_reshaped,
                               copied_new_axis_column])
def test_a_copy_of_an_array_index_is_an_array(f) -> None:
    """``v = A[:, j].copy(); v -= ...`` of an ``A`` of unknown rank (a reshaped argument)
    was refused ("if it is an array, v shares its memory with A"): an index a list
    cannot take (a tuple holding a slice, ``...`` or ``None``) gives an ndarray, and its
    copy is one of its own."""
    a = A9.copy()
    check_grad(f, a)
    check_jvp(f, a)
    np.testing.assert_array_equal(a, A9)


def a_view_of_the_arguments_reshape_written(a):
    A = a.reshape(3, 3)  # (a vector's reshape: a view whatever its strides)
    v = A[:, 0]
    v -= 1.0  # (Python changes the caller's array; the derivative leaves it)
    return np.sum(A ** 2)


def test_a_write_into_a_view_of_the_argument() -> None:
    a = A9.copy()
    check_grad(a_view_of_the_arguments_reshape_written, a)
    check_jvp(a_view_of_the_arguments_reshape_written, a)
    np.testing.assert_array_equal(a, A9)
