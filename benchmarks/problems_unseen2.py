"""Problems written in session 37 as users write them, of kinds the suite did not cover
(issue 13: speed on code s2sad was not tuned for):

* ``chol_loops``: a Cholesky factorisation and a forward substitution written as Python
  loops over a small matrix, ``s = s - L[i, k] * L[j, k]``; a log-determinant and a
  quadratic form from them;
* ``soft_dtw``: soft dynamic time warping, a table ``R[i, j]`` filled by a soft minimum
  (a log-sum-exp of three neighbours shifted by the builtin ``max``);
* ``garch``: a GARCH(1,1) negative log-likelihood, a scalar recursion reading the
  parameters ``theta[0]`` and the returns ``r[t]``;
* ``power_iter``: the top eigenvalue of ``A.T @ A`` by power iteration, a Rayleigh
  quotient of the last iterate;
* ``soft_kmeans``: soft k-means (EM) steps unrolled, a distance of broadcast views, a
  shifted softmax, centres as weighted means;
* ``mc_asian``: a Monte-Carlo path simulation of an Asian option, a loop over time steps
  vectorised over the paths, parameters as Python floats;
* ``diffusion_loops``: a nonlinear 2-D diffusion step as an ``i, j`` index loop over the
  interior, ``new = u.copy()`` each step;
* ``minibatch_softmax``: softmax regression, the loss summed over mini-batches
  ``X[s:s + batch]`` in a loop stepping by the batch size.

The hand-written gradients are what an expert writes for the same code: a reverse sweep
of the same loops on the same kinds of values (NumPy scalars read by indexing), a tangent
recursion where that is the cheaper way (``garch``, ``mc_asian``), vectorised where the
function is.  ``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# Cholesky and forward substitution as loops
# ---------------------------------------------------------------------------

def chol_loops(A, b):
    n = A.shape[0]
    L = np.zeros((n, n))
    for j in range(n):
        s = A[j, j]
        for k in range(j):
            s = s - L[j, k] * L[j, k]
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, n):
            s = A[i, j]
            for k in range(j):
                s = s - L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
    z = np.zeros(n)
    for i in range(n):
        s = b[i]
        for k in range(i):
            s = s - L[i, k] * z[k]
        z[i] = s / L[i, i]
    logdet = 0.0
    for i in range(n):
        logdet = logdet + np.log(L[i, i])
    return 2.0 * logdet + z @ z


def _chol_factor(A):
    n = A.shape[0]
    L = np.zeros((n, n))
    for j in range(n):
        s = A[j, j]
        for k in range(j):
            s = s - L[j, k] * L[j, k]
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, n):
            s = A[i, j]
            for k in range(j):
                s = s - L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
    return L


def chol_loops_grad(A, b):
    n = A.shape[0]
    L = _chol_factor(A)
    z = np.zeros(n)
    for i in range(n):
        s = b[i]
        for k in range(i):
            s = s - L[i, k] * z[k]
        z[i] = s / L[i, i]
    gL = np.zeros((n, n))
    gz = 2.0 * z
    gb = np.zeros(n)
    for i in range(n - 1, -1, -1):
        gs = gz[i] / L[i, i]
        gL[i, i] += 2.0 / L[i, i] - gs * z[i]
        gb[i] = gs
        for k in range(i):
            gL[i, k] -= gs * z[k]
            gz[k] -= gs * L[i, k]
    gA = np.zeros((n, n))
    for j in range(n - 1, -1, -1):
        for i in range(n - 1, j, -1):
            gs = gL[i, j] / L[j, j]
            gL[j, j] -= gs * L[i, j]
            gA[i, j] = gs
            for k in range(j):
                gL[i, k] -= gs * L[j, k]
                gL[j, k] -= gs * L[i, k]
        gs = 0.5 * gL[j, j] / L[j, j]
        gA[j, j] = gs
        for k in range(j):
            gL[j, k] -= 2.0 * gs * L[j, k]
    return gA, gb


def chol_loops_args(size):
    n = 12 if size == "full" else 4
    r = _rng(371)
    M = r.standard_normal((n, n))
    return M @ M.T + n * np.eye(n), r.standard_normal(n)


# ---------------------------------------------------------------------------
# soft dynamic time warping
# ---------------------------------------------------------------------------

def soft_dtw(x, y, gamma):
    n = x.shape[0]
    m = y.shape[0]
    C = (x[:, None] - y[None, :]) ** 2
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            a = -R[i - 1, j - 1] / gamma
            b = -R[i - 1, j] / gamma
            c = -R[i, j - 1] / gamma
            mx = max(a, b, c)
            lse = mx + np.log(np.exp(a - mx) + np.exp(b - mx) + np.exp(c - mx))
            R[i, j] = C[i - 1, j - 1] - gamma * lse
    return R[n, m]


def soft_dtw_grad(x, y, gamma):
    n = x.shape[0]
    m = y.shape[0]
    C = (x[:, None] - y[None, :]) ** 2
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    W = np.zeros((n + 1, m + 1, 3))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            a = -R[i - 1, j - 1] / gamma
            b = -R[i - 1, j] / gamma
            c = -R[i, j - 1] / gamma
            mx = max(a, b, c)
            ea = np.exp(a - mx)
            eb = np.exp(b - mx)
            ec = np.exp(c - mx)
            total = ea + eb + ec
            R[i, j] = C[i - 1, j - 1] - gamma * (mx + np.log(total))
            W[i, j, 0] = ea / total
            W[i, j, 1] = eb / total
            W[i, j, 2] = ec / total
    gR = np.zeros((n + 1, m + 1))
    gR[n, m] = 1.0
    for i in range(n, 0, -1):
        for j in range(m, 0, -1):
            g = gR[i, j]
            gR[i - 1, j - 1] += g * W[i, j, 0]
            gR[i - 1, j] += g * W[i, j, 1]
            gR[i, j - 1] += g * W[i, j, 2]
    gC = gR[1:, 1:]
    diff = 2.0 * gC * (x[:, None] - y[None, :])
    return np.sum(diff, axis=1), -np.sum(diff, axis=0)


def soft_dtw_args(size):
    n, m = (40, 35) if size == "full" else (4, 3)
    r = _rng(372)
    return (np.sin(np.linspace(0.0, 6.0, n)) + 0.1 * r.standard_normal(n),
            np.sin(np.linspace(0.3, 6.3, m)), 0.5)


# ---------------------------------------------------------------------------
# a GARCH(1,1) likelihood
# ---------------------------------------------------------------------------

def garch(theta, r):
    omega = theta[0]
    alpha = theta[1]
    beta = theta[2]
    s2 = np.var(r)
    nll = 0.0
    for t in range(1, r.shape[0]):
        s2 = omega + alpha * r[t - 1] ** 2 + beta * s2
        nll = nll + 0.5 * (np.log(s2) + r[t] ** 2 / s2)
    return nll / (r.shape[0] - 1)


def garch_grad(theta, r):
    omega = theta[0]
    alpha = theta[1]
    beta = theta[2]
    s2 = np.var(r)
    d_omega = d_alpha = d_beta = 0.0
    g_omega = g_alpha = g_beta = 0.0
    for t in range(1, r.shape[0]):
        prev = s2
        r2 = r[t - 1] ** 2
        s2 = omega + alpha * r2 + beta * prev
        d_omega = 1.0 + beta * d_omega
        d_alpha = r2 + beta * d_alpha
        d_beta = prev + beta * d_beta
        w = 0.5 * (1.0 - r[t] ** 2 / s2) / s2
        g_omega += w * d_omega
        g_alpha += w * d_alpha
        g_beta += w * d_beta
    n = r.shape[0] - 1
    return (np.array([g_omega, g_alpha, g_beta]) / n,)


def garch_args(size):
    n = 1000 if size == "full" else 8
    r = _rng(373)
    return np.array([0.05, 0.1, 0.85]), r.standard_normal(n) * 0.8


# ---------------------------------------------------------------------------
# power iteration for the top eigenvalue
# ---------------------------------------------------------------------------

def power_iter(A, v0, steps):
    M = A.T @ A
    v = v0 / np.linalg.norm(v0)
    for _ in range(steps):
        w = M @ v
        v = w / np.linalg.norm(w)
    return v @ M @ v


def power_iter_grad(A, v0, steps):
    M = A.T @ A
    v = v0 / np.linalg.norm(v0)
    tape = []
    for _ in range(steps):
        w = M @ v
        nw = np.linalg.norm(w)
        tape.append((v, nw))
        v = w / nw
    gM = np.outer(v, v)
    gv = 2.0 * (M @ v)
    for k in range(steps - 1, -1, -1):
        v_prev, nw = tape[k]
        v_next = M @ v_prev / nw
        gw = (gv - v_next * (v_next @ gv)) / nw
        gM += np.outer(gw, v_prev)
        gv = M @ gw
    return (A @ (gM + gM.T),)


def power_iter_args(size):
    m, n, steps = (60, 40, 30) if size == "full" else (5, 4, 3)
    r = _rng(374)
    return r.standard_normal((m, n)) / np.sqrt(m), r.standard_normal(n), steps


# ---------------------------------------------------------------------------
# soft k-means steps unrolled
# ---------------------------------------------------------------------------

def soft_kmeans(C, X, beta, iters):
    for _ in range(iters):
        d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
        logits = -beta * d
        logits = logits - np.max(logits, axis=1, keepdims=True)
        R = np.exp(logits)
        R = R / np.sum(R, axis=1, keepdims=True)
        C = (R.T @ X) / np.sum(R, axis=0)[:, None]
    d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    return np.mean(np.min(d, axis=1))


def soft_kmeans_grad(C, X, beta, iters):
    n = X.shape[0]
    tape = []
    for _ in range(iters):
        d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
        logits = -beta * d
        R = np.exp(logits - np.max(logits, axis=1, keepdims=True))
        R /= np.sum(R, axis=1, keepdims=True)
        s = np.sum(R, axis=0)
        tape.append((C, R, s))
        C = (R.T @ X) / s[:, None]
    d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    gd = np.zeros_like(d)
    gd[np.arange(n), np.argmin(d, axis=1)] = 1.0 / n
    gC = 2.0 * (np.sum(gd, axis=0)[:, None] * C - gd.T @ X)
    for k in range(iters - 1, -1, -1):
        C_prev, R, s = tape[k]
        gN = gC / s[:, None]
        gR = X @ gN.T - np.sum(gN * C, axis=1)
        gd = (-beta) * R * (gR - np.sum(gR * R, axis=1, keepdims=True))
        gC = 2.0 * (np.sum(gd, axis=0)[:, None] * C_prev - gd.T @ X)
        C = C_prev
    return (gC,)


def soft_kmeans_args(size):
    n, k, dim, iters = (500, 8, 3, 5) if size == "full" else (12, 3, 2, 2)
    r = _rng(375)
    X = r.standard_normal((n, dim)) + 3.0 * r.integers(0, 3, (n, 1))
    return X[r.choice(n, k, replace=False)] + 0.1 * r.standard_normal((k, dim)), X, 0.5, iters


# ---------------------------------------------------------------------------
# Monte-Carlo paths of an Asian option
# ---------------------------------------------------------------------------

def mc_asian(S0, mu, sigma, Z, dt, K):
    steps, paths = Z.shape
    S = np.full(paths, S0)
    total = np.zeros(paths)
    for t in range(steps):
        S = S * np.exp((mu - 0.5 * sigma ** 2) * dt + sigma * np.sqrt(dt) * Z[t])
        total = total + S
    payoff = np.maximum(total / steps - K, 0.0)
    return np.exp(-mu * steps * dt) * np.mean(payoff)


def mc_asian_grad(S0, mu, sigma, Z, dt, K):
    steps, paths = Z.shape
    S = np.full(paths, S0)
    total = np.zeros(paths)
    cum_z = np.zeros(paths)
    t_sigma = np.zeros(paths)
    t_mu = np.zeros(paths)
    root = np.sqrt(dt)
    for t in range(steps):
        S = S * np.exp((mu - 0.5 * sigma ** 2) * dt + sigma * root * Z[t])
        total += S
        cum_z += Z[t]
        t_sigma += S * (root * cum_z - sigma * dt * (t + 1))
        t_mu += ((t + 1) * dt) * S
    disc = np.exp(-mu * steps * dt)
    excess = total / steps - K
    on = (excess > 0.0) * (disc / (paths * steps))
    payoff = np.mean(np.maximum(excess, 0.0))
    return on @ total / S0, on @ t_mu - steps * dt * disc * payoff, on @ t_sigma


def mc_asian_args(size):
    steps, paths = (50, 2000) if size == "full" else (4, 6)
    r = _rng(376)
    return 100.0, 0.05, 0.2, r.standard_normal((steps, paths)), 1.0 / 50, 98.0


# ---------------------------------------------------------------------------
# a nonlinear 2-D diffusion as an index loop
# ---------------------------------------------------------------------------

def diffusion_loops(u0, kappa, steps):
    n, m = u0.shape
    u = u0.copy()
    for _ in range(steps):
        new = u.copy()
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                lap = u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * u[i, j]
                new[i, j] = u[i, j] + kappa[i, j] * lap - 0.1 * u[i, j] ** 3
        u = new
    return np.sum(u ** 2)


def diffusion_loops_grad(u0, kappa, steps):
    n, m = u0.shape
    u = u0.copy()
    states = []
    for _ in range(steps):
        states.append(u)
        new = u.copy()
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                lap = u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * u[i, j]
                new[i, j] = u[i, j] + kappa[i, j] * lap - 0.1 * u[i, j] ** 3
        u = new
    gu = 2.0 * u
    gk = np.zeros_like(kappa)
    for step in range(steps - 1, -1, -1):
        u = states[step]
        g_new = gu
        gu = g_new.copy()
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                g = g_new[i, j]
                lap = u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * u[i, j]
                gk[i, j] += g * lap
                gl = g * kappa[i, j]
                gu[i - 1, j] += gl
                gu[i + 1, j] += gl
                gu[i, j - 1] += gl
                gu[i, j + 1] += gl
                gu[i, j] -= 4.0 * gl + 0.3 * g * u[i, j] ** 2
    return gu, gk


def diffusion_loops_args(size):
    n, steps = (16, 10) if size == "full" else (4, 2)
    r = _rng(377)
    return 0.5 * r.standard_normal((n, n)), 0.1 + 0.05 * r.uniform(0.0, 1.0, (n, n)), steps


# ---------------------------------------------------------------------------
# softmax regression summed over mini-batches
# ---------------------------------------------------------------------------

def minibatch_softmax(W, b, X, Y, batch):
    n = X.shape[0]
    loss = 0.0
    for s in range(0, n, batch):
        logits = X[s:s + batch] @ W + b
        logits = logits - np.max(logits, axis=1, keepdims=True)
        logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
        loss = loss - np.sum(Y[s:s + batch] * logp)
    return loss / n + 1e-3 * np.sum(W * W)


def minibatch_softmax_grad(W, b, X, Y, batch):
    n = X.shape[0]
    gW = 2e-3 * W
    gb = np.zeros_like(b)
    for s in range(0, n, batch):
        Xb = X[s:s + batch]
        Yb = Y[s:s + batch]
        p = np.exp(Xb @ W + b - np.max(Xb @ W + b, axis=1, keepdims=True))
        p /= np.sum(p, axis=1, keepdims=True)
        gl = (p * np.sum(Yb, axis=1, keepdims=True) - Yb) / n
        gW += Xb.T @ gl
        gb += np.sum(gl, axis=0)
    return gW, gb


def minibatch_softmax_args(size):
    n, d, c, batch = (2048, 32, 10, 128) if size == "full" else (10, 3, 3, 4)
    r = _rng(378)
    X = r.standard_normal((n, d))
    Y = np.eye(c)[r.integers(0, c, n)]
    return 0.1 * r.standard_normal((d, c)), 0.1 * r.standard_normal(c), X, Y, batch


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "chol_loops", "title": "Cholesky and forward substitution as Python loops, "
     "log-det + quadratic form", "func": chol_loops, "hand_grad": chol_loops_grad,
     "make_args": chol_loops_args, "wrt": (0, 1),
     "sizes": {"full": "12 x 12", "smoke": "4 x 4"}},
    {"name": "soft_dtw", "title": "soft dynamic time warping: a table of soft minima",
     "func": soft_dtw, "hand_grad": soft_dtw_grad, "make_args": soft_dtw_args,
     "wrt": (0, 1), "sizes": {"full": "40 x 35", "smoke": "4 x 3"}},
    {"name": "garch", "title": "GARCH(1,1) likelihood: a scalar recursion reading "
     "theta[0] and r[t]", "func": garch, "hand_grad": garch_grad, "make_args": garch_args,
     "wrt": (0,), "sizes": {"full": "1000 returns", "smoke": "8 returns"}},
    {"name": "power_iter", "title": "top eigenvalue of A.T @ A by power iteration",
     "func": power_iter, "hand_grad": power_iter_grad, "make_args": power_iter_args,
     "wrt": (0,), "sizes": {"full": "60 x 40, 30 steps", "smoke": "5 x 4, 3 steps"}},
    {"name": "soft_kmeans", "title": "soft k-means steps unrolled, min distance loss",
     "func": soft_kmeans, "hand_grad": soft_kmeans_grad, "make_args": soft_kmeans_args,
     "wrt": (0,), "sizes": {"full": "500 points, 8 centres, 3 dims, 5 steps",
                            "smoke": "12, 3, 2, 2"}},
    {"name": "mc_asian", "title": "Monte-Carlo Asian option: a loop over time steps, "
     "float parameters", "func": mc_asian, "hand_grad": mc_asian_grad,
     "make_args": mc_asian_args, "wrt": (0, 1, 2),
     "sizes": {"full": "50 steps, 2000 paths", "smoke": "4 steps, 6 paths"}},
    {"name": "diffusion_loops", "title": "nonlinear 2-D diffusion as an i, j index loop",
     "func": diffusion_loops, "hand_grad": diffusion_loops_grad,
     "make_args": diffusion_loops_args, "wrt": (0, 1),
     "sizes": {"full": "16 x 16, 10 steps", "smoke": "4 x 4, 2 steps"}},
    {"name": "minibatch_softmax", "title": "softmax regression summed over mini-batches",
     "func": minibatch_softmax, "hand_grad": minibatch_softmax_grad,
     "make_args": minibatch_softmax_args, "wrt": (0, 1),
     "sizes": {"full": "2048 x 32, 10 classes, batches of 128", "smoke": "10 x 3, 3, 4"}},
]
