"""scipy.integrate.odeint given a function made inside the differentiated function that
reads its variables (``def f(y, t): return -k * y`` with ``k`` the argument, a lambda):
the function is lifted, the variables it reads passed through ``args`` (which the rule
differentiates; compiler/local_functions.py).  Was refused ("reading variables of the
function").  A closed form for the decay, central differences for the rest, forward
mode too; a list of floats in ``args`` is refused (its derivative was silently zero)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import odeint

import s2sad
from gradcheck import check_grad, check_jvp

TS = np.linspace(0.0, 1.0, 5)
Y0 = np.array([1.0, 0.5])
K = np.array([0.7, 0.3])


def decay_closure(k):
    def f(y, t):
        return -k * y
    return np.sum(odeint(f, 1.3, TS))


def test_decay_closure_closed_form():
    k = 0.7
    e = np.exp(-k * TS)
    np.testing.assert_allclose(s2sad.grad(decay_closure)(k), -1.3 * np.sum(TS * e), rtol=1e-6)


def forced(k):
    def rhs(y, t):
        return -k[0] * y + k[1] * np.sin(t)
    return np.sum(odeint(rhs, Y0, TS)[-1] ** 2)


def lambda_rhs(k):
    a = k[0] * 2.0
    ys = odeint(lambda y, t: -a * y + k[1], Y0, TS, rtol=1e-10, atol=1e-12)
    return ys[-1] @ ys[-1]


def matrix_closure(k):
    A = np.array([[-0.3, 1.0], [-1.0, -0.2]]) * k[0]
    b = np.array([0.0, k[1]])

    def rhs(y, t):
        return A @ y + b
    return np.sum(odeint(rhs, Y0, TS)[-1])


def time_first(k):
    def rhs(t, y):
        return -k[0] * y * t
    return np.sum(odeint(rhs, Y0, TS, tfirst=True))


def rebound_before_the_call(k):
    c = k[0]

    def rhs(y, t):
        return -c * y
    c = k[1] * 3.0  # (Python's closure reads c when odeint calls it: this one)
    return np.sum(odeint(rhs, Y0, TS))


def integer_and_float(k):
    n = 2

    def rhs(y, t):
        return -k[0] * y ** n
    return np.sum(odeint(rhs, Y0, TS))


def returns_a_tuple(k):
    def rhs(y, t):
        return (-k[0] * y[0] + y[1], -k[1] * y[1] * y[0])
    return np.sum(odeint(rhs, Y0, TS)[-1])


CASES = [forced, lambda_rhs, matrix_closure, time_first, rebound_before_the_call,
         integer_and_float, returns_a_tuple]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, K.copy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_forward_mode(f):
    check_jvp(f, K.copy(), rtol=1e-4, atol=1e-6)


def test_branch_on_the_solution():
    def f(k):
        def rhs(y, t):
            return -k[0] * y
        ys = odeint(rhs, Y0, TS)
        return ys[-1, 0] ** 2 if ys[-1, 0] > 0.5 else ys[-1, 1] * 3.0
    check_grad(f, np.array([0.2, 0.1]), rtol=1e-4)  # (y = e^{-0.2}: first branch)
    check_grad(f, np.array([1.5, 0.1]), rtol=1e-4)  # (second)


def rhs_of_a_list(y, t, p):
    return -p[0] * y + p[1]


def list_of_floats(k):
    return np.sum(odeint(rhs_of_a_list, Y0, TS, args=([k[0], k[1]],)))


def test_a_list_of_floats_in_args_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="test_odeint_closures.py:1[0-9][0-9]: "
                       "odeint given a list of floats"):
        s2sad.grad(list_of_floats)(K.copy())


def test_a_closure_given_args_too_stays_refused():
    def f(k):
        def rhs(y, t, a):
            return -a * y * k[1]
        return np.sum(odeint(rhs, Y0, TS, args=(k[0],)))
    with pytest.raises(s2sad.DifferentiationError, match="reading variables of the function"):
        s2sad.grad(f)(K.copy())
