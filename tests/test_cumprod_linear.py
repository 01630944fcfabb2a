"""``np.cumprod``'s adjoint and tangent in O(n) (a reverse cumulative sum of
``g * p`` divided by the factors) where every partial product is a normal number, and
the exact O(n^2) Jacobian where one is zero, subnormal or infinite. Checked against
central differences and against the Jacobian itself."""
from __future__ import annotations

import numpy as np
import pytest

from s2sad.runtime import cumulative
from tests.gradcheck import check_grad, check_jvp


def survival(eta, weights):
    """A survival curve along time (axis 1), weighted: the discrete-hazard pattern."""
    hazard = 1.0 / (1.0 + np.exp(-eta))
    return np.sum(weights * np.cumprod(1.0 - hazard, axis=1))


def running_growth(r):
    """Compounded returns of a flat vector (axis None)."""
    return np.sum(np.log(np.cumprod(1.0 + r)))


def stacked_products(a):
    """A 3-D array's products along its middle axis, a squared readout."""
    return np.sum(np.cumprod(a, axis=-2) ** 2)


_RNG = np.random.default_rng(7)


@pytest.mark.parametrize("f, args", [
    (survival, (_RNG.standard_normal((6, 5)), _RNG.standard_normal((6, 5)))),
    (running_growth, (_RNG.uniform(-0.3, 0.3, 9),)),
    (stacked_products, (_RNG.uniform(0.5, 1.5, (2, 4, 3)),)),
])
def test_cumprod_matches_differences(f, args):
    check_grad(f, *args)
    check_jvp(f, *args)


@pytest.mark.parametrize("a, axis", [
    (np.array([[1.5, 0.0, 2.0, -0.5], [0.5, 2.0, 0.0, 0.0]]), 1),  # zeros
    (np.array([1e-200, 1e-200, 1e200, 3.0]), None),  # underflow in the middle
    (np.array([[1e300, 1e300], [1e10, 3.0]]), 0),  # overflow
])
def test_cumprod_falls_back_to_jacobian(a, axis):
    """Where a product is zero, subnormal or infinite the division would be wrong; the
    helper's answer is then the Jacobian's."""
    assert cumulative._cumprod_normal(a, axis) is None
    with np.errstate(over="ignore", invalid="ignore"):
        shape = np.cumprod(a, axis=axis).shape
        g = np.arange(1.0, np.prod(shape) + 1).reshape(shape)
        want = cumulative._cumprod_apply(g, a, axis, "...jk,...k->...j", np.shape(a))
        assert np.array_equal(cumulative.cumprod_adjoint(g, a, axis), want, equal_nan=True)


def test_cumprod_through_zero_gradient():
    """A zero factor: the gradient of the products after it is not 0 / 0."""
    x = np.array([2.0, 0.0, 3.0, 0.5])
    from s2sad import grad

    got = grad(lambda v: np.sum(np.cumprod(v)))(x)
    # d/dx_j sum_k prod_{i <= k} x_i = sum_{k >= j} prod_{i <= k, i != j} x_i
    want = [1.0 + 0.0, 2.0 + 6.0 + 3.0, 0.0, 0.0]
    assert np.allclose(got, want)


def test_adjoint_reads_the_forward_products(rng):
    """The forward sweep's products are passed to the adjoint (not made again), and the
    adjoint has its factor's shape (no unbroadcast)."""
    from gradcheck import grad_source

    text = grad_source(survival, rng.standard_normal((6, 5)), rng.standard_normal((6, 5)))
    assert "cumprod_adjoint(" in text and "unbroadcast" not in text, text
    line = next(ln for ln in text.splitlines() if "cumprod_adjoint(" in ln)
    assert line.count(",") >= 3, line  # (g, a, axis, the products)


def test_reverse_cumsum_keeps_its_shape(rng):
    def discounted(r, gamma):
        return np.sum(np.cumsum(r * gamma, axis=1) ** 2)

    from gradcheck import grad_source

    args = (rng.standard_normal((4, 6)), rng.random((4, 6)))
    check_grad(discounted, *args, wrt=(0, 1))
    assert "unbroadcast" not in grad_source(discounted, *args, wrt=(0, 1))


@pytest.mark.parametrize("shape, axis, g_shape, dtype", [
    ((6, 5), 1, (6, 5), np.float64),  # a survival curve's axis
    ((4, 3, 2), 0, (4, 3, 2), np.float64),  # the leading axis of a 3-D array
    ((7,), None, (7,), np.float64),  # flattened
    ((6, 5), 1, (5,), np.float64),  # a gradient that broadcasts (a new array anyway)
    ((6, 5), -1, (6, 5), np.float32),  # float32 factors, float64 gradient
])
def test_adjoint_made_in_one_array_matches_the_formula(shape, axis, g_shape, dtype):
    """The reverse cumulative sum made in place in ``g * p`` (one new array): the same
    numbers as ``flip(cumsum(flip(g * p))) / a``, the caller's arrays unchanged."""
    rng = np.random.default_rng(11)
    a = rng.uniform(0.5, 1.5, shape).astype(dtype)
    g = rng.standard_normal(g_shape)
    a0, g0 = a.copy(), g.copy()
    p = np.cumprod(a, axis=axis)
    ax = 0 if axis is None else axis
    a2 = a.astype(float).ravel() if axis is None else a.astype(float)
    want = np.reshape(np.flip(np.cumsum(np.flip(g * p, ax), ax), ax) / a2, shape)
    got = cumulative.cumprod_adjoint(g, a, axis, p)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert got.shape == shape and got.dtype == want.dtype
    assert np.array_equal(a, a0) and np.array_equal(g, g0)
    assert not np.shares_memory(got, p)
