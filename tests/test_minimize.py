"""scipy.optimize.minimize (and minimize_scalar) inside a differentiated function
(rules/scipy_optimize.py):
the minimum ``res.x`` differentiated in the parameters as the root of the gradient
(the implicit function theorem, the Hessian from s2sad), the value ``res.fun`` as
``fun`` there (the envelope theorem).  Was refused.  Oracles: ridge regression's
closed form, and a separable minimum whose derivative follows from its stationarity
condition (central differences of an optimiser's output are as noisy as its
tolerance)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize, minimize_scalar

import s2sad

X = np.array([[1.0, 0.5], [0.3, -1.0], [2.0, 0.1]])
Y = np.array([1.0, 0.2, -0.5])
P = np.array([0.5, 1.2])
TIGHT = {"method": "BFGS", "options": {"gtol": 1e-12}}


def train(w, lam, A, y):
    r = A @ w - y
    return r @ r + lam * w @ w


def validation(p):
    res = minimize(train, np.zeros(2), args=(p[0], X, Y), **TIGHT)
    return np.sum((X @ res.x - Y * p[1]) ** 2)


def validation_exact(p):
    w = np.linalg.solve(X.T @ X + p[0] * np.eye(2), X.T @ Y)
    return np.sum((X @ w - Y * p[1]) ** 2)


def profile(p):
    return minimize(train, np.zeros(2), args=(p[0] ** 2, X, Y * p[1]), **TIGHT).fun


def profile_exact(p):
    lam, y = p[0] ** 2, Y * p[1]
    w = np.linalg.solve(X.T @ X + lam * np.eye(2), X.T @ y)
    return train(w, lam, X, y)


@pytest.mark.parametrize("f, exact", [(validation, validation_exact), (profile, profile_exact)],
                         ids=["minimum", "value"])
def test_ridge_against_its_closed_form(f, exact):
    np.testing.assert_allclose(s2sad.grad(f)(P.copy()), s2sad.grad(exact)(P.copy()),
                               rtol=1e-6)
    t = np.array([0.3, -0.7])
    np.testing.assert_allclose(s2sad.jvp(f)(P.copy(), t)[1], s2sad.grad(exact)(P.copy()) @ t,
                               rtol=1e-6)


def quartic(p):  # minimum of sum (w - p)^2 + w^4: 2 (w - p) + 4 w^3 = 0, each entry
    res = minimize(lambda w: np.sum((w - p) ** 2) + np.sum(w ** 4), np.zeros(2), **TIGHT)
    return res.x[0] * 2.0 + res.x[1]


def test_a_closure_against_its_stationarity_condition():
    w = np.array([brentq(lambda v, c: 2 * (v - c) + 4 * v ** 3, -5, 5, args=(c,)) for c in P])
    dw = 2.0 / (2.0 + 12.0 * w ** 2)  # d/dp of 2 (w - p) + 4 w^3 = 0
    np.testing.assert_allclose(s2sad.grad(quartic)(P.copy()), np.array([2.0, 1.0]) * dw,
                               rtol=1e-6)


def branch_on_the_value(p):
    res = minimize(train, np.zeros(2), args=(p[0], X, Y * p[1]), **TIGHT)
    return res.fun * 2.0 if res.fun > 1.0 else np.sum(res.x)


def _exact_minimum(p):
    y = Y * p[1]
    w = np.linalg.solve(X.T @ X + p[0] * np.eye(2), X.T @ y)
    return w, train(w, p[0], X, y)


def branch_exact(p):
    w, v = _exact_minimum(p)
    return v * 2.0 if v > 1.0 else np.sum(w)


@pytest.mark.parametrize("p, first", [(np.array([0.5, 3.0]), True),
                                      (np.array([0.5, 0.2]), False)], ids=["value", "minimum"])
def test_both_branches(p, first):
    assert (_exact_minimum(p)[1] > 1.0) == first
    np.testing.assert_allclose(s2sad.grad(branch_on_the_value)(p), s2sad.grad(branch_exact)(p),
                               rtol=1e-6)


def bounded(p):
    return minimize(train, np.zeros(2), args=(p[0], X, Y), bounds=[(0, 1), (0, 1)]).fun


def test_bounds_are_refused():
    with pytest.raises(s2sad.DifferentiationError, match="minimize with bounds"):
        s2sad.grad(bounded)(P.copy())


def parabola(t, a, b, c):  # minimum at t = a - c / (2 b), value c a - c^2 / (4 b)
    return b * (t - a) ** 2 + c * t


def scalar_minimum(p):
    return minimize_scalar(parabola, args=(p[0], p[1], p[2])).x * p[2]


def scalar_minimum_exact(p):
    return (p[0] - p[2] / (2 * p[1])) * p[2]


def scalar_value_of_a_closure(p):
    res = minimize_scalar(lambda t: p[1] * (t - p[0]) ** 2 + p[2] * t, bracket=(-1.0, 2.0))
    return res.fun ** 2 + res.x


def scalar_value_exact(p):
    return (p[2] * p[0] - p[2] ** 2 / (4 * p[1])) ** 2 + p[0] - p[2] / (2 * p[1])


def scalar_golden_quartic(p):
    return minimize_scalar(lambda t: (t - p[0]) ** 2 + p[1] * t ** 4, method="golden",
                           tol=1e-12).x


def scalar_quartic_exact(p):  # 2 (t - a) + 4 b t^3 = 0: dt = (2 da - 4 t^3 db) / (2 + 12 b t^2)
    t = brentq(lambda v: 2 * (v - p[0]) + 4 * p[1] * v ** 3, -5, 5, xtol=1e-15)
    return np.array([2.0, -4 * t ** 3, 0.0]) / (2 + 12 * p[1] * t ** 2)


Q = np.array([0.7, 1.3, 0.4])


@pytest.mark.parametrize("f, exact", [(scalar_minimum, scalar_minimum_exact),
                                      (scalar_value_of_a_closure, scalar_value_exact)],
                         ids=["args", "closure"])
def test_minimize_scalar_against_its_closed_form(f, exact):
    """minimize_scalar (Brent's method) differentiated like minimize (was refused)."""
    np.testing.assert_allclose(s2sad.grad(f)(Q.copy()), s2sad.grad(exact)(Q.copy()),
                               rtol=1e-6)
    t = np.array([0.3, -0.7, 0.2])
    np.testing.assert_allclose(s2sad.jvp(f)(Q.copy(), t)[1], s2sad.grad(exact)(Q.copy()) @ t,
                               rtol=1e-6)


def test_minimize_scalar_golden_against_its_stationarity_condition():
    np.testing.assert_allclose(s2sad.grad(scalar_golden_quartic)(Q.copy()),
                               scalar_quartic_exact(Q), rtol=1e-6)


def scalar_bounded(p):
    return minimize_scalar(parabola, bounds=(0.0, 0.1), args=(p[0], p[1], p[2])).x


def test_minimize_scalar_bounds_are_refused():
    with pytest.raises(s2sad.DifferentiationError, match="minimize_scalar with bounds"):
        s2sad.grad(scalar_bounded)(Q.copy())
