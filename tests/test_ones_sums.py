"""Sums of float64 adjoints over adjacent axes as products with ones
(``runtime.core.sum_axes``, which ``unbroadcast`` calls on large adjoints): NumPy
reduces an axis followed by a short one an output element at a time.  The same sums as
``np.sum`` (to rounding) for every arrangement, the cases the product must not take
(axes apart, strided or other-typed arrays, a short last axis, small stacks), and
gradients through broadcasting against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp
from s2sad.runtime.core import sum_axes, unbroadcast

rng = np.random.default_rng(4748)


@pytest.mark.parametrize("shape, axes", [
    ((216, 216, 3), (1,)), ((216, 216, 3), (0, 1)), ((5000, 3), (0,)), ((300, 20), (1,)),
    ((40, 30, 20), (1, 2)), ((20, 30, 4, 5), (1, 2)), ((4000, 3, 3), (1,)),
    ((300, 40, 4), (0, 2)), ((5000, 2), (1,)), ((3, 4), (1,))])
def test_same_sums_as_numpy(shape, axes):
    x = rng.standard_normal(shape)
    want = x.sum(axis=axes)
    for y, expected in ((x, want), (np.asfortranarray(x), want),
                        (x.astype(np.float32), x.astype(np.float32).sum(axis=axes)),
                        (np.arange(x.size).reshape(shape), np.arange(x.size).reshape(
                            shape).sum(axis=axes))):
        got = sum_axes(y, axes)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        tol = 1e-5 if y.dtype == np.float32 else 1e-12  # (float32: its own rounding)
        np.testing.assert_allclose(got, expected, rtol=tol, atol=1e3 * tol)


def test_non_finite_values_carry_through():
    x = rng.standard_normal((3000, 4))
    x[5, 1], x[7, 2], x[9, 3], x[11, 3] = np.nan, np.inf, np.inf, -np.inf
    with np.errstate(invalid="ignore"):  # (inf - inf, as NumPy's own sum)
        np.testing.assert_allclose(sum_axes(x, (0,)), x.sum(axis=0), rtol=1e-12)


def test_unbroadcast_shapes():
    g = rng.standard_normal((100, 50, 3))
    for shape in ((3,), (1, 3), (50, 3), (100, 1, 3), (1, 1, 1), ()):
        np.testing.assert_allclose(unbroadcast(g, np.zeros(shape)),
                                   g.sum(axis=tuple(range(g.ndim - len(shape))) + tuple(
                                       i + g.ndim - len(shape) for i, n in enumerate(shape)
                                       if n == 1), keepdims=False).reshape(shape),
                                   rtol=1e-12, atol=1e-10)


def row_bias(b, X):
    """A bias of three added to each of many rows: its adjoint sums the first axis."""
    return np.sum(np.sin(X + b) ** 2)


def pair_bias(b, X):
    """A bias broadcast over the first two axes of a stack of pairs."""
    return np.sum(np.tanh(X * b))


def middle_bias(b, X):
    """A bias of one per row and component, broadcast along the middle axis."""
    return np.sum(np.cos(X - b) * X)


@pytest.mark.parametrize("f, b_shape, x_shape", [
    (row_bias, (3,), (3000, 3)), (pair_bias, (3,), (40, 40, 3)),
    (middle_bias, (60, 1, 3), (60, 70, 3))])
def test_broadcast_adjoints_against_differences(f, b_shape, x_shape):
    b, X = 0.3 * rng.standard_normal(b_shape), rng.standard_normal(x_shape)
    check_grad(f, b, X, rtol=1e-6)
    check_jvp(f, b, X)


def test_second_order_through_the_sums():
    """The derivative's ``sum_axes`` differentiated again (its rule: ``repeat_to``)."""
    X = rng.standard_normal((40, 40, 3))
    check_hessian(lambda b: pair_bias(b, X), 0.3 * rng.standard_normal(3))
    Y = rng.standard_normal((30, 20, 3))
    check_hessian(lambda b: middle_bias(b, Y), 0.3 * rng.standard_normal((30, 1, 3)))
