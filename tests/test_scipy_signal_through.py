"""rules/scipy_signal_through.py: scipy.signal's correlate, convolve2d, correlate2d and
lfilter, scipy.integrate's cumulative_trapezoid (were refused as unsupported),
differentiated through closed forms: values equal scipy's, derivatives in both modes
against central differences."""
import numpy as np
import pytest
import scipy.integrate as si
import scipy.signal as ss

import s2sad
from gradcheck import check_jvp, check_vjp


def correlated(a, b, mode):
    return ss.correlate(a, b, mode=mode)


def correlated_2d(a, b, mode):
    return ss.correlate2d(a, b, mode=mode)


def convolved_2d(a, b, mode):
    return ss.convolve2d(a, b, mode=mode)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("f, shapes", [(correlated, ((7,), (3,))),
                                       (correlated, ((4, 5), (2, 3))),
                                       (correlated_2d, ((4, 5), (2, 2))),
                                       (convolved_2d, ((4, 5), (3, 2)))])
def test_correlations(f, shapes, mode, rng):
    a, b = (rng.standard_normal(s) for s in shapes)
    value, _ = s2sad.vjp(f, wrt=(0, 1))(a, b, mode, np.ones(np.shape(f(a, b, mode))))
    np.testing.assert_allclose(value, f(a, b, mode), rtol=1e-12, atol=1e-12)
    check_vjp(f, a, b, mode, wrt=(0, 1), rng=rng)
    check_jvp(f, a, b, mode, wrt=(0, 1), rng=rng)


def filtered(x, b, a):
    return ss.lfilter(b, a, x)


@pytest.mark.parametrize("b, a", [([1.0, 0.5], [1.0, -0.3]), ([0.2, 0.3, 0.1], [2.0]),
                                  ([1.0], [1.0, -0.5, 0.2])])
def test_lfilter(b, a, rng):
    x = rng.standard_normal(7)
    b, a = np.array(b), np.array(a)
    np.testing.assert_allclose(s2sad.vjp(filtered)(x, b, a, np.ones(7))[0],
                               ss.lfilter(b, a, x), rtol=1e-12)
    check_vjp(filtered, x, b, a, wrt=(0, 1, 2), rng=rng)
    check_jvp(filtered, x, b, a, wrt=(0, 1, 2), rng=rng)


def test_lfilter_with_zi_refused():
    def f(x):
        return np.sum(ss.lfilter([1.0], [1.0, -0.5], x, zi=np.zeros(1))[0])
    with pytest.raises(s2sad.DifferentiationError, match=r"test_scipy_signal_through.py:\d+"):
        s2sad.grad(f)(np.ones(3))


def running_integral(y, dx):
    return si.cumulative_trapezoid(y, dx=dx, axis=0)


def running_integral_x(y, x):
    return si.cumulative_trapezoid(y, x, initial=0)


@pytest.mark.parametrize("f, make", [
    (running_integral, lambda r: (r.standard_normal((5, 2)), 0.3)),
    (running_integral_x, lambda r: (r.standard_normal(6), np.cumsum(r.uniform(0.1, 1, 6)))),
    (running_integral_x, lambda r: (r.standard_normal((2, 6)), np.linspace(0.0, 1.0, 6))),
])
def test_cumulative_trapezoid(f, make, rng):
    args = make(rng)
    check_vjp(f, *args, wrt=(0, 1), rng=rng)
    check_jvp(f, *args, wrt=(0, 1), rng=rng)
