"""Benchmark problems 72-80 (session 45): nine more kinds of code, written as users write
them:

* ``black_scholes``: calibration of Black-Scholes call prices (``scipy.special.ndtr``);
  gradient wrt the volatilities, the spots and the rate;
* ``poly_fit``: a least-squares fit of a polynomial read by ``np.polyval``, ridge term;
* ``tree_rnn``: a recursive neural network over a balanced binary tree of leaf vectors,
  written as a recursive Python helper; gradient wrt the shared weights and the readout;
* ``bn_mlp``: batch normalisation and a ReLU MLP, the parameters gathered in a dict that
  a helper reads by key; gradient wrt every parameter;
* ``trimmed_ls``: least trimmed squares: the mean of the smallest squared residuals,
  ``np.sort(r2)[:k]``;
* ``logreg_columns``: logistic regression whose score is built by a Python loop over the
  features (``w[j] * X[:, j]``), the loss by ``np.logaddexp``;
* ``semi_implicit``: nonlinear diffusion by semi-implicit steps: a matrix assembled by
  ``np.diag`` from the state, one ``np.linalg.solve`` per step;
* ``discrete_survival``: a discrete-time survival likelihood: hazards by a logistic link,
  survival by ``np.cumprod`` along time, censoring by ``np.where``;
* ``multihead_attn``: multi-head self-attention written with reshape / transpose and
  batched matmul.

The hand-written gradients are what an expert writes: the Greeks in closed form, a
table of powers (a Vandermonde matrix's rows) and two products, a recursive backward
pass over the same tree, the batch-norm backward formula, the kept residuals found by
``np.argpartition``, the loop replaced by ``X @ w``, one adjoint solve per step with the
matrix's derivative read back onto its diagonals, the log-survival as a masked sum of
``log(1 - h)``.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit, ndtr


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# Black-Scholes calibration
# ---------------------------------------------------------------------------

def black_scholes(sigma, spot, rate, strike, tau, market):
    sd = sigma * np.sqrt(tau)
    d1 = (np.log(spot / strike) + (rate + 0.5 * sigma ** 2) * tau) / sd
    d2 = d1 - sd
    price = spot * ndtr(d1) - strike * np.exp(-rate * tau) * ndtr(d2)
    return np.mean((price - market) ** 2)


def black_scholes_grad(sigma, spot, rate, strike, tau, market):
    root = np.sqrt(tau)
    sd = sigma * root
    d1 = (np.log(spot / strike) + (rate + 0.5 * sigma ** 2) * tau) / sd
    d2 = d1 - sd
    delta = ndtr(d1)
    disc = strike * np.exp(-rate * tau) * ndtr(d2)
    r = 2.0 * (spot * delta - disc - market) / sigma.shape[0]
    vega = spot * np.exp(-0.5 * d1 * d1) * (root / np.sqrt(2.0 * np.pi))
    return r * vega, r * delta, float(np.dot(r, tau * disc))


def black_scholes_args(size):
    n = 20000 if size == "full" else 6
    r = _rng(901)
    strike = r.uniform(80.0, 120.0, n)
    tau = r.uniform(0.1, 2.0, n)
    sigma = r.uniform(0.15, 0.4, n)
    spot = 100.0 + r.uniform(-5.0, 5.0, n)
    return sigma, spot, 0.02, strike, tau, r.uniform(2.0, 20.0, n)


# ---------------------------------------------------------------------------
# a polynomial least-squares fit by np.polyval
# ---------------------------------------------------------------------------

def poly_fit(p, x, y):
    resid = np.polyval(p, x) - y
    return np.mean(resid ** 2) + 1e-3 * np.sum(p ** 2)


def poly_fit_grad(p, x, y):
    d = p.shape[0]
    powers = np.empty((d, x.shape[0]))  # row k: x ** (d - 1 - k), as polyval weighs p[k]
    powers[-1] = 1.0
    for k in range(d - 2, -1, -1):
        np.multiply(powers[k + 1], x, out=powers[k])
    r = (p @ powers - y) * (2.0 / x.shape[0])
    return (powers @ r + 2e-3 * p,)


def poly_fit_args(size):
    m, deg = (50000, 8) if size == "full" else (12, 4)
    r = _rng(902)
    x = r.uniform(-1.0, 1.0, m)
    return 0.3 * r.standard_normal(deg + 1), x, np.sin(3.0 * x) + 0.1 * r.standard_normal(m)


# ---------------------------------------------------------------------------
# a recursive neural network over a binary tree
# ---------------------------------------------------------------------------

def _tree(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    left = _tree(W, b, leaves, lo, mid)
    right = _tree(W, b, leaves, mid, hi)
    return np.tanh(W @ np.concatenate((left, right)) + b)


def tree_rnn(W, b, u, leaves):
    root = _tree(W, b, leaves, 0, leaves.shape[0])
    return (np.dot(u, root) - 1.0) ** 2


def _tree_forward(W, b, leaves, lo, hi):
    """The node's vector and what its backward pass needs (None at a leaf)."""
    if hi - lo == 1:
        return leaves[lo], None
    mid = (lo + hi) // 2
    left, left_tape = _tree_forward(W, b, leaves, lo, mid)
    right, right_tape = _tree_forward(W, b, leaves, mid, hi)
    c = np.concatenate((left, right))
    h = np.tanh(W @ c + b)
    return h, (c, h, left_tape, right_tape)


