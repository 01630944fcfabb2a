"""A value both branches of a loop's ``if`` push, pushed once before the ``if``
(:mod:`s2sad.compiler.branch_pushes`), so that ``recompute`` computes it again in the
reversed loop and the forward loop goes (a Huber loss written as an element loop); and
a later binding of a part of an earlier statement moved up and read by name
(:mod:`s2sad.compiler.shared_values`).  Checked against central differences with both
branches taken, a closed form, second order, and the cases left alone: a branch that
binds the value again before pushing it, branches pushing more than one value, a value
carried from trip to trip."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_code


def huber_loop(w, X, y, delta):
    total = 0.0
    for i in range(X.shape[0]):
        r = X[i] @ w - y[i]
        if abs(r) <= delta:
            total += 0.5 * r * r
        else:
            total += delta * (abs(r) - 0.5 * delta)
    return total / X.shape[0]


def smooth_branches(w, X):
    """Each branch reads ``r`` (and the sum of the trips only)."""
    total = 0.0
    for i in range(X.shape[0]):
        r = X[i] @ w
        if r > 0.0:
            total = total + r ** 3
        else:
            total = total + np.sin(r)
    return total


def dot_branches(w, X):
    """``np.dot`` a call: ``r`` pushed once before the ``if`` (not computed again)."""
    total = 0.0
    for i in range(X.shape[0]):
        r = np.dot(X[i], w)
        total = total + (r ** 3 if r > 0.0 else np.sin(r))
    return total


def rebound_in_a_branch(w, X):
    """One branch binds ``r`` again before reading it: two values, left as they are."""
    total = 0.0
    for i in range(X.shape[0]):
        r = X[i] @ w
        if r > 0.0:
            r = r * r + 1.0
            total += np.log(r)
        else:
            total += r * r
    return total


def two_values_a_branch(w, X, y):
    """Each branch reads two values: pushed in the branches, as before."""
    total = 0.0
    for i in range(X.shape[0]):
        r = X[i] @ w
        s = y[i] * r
        if r > s:
            total += np.sin(r) * s
        else:
            total += r * s * s
    return total


def carried(w, X):
    """A value carried from trip to trip, read in both branches."""
    h = 0.5
    for i in range(X.shape[0]):
        h = 0.9 * h + X[i] @ w
        if h > 0.0:
            h = h * h
        else:
            h = 0.5 * h
    return h


def _data(n=40, d=4, seed=3):
    r = np.random.default_rng(seed)
    return r.standard_normal(d), r.standard_normal((n, d)), r.standard_normal(n)


def huber_closed_form(w, X, y, delta):
    r = X @ w - y
    slope = np.where(np.abs(r) <= delta, r, delta * np.sign(r))
    return X.T @ slope / X.shape[0]


@pytest.mark.parametrize("delta", [0.01, 0.7, 100.0])
def test_huber_loop_both_branches(delta):
    w, X, y = _data()
    g = s2sad.grad(huber_loop)(w, X, y, delta)
    np.testing.assert_allclose(g, huber_closed_form(w, X, y, delta), rtol=1e-12, atol=1e-14)
    check_grad(huber_loop, w, X, y, delta, wrt=(0, 1, 2))
    code = grad_code(huber_loop, w, X, y, delta)
    assert "stack" not in code  # (no tape: r computed again in the reversed loop)
    assert code.count("X[i] @ w") == 1  # (once a trip, read by name after)


def test_smooth_branches_second_order():
    w, X, _ = _data(12, 3)
    check_grad(smooth_branches, w, X, wrt=(0, 1))
    check_jvp(smooth_branches, w, X, wrt=(0, 1))
    assert "stack" not in grad_code(smooth_branches, w, X)
    H = s2sad.hessian(smooth_branches)(w, X)
    g = s2sad.grad(smooth_branches)
    for k in range(w.size):
        step = np.zeros_like(w)
        step[k] = 1e-6
        np.testing.assert_allclose(H[k], (g(w + step, X) - g(w - step, X)) / 2e-6,
                                   rtol=1e-5, atol=1e-6)


def test_left_alone_still_right():
    w, X, y = _data(15, 3, seed=5)
    check_grad(rebound_in_a_branch, w, X, wrt=(0, 1))
    check_grad(dot_branches, w, X, wrt=(0, 1))
    check_grad(two_values_a_branch, w, X, y, wrt=(0, 1, 2))
    check_grad(carried, 0.1 * w, X, wrt=(0, 1))
    check_jvp(carried, 0.1 * w, X, wrt=(0, 1))
