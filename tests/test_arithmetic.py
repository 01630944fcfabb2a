"""Python-float arithmetic: operators, the math module, builtins, and how
values flow through names (fan-out, reuse, reassignment, augmented
assignment, tuple unpacking), with one or several ``wrt`` arguments."""
from __future__ import annotations

import math

import pytest

import s2sad
from gradcheck import assert_tree_close, check_grad, check_jvp

# ------------------------------------------------------------------ operators


def add(x, y):
    return x + y


def sub(x, y):
    return x - y


def mul(x, y):
    return x * y


def div(x, y):
    return x / y


def neg_pos(x):
    return -x + (+x) * 3.0


def power_const(x):
    return x ** 3


def power_real(x):
    return x ** 2.5


def const_power(x):
    return 2.0 ** x


def power_both(x, y):
    return x ** y


def reciprocal(x):
    return 1.0 / x


def mixed_constants(x):
    return 3 * x - 2 + x / 4 - 1 / x


def mod_const(x):
    return x % 1.5


OPERATOR_CASES = [
    (add, (1.3, -2.1), (0, 1), (1.0, 1.0)),
    (sub, (1.3, -2.1), (0, 1), (1.0, -1.0)),
    (mul, (1.3, -2.1), (0, 1), (-2.1, 1.3)),
    (div, (1.3, -2.1), (0, 1), (1 / -2.1, -1.3 / 2.1 ** 2)),
    (neg_pos, (0.7,), 0, 2.0),
    (power_const, (1.7,), 0, 3 * 1.7 ** 2),
    (power_real, (1.7,), 0, 2.5 * 1.7 ** 1.5),
    (const_power, (1.7,), 0, math.log(2.0) * 2.0 ** 1.7),
    (power_both, (1.7, 0.6), (0, 1), (0.6 * 1.7 ** -0.4, 1.7 ** 0.6 * math.log(1.7))),
    (reciprocal, (-0.8,), 0, -1 / 0.8 ** 2),
    (mixed_constants, (0.9,), 0, 3 + 0.25 + 1 / 0.81),
    (mod_const, (4.2,), 0, 1.0),
]


@pytest.mark.parametrize("f, args, wrt, expected", OPERATOR_CASES,
                         ids=[c[0].__name__ for c in OPERATOR_CASES])
def test_operators(f, args, wrt, expected):
    g = check_grad(f, *args, wrt=wrt)
    assert_tree_close(g, expected)


# ---------------------------------------------------------------------- math


def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_exp(x):
    return math.exp(x)


def m_log(x):
    return math.log(x)


def m_log1p(x):
    return math.log1p(x)


def m_sqrt(x):
    return math.sqrt(x)


def m_tanh(x):
    return math.tanh(x)


def m_atan(x):
    return math.atan(x)


def m_asin(x):
    return math.asin(x)


def m_atan2(y, x):
    return math.atan2(y, x)


def m_hypot(x, y):
    return math.hypot(x, y)


def m_pow(x, y):
    return math.pow(x, y)


def m_composite(x):
    return math.exp(math.sin(x) ** 2) * math.log(1.0 + x * x) + math.pi * x


MATH_CASES = [
    (m_sin, (0.4,), 0, math.cos(0.4)),
    (m_cos, (0.4,), 0, -math.sin(0.4)),
    (m_tan, (0.4,), 0, 1 / math.cos(0.4) ** 2),
    (m_exp, (0.4,), 0, math.exp(0.4)),
    (m_log, (2.5,), 0, 1 / 2.5),
    (m_log1p, (0.5,), 0, 1 / 1.5),
    (m_sqrt, (2.5,), 0, 0.5 / math.sqrt(2.5)),
    (m_tanh, (0.4,), 0, 1 - math.tanh(0.4) ** 2),
    (m_atan, (0.4,), 0, 1 / (1 + 0.16)),
    (m_asin, (0.4,), 0, 1 / math.sqrt(1 - 0.16)),
    (m_atan2, (0.3, -1.2), (0, 1), (-1.2 / 1.53, -0.3 / 1.53)),
    (m_hypot, (3.0, 4.0), (0, 1), (0.6, 0.8)),
    (m_pow, (1.7, 0.6), (0, 1), (0.6 * 1.7 ** -0.4, 1.7 ** 0.6 * math.log(1.7))),
    (m_composite, (0.8,), 0, None),
]


@pytest.mark.parametrize("f, args, wrt, expected", MATH_CASES,
                         ids=[c[0].__name__ for c in MATH_CASES])
def test_math_module(f, args, wrt, expected):
    g = check_grad(f, *args, wrt=wrt)
    if expected is not None:
        assert_tree_close(g, expected)


# ------------------------------------------------------------------ builtins