def _tree_backward(W, tape, g, gW, gb):
    if tape is None:
        return
    c, h, left_tape, right_tape = tape
    gz = g * (1.0 - h * h)
    gW += np.outer(gz, c)
    gb += gz
    gc = W.T @ gz
    n = h.shape[0]
    _tree_backward(W, left_tape, gc[:n], gW, gb)
    _tree_backward(W, right_tape, gc[n:], gW, gb)


def tree_rnn_grad(W, b, u, leaves):
    root, tape = _tree_forward(W, b, leaves, 0, leaves.shape[0])
    g = 2.0 * (np.dot(u, root) - 1.0)
    gW, gb = np.zeros_like(W), np.zeros_like(b)
    _tree_backward(W, tape, g * u, gW, gb)
    return gW, gb, g * root


def tree_rnn_args(size):
    n_leaves, d = (64, 16) if size == "full" else (8, 3)
    r = _rng(903)
    return (0.4 * r.standard_normal((d, 2 * d)), 0.1 * r.standard_normal(d),
            r.standard_normal(d), r.standard_normal((n_leaves, d)))


# ---------------------------------------------------------------------------
# batch norm + MLP with a dict of parameters
# ---------------------------------------------------------------------------

def _bn_predict(params, X):
    h = X @ params["W1"]
    mu = np.mean(h, axis=0)
    var = np.var(h, axis=0)
    h = params["gamma"] * (h - mu) / np.sqrt(var + 1e-5) + params["beta"]
    h = np.maximum(h, 0.0)
    return h @ params["W2"] + params["b2"]


def bn_mlp(W1, gamma, beta, W2, b2, X, Y):
    params = {"W1": W1, "gamma": gamma, "beta": beta, "W2": W2, "b2": b2}
    out = _bn_predict(params, X)
    return np.mean((out - Y) ** 2)


def bn_mlp_grad(W1, gamma, beta, W2, b2, X, Y):
    h = X @ W1
    c = h - h.mean(axis=0)
    inv = 1.0 / np.sqrt(np.mean(c * c, axis=0) + 1e-5)
    xhat = c * inv
    a = gamma * xhat + beta
    act = np.maximum(a, 0.0)
    g_out = (act @ W2 + b2 - Y) * (2.0 / Y.size)
    g_a = (g_out @ W2.T) * (a > 0.0)
    g_xhat = g_a * gamma
    g_h = inv * (g_xhat - g_xhat.mean(axis=0) - xhat * np.mean(g_xhat * xhat, axis=0))
    return (X.T @ g_h, np.sum(g_a * xhat, axis=0), g_a.sum(axis=0), act.T @ g_out,
            g_out.sum(axis=0))


def bn_mlp_args(size):
    B, d_in, H, d_out = (256, 32, 64, 4) if size == "full" else (8, 3, 5, 2)
    r = _rng(904)
    X = r.standard_normal((B, d_in))
    return (r.standard_normal((d_in, H)) / np.sqrt(d_in), 1.0 + 0.1 * r.standard_normal(H),
            0.1 * r.standard_normal(H), r.standard_normal((H, d_out)) / np.sqrt(H),
            np.zeros(d_out), X, r.standard_normal((B, d_out)))


