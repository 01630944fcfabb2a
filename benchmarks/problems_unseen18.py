"""Benchmark problems 146-155 (session 53): ten more kinds of code, written as users write
them:

* ``gae_actor_critic``: an actor-critic loss: a softmax policy and a linear value, the
  discounted returns and generalised advantages by one reversed loop writing ``adv[t]``;
* ``llg_spins``: a Landau-Lifshitz-Gilbert spin chain: precession and damping by
  ``np.cross``, neighbours by ``np.roll``, renormalised by ``np.linalg.norm`` every step;
* ``ctc_loss``: connectionist temporal classification: the forward algorithm in log space
  over a batch, shifted copies by ``np.concatenate``, skips by ``np.where``;
* ``vonmises_mix``: a von Mises mixture's likelihood on angles, the normaliser by
  ``scipy.special.i0e``;
* ``deconv_tv``: blind deconvolution: ``np.convolve(x, kernel, mode="same")`` and a smoothed
  total variation by ``np.diff``, wrt the signal and the kernel;
* ``planar_flow``: planar normalising-flow layers in a loop (``np.outer``, the log-det
  term ``np.log(np.abs(1 + ...))``), the reverse KL to a ring-shaped target density;
* ``pca_eigh``: weighted PCA by ``np.linalg.eigh``, the held-out reconstruction error of the
  top eigenvectors, wrt the sample weights;
* ``horn_schunck``: robust Horn-Schunck optical flow: image and flow derivatives by
  ``np.gradient``, Charbonnier penalties, wrt the flow fields;
* ``maxent_irl``: maximum-entropy inverse reinforcement learning: soft value iteration by
  ``np.einsum`` over a transition tensor, the demonstrations' log-likelihood wrt rewards;
* ``focal_loss``: the focal loss of a linear classifier, the true class's log-probability
  picked by ``np.take_along_axis``.

The hand-written gradients are what an expert writes: the advantages' adjoint by a forward
recursion, the spin chain reversed step by step with the cross products' adjoints, CTC by
the alpha-beta occupancies, the mixture by its responsibilities and ``i1e / i0e``, the
convolution's adjoint by a correlation, the flow layers reversed from stored states, the
eigenvectors' adjoint by the gap matrix, ``np.gradient``'s adjoint by slices, the soft value
iteration reversed with stored policies, the focal loss by its closed-form derivative.
``SPECS`` describes them; ``problems.py`` registers them.  Each uses the function's own
library calls (``np.einsum``, ``np.logaddexp``), so the ratio measures the machinery.
"""
from __future__ import annotations

import numpy as np
from scipy.special import i0e, i1e

from benchmarks import problems_unseen18_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# actor-critic: discounted returns and generalised advantages in one reversed loop
# ---------------------------------------------------------------------------

def gae_actor_critic(Wp, v, S, actions, rewards, gamma, lam):
    T = rewards.shape[0]
    values = S @ v
    logits = S[:-1] @ Wp
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    adv = np.zeros(T)
    returns = np.zeros(T)
    running_adv = 0.0
    running_ret = values[T]
    for t in range(T - 1, -1, -1):
        delta = rewards[t] + gamma * values[t + 1] - values[t]
        running_adv = delta + gamma * lam * running_adv
        running_ret = rewards[t] + gamma * running_ret
        adv[t] = running_adv
        returns[t] = running_ret
    policy_loss = -np.mean(logp[np.arange(T), actions] * adv)
    value_loss = np.mean((returns - values[:-1]) ** 2)
    entropy = -np.mean(np.sum(np.exp(logp) * logp, axis=1))
    return policy_loss + 0.5 * value_loss - 0.01 * entropy


