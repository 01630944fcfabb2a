"""The sine and cosine of a difference of two rearrangements of one array made from the
array's own sine and cosine (``angle_differences``): a neighbour energy by ``np.roll``,
a pairwise matrix by broadcasting, pairs gathered by index arrays; the forward value
and the adjoint share them.  Each against central differences and a closed form, the
generated code checked to take sines and cosines of the base array only; where it must
not apply (different arrays, the difference read otherwise, complex values, a sine
divided by, logged or its sign read) the calls of the difference stay."""
from __future__ import annotations

import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

_TRIG = re.compile(r"np\.(?:sin|cos)\((\w+)\)")


def roll_columns(theta):
    return np.sum(np.cos(theta - np.roll(theta, -1, axis=1)))


def roll_rows_named(theta, J):
    down = np.roll(theta, 1, axis=0)
    return J * np.sum(np.cos(down - theta))


def xy_energy(theta, J):
    right = np.roll(theta, -1, axis=1)
    down = np.roll(theta, -1, axis=0)
    e = -J * np.sum(np.cos(theta - right) + np.cos(theta - down))
    return e + 0.1 * np.sum(np.sin(theta) ** 2)


def chain_of_slices(x):
    return np.sum(np.cos(x[1:] - x[:-1])) + 0.5 * np.sum(x ** 2)


def pairwise_cosines(x):
    return np.sum(np.cos(x[:, None] - x[None, :]))


def pairwise_weighted_sines(x, w):
    return np.sum(w * np.sin(x[None, :] - x[:, None]) ** 2)


def kuramoto_steps(theta, omega, dt):
    n = theta.shape[0]
    for _ in range(6):
        diff = theta[None, :] - theta[:, None]
        theta = theta + dt * (omega + 1.3 / n * np.sum(np.sin(diff), axis=1))
    return np.sum(np.cos(theta)) ** 2 + np.sum(np.sin(theta)) ** 2


def gathered_cosines(x, i, j, w):
    return np.sum(w * np.cos(x[i] - x[j]))


def gathered_sine_squares(x, i, j):
    return np.sum(np.sin(x[j] - x[i]) ** 2)


def gathered_bonds(x, i, j, k):
    return k * np.sum(1.0 - np.cos(x[i] - x[j])) + np.sum(x ** 2)


def _grid(seed: int, shape=(6, 7)) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3.0, 3.0, shape)


def _pairs(n: int, m: int, seed: int) -> tuple:
    r = np.random.default_rng(seed)
    return r.integers(0, n, m), r.integers(0, n, m)


def _roll_closed(theta, axis):  # d/dtheta of sum cos(theta - roll(theta, -1, axis))
    s = np.sin(theta - np.roll(theta, -1, axis=axis))
    return -s + np.roll(s, 1, axis=axis)


def _gathered(x, i, j, dpair):  # the adjoint of x[i] - x[j] read by dpair
    g = np.zeros_like(x)
    np.add.at(g, i, dpair)
    np.add.at(g, j, -dpair)
    return g


def _calls_of(f, *args, wrt=0, make=s2sad.value_and_grad) -> list[str]:
    """The names the derivative takes sines and cosines of (value and gradient: both
    sweeps take the difference's)."""
    g = make(f, wrt=wrt)
    g(*args)
    code = [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]
    return [m for line in code for m in _TRIG.findall(line)]


def _closeby(shape, seed):  # (neighbours nearly equal: the identity's hard case)
    return 0.4 + 1e-9 * _grid(seed, shape)


ROLLS = [  # (function, arguments, the closed-form gradient of the first)
    (roll_columns, lambda t: (t,), lambda t: _roll_closed(t, 1)),
    (roll_rows_named, lambda t: (t, 0.7), lambda t: 0.7 * _roll_closed(t, 0)),
    (xy_energy, lambda t: (t, 0.7), lambda t: -0.7 * (_roll_closed(t, 0) + _roll_closed(t, 1))
     + 0.1 * np.sin(2 * t)),
]