# ---------------------------------------------------------------------------
# least trimmed squares: the smallest squared residuals by np.sort
# ---------------------------------------------------------------------------

def trimmed_ls(w, X, y, keep):
    r2 = (X @ w - y) ** 2
    k = int(keep * y.shape[0])
    return np.mean(np.sort(r2)[:k])


def trimmed_ls_grad(w, X, y, keep):
    r = X @ w - y
    k = int(keep * y.shape[0])
    kept = np.argpartition(r * r, k - 1)[:k]
    return (X[kept].T @ r[kept] * (2.0 / k),)


def trimmed_ls_args(size):
    n, d = (20000, 10) if size == "full" else (12, 3)
    r = _rng(905)
    X = r.standard_normal((n, d))
    y = X @ r.standard_normal(d) + 0.1 * r.standard_normal(n)
    outliers = r.uniform(size=n) < 0.05
    y[outliers] += r.uniform(5.0, 10.0, outliers.sum())
    return 0.9 * r.standard_normal(d), X, y, 0.9


# ---------------------------------------------------------------------------
# logistic regression with a loop over the features, np.logaddexp
# ---------------------------------------------------------------------------

def logreg_columns(w, b, X, y):
    z = np.full(X.shape[0], b)
    for j in range(X.shape[1]):
        z = z + w[j] * X[:, j]
    loss = np.mean(np.logaddexp(0.0, -y * z))
    return loss + 0.01 * np.sum(w ** 2)


def logreg_columns_grad(w, b, X, y):
    z = X @ w + b
    s = -y * expit(-y * z) / X.shape[0]
    return X.T @ s + 0.02 * w, float(np.sum(s))


def logreg_columns_args(size):
    n, d = (5000, 30) if size == "full" else (10, 3)
    r = _rng(906)
    X = r.standard_normal((n, d))
    w_true = r.standard_normal(d)
    y = np.where(X @ w_true + 0.5 * r.standard_normal(n) > 0.0, 1.0, -1.0)
    return 0.1 * r.standard_normal(d), 0.05, X, y


# ---------------------------------------------------------------------------
# nonlinear diffusion by semi-implicit steps: np.diag and np.linalg.solve per step
# ---------------------------------------------------------------------------

def semi_implicit(kappa, u0, target, dt, n_steps):
    n = u0.shape[0]
    u = u0
    for _ in range(n_steps):
        up = np.concatenate(([0.0], u, [0.0]))
        c = kappa * (1.0 + 0.5 * (up[:-1] ** 2 + up[1:] ** 2))
        A = np.diag(c[:-1] + c[1:]) - np.diag(c[1:-1], 1) - np.diag(c[1:-1], -1)
        u = np.linalg.solve(np.eye(n) + dt * A, u)
    return np.sum((u - target) ** 2)


def _semi_implicit_matrix(kappa, u, dt):
    up = np.concatenate(([0.0], u, [0.0]))
    c = kappa * (1.0 + 0.5 * (up[:-1] ** 2 + up[1:] ** 2))
    M = np.diag(1.0 + dt * (c[:-1] + c[1:]))
    off = -dt * c[1:-1]
    i = np.arange(u.shape[0] - 1)
    M[i, i + 1] = off
    M[i + 1, i] = off
    return M, up, c


def semi_implicit_grad(kappa, u0, target, dt, n_steps):
    states, mats = [u0], []
    for _ in range(n_steps):
        M, up, c = _semi_implicit_matrix(kappa, states[-1], dt)
        mats.append((M, up, c))
        states.append(np.linalg.solve(M, states[-1]))
    g = 2.0 * (states[-1] - target)
    g_kappa = np.zeros_like(kappa)
    for t in range(n_steps - 1, -1, -1):
        M, up, c = mats[t]
        lam = np.linalg.solve(M.T, g)
        u_new = states[t + 1]
        # d/dM of lam . (M^-1 u): -lam u_new^T, read onto the diagonals that c builds
        diag = -lam * u_new
        offs = -(lam[:-1] * u_new[1:] + lam[1:] * u_new[:-1])
        g_c = np.zeros_like(c)
        g_c[:-1] += dt * diag
        g_c[1:] += dt * diag
        g_c[1:-1] -= dt * offs
        g_kappa += g_c * (1.0 + 0.5 * (up[:-1] ** 2 + up[1:] ** 2))
        g_cu = g_c * kappa  # c[i] reads up[i] ** 2 / 2 and up[i + 1] ** 2 / 2
        g = lam + (g_cu[:-1] + g_cu[1:]) * up[1:-1]
    return g_kappa, g