def gae_actor_critic_functional(Wp, v, S, actions, rewards, gamma, lam):
    T = rewards.shape[0]
    values = S @ v
    logits = S[:-1] @ Wp
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    adv, returns = [], []
    running_adv = 0.0
    running_ret = values[T]
    for t in range(T - 1, -1, -1):
        delta = rewards[t] + gamma * values[t + 1] - values[t]
        running_adv = delta + gamma * lam * running_adv
        running_ret = rewards[t] + gamma * running_ret
        adv.append(running_adv)
        returns.append(running_ret)
    adv, returns = np.array(adv[::-1]), np.array(returns[::-1])
    policy_loss = -np.mean(logp[np.arange(T), actions] * adv)
    value_loss = np.mean((returns - values[:-1]) ** 2)
    entropy = -np.mean(np.sum(np.exp(logp) * logp, axis=1))
    return policy_loss + 0.5 * value_loss - 0.01 * entropy


def gae_actor_critic_grad(Wp, v, S, actions, rewards, gamma, lam):
    T = rewards.shape[0]
    values = S @ v
    logits = S[:-1] @ Wp
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    p = np.exp(logp)
    rows = np.arange(T)
    deltas = (rewards + gamma * values[1:] - values[:-1]).tolist()
    rs = rewards.tolist()
    adv, ret = np.empty(T), np.empty(T)
    a, g = 0.0, float(values[T])
    gl = gamma * lam
    for t in range(T - 1, -1, -1):
        a = deltas[t] + gl * a
        g = rs[t] + gamma * g
        adv[t], ret[t] = a, g
    # policy loss: d/d adv_t = -logp_t / T; advantages are a backward recursion of the
    # deltas, so the deltas' adjoint is the forward recursion of the advantages' adjoint
    b_adv = (-logp[rows, actions] / T).tolist()
    b_delta = np.empty(T)
    c = 0.0
    for t in range(T):
        c = b_adv[t] + gl * c
        b_delta[t] = c
    # returns depend on values[T] only: d ret_t / d values[T] = gamma ** (T - t)
    b_ret = (ret - values[:-1]) / T
    b_values = np.zeros(T + 1)
    b_values[:-1] = -b_ret - b_delta
    b_values[1:] += gamma * b_delta
    b_values[T] += b_ret @ (gamma ** np.arange(T, 0, -1))
    b_logp = 0.01 / T * p * (logp + 1.0)
    b_logp[rows, actions] -= adv / T
    b_z = b_logp - p * np.sum(b_logp, axis=1, keepdims=True)
    return S[:-1].T @ b_z, S.T @ b_values


def gae_actor_critic_args(size):
    T, d, A = (1500, 16, 6) if size == "full" else (7, 3, 3)
    r = _rng(1801)
    S = r.standard_normal((T + 1, d))
    return (0.3 * r.standard_normal((d, A)), 0.3 * r.standard_normal(d), S,
            r.integers(0, A, T), r.standard_normal(T), 0.99, 0.95)


# ---------------------------------------------------------------------------
# a Landau-Lifshitz-Gilbert spin chain by np.cross
# ---------------------------------------------------------------------------

def llg_spins(h, log_alpha, J, m0, target, dt, n_steps):
    alpha = np.exp(log_alpha)
    m = m0
    for _ in range(n_steps):
        H = J * (np.roll(m, 1, axis=0) + np.roll(m, -1, axis=0)) + h
        mxH = np.cross(m, H)
        dm = -mxH - alpha * np.cross(m, mxH)
        m = m + dt * dm
        m = m / np.linalg.norm(m, axis=1, keepdims=True)
    return np.sum((m - target) ** 2)


def llg_spins_grad(h, log_alpha, J, m0, target, dt, n_steps):
    alpha = np.exp(log_alpha)
    ms, norms = [], []
    m = m0
    for _ in range(n_steps):
        ms.append(m)
        H = J * (np.roll(m, 1, axis=0) + np.roll(m, -1, axis=0)) + h
        c1 = np.cross(m, H)
        q = m - dt * (c1 + alpha * np.cross(m, c1))
        nq = np.sqrt(np.sum(q * q, axis=1, keepdims=True))
        norms.append(nq)
        m = q / nq
    bm = 2.0 * (m - target)
    bh, b_alpha, bJ = np.zeros(3), 0.0, 0.0
    for k in range(n_steps - 1, -1, -1):
        m_new = m
        m = ms[k]
        bq = (bm - m_new * np.sum(m_new * bm, axis=1, keepdims=True)) / norms[k]
        nb = np.roll(m, 1, axis=0) + np.roll(m, -1, axis=0)
        H = J * nb + h
        c1 = np.cross(m, H)
        c2 = np.cross(m, c1)
        b_dm = dt * bq
        b_alpha -= np.sum(c2 * b_dm)
        b_c2 = -alpha * b_dm
        b_c1 = np.cross(b_c2, m) - b_dm
        bm = bq + np.cross(c1, b_c2) + np.cross(H, b_c1)
        bH = np.cross(b_c1, m)
        bJ += np.sum(bH * nb)
        bh += np.sum(bH, axis=0)
        bm += J * (np.roll(bH, -1, axis=0) + np.roll(bH, 1, axis=0))
    return bh, b_alpha * alpha, bJ


