"""Functions and keywords differentiated through a closed form
(``s2sad/rules/numpy_through.py``): each was refused as unsupported.  Every case
against central differences, in both modes."""
import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp


def diff_prepend(x):
    return np.diff(x, prepend=0.0)


def diff_both_ends(x, w):
    return np.diff(x, n=2, prepend=w, append=x[:1] * w)


def diff_rows(a):
    return np.diff(a, axis=0, append=a[-1:] ** 2)


def pad_value(a):
    return np.pad(a, 1, constant_values=2.5) ** 2


def pad_value_active(a, c):
    return np.pad(a, ((1, 0), (2, 1)), mode="constant", constant_values=c) * 1.5


def pad_value_vector(x):
    return np.sum(np.pad(np.sin(x), (2, 3), constant_values=-1.0) ** 3)


def max_initial(a):
    return np.max(a, axis=0, initial=0.2)


def min_initial(a):
    return np.min(a, axis=1, keepdims=True, initial=-0.1)


def amax_initial_scalar(x, c):
    return np.amax(x ** 2, initial=c)


@pytest.mark.parametrize("f, make, wrt", [
    (diff_prepend, lambda r: (r.standard_normal(5),), 0),
    (diff_both_ends, lambda r: (r.standard_normal(5), 0.7), (0, 1)),
    (diff_rows, lambda r: (r.standard_normal((3, 4)),), 0),
    (pad_value, lambda r: (r.standard_normal((2, 3)),), 0),
    (pad_value_active, lambda r: (r.standard_normal((2, 3)), 0.4), (0, 1)),
    (pad_value_vector, lambda r: (r.standard_normal(4),), 0),
    (max_initial, lambda r: (r.standard_normal((3, 4)),), 0),
    (min_initial, lambda r: (r.standard_normal((3, 4)),), 0),
    (amax_initial_scalar, lambda r: (r.standard_normal(4) * 0.3, 0.5), (0, 1)),
    (amax_initial_scalar, lambda r: (r.standard_normal(4) + 2.0, 0.5), (0, 1)),
])
def test_keywords_through_a_closed_form(f, make, wrt, rng):
    args = make(rng)
    check_vjp(f, *args, wrt=wrt, rng=rng)
    check_jvp(f, *args, wrt=wrt, rng=rng)


def test_pad_values_per_side_refused():
    def f(a):
        return np.sum(np.pad(a, 1, constant_values=(1.0, 2.0)))
    with pytest.raises(s2sad.DifferentiationError, match=r"test_numpy_through.py:\d+"):
        s2sad.grad(f)(np.ones(3))


def grid_xy(x, y):
    X, Y = np.meshgrid(x, y)
    return np.sin(X) * Y ** 2


def grid_ij(x, y, z):
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij")
    return X * Y + Z


def grid_sparse(x, y):
    X, Y = np.meshgrid(x, y, sparse=True)
    return X * Y


def block_rows(a, b):
    return np.block([[a, b], [b, a]])


def block_flat(x, y):
    return np.block([x, y ** 2, x[:1]])


def block_mixed(a, v):
    return np.block([[a], [np.atleast_2d(v)]])


@pytest.mark.parametrize("f, make", [
    (grid_xy, lambda r: (r.standard_normal(3), r.standard_normal(2))),
    (grid_ij, lambda r: (r.standard_normal(2), r.standard_normal(3), r.standard_normal(4))),
    (grid_sparse, lambda r: (r.standard_normal(3), r.standard_normal(2))),
    (block_rows, lambda r: (r.standard_normal((2, 2)), r.standard_normal((2, 2)))),
    (block_flat, lambda r: (r.standard_normal(2), r.standard_normal(3))),
    (block_mixed, lambda r: (r.standard_normal((2, 3)), r.standard_normal(3))),
])
def test_grids_and_blocks(f, make, rng):
    args = make(rng)
    wrt = tuple(range(len(args)))
    check_vjp(f, *args, wrt=wrt, rng=rng)
    check_jvp(f, *args, wrt=wrt, rng=rng)


def selections(a):
    return (np.compress([True, False, True], a, axis=0).sum() * np.extract(a > 0, a).sum()
            + np.sum(np.choose(np.array([0, 1, 0, 1]), [a[0], a[1] ** 2])))


def resized(x):
    return np.resize(x, (2, 5)) * np.arange(10.0).reshape(2, 5)


def ufunc_forms(a):
    return (np.ldexp(a, 2) + np.divmod(a + 3.0, 0.7)[1] * a + np.add.accumulate(a, axis=1)
            + np.multiply.accumulate(a, axis=0))


@pytest.mark.parametrize("f, shape", [(selections, (3, 4)), (resized, (3,)),
                                      (ufunc_forms, (3, 4))])
def test_array_functions(f, shape, rng):
    x = rng.standard_normal(shape)
    check_vjp(f, x, rng=rng)
    check_jvp(f, x, rng=rng)


