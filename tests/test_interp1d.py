"""``scipy.interpolate.interp1d`` (linear, the default) through ``np.interp``
(``rules/scipy_interpolate_through.py``); was refused (no rule).  Against central
differences and the closed form of linear interpolation, in the values and in the new
points; unsorted knots; ``bounds_error=False`` with a fill value, and a point out of
range raising as SciPy does."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

interpolate = pytest.importorskip("scipy.interpolate")

T = np.linspace(0.0, 1.0, 6)
Y = np.array([0.3, -1.2, 0.7, 2.0, -0.5, 0.9])


def at_points(y):
    f = interpolate.interp1d(T, y)
    return np.sum(f([0.1, 0.5, 0.9]) ** 2)


def in_the_points(q, y):
    f = interpolate.interp1d(T[::-1], y[::-1])  # (knots unsorted: sorted as SciPy does)
    return np.sum(np.sin(f(q)))


def filled_outside(y):
    f = interpolate.interp1d(T, y, bounds_error=False, fill_value=0.0)
    return np.sum(f(np.array([-0.5, 0.3, 1.5, 0.75])) * np.array([1.0, 2.0, 3.0, 4.0]))


def test_at_points():
    w = np.zeros((3, 6))  # weights of each point on the knots: 0.1 -> 0.5, 0.5 at 0, 1
    for k, p in enumerate([0.1, 0.5, 0.9]):
        i = min(int(p / 0.2), 4)
        w[k, i], w[k, i + 1] = 1 - (p - T[i]) / 0.2, (p - T[i]) / 0.2
    closed = 2 * (w @ Y) @ w
    np.testing.assert_allclose(s2sad.grad(at_points)(Y), closed, rtol=1e-10)
    check_grad(at_points, Y)
    check_jvp(at_points, Y)


def test_in_the_points():
    q = np.array([0.13, 0.47, 0.88])
    slope = np.array([(Y[i + 1] - Y[i]) / 0.2 for i in (q / 0.2).astype(int)])
    closed = np.cos(np.interp(q, T, Y)) * slope
    np.testing.assert_allclose(s2sad.grad(in_the_points)(q, Y), closed, rtol=1e-10)
    check_grad(in_the_points, q, Y)
    check_grad(in_the_points, q, Y, wrt=1)


def test_filled_outside():
    check_grad(filled_outside, Y)
    value, _ = s2sad.value_and_grad(filled_outside)(Y)
    assert value == pytest.approx(filled_outside(Y))


def out_of_range(y):
    return np.sum(interpolate.interp1d(T, y)(np.array([0.5, 1.5])))


def test_a_point_out_of_range_raises_as_scipy_does():
    with pytest.raises(ValueError):
        out_of_range(Y)
    with pytest.raises(ValueError, match="interpolation range"):
        s2sad.grad(out_of_range)(Y)


def cubic(y):
    return np.sum(interpolate.interp1d(T, y, kind="cubic")(np.array([0.5])))


def test_another_kind_is_refused_at_the_users_line():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_interp1d.py:\d+: .*np.interp"):
        s2sad.grad(cubic)(Y)
