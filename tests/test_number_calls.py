"""NumPy functions of float64 numbers in a loop give Python floats (``number_calls``):
``math.sqrt`` of a value never negative, ``abs`` for ``np.abs``, ``float(np.exp(a))``
otherwise.  Gradients against central differences (and a closed form), values as the
function's own, data-dependent branches both ways; left alone where floats and NumPy
scalars part ways: a float32 number, a square root of a value that may be negative
(``float(np.sqrt(..))``, never ``math.sqrt``), no loop."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_code


def projectile(v0, angle, k, dt):
    x, y = 0.0, 0.0
    vx, vy = v0 * np.cos(angle), v0 * np.sin(angle)
    while y >= 0.0:
        speed = np.sqrt(vx * vx + vy * vy)
        vx = vx - dt * k * speed * vx
        vy = vy - dt * (9.81 + k * speed * vy)
        x = x + dt * vx
        y = y + dt * vy
    return x


def decay_chain(a, b, n):
    s = 0.0
    u = a
    for i in range(n):
        u = np.tanh(u * b) + np.exp(-0.1 * i) * np.log(1.0 + u * u)
        s = s + u
    return s


def bounce(h, e, dt):
    y, v, t, hits = h, 0.0, 0.0, 0
    while t < 2.0:
        v = v - 9.81 * dt
        y = y + dt * v
        if y < 0.0:  # (data dependent: taken or not by the starting height)
            y = -y
            v = np.abs(v) * e
            hits = hits + 1
        t = t + dt
    return y + 0.1 * v * v + 0.01 * hits


@pytest.mark.parametrize("f, args, wrt, expect", [
    (projectile, (20.0, 0.8, 0.02, 0.01), (0, 1, 2), "math.sqrt("),
    (decay_chain, (0.3, 1.2, 15), (0, 1), "float(np.tanh("),
    (bounce, (1.0, 0.8, 0.01), (0, 1), "abs("),
])
def test_calls_of_numbers_as_floats(f, args, wrt, expect):
    check_grad(f, *args, wrt=wrt)
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-14, abs=1e-14)
    code = grad_code(f, *args, wrt=wrt)
    assert expect in code and "np.sqrt(" not in code.replace("float(np.sqrt(", "")


def test_projectile_without_drag_has_a_closed_form():
    """k = 0: the range is ``v0**2 sin(2 angle) / g`` up to the last step's overshoot;
    the time step's own answer, ``x`` after the trips, is linear in ``v0 cos(angle)``
    for a fixed number of trips: ``dx/dv0 = x / v0``."""
    args = (15.0, 0.6, 0.0, 0.01)
    dv0, _, _ = s2sad.grad(projectile, wrt=(0, 1, 2))(*args)
    assert dv0 == pytest.approx(projectile(*args) / 15.0, rel=1e-12)


@pytest.mark.parametrize("h", [0.05, 30.0])
def test_bounce_branches_both_ways(h):
    """From 5 cm the ball bounces several times in two seconds, from 30 m never: the
    branch taken and not taken; the gradient against differences both times."""
    dh, de = check_grad(bounce, h, 0.8, 0.01, wrt=(0, 1))
    if h > 20.0:
        assert de == 0.0  # (no bounce: e is never read)


def lengths(p, q, n):
    s = 0.0
    d = p - q
    for _ in range(n):
        s = s + np.sqrt(d)  # (d may be negative: NumPy's nan, not math's ValueError)
        d = d * 0.9
    return s


def test_square_root_of_a_value_that_may_be_negative():
    code = grad_code(lengths, 2.0, 0.5, 6, wrt=(0, 1))
    assert "math.sqrt" not in code and "float(np.sqrt(" in code
    check_grad(lengths, 2.0, 0.5, 6, wrt=(0, 1))
    with np.errstate(invalid="ignore"):
        dp, _ = s2sad.grad(lengths, wrt=(0, 1))(0.5, 2.0, 6)
    assert math.isnan(dp)  # (the function's own value is nan there)


def f32_loop(a, n):
    s = a * 0
    for _ in range(n):
        s = s + np.exp(a) * a
    return s


def test_a_float32_number_keeps_its_precision():
    a = np.float32(0.5)
    code = grad_code(f32_loop, a, 4)
    assert "float(np." not in code
    g = s2sad.grad(f32_loop)(a, 4)
    assert g == pytest.approx(4 * math.exp(0.5) * 1.5, rel=1e-6)


def dtype_loop(a, n):
    s = 0.0
    for _ in range(n):
        e = np.exp(a)
        s = s + e * (1.0 if e.dtype == np.float64 else 2.0)
    return s


def no_loop(a):
    return np.exp(a) * np.sin(a)


def test_a_number_s_dtype_and_no_loop():
    """``e.dtype`` of a float is float64 as of a NumPy float64 (read as ``dtype_of(e)``):
    the branch the function takes; a function without a loop is left as it is."""
    check_grad(dtype_loop, 0.3, 3)
    assert s2sad.value_and_grad(dtype_loop)(0.3, 3)[0] == dtype_loop(0.3, 3)
    assert "float(np." not in grad_code(no_loop, 0.3)
    check_grad(no_loop, 0.3)


def neuron(tau, gain, current, target, dt):
    v, loss = 0.0, 0.0
    for k in range(current.shape[0]):
        v = v + dt * (gain * np.tanh(current[k]) - v) / tau
        if v < 0.0:  # (held at the floor: taken where the current is negative)
            v = 0.0
        loss = loss + (v - target[k]) ** 2
    return loss


def rates(a, x):
    s = 0.0
    for i in range(len(x)):
        s = s + a * np.exp(-x[i]) + np.sin(x[i]) * s * 0.1
    return s


def early_stop(a, x):
    s = 0.0
    for i in range(len(x)):
        s = s + a * np.exp(x[i])
        if s > 3.0:
            break
    return s


def part_of_it(a, x):
    s = 0.0
    for i in range(3):
        s = s + a * np.cos(x[i]) * s + a
    return s


X = np.array([0.3, -1.2, 0.8, 2.0, -0.4, 1.1, -2.2, 0.5])


@pytest.mark.parametrize("f, args, wrt, whole", [
    (neuron, (0.05, 1.3, X, 0.2 * X, 0.01), (0, 1, 3), "as_floats(np.tanh(current))"),
    (rates, (0.7, X), (0, 1), "as_floats(np.exp(-"),
    (rates, (0.7, X[:3]), (0, 1), "as_floats(np.sin(x))"),
])
def test_a_ufunc_of_every_element_taken_of_the_vector(f, args, wrt, whole):
    check_grad(f, *args, wrt=wrt)
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == f(*args)  # (the same numbers: a ufunc of each element)
    code = grad_code(f, *args, wrt=wrt)
    if "np.exp(-" in whole:  # (-x[i] is no element: the call is of a difference)
        assert "float(np.exp(" in code and "as_floats(np.sin(x))" in code
    else:
        assert whole in code


@pytest.mark.parametrize("f, args", [(early_stop, (0.9, X)), (part_of_it, (0.4, X))])
def test_not_of_the_vector_when_the_loop_may_stop_or_reads_a_part(f, args):
    """A loop that may stop early (``break``, both ways by ``a``) or that reads three of
    eight elements calls the function element by element as the user's code does."""
    code = grad_code(f, *args, wrt=(0, 1))
    assert "as_floats(np." not in code
    check_grad(f, *args, wrt=(0, 1))
    if f is early_stop:
        check_grad(f, 0.01, X, wrt=(0, 1))  # (never stops early)


def clipped(a, n):
    x, s = a, 0.0
    for i in range(n):
        x = np.maximum(x - 0.3, 0.0) + 0.2 * np.minimum(np.sin(x * i), 0.5)
        s = s + x
    return s


@pytest.mark.parametrize("a", [0.3, 2.5])  # (the maximum's two sides)
def test_a_literal_beside_a_number(a):
    check_grad(clipped, a, 6)
    assert "float(np.maximum(" in grad_code(clipped, a, 6)
