"""Benchmark problems 48-53 (session 38): six more kinds of code, written as users write
them, none of them looked at while s2sad was tuned:

* ``hmm_forward``: the forward algorithm of a hidden Markov model in log space, a
  log-sum-exp over the previous states per time step (written out: max, exp, sum,
  log), transition and emission probabilities as row softmaxes of free parameters
  (``scipy.special.logsumexp``);
* ``matfact_entries``: matrix factorisation, the squared error summed over the observed
  entries by an index loop (``U[i] @ V[j]``), plus an L2 penalty;
* ``particles_while``: particles on springs with quadratic drag, semi-implicit Euler
  steps in a ``while t < T`` loop, spring and drag constants as Python floats;
* ``transformer_block``: one pre-norm transformer block (layer norm, causal softmax
  attention, residual, a tanh MLP, residual), a mean-square loss;
* ``vae_elbo``: the negative ELBO of a small variational autoencoder (tanh encoder,
  reparameterised sample with given noise, Bernoulli decoder by ``np.logaddexp``, the
  Gaussian KL in closed form);
* ``neural_ode``: a batch of states through a small MLP vector field, integrated by
  fixed midpoint (RK2) steps.

The hand-written gradients are what an expert writes for the same code: a reverse sweep
of the same loops (states kept in a list or an array), closed forms where the code is
vectorised.  ``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np
from scipy.special import logsumexp


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# an HMM's forward algorithm in log space
# ---------------------------------------------------------------------------

def hmm_forward(A_logits, B_logits, pi_logits, obs):
    logA = A_logits - logsumexp(A_logits, axis=1, keepdims=True)
    logB = B_logits - logsumexp(B_logits, axis=1, keepdims=True)
    alpha = pi_logits - logsumexp(pi_logits) + logB[:, obs[0]]
    for t in range(1, len(obs)):
        M = alpha[:, None] + logA
        m = np.max(M, axis=0)
        alpha = m + np.log(np.sum(np.exp(M - m), axis=0)) + logB[:, obs[t]]
    return -logsumexp(alpha)


def _softmax(x, axis=None):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def hmm_forward_grad(A_logits, B_logits, pi_logits, obs):
    logA = A_logits - logsumexp(A_logits, axis=1, keepdims=True)
    logB = B_logits - logsumexp(B_logits, axis=1, keepdims=True)
    T = len(obs)
    alphas = np.empty((T, A_logits.shape[0]))
    alphas[0] = pi_logits - logsumexp(pi_logits) + logB[:, obs[0]]
    for t in range(1, T):
        M = alphas[t - 1][:, None] + logA
        m = np.max(M, axis=0)
        alphas[t] = m + np.log(np.sum(np.exp(M - m), axis=0)) + logB[:, obs[t]]
    gA = np.zeros_like(logA)
    gB = np.zeros_like(logB)
    g = -_softmax(alphas[T - 1])
    for t in range(T - 1, 0, -1):
        gB[:, obs[t]] += g
        W = np.exp(alphas[t - 1][:, None] + logA - (alphas[t] - logB[:, obs[t]])[None, :])
        G = W * g[None, :]
        gA += G
        g = np.sum(G, axis=1)
    gB[:, obs[0]] += g
    gpi = g - _softmax(pi_logits) * np.sum(g)
    gA_logits = gA - _softmax(A_logits, axis=1) * np.sum(gA, axis=1, keepdims=True)
    gB_logits = gB - _softmax(B_logits, axis=1) * np.sum(gB, axis=1, keepdims=True)
    return gA_logits, gB_logits, gpi


def hmm_forward_args(size):
    N, M, T = (12, 16, 150) if size == "full" else (3, 4, 5)
    r = _rng(481)
    return (r.standard_normal((N, N)), r.standard_normal((N, M)), r.standard_normal(N),
            r.integers(0, M, T))


# ---------------------------------------------------------------------------
# matrix factorisation over the observed entries
# ---------------------------------------------------------------------------

def matfact_entries(U, V, rows, cols, vals, lam):
    loss = 0.0
    for k in range(len(vals)):
        i = rows[k]
        j = cols[k]
        e = U[i] @ V[j] - vals[k]
        loss = loss + e * e
    return loss + lam * (np.sum(U * U) + np.sum(V * V))


def matfact_entries_grad(U, V, rows, cols, vals, lam):
    gU = 2.0 * lam * U
    gV = 2.0 * lam * V
    for k in range(len(vals)):
        i = rows[k]
        j = cols[k]
        e2 = 2.0 * (U[i] @ V[j] - vals[k])
        gU[i] += e2 * V[j]
        gV[j] += e2 * U[i]
    return gU, gV


def matfact_entries_args(size):
    n, m, rank, observed = (60, 50, 8, 500) if size == "full" else (5, 4, 2, 7)
    r = _rng(482)
    return (0.3 * r.standard_normal((n, rank)), 0.3 * r.standard_normal((m, rank)),
            r.integers(0, n, observed), r.integers(0, m, observed),
            r.standard_normal(observed), 0.05)


# ---------------------------------------------------------------------------
# particles on springs with drag, a while loop on time
# ---------------------------------------------------------------------------

def particles_while(k, c, x0, v0, dt, T):
    x = x0
    v = v0
    t = 0.0
    while t < T:
        a = -k * x - c * v * np.abs(v)
        v = v + dt * a
        x = x + dt * v
        t = t + dt
    return np.sum(x * x) + 0.5 * np.sum(v * v)


def particles_while_grad(k, c, x0, v0, dt, T):
    x = x0
    v = v0
    t = 0.0
    xs, vs = [], []
    while t < T:
        xs.append(x)
        vs.append(v)
        v = v + dt * (-k * x - c * v * np.abs(v))
        x = x + dt * v
        t = t + dt
    gx = 2.0 * x
    gv = v.copy()
    gk = gc = 0.0
    for n in range(len(xs) - 1, -1, -1):
        xn, vn = xs[n], vs[n]
        gv += dt * gx
        ga = dt * gv
        gk -= ga @ xn
        gc -= ga @ (vn * np.abs(vn))
        gx = gx - k * ga
        gv = gv - (2.0 * c) * np.abs(vn) * ga
    return gk, gc, gx


def particles_while_args(size):
    n, T = (400, 2.0) if size == "full" else (5, 0.1)
    r = _rng(483)
    return 4.0, 0.3, r.standard_normal(n), r.standard_normal(n), 0.02, T


# ---------------------------------------------------------------------------
# one pre-norm transformer block
# ---------------------------------------------------------------------------

def transformer_block(Wq, Wk, Wv, Wo, W1, W2, X):
    T, D = X.shape
    xc = X - np.mean(X, axis=1, keepdims=True)
    h = xc / np.sqrt(np.mean(xc * xc, axis=1, keepdims=True) + 1e-5)
    q = h @ Wq
    k = h @ Wk
    v = h @ Wv
    s = q @ k.T / np.sqrt(D)
    s = np.where(np.tril(np.ones((T, T))) > 0, s, -1e9)
    p = np.exp(s - np.max(s, axis=1, keepdims=True))
    p = p / np.sum(p, axis=1, keepdims=True)
    y = X + (p @ v) @ Wo
    z = y + np.tanh(y @ W1) @ W2
    return np.mean(z * z)


def transformer_block_grad(Wq, Wk, Wv, Wo, W1, W2, X):
    T, D = X.shape
    xc = X - np.mean(X, axis=1, keepdims=True)
    inv = 1.0 / np.sqrt(np.mean(xc * xc, axis=1, keepdims=True) + 1e-5)
    h = xc * inv
    q, k, v = h @ Wq, h @ Wk, h @ Wv
    s = np.where(np.tril(np.ones((T, T))) > 0, q @ k.T / np.sqrt(D), -1e9)
    p = np.exp(s - np.max(s, axis=1, keepdims=True))
    p /= np.sum(p, axis=1, keepdims=True)
    pv = p @ v
    y = X + pv @ Wo
    a = np.tanh(y @ W1)
    z = y + a @ W2
    gz = (2.0 / z.size) * z
    gW2 = a.T @ gz
    gu = (gz @ W2.T) * (1.0 - a * a)
    gW1 = y.T @ gu
    gy = gz + gu @ W1.T
    gWo = pv.T @ gy
    gpv = gy @ Wo.T
    gv = p.T @ gpv
    gp = gpv @ v.T
    gs = p * (gp - np.sum(gp * p, axis=1, keepdims=True)) / np.sqrt(D)
    gq = gs @ k
    gk = gs.T @ q
    return h.T @ gq, h.T @ gk, h.T @ gv, gWo, gW1, gW2


def transformer_block_args(size):
    T, D, H = (64, 32, 96) if size == "full" else (4, 3, 5)
    r = _rng(484)
    W = [r.standard_normal((D, D)) / np.sqrt(D) for _ in range(4)]
    return (*W, r.standard_normal((D, H)) / np.sqrt(D), r.standard_normal((H, D)) / np.sqrt(H),
            r.standard_normal((T, D)))


# ---------------------------------------------------------------------------
# a variational autoencoder's negative ELBO
# ---------------------------------------------------------------------------

def vae_elbo(We, be, Wmu, Wlv, Wd, bd, X, eps):
    h = np.tanh(X @ We + be)
    mu = h @ Wmu
    logvar = h @ Wlv
    z = mu + np.exp(0.5 * logvar) * eps
    logits = z @ Wd + bd
    rec = np.sum(np.logaddexp(0.0, logits) - X * logits)
    kl = -0.5 * np.sum(1.0 + logvar - mu * mu - np.exp(logvar))
    return (rec + kl) / X.shape[0]


def vae_elbo_grad(We, be, Wmu, Wlv, Wd, bd, X, eps):
    B = X.shape[0]
    h = np.tanh(X @ We + be)
    mu = h @ Wmu
    logvar = h @ Wlv
    s = np.exp(0.5 * logvar)
    z = mu + s * eps
    logits = z @ Wd + bd
    gl = (1.0 / (1.0 + np.exp(-logits)) - X) / B
    gz = gl @ Wd.T
    gmu = gz + mu / B
    glv = 0.5 * gz * eps * s - 0.5 * (1.0 - s * s) / B
    gpre = (gmu @ Wmu.T + glv @ Wlv.T) * (1.0 - h * h)
    return (X.T @ gpre, np.sum(gpre, axis=0), h.T @ gmu, h.T @ glv, z.T @ gl,
            np.sum(gl, axis=0))


def vae_elbo_args(size):
    B, D, H, L = (128, 64, 32, 8) if size == "full" else (4, 5, 3, 2)
    r = _rng(485)
    return (r.standard_normal((D, H)) / np.sqrt(D), 0.1 * r.standard_normal(H),
            r.standard_normal((H, L)) / np.sqrt(H), 0.1 * r.standard_normal((H, L)),
            r.standard_normal((L, D)) / np.sqrt(L), 0.1 * r.standard_normal(D),
            (r.random((B, D)) < 0.3).astype(float), r.standard_normal((B, L)))


# ---------------------------------------------------------------------------
# a neural ODE by midpoint steps
# ---------------------------------------------------------------------------

def neural_ode(W1, b1, W2, x0, dt, steps):
    x = x0
    for _ in range(steps):
        k1 = np.tanh(x @ W1 + b1) @ W2
        xm = x + 0.5 * dt * k1
        k2 = np.tanh(xm @ W1 + b1) @ W2
        x = x + dt * k2
    return np.sum(x * x) / x.shape[0]


def neural_ode_grad(W1, b1, W2, x0, dt, steps):
    x = x0
    tape = []
    for _ in range(steps):
        h1 = np.tanh(x @ W1 + b1)
        xm = x + (0.5 * dt) * (h1 @ W2)
        h2 = np.tanh(xm @ W1 + b1)
        tape.append((x, h1, xm, h2))
        x = x + dt * (h2 @ W2)
    gx = (2.0 / x.shape[0]) * x
    gW1, gb1, gW2 = np.zeros_like(W1), np.zeros_like(b1), np.zeros_like(W2)
    for x, h1, xm, h2 in reversed(tape):
        gk2 = dt * gx
        gW2 += h2.T @ gk2
        g2 = (gk2 @ W2.T) * (1.0 - h2 * h2)
        gW1 += xm.T @ g2
        gb1 += np.sum(g2, axis=0)
        gxm = g2 @ W1.T
        gk1 = (0.5 * dt) * gxm
        gW2 += h1.T @ gk1
        g1 = (gk1 @ W2.T) * (1.0 - h1 * h1)
        gW1 += x.T @ g1
        gb1 += np.sum(g1, axis=0)
        gx = gx + gxm + g1 @ W1.T
    return gW1, gb1, gW2


def neural_ode_args(size):
    B, D, H, steps = (128, 4, 32, 40) if size == "full" else (3, 2, 4, 3)
    r = _rng(486)
    return (r.standard_normal((D, H)) / np.sqrt(D), 0.1 * r.standard_normal(H),
            r.standard_normal((H, D)) / np.sqrt(H), r.standard_normal((B, D)), 0.05, steps)


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "hmm_forward", "title": "HMM forward algorithm in log space: a log-sum-exp "
     "over states per step", "func": hmm_forward, "hand_grad": hmm_forward_grad,
     "make_args": hmm_forward_args, "wrt": (0, 1, 2),
     "sizes": {"full": "12 states, 16 symbols, 150 steps", "smoke": "3, 4, 5"}},
    {"name": "matfact_entries", "title": "matrix factorisation: squared error summed over "
     "observed entries by an index loop, L2", "func": matfact_entries,
     "hand_grad": matfact_entries_grad, "make_args": matfact_entries_args, "wrt": (0, 1),
     "sizes": {"full": "60 x 50, rank 8, 500 entries", "smoke": "5 x 4, rank 2, 7"}},
    {"name": "particles_while", "title": "springs with quadratic drag: semi-implicit Euler "
     "in a while loop on time", "func": particles_while, "hand_grad": particles_while_grad,
     "make_args": particles_while_args, "wrt": (0, 1, 2),
     "sizes": {"full": "400 particles, 100 steps", "smoke": "5 particles, 5 steps"}},
    {"name": "transformer_block", "title": "pre-norm transformer block: layer norm, causal "
     "attention, tanh MLP, residuals", "func": transformer_block,
     "hand_grad": transformer_block_grad, "make_args": transformer_block_args,
     "wrt": (0, 1, 2, 3, 4, 5), "sizes": {"full": "64 tokens, width 32, MLP 96",
                                          "smoke": "4, 3, 5"}},
    {"name": "vae_elbo", "title": "VAE negative ELBO: tanh encoder, reparameterised "
     "sample, Bernoulli decoder, Gaussian KL", "func": vae_elbo, "hand_grad": vae_elbo_grad,
     "make_args": vae_elbo_args, "wrt": (0, 1, 2, 3, 4, 5),
     "sizes": {"full": "batch 128, 64 pixels, hidden 32, latent 8", "smoke": "4, 5, 3, 2"}},
    {"name": "neural_ode", "title": "neural ODE: an MLP vector field by midpoint steps",
     "func": neural_ode, "hand_grad": neural_ode_grad, "make_args": neural_ode_args,
     "wrt": (0, 1, 2), "sizes": {"full": "batch 128, 4 dims, hidden 32, 40 steps",
                                 "smoke": "3, 2, 4, 3 steps"}},
]
