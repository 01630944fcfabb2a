"""Running sums and products along one axis by a loop over it where each step is wide
(``runtime/running.py``): the same numbers as NumPy's ``cumsum`` / ``cumprod`` bit for
bit, on both sides of the width at which the loop is taken, forward and from the end,
any axis; and the derivatives that use it (``np.cumsum``'s and ``np.cumprod``'s adjoints
and tangents) against central differences at shapes that take the loop."""
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp
from s2sad.runtime import cumulative
from s2sad.runtime.running import WIDE, run_in_place


@pytest.mark.parametrize("shape, axis", [
    ((WIDE, 7), 1), ((WIDE - 1, 7), 1),  # wide steps, and one element too few
    ((5, 2 * WIDE), 0), ((3, 9, WIDE // 8), -2), ((WIDE * 2,), 0), ((WIDE, 1), 1)])
@pytest.mark.parametrize("ufunc, cumulative", [(np.add, np.cumsum),
                                                (np.multiply, np.cumprod)])
@pytest.mark.parametrize("reverse", [False, True])
def test_same_numbers_as_accumulate(shape, axis, ufunc, cumulative, reverse):
    rng = np.random.default_rng(5)
    x = rng.uniform(0.9, 1.1, shape)
    if reverse:
        want = np.flip(cumulative(np.flip(x, axis), axis=axis), axis)
    else:
        want = cumulative(x, axis=axis)
    y = x.copy()
    assert run_in_place(ufunc, y, axis, reverse) is y
    assert np.array_equal(y, want)


def test_complex_sums():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((WIDE, 4)) + 1j * rng.standard_normal((WIDE, 4))
    assert np.array_equal(run_in_place(np.add, x.copy(), 1), np.cumsum(x, axis=1))


def test_reverse_cumsum_leaves_the_gradient_alone():
    rng = np.random.default_rng(7)
    g = rng.standard_normal((WIDE, 6))
    g0 = g.copy()
    got = cumulative.reverse_cumsum(g, g, 1)
    assert np.array_equal(got, np.flip(np.cumsum(np.flip(g0, 1), 1), 1))
    assert np.array_equal(g, g0) and not np.shares_memory(got, g)


def survival_wide(eta, weights):
    """The discrete-hazard pattern over many subjects and few periods."""
    hazard = 1.0 / (1.0 + np.exp(-eta))
    return np.sum(weights * np.cumprod(1.0 - hazard, axis=1))


def discounted_wide(r):
    return np.sum(np.cumsum(r, axis=0) ** 2)


def per_row_totals(r, v):
    return np.sum(np.cumsum(r * v, axis=-1) * v)


@pytest.mark.parametrize("f, shapes, wrt", [
    (survival_wide, [(WIDE, 3), (WIDE, 3)], (0, 1)),
    (discounted_wide, [(4, WIDE + 3)], 0),
    (per_row_totals, [(WIDE, 2), (WIDE, 2)], (0, 1))])
def test_derivatives_along_short_axes(f, shapes, wrt):
    rng = np.random.default_rng(8)
    args = [0.5 * rng.standard_normal(s) for s in shapes]
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt, rng=rng)