def semi_implicit_args(size):
    n, steps = (40, 30) if size == "full" else (5, 3)
    r = _rng(907)
    x = np.linspace(0.0, 1.0, n + 2)[1:-1]
    u0 = np.sin(np.pi * x) + 0.1 * r.standard_normal(n)
    return (r.uniform(0.5, 1.5, n + 1), u0, 0.3 * np.sin(np.pi * x), 0.002 * (n + 1) ** 2 / 40,
            steps)


# ---------------------------------------------------------------------------
# discrete-time survival: hazards, np.cumprod along time, censoring
# ---------------------------------------------------------------------------

def discrete_survival(w, alpha, X, time, observed):
    eta = (X @ w)[:, None] + alpha[None, :]
    hazard = 1.0 / (1.0 + np.exp(-eta))
    surv = np.cumprod(1.0 - hazard, axis=1)
    n = X.shape[0]
    rows = np.arange(n)
    prev = np.concatenate((np.ones((n, 1)), surv[:, :-1]), axis=1)
    lik = np.where(observed, prev[rows, time] * hazard[rows, time], surv[rows, time])
    return -np.mean(np.log(lik))


def discrete_survival_grad(w, alpha, X, time, observed):
    n, T = X.shape[0], alpha.shape[0]
    hazard = expit((X @ w)[:, None] + alpha[None, :])
    # log lik = sum of log(1 - h) over the periods survived, + log h at an event
    steps = np.arange(T)[None, :]
    survived = steps < (time + (~observed))[:, None]
    g_eta = np.where(survived, hazard, 0.0)
    g_eta[np.arange(n), time] -= np.where(observed, 1.0 - hazard[np.arange(n), time], 0.0)
    g_eta /= n
    return X.T @ g_eta.sum(axis=1), g_eta.sum(axis=0)


def discrete_survival_args(size):
    n, d, T = (5000, 10, 20) if size == "full" else (9, 3, 4)
    r = _rng(908)
    X = r.standard_normal((n, d))
    return (0.3 * r.standard_normal(d), r.uniform(-3.0, -1.0, T), X, r.integers(0, T, n),
            r.uniform(size=n) < 0.7)


# ---------------------------------------------------------------------------
# multi-head self-attention with reshape / transpose
# ---------------------------------------------------------------------------

def multihead_attn(Wq, Wk, Wv, Wo, X, Y, n_heads):
    B, T, D = X.shape
    dh = D // n_heads
    q = (X @ Wq).reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)
    k = (X @ Wk).reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)
    v = (X @ Wv).reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    s = s - np.max(s, axis=-1, keepdims=True)
    p = np.exp(s)
    p = p / np.sum(p, axis=-1, keepdims=True)
    o = (p @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
    return np.mean((o @ Wo - Y) ** 2)


def multihead_attn_grad(Wq, Wk, Wv, Wo, X, Y, n_heads):
    B, T, D = X.shape
    dh = D // n_heads
    scale = 1.0 / np.sqrt(dh)

    def heads(a):
        return a.reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3)

    def merge(a):
        return a.transpose(0, 2, 1, 3).reshape(B, T, D)

    q, k, v = heads(X @ Wq), heads(X @ Wk), heads(X @ Wv)
    s = q @ k.transpose(0, 1, 3, 2) * scale
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    o = merge(p @ v)
    g_out = (o @ Wo - Y) * (2.0 / Y.size)
    Xf = X.reshape(B * T, D)
    g_Wo = o.reshape(B * T, D).T @ g_out.reshape(B * T, D)
    g_o = heads(g_out @ Wo.T)
    g_v = p.transpose(0, 1, 3, 2) @ g_o
    g_p = g_o @ v.transpose(0, 1, 3, 2)
    g_s = p * (g_p - np.sum(g_p * p, axis=-1, keepdims=True)) * scale
    g_q = g_s @ k
    g_k = g_s.transpose(0, 1, 3, 2) @ q
    return tuple(Xf.T @ merge(g).reshape(B * T, D) for g in (g_q, g_k, g_v)) + (g_Wo,)