def b_abs(x):
    return abs(x)


def b_min(x, y):
    return min(x, y) * 2.0


def b_max(x, y):
    return max(x, y) * 2.0


def b_max3(x, y, z):
    return max(x, y, z)


def b_pow(x):
    return pow(x, 3)


def b_pow2(x, y):
    return pow(x, y)


BUILTIN_CASES = [
    (b_abs, (-1.5,), 0, -1.0),
    (b_abs, (2.5,), 0, 1.0),
    (b_min, (1.0, 3.0), (0, 1), (2.0, 0.0)),
    (b_min, (4.0, 3.0), (0, 1), (0.0, 2.0)),
    (b_max, (1.0, 3.0), (0, 1), (0.0, 2.0)),
    (b_max3, (1.0, 5.0, 3.0), (0, 1, 2), (0.0, 1.0, 0.0)),
    (b_pow, (1.2,), 0, 3 * 1.44),
    (b_pow2, (1.2, 2.5), (0, 1), (2.5 * 1.2 ** 1.5, 1.2 ** 2.5 * math.log(1.2))),
]


@pytest.mark.parametrize("f, args, wrt, expected", BUILTIN_CASES,
                         ids=[f"{c[0].__name__}-{c[1]}" for c in BUILTIN_CASES])
def test_builtins(f, args, wrt, expected):
    g = check_grad(f, *args, wrt=wrt)
    assert_tree_close(g, expected)


# ------------------------------------------------------- how values flow


def cube_by_fanout(x):
    return x * x * x


def reused(x, y):
    a = x * y
    b = a + x
    return a * b + a


def reassigned(x):
    x = x + 1.0
    x = x * x
    return x


def augmented(x, y):
    z = x
    z += y * 2.0
    z *= x
    z -= 1.0
    z /= y
    z **= 2
    return z


def unpacking(x, y):
    a, b = x * 2.0, y + 1.0
    a, b = b, a
    (c, d), e = (a * b, a - b), x
    return c * d + e


def swap_in_loop_body(x, y):
    for _ in range(3):
        x, y = y, x * y
    return x + y


def constant_output(x):
    return 3.0


def ignores_argument(x, y):
    return x * x


def long_chain(x):
    y = x
    y = math.sin(y)
    y = y * y + x
    y = math.exp(-y)
    y = y / (1.0 + x * x)
    return y


FLOW_CASES = [
    (cube_by_fanout, (1.3,), 0, 3 * 1.69),
    (reused, (0.7, -1.4), (0, 1), None),
    (reassigned, (0.6,), 0, 2 * 1.6),
    (augmented, (0.9, 1.3), (0, 1), None),
    (unpacking, (0.5, 1.5), (0, 1), None),
    (swap_in_loop_body, (1.1, 0.9), (0, 1), None),
    (constant_output, (2.0,), 0, 0.0),
    (ignores_argument, (2.0, 5.0), (0, 1), (4.0, 0.0)),
    (long_chain, (0.3,), 0, None),
]


@pytest.mark.parametrize("f, args, wrt, expected", FLOW_CASES,
                         ids=[c[0].__name__ for c in FLOW_CASES])
def test_value_flow(f, args, wrt, expected):
    g = check_grad(f, *args, wrt=wrt)
    if expected is not None:
        assert_tree_close(g, expected)


@pytest.mark.parametrize("f, args, wrt, expected", FLOW_CASES + MATH_CASES[:4],
                         ids=[c[0].__name__ for c in FLOW_CASES + MATH_CASES[:4]])
def test_forward_mode_agrees(f, args, wrt, expected):
    check_jvp(f, *args, wrt=wrt)


# -------------------------------------------------------------- wrt forms


def three_args(x, y, z):
    return x * y * y + math.sin(z) * x


def _three_args_grad(x, y, z):
    return (y * y + math.sin(z), 2 * x * y, math.cos(z) * x)


@pytest.mark.parametrize("wrt, picks", [
    (0, 0), (1, 1), (2, 2),
    ("x", 0), ("y", 1), ("z", 2),
    ((0, 1, 2), (0, 1, 2)),
    ((2, 0), (2, 0)),
    (("z", "x"), (2, 0)),
    (("y", 2), (1, 2)),
])
def test_wrt_forms(wrt, picks):
    args = (0.7, -1.2, 0.4)
    full = _three_args_grad(*args)
    g = check_grad(three_args, *args, wrt=wrt)
    expected = tuple(full[i] for i in picks) if isinstance(picks, tuple) else full[picks]
    assert_tree_close(g, expected)


def test_int_argument_gives_float_gradient():
    g = s2sad.grad(power_const)(2)
    assert type(g) is float
    assert g == pytest.approx(12.0)
