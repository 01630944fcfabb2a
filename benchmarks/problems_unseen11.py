"""Benchmark problems 91-100 (session 47): ten more kinds of code, written as users write
them:

* ``hmm_backward``: an HMM's backward pass in log space, a loop over time reading a
  column ``logB[:, obs[t + 1]]`` per step, log-softmax parameters;
* ``poisson_varcoef``: the residual of a 2-D variable-coefficient Poisson equation by
  finite differences on slices (face coefficients averaged), a boundary penalty;
* ``lm_fit``: Levenberg-Marquardt steps of a logistic-curve fit unrolled inside the
  loss, an accept/reject ``if`` on the trial cost, ``np.column_stack`` Jacobians;
* ``cubic_spline``: a natural cubic spline through knot values (a tridiagonal system by
  ``np.diag`` and ``np.linalg.solve``) evaluated by ``np.searchsorted``;
* ``cloth``: a mass-spring cloth by semi-implicit Euler, springs gathered by index
  arrays and forces summed by ``np.add.at``, pinned nodes by a mask;
* ``softmax_smooth``: softmax regression with label smoothing (``np.eye(K)[labels]``)
  and weight decay;
* ``gmm_em``: EM steps of a 1-D Gaussian mixture unrolled inside a validation
  log-likelihood, gradient wrt the initial means, variances and weights;
* ``qr_lstsq``: least squares by ``np.linalg.qr`` and a solve with ``R``, a validation
  loss plus the training residual;
* ``bilinear_attn``: bilinear attention ``Q @ W @ K.T`` with a causal mask by
  ``np.where``, the maximum subtracted;
* ``ar_loglik``: an AR(p) Gaussian likelihood as a scalar loop over time with an inner
  loop over the lags.

The hand-written gradients are what an expert writes: the forward messages of the
backward pass, the stencil's transpose on slices, the adjoint solve of each accepted step
with the model's second derivatives, the spline's adjoint solve and ``np.bincount``
scatters, the springs' reverse sweep, the closed form ``(p - t) / n``, each EM step
reversed, the QR adjoint by two triangular solves, the softmax adjoint, the loop's
residuals accumulated once.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular

from benchmarks import problems_unseen11_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _softmax_rows(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


# ---------------------------------------------------------------------------
# an HMM's backward pass in log space
# ---------------------------------------------------------------------------

def hmm_backward(trans_logits, emit_logits, init_logits, obs):
    logA = trans_logits - np.log(np.sum(np.exp(trans_logits), axis=1, keepdims=True))
    logB = emit_logits - np.log(np.sum(np.exp(emit_logits), axis=1, keepdims=True))
    logpi = init_logits - np.log(np.sum(np.exp(init_logits)))
    beta = np.zeros(trans_logits.shape[0])
    for t in range(obs.shape[0] - 2, -1, -1):
        M = logA + logB[:, obs[t + 1]] + beta
        m = np.max(M, axis=1)
        beta = m + np.log(np.sum(np.exp(M - m[:, None]), axis=1))
    s = logpi + logB[:, obs[0]] + beta
    c = np.max(s)
    return -(c + np.log(np.sum(np.exp(s - c))))


def hmm_backward_grad(trans_logits, emit_logits, init_logits, obs):
    PA, PB, ppi = (_softmax_rows(trans_logits), _softmax_rows(emit_logits),
                   _softmax_rows(init_logits))
    logA, logB = np.log(PA), np.log(PB)
    beta, steps = np.zeros(PA.shape[0]), []
    for t in range(obs.shape[0] - 2, -1, -1):
        M = logA + (logB[:, obs[t + 1]] + beta)
        m = M.max(axis=1)
        e = np.exp(M - m[:, None])
        se = e.sum(axis=1)
        steps.append(e / se[:, None])
        beta = m + np.log(se)
    g_beta = -_softmax_rows(np.log(ppi) + logB[:, obs[0]] + beta)
    g_pi = g_beta
    g_logB = np.zeros_like(PB)
    g_logB[:, obs[0]] += g_beta
    g_logA = np.zeros_like(PA)
    for t, P in zip(range(obs.shape[0] - 1), reversed(steps)):  # the forward messages
        G = g_beta[:, None] * P
        g_logA += G
        g_beta = G.sum(axis=0)
        g_logB[:, obs[t + 1]] += g_beta
    return (g_logA - PA * g_logA.sum(axis=1, keepdims=True),
            g_logB - PB * g_logB.sum(axis=1, keepdims=True), g_pi - ppi * g_pi.sum())


def hmm_backward_args(size):
    K, V, T = (16, 12, 300) if size == "full" else (3, 4, 5)
    r = _rng(1101)
    return (r.standard_normal((K, K)), r.standard_normal((K, V)), r.standard_normal(K),
            r.integers(0, V, T))


# ---------------------------------------------------------------------------
# a variable-coefficient Poisson residual on slices
# ---------------------------------------------------------------------------

def poisson_varcoef(u, kappa, f, h):
    kx = 0.5 * (kappa[1:, :] + kappa[:-1, :])
    ky = 0.5 * (kappa[:, 1:] + kappa[:, :-1])
    fx = kx * (u[1:, :] - u[:-1, :]) / h
    fy = ky * (u[:, 1:] - u[:, :-1]) / h
    div = (fx[1:, 1:-1] - fx[:-1, 1:-1] + fy[1:-1, 1:] - fy[1:-1, :-1]) / h
    r = div + f[1:-1, 1:-1]
    bc = np.sum(u[0] ** 2) + np.sum(u[-1] ** 2) + np.sum(u[:, 0] ** 2) + np.sum(u[:, -1] ** 2)
    return 0.5 * np.mean(r ** 2) + 0.5 * bc


def poisson_varcoef_grad(u, kappa, f, h):
    kx = 0.5 * (kappa[1:, :] + kappa[:-1, :])
    ky = 0.5 * (kappa[:, 1:] + kappa[:, :-1])
    dx = (u[1:, :] - u[:-1, :]) / h
    dy = (u[:, 1:] - u[:, :-1]) / h
    r = (kx[1:, 1:-1] * dx[1:, 1:-1] - kx[:-1, 1:-1] * dx[:-1, 1:-1]
         + ky[1:-1, 1:] * dy[1:-1, 1:] - ky[1:-1, :-1] * dy[1:-1, :-1]) / h + f[1:-1, 1:-1]
    g_div = r / (r.size * h)
    gfx = np.zeros_like(kx)
    gfx[1:, 1:-1] += g_div
    gfx[:-1, 1:-1] -= g_div
    gfy = np.zeros_like(ky)
    gfy[1:-1, 1:] += g_div
    gfy[1:-1, :-1] -= g_div
    gdx, gdy = gfx * kx / h, gfy * ky / h
    gu = np.zeros_like(u)
    gu[1:, :] += gdx
    gu[:-1, :] -= gdx
    gu[:, 1:] += gdy
    gu[:, :-1] -= gdy
    gu[0] += u[0]
    gu[-1] += u[-1]
    gu[:, 0] += u[:, 0]
    gu[:, -1] += u[:, -1]
    gkx, gky = 0.5 * gfx * dx, 0.5 * gfy * dy
    gk = np.zeros_like(kappa)
    gk[1:, :] += gkx
    gk[:-1, :] += gkx
    gk[:, 1:] += gky
    gk[:, :-1] += gky
    return gu, gk


def poisson_varcoef_args(size):
    n = 160 if size == "full" else 6
    r = _rng(1102)
    xs = np.linspace(0.0, 1.0, n)
    X, Y = np.meshgrid(xs, xs, indexing="ij")
    u = np.sin(np.pi * X) * np.sin(np.pi * Y) + 0.01 * r.standard_normal((n, n))
    kappa = 1.0 + 0.5 * X * Y + 0.05 * r.standard_normal((n, n))
    return u, kappa, 2.0 * np.pi ** 2 * u, 1.0 / (n - 1)


# ---------------------------------------------------------------------------
# Levenberg-Marquardt steps inside the loss
# ---------------------------------------------------------------------------

def logistic_curve(p, t):
    return p[0] / (1.0 + np.exp(-p[1] * (t - p[2])))


def lm_fit(theta, y, t, t_val, y_val, n_iter):
    lam = 1.0
    r = logistic_curve(theta, t) - y
    cost = np.sum(r ** 2)
    for _ in range(n_iter):
        K, rate, t0 = theta[0], theta[1], theta[2]
        s = 1.0 / (1.0 + np.exp(-rate * (t - t0)))
        ds = s * (1.0 - s)
        J = np.column_stack([s, K * ds * (t - t0), -K * rate * ds])
        A = J.T @ J
        step = np.linalg.solve(A + lam * np.diag(np.diag(A)), J.T @ r)
        trial = theta - step
        r_trial = logistic_curve(trial, t) - y
        c_trial = np.sum(r_trial ** 2)
        if c_trial < cost:
            theta, r, cost = trial, r_trial, c_trial
            lam = lam / 3.0
        else:
            lam = lam * 4.0
    return 0.5 * np.mean((logistic_curve(theta, t_val) - y_val) ** 2)


def _lm_pullback(theta, t, g_z, gK):
    """The model's parameter adjoint from the adjoint of ``z = rate (t - t0)`` and K's."""
    tm = t - theta[2]
    return np.array([gK, g_z @ tm, -theta[1] * np.sum(g_z)])


def lm_fit_grad(theta, y, t, t_val, y_val, n_iter):
    lam, tape = 1.0, []
    r = logistic_curve(theta, t) - y
    cost = r @ r
    for _ in range(n_iter):
        K, rate, t0 = theta
        tm = t - t0
        s = 1.0 / (1.0 + np.exp(-rate * tm))
        ds = s * (1.0 - s)
        J = np.column_stack([s, K * ds * tm, -K * rate * ds])
        A = J.T @ J
        H = A + lam * np.diag(np.diag(A))
        step = np.linalg.solve(H, J.T @ r)
        trial = theta - step
        r_trial = logistic_curve(trial, t) - y
        if r_trial @ r_trial < cost:
            tape.append((theta, s, ds, J, H, r, step, lam))
            theta, r, cost, lam = trial, r_trial, r_trial @ r_trial, lam / 3.0
        else:
            lam = lam * 4.0
    sv = 1.0 / (1.0 + np.exp(-theta[1] * (t_val - theta[2])))
    gr = (theta[0] * sv - y_val) / y_val.shape[0]
    g_theta = _lm_pullback(theta, t_val, gr * theta[0] * sv * (1.0 - sv), gr @ sv)
    g_y = np.zeros_like(y)
    for theta, s, ds, J, H, r, step, lam in reversed(tape):
        K, rate, t0 = theta
        tm = t - t0
        u = -np.linalg.solve(H, g_theta)  # the step's adjoint solve (H symmetric)
        gH = -np.outer(u, step)
        gA = gH + gH.T + 2.0 * lam * np.diag(np.diag(gH))
        gJ = J @ gA + np.outer(r, u)  # from J.T @ J and J.T @ r
        gr = J @ u
        g_y -= gr
        dds = ds * (1.0 - 2.0 * s)
        g_z = (gJ[:, 0] * ds + K * dds * (gJ[:, 1] * tm - rate * gJ[:, 2]) + gr * K * ds)
        gK = ds @ (gJ[:, 1] * tm - rate * gJ[:, 2]) + gr @ s
        g_theta = g_theta + _lm_pullback(theta, t, g_z, gK) + np.array(
            [0.0, -K * (ds @ gJ[:, 2]), -K * (ds @ gJ[:, 1])])
    return g_theta, g_y


def lm_fit_args(size):
    n, n_val, n_iter = (2000, 500, 6) if size == "full" else (9, 5, 4)
    r = _rng(1103)
    t, t_val = np.linspace(0.0, 10.0, n), r.uniform(0.0, 10.0, n_val)
    truth = np.array([3.0, 1.2, 5.0])
    y = logistic_curve(truth, t) + 0.05 * r.standard_normal(n)
    y_val = logistic_curve(truth, t_val) + 0.05 * r.standard_normal(n_val)
    return np.array([1.0, 0.2, 2.0]), y, t, t_val, y_val, n_iter


# ---------------------------------------------------------------------------
# a natural cubic spline evaluated by searchsorted
# ---------------------------------------------------------------------------

def cubic_spline(yk, xq, xk, target):
    n = xk.shape[0]
    h = np.diff(xk)
    A = np.diag(2.0 * (h[:-1] + h[1:])) + np.diag(h[1:-1], 1) + np.diag(h[1:-1], -1)
    d = 6.0 * ((yk[2:] - yk[1:-1]) / h[1:] - (yk[1:-1] - yk[:-2]) / h[:-1])
    M = np.zeros(n)
    M[1:-1] = np.linalg.solve(A, d)
    i = np.clip(np.searchsorted(xk, xq) - 1, 0, n - 2)
    hi = h[i]
    a = (xk[i + 1] - xq) / hi
    b = (xq - xk[i]) / hi
    s = a * yk[i] + b * yk[i + 1] + ((a ** 3 - a) * M[i] + (b ** 3 - b) * M[i + 1]) * hi ** 2 / 6.0
    return np.mean((s - target) ** 2)


def cubic_spline_functional(yk, xq, xk, target):
    n = xk.shape[0]
    h = np.diff(xk)
    A = np.diag(2.0 * (h[:-1] + h[1:])) + np.diag(h[1:-1], 1) + np.diag(h[1:-1], -1)
    d = 6.0 * ((yk[2:] - yk[1:-1]) / h[1:] - (yk[1:-1] - yk[:-2]) / h[:-1])
    M = np.concatenate([np.zeros(1), np.linalg.solve(A, d), np.zeros(1)])
    i = np.clip(np.searchsorted(xk, xq) - 1, 0, n - 2)
    hi = h[i]
    a = (xk[i + 1] - xq) / hi
    b = (xq - xk[i]) / hi
    s = a * yk[i] + b * yk[i + 1] + ((a ** 3 - a) * M[i] + (b ** 3 - b) * M[i + 1]) * hi ** 2 / 6.0
    return np.mean((s - target) ** 2)


def cubic_spline_grad(yk, xq, xk, target):
    n = xk.shape[0]
    h = np.diff(xk)
    A = np.diag(2.0 * (h[:-1] + h[1:])) + np.diag(h[1:-1], 1) + np.diag(h[1:-1], -1)
    D = np.diff(yk) / h
    M = np.zeros(n)
    M[1:-1] = np.linalg.solve(A, 6.0 * np.diff(D))
    i = np.clip(np.searchsorted(xk, xq) - 1, 0, n - 2)
    hi = h[i]
    a = (xk[i + 1] - xq) / hi
    b = 1.0 - a
    c = hi * hi / 6.0
    s = a * yk[i] + b * yk[i + 1] + ((a ** 3 - a) * M[i] + (b ** 3 - b) * M[i + 1]) * c
    gs = (s - target) * (2.0 / xq.shape[0])
    g_yk = np.bincount(i, gs * a, n) + np.bincount(i + 1, gs * b, n)
    gM = np.bincount(i, gs * (a ** 3 - a) * c, n) + np.bincount(i + 1, gs * (b ** 3 - b) * c, n)
    gD = np.zeros(n - 1)
    g_diff = 6.0 * np.linalg.solve(A, gM[1:-1])  # A symmetric
    gD[1:] += g_diff
    gD[:-1] -= g_diff
    gD /= h
    g_yk[1:] += gD
    g_yk[:-1] -= gD
    ds_db = yk[i + 1] + (3.0 * b * b - 1.0) * M[i + 1] * c
    ds_da = yk[i] + (3.0 * a * a - 1.0) * M[i] * c
    return g_yk, gs * (ds_db - ds_da) / hi


def cubic_spline_args(size):
    n, m = (120, 20000) if size == "full" else (6, 9)
    r = _rng(1104)
    xk = np.sort(r.uniform(0.0, 10.0, n))
    xk[0], xk[-1] = 0.0, 10.0
    j = r.integers(0, n - 1, m)  # (queries off the knots: the finite-difference check
    xq = xk[j] + r.uniform(0.02, 0.98, m) * (xk[j + 1] - xk[j])  # steps over none)
    return np.sin(xk) + 0.1 * r.standard_normal(n), xq, xk, np.sin(xq)


# ---------------------------------------------------------------------------
# a mass-spring cloth with index arrays
# ---------------------------------------------------------------------------

def cloth(k, v0, x0, ei, ej, rest, free, target, dt, n_steps):
    x, v = x0, v0
    gravity = np.array([0.0, 0.0, -9.8])
    for _ in range(n_steps):
        d = x[ej] - x[ei]
        L = np.sqrt(np.sum(d * d, axis=1))
        f = (k * (L - rest) / L)[:, None] * d
        F = np.zeros_like(x)
        np.add.at(F, ei, f)
        np.add.at(F, ej, -f)
        v = 0.99 * (v + dt * (F + gravity)) * free[:, None]
        x = x + dt * v
    return np.sum((x - target) ** 2)


def cloth_functional(k, v0, x0, ei, ej, rest, free, target, dt, n_steps):
    x, v = x0, v0
    gravity = np.array([0.0, 0.0, -9.8])
    I = np.eye(x0.shape[0])
    D = I[ei] - I[ej]  # the incidence matrix: forces without np.add.at
    for _ in range(n_steps):
        d = x[ej] - x[ei]
        L = np.sqrt(np.sum(d * d, axis=1))
        F = D.T @ ((k * (L - rest) / L)[:, None] * d)
        v = 0.99 * (v + dt * (F + gravity)) * free[:, None]
        x = x + dt * v
    return np.sum((x - target) ** 2)


def _scatter(index, rows, n):
    """``out[index[e]] += rows[e]`` into ``n`` rows by one ``np.bincount`` of flat
    positions."""
    flat = (index[:, None] * 3 + np.arange(3)).ravel()
    return np.bincount(flat, weights=rows.ravel(), minlength=3 * n).reshape(n, 3)


def cloth_grad(k, v0, x0, ei, ej, rest, free, target, dt, n_steps):
    n = x0.shape[0]
    x, v, tape = x0, v0, []
    keep = 0.99 * free[:, None]
    for _ in range(n_steps):
        d = x[ej] - x[ei]
        L = np.sqrt(np.einsum("ij,ij->i", d, d))
        w = k * (1.0 - rest / L)
        tape.append((d, L, w))
        gd = w[:, None] * d
        v = keep * (v + dt * (_scatter(ei, gd, n) - _scatter(ej, gd, n) + [0.0, 0.0, -9.8]))
        x = x + dt * v
    gx = 2.0 * (x - target)
    gv = np.zeros_like(v0)
    gk = np.zeros_like(k)
    for d, L, w in reversed(tape):
        gv = keep * (gv + dt * gx)
        gF = dt * gv
        gf = gF[ei] - gF[ej]
        dg = np.einsum("ij,ij->i", d, gf)
        gk += (1.0 - rest / L) * dg
        gd = w[:, None] * gf + (k * rest / L ** 3 * dg)[:, None] * d
        gx = gx + _scatter(ej, gd, n) - _scatter(ei, gd, n)
    return gk, gv


def _grid_edges(side):
    idx = np.arange(side * side).reshape(side, side)
    pairs = [(idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :]),
             (idx[:-1, :-1], idx[1:, 1:]), (idx[:-1, 1:], idx[1:, :-1])]
    return (np.concatenate([a.ravel() for a, _ in pairs]),
            np.concatenate([b.ravel() for _, b in pairs]))


def cloth_args(size):
    side, n_steps = (16, 30) if size == "full" else (3, 8)
    r = _rng(1105)
    g = np.linspace(0.0, 1.0, side)
    X, Y = np.meshgrid(g, g, indexing="ij")
    x0 = np.stack([X.ravel(), Y.ravel(), np.zeros(side * side)], axis=1)
    ei, ej = _grid_edges(side)
    rest = np.linalg.norm(x0[ej] - x0[ei], axis=1)
    free = np.ones(side * side)
    free[[0, side - 1]] = 0.0
    k = 200.0 * (1.0 + 0.1 * r.standard_normal(ei.shape[0]))
    v0 = 0.1 * r.standard_normal((side * side, 3)) * free[:, None]
    target = x0 + 0.05 * r.standard_normal(x0.shape)
    return k, v0, x0, ei, ej, rest, free, target, 0.01, n_steps


# ---------------------------------------------------------------------------
# softmax regression with label smoothing and weight decay
# ---------------------------------------------------------------------------

def softmax_smooth(W, b, X, labels, eps, wd):
    n, K = X.shape[0], W.shape[1]
    logits = X @ W + b
    logits = logits - np.max(logits, axis=1, keepdims=True)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    targets = (1.0 - eps) * np.eye(K)[labels] + eps / K
    return -np.sum(targets * logp) / n + 0.5 * wd * np.sum(W * W)


def softmax_smooth_grad(W, b, X, labels, eps, wd):
    n, K = X.shape[0], W.shape[1]
    G = _softmax_rows(X @ W + b) - eps / K
    G[np.arange(n), labels] -= 1.0 - eps
    G /= n
    return X.T @ G + wd * W, G.sum(axis=0)


def softmax_smooth_args(size):
    n, d, K = (4000, 64, 10) if size == "full" else (7, 3, 4)
    r = _rng(1106)
    X = r.standard_normal((n, d))
    labels = np.argmax(X @ r.standard_normal((d, K)) + r.standard_normal((n, K)), axis=1)
    return 0.1 * r.standard_normal((d, K)), np.zeros(K), X, labels, 0.1, 1e-3


# ---------------------------------------------------------------------------
# EM steps of a 1-D Gaussian mixture inside the loss
# ---------------------------------------------------------------------------

def gmm_em(mu, var, w, x, x_val, n_iter):
    for _ in range(n_iter):
        logp = np.log(w) - 0.5 * np.log(2.0 * np.pi * var) - 0.5 * (x[:, None] - mu) ** 2 / var
        m = np.max(logp, axis=1, keepdims=True)
        r = np.exp(logp - m)
        r = r / np.sum(r, axis=1, keepdims=True)
        nk = np.sum(r, axis=0)
        mu = r.T @ x / nk
        var = np.sum(r * (x[:, None] - mu) ** 2, axis=0) / nk
        w = nk / x.shape[0]
    logp = np.log(w) - 0.5 * np.log(2.0 * np.pi * var) - 0.5 * (x_val[:, None] - mu) ** 2 / var
    m = np.max(logp, axis=1)
    return -np.mean(m + np.log(np.sum(np.exp(logp - m[:, None]), axis=1)))


def _gmm_logp(mu, var, w, x):
    return np.log(w) - 0.5 * np.log(2.0 * np.pi * var) - 0.5 * (x[:, None] - mu) ** 2 / var


def _gmm_logp_adjoint(g_logp, mu, var, w, x):
    """The adjoints of the means, variances and weights from that of the log densities."""
    z = (x[:, None] - mu) / var
    return (np.sum(g_logp * z, axis=0), 0.5 * np.sum(g_logp * (z * z - 1.0 / var), axis=0),
            np.sum(g_logp, axis=0) / w)


def gmm_em_grad(mu, var, w, x, x_val, n_iter):
    tape = []
    for _ in range(n_iter):
        r = _softmax_rows(_gmm_logp(mu, var, w, x))
        nk = r.sum(axis=0)
        tape.append((mu, var, w, r, nk))
        mu = x @ r / nk
        var = np.sum(r * (x[:, None] - mu) ** 2, axis=0) / nk
        w = nk / x.shape[0]
    g_mu, g_var, g_w = _gmm_logp_adjoint(
        -_softmax_rows(_gmm_logp(mu, var, w, x_val)) / x_val.shape[0], mu, var, w, x_val)
    for mu_in, var_in, w_in, r, nk in reversed(tape):
        a, c = g_mu / nk, g_var / nk  # (mu's own adjoint from var's is zero: sum r (x - mu) = 0)
        g_nk = g_w / x.shape[0] - a * mu - c * var
        g_r = a * x[:, None] + c * (x[:, None] - mu) ** 2 + g_nk
        g_logp = r * (g_r - np.sum(r * g_r, axis=1, keepdims=True))
        mu, var, w = mu_in, var_in, w_in
        g_mu, g_var, g_w = _gmm_logp_adjoint(g_logp, mu, var, w, x)
    return g_mu, g_var, g_w


def gmm_em_args(size):
    n, K, n_iter = (3000, 5, 8) if size == "full" else (11, 2, 2)
    r = _rng(1107)
    centres = np.linspace(-0.8, 0.8, K) * K  # overlapping: responsibilities not 0 or 1
    x = centres[r.integers(0, K, n)] + 0.7 * r.standard_normal(n)
    x_val = centres[r.integers(0, K, n // 3)] + 0.7 * r.standard_normal(n // 3)
    return (centres + 0.5 * r.standard_normal(K), r.uniform(0.5, 1.5, K), np.full(K, 1.0 / K),
            x, x_val, n_iter)


# ---------------------------------------------------------------------------
# least squares by QR
# ---------------------------------------------------------------------------

def qr_lstsq(A, b, A_val, b_val, alpha):
    Q, R = np.linalg.qr(A)
    coef = np.linalg.solve(R, Q.T @ b)
    resid = b - A @ coef
    return np.mean((A_val @ coef - b_val) ** 2) + alpha * np.mean(resid ** 2)


def qr_lstsq_grad(A, b, A_val, b_val, alpha):
    Q, R = np.linalg.qr(A)
    coef = solve_triangular(R, Q.T @ b)
    resid = b - A @ coef
    g_coef = A_val.T @ (A_val @ coef - b_val) * (2.0 / b_val.shape[0])
    z = solve_triangular(R, g_coef, trans="T")  # (A.T A)^-1 g = R^-1 R^-T g
    u = solve_triangular(R, z)
    Qz = Q @ z
    g_res = resid * (2.0 * alpha / b.shape[0])  # A.T resid = 0: no term in coef
    return np.outer(resid, u) - np.outer(Qz + g_res, coef), Qz + g_res


def qr_lstsq_args(size):
    n, p = (3000, 30) if size == "full" else (8, 3)
    r = _rng(1108)
    A, A_val = r.standard_normal((n, p)), r.standard_normal((n // 2, p))
    beta = r.standard_normal(p)
    return (A, A @ beta + 0.3 * r.standard_normal(n), A_val,
            A_val @ beta + 0.3 * r.standard_normal(n // 2), 0.5)


# ---------------------------------------------------------------------------
# bilinear attention with a causal mask by np.where
# ---------------------------------------------------------------------------

def bilinear_attn(W, V, Q, K, mask, target):
    s = Q @ W @ K.T / np.sqrt(W.shape[0])
    s = np.where(mask, s, -1e9)
    s = s - np.max(s, axis=1, keepdims=True)
    p = np.exp(s)
    p = p / np.sum(p, axis=1, keepdims=True)
    out = p @ K @ V
    return 0.5 * np.sum((out - target) ** 2)


def bilinear_attn_grad(W, V, Q, K, mask, target):
    scale = 1.0 / np.sqrt(W.shape[0])
    p = _softmax_rows(np.where(mask, (Q @ W) @ K.T * scale, -1e9))  # (the function's)
    pK = p @ K
    g_out = pK @ V - target
    gp = g_out @ (K @ V).T
    gs = p * (gp - np.sum(p * gp, axis=1, keepdims=True))  # zero where masked (p is)
    return (Q.T @ (gs @ K)) * scale, pK.T @ g_out


def bilinear_attn_args(size):
    n, d = (256, 32) if size == "full" else (5, 3)
    r = _rng(1109)
    return (r.standard_normal((d, d)) / np.sqrt(d), r.standard_normal((d, d)) / np.sqrt(d),
            r.standard_normal((n, d)), r.standard_normal((n, d)), np.tril(np.ones((n, n), bool)),
            r.standard_normal((n, d)))


# ---------------------------------------------------------------------------
# an AR(p) likelihood as a scalar loop
# ---------------------------------------------------------------------------

def ar_loglik(phi, c, log_sigma, y):
    p = phi.shape[0]
    sigma2 = np.exp(2.0 * log_sigma)
    nll = 0.0
    for t in range(p, y.shape[0]):
        pred = c
        for k in range(p):
            pred = pred + phi[k] * y[t - k - 1]
        e = y[t] - pred
        nll = nll + 0.5 * e * e / sigma2
    n = y.shape[0] - p
    return nll + n * log_sigma + 0.5 * n * np.log(2.0 * np.pi)


def ar_loglik_grad(phi, c, log_sigma, y):
    p = phi.shape[0]
    sigma2 = np.exp(2.0 * log_sigma)
    g_phi = [0.0] * p
    gc = ss = 0.0
    for t in range(p, y.shape[0]):
        pred = c
        for k in range(p):
            pred = pred + phi[k] * y[t - k - 1]
        e = y[t] - pred
        ss += e * e
        ge = -e / sigma2
        gc += ge
        for k in range(p):
            g_phi[k] += ge * y[t - k - 1]
    return np.array(g_phi), gc, (y.shape[0] - p) - ss / sigma2


def ar_loglik_args(size):
    T, p = (400, 4) if size == "full" else (9, 2)
    r = _rng(1110)
    y = np.zeros(T)
    true_phi = np.array([0.5, -0.2, 0.1, 0.05])[:p]
    for t in range(p, T):
        y[t] = 0.3 + true_phi @ y[t - p:t][::-1] + 0.5 * r.standard_normal()
    return 0.1 * r.standard_normal(p), 0.0, np.log(0.6), y


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("hmm_backward", "HMM backward pass in log space: a loop over time reading "
          "logB[:, obs[t + 1]], log-softmax parameters", (0, 1, 2),
          ("16 states, 12 symbols, 300 steps", "3, 4, 5")),
    _spec("poisson_varcoef", "2-D variable-coefficient Poisson residual by finite "
          "differences on slices, a boundary penalty", (0, 1), ("160 x 160", "6 x 6")),
    _spec("lm_fit", "Levenberg-Marquardt steps of a logistic fit unrolled: accept/reject "
          "if, np.column_stack Jacobian, a solve per step", (0, 1),
          ("2000 points, 6 steps", "9 points, 4 steps")),
    _spec("cubic_spline", "natural cubic spline (tridiagonal solve) evaluated by "
          "np.searchsorted, gradient wrt knot values and queries", (0, 1),
          ("120 knots, 20000 queries", "6 knots, 9 queries")),
    _spec("cloth", "mass-spring cloth by semi-implicit Euler: springs by index arrays, "
          "forces by np.add.at, pinned mask", (0, 1),
          ("16 x 16 nodes, 30 steps", "3 x 3, 8 steps")),
    _spec("softmax_smooth", "softmax regression with label smoothing (np.eye(K)[labels]) "
          "and weight decay", (0, 1), ("4000 x 64, 10 classes", "7 x 3, 4")),
    _spec("gmm_em", "EM steps of a 1-D Gaussian mixture unrolled inside a validation "
          "log-likelihood", (0, 1, 2), ("3000 points, 5 components, 8 steps", "11, 2, 2")),
    _spec("qr_lstsq", "least squares by np.linalg.qr and a solve with R: validation loss "
          "plus the training residual", (0, 1), ("3000 x 30", "8 x 3")),
    _spec("bilinear_attn", "bilinear attention Q @ W @ K.T with a causal mask by np.where",
          (0, 1), ("256 x 256, width 32", "5 x 5, 3")),
    _spec("ar_loglik", "AR(p) Gaussian likelihood: a scalar loop over time, an inner loop "
          "over the lags", (0, 1, 2), ("400 points, 4 lags", "9 points, 2 lags")),
]
