"""An adjoint made as zeros like a vector read element by element, then only added into,
read and cleared by the element (a reversed loop's adjoint of ``cp[i] = ...``): a list
of floats (late pass ``floats``), ``dcp[i] = 0.0``, ``dcp[i] += e``.  Every case against
central differences, in both modes, both branches of an ``if``, and the Hessian."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_source


def thomas(b, d, a, c):
    """A tridiagonal solve by the Thomas algorithm, a squared sum of the solution."""
    n = b.shape[0]
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return np.sum(x * x)


def running(w, flag):
    """A running state written element by element, a branch on a flag per element."""
    n = w.shape[0]
    s = np.zeros(n)
    s[0] = w[0]
    for i in range(1, n):
        if flag * w[i] > 0.0:
            s[i] = 0.5 * s[i - 1] + w[i] * w[i]
        else:
            s[i] = s[i - 1] - w[i]
    return s[n - 1] * s[n - 2] + s[0]


def _system(n, seed):
    rng = np.random.default_rng(seed)
    return (3.0 + rng.random(n), rng.standard_normal(n), rng.uniform(-1, 1, n),
            rng.uniform(-1, 1, n))


@pytest.mark.parametrize("n", [2, 3, 7])
def test_thomas(n):
    b, d, a, c = _system(n, n)
    check_grad(thomas, b, d, a, c, wrt=(0, 1))
    check_jvp(thomas, b, d, a, c, wrt=(0, 1))
    T = np.diag(b) + np.diag(a[1:], -1) + np.diag(c[:-1], 1)
    x = np.linalg.solve(T, d)
    lam = np.linalg.solve(T.T, 2.0 * x)  # closed form: dL/dd = T^-T 2x, dL/db = -lam x
    from s2sad import grad
    db, dd = grad(thomas, wrt=(0, 1))(b, d, a, c)
    np.testing.assert_allclose(dd, lam, rtol=1e-10)
    np.testing.assert_allclose(db, -lam * x, rtol=1e-10)


def test_thomas_source():
    """(Its Hessian is refused, as before this rewrite: an in-place write of the
    derivative's own ``dp`` adjoint that the alias stage does not model.)"""
    b, d, a, c = _system(5, 1)
    source = grad_source(thomas, b, d, a, c, wrt=(0, 1))
    assert "dcp_2 = floats_zeros(a)" in source and "dcp_2[i] = 0.0" in source


@pytest.mark.parametrize("flag", [1.0, -1.0])
def test_running_both_branches(flag):
    w = np.array([0.3, -0.4, 0.7, 0.2, -0.9])
    check_grad(running, w, flag)
    check_jvp(running, w, flag)
    check_hessian(lambda w: running(w, flag), w)


def two_pass(w, flag):
    """A state written element by element (a branch per element), read by a second
    loop: its adjoint starts as zeros and is read and cleared element by element."""
    n = w.shape[0]
    h = np.zeros(n)
    h[0] = w[0]
    for i in range(1, n):
        if flag * w[i] > 0.0:
            h[i] = 0.5 * h[i - 1] + w[i] / (1.0 + w[i] * w[i])
        else:
            h[i] = h[i - 1] - w[i]
    y = np.zeros(n)
    for i in range(n):
        y[i] = h[i] * w[i]
    return np.sum(y * y)


@pytest.mark.parametrize("flag", [1.0, -1.0])
def test_two_pass_both_branches(flag):
    w = np.array([0.3, -0.4, 0.7, 0.2, -0.9])
    check_grad(two_pass, w, flag)
    check_jvp(two_pass, w, flag)
    check_hessian(lambda w: two_pass(w, flag), w)
    assert "floats_zeros(w)" in grad_source(two_pass, w, flag)