def llg_spins_args(size):
    N, steps = (256, 300) if size == "full" else (5, 4)
    r = _rng(1802)
    m0 = r.standard_normal((N, 3))
    m0 /= np.linalg.norm(m0, axis=1, keepdims=True)
    target = np.zeros((N, 3))
    target[:, 2] = 1.0
    return np.array([0.1, -0.2, 1.0]), np.log(0.1), 0.5, m0, target, 0.01, steps


# ---------------------------------------------------------------------------
# CTC loss: the forward algorithm in log space over a batch
# ---------------------------------------------------------------------------

NEG_INF = -1e30


def ctc_loss(logits, labels):
    B, T, C = logits.shape
    L = labels.shape[1]
    z = logits - np.max(logits, axis=2, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=2, keepdims=True))
    ext = np.zeros((B, 2 * L + 1), dtype=int)  # blanks (class 0) between the labels
    ext[:, 1::2] = labels
    skip = np.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])
    rows = np.arange(B)[:, None]
    alpha = np.full(ext.shape, NEG_INF)
    alpha[:, 0] = logp[:, 0, 0]
    alpha[:, 1] = logp[np.arange(B), 0, ext[:, 1]]
    pad1 = np.full((B, 1), NEG_INF)
    pad2 = np.full((B, 2), NEG_INF)
    for t in range(1, T):
        stay_or_step = np.logaddexp(alpha, np.concatenate([pad1, alpha[:, :-1]], axis=1))
        jump = np.where(skip, np.concatenate([pad2, alpha[:, :-2]], axis=1), NEG_INF)
        alpha = np.logaddexp(stay_or_step, jump) + logp[rows, t, ext]
    return -np.mean(np.logaddexp(alpha[:, -1], alpha[:, -2]))


def ctc_loss_functional(logits, labels):
    B, T, C = logits.shape
    L = labels.shape[1]
    z = logits - np.max(logits, axis=2, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=2, keepdims=True))
    pairs = np.stack([labels, np.zeros_like(labels)], axis=2).reshape(B, 2 * L)
    ext = np.concatenate([np.zeros((B, 1), dtype=labels.dtype), pairs], axis=1)
    skip = np.concatenate([np.zeros((B, 2), dtype=bool),
                           (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])], axis=1)
    rows = np.arange(B)[:, None]
    start = np.concatenate([np.zeros((B, 2)), np.full((B, 2 * L - 1), NEG_INF)], axis=1)
    alpha = np.where(start == 0.0, logp[rows, 0, ext], NEG_INF)
    pad1 = np.full((B, 1), NEG_INF)
    pad2 = np.full((B, 2), NEG_INF)
    for t in range(1, T):
        stay_or_step = np.logaddexp(alpha, np.concatenate([pad1, alpha[:, :-1]], axis=1))
        jump = np.where(skip, np.concatenate([pad2, alpha[:, :-2]], axis=1), NEG_INF)
        alpha = np.logaddexp(stay_or_step, jump) + logp[rows, t, ext]
    return -np.mean(np.logaddexp(alpha[:, -1], alpha[:, -2]))


