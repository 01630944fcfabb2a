"""The late pass ``branches`` (compiler/zero_branches.py, zero_values.py) on a rejected
trial step whose adjoint flows through items and solves: ``dtrial[1] -= ...`` (an item
of the zero adjoint, which stays zero), ``dy -= dr_trial``, an accumulation of several
zero terms (``dr = dr + ditems[1] * t + ditems[0]``), ``.T``, ``.sum()``, a solve with a
zero right-hand side and ``np.multiply.outer``: all run only on accepted trips.  Each
against central differences with trips accepted and rejected, all accepted, all
rejected."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, grad_code


def curve(p, t):
    return p[0] * np.exp(-p[1] * t)


def accept_reject(theta, y, t, n, rate):
    """Gradient steps on a curve fit kept when the cost goes down."""
    r = curve(theta, t) - y
    cost = np.sum(r ** 2)
    for _ in range(n):
        step = rate * np.array([np.sum(r), np.sum(r * t)])
        trial = theta - step
        r_trial = curve(trial, t) - y
        c = np.sum(r_trial ** 2)
        if c < cost:
            theta, r, cost = trial, r_trial, c
    return np.sum(theta ** 2) + np.sum(r * t)


def solved_steps(theta, H, y, n):
    """A Newton-like step by a solve with a fixed matrix, its Jacobian by an outer
    product and a transpose, kept when the cost goes down."""
    cost = np.sum((H @ theta - y) ** 2)
    for _ in range(n):
        g = H.T @ (H @ theta - y) + 0.1 * np.outer(theta, theta).T @ theta
        trial = theta - np.linalg.solve(H.T @ H + np.eye(theta.shape[0]), g)
        c = np.sum((H @ trial - y) ** 2) + 0.5 * np.sum(trial ** 4)
        if c < cost:
            theta, cost = trial, c
    return np.sum(np.sin(theta)) + cost


def _inner(code: str, first: str, second: str) -> bool:
    """Whether the line holding ``second`` is indented as deep as the one holding
    ``first`` (inside the same branch)."""
    lines = code.splitlines()

    def indent(text: str) -> int:
        line = next(x for x in lines if text in x)
        return len(line) - len(line.lstrip())
    return indent(first) == indent(second)


@pytest.mark.parametrize("rate", [0.3, 0.05, 30.0])  # (mixed, all accepted, all rejected)
def test_a_rejected_trial_costs_nothing(rate):
    t = np.linspace(0.0, 1.0, 7)
    y = np.exp(-1.3 * t) + 0.01 * np.sin(9 * t)
    theta = np.array([1.5, 0.8])
    check_grad(accept_reject, theta, y, t, 5, rate, wrt=(0, 1))
    check_jvp(accept_reject, theta, y, t, 5, rate, wrt=(0, 1))
    code = grad_code(accept_reject, theta, y, t, 5, rate, wrt=(0, 1))
    assert _inner(code, "dr_trial = dr_1", "dtrial[1] -= "), code
    assert _inner(code, "dr_trial = dr_1", "dy -= dr_trial"), code


@pytest.mark.parametrize("shift, size", [(3.0, 0.3), (0.0, 0.3), (10.0, 3.0)])
def test_solves_transposes_and_outer_products(shift, size):
    """(trips accepted then rejected; all accepted; all rejected: the quartic term)"""
    rng = np.random.default_rng(0)
    H, y = rng.standard_normal((5, 3)), rng.standard_normal(5) + shift
    theta = size * rng.standard_normal(3)
    check_grad(solved_steps, theta, H, y, 4, wrt=(0, 1, 2))
    check_jvp(solved_steps, theta, H, y, 4, wrt=(0, 1, 2))