def multihead_attn_args(size):
    B, T, D, H = (8, 32, 64, 4) if size == "full" else (2, 3, 4, 2)
    r = _rng(909)
    Ws = [r.standard_normal((D, D)) / np.sqrt(D) for _ in range(4)]
    return (*Ws, r.standard_normal((B, T, D)), r.standard_normal((B, T, D)), H)


# ---------------------------------------------------------------------------
# the same in PyTorch where the rebound function cannot run (scipy's ndtr, polyval,
# np.sort's values, transpose of four axes, np.diag with an offset, np.full, logaddexp, cumprod)
# ---------------------------------------------------------------------------

def black_scholes_torch(sigma, spot, rate, strike, tau, market):
    import torch

    sd = sigma * torch.sqrt(tau)
    d1 = (torch.log(spot / strike) + (rate + 0.5 * sigma ** 2) * tau) / sd
    d2 = d1 - sd
    price = spot * torch.special.ndtr(d1) - strike * torch.exp(-rate * tau) * torch.special.ndtr(d2)
    return torch.mean((price - market) ** 2)


def poly_fit_torch(p, x, y):
    import torch

    pred = torch.zeros_like(x)
    for c in p:
        pred = pred * x + c
    return torch.mean((pred - y) ** 2) + 1e-3 * torch.sum(p ** 2)


def trimmed_ls_torch(w, X, y, keep):
    import torch

    r2 = (X @ w - y) ** 2
    k = int(keep * y.shape[0])
    return torch.mean(torch.sort(r2).values[:k])


def logreg_columns_torch(w, b, X, y):
    import torch

    z = torch.zeros(X.shape[0], dtype=torch.float64) + b
    for j in range(X.shape[1]):
        z = z + w[j] * X[:, j]
    loss = torch.mean(torch.logaddexp(torch.zeros_like(z), -y * z))
    return loss + 0.01 * torch.sum(w ** 2)


def semi_implicit_torch(kappa, u0, target, dt, n_steps):
    import torch

    n = u0.shape[0]
    zero = torch.zeros(1, dtype=torch.float64)
    u = u0
    for _ in range(n_steps):
        up = torch.cat((zero, u, zero))
        c = kappa * (1.0 + 0.5 * (up[:-1] ** 2 + up[1:] ** 2))
        A = torch.diag(c[:-1] + c[1:]) - torch.diag(c[1:-1], 1) - torch.diag(c[1:-1], -1)
        u = torch.linalg.solve(torch.eye(n, dtype=torch.float64) + dt * A, u)
    return torch.sum((u - target) ** 2)


def discrete_survival_torch(w, alpha, X, time, observed):
    import torch

    hazard = torch.sigmoid((X @ w)[:, None] + alpha[None, :])
    surv = torch.cumprod(1.0 - hazard, dim=1)
    n = X.shape[0]
    rows = torch.arange(n)
    prev = torch.cat((torch.ones((n, 1), dtype=torch.float64), surv[:, :-1]), dim=1)
    lik = torch.where(observed, prev[rows, time] * hazard[rows, time], surv[rows, time])
    return -torch.mean(torch.log(lik))


def multihead_attn_torch(Wq, Wk, Wv, Wo, X, Y, n_heads):
    import torch

    B, T, D = X.shape
    dh = D // n_heads
    q = (X @ Wq).reshape(B, T, n_heads, dh).permute(0, 2, 1, 3)
    k = (X @ Wk).reshape(B, T, n_heads, dh).permute(0, 2, 1, 3)
    v = (X @ Wv).reshape(B, T, n_heads, dh).permute(0, 2, 1, 3)
    p = torch.softmax(q @ k.transpose(2, 3) / dh ** 0.5, dim=-1)
    o = (p @ v).permute(0, 2, 1, 3).reshape(B, T, D)
    return torch.mean((o @ Wo - Y) ** 2)


