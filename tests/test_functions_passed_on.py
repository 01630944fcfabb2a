"""A function a helper is given, passed on by the helper to a function s2sad does not
read but calls (``def run(f, k): return odeint(f, y0, ts, args=(k,))``, ``sorted(xs,
key=f)``): the generated code holds the function itself (compiler/local_functions.py:
``_function_given``).  Was an s2sad bug: "NameError: name 'run_f' is not defined" out of
the generated code.  Central differences."""
from __future__ import annotations

import numpy as np
from scipy.integrate import odeint

import s2sad
from gradcheck import check_grad, check_jvp

TS = np.linspace(0.0, 1.0, 4)
K = np.array([0.7, 0.3])


def decay(y, t, k):
    return -k * y


def integrate(f, k):
    return odeint(f, np.array([1.0, 2.0]), TS, args=(k,))


def through_a_helper(k):
    return np.sum(integrate(decay, k[0]) ** 2)


def sort_by(f, xs):
    return sorted(xs, key=f)


def sorted_through_a_helper(k):
    ys = sort_by(abs, [k[0], -k[1], 2.0 * k[0] * k[1]])
    return ys[0] + 2.0 * ys[1] + 3.0 * ys[2]


def twice(f, g, k):
    return integrate(f, k) + integrate(g, k * 2.0)


def growth(y, t, k):
    return k * y * 0.5


def two_functions_given(k):
    return np.sum(twice(decay, growth, k[1]))


def a_closure_given_to_a_helper(k):
    def rhs(y, t, a):
        return -a * y * k[1]
    return np.sum(integrate(rhs, k[0]))


def test_odeint_through_a_helper():
    check_grad(through_a_helper, K.copy(), rtol=1e-4)
    check_jvp(through_a_helper, K.copy(), rtol=1e-4)


def test_sorted_through_a_helper():
    check_grad(sorted_through_a_helper, K.copy())
    check_grad(sorted_through_a_helper, np.array([-0.2, 0.9]))  # (another order)


def test_two_functions_through_one_helper():
    check_grad(two_functions_given, K.copy(), rtol=1e-4)


def test_a_closure_reading_the_function_and_given_args_is_refused():
    try:
        s2sad.grad(a_closure_given_to_a_helper)(K.copy())
    except s2sad.DifferentiationError as error:
        assert "reading variables of the function" in str(error)
    else:
        raise AssertionError("a closure given args of its own is refused")
