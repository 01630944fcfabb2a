"""Benchmark problems 123-132 (session 50): ten more kinds of code, written as users write
them:

* ``mdn_loss``: a mixture density network: a tanh MLP whose output is split by slices into
  mixture logits, means and log-scales, a log-sum-exp negative log-likelihood;
* ``bundle_adjust``: bundle-adjustment reprojection error: cameras and points gathered by
  index arrays, Rodrigues rotations by ``np.cross``, a pinhole projection;
* ``beam_compliance``: an Euler-Bernoulli beam's compliance: element stiffness matrices
  added into the global one by a loop of slice ``+=`` (scatter-add), one clamped end
  removed by slicing, ``np.linalg.solve``;
* ``ray_render``: volume rendering along rays: softplus densities, transmittance by
  ``np.cumsum`` and ``np.concatenate``, colours by a weighted sum over samples, a white
  background;
* ``realnvp_nll``: a RealNVP flow's negative log-likelihood: affine coupling layers in a
  loop with the halves swapped by tuple assignment, a log-determinant summed in the loop;
* ``clenshaw_fit``: a Chebyshev series evaluated by Clenshaw's backward recurrence (a
  loop over coefficients read as ``c[k]``), a least-squares fit with a roughness penalty;
* ``skipgram_ns``: word2vec skip-gram with negative sampling: embedding rows gathered by
  index arrays with repeats, ``np.einsum``, ``np.log1p(np.exp(.))``;
* ``lorenz96_4dvar``: strong-constraint 4D-Var on Lorenz-96: Heun steps of a right-hand
  side by ``np.roll`` in a helper, observations of some components every tenth step
  (``if t % 10 == 0``), a background term;
* ``enet_logistic``: elastic-net logistic regression by proximal gradient steps (soft
  thresholding by ``np.sign``/``np.maximum``) in a ``while`` loop until the change is
  below a tolerance, the validation loss differentiated wrt both penalties;
* ``ordinal_logit``: a cumulative-link (ordinal logistic) model: cut points by
  ``np.cumsum`` of exponentiated gaps, the CDF padded by ``np.concatenate``, each row's
  two columns picked by ``F[np.arange(n), y]``.

The hand-written gradients are what an expert writes, on the function's own forward
computation: the network's backward by products, the Rodrigues rotation's derivative by
cross products, the compliance's ``-u_e' k_e u_e`` per element, the transmittance's
adjoint by a reversed cumulative sum, the coupling layers reversed on a tape, the
Chebyshev Vandermonde matrix and the series' derivative, the Lorenz-96 adjoint model by
rolls kept from the forward steps, the ordinal model's CDF adjoint at each row's two
columns; rows added at repeated indices (cameras, points, embeddings) by one
``np.bincount`` over flat positions, not the slow ``np.add.at`` of rows.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np
from numpy.polynomial import chebyshev

from benchmarks import problems_unseen16_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _scatter_rows(n_rows, idx, rows):
    """Rows added at (repeated) row indices: one ``np.bincount`` over flat positions
    (what an expert writes instead of the slow ``np.add.at`` of rows)."""
    d = rows.shape[-1]
    flat = (np.reshape(idx, (-1, 1)) * d + np.arange(d)).ravel()
    return np.bincount(flat, np.reshape(rows, (-1,)), n_rows * d).reshape(n_rows, d)


# ---------------------------------------------------------------------------
# a mixture density network
# ---------------------------------------------------------------------------

def mdn_loss(W1, b1, W2, b2, X, y):
    H = np.tanh(X @ W1 + b1)
    out = H @ W2 + b2
    K = out.shape[1] // 3
    logits, mu, log_sigma = out[:, :K], out[:, K:2 * K], out[:, 2 * K:]
    log_pi = logits - np.max(logits, axis=1, keepdims=True)
    log_pi = log_pi - np.log(np.sum(np.exp(log_pi), axis=1, keepdims=True))
    z = (y[:, None] - mu) / np.exp(log_sigma)
    log_comp = log_pi - 0.5 * z ** 2 - log_sigma - 0.5 * np.log(2.0 * np.pi)
    m = np.max(log_comp, axis=1, keepdims=True)
    return -np.mean(m[:, 0] + np.log(np.sum(np.exp(log_comp - m), axis=1)))


def mdn_loss_grad(W1, b1, W2, b2, X, y):
    H = np.tanh(X @ W1 + b1)
    out = H @ W2 + b2
    K = out.shape[1] // 3
    logits, mu, log_sigma = out[:, :K], out[:, K:2 * K], out[:, 2 * K:]
    pi = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    pi /= np.sum(pi, axis=1, keepdims=True)
    z = (y[:, None] - mu) * np.exp(-log_sigma)
    log_comp = np.log(pi) - 0.5 * z ** 2 - log_sigma
    R = np.exp(log_comp - np.max(log_comp, axis=1, keepdims=True))
    R /= np.sum(R, axis=1, keepdims=True)  # responsibilities
    R /= y.shape[0]
    g_out = np.concatenate([pi / y.shape[0] - R, -R * z * np.exp(-log_sigma),
                            R * (1.0 - z ** 2)], axis=1)
    gA = (g_out @ W2.T) * (1.0 - H ** 2)
    return X.T @ gA, np.sum(gA, axis=0), H.T @ g_out, np.sum(g_out, axis=0)


def mdn_loss_args(size):
    n, d, h, K = (4000, 8, 64, 5) if size == "full" else (9, 3, 4, 2)
    r = _rng(1601)
    X = r.standard_normal((n, d))
    y = np.sin(2.0 * X[:, 0]) + 0.3 * X[:, 1] ** 2 + 0.1 * r.standard_normal(n)
    return (r.standard_normal((d, h)) / np.sqrt(d), 0.1 * r.standard_normal(h),
            r.standard_normal((h, 3 * K)) / np.sqrt(h), 0.1 * r.standard_normal(3 * K), X, y)


# ---------------------------------------------------------------------------
# bundle adjustment: reprojection error with Rodrigues rotations
# ---------------------------------------------------------------------------

def bundle_adjust(cams, points, cam_idx, pt_idx, obs):
    c = cams[cam_idx]
    P = points[pt_idx]
    w = c[:, :3]
    theta = np.sqrt(np.sum(w ** 2, axis=1, keepdims=True))
    k = w / theta
    cos, sin = np.cos(theta), np.sin(theta)
    P_rot = P * cos + np.cross(k, P) * sin + k * np.sum(k * P, axis=1, keepdims=True) * (1 - cos)
    P_cam = P_rot + c[:, 3:6]
    proj = c[:, 6:7] * P_cam[:, :2] / P_cam[:, 2:3]
    return 0.5 * np.sum((proj - obs) ** 2)


def bundle_adjust_grad(cams, points, cam_idx, pt_idx, obs):
    c, P = cams[cam_idx], points[pt_idx]
    w = c[:, :3]
    theta = np.sqrt(np.einsum("ij,ij->i", w, w))[:, None]
    k = w / theta
    cos, sin = np.cos(theta), np.sin(theta)
    kxP = np.cross(k, P)
    kP = np.einsum("ij,ij->i", k, P)[:, None]
    P_cam = P * cos + kxP * sin + k * kP * (1 - cos) + c[:, 3:6]
    inv_z = 1.0 / P_cam[:, 2:3]
    uv = P_cam[:, :2] * inv_z
    r = c[:, 6:7] * uv - obs
    g_cam = np.empty_like(P_cam)  # d/dP_cam of the projection
    g_cam[:, :2] = c[:, 6:7] * r * inv_z
    g_cam[:, 2:3] = -np.einsum("ij,ij->i", g_cam[:, :2], uv)[:, None]
    gk_ = np.einsum("ij,ij->i", g_cam, k)[:, None]
    g_P = g_cam * cos + np.cross(g_cam, k) * sin + k * (gk_ * (1 - cos))
    g_k = np.cross(P, g_cam) * sin + (g_cam * kP + P * gk_) * (1 - cos)
    g_theta = np.einsum("ij,ij->i", g_cam, -P * sin + kxP * cos + k * (kP * sin))[:, None]
    g_w = (g_k - k * np.einsum("ij,ij->i", g_k, k)[:, None] + g_theta * w) / theta
    g_c = np.concatenate([g_w, g_cam, np.einsum("ij,ij->i", r, uv)[:, None]], axis=1)
    g_cams = _scatter_rows(cams.shape[0], cam_idx, g_c)
    g_points = _scatter_rows(points.shape[0], pt_idx, g_P)
    return g_cams, g_points


def bundle_adjust_args(size):
    n_cam, n_pt, n_obs = (16, 600, 6000) if size == "full" else (2, 4, 7)
    r = _rng(1602)
    points = r.standard_normal((n_pt, 3))
    cams = np.concatenate([0.2 * r.standard_normal((n_cam, 3)),
                           np.column_stack([0.1 * r.standard_normal((n_cam, 2)),
                                            8.0 + r.random(n_cam)]),
                           (400.0 + 50.0 * r.random(n_cam))[:, None]], axis=1)
    cam_idx = r.integers(0, n_cam, n_obs)
    pt_idx = np.concatenate([np.arange(n_pt), r.integers(0, n_pt, n_obs - n_pt)])[:n_obs]
    obs = 40.0 * r.standard_normal((n_obs, 2))
    return cams, points, cam_idx, pt_idx, obs


# ---------------------------------------------------------------------------
# an Euler-Bernoulli beam's compliance, assembled element by element
# ---------------------------------------------------------------------------

def beam_compliance(log_E, loads, length):
    n = log_E.shape[0]
    h = length / n
    ke = np.array([[12.0, 6 * h, -12.0, 6 * h],
                   [6 * h, 4 * h * h, -6 * h, 2 * h * h],
                   [-12.0, -6 * h, 12.0, -6 * h],
                   [6 * h, 2 * h * h, -6 * h, 4 * h * h]]) / h ** 3
    K = np.zeros((2 * n + 2, 2 * n + 2))
    for e in range(n):
        K[2 * e:2 * e + 4, 2 * e:2 * e + 4] += np.exp(log_E[e]) * ke
    u = np.linalg.solve(K[2:, 2:], loads)  # clamped at x = 0
    return loads @ u + 1e-3 * np.sum(log_E ** 2)


def beam_compliance_grad(log_E, loads, length):
    n = log_E.shape[0]
    h = length / n
    ke = np.array([[12.0, 6 * h, -12.0, 6 * h],
                   [6 * h, 4 * h * h, -6 * h, 2 * h * h],
                   [-12.0, -6 * h, 12.0, -6 * h],
                   [6 * h, 2 * h * h, -6 * h, 4 * h * h]]) / h ** 3
    E = np.exp(log_E)
    K = np.zeros((2 * n + 2, 2 * n + 2))
    for e in range(n):
        K[2 * e:2 * e + 4, 2 * e:2 * e + 4] += E[e] * ke
    u = np.zeros(2 * n + 2)
    u[2:] = np.linalg.solve(K[2:, 2:], loads)
    U = u[2 * np.arange(n)[:, None] + np.arange(4)]  # each element's four dofs
    return -E * np.einsum("ei,ij,ej->e", U, ke, U) + 2e-3 * log_E, 2.0 * u[2:]


def beam_compliance_args(size):
    n = 24 if size == "full" else 4
    r = _rng(1603)
    loads = np.zeros(2 * n)
    loads[0::2] = -1.0 / n + 0.2 / n * r.standard_normal(n)
    return 0.3 * r.standard_normal(n), loads, 2.0


# ---------------------------------------------------------------------------
# volume rendering along rays
# ---------------------------------------------------------------------------

def ray_render(raw_sigma, raw_rgb, deltas, target):
    sigma = np.log1p(np.exp(raw_sigma))
    tau = sigma * deltas
    alpha = 1.0 - np.exp(-tau)
    acc = np.cumsum(tau, axis=1)
    trans = np.exp(-np.concatenate([np.zeros((tau.shape[0], 1)), acc[:, :-1]], axis=1))
    weights = alpha * trans
    rgb = 1.0 / (1.0 + np.exp(-raw_rgb))
    color = np.sum(weights[:, :, None] * rgb, axis=1) + (1.0 - np.sum(weights, axis=1))[:, None]
    return np.mean((color - target) ** 2)


def ray_render_grad(raw_sigma, raw_rgb, deltas, target):
    tau = np.log1p(np.exp(raw_sigma)) * deltas
    e_tau = np.exp(-tau)
    acc = np.cumsum(tau, axis=1)
    trans = np.empty_like(tau)
    trans[:, 0] = 1.0
    trans[:, 1:] = np.exp(-acc[:, :-1])
    weights = (1.0 - e_tau) * trans
    rgb = _sigmoid(raw_rgb)
    color = np.einsum("rs,rsc->rc", weights, rgb) + (1.0 - np.sum(weights, axis=1))[:, None]
    g_color = 2.0 * (color - target) / color.size
    g_w = np.einsum("rc,rsc->rs", g_color, rgb) - np.sum(g_color, axis=1)[:, None]
    g_rgb = weights[:, :, None] * g_color[:, None, :]
    g_excl = -g_w * weights  # trans = exp(-exclusive cumsum), times alpha
    g_acc = np.zeros_like(tau)
    g_acc[:, :-1] = g_excl[:, 1:]
    g_tau = np.cumsum(g_acc[:, ::-1], axis=1)[:, ::-1] + g_w * trans * e_tau
    return g_tau * deltas * _sigmoid(raw_sigma), g_rgb * rgb * (1.0 - rgb)


def ray_render_args(size):
    n_rays, n_s = (3000, 48) if size == "full" else (5, 4)
    r = _rng(1604)
    deltas = 0.02 + 0.03 * r.random((n_rays, n_s))
    return (r.standard_normal((n_rays, n_s)) + 1.0, r.standard_normal((n_rays, n_s, 3)),
            deltas, r.random((n_rays, 3)))


# ---------------------------------------------------------------------------
# a RealNVP flow's negative log-likelihood
# ---------------------------------------------------------------------------

def realnvp_nll(Ws, Wt, X):
    h = X.shape[1] // 2
    a, b = X[:, :h], X[:, h:]
    log_det = 0.0
    for layer in range(Ws.shape[0]):
        s = np.tanh(a @ Ws[layer])
        b = b * np.exp(s) + a @ Wt[layer]
        log_det = log_det + np.sum(s)
        a, b = b, a
    return (0.5 * (np.sum(a ** 2) + np.sum(b ** 2)) - log_det) / X.shape[0]


def realnvp_nll_grad(Ws, Wt, X):
    n, h = X.shape[0], X.shape[1] // 2
    a, b = X[:, :h], X[:, h:]
    tape = []
    for layer in range(Ws.shape[0]):
        s = np.tanh(a @ Ws[layer])
        e_s = np.exp(s)
        tape.append((a, b, s, e_s))
        a, b = b * e_s + a @ Wt[layer], a
    ga, gb = a / n, b / n
    gWs, gWt = np.empty_like(Ws), np.empty_like(Wt)
    for layer in range(Ws.shape[0] - 1, -1, -1):
        a, b, s, e_s = tape[layer]
        g_new, ga = ga, gb  # (a, b) = (b', a)
        g_pre = (g_new * b * e_s - 1.0 / n) * (1.0 - s ** 2)
        gWt[layer] = a.T @ g_new
        gWs[layer] = a.T @ g_pre
        ga = ga + g_new @ Wt[layer].T + g_pre @ Ws[layer].T
        gb = g_new * e_s
    return gWs, gWt


def realnvp_nll_args(size):
    n, d, L = (2000, 32, 6) if size == "full" else (7, 4, 3)
    r = _rng(1605)
    X = r.standard_normal((n, d)) * np.linspace(0.5, 1.2, d)
    h = d // 2
    return 0.1 * r.standard_normal((L, h, h)), 0.1 * r.standard_normal((L, h, h)), X


# ---------------------------------------------------------------------------
# a Chebyshev series by Clenshaw's recurrence
# ---------------------------------------------------------------------------

def clenshaw_fit(c, x, y):
    t = 2.0 * x
    b1 = np.zeros_like(x)
    b2 = np.zeros_like(x)
    for k in range(c.shape[0] - 1, 0, -1):
        b1, b2 = c[k] + t * b1 - b2, b1
    f = c[0] + x * b1 - b2
    rough = np.sum(np.arange(c.shape[0]) ** 4 * c ** 2)
    return np.mean((f - y) ** 2) + 1e-7 * rough


def clenshaw_fit_grad(c, x, y):
    f = chebyshev.chebval(x, c)
    g_f = 2.0 * (f - y) / y.shape[0]
    k4 = np.arange(c.shape[0]) ** 4
    g_c = chebyshev.chebvander(x, c.shape[0] - 1).T @ g_f + 2e-7 * k4 * c
    return g_c, g_f * chebyshev.chebval(x, chebyshev.chebder(c))


def clenshaw_fit_args(size):
    n_c, n = (40, 4000) if size == "full" else (5, 9)
    r = _rng(1606)
    x = np.sort(r.uniform(-0.98, 0.98, n))
    y = np.tanh(4.0 * x) + 0.1 * np.sin(9.0 * x) + 0.05 * r.standard_normal(n)
    return 0.3 * r.standard_normal(n_c) / (1.0 + np.arange(n_c)), x, y


# ---------------------------------------------------------------------------
# word2vec skip-gram with negative sampling
# ---------------------------------------------------------------------------

def skipgram_ns(W_in, W_out, centers, contexts, negatives):
    v = W_in[centers]
    u_pos = W_out[contexts]
    u_neg = W_out[negatives]
    pos = np.sum(v * u_pos, axis=1)
    neg = np.einsum("bd,bkd->bk", v, u_neg)
    loss = np.log1p(np.exp(-pos)) + np.sum(np.log1p(np.exp(neg)), axis=1)
    return np.mean(loss)


def skipgram_ns_grad(W_in, W_out, centers, contexts, negatives):
    v, u_pos, u_neg = W_in[centers], W_out[contexts], W_out[negatives]
    B = centers.shape[0]
    g_pos = -_sigmoid(-np.einsum("bd,bd->b", v, u_pos))[:, None] / B
    g_neg = _sigmoid(np.einsum("bd,bkd->bk", v, u_neg)) / B
    g_in = _scatter_rows(W_in.shape[0], centers, g_pos * u_pos
                         + np.einsum("bk,bkd->bd", g_neg, u_neg))
    g_out = _scatter_rows(W_out.shape[0], np.concatenate([contexts, negatives.ravel()]),
                          np.concatenate([g_pos * v, np.reshape(
                              g_neg[:, :, None] * v[:, None, :], (-1, v.shape[1]))]))
    return g_in, g_out


def skipgram_ns_args(size):
    V, d, B, k = (3000, 64, 2048, 5) if size == "full" else (6, 3, 5, 2)
    r = _rng(1607)
    freq = 1.0 / np.arange(1, V + 1)  # Zipf: frequent words repeat in a batch
    freq /= np.sum(freq)
    return (0.1 * r.standard_normal((V, d)), 0.1 * r.standard_normal((V, d)),
            r.choice(V, B, p=freq), r.choice(V, B, p=freq), r.choice(V, (B, k), p=freq))


# ---------------------------------------------------------------------------
# 4D-Var on Lorenz-96
# ---------------------------------------------------------------------------

def l96_rhs(x, F):
    return (np.roll(x, -1) - np.roll(x, 2)) * np.roll(x, 1) - x + F


def lorenz96_4dvar(x0, F, xb, obs, obs_idx, n_steps):
    dt = 0.01
    x = x0
    cost = 0.5 * np.sum((x0 - xb) ** 2)
    j = 0
    for t in range(1, n_steps + 1):
        k1 = l96_rhs(x, F)
        k2 = l96_rhs(x + dt * k1, F)
        x = x + 0.5 * dt * (k1 + k2)
        if t % 10 == 0:
            cost = cost + 0.5 * np.sum((x[obs_idx] - obs[j]) ** 2) / 0.1
            j += 1
    return cost


def _l96_rolled(x, F):
    """The right-hand side and the rolls its adjoint reads again."""
    xm1 = np.roll(x, 1)
    diff = np.roll(x, -1) - np.roll(x, 2)
    return diff * xm1 - x + F, (xm1, diff)


def _l96_adjoint(rolled, g):
    """(d rhs/dx)' g and d rhs/dF' g."""
    xm1, diff = rolled
    g_a = g * xm1
    return np.roll(g_a, 1) - np.roll(g_a, -2) + np.roll(g * diff, -1) - g, np.sum(g)


def lorenz96_4dvar_grad(x0, F, xb, obs, obs_idx, n_steps):
    dt = 0.01
    x, tape, states = x0, [], []
    for t in range(1, n_steps + 1):
        k1, r1 = _l96_rolled(x, F)
        k2, r2 = _l96_rolled(x + dt * k1, F)
        tape.append((r1, r2))
        x = x + 0.5 * dt * (k1 + k2)
        if t % 10 == 0:
            states.append(x[obs_idx])
    gx, gF = np.zeros_like(x0), 0.0
    for t in range(n_steps, 0, -1):
        if t % 10 == 0:
            gx[obs_idx] += (states[t // 10 - 1] - obs[t // 10 - 1]) / 0.1
        r1, r2 = tape[t - 1]
        gy, gF2 = _l96_adjoint(r2, 0.5 * dt * gx)
        gk1, gF1 = _l96_adjoint(r1, 0.5 * dt * gx + dt * gy)
        gx = gx + gy + gk1
        gF += gF1 + gF2
    return gx + (x0 - xb), gF


def lorenz96_4dvar_args(size):
    n, n_steps = (40, 200) if size == "full" else (6, 20)
    r = _rng(1608)
    x = x_start = 8.0 + r.standard_normal(n)
    truth = []
    for t in range(1, n_steps + 1):
        x = x + 0.5 * 0.01 * (l96_rhs(x, 8.0) + l96_rhs(x + 0.01 * l96_rhs(x, 8.0), 8.0))
        if t % 10 == 0:
            truth.append(x.copy())
    obs_idx = np.arange(0, n, 2)
    obs = np.array(truth)[:, obs_idx] + 0.3 * r.standard_normal((len(truth), len(obs_idx)))
    x0 = x_start + 0.3 * r.standard_normal(n)
    return x0, 7.5, x0 + 0.5 * r.standard_normal(n), obs, obs_idx, n_steps


# ---------------------------------------------------------------------------
# an ordinal (cumulative-logit) regression
# ---------------------------------------------------------------------------

def ordinal_logit(beta, raw_cuts, X, y):
    n = X.shape[0]
    cuts = np.cumsum(np.concatenate([raw_cuts[:1], np.exp(raw_cuts[1:])]))
    eta = X @ beta
    F = 1.0 / (1.0 + np.exp(-(cuts[None, :] - eta[:, None])))
    F = np.concatenate([np.zeros((n, 1)), F, np.ones((n, 1))], axis=1)
    p = F[np.arange(n), y + 1] - F[np.arange(n), y]
    return -np.sum(np.log(p)) + 0.5 * np.sum(beta ** 2)


def ordinal_logit_grad(beta, raw_cuts, X, y):
    n = X.shape[0]
    gaps = np.exp(raw_cuts)
    gaps[0] = raw_cuts[0]
    F = _sigmoid(np.cumsum(gaps)[None, :] - (X @ beta)[:, None])
    F = np.concatenate([np.zeros((n, 1)), F, np.ones((n, 1))], axis=1)
    rows = np.arange(n)
    g_p = -1.0 / (F[rows, y + 1] - F[rows, y])
    g_F = np.zeros_like(F)  # (one column of a row each: no sums at repeats)
    g_F[rows, y + 1] = g_p
    g_F[rows, y] = -g_p
    F = F[:, 1:-1]
    g_z = g_F[:, 1:-1] * F * (1.0 - F)  # d/d(cut - eta)
    g_gaps = np.cumsum(np.sum(g_z, axis=0)[::-1])[::-1]
    g_gaps[1:] *= gaps[1:]
    return beta - X.T @ np.sum(g_z, axis=1), g_gaps


def ordinal_logit_args(size):
    n, d, n_cuts = (20000, 20, 5) if size == "full" else (12, 3, 3)
    r = _rng(1609)
    X = r.standard_normal((n, d))
    beta_true = r.standard_normal(d) / np.sqrt(d)
    latent = X @ beta_true + r.logistic(size=n)
    true_cuts = np.linspace(-1.5, 1.5, n_cuts)
    y = np.searchsorted(true_cuts, latent)
    raw = np.concatenate([[-1.0], np.log(np.full(n_cuts - 1, 2.0 / n_cuts))])
    return 0.1 * r.standard_normal(d), raw, X, y


# ---------------------------------------------------------------------------
# elastic-net logistic regression by proximal gradient until convergence
# ---------------------------------------------------------------------------

def enet_logistic(log_lams, X, y, X_val, y_val):
    lam1, lam2 = np.exp(log_lams[0]), np.exp(log_lams[1])
    n = X.shape[0]
    step = 1.0 / (np.sum(X ** 2) / (4.0 * n) + lam2)
    w = np.zeros(X.shape[1])
    change, it = 1.0, 0
    while change > 1e-12 and it < 500:
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        z = w - step * (X.T @ (p - y) / n + lam2 * w)
        w_new = np.sign(z) * np.maximum(np.abs(z) - step * lam1, 0.0)
        change = np.max(np.abs(w_new - w))
        w = w_new
        it += 1
    s = X_val @ w
    return np.mean(np.logaddexp(0.0, s) - y_val * s)


def enet_logistic_grad(log_lams, X, y, X_val, y_val):
    lam1, lam2 = np.exp(log_lams[0]), np.exp(log_lams[1])
    n = X.shape[0]
    step = 1.0 / (np.sum(X ** 2) / (4.0 * n) + lam2)
    w = np.zeros(X.shape[1])
    change, it, tape = 1.0, 0, []
    while change > 1e-12 and it < 500:
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        g = X.T @ (p - y) / n + lam2 * w
        z = w - step * g
        active = np.abs(z) > step * lam1
        tape.append((w, p, g, np.sign(z) * active))
        w_new = np.where(active, z - step * lam1 * np.sign(z), 0.0)
        change = np.max(np.abs(w_new - w))
        w = w_new
        it += 1
    s = X_val @ w
    gw = X_val.T @ (_sigmoid(s) - y_val) / y_val.shape[0]
    g_lam1 = g_lam2 = g_step = 0.0
    for w, p, g, signed in reversed(tape):
        gz = gw * (signed != 0.0)          # w' = sign(z) (|z| - step lam1) where active
        g_thresh = -(gw @ signed)
        g_lam1 += step * g_thresh
        g_step += lam1 * g_thresh - gz @ g  # z = w - step g
        gg = -step * gz
        g_lam2 += gg @ w
        gw = gz + lam2 * gg + X.T @ ((X @ gg) * p * (1.0 - p)) / n
    g_lam2 -= step * step * g_step          # step = 1 / (||X||^2 / 4n + lam2)
    return (np.array([lam1 * g_lam1, lam2 * g_lam2]),)


def enet_logistic_args(size):
    n, d, n_val = (600, 40, 300) if size == "full" else (20, 5, 9)
    r = _rng(1610)
    w_true = np.where(r.random(d) < 0.3, r.standard_normal(d), 0.0) * 2.0
    X, X_val = r.standard_normal((n, d)), r.standard_normal((n_val, d))
    y = (r.random(n) < _sigmoid(X @ w_true)).astype(float)
    y_val = (r.random(n_val) < _sigmoid(X_val @ w_true)).astype(float)
    return np.array([np.log(0.02), np.log(0.5)]), X, y, X_val, y_val


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("mdn_loss", "mixture density network: a tanh MLP's output split by slices into "
          "logits, means and log-scales, a log-sum-exp likelihood", (0, 1, 2, 3),
          ("4000 x 8 -> 64 -> 5 components", "9 x 3 -> 4 -> 2")),
    _spec("bundle_adjust", "bundle adjustment: cameras and points gathered by index arrays, "
          "Rodrigues rotations by np.cross, pinhole reprojection error", (0, 1),
          ("16 cameras, 600 points, 6000 observations", "2, 4, 7")),
    _spec("beam_compliance", "Euler-Bernoulli beam compliance: element matrices added by a "
          "loop of slice +=, a clamped end sliced off, np.linalg.solve", (0, 1),
          ("24 elements", "4 elements")),
    _spec("ray_render", "volume rendering along rays: softplus densities, transmittance by "
          "np.cumsum and np.concatenate, a weighted colour sum", (0, 1),
          ("3000 rays x 48 samples", "5 x 4")),
    _spec("realnvp_nll", "RealNVP flow: affine coupling layers in a loop, halves swapped by "
          "tuple assignment, a log-determinant summed", (0, 1),
          ("2000 x 32, 6 layers", "7 x 4, 3")),
    _spec("clenshaw_fit", "Chebyshev series by Clenshaw's backward recurrence over c[k], "
          "least squares with a roughness penalty", (0, 1), ("40 terms, 4000 points", "5, 9")),
    _spec("skipgram_ns", "word2vec skip-gram with negative sampling: embedding rows "
          "gathered with repeats, np.einsum, log1p(exp)", (0, 1),
          ("3000 words x 64, batch 2048, 5 negatives", "6 x 3, 5, 2")),
    _spec("lorenz96_4dvar", "4D-Var on Lorenz-96: Heun steps of a np.roll right-hand side "
          "in a helper, observations every tenth step by an if", (0, 1),
          ("40 variables, 200 steps", "6, 20")),
    _spec("ordinal_logit", "ordinal logistic regression: cut points by np.cumsum of "
          "exponentiated gaps, a padded CDF, F[np.arange(n), y]", (0, 1),
          ("20000 x 20, 6 classes", "12 x 3, 4")),
    _spec("enet_logistic", "elastic-net logistic regression by proximal gradient in a while "
          "loop until the step changes w by < 1e-12, validation loss wrt both penalties",
          (0,), ("600 x 40, 351 iterations", "20 x 5, 57")),
]
