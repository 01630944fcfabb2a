"""``np.roll`` by a literal along a literal axis called as the runtime's ``roll_axis``
(two slice copies, :mod:`s2sad.runtime.shifts`; the late pass ``methods``): the same
numbers bit for bit as NumPy's, gradients and tangents of periodic stencils against
central differences, second order, and the calls left to NumPy (a shift by a name, a
flattening roll, several axes at once)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_code
from s2sad.runtime.shifts import roll_axis


@pytest.mark.parametrize("shape, shift, axis", [
    ((5,), 2, 0), ((5,), -7, 0), ((4, 6), 1, 0), ((4, 6), -1, 1), ((4, 6), 6, 1),
    ((2, 3, 4), 5, -1), ((2, 3, 4), -2, -3), ((0, 3), 1, 0), ((3, 0), 2, 1),
])
def test_the_same_as_numpy(shape, shift, axis):
    a = np.arange(float(np.prod(shape))).reshape(shape)
    out = roll_axis(a, shift, axis)
    assert np.array_equal(out, np.roll(a, shift, axis=axis)) and out is not a


def test_other_arguments_go_to_numpy():
    a = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(roll_axis(a, np.int64(1), 1), np.roll(a, 1, axis=1))
    assert roll_axis([1.0, 2.0, 3.0], 1, 0).tolist() == [3.0, 1.0, 2.0]


def heat_periodic(u, c, steps):
    """Explicit periodic heat steps in 2-D."""
    for _ in range(steps):
        lap = (np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0) + np.roll(u, 1, axis=1)
               + np.roll(u, -1, 1) - 4.0 * u)
        u = u + c * lap
    return np.sum(u ** 3)


def xy_energy(theta):
    return -np.sum(np.cos(theta - np.roll(theta, -1, axis=1))) + \
        np.sum(np.sin(theta - np.roll(theta, 2, 0)) ** 2)


def named_shift(u, k):
    """A shift held by a name and a roll over all axes: NumPy's calls, as written."""
    return np.sum(np.roll(u, k, axis=0) * u) + np.sum(np.roll(u, 1) ** 2)


def test_heat_periodic():
    r = np.random.default_rng(0)
    u = r.standard_normal((5, 6))
    check_grad(heat_periodic, u, 0.1, 3, wrt=(0, 1))
    check_jvp(heat_periodic, u, 0.1, 3, wrt=(0, 1))
    code = grad_code(heat_periodic, u, 0.1, 3)
    assert "roll_axis(" in code and "np.roll" not in code


def test_xy_energy_second_order():
    r = np.random.default_rng(1)
    theta = r.standard_normal((4, 5))
    check_grad(xy_energy, theta)
    H = s2sad.hessian(xy_energy)(theta)
    g = s2sad.grad(xy_energy)
    for at in [(0, 0), (2, 3), (3, 4)]:
        step = np.zeros_like(theta)
        step[at] = 1e-6
        np.testing.assert_allclose(H[at], (g(theta + step) - g(theta - step)) / 2e-6,
                                   rtol=1e-5, atol=1e-6)


def test_named_shift_left_to_numpy():
    r = np.random.default_rng(2)
    u = r.standard_normal((4, 3))
    check_grad(named_shift, u, 1)
    code = grad_code(named_shift, u, 1)
    assert "np.roll(u, k, axis=0)" in code or "np.roll(u, k, 0)" in code
