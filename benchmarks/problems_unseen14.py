"""Benchmark problems 111-120 (session 49): ten more kinds of code, written as users write
them:

* ``cg_ridge``: conjugate-gradient steps on a ridge system unrolled inside a validation
  loss, the step sizes ``alpha``/``beta`` numbers from dot products;
* ``gmm_chol``: a full-covariance Gaussian mixture's log-likelihood, each component's
  Cholesky factor made from a raw matrix by ``np.tril`` and an exponentiated diagonal,
  ``scipy.linalg.solve_triangular``, a log-sum-exp over the stacked components;
* ``lqr_riccati``: a finite-horizon LQR cost by the Riccati recursion, 4 x 4 and 2 x 2
  matrices, ``np.linalg.solve`` per step;
* ``tsne_kl``: the t-SNE objective: Student-t affinities of all pairs by broadcasting,
  ``np.fill_diagonal``, the KL divergence to fixed affinities;
* ``gray_scott``: Gray-Scott reaction-diffusion by explicit steps, a periodic Laplacian
  by ``np.roll``, gradient wrt the feed/kill rates and the initial field;
* ``sir_weekly``: an SIR epidemic by a scalar daily loop, a weekly transmission rate read
  as ``log_beta[t // 7]``, a Poisson likelihood of the reported cases;
* ``tukey_robust``: robust regression with Tukey's biweight by ``np.where``, gradient wrt
  the weights and the tuning constant;
* ``gelu_block``: a layer-norm + GELU (tanh form) MLP block with a residual;
* ``rope_attention``: causal attention with rotary position embeddings: strided slices
  ``Z[:, ::2]``, ``np.concatenate``, a mask by ``np.triu``, a nested helper;
* ``minmod_advection``: MUSCL advection on a periodic grid with a minmod slope limiter
  computed by an element loop with an ``if`` per cell.

The hand-written gradients are what an expert writes: the CG steps reversed on a tape of
their vectors and numbers, the triangular solve's adjoint by one more solve, the Riccati
step's matrix adjoints, the t-SNE pair forces as a Laplacian-like product, the Laplacian
self-adjoint under ``np.roll``, the epidemic reversed on the daily tape, the biweight's
psi function, the layer's backward by products, the rotation's transpose, the limiter's
slope selected by masks.  ``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular

from benchmarks import problems_unseen14_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# conjugate-gradient steps unrolled inside a validation loss
# ---------------------------------------------------------------------------

def cg_ridge(log_lam, y, X, X_val, y_val, n_iter):
    lam = np.exp(log_lam)
    b = X.T @ y
    w = np.zeros(X.shape[1])
    r = b
    p = r
    rr = r @ r
    for _ in range(n_iter):
        Ap = X.T @ (X @ p) + lam * p
        alpha = rr / (p @ Ap)
        w = w + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
    return 0.5 * np.mean((X_val @ w - y_val) ** 2)


def cg_ridge_grad(log_lam, y, X, X_val, y_val, n_iter):
    lam = np.exp(log_lam)
    b = X.T @ y
    w, r, p = np.zeros(X.shape[1]), b, b
    rr = r @ r
    tape = []
    for _ in range(n_iter):
        Ap = X.T @ (X @ p) + lam * p
        pAp = p @ Ap
        alpha = rr / pAp
        w = w + alpha * p
        r = r - alpha * Ap
        rr_new = r @ r
        beta = rr_new / rr
        tape.append((p, Ap, pAp, alpha, r, rr, rr_new, beta))
        p = r + beta * p
        rr = rr_new
    gw = X_val.T @ (X_val @ w - y_val) / y_val.shape[0]
    gr = np.zeros_like(b)
    gp = np.zeros_like(b)
    g_rr = g_lam = 0.0
    for p, Ap, pAp, alpha, r, rr, rr_new, beta in reversed(tape):
        gr = gr + gp                         # p' = r' + beta p
        g_beta = gp @ p
        gp = beta * gp
        g_rr_new = g_rr + g_beta / rr        # beta = rr'/rr, rr' carried to the next step
        g_rr = -g_beta * rr_new / rr ** 2
        gr = gr + 2.0 * g_rr_new * r         # rr' = r' @ r'
        g_alpha = gw @ p - gr @ Ap           # w' = w + alpha p, r' = r - alpha Ap
        gAp = -alpha * gr
        gp = gp + alpha * gw
        g_rr = g_rr + g_alpha / pAp          # alpha = rr / pAp
        g_pAp = -g_alpha * alpha / pAp
        gp = gp + g_pAp * Ap
        gAp = gAp + g_pAp * p
        gp = gp + X.T @ (X @ gAp) + lam * gAp
        g_lam += gAp @ p
    gb = gr + gp + 2.0 * g_rr * b            # r = p = b, rr = b @ b
    return lam * g_lam, X @ gb


def cg_ridge_args(size):
    n, d, n_val, n_iter = (400, 80, 200, 25) if size == "full" else (9, 5, 7, 4)
    r = _rng(1401)
    X, X_val = r.standard_normal((n, d)), r.standard_normal((n_val, d))
    w_true = r.standard_normal(d)
    y = X @ w_true + 0.5 * r.standard_normal(n)
    y_val = X_val @ w_true + 0.5 * r.standard_normal(n_val)
    return np.log(0.1 * n), y, X, X_val, y_val, n_iter


# ---------------------------------------------------------------------------
# a full-covariance Gaussian mixture by per-component Cholesky factors
# ---------------------------------------------------------------------------

def gmm_chol(means, raw_chol, logits, X):
    K, D = means.shape
    log_w = logits - np.log(np.sum(np.exp(logits)))
    comps = []
    for k in range(K):
        L = np.tril(raw_chol[k], -1) + np.diag(np.exp(np.diag(raw_chol[k])))
        Z = solve_triangular(L, (X - means[k]).T, lower=True)
        log_det = np.sum(np.diag(raw_chol[k]))
        comps.append(log_w[k] - 0.5 * np.sum(Z ** 2, axis=0) - log_det
                     - 0.5 * D * np.log(2.0 * np.pi))
    C = np.stack(comps)
    m = np.max(C, axis=0)
    return -np.sum(m + np.log(np.sum(np.exp(C - m), axis=0)))


def gmm_chol_grad(means, raw_chol, logits, X):
    K, D = means.shape
    w = np.exp(logits - np.max(logits))
    w /= np.sum(w)
    log_w = np.log(w)
    Ls, Zs, C = [], [], np.empty((K, X.shape[0]))
    for k in range(K):
        L = np.tril(raw_chol[k], -1)
        L[np.diag_indices(D)] = np.exp(np.diag(raw_chol[k]))
        Z = solve_triangular(L, (X - means[k]).T, lower=True)
        C[k] = log_w[k] - 0.5 * np.einsum("dn,dn->n", Z, Z) - np.trace(raw_chol[k])
        Ls.append(L)
        Zs.append(Z)
    R = np.exp(C - np.max(C, axis=0))
    R /= np.sum(R, axis=0)                   # responsibilities: the adjoint of C is -R
    g_means, g_raw = np.empty_like(means), np.empty_like(raw_chol)
    n_k = np.sum(R, axis=1)
    for k in range(K):
        gB = solve_triangular(Ls[k], Zs[k] * R[k], lower=True, trans="T")  # L^-T (Z r)
        g_means[k] = -np.sum(gB, axis=1)
        gL = np.tril(-gB @ Zs[k].T)
        g = gL
        g[np.diag_indices(D)] = np.diag(gL) * np.diag(Ls[k]) + n_k[k]
        g_raw[k] = g
    return g_means, g_raw, -(n_k - w * np.sum(n_k))


def gmm_chol_args(size):
    K, D, n = (5, 3, 3000) if size == "full" else (2, 3, 11)
    r = _rng(1402)
    centres = 3.0 * r.standard_normal((K, D))
    X = centres[r.integers(0, K, n)] + r.standard_normal((n, D))
    raw = 0.3 * r.standard_normal((K, D, D))
    return centres + 0.5 * r.standard_normal((K, D)), raw, 0.1 * r.standard_normal(K), X


# ---------------------------------------------------------------------------
# a finite-horizon LQR cost by the Riccati recursion
# ---------------------------------------------------------------------------

def lqr_riccati(A, B, Q, R, x0, n_steps):
    P = Q
    for _ in range(n_steps):
        BtP = B.T @ P
        K = np.linalg.solve(R + BtP @ B, BtP @ A)
        P = Q + A.T @ P @ (A - B @ K)
    return x0 @ P @ x0


def lqr_riccati_grad(A, B, Q, R, x0, n_steps):
    P, tape = Q, []
    for _ in range(n_steps):
        BtP = B.T @ P
        S = R + BtP @ B
        K = np.linalg.solve(S, BtP @ A)
        F = A - B @ K
        tape.append((P, S, K, F))
        P = Q + A.T @ P @ F
    G = np.outer(x0, x0)
    gA, gB = np.zeros_like(A), np.zeros_like(B)
    for P, S, K, F in reversed(tape):        # P' = Q + A^T P F, F = A - B K
        PF = P @ F
        gA += PF @ G.T
        gF = P.T @ (A @ G)
        gA += gF
        gK = -B.T @ gF
        gB -= gF @ K.T
        gN = np.linalg.solve(S.T, gK)        # K = S^-1 N, N = B^T P A, S = R + B^T P B
        gS = -gN @ K.T
        gA += P.T @ (B @ gN)
        gB += P @ (A @ gN.T) + (P @ B) @ gS.T + P.T @ (B @ gS)
        G = A @ G @ F.T + B @ gN @ A.T + B @ gS @ B.T
    return gA, gB


def lqr_riccati_args(size):
    n, m, n_steps = (4, 2, 150) if size == "full" else (3, 2, 4)
    r = _rng(1403)
    A = np.eye(n) + 0.1 * r.standard_normal((n, n))
    B = 0.5 * r.standard_normal((n, m))
    M = r.standard_normal((n, n))
    return A, B, M @ M.T / n + np.eye(n), np.eye(m), r.standard_normal(n), n_steps


# ---------------------------------------------------------------------------
# the t-SNE objective
# ---------------------------------------------------------------------------

def tsne_kl(Y, P):
    d2 = np.sum((Y[:, None, :] - Y[None, :, :]) ** 2, axis=-1)
    W = 1.0 / (1.0 + d2)
    np.fill_diagonal(W, 0.0)
    Q = W / np.sum(W)
    return np.sum(P * (np.log(P + 1e-12) - np.log(Q + 1e-12)))


def tsne_kl_grad(Y, P):
    d2 = np.sum((Y[:, None, :] - Y[None, :, :]) ** 2, axis=-1)
    W = 1.0 / (1.0 + d2)
    np.fill_diagonal(W, 0.0)
    total = np.sum(W)
    Q = W / total
    gQ = -P / (Q + 1e-12)
    gW = (gQ - np.sum(gQ * Q)) / total
    np.fill_diagonal(gW, 0.0)
    gd2 = -gW * W ** 2
    M = gd2 + gd2.T                          # the pair forces: gY = 2 (diag(M 1) - M) Y
    return (2.0 * (np.sum(M, axis=1)[:, None] * Y - M @ Y),)


def tsne_kl_args(size):
    n = 300 if size == "full" else 7
    r = _rng(1404)
    X = r.standard_normal((n, 10)) + 3.0 * r.integers(0, 3, n)[:, None]
    d2 = np.sum((X[:, None] - X[None]) ** 2, axis=-1)
    A = np.exp(-d2 / np.median(d2))
    np.fill_diagonal(A, 0.0)
    A /= np.sum(A, axis=1, keepdims=True)
    P = (A + A.T) / (2 * n)
    return r.standard_normal((n, 2)), P


# ---------------------------------------------------------------------------
# Gray-Scott reaction-diffusion on a periodic grid
# ---------------------------------------------------------------------------

def gray_scott(log_F, log_k, U0, V0, target, dt, n_steps):
    F, k = np.exp(log_F), np.exp(log_k)
    Du, Dv = 0.16, 0.08
    U, V = U0, V0
    for _ in range(n_steps):
        lap_U = (np.roll(U, 1, axis=0) + np.roll(U, -1, axis=0) + np.roll(U, 1, axis=1)
                 + np.roll(U, -1, axis=1) - 4.0 * U)
        lap_V = (np.roll(V, 1, axis=0) + np.roll(V, -1, axis=0) + np.roll(V, 1, axis=1)
                 + np.roll(V, -1, axis=1) - 4.0 * V)
        uvv = U * V * V
        U = U + dt * (Du * lap_U - uvv + F * (1.0 - U))
        V = V + dt * (Dv * lap_V + uvv - (F + k) * V)
    return np.mean((V - target) ** 2)


def _laplacian(U):
    return (np.roll(U, 1, axis=0) + np.roll(U, -1, axis=0) + np.roll(U, 1, axis=1)
            + np.roll(U, -1, axis=1) - 4.0 * U)


def gray_scott_grad(log_F, log_k, U0, V0, target, dt, n_steps):
    F, k = np.exp(log_F), np.exp(log_k)
    Du, Dv = 0.16, 0.08
    U, V, tape = U0, V0, []
    for _ in range(n_steps):
        tape.append((U, V))
        uvv = U * V * V
        U, V = (U + dt * (Du * _laplacian(U) - uvv + F * (1.0 - U)),
                V + dt * (Dv * _laplacian(V) + uvv - (F + k) * V))
    gU, gV = np.zeros_like(U), 2.0 * (V - target) / V.size
    gF = gk = 0.0
    for U, V in reversed(tape):             # the periodic Laplacian is self-adjoint
        g_uvv = dt * (gV - gU)
        sum_gV_V = np.sum(gV * V)
        gF += dt * (np.sum(gU) - np.sum(gU * U)) - dt * sum_gV_V
        gk -= dt * sum_gV_V
        gU, gV = (gU + dt * (Du * _laplacian(gU) - F * gU) + g_uvv * V * V,
                  gV + dt * (Dv * _laplacian(gV) - (F + k) * gV) + 2.0 * g_uvv * U * V)
    return F * gF, k * gk, gU


def gray_scott_args(size):
    n, n_steps = (64, 60) if size == "full" else (6, 3)
    r = _rng(1405)
    U0 = 1.0 - 0.2 * r.random((n, n))
    V0 = 0.25 * r.random((n, n))
    target = 0.2 * r.random((n, n))
    return np.log(0.035), np.log(0.06), U0, V0, target, 1.0, n_steps


# ---------------------------------------------------------------------------
# an SIR epidemic with a weekly transmission rate
# ---------------------------------------------------------------------------

def sir_weekly(log_beta, log_gamma, cases, N, I0):
    gamma = np.exp(log_gamma)
    S, I = N - I0, I0
    nll = 0.0
    for t in range(cases.shape[0]):
        beta = np.exp(log_beta[t // 7])
        new = beta * S * I / N
        S = S - new
        I = I + new - gamma * I
        nll = nll + new - cases[t] * np.log(new)
    return nll


def sir_weekly_grad(log_beta, log_gamma, cases, N, I0):
    gamma = np.exp(log_gamma)
    T = cases.shape[0]
    beta = np.exp(log_beta)[np.arange(T) // 7]
    S_t, I_t, new_t = np.empty(T), np.empty(T), np.empty(T)
    S, I = N - I0, I0
    for t in range(T):
        new = beta[t] * S * I / N
        S_t[t], I_t[t], new_t[t] = S, I, new
        S, I = S - new, I + (new - gamma * I)
    g_new_t = np.empty(T)
    gS = gI = g_gamma = 0.0
    for t in range(T - 1, -1, -1):           # S' = S - new, I' = (1 - gamma) I + new
        S, I, new = S_t[t], I_t[t], new_t[t]
        g_new = 1.0 - cases[t] / new - gS + gI
        g_gamma -= gI * I
        gS, gI = gS + g_new * new / S, gI * (1.0 - gamma) + g_new * new / I
        g_new_t[t] = g_new * new
    g_log_beta = np.bincount(np.arange(T) // 7, g_new_t, log_beta.shape[0])
    return g_log_beta, gamma * g_gamma


def sir_weekly_args(size):
    n_weeks = 40 if size == "full" else 2
    T = 7 * n_weeks
    r = _rng(1406)
    log_beta = np.log(0.3 + 0.1 * np.sin(np.arange(n_weeks) / 3.0))
    N, I0, gamma = 1e6, 20.0, 0.2
    S, I, cases = N - I0, I0, np.empty(T)
    for t in range(T):
        new = np.exp(log_beta[t // 7]) * S * I / N
        S, I = S - new, I + new - gamma * I
        cases[t] = r.poisson(new) + 1.0
    return log_beta + 0.05 * r.standard_normal(n_weeks), np.log(0.25), cases, N, I0


# ---------------------------------------------------------------------------
# robust regression with Tukey's biweight
# ---------------------------------------------------------------------------

def tukey_robust(w, X, y, c, lam):
    r = y - X @ w
    u = r / c
    rho = np.where(np.abs(u) < 1.0, c ** 2 / 6.0 * (1.0 - (1.0 - u ** 2) ** 3), c ** 2 / 6.0)
    return np.mean(rho) + lam * np.sum(w ** 2)


def tukey_robust_grad(w, X, y, c, lam):
    r = y - X @ w
    u = r / c
    inside = np.abs(u) < 1.0
    t = np.where(inside, 1.0 - u ** 2, 0.0)
    n = y.shape[0]
    psi = r * t ** 2                        # d rho / d r
    g_c = np.sum(c / 3.0 * (1.0 - t ** 3) - t ** 2 * r * u) / n
    return -(X.T @ psi) / n + 2.0 * lam * w, g_c


def tukey_robust_args(size):
    n, d = (20000, 30) if size == "full" else (12, 3)
    r = _rng(1407)
    X = r.standard_normal((n, d))
    w_true = r.standard_normal(d)
    y = X @ w_true + 0.3 * r.standard_normal(n)
    y[r.random(n) < 0.1] += 20.0 * r.standard_normal()
    return w_true + 0.3 * r.standard_normal(d), X, y, 2.5, 1e-3


# ---------------------------------------------------------------------------
# a layer-norm + GELU MLP block with a residual
# ---------------------------------------------------------------------------

def gelu_block(W1, b1, W2, b2, gamma, beta, X, Y):
    mu = np.mean(X, axis=-1, keepdims=True)
    var = np.var(X, axis=-1, keepdims=True)
    H = (X - mu) / np.sqrt(var + 1e-5) * gamma + beta
    A = H @ W1 + b1
    G = 0.5 * A * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (A + 0.044715 * A ** 3)))
    out = X + G @ W2 + b2
    return np.mean((out - Y) ** 2)


def gelu_block_grad(W1, b1, W2, b2, gamma, beta, X, Y):
    mu = np.mean(X, axis=-1, keepdims=True)
    var = np.var(X, axis=-1, keepdims=True)
    Xhat = (X - mu) / np.sqrt(var + 1e-5)
    H = Xhat * gamma + beta
    A = H @ W1 + b1
    s = np.sqrt(2.0 / np.pi)
    T = np.tanh(s * (A + 0.044715 * A ** 3))
    G = 0.5 * A * (1.0 + T)
    g_out = 2.0 * (X + G @ W2 + b2 - Y) / Y.size
    gG = g_out @ W2.T
    gA = gG * (0.5 * (1.0 + T) + 0.5 * A * (1.0 - T ** 2) * s * (1.0 + 3 * 0.044715 * A ** 2))
    gH = gA @ W1.T
    return (H.T @ gA, np.sum(gA, axis=0), G.T @ g_out, np.sum(g_out, axis=0),
            np.sum(gH * Xhat, axis=0), np.sum(gH, axis=0))


def gelu_block_args(size):
    n, d, h = (512, 64, 256) if size == "full" else (6, 4, 5)
    r = _rng(1408)
    X = r.standard_normal((n, d))
    Y = X + 0.5 * np.tanh(X @ r.standard_normal((d, d)) / np.sqrt(d))
    return (r.standard_normal((d, h)) / np.sqrt(d), np.zeros(h),
            r.standard_normal((h, d)) / np.sqrt(h), np.zeros(d),
            1.0 + 0.1 * r.standard_normal(d), 0.1 * r.standard_normal(d), X, Y)


# ---------------------------------------------------------------------------
# causal attention with rotary position embeddings
# ---------------------------------------------------------------------------

def rope_attention(Wq, Wk, Wv, X, Y):
    T, d = X.shape[0], Wq.shape[1]
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    freqs = 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)
    angles = np.arange(T)[:, None] * freqs
    cos, sin = np.cos(angles), np.sin(angles)

    def rotate(Z):
        Z1, Z2 = Z[:, ::2], Z[:, 1::2]
        return np.concatenate([Z1 * cos - Z2 * sin, Z1 * sin + Z2 * cos], axis=1)

    S = rotate(Q) @ rotate(K).T / np.sqrt(d)
    S = S - 1e9 * np.triu(np.ones((T, T)), 1)
    S = S - np.max(S, axis=1, keepdims=True)
    P = np.exp(S)
    P = P / np.sum(P, axis=1, keepdims=True)
    return np.mean((P @ V - Y) ** 2)


def rope_attention_grad(Wq, Wk, Wv, X, Y):
    T, d = X.shape[0], Wq.shape[1]
    h = d // 2
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    angles = np.arange(T)[:, None] * (1.0 / 10000.0 ** (np.arange(0, d, 2) / d))
    cos, sin = np.cos(angles), np.sin(angles)

    def rotate(Z):
        Z1, Z2 = Z[:, ::2], Z[:, 1::2]
        return np.concatenate([Z1 * cos - Z2 * sin, Z1 * sin + Z2 * cos], axis=1)

    def unrotate(G):                         # the rotation's transpose, back to pairs
        G1, G2 = G[:, :h], G[:, h:]
        out = np.empty_like(G)
        out[:, ::2] = G1 * cos + G2 * sin
        out[:, 1::2] = G2 * cos - G1 * sin
        return out

    Qr, Kr = rotate(Q), rotate(K)
    S = Qr @ Kr.T / np.sqrt(d) - 1e9 * np.triu(np.ones((T, T)), 1)
    P = np.exp(S - np.max(S, axis=1, keepdims=True))
    P /= np.sum(P, axis=1, keepdims=True)
    g_out = 2.0 * (P @ V - Y) / Y.size
    gP = g_out @ V.T
    gS = P * (gP - np.sum(gP * P, axis=1, keepdims=True)) / np.sqrt(d)
    gQ, gK = unrotate(gS @ Kr), unrotate(gS.T @ Qr)
    return X.T @ gQ, X.T @ gK, X.T @ (P.T @ g_out)


def rope_attention_args(size):
    T, d_in, d = (128, 64, 32) if size == "full" else (6, 4, 4)
    r = _rng(1409)
    X = r.standard_normal((T, d_in))
    return (r.standard_normal((d_in, d)) / np.sqrt(d_in),
            r.standard_normal((d_in, d)) / np.sqrt(d_in),
            r.standard_normal((d_in, d)) / np.sqrt(d_in), X, 0.5 * r.standard_normal((T, d)))


# ---------------------------------------------------------------------------
# MUSCL advection with a minmod limiter by an element loop
# ---------------------------------------------------------------------------

def minmod_advection(u0, c, target, n_steps):
    u = u0.copy()
    n = u.shape[0]
    for _ in range(n_steps):
        s = np.zeros(n)
        for i in range(n):
            a = u[i] - u[i - 1]
            b = u[(i + 1) % n] - u[i]
            if a * b > 0.0:
                s[i] = a if abs(a) < abs(b) else b
        face = u + 0.5 * (1.0 - c) * s
        flux = c * face
        u = u - (flux - np.roll(flux, 1))
    return np.sum((u - target) ** 2)


def minmod_advection_grad(u0, c, target, n_steps):
    u, tape = u0, []
    k = 0.5 * (1.0 - c)
    for _ in range(n_steps):
        a = u - np.roll(u, 1)
        b = np.roll(u, -1) - u
        same = a * b > 0.0
        pick_a = same & (np.abs(a) < np.abs(b))
        pick_b = same & ~(np.abs(a) < np.abs(b))
        s = np.where(pick_a, a, 0.0) + np.where(pick_b, b, 0.0)
        tape.append((pick_a, pick_b, u, s))
        flux = c * (u + k * s)
        u = u - (flux - np.roll(flux, 1))
    gu = 2.0 * (u - target)
    g_c = 0.0
    for pick_a, pick_b, u, s in reversed(tape):
        g_flux = np.roll(gu, -1) - gu       # u' = u - (flux - roll(flux, 1))
        g_c += g_flux @ (u + k * s) - 0.5 * c * (g_flux @ s)
        g_s = c * k * g_flux
        ga = np.where(pick_a, g_s, 0.0)
        gb = np.where(pick_b, g_s, 0.0)
        gu = gu + c * g_flux + (ga - np.roll(ga, -1)) + (np.roll(gb, 1) - gb)
    return gu, g_c


def minmod_advection_args(size):
    n, n_steps, seed = (120, 40, 38) if size == "full" else (7, 3, 17)
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    r = _rng(seed)  # seeds whose slopes stay away from minmod's kinks by >= 1e-4
    u0 = (np.sin(2 * np.pi * x + 6 * r.random()) + 0.6 * np.sin(6 * np.pi * x + 6 * r.random())
          + 0.3 * np.cos(10 * np.pi * x + 6 * r.random()))
    return u0, 0.4, np.roll(u0, n // 6), n_steps


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("cg_ridge", "conjugate-gradient steps on a ridge system unrolled in a validation "
          "loss: alpha and beta from dot products, gradient wrt the penalty and data",
          (0, 1), ("400 x 80, 25 steps", "9 x 5, 4 steps")),
    _spec("gmm_chol", "full-covariance Gaussian mixture: a Cholesky factor per component by "
          "np.tril and an exponentiated diagonal, solve_triangular, log-sum-exp", (0, 1, 2),
          ("5 components, 3-D, 3000 points", "2, 3-D, 11")),
    _spec("lqr_riccati", "finite-horizon LQR cost by the Riccati recursion: 4 x 4 matrices, "
          "np.linalg.solve of a 2 x 2 per step", (0, 1), ("4 x 2, 150 steps", "3 x 2, 4")),
    _spec("tsne_kl", "t-SNE objective: Student-t affinities of all pairs by broadcasting, "
          "np.fill_diagonal, KL to fixed affinities", (0,), ("300 points", "7 points")),
    _spec("gray_scott", "Gray-Scott reaction-diffusion by explicit steps: periodic Laplacian "
          "by np.roll, gradient wrt feed/kill rates and the initial field", (0, 1, 2),
          ("64 x 64, 60 steps", "6 x 6, 3")),
    _spec("sir_weekly", "SIR epidemic by a scalar daily loop: weekly rate log_beta[t // 7], "
          "Poisson likelihood of the cases", (0, 1), ("280 days", "14 days")),
    _spec("tukey_robust", "robust regression with Tukey's biweight by np.where, gradient "
          "wrt the weights and the tuning constant", (0, 3), ("20000 x 30", "12 x 3")),
    _spec("gelu_block", "layer norm + GELU (tanh form) MLP block with a residual, mean "
          "squared error", (0, 1, 2, 3, 4, 5), ("512 x 64 -> 256", "6 x 4 -> 5")),
    _spec("rope_attention", "causal attention with rotary embeddings: strided slices, "
          "np.concatenate, a mask by np.triu, a nested helper", (0, 1, 2),
          ("128 tokens, 64 -> 32", "6, 4 -> 4")),
    _spec("minmod_advection", "MUSCL advection with a minmod limiter: a periodic element loop "
          "(u[i - 1], u[(i + 1) % n]) with an if per cell, np.roll fluxes", (0, 1),
          ("120 cells, 40 steps", "7, 3")),
]
