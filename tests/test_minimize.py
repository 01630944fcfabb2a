"""scipy.optimize.minimize inside a differentiated function (rules/scipy_optimize.py):
the minimum ``res.x`` differentiated in the parameters as the root of the gradient
(the implicit function theorem, the Hessian from s2sad), the value ``res.fun`` as
``fun`` there (the envelope theorem).  Was refused.  Oracles: ridge regression's
closed form, and a separable minimum whose derivative follows from its stationarity
condition (central differences of an optimiser's output are as noisy as its
tolerance)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize

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