def tree_rnn_torch(W, b, u, leaves):
    import torch

    def node(lo, hi):
        if hi - lo == 1:
            return leaves[lo]
        mid = (lo + hi) // 2
        return torch.tanh(W @ torch.cat((node(lo, mid), node(mid, hi))) + b)

    return (torch.dot(u, node(0, leaves.shape[0])) - 1.0) ** 2


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "black_scholes", "title": "Black-Scholes calibration: call prices by "
     "scipy.special.ndtr, squared misfit", "func": black_scholes,
     "hand_grad": black_scholes_grad, "make_args": black_scholes_args, "wrt": (0, 1, 2),
     "torch_func": black_scholes_torch,
     "sizes": {"full": "20000 options", "smoke": "6 options"}},
    {"name": "poly_fit", "title": "least-squares polynomial fit by np.polyval, ridge",
     "func": poly_fit, "hand_grad": poly_fit_grad, "make_args": poly_fit_args, "wrt": (0,),
     "torch_func": poly_fit_torch,
     "sizes": {"full": "degree 8, 50000 points", "smoke": "degree 4, 12 points"}},
    {"name": "tree_rnn", "title": "recursive neural network over a binary tree: a recursive "
     "Python helper", "func": tree_rnn, "hand_grad": tree_rnn_grad,
     "make_args": tree_rnn_args, "wrt": (0, 1, 2), "torch_func": tree_rnn_torch,
     "sizes": {"full": "64 leaves, width 16", "smoke": "8 leaves, width 3"}},
    {"name": "bn_mlp", "title": "batch norm + ReLU MLP, parameters in a dict read by a "
     "helper, mean squared error", "func": bn_mlp, "hand_grad": bn_mlp_grad,
     "make_args": bn_mlp_args, "wrt": (0, 1, 2, 3, 4),
     "sizes": {"full": "batch 256, in 32, hidden 64, out 4", "smoke": "batch 8, in 3, hidden 5"}},
    {"name": "trimmed_ls", "title": "least trimmed squares: the mean of the smallest "
     "squared residuals, np.sort(r2)[:k]", "func": trimmed_ls, "hand_grad": trimmed_ls_grad,
     "make_args": trimmed_ls_args, "wrt": (0,), "torch_func": trimmed_ls_torch,
     "sizes": {"full": "20000 x 10, 90% kept", "smoke": "12 x 3, 90% kept"}},
    {"name": "logreg_columns", "title": "logistic regression, score by a loop over the "
     "features w[j] * X[:, j], np.logaddexp loss", "func": logreg_columns,
     "hand_grad": logreg_columns_grad, "make_args": logreg_columns_args, "wrt": (0, 1),
     "torch_func": logreg_columns_torch,
     "sizes": {"full": "5000 x 30", "smoke": "10 x 3"}},
    {"name": "semi_implicit", "title": "nonlinear diffusion, semi-implicit steps: np.diag "
     "assembly from the state, np.linalg.solve per step", "func": semi_implicit,
     "hand_grad": semi_implicit_grad, "make_args": semi_implicit_args, "wrt": (0, 1),
     "torch_func": semi_implicit_torch,
     "sizes": {"full": "40 cells, 30 steps", "smoke": "5 cells, 3 steps"}},
    {"name": "discrete_survival", "title": "discrete-time survival: logistic hazards, "
     "np.cumprod along time, censoring by np.where", "func": discrete_survival,
     "hand_grad": discrete_survival_grad, "make_args": discrete_survival_args,
     "wrt": (0, 1), "torch_func": discrete_survival_torch,
     "sizes": {"full": "5000 subjects, 10 covariates, 20 periods", "smoke": "9 x 3, 4 periods"}},
    {"name": "multihead_attn", "title": "multi-head self-attention by reshape / transpose "
     "and batched matmul", "func": multihead_attn, "hand_grad": multihead_attn_grad,
     "make_args": multihead_attn_args, "wrt": (0, 1, 2, 3),
     "torch_func": multihead_attn_torch,
     "sizes": {"full": "batch 8, 32 tokens, width 64, 4 heads", "smoke": "2 x 3 tokens, width 4"}},
]