def ctc_loss_grad(logits, labels):
    B, T, C = logits.shape
    L = labels.shape[1]
    S = 2 * L + 1
    z = logits - np.max(logits, axis=2, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=2, keepdims=True))
    ext = np.zeros((B, S), dtype=int)
    ext[:, 1::2] = labels
    skip = np.zeros((B, S), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])
    rows = np.arange(B)[:, None]
    em = logp[rows, np.arange(T)[:, None, None], ext[None]]  # (T, B, S) emissions
    alphas = np.full((T, B, S + 2), NEG_INF)  # two padding columns in front
    alphas[0, :, 2:4] = em[0, :, :2]
    for t in range(1, T):
        a = alphas[t - 1]
        alphas[t, :, 2:] = np.logaddexp(np.logaddexp(a[:, 2:], a[:, 1:-1]),
                                        np.where(skip, a[:, :-2], NEG_INF)) + em[t]
    betas = np.full((T, B, S + 2), NEG_INF)  # two padding columns behind
    betas[T - 1, :, S - 2:S] = em[T - 1, :, S - 2:]
    skip_next = np.zeros((B, S), dtype=bool)
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(T - 2, -1, -1):
        b = betas[t + 1]
        betas[t, :, :S] = np.logaddexp(np.logaddexp(b[:, :S], b[:, 1:S + 1]),
                                       np.where(skip_next, b[:, 2:], NEG_INF)) + em[t]
    a_end = alphas[T - 1, :, 2:]
    logpb = np.logaddexp(a_end[:, -1], a_end[:, -2])
    occ = np.exp(alphas[:, :, 2:] + betas[:, :, :S] - em - logpb[None, :, None])  # (T, B, S)
    b_logp = np.zeros((B, T, C))
    t_idx = np.broadcast_to(np.arange(T)[:, None, None], occ.shape)
    b_idx = np.broadcast_to(np.arange(B)[None, :, None], occ.shape)
    np.add.at(b_logp, (b_idx, t_idx, np.broadcast_to(ext[None], occ.shape)), -occ / B)
    p = np.exp(logp)
    return (b_logp - p * np.sum(b_logp, axis=2, keepdims=True),)


def ctc_loss_args(size):
    B, T, C, L = (32, 120, 28, 24) if size == "full" else (2, 6, 4, 2)
    r = _rng(1803)
    labels = r.integers(1, C, (B, L))
    labels[:, 1] = labels[:, 0]  # a repeated label: no skip there
    return r.standard_normal((B, T, C)), labels


# ---------------------------------------------------------------------------
# a von Mises mixture on angles, normalised by scipy.special.i0e
# ---------------------------------------------------------------------------

def vonmises_mix(logits, mu, log_kappa, theta):
    kappa = np.exp(log_kappa)
    log_norm = np.log(2.0 * np.pi * i0e(kappa)) + kappa  # log(2 pi I0(kappa))
    comp = kappa * np.cos(theta[:, None] - mu) - log_norm
    log_w = logits - np.log(np.sum(np.exp(logits)))
    a = comp + log_w
    a_max = np.max(a, axis=1, keepdims=True)
    ll = a_max[:, 0] + np.log(np.sum(np.exp(a - a_max), axis=1))
    return -np.mean(ll)


def vonmises_mix_grad(logits, mu, log_kappa, theta):
    kappa = np.exp(log_kappa)
    diff = theta[:, None] - mu
    a = kappa * np.cos(diff) - np.log(2.0 * np.pi * i0e(kappa)) - kappa + logits
    a -= np.max(a, axis=1, keepdims=True)
    resp = np.exp(a)
    resp /= np.sum(resp, axis=1, keepdims=True)
    n = theta.shape[0]
    b_comp = -resp / n
    nk = np.sum(b_comp, axis=0)
    w = np.exp(logits - np.max(logits))
    w /= np.sum(w)
    g_logits = nk - w * np.sum(nk)
    g_mu = kappa * np.sum(b_comp * np.sin(diff), axis=0)
    g_kappa = np.sum(b_comp * np.cos(diff), axis=0) - nk * i1e(kappa) / i0e(kappa)
    return g_logits, g_mu, g_kappa * kappa