def py_builtins(x, y):
    q, r = divmod(y + 3.0, x)
    z = complex(x, y)
    return (q * x + r ** 2 + abs(z) + sum(map(math.sin, [x, 2 * y])) + math.prod([x, y, 2.0])
            + math.dist([x, 1.0], [0.0, y]))


@pytest.mark.parametrize("x, y", [(0.7, 1.3), (1.1, -0.4), (2.0, 0.3)])
def test_python_builtins(x, y):
    check_grad(py_builtins, x, y, wrt=(0, 1))
    check_jvp(py_builtins, x, y, wrt=(0, 1))


def second_order(x):
    X, Y = np.meshgrid(x, x[:2])
    return np.sum(np.diff(x, prepend=x[-1]) ** 2) + np.sum(np.sin(X * Y)) + \
        math.prod([x[0], x[1]])


def test_second_order(rng):
    check_hessian(second_order, rng.standard_normal(3))


def nan_spread(a):
    b = np.where(a > 0.8, np.nan, a)
    return np.nanstd(b, axis=0) + np.nanvar(b, axis=1, ddof=1, keepdims=True)


def nan_products(a):
    b = np.where(a < -0.8, np.nan, a)
    return np.nanprod(b, axis=0) + np.nancumsum(b, axis=0)[-1] + np.nancumprod(b)[:3]


def nan_free(a):
    return np.nanstd(a) * np.nanvar(a, axis=(0, 1)) + np.sum(np.nancumsum(a))


@pytest.mark.parametrize("f", [nan_spread, nan_products, nan_free])
def test_nan_statistics(f, rng):
    """NaN-ignoring statistics, with NaNs in the data (the NaNs never reach a
    derivative: replaced before the arithmetic)."""
    a = rng.standard_normal((4, 3))
    np.testing.assert_allclose(s2sad.vjp(f)(a, np.ones(np.shape(f(a))))[0], f(a))
    check_vjp(f, a, rng=rng)
    check_jvp(f, a, rng=rng)


# ----- reductions with where= (refused before: JAX takes them), through np.where -----

def sum_where(x):
    return np.sum(x ** 2, where=x > 0)


def sum_where_axis(x):
    return np.sum(np.sum(np.sin(x), axis=1, where=x < 0.5, keepdims=True) * x)


def sum_initial(x):
    return np.sum(x, initial=2.0) * x[0]


def mean_where(x):
    return np.mean(x ** 2, where=x > -0.5)


def mean_where_axis(x):
    return np.sum(np.mean(x * x[::-1], axis=0, where=x > -1.0) ** 2)


def max_where(x):
    return np.max(x, where=x < 1.0, initial=-10.0)


def min_where_axis(x):
    return np.sum(np.min(x ** 2, axis=0, where=x > 0, initial=5.0))


_V = np.random.default_rng(3).standard_normal(6)
_M = np.random.default_rng(4).standard_normal((4, 3))


@pytest.mark.parametrize("f, x", [
    (sum_where, _V), (sum_where, -_V), (sum_where_axis, _M), (sum_initial, _V),
    (mean_where, _V), (mean_where_axis, _M), (max_where, _V), (min_where_axis, _M),
])
def test_reductions_with_where(f, x) -> None:
    assert np.isclose(s2sad.value_and_grad(f)(x)[0], f(x))
    check_grad(f, x)
    check_jvp(f, x)


def test_mean_where_closed_form() -> None:
    kept = _V > -0.5
    expected = np.where(kept, 2 * _V / np.sum(kept), 0.0)
    np.testing.assert_allclose(s2sad.grad(mean_where)(_V), expected, rtol=1e-12)


# ----- np.ediff1d (was refused), with np.trapezoid (numpy_extra's) -----

_XS = np.array([0.0, 0.4, 1.1, 1.5, 2.6, 3.0])


trapezoid = np.trapezoid if hasattr(np, "trapezoid") else np.trapz  # (NumPy < 2: trapz)


def trapezoid_rows(y):
    return trapezoid(y, axis=0)


def trapezoid_at(y, x):
    return trapezoid(y, x)


def trapezoid_spaced(y):
    return np.sum(np.sin(trapezoid(y, dx=0.3)))


def ediff_ends(a, b):
    return np.ediff1d(a, to_begin=b, to_end=[1.0, 2.0]) ** 2


@pytest.mark.parametrize("f, args, wrt", [
    (trapezoid_rows, (_M,), 0), (trapezoid_at, (_V, _XS), (0, 1)),
    (trapezoid_at, (_M.T, _XS[:4]), (0, 1)), (trapezoid_spaced, (_M,), 0),
    (np.ediff1d, (_M,), 0), (ediff_ends, (_V, _V[:2]), (0, 1)),
], ids=["rows", "at", "at_rows", "spaced", "ediff1d", "ediff_ends"])
def test_trapezoid_and_ediff1d(f, args, wrt) -> None:
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    np.testing.assert_allclose(s2sad.vjp(f, wrt=wrt)(*args, np.ones(np.shape(f(*args))))[0],
                               f(*args), rtol=1e-12)


