"""A range loop's variable read after the loop: the loop stays although nothing in its
body is needed (dead-code elimination dropped it, leaving the name unbound, or bound to
what it held before the loop: a silently wrong gradient), in grad, jvp and hessian."""
from __future__ import annotations

# ruff: noqa: B007, B023, E731 (loop variables read late, by lambdas: the point)
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def power_after_loop(x):
    n = 0
    for n in range(1, 4):
        y = x * 2  # noqa: F841 (dead but for n)
    return np.sum(x ** n)


def scaled_by_last(x):
    total = 0.0
    for k in range(3):
        total = total + np.sum(x) * k
    return total * k


def late_lambda(x):
    for k in range(3):
        g = lambda t: t * k
    return np.sum(g(x) ** 2)


def late_def(x):
    k = 5
    def g(t):
        return np.sin(t * k)
    for k in range(2):
        pass
    return np.sum(g(x))


def product_of_last(x):
    for i in range(len(x)):
        y = x[i] * 3.0  # noqa: F841
    return x[i] * x[0]


CASES = [power_after_loop, scaled_by_last, late_lambda, late_def, product_of_last]


@pytest.mark.parametrize("f", CASES)
def test_loop_variable_after_loop(f):
    x = np.linspace(0.2, 0.9, 4)
    check_grad(f, x)
    check_jvp(f, x)


@pytest.mark.parametrize("f", [power_after_loop, scaled_by_last])
def test_loop_variable_after_loop_second_order(f):
    check_hessian(f, np.linspace(0.2, 0.9, 4))


def test_loop_variable_closed_forms():
    x = np.linspace(0.2, 0.9, 4)
    np.testing.assert_allclose(s2sad.grad(power_after_loop)(x), 3 * x ** 2)
    np.testing.assert_allclose(s2sad.grad(scaled_by_last)(x), np.full(4, 6.0))
    np.testing.assert_allclose(s2sad.grad(late_lambda)(x), 8 * x)
    np.testing.assert_allclose(s2sad.grad(late_def)(x), np.cos(x))
