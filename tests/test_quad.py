"""scipy.integrate.quad inside a differentiated function (rules/scipy_integrate.py: a
closed form over ``quad_value``): differentiated in the limits (Leibniz's rule), in
the float parameters of ``args`` and in the variables a closure given as ``func``
reads (the integral of the integrand's derivative, by ``quad`` again), in reverse and
forward mode.  Was refused ("no derivative rule is known").  Closed forms and central
differences."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

import s2sad
from gradcheck import check_grad, check_jvp

K = np.array([0.7, 0.3])


def decay(t, k):
    return np.exp(-k * t)


def normaliser(k):
    value, _ = quad(decay, 0.0, 1.0, args=(k,))
    return value


def test_a_parameter_closed_form():
    k = 0.7  # d/dk (1 - e^-k) / k
    expected = (k * np.exp(-k) - (1.0 - np.exp(-k))) / k ** 2
    np.testing.assert_allclose(s2sad.grad(normaliser)(k), expected, rtol=1e-8)
    np.testing.assert_allclose(s2sad.jvp(normaliser)(k, 1.0)[1], expected, rtol=1e-8)


def upper_limit(p):
    return quad(np.sin, 0.0, p[0])[0] * p[1]


def both_limits(p):
    v, err = quad(decay, p[1], p[0] + 1.0, args=(0.5,))
    return v ** 2


def closure(p):
    c = p[0] * 2.0
    v, _ = quad(lambda t: np.cos(c * t) * p[1], 0.0, 1.0)
    return v


def closure_and_args(p):
    def integrand(t, a, b):
        return a * t ** 2 + b * np.exp(-p[0] * t)
    return quad(integrand, 0.0, 2.0, args=(p[1], 3.0))[0]


def infinite_range(p):
    return quad(lambda t: np.exp(-p[0] * t * t), 0.0, np.inf)[0]


def vector_parameter(p):
    return quad(lambda t, w: np.sum(w * np.array([t, t * t])), 0.0, 1.0, args=(p * 2.0,))[0]


def args_not_a_tuple(p):
    return quad(decay, 0.0, 1.0, args=p[0] * p[1])[0]  # (quad reads args=k as (k,))


CASES = [upper_limit, both_limits, closure, closure_and_args, infinite_range, vector_parameter,
         args_not_a_tuple]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, K.copy(), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_forward_mode(f):
    check_jvp(f, K.copy(), rtol=1e-6, atol=1e-8)


def test_infinite_range_closed_form():
    k = 0.7  # d/dk sqrt(pi / k) / 2
    np.testing.assert_allclose(s2sad.grad(infinite_range)(np.array([k, 0.0]))[0],
                               -np.sqrt(np.pi) / 4 * k ** -1.5, rtol=1e-7)


def test_branch_on_the_value():
    def f(p):
        v = quad(np.sin, 0.0, p[0])[0]
        return v ** 2 if v > 0.5 else -v
    check_grad(f, np.array([2.0, 0.0]))  # (1 - cos 2 > 0.5)
    check_grad(f, np.array([0.5, 0.0]))  # (1 - cos 0.5 < 0.5)


def weighted(p):
    return quad(decay, 0.0, 1.0, args=(p[0],), weight="cos", wvar=2.0)[0]


def test_a_weight_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="quad with full_output, points"):
        s2sad.grad(weighted)(K.copy())
