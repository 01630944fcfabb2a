"""Numbers read out of arrays before a loop and used in it (``omega = theta[0]``,
``h = np.var(r)``) taken as Python floats (``number_as_float``), and an array read by
element in a loop and also whole by a call (``np.var(r)`` and ``r[t]``) read as floats
there: values and gradients as before, against differences and a closed form; a zero
divisor on floats falls back to NumPy scalars (what the function itself computes)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_source


def garch(theta, r):
    omega, a, b = theta[0], theta[1], theta[2]
    h = np.var(r)
    ll = 0.0
    for t in range(1, len(r)):
        h = omega + a * r[t - 1] ** 2 + b * h
        ll += -0.5 * (math.log(h) + r[t] ** 2 / h)
    return -ll


def smoothing(params, y):
    alpha = params[0]
    level = np.mean(y[:3])
    sse = 0.0
    for t in range(len(y)):
        err = y[t] - level
        sse += err * err
        level = level + alpha * err
    return sse + params[1] * np.sum(y)


def decay(k, x):
    scale = np.max(np.abs(x))
    rate = k[0]
    v = 1.0
    for _ in range(20):
        v = v - rate * v * 0.1 + scale * 0.01
    return v * k[1]


R = np.sin(np.arange(1.0, 40.0)) * 0.5


@pytest.mark.parametrize("f, args, wrt", [
    (garch, (np.array([0.2, 0.15, 0.6]), R), 0),
    (smoothing, (np.array([0.3, 0.1]), R[:12]), (0, 1)),
    (decay, (np.array([0.7, 1.3]), R[:5]), (0, 1)),
])
def test_numbers_read_out_as_floats(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-13)
    assert "number_as_float(" in grad_source(f, *args, wrt=wrt)


def test_array_read_whole_and_by_element_is_floats_there():
    src = grad_source(garch, np.array([0.2, 0.15, 0.6]), R)
    assert "r_items = as_floats(r)" in src and "np.var(r)" in src


def test_decay_closed_form():
    k, x = np.array([0.7, 1.3]), R[:5]
    c = 1 - 0.1 * k[0]
    s = np.max(np.abs(x)) * 0.01
    v, dv = 1.0, 0.0  # v_{t+1} = c v_t + s; dv/dk0
    for _ in range(20):
        v, dv = c * v + s, c * dv - 0.1 * v
    np.testing.assert_allclose(s2sad.grad(decay)(k, x), [dv * k[1], v], rtol=1e-12)


def ratio_sum(theta, r):
    h = np.var(r) * theta[0]  # (a product of numbers read out: a float too)
    total = 0.0
    for t in range(len(r)):
        total += (r[t] + theta[1]) / h  # (h = 0: NumPy gives inf, floats raise)
    return total


def test_a_zero_divisor_falls_back_to_numpy_numbers():
    theta, r = np.array([0.0, 1.0]), np.array([0.5, -0.2, 0.3])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ratio_sum(theta, r)
        value, g = s2sad.value_and_grad(ratio_sum)(theta, r)
    assert np.isinf(expected) and value == expected
    assert g.shape == (2,)
    check_grad(ratio_sum, np.array([0.8, 1.0]), r)
    assert "h = number_as_float(" in grad_source(ratio_sum, np.array([0.8, 1.0]), r)
