"""Benchmark problems 66-68 (session 42): three more kinds of code, written as users write
them:

* ``thomas_tridiag``: a tridiagonal system solved by the Thomas algorithm as a scalar
  loop (forward elimination writing ``cp[i]``, ``dp[i]``, then back substitution), a
  squared misfit of the solution; gradient wrt the diagonal and the right-hand side;
* ``crf_forward``: a linear-chain CRF's negative log-likelihood: the forward algorithm
  in log space (a log-sum-exp over ``alpha[:, None] + trans`` per step) minus the score
  of the labelled path (``emit[t, y[t]]``, ``trans[y[t - 1], y[t]]``);
* ``burgers_upwind``: a finite-volume Burgers solver, the upwind flux chosen by
  ``np.where`` on the face speed, neighbours by ``np.roll``, ``np.minimum`` capping the
  viscosity, a misfit to a target after the steps; gradient wrt the initial state.

The hand-written gradients are what an expert writes for the same code: a second
Thomas sweep for the transposed system (``lam = T^-T g``, ``db = -lam * x``); the
backward recursion of the forward-backward algorithm (node and edge marginals minus the
path's counts); a reverse sweep of the time steps over the stored states.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# the Thomas algorithm as a scalar loop
# ---------------------------------------------------------------------------

def thomas_tridiag(b, d, a, c, target):
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
    return np.sum((x - target) ** 2)


def thomas_tridiag_functional(b, d, a, c, target):
    n = b.shape[0]
    cp = [c[0] / b[0]]
    dp = [d[0] / b[0]]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp.append(c[i] / m)
        dp.append((d[i] - a[i] * dp[i - 1]) / m)
    xs = [dp[n - 1]]
    for i in range(n - 2, -1, -1):
        xs.append(dp[i] - cp[i] * xs[-1])
    x = np.stack(xs[::-1])
    return np.sum((x - target) ** 2)


def _thomas(lower, diag, upper, rhs):
    """Solve the tridiagonal system (sub-diagonal ``lower[1:]``, super ``upper[:-1]``)."""
    n = diag.shape[0]
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = upper[0] / diag[0]
    dp[0] = rhs[0] / diag[0]
    for i in range(1, n):
        m = diag[i] - lower[i] * cp[i - 1]
        cp[i] = upper[i] / m
        dp[i] = (rhs[i] - lower[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x


def thomas_tridiag_grad(b, d, a, c, target):
    # T x = d with T[i, i] = b[i], T[i, i - 1] = a[i], T[i, i + 1] = c[i]; L = |x - t|^2:
    # lam = T^-T (2 (x - t)) (T^T: sub-diagonal c[i - 1], super-diagonal a[i + 1]),
    # dL/dd = lam, dL/db = -lam * x
    x = _thomas(a, b, c, d)
    g = 2.0 * (x - target)
    lower_t = np.concatenate(([0.0], c[:-1]))
    upper_t = np.concatenate((a[1:], [0.0]))
    lam = _thomas(lower_t, b, upper_t, g)
    return -lam * x, lam


def thomas_tridiag_args(size):
    n = 64 if size == "full" else 6
    r = _rng(701)
    a = r.uniform(-1.0, 1.0, n)
    c = r.uniform(-1.0, 1.0, n)
    b = 3.0 + r.random(n)  # diagonally dominant: no pivoting needed
    return b, r.standard_normal(n), a, c, r.standard_normal(n)


# ---------------------------------------------------------------------------
# a linear-chain CRF: the forward algorithm in log space
# ---------------------------------------------------------------------------

def crf_forward(emit, trans, y):
    T = emit.shape[0]
    alpha = emit[0]
    for t in range(1, T):
        s = alpha[:, None] + trans
        m = np.max(s, axis=0)
        alpha = m + np.log(np.sum(np.exp(s - m), axis=0)) + emit[t]
    top = np.max(alpha)
    log_z = top + np.log(np.sum(np.exp(alpha - top)))
    score = emit[0, y[0]]
    for t in range(1, T):
        score = score + trans[y[t - 1], y[t]] + emit[t, y[t]]
    return log_z - score


def _lse(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.sum(np.exp(x - m), axis=axis))


def crf_forward_grad(emit, trans, y):
    # forward-backward: d logZ / d emit[t, k] = P(y_t = k), d logZ / d trans[j, k] =
    # sum_t P(y_{t-1} = j, y_t = k); minus the labelled path's counts
    T, K = emit.shape
    alphas = np.empty((T, K))
    alphas[0] = emit[0]
    for t in range(1, T):
        alphas[t] = _lse(alphas[t - 1][:, None] + trans, 0) + emit[t]
    log_z = _lse(alphas[T - 1], 0)
    beta = np.zeros(K)
    g_emit = np.empty((T, K))
    g_trans = np.zeros((K, K))
    for t in range(T - 1, 0, -1):
        g_emit[t] = np.exp(alphas[t] + beta - log_z)
        pair = alphas[t - 1][:, None] + trans + (emit[t] + beta)[None, :] - log_z
        g_trans += np.exp(pair)
        beta = _lse(trans + (emit[t] + beta)[None, :], 1)
    g_emit[0] = np.exp(alphas[0] + beta - log_z)
    g_emit[np.arange(T), y] -= 1.0
    np.subtract.at(g_trans, (y[:-1], y[1:]), 1.0)
    return g_emit, g_trans


def crf_forward_args(size):
    T, K = (100, 12) if size == "full" else (5, 3)
    r = _rng(702)
    return r.standard_normal((T, K)), 0.5 * r.standard_normal((K, K)), r.integers(0, K, T)


# ---------------------------------------------------------------------------
# a finite-volume Burgers solver with an upwind flux by np.where
# ---------------------------------------------------------------------------

def burgers_upwind(u0, target, nu, dt, dx, steps):
    u = u0
    for _ in range(steps):
        right = np.roll(u, -1)
        speed = 0.5 * (u + right)
        flux = np.where(speed > 0.0, 0.5 * u * u, 0.5 * right * right)
        visc = np.minimum(nu * (right - u) / dx, 0.1)
        face = flux - visc
        u = u - dt / dx * (face - np.roll(face, 1))
    return np.mean((u - target) ** 2)


def burgers_upwind_grad(u0, target, nu, dt, dx, steps):
    u = u0
    tape = []
    for _ in range(steps):
        right = np.roll(u, -1)
        up = (u + right) > 0.0
        gap = nu * (right - u) / dx
        capped = gap < 0.1
        flux = np.where(up, 0.5 * u * u, 0.5 * right * right)
        face = flux - np.where(capped, gap, 0.1)
        tape.append((u, right, up, capped))
        u = u - dt / dx * (face - np.roll(face, 1))
    g = 2.0 * (u - target) / u.shape[0]
    k = dt / dx
    for u, right, up, capped in reversed(tape):
        g_face = -k * (g - np.roll(g, -1))  # the adjoint of face - roll(face, 1)
        g_visc = np.where(capped, -g_face * (nu / dx), 0.0)  # d face / d gap = -1
        g_u = g + np.where(up, g_face * u, 0.0) - g_visc
        g_right = np.where(up, 0.0, g_face * right) + g_visc
        g = g_u + np.roll(g_right, 1)
    return (g,)


def burgers_upwind_args(size):
    n, steps = (2000, 100) if size == "full" else (8, 3)
    x = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    r = _rng(703)
    # a wave moving right with negative troughs: the face speed changes sign where
    # u ~ -right (the jumps the noise makes), away from the smooth sonic points
    u0 = 0.6 + np.sin(x) + 0.3 * r.standard_normal(n)
    dx = x[1] - x[0]
    return u0, 0.6 + np.sin(x - 0.3), dx, 0.2 * dx, dx, steps  # nu dt / dx^2 = 0.2


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "thomas_tridiag", "title": "tridiagonal solve by the Thomas algorithm as scalar "
     "loops, squared misfit", "func": thomas_tridiag, "hand_grad": thomas_tridiag_grad,
     "make_args": thomas_tridiag_args, "functional_func": thomas_tridiag_functional,
     "wrt": (0, 1), "sizes": {"full": "64 unknowns", "smoke": "6 unknowns"}},
    {"name": "crf_forward", "title": "linear-chain CRF negative log-likelihood: the forward "
     "algorithm in log space", "func": crf_forward, "hand_grad": crf_forward_grad,
     "make_args": crf_forward_args, "wrt": (0, 1),
     "sizes": {"full": "100 steps, 12 labels", "smoke": "5 steps, 3 labels"}},
    {"name": "burgers_upwind", "title": "finite-volume Burgers: upwind flux by np.where, "
     "np.roll neighbours, np.minimum cap", "func": burgers_upwind,
     "hand_grad": burgers_upwind_grad, "make_args": burgers_upwind_args, "wrt": (0,),
     "sizes": {"full": "2000 cells, 100 steps", "smoke": "8 cells, 3 steps"}},
]