def vonmises_mix_args(size):
    n, K = (40000, 8) if size == "full" else (9, 3)
    r = _rng(1804)
    centres = r.uniform(-np.pi, np.pi, K)
    theta = np.angle(np.exp(1j * (centres[r.integers(0, K, n)] + 0.4 * r.standard_normal(n))))
    return (0.1 * r.standard_normal(K), centres + 0.2 * r.standard_normal(K),
            np.log(2.0 + 3.0 * r.random(K)), theta)


# ---------------------------------------------------------------------------
# blind deconvolution: np.convolve(mode="same") and a smoothed total variation
# ---------------------------------------------------------------------------

def deconv_tv(x, kernel, y, lam, eps):
    blurred = np.convolve(x, kernel, mode="same")
    tv = np.sum(np.sqrt(np.diff(x) ** 2 + eps))
    return 0.5 * np.sum((blurred - y) ** 2) + lam * tv + 0.5 * np.sum(kernel ** 2)


def deconv_tv_grad(x, kernel, y, lam, eps):
    n, m = x.shape[0], kernel.shape[0]
    c = (m - 1) // 2  # "same" keeps the centre of the full convolution
    full = np.convolve(x, kernel)
    r = full[c:c + n] - y
    g_x = np.convolve(r, kernel[::-1])[m - 1 - c:m - 1 - c + n]
    d = np.diff(x)
    w = lam * d / np.sqrt(d * d + eps)
    g_x[1:] += w
    g_x[:-1] -= w
    r_full = np.zeros(n + m - 1)
    r_full[c:c + n] = r
    g_k = np.correlate(r_full, x, mode="valid") + kernel
    return g_x, g_k


