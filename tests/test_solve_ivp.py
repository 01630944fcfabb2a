"""scipy.integrate.solve_ivp inside a differentiated function (rules/scipy_integrate.py:
a closed form building the result from ``ivp_solve``, differentiated in ``y0``, in the
float parameters of ``args`` and in the variables a closure given as ``fun`` reads, by
the adjoint method in reverse mode and the sensitivity equations in forward mode).
Was refused ("no derivative rule is known").  A closed form for the decay, central
differences for the rest (tight tolerances: the solver's error is the derivative's)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import s2sad
from gradcheck import check_grad, check_jvp

TIGHT = {"rtol": 1e-10, "atol": 1e-12}
K = np.array([0.7, 0.3])


def decay(t, y, k):
    return -k * y


def decay_end(k):
    sol = solve_ivp(decay, (0.0, 1.0), np.array([1.3]), args=(k,), **TIGHT)
    return sol.y[0, -1]


def test_decay_closed_form():
    k = 0.7
    np.testing.assert_allclose(s2sad.grad(decay_end)(k), -1.3 * np.exp(-k), rtol=1e-7)
    value, g = s2sad.value_and_grad(decay_end)(k)
    assert value == decay_end(k)  # (SciPy's own solution)


def oscillator(t, y, w, c):
    return np.array([y[1], -w ** 2 * y[0] - c * y[1]])


def with_args(p):
    sol = solve_ivp(oscillator, (0.0, 2.0), np.array([1.0, 0.0]), args=(p[0], p[1]),
                    t_eval=np.linspace(0.0, 2.0, 7), **TIGHT)
    return np.sum(sol.y ** 2)


def closure(p):
    A = np.array([[-0.3, 1.0], [-1.0, -0.2]]) * p[0]
    sol = solve_ivp(lambda t, y: A @ y + p[1], (0.0, 1.0), np.array([1.0, -0.5]), **TIGHT)
    return sol.y[:, -1] @ sol.y[:, -1]


def closure_and_args(p):
    def rhs(t, y, c):
        return -c * y * p[1] + np.sin(t)
    sol = solve_ivp(rhs, (0.0, 1.5), [1.0, 2.0], args=(p[0],), method="DOP853", **TIGHT)
    return np.sum(sol.y[:, -1])


def output_times_after_the_start(p):
    sol = solve_ivp(decay, (0.0, 2.0), np.array([1.0, 2.0]), args=(p,),
                    t_eval=np.array([0.5, 1.0, 2.0]), **TIGHT)
    return np.sum(sol.y * np.array([1.0, 2.0, 3.0]))


def backward_in_time(p):
    sol = solve_ivp(oscillator, (1.0, 0.0), np.array([0.5, 0.2]), args=(p[0], p[1]), **TIGHT)
    return sol.y[0, -1] + sol.t[-1]


def stiff_method(p):
    sol = solve_ivp(oscillator, (0.0, 1.0), np.array([1.0, 0.0]), args=(p[0], p[1]),
                    method="Radau", rtol=1e-10, atol=1e-12)
    return sol.y[0, -1] ** 2


def returns_a_list(p):
    a, b = p

    def lotka_volterra(t, z):
        x, y = z
        return [a * x - b * x * y, -0.8 * y + 0.3 * x * y]  # (a list: the cotangent one too)
    sol = solve_ivp(lotka_volterra, (0, 2), [1.0, 0.5], t_eval=np.linspace(0, 2, 5), **TIGHT)
    return np.sum((sol.y[0] - 1.5) ** 2)


CASES = [with_args, closure, closure_and_args, output_times_after_the_start,
         backward_in_time, stiff_method, returns_a_list]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, K.copy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_forward_mode(f):
    check_jvp(f, K.copy(), rtol=1e-5, atol=1e-7)


def test_initial_state():
    def f(y0):
        sol = solve_ivp(oscillator, (0.0, 1.0), y0, args=(1.3, 0.1), **TIGHT)
        return sol.y[0, -1] * sol.y[1, -1]
    check_grad(f, np.array([1.0, -0.4]), rtol=1e-5, atol=1e-7)
    check_jvp(f, np.array([1.0, -0.4]), rtol=1e-5, atol=1e-7)


def test_branch_on_success_and_the_solution():
    def f(p):
        sol = solve_ivp(decay, (0.0, 1.0), np.array([1.0]), args=(p[0],), **TIGHT)
        if not sol.success:
            return 0.0
        return sol.y[0, -1] ** 2 if sol.y[0, -1] > 0.5 else 3.0 * sol.y[0, -1]
    check_grad(f, np.array([0.2, 0.0]), rtol=1e-5)  # (e^-0.2 > 0.5)
    check_grad(f, np.array([1.5, 0.0]), rtol=1e-5)  # (e^-1.5 < 0.5)


def chosen_times(p):
    sol = solve_ivp(decay, (0.0, 1.0), np.array([1.0]), args=(p[0],))
    return np.sum(sol.t * sol.y[0])


def test_a_derivative_through_the_times_the_solver_chose_is_refused():
    with pytest.raises(s2sad.DifferentiationError,
                       match="test_solve_ivp.py:1[0-9][0-9]: a derivative through the times"):
        s2sad.grad(chosen_times)(K.copy())


def events_given(p):
    sol = solve_ivp(decay, (0.0, 1.0), np.array([1.0]), args=(p[0],), dense_output=True)
    return sol.y[0, -1]


def test_dense_output_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="dense_output"):
        s2sad.grad(events_given)(K.copy())