@pytest.mark.parametrize("f, args, closed", ROLLS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("near", [False, True])
def test_rolls_take_the_base_sine_and_cosine(f, args, closed, near) -> None:
    theta = _closeby((6, 7), 31) if near else _grid(31)
    g = check_grad(f, *args(theta))
    np.testing.assert_allclose(g, closed(theta), rtol=1e-10, atol=1e-13)
    calls = _calls_of(f, *args(theta))
    assert calls and set(calls) == {"theta"}
    assert len(calls) == 2  # (one sine, one cosine: the double angle from them)


PAIRWISE = [
    (chain_of_slices, lambda x: (x,),
     lambda x: x + np.diff(np.sin(x[1:] - x[:-1]), prepend=0.0, append=0.0)),
    (pairwise_cosines, lambda x: (x,),
     lambda x: -2.0 * np.sum(np.sin(x[:, None] - x[None, :]), axis=1)),
    (pairwise_weighted_sines, lambda x: (x, _grid(5, (9, 9))),
     lambda x: _pairwise_sines_closed(x, _grid(5, (9, 9)))),
]


def _pairwise_sines_closed(x, w):
    d = x[None, :] - x[:, None]
    q = w * np.sin(2 * d)  # (d/d d of w sin(d)^2)
    return np.sum(q, axis=0) - np.sum(q, axis=1)


@pytest.mark.parametrize("f, args, closed", PAIRWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_pairwise_differences(f, args, closed) -> None:
    x = _grid(32, (9,))
    g = check_grad(f, *args(x))
    np.testing.assert_allclose(g, closed(x), rtol=1e-10, atol=1e-12)
    assert set(_calls_of(f, *args(x))) == {"x"}


def _kuramoto_closed(theta, omega, dt):  # a reverse sweep of the same steps
    n, thetas = theta.shape[0], []
    for _ in range(6):
        thetas.append(theta)
        theta = theta + dt * (omega + 1.3 / n * np.sin(theta[None, :] - theta[:, None]).sum(1))
    c, s = np.cos(theta), np.sin(theta)
    g, g_omega = 2.0 * (np.sum(s) * c - np.sum(c) * s), np.zeros_like(omega)
    for theta in reversed(thetas):
        C = np.cos(theta[None, :] - theta[:, None])
        g_omega += dt * g
        g = g + dt * 1.3 / n * (C @ g - g * C.sum(axis=1))
    return g, g_omega


def test_pairwise_difference_on_the_tape() -> None:
    theta, omega = _grid(33, (8,)), np.linspace(0.5, 1.5, 8)
    g = check_grad(kuramoto_steps, theta, omega, 0.05, wrt=(0, 1))
    for got, closed in zip(g, _kuramoto_closed(theta, omega, 0.05)):
        np.testing.assert_allclose(got, closed, rtol=1e-10, atol=1e-12)
    calls = _calls_of(kuramoto_steps, theta, omega, 0.05, wrt=(0, 1))
    assert calls and "diff" not in calls  # (no n x n sine or cosine, in either sweep)


GATHERS = [
    (gathered_cosines, lambda x, i, j: (x, i, j, np.linspace(0.5, 2.0, len(i))),
     lambda x, i, j: _gathered(x, i, j, -np.linspace(0.5, 2.0, len(i)) *
                               np.sin(x[i] - x[j]))),
    (gathered_sine_squares, lambda x, i, j: (x, i, j),
     lambda x, i, j: _gathered(x, i, j, -np.sin(2 * (x[j] - x[i])))),
    (gathered_bonds, lambda x, i, j: (x, i, j, 0.8),
     lambda x, i, j: _gathered(x, i, j, 0.8 * np.sin(x[i] - x[j])) + 2 * x),
]


@pytest.mark.parametrize("f, args, closed", GATHERS, ids=lambda v: getattr(v, "__name__", ""))
def test_index_gathers(f, args, closed) -> None:
    x = _grid(34, (10,))
    i, j = _pairs(10, 40, 35)
    g = check_grad(f, *args(x, i, j))
    np.testing.assert_allclose(g, closed(x, i, j), rtol=1e-10, atol=1e-12)
    assert set(_calls_of(f, *args(x, i, j))) == {"x"}


# --- where it must not apply -------------------------------------------------------

def two_arrays(x, y):
    return np.sum(np.cos(x - np.roll(y, 1, axis=0)))


def difference_read_again(x):
    d = x - np.roll(x, 1)
    return np.sum(np.cos(d)) + np.sum(d ** 2)


def complex_values(x):
    z = (1.0 + 0.5j) * np.cos(x - np.roll(x, 1))
    return np.sum(np.abs(z) ** 2)


def sine_divided(x):
    return np.sum(np.sin(x - np.roll(x, 1)) / (1.0 + x ** 2))


def cosine_logged(x):
    return np.sum(np.log(1.5 + np.cos(x - np.roll(x, 1))))


def sine_sign(x):
    return np.sum(np.abs(np.sin(x - np.roll(x, 1))))


def elements(x):  # (two numbers: sin and cos of all of x would cost more)
    return np.cos(x[0] - x[1]) + np.sum(x ** 2)


def pairs_in_a_loop(x, i, j):  # (numbers read at numbers: the same)
    t = 0.0
    for k in range(i.shape[0]):
        t = t + np.cos(x[i[k]] - x[j[k]])
    return t


KEPT = [elements, pairs_in_a_loop, two_arrays, difference_read_again, complex_values,
        sine_divided, cosine_logged, sine_sign]


@pytest.mark.parametrize("f", KEPT, ids=lambda v: v.__name__)
def test_calls_of_the_difference_stay(f) -> None:
    x = _grid(36, (11,)) * 0.5
    args, wrt = ((x, _grid(37, (11,))), (0, 1)) if f is two_arrays else ((x,), 0)
    if f is pairs_in_a_loop:
        args = (x, *_pairs(11, 5, 40))
    check_grad(f, *args, wrt=wrt)
    calls = _calls_of(f, *args, wrt=wrt)
    assert any(c not in ("x", "y") for c in calls)  # (a call of the difference itself)


def mean_of_cosines(x):
    return np.sum(np.cos(x - np.roll(x, 1))) / x.shape[0]


def test_one_call_saves_nothing() -> None:
    theta = _grid(39)
    check_grad(roll_columns, theta)  # (grad alone: the adjoint's sine, no cosine)
    assert _calls_of(roll_columns, theta, make=s2sad.grad) == ["sub"]


def test_one_call_of_a_pairwise_difference_applies() -> None:
    x = _grid(42, (9,))
    g = check_grad(pairwise_cosines, x)  # (grad alone: the adjoint's sine of n x n)
    np.testing.assert_allclose(g, PAIRWISE[1][2](x), rtol=1e-10, atol=1e-12)
    assert set(_calls_of(pairwise_cosines, x, make=s2sad.grad)) == {"x"}


@pytest.mark.parametrize("f, args, closed", ROLLS, ids=lambda v: getattr(v, "__name__", ""))
def test_forward_mode(f, args, closed) -> None:
    theta = _grid(43)
    check_jvp(f, *args(theta))
    v = _grid(44)
    _, tangent = s2sad.jvp(f)(*args(theta), v)
    np.testing.assert_allclose(tangent, np.sum(closed(theta) * v), rtol=1e-10)


def test_second_order_of_a_pairwise_sum() -> None:
    x = _grid(45, (7,))
    H = check_hessian(pairwise_cosines, x)
    c = np.cos(x[:, None] - x[None, :])
    np.testing.assert_allclose(H, 2 * c - np.diag(2 * c.sum(axis=1)), rtol=1e-10,
                               atol=1e-12)


def test_division_by_a_number_still_applies() -> None:
    x = _grid(38, (12,))
    g = check_grad(mean_of_cosines, x)
    s = np.sin(x - np.roll(x, 1))
    np.testing.assert_allclose(g, (np.roll(s, -1) - s) / 12.0, rtol=1e-10, atol=1e-13)
    assert set(_calls_of(mean_of_cosines, x)) == {"x"}


def written_between(x):  # (a sine of y taken before y is written into: not the one after)
    y = x.copy()
    s = np.sum(np.sin(y))
    y[0] = 2.0 * y[0]
    return s + np.sum(np.cos(y - np.roll(y, 1)))


def test_a_sine_of_the_array_before_a_write_is_not_reused() -> None:
    x = _grid(41, (9,))
    g = check_grad(written_between, x)
    y = x.copy()
    y[0] *= 2.0
    s = np.sin(y - np.roll(y, 1))
    gy = -s + np.roll(s, -1)
    gy[0] *= 2.0
    np.testing.assert_allclose(g, np.cos(x) + gy, rtol=1e-10, atol=1e-12)
    assert _calls_of(written_between, x).count("y_1") == 2  # (of y after the write)


def slope_in_the_reverse_sweep(x):  # (made again after a pop; a popped sum's sign read)
    for _ in range(3):
        d = x[None, :] - x[:, None]
        x = x + 0.1 * np.abs(np.sum(np.sin(d), axis=1)) + 0.05 * np.sum(np.cos(d), axis=1)
    return np.sum(x ** 2)


def test_a_sign_read_past_the_tape_keeps_the_calls() -> None:
    x = _grid(46, (6,))
    check_grad(slope_in_the_reverse_sweep, x)
    assert "d" in _calls_of(slope_in_the_reverse_sweep, x, make=s2sad.grad)


def transposed(A):
    return np.sum(np.cos(A - A.T)) + np.sum(np.sin(A.T - A) * A)


def test_a_transpose() -> None:
    A = _grid(47, (6, 6))
    g = check_grad(transposed, A)
    D = A - A.T
    np.testing.assert_allclose(g, -2 * np.sin(D) - np.sin(D) - np.cos(D) * A
                               + (np.cos(D) * A).T, rtol=1e-10, atol=1e-12)
    assert set(_calls_of(transposed, A)) == {"A"}
