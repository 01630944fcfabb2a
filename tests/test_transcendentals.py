"""Elementwise transcendental functions taken once (``compiler/transcendentals.py``):
a call the derivative makes twice in a block reads the first, and the sine of a double
angle from the sine and cosine a block takes anyway, ``np.sin(2 * y)`` as
``2 * sin(y) * cos(y)``: one libm call fewer per element.  Against central differences
in float64 and a closed form (near the zeros of ``sin(2 * y)`` too, where an identity
could lose the relative accuracy); the source checked for the form; a function taken in
one branch only is not assumed, nor values popped from the tape."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def sin_times_cos_of_double(x):
    return np.sum(np.sin(x) * np.cos(2.0 * x))


def all_three_forward(x):
    return np.sum(np.sin(x) + np.cos(x) ** 2 + np.sin(x + x))


def exp_twice(x, c):
    e = np.exp(-x * x) if c > 0 else np.exp(x)
    return np.sum(np.tanh(x) * np.exp(x) + e) + np.sum(np.log1p(x * x) ** 2)


def bound_in_a_loop(x):
    t = 0.0
    for i in range(3):
        y = x * (i + 1.0)
        t = t + np.sum(np.cos(y) * np.sin(y))
    return t + np.sum(np.cos(y) + np.sin(y + y))


def in_a_loop(x):
    for _ in range(3):
        x = x + 0.1 * np.sin(x) * np.cos(2 * x)
    return np.sum(x * x)


def sine_in_a_branch(x, c):
    s = np.cos(2.0 * x)
    if c > 0:
        s = s * np.sin(x)
    return np.sum(s)


def _source(f, *args):
    g = s2sad.grad(f)
    g(*args)
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))


def test_the_adjoint_of_sin_times_cos_of_a_double_angle(rng) -> None:
    x = rng.uniform(-3.0, 3.0, 7)
    check_grad(sin_times_cos_of_double, x)
    src = _source(sin_times_cos_of_double, x)
    assert src.count("np.sin(") == 1 and src.count("np.cos(x)") == 1
    assert "2.0 * sin * cos_x" in src


def test_near_the_zeros_of_the_double_angles_sine() -> None:
    tiny = np.array([1e-9, -3e-12, 1e-300])
    x = np.concatenate([k * np.pi / 2 + tiny for k in (0, 1, 2, 3)])
    got = s2sad.grad(sin_times_cos_of_double)(x)
    expected = np.cos(x) * np.cos(2 * x) - 2 * np.sin(x) * np.sin(2 * x)
    assert np.allclose(got, expected, rtol=1e-14, atol=0)
    got = s2sad.grad(all_three_forward)(x)
    expected = np.cos(x) - 2 * np.cos(x) * np.sin(x) + 2 * np.cos(2 * x)
    assert np.allclose(got, expected, rtol=1e-13, atol=1e-28)


def test_a_double_angle_in_the_forward_sweep(rng) -> None:
    x = rng.uniform(-3.0, 3.0, 6)
    check_grad(all_three_forward, x)
    value, _ = s2sad.value_and_grad(all_three_forward)(x)
    assert np.isclose(value, all_three_forward(x), rtol=1e-14)
    check_jvp(all_three_forward, x, rng=rng)
    g = s2sad.value_and_grad(all_three_forward)
    g(x)
    code = [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]
    whole = "    dx = 2 * np.cos(add_1) - 2 * cos * sin_x + cos"  # (cos(x) once)
    chain = ["    dx = 2 * np.cos(add_1)", "    dx -= 2 * cos * sin_x", "    dx += cos"]
    assert whole in code or "\n".join(chain) in "\n".join(code)  # (in place: chains)
    assert sum(line.count("np.sin(") + line.count("np.cos(") for line in code) == 3


def test_a_double_angle_in_a_loop(rng) -> None:
    x = rng.uniform(-3.0, 3.0, 5)
    check_grad(in_a_loop, x)
    loop = _source(in_a_loop, x).split("reversed(", 1)[1]
    assert "np.sin(mul_1)" in loop  # (popped from the tape: bound again, not assumed)


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_a_function_taken_twice_is_taken_once(rng, c) -> None:
    x = rng.uniform(-2.0, 2.0, 6)
    check_grad(exp_twice, x, c)
    code = _source(exp_twice, x, c)
    assert code.count("np.tanh(x)") == 1 and code.count("np.log1p(") == 1
    assert code.count("np.exp(x)") == 1  # (in the branch too: the name bound before it)


def test_a_value_bound_in_a_loop_and_read_after_it(rng) -> None:
    x = rng.uniform(-2.0, 2.0, 4)
    check_grad(bound_in_a_loop, x)
    check_jvp(bound_in_a_loop, x, rng=rng)  # (forward mode: y bound once, in the loop)


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_a_sine_in_one_branch_is_not_assumed(rng, c) -> None:
    x = rng.uniform(-3.0, 3.0, 5)
    check_grad(sine_in_a_branch, x, c)
    assert "np.sin(mul)" in _source(sine_in_a_branch, x, c)
