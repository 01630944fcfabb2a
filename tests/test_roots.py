"""scipy.optimize's root finders inside a differentiated function (rules/scipy_optimize.py,
runtime/implicit.py): the root is SciPy's own, its derivative in the parameters (``args``,
or the variables a closure given as the function reads) by the implicit function
theorem, in reverse and forward mode.  Was refused ("no derivative rule is known").
A closed form for the cubic's root, central differences for the rest."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize
from scipy.optimize import bisect, brentq, fsolve, newton, root_scalar

import s2sad
from gradcheck import check_grad, check_jvp

P = np.array([0.7, 1.3])


def cubic(x, a, b):
    return x ** 3 + a * x - b


def cubic_root(p):
    return brentq(cubic, -10.0, 10.0, args=(p[0], p[1]))


def test_cubic_root_closed_form():
    x = cubic_root(P)  # d x / d(a, b) = (-x, 1) / (3 x^2 + a)
    expected = np.array([-x, 1.0]) / (3 * x * x + P[0])
    np.testing.assert_allclose(s2sad.grad(cubic_root)(P.copy()), expected, rtol=1e-8)
    np.testing.assert_allclose(s2sad.jvp(cubic_root)(P.copy(), np.array([1.0, 0.0]))[1],
                               expected[0], rtol=1e-8)


def closure(p):
    return brentq(lambda x: np.tanh(x) - p[0] * 0.5 + x * p[1], -5, 5) * 3.0


def newton_closure(p):
    return newton(lambda x: np.cos(x) - p[0] * x, 0.5) + p[1]


def newton_with_derivative(p):
    return newton(cubic, 1.0, fprime=lambda x, a, b: 3 * x ** 2 + a, args=(p[0], p[1])) ** 2


def root_scalar_result(p):
    sol = root_scalar(cubic, args=(p[0], p[1]), bracket=[-10, 10], method="brentq")
    return sol.root * p[0] if sol.converged else 0.0


def system(x, p):
    return np.array([x[0] + p[0] * x[1] ** 3 - 1.0, np.sin(x[0]) * p[1] + x[1] - 0.5])


def fsolve_args(p):
    return np.sum(fsolve(system, np.array([0.5, 0.5]), args=(p,), xtol=1e-13) ** 2)


def fsolve_closure(p):
    x = fsolve(lambda z: np.array([z[0] - p[0] * np.cos(z[1]), z[1] - p[1] * np.sin(z[0])]),
               np.zeros(2), xtol=1e-13)
    return x[0] * x[1] + x[1]


def equilibrium(p):
    def balance(c):
        return [p[0] * c[0] - p[1] * c[1] ** 2, c[0] + c[1] - 1.0]  # (a list)
    c = fsolve(balance, [0.5, 0.5], xtol=1e-12)
    return c[1] / c[0]


def module_spelling(p):
    return optimize.ridder(cubic, -10, 10, args=(p[0], p[1])) * p[1]


def shifted_cosine(x, a):
    return np.cos(x) - a * x


def args_not_a_tuple(p):
    return brentq(shifted_cosine, 0.0, 2.0, args=p[0] * p[1])  # (read as args=(k,))


CASES = [args_not_a_tuple, closure, newton_closure, newton_with_derivative, root_scalar_result,
         fsolve_args, fsolve_closure, equilibrium, module_spelling]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, P.copy())


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_forward_mode(f):
    check_jvp(f, P.copy())


def branch_on_the_root(p):
    r = bisect(cubic, -10, 10, args=(p[0], p[1]), xtol=1e-14)
    return r ** 2 if r > 0.5 else -r


def test_both_branches_on_the_root():
    check_grad(branch_on_the_root, P.copy(), rtol=1e-4)  # (root 0.79...)
    check_grad(branch_on_the_root, np.array([0.7, 0.1]), rtol=1e-4)  # (root 0.14...)


def the_bracket_moves(p):
    return brentq(cubic, -10.0 * p[0], 10.0 * p[0], args=(1.0, 2.0))  # (the root does not)


def test_the_bracket_carries_no_derivative():
    np.testing.assert_array_equal(s2sad.grad(the_bracket_moves)(P.copy()), [0.0, 0.0])


def full_output(p):
    return brentq(cubic, -10, 10, args=(p[0], p[1]), full_output=True)[0]


def test_full_output_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="brentq with full_output"):
        s2sad.grad(full_output)(P.copy())
