"""Accept/reject steps whose Jacobian is built by ``np.column_stack`` (the adjoint splits
it again, ``unconcat`` through an owned copy ``fresh``): a rejected trip runs none of
the step's reverse sweep.  And loop-carried values read through ``np.pi`` are known
float64, so their short-axis sums are products with ones.  Values against central
differences in float64, both branches of the step taken, steps all accepted and all
rejected, a value whose shape differs between the branches; Hessians against central
differences of the gradient."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, grad_source


def damped_fit(p, t, y, lam0, n_iter):
    """Damped Gauss-Newton on ``a exp(-b t)``: accept the step if the cost drops."""
    lam = lam0
    r = p[0] * np.exp(-p[1] * t) - y
    cost = np.sum(r * r)
    for _ in range(n_iter):
        e = np.exp(-p[1] * t)
        J = np.column_stack([e, -p[0] * t * e])
        A = J.T @ J
        step = np.linalg.solve(A + lam * np.diag(np.diag(A)), J.T @ r)
        trial = p - step
        r_trial = trial[0] * np.exp(-trial[1] * t) - y
        c_trial = np.sum(r_trial * r_trial)
        if c_trial < cost:
            p, r, cost = trial, r_trial, c_trial
            lam = lam / 3.0
        else:
            lam = lam * 4.0
    return np.sum(p * p) + 0.1 * cost


def damped_fit_stacked(p, t, y, lam0, n_iter):
    """The same with three columns and the residual's own sum of squares."""
    lam = lam0
    r = p[0] * np.exp(-p[1] * t) + p[2] - y
    cost = r @ r
    for _ in range(n_iter):
        e = np.exp(-p[1] * t)
        J = np.column_stack([e, -p[0] * t * e, np.ones_like(t)])
        A = J.T @ J
        step = np.linalg.solve(A + lam * np.eye(3), J.T @ r)
        trial = p - step
        r_trial = trial[0] * np.exp(-trial[1] * t) + trial[2] - y
        if r_trial @ r_trial < cost:
            p, r, cost = trial, r_trial, r_trial @ r_trial
        else:
            lam = lam * 10.0
    return cost + np.sum(p)


def shape_changes(p, t, y, n_iter):
    """A rejected step keeps a number where an accepted one keeps a vector: the value
    bound in the branches has two shapes, so nothing may be moved on its account."""
    keep = 0.0
    for _ in range(n_iter):
        J = np.column_stack([t * p[0], t * t * p[1]])
        trial = p - 0.1 * (J.T @ (J @ p - y))
        if np.sum(trial * trial) < np.sum(p * p):
            p = trial
            keep = J @ p
        else:
            keep = 2.0 * keep + p[1]
    return np.sum(keep * keep) + np.sum(p * p)


@pytest.fixture
def data():
    t = np.linspace(0.0, 2.0, 9)
    y = 1.5 * np.exp(-0.7 * t) + 0.01 * np.cos(7 * t)
    return t, y


@pytest.mark.parametrize("lam0,n_iter", [(1.0, 4), (1e-3, 3), (1e6, 3)])
def test_damped_fit_matches_differences(data, lam0, n_iter):
    t, y = data
    for p in (np.array([1.0, 0.3]), np.array([1.6, 0.75])):
        check_grad(damped_fit, p, t, y, lam0, n_iter, wrt=(0, 2))


def test_both_branches_taken(data):
    """The starting point takes a step and then rejects some: both branches run."""
    t, y = data
    p = np.array([1.0, 0.3])
    taken = []
    lam, cost = 1.0, np.sum((p[0] * np.exp(-p[1] * t) - y) ** 2)
    for _ in range(6):
        e = np.exp(-p[1] * t)
        J = np.column_stack([e, -p[0] * t * e])
        A = J.T @ J
        trial = p - np.linalg.solve(A + lam * np.diag(np.diag(A)),
                                    J.T @ (p[0] * e - y))
        c = np.sum((trial[0] * np.exp(-trial[1] * t) - y) ** 2)
        taken.append(c < cost)
        if c < cost:
            p, cost, lam = trial, c, lam / 3.0
        else:
            lam = lam * 4.0
    p = np.array([1.0, 0.3])
    check_grad(damped_fit, p, t, y, 1.0, 6, wrt=(0, 2))
    assert any(taken)


def test_rejected_trip_skips_the_step_reverse(data):
    """The split of the Jacobian's adjoint runs only under the accepted flag."""
    t, y = data
    src = grad_source(damped_fit, np.array([1.0, 0.3]), t, y, 1.0, 3)
    lines = src.splitlines()
    split = next(i for i, s in enumerate(lines) if "unconcat(" in s or "dJ[:, 0]" in s)
    guard = max(i for i, s in enumerate(lines[:split]) if s.strip().startswith("if "))
    depth = len(lines[guard]) - len(lines[guard].lstrip())
    assert len(lines[split]) - len(lines[split].lstrip()) > depth
    assert "zeros_like(r_trial)" not in src


@pytest.mark.parametrize("lam0", [1e-2, 1.0, 1e8])
def test_three_columns(data, lam0):
    t, y = data
    check_grad(damped_fit_stacked, np.array([1.2, 0.5, 0.05]), t, y, lam0, 3, wrt=(0, 2))


@pytest.mark.parametrize("p", [[0.5, 0.2], [2.0, -1.0], [0.01, 0.02]])
def test_shape_differs_between_branches(data, p):
    t, y = data
    check_grad(shape_changes, np.array(p), t, y[: t.size], 3, wrt=(0, 2))


@pytest.mark.parametrize("p", [[1.0, 0.3], [1.6, 0.75], [0.8, 1.5]])
def test_damped_fit_hessian(data, p):
    t, y = data
    check_hessian(lambda q: damped_fit(q, t, y, 1.0, 2), np.array(p))


def mixture_steps(mu, var, x, n_iter):
    """EM-like updates of a Gaussian mixture, the normal's constant through ``np.pi``."""
    for _ in range(n_iter):
        logp = -0.5 * np.log(2.0 * np.pi * var) - 0.5 * (x[:, None] - mu) ** 2 / var
        r = np.exp(logp - np.max(logp, axis=1, keepdims=True))
        r = r / np.sum(r, axis=1, keepdims=True)
        nk = np.sum(r, axis=0)
        mu = r.T @ x / nk
        var = np.sum(r * (x[:, None] - mu) ** 2, axis=0) / nk
    return np.sum(mu * mu) + np.sum(np.log(var))


@pytest.mark.parametrize("n,k,n_iter", [(12, 3, 2), (7, 2, 1), (10, 4, 3)])
def test_mixture_sums_as_products(n, k, n_iter):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n) * 2.0
    mu, var = np.linspace(-1.0, 1.0, k), rng.uniform(0.5, 1.5, k)
    check_grad(mixture_steps, mu, var, x, n_iter, wrt=(0, 1))
    src = grad_source(mixture_steps, mu, var, x, n_iter, wrt=(0, 1))
    assert ".sum(axis=0)" not in src and "np.ones(" in src


def test_mixture_hessian():
    rng = np.random.default_rng(5)
    x = rng.standard_normal(8)
    var = np.array([0.8, 1.3])
    check_hessian(lambda m: mixture_steps(m, var, x, 1), np.array([-0.5, 0.7]))
    assert np.isfinite(s2sad.grad(mixture_steps)(np.array([-0.5, 0.7]), var, x, 2)).all()