def test_trapezoid_second_derivative() -> None:
    check_hessian(lambda y: trapezoid_at(y ** 3, _XS), _V)


def _scaled_where_large(v):
    return np.sin(v) * v if v > 0.4 else 2.0 * v  # (both sides at the points below)


def vectorized_helper(a):
    return np.sum(np.vectorize(_scaled_where_large)(a) ** 2)


def vectorized_lambda(x):
    f = np.vectorize(lambda v: v ** 3 if v > 0.5 else -v, otypes=[float])
    return np.sum(f(x) * np.arange(x.size))


def _product_or_sum(a, b):
    return a * b if a > b else a + b


def vectorized_pair_broadcast(x, y):
    """A column against a row: the (3, 4) products of the broadcast pairs."""
    return np.sum(np.vectorize(_product_or_sum)(x[:, None], y) ** 2)


def vectorized_pair_lambda(x):
    f = np.vectorize(lambda a, b: np.sin(a) * b + a, otypes=[float])
    return np.sum(f(x, x[::-1]) * np.arange(x.size))


def vectorized_with_number(x, c):
    return np.sum(np.vectorize(_product_or_sum)(c, x) ** 3)


def rows_applied(a):
    return np.sum(np.apply_along_axis(lambda r: r @ r, 1, a))


def columns_applied(a):
    return np.sum(np.apply_along_axis(lambda r: np.cumsum(r) * r, 0, a) * np.arange(4.0))


def rows_normalised(a, c):
    return np.sum(np.apply_along_axis(lambda r, s: r / np.linalg.norm(r) * s, -1, a, c) ** 3)


@pytest.mark.parametrize("f, args", [
    (vectorized_helper, (np.array([[0.1, 0.9], [1.3, -0.2]]),)),
    (vectorized_lambda, (np.array([0.2, 0.7, 1.1, -0.4]),)),
    (vectorized_pair_broadcast, (np.array([0.3, 1.1, -0.7]), np.array([0.2, 0.8, 1.4, -0.5]))),
    (vectorized_pair_lambda, (np.array([0.2, 0.7, 1.1, -0.4]),)),
    (vectorized_with_number, (np.array([0.2, 0.7, 1.1, -0.4]), 0.45)),
    (rows_applied, (np.linspace(-1, 1, 12).reshape(3, 4),)),
    (columns_applied, (np.linspace(-1, 1, 12).reshape(3, 4) ** 2,)),
    (rows_normalised, (np.linspace(0.1, 1, 12).reshape(2, 2, 3), 1.5))])
def test_vectorize_and_apply_along_axis(f, args):
    """np.vectorize (of one argument or several, broadcast together) and
    np.apply_along_axis as loops over the elements or rows (were refused: no rule); the
    values as NumPy's."""
    wrt = tuple(range(len(args)))
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args)
    assert np.allclose(s2sad.value_and_grad(f, wrt=wrt)(*args)[0], f(*args))


def test_vectorize_pair_closed_form():
    """d/dx sum(f(x_i, y_j)^2) for f = x*y where x > y else x + y, by hand."""
    x, y = np.array([0.3, 1.1, -0.7]), np.array([0.2, 0.8, 1.4, -0.5])
    a, b = x[:, None], y[None, :]
    f = np.where(a > b, a * b, a + b)
    dfa = np.where(a > b, b, 1.0)
    np.testing.assert_allclose(s2sad.grad(vectorized_pair_broadcast)(x, y),
                               np.sum(2 * f * dfa, axis=1))


def test_apply_along_axis_closed_form():
    a = np.linspace(-1, 1, 12).reshape(3, 4)
    np.testing.assert_allclose(s2sad.grad(rows_applied)(a), 2 * a)


def test_apply_along_axis_of_a_matrix_function_refused():
    def outer_rows(a):
        return np.sum(np.apply_along_axis(lambda r: np.outer(r, r), 1, a))
    with pytest.raises(s2sad.DifferentiationError, match="test_numpy_through.py:\\d+: "
                       "np.apply_along_axis of a function returning a matrix"):
        s2sad.grad(outer_rows)(np.ones((2, 3)))


@pytest.mark.parametrize("f", [
    lambda v: np.sum(np.cumulative_prod(v) * np.arange(4.0)),
    lambda m: np.sum(np.linalg.cross(m[:, :3], m[::-1, :3]) ** 2),
    lambda m: np.sum(np.linalg.diagonal(m[:, :3]) ** 3) + np.linalg.diagonal(m, offset=1)[0]])
def test_numpy_2_array_api_spellings(f):
    """np.cumulative_prod, np.linalg.cross, np.linalg.diagonal (NumPy 2's array-API
    names; were refused: no rule)."""
    x = np.linspace(0.2, 0.9, 12).reshape(3, 4)
    arg = x[0] if f.__code__.co_varnames[0] == "v" else x
    check_grad(f, arg)
    check_jvp(f, arg)