def deconv_tv_args(size):
    n, m = (50000, 31) if size == "full" else (12, 5)
    r = _rng(1805)
    truth = np.repeat(r.standard_normal(n // 4 + 1), 4)[:n]
    kernel = np.exp(-0.5 * (np.arange(m) - (m - 1) / 2) ** 2 / (m / 6) ** 2)
    kernel /= np.sum(kernel)
    y = np.convolve(truth, kernel, mode="same") + 0.05 * r.standard_normal(n)
    return (y + 0.1 * r.standard_normal(n), kernel + 0.01 * r.standard_normal(m), y, 0.1,
            1e-3)


# ---------------------------------------------------------------------------
# planar normalising flows: reverse KL to a ring-shaped density
# ---------------------------------------------------------------------------

def _ring_energy(z):
    r = np.sqrt(np.sum(z ** 2, axis=1))
    x = z[:, 0]
    bumps = np.exp(-0.5 * ((x - 2.0) / 0.6) ** 2) + np.exp(-0.5 * ((x + 2.0) / 0.6) ** 2)
    return 0.5 * ((r - 2.0) / 0.4) ** 2 - np.log(bumps)


def planar_flow(U, W, b, z0):
    z = z0
    log_det = 0.0
    for k in range(U.shape[0]):
        h = np.tanh(z @ W[k] + b[k])
        z = z + np.outer(h, U[k])
        log_det = log_det + np.log(np.abs(1.0 + (1.0 - h ** 2) * (W[k] @ U[k])))
    return np.mean(_ring_energy(z) - log_det)


def planar_flow_grad(U, W, b, z0):
    K, n = U.shape[0], z0.shape[0]
    zs, hs = [], []
    z = z0
    for k in range(K):
        zs.append(z)
        h = np.tanh(z @ W[k] + b[k])
        hs.append(h)
        z = z + np.outer(h, U[k])
    # the energy's gradient at the flow's output
    r = np.sqrt(np.sum(z ** 2, axis=1))
    e1 = np.exp(-0.5 * ((z[:, 0] - 2.0) / 0.6) ** 2)
    e2 = np.exp(-0.5 * ((z[:, 0] + 2.0) / 0.6) ** 2)
    bz = ((r - 2.0) / (0.16 * r))[:, None] * z
    bz[:, 0] += ((z[:, 0] - 2.0) * e1 + (z[:, 0] + 2.0) * e2) / (0.36 * (e1 + e2))
    bz /= n
    gU, gW, gb = np.zeros_like(U), np.zeros_like(W), np.zeros_like(b)
    for k in range(K - 1, -1, -1):
        h, s = hs[k], 1.0 - hs[k] ** 2
        wu = W[k] @ U[k]
        det = 1.0 + s * wu
        b_s = -wu / (n * det)
        b_wu = -np.sum(s / det) / n
        b_a = (bz @ U[k] - 2.0 * h * b_s) * s
        gU[k] = h @ bz + b_wu * W[k]
        gW[k] = zs[k].T @ b_a + b_wu * U[k]
        gb[k] = np.sum(b_a)
        bz = bz + np.outer(b_a, W[k])
    return gU, gW, gb


def planar_flow_args(size):
    K, n = (24, 20000) if size == "full" else (3, 6)
    r = _rng(1806)
    return (0.5 * r.standard_normal((K, 2)), 0.5 * r.standard_normal((K, 2)),
            0.1 * r.standard_normal(K), r.standard_normal((n, 2)))


# ---------------------------------------------------------------------------
# weighted PCA by np.linalg.eigh: the held-out reconstruction error
# ---------------------------------------------------------------------------

def pca_eigh(log_w, X, Y, k):
    w = np.exp(log_w)
    w = w / np.sum(w)
    mu = w @ X
    Xc = X - mu
    C = Xc.T @ (w[:, None] * Xc)
    evals, evecs = np.linalg.eigh(C)
    V = evecs[:, -k:]
    Yc = Y - mu
    R = Yc - (Yc @ V) @ V.T
    return np.mean(np.sum(R ** 2, axis=1))


def pca_eigh_grad(log_w, X, Y, k):
    w = np.exp(log_w - np.max(log_w))
    w /= np.sum(w)
    mu = w @ X
    Xc = X - mu
    evals, Q = np.linalg.eigh(Xc.T @ (w[:, None] * Xc))
    V = Q[:, -k:]
    Yc = Y - mu
    m = Y.shape[0]
    P_Yc = (Yc @ V) @ V.T
    b_mu = -(2.0 / m) * np.sum(Yc - P_Yc, axis=0)
    # d/dV of -tr(V' Yc' Yc V) / m, then the eigenvectors' adjoint by the gap matrix
    QtS = (Q.T @ Yc.T) @ (Yc @ V)  # Q' S V, (d, k)
    gap = evals[-k:][None, :] - evals[:, None]
    gap[-k:, :] = np.inf  # V's own columns: rotations within the span leave P unchanged
    M = -(2.0 / m) * QtS / gap
    b_C = Q @ M @ V.T
    b_C = 0.5 * (b_C + b_C.T)
    b_w = np.sum((Xc @ b_C) * Xc, axis=1) + X @ b_mu  # C's derivative wrt mu is zero
    return (w * (b_w - w @ b_w),)


def pca_eigh_args(size):
    n, m, d, k = (6000, 3000, 60, 6) if size == "full" else (10, 6, 4, 2)
    r = _rng(1807)
    scales = np.linspace(3.0, 0.3, d)
    basis = np.linalg.qr(r.standard_normal((d, d)))[0]
    X = (r.standard_normal((n, d)) * scales) @ basis.T
    Y = (r.standard_normal((m, d)) * scales) @ basis.T + 0.3
    return 0.3 * r.standard_normal(n), X, Y, k


# ---------------------------------------------------------------------------
# robust Horn-Schunck optical flow with np.gradient
# ---------------------------------------------------------------------------

def horn_schunck(u, v, I0, I1, alpha, eps):
    Iy, Ix = np.gradient(I0)
    It = I1 - I0
    data = np.sqrt((Ix * u + Iy * v + It) ** 2 + eps ** 2)
    uy, ux = np.gradient(u)
    vy, vx = np.gradient(v)
    smooth = np.sqrt(ux ** 2 + uy ** 2 + vx ** 2 + vy ** 2 + eps ** 2)
    return np.sum(data) + alpha * np.sum(smooth)


def _gradient_adjoint(g, axis):
    """The adjoint of np.gradient along ``axis`` (unit spacing, first-order ends)."""
    g = np.moveaxis(g, axis, 0)
    out = np.zeros_like(g)
    half = 0.5 * g[1:-1]
    out[2:] += half
    out[:-2] -= half
    out[1] += g[0]
    out[0] -= g[0]
    out[-1] += g[-1]
    out[-2] -= g[-1]
    return np.moveaxis(out, 0, axis)


def horn_schunck_grad(u, v, I0, I1, alpha, eps):
    Iy, Ix = np.gradient(I0)
    res = Ix * u + Iy * v + (I1 - I0)
    b_res = res / np.sqrt(res ** 2 + eps ** 2)
    uy, ux = np.gradient(u)
    vy, vx = np.gradient(v)
    s = alpha / np.sqrt(ux ** 2 + uy ** 2 + vx ** 2 + vy ** 2 + eps ** 2)
    g_u = b_res * Ix + _gradient_adjoint(s * uy, 0) + _gradient_adjoint(s * ux, 1)
    g_v = b_res * Iy + _gradient_adjoint(s * vy, 0) + _gradient_adjoint(s * vx, 1)
    return g_u, g_v


def horn_schunck_args(size):
    n = 384 if size == "full" else 6
    r = _rng(1808)
    yy, xx = np.mgrid[0:n, 0:n] / n
    I0 = np.sin(6.0 * xx) * np.cos(4.0 * yy) + 0.05 * r.standard_normal((n, n))
    I1 = np.sin(6.0 * (xx - 0.02)) * np.cos(4.0 * (yy - 0.01))
    return (0.1 * r.standard_normal((n, n)), 0.1 * r.standard_normal((n, n)), I0, I1, 0.5,
            1e-2)


# ---------------------------------------------------------------------------
# maximum-entropy inverse RL: soft value iteration by np.einsum
# ---------------------------------------------------------------------------

def maxent_irl(theta, features, P, demo_s, demo_a, gamma, n_iter):
    r = features @ theta
    V = np.zeros(P.shape[0])
    for _ in range(n_iter):
        Q = r[:, None] + gamma * np.einsum("sat,t->sa", P, V)
        Q_max = np.max(Q, axis=1)
        V = Q_max + np.log(np.sum(np.exp(Q - Q_max[:, None]), axis=1))
    log_pi = Q - V[:, None]
    return -np.mean(log_pi[demo_s, demo_a])


def maxent_irl_grad(theta, features, P, demo_s, demo_a, gamma, n_iter):
    S, A = P.shape[0], P.shape[1]
    r = features @ theta
    V = np.zeros(S)
    pis = []
    for _ in range(n_iter):
        Q = r[:, None] + gamma * np.einsum("sat,t->sa", P, V)
        Q_max = np.max(Q, axis=1)
        E = np.exp(Q - Q_max[:, None])
        sE = np.sum(E, axis=1)
        V = Q_max + np.log(sE)
        pis.append(E / sE[:, None])
    b_Q = np.zeros((S, A))
    np.add.at(b_Q, (demo_s, demo_a), -1.0 / demo_s.shape[0])
    b_V = -np.sum(b_Q, axis=1)
    b_r = np.zeros(S)
    for k in range(n_iter - 1, -1, -1):
        b_Q = b_Q + pis[k] * b_V[:, None]
        b_r += np.sum(b_Q, axis=1)
        b_V = gamma * np.einsum("sa,sat->t", b_Q, P)
        b_Q = np.zeros((S, A))
    return (features.T @ b_r,)


def maxent_irl_args(size):
    S, A, F, D, iters = (400, 5, 12, 3000, 60) if size == "full" else (6, 2, 3, 8, 4)
    r = _rng(1809)
    P = r.random((S, A, S)) ** 8
    P /= np.sum(P, axis=2, keepdims=True)
    return (0.5 * r.standard_normal(F), r.standard_normal((S, F)), P, r.integers(0, S, D),
            r.integers(0, A, D), 0.9, iters)


# ---------------------------------------------------------------------------
# the focal loss: the true class's log-probability by np.take_along_axis
# ---------------------------------------------------------------------------

def focal_loss(W, b, X, y, gamma):
    logits = X @ W + b
    m = np.max(logits, axis=1, keepdims=True)
    logp = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    logp_true = np.take_along_axis(logp, y[:, None], axis=1)[:, 0]
    p_true = np.exp(logp_true)
    return -np.mean((1.0 - p_true) ** gamma * logp_true) + 1e-4 * np.sum(W ** 2)


def focal_loss_grad(W, b, X, y, gamma):
    logits = X @ W + b
    logits -= np.max(logits, axis=1, keepdims=True)
    p = np.exp(logits)
    p /= np.sum(p, axis=1, keepdims=True)
    n = X.shape[0]
    rows = np.arange(n)
    pt = p[rows, y]
    q = 1.0 - pt
    qg1 = q ** (gamma - 1.0)
    b_lpt = -(q * qg1 - gamma * qg1 * pt * np.log(pt)) / n
    b_logits = -p * b_lpt[:, None]
    b_logits[rows, y] += b_lpt
    return X.T @ b_logits + 2e-4 * W, np.sum(b_logits, axis=0)


def focal_loss_args(size):
    n, d, K = (20000, 64, 10) if size == "full" else (9, 3, 4)
    r = _rng(1810)
    X = r.standard_normal((n, d))
    y = np.argmax(X @ r.standard_normal((d, K)) + r.standard_normal((n, K)), axis=1)
    return 0.1 * r.standard_normal((d, K)), np.zeros(K), X, y, 2.0


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("gae_actor_critic", "actor-critic loss: softmax policy, linear value, returns and "
          "generalised advantages by one reversed loop writing adv[t], an entropy bonus",
          (0, 1), ("1500 steps, 16 features, 6 actions", "7, 3, 3")),
    _spec("llg_spins", "Landau-Lifshitz-Gilbert spin chain: precession and damping by "
          "np.cross, np.roll neighbours, renormalised by np.linalg.norm each step, wrt the "
          "field, log damping and coupling", (0, 1, 2), ("256 spins, 300 steps", "5, 4")),
    _spec("ctc_loss", "CTC loss: the forward algorithm in log space over a batch, shifts by "
          "np.concatenate, skips by np.where, np.logaddexp", (0,),
          ("32 x 120 frames x 28 classes, 24 labels", "2 x 6 x 4, 2")),
    _spec("vonmises_mix", "von Mises mixture on angles: the normaliser by scipy.special.i0e, "
          "a log-sum-exp over components", (0, 1, 2), ("40000 angles, 8 components", "9, 3")),
    _spec("deconv_tv", "blind deconvolution: np.convolve(mode='same') and a smoothed total "
          "variation by np.diff, wrt the signal and the kernel", (0, 1),
          ("50000 samples, 31 taps", "12, 5")),
    _spec("planar_flow", "planar normalising flows in a loop: np.outer updates, "
          "log|1 + psi . u| terms, reverse KL to a ring density", (0, 1, 2),
          ("24 layers, 20000 samples", "3, 6")),
    _spec("pca_eigh", "weighted PCA by np.linalg.eigh: held-out reconstruction error of the "
          "top eigenvectors, wrt the log sample weights", (0,),
          ("6000 x 60, top 6, 3000 held out", "10 x 4, 2, 6")),
    _spec("horn_schunck", "robust Horn-Schunck optical flow: derivatives by np.gradient, "
          "Charbonnier penalties, wrt the flow fields", (0, 1), ("384 x 384", "6 x 6")),
    _spec("maxent_irl", "maximum-entropy inverse RL: soft value iteration by np.einsum over a "
          "transition tensor, demonstrations' log-likelihood wrt reward weights", (0,),
          ("400 states x 5 actions, 60 iterations", "6 x 2, 4")),
    _spec("focal_loss", "focal loss of a linear classifier: the true class's log-probability "
          "by np.take_along_axis, (1 - p) ** gamma weights", (0, 1),
          ("20000 x 64, 10 classes", "9 x 3, 4")),
]
