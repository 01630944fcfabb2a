"""Benchmark problems 101-110 (session 48): ten more kinds of code, written as users write
them:

* ``hawkes``: a self-exciting (Hawkes) process log-likelihood with an exponential
  kernel, the intensity by a scalar recursion over the events, log parameters;
* ``ista_lasso``: proximal-gradient (ISTA) steps of a lasso unrolled inside a validation
  loss, a soft threshold by ``np.sign`` and ``np.maximum``, gradient wrt the penalty;
* ``kuramoto``: Kuramoto oscillators by Euler steps, all-pairs ``np.sin`` of phase
  differences by broadcasting, the order parameter as the loss;
* ``elo_ratings``: Elo ratings updated in place match by match (``r[i] = r[i] + ...``),
  the log-loss of each prediction before its update;
* ``sliced_w2``: a sliced Wasserstein distance between a linear generator's samples and
  data, projections sorted column by column (``np.sort(axis=0)``);
* ``whittaker``: a Whittaker smoother, a pseudo-Huber data term and a roughness penalty
  by ``np.diff`` taken twice;
* ``tv_denoise``: total-variation image denoising energy by ``np.diff`` along both axes;
* ``spectrum_match``: a windowed power spectrum by ``np.fft.rfft`` matched in log scale;
* ``infonce``: a contrastive (InfoNCE) loss of tanh embeddings normalised by
  ``np.linalg.norm``, a temperature, a log-sum-exp over the batch;
* ``pk_doses``: a one-compartment pharmacokinetic model, doses superposed by a loop with
  ``np.where`` on the time since each dose, a log-scale misfit.

The hand-written gradients are what an expert writes: forward-mode recursions for the
three scalar parameters of the Hawkes intensity, the unrolled steps reversed with their
masks, the pair sums' transposes by products with the cosine matrix, the matches
reversed on a gradient array, ``np.put_along_axis`` of the sorted adjoint, the second
difference's transpose on slices, the TV flux scattered on slices, the spectrum's adjoint
by one ``irfft``, the softmax minus identity, the partial derivatives of the dose
response.  ``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np

from benchmarks import problems_unseen12_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# a Hawkes process log-likelihood
# ---------------------------------------------------------------------------

def hawkes(log_mu, log_alpha, log_beta, times, t_end):
    mu, alpha, beta = np.exp(log_mu), np.exp(log_alpha), np.exp(log_beta)
    A = 0.0
    loglik = np.log(mu)
    for i in range(1, times.shape[0]):
        A = np.exp(-beta * (times[i] - times[i - 1])) * (1.0 + A)
        loglik = loglik + np.log(mu + alpha * A)
    compensator = mu * t_end + alpha / beta * np.sum(1.0 - np.exp(-beta * (t_end - times)))
    return compensator - loglik


def hawkes_grad(log_mu, log_alpha, log_beta, times, t_end):
    mu, alpha, beta = np.exp(log_mu), np.exp(log_alpha), np.exp(log_beta)
    A = dA = 0.0  # A and its derivative in beta, carried forward
    g_mu, g_alpha, g_beta = 1.0 / mu, 0.0, 0.0
    for i in range(1, times.shape[0]):
        dt = times[i] - times[i - 1]
        e = np.exp(-beta * dt)
        dA = e * (dA - dt * (1.0 + A))
        A = e * (1.0 + A)
        inv = 1.0 / (mu + alpha * A)
        g_mu += inv
        g_alpha += A * inv
        g_beta += alpha * dA * inv
    tau = t_end - times
    E = np.exp(-beta * tau)
    S = np.sum(1.0 - E)
    c_beta = -alpha / beta ** 2 * S + alpha / beta * (tau @ E)
    return mu * (t_end - g_mu), alpha * (S / beta - g_alpha), beta * (c_beta - g_beta)


def hawkes_args(size):
    n = 600 if size == "full" else 7
    r = _rng(1201)
    times = np.cumsum(r.exponential(0.5, n))
    return np.log(0.8), np.log(0.5), np.log(1.5), times, float(times[-1] + 1.0)


# ---------------------------------------------------------------------------
# ISTA steps of a lasso unrolled inside a validation loss
# ---------------------------------------------------------------------------

def ista_lasso(log_lam, y, X, X_val, y_val, step, n_iter):
    lam = np.exp(log_lam)
    w = np.zeros(X.shape[1])
    for _ in range(n_iter):
        z = w - step * (X.T @ (X @ w - y))
        w = np.sign(z) * np.maximum(np.abs(z) - step * lam, 0.0)
    return 0.5 * np.mean((X_val @ w - y_val) ** 2)


def ista_lasso_grad(log_lam, y, X, X_val, y_val, step, n_iter):
    lam = np.exp(log_lam)
    w, tape = np.zeros(X.shape[1]), []
    for _ in range(n_iter):
        z = w - step * (X.T @ (X @ w - y))
        active = np.abs(z) > step * lam
        tape.append((np.sign(z), active))
        w = np.where(active, z - step * lam * np.sign(z), 0.0)
    gw = X_val.T @ (X_val @ w - y_val) / y_val.shape[0]
    g_lam, gy = 0.0, np.zeros_like(y)
    for sign, active in reversed(tape):
        gz = np.where(active, gw, 0.0)
        g_lam -= step * (sign @ gz)
        Xgz = X @ gz
        gy += step * Xgz
        gw = gz - step * (X.T @ Xgz)
    return lam * g_lam, gy


def ista_lasso_args(size):
    n, d, n_val, n_iter = (300, 60, 200, 40) if size == "full" else (8, 5, 6, 6)
    r = _rng(1202)
    X, X_val = r.standard_normal((n, d)), r.standard_normal((n_val, d))
    w_true = np.where(r.random(d) < 0.3, r.standard_normal(d), 0.0)
    y = X @ w_true + 0.1 * r.standard_normal(n)
    y_val = X_val @ w_true + 0.1 * r.standard_normal(n_val)
    step = 1.0 / np.linalg.norm(X, 2) ** 2
    return np.log(0.05 * n), y, X, X_val, y_val, step, n_iter


# ---------------------------------------------------------------------------
# Kuramoto oscillators by Euler steps
# ---------------------------------------------------------------------------

def kuramoto(omega, log_K, theta0, dt, n_steps):
    K = np.exp(log_K)
    n = theta0.shape[0]
    theta = theta0
    for _ in range(n_steps):
        diff = theta[None, :] - theta[:, None]
        theta = theta + dt * (omega + K / n * np.sum(np.sin(diff), axis=1))
    return 1.0 - np.mean(np.cos(theta)) ** 2 - np.mean(np.sin(theta)) ** 2


def kuramoto_grad(omega, log_K, theta0, dt, n_steps):
    K = np.exp(log_K)
    n = theta0.shape[0]
    theta, thetas = theta0, []
    for _ in range(n_steps):
        thetas.append(theta)
        coupling = np.sin(theta[None, :] - theta[:, None]).sum(axis=1)
        theta = theta + dt * (omega + K / n * coupling)
    c, s = np.cos(theta), np.sin(theta)
    g = (2.0 / n) * (np.mean(c) * s - np.mean(s) * c)
    g_omega, g_K, scale = np.zeros_like(omega), 0.0, dt * K / n
    for theta in reversed(thetas):
        diff = theta[None, :] - theta[:, None]
        C = np.cos(diff)
        g_omega += dt * g
        g_K += dt / n * (g @ np.sin(diff).sum(axis=1))
        g = g + scale * (C @ g - g * C.sum(axis=1))
    return g_omega, K * g_K


def kuramoto_args(size):
    n, n_steps = (96, 80) if size == "full" else (5, 4)
    r = _rng(1203)
    return (r.normal(1.0, 0.3, n), np.log(1.5), r.uniform(-np.pi, np.pi, n), 0.05,
            n_steps)


# ---------------------------------------------------------------------------
# Elo ratings updated in place
# ---------------------------------------------------------------------------

def elo_ratings(r0, log_k, winners, losers, scale):
    k = np.exp(log_k)
    r = r0.copy()
    nll = 0.0
    for m in range(winners.shape[0]):
        i, j = winners[m], losers[m]
        p = 1.0 / (1.0 + np.exp(-(r[i] - r[j]) / scale))
        nll = nll - np.log(p)
        r[i] = r[i] + k * (1.0 - p)
        r[j] = r[j] - k * (1.0 - p)
    return nll / winners.shape[0]


def elo_ratings_functional(r0, log_k, winners, losers, scale):
    k = np.exp(log_k)
    r = list(r0)
    nll = 0.0
    for m in range(winners.shape[0]):
        i, j = int(winners[m]), int(losers[m])
        p = 1.0 / (1.0 + np.exp(-(r[i] - r[j]) / scale))
        nll = nll - np.log(p)
        r[i] = r[i] + k * (1.0 - p)
        r[j] = r[j] - k * (1.0 - p)
    return nll / winners.shape[0]


def elo_ratings_grad(r0, log_k, winners, losers, scale):
    k = np.exp(log_k)
    r = r0.copy()
    M = winners.shape[0]
    ps = np.empty(M)
    for m in range(M):
        i, j = winners[m], losers[m]
        p = 1.0 / (1.0 + np.exp(-(r[i] - r[j]) / scale))
        ps[m] = p
        r[i] += k * (1.0 - p)
        r[j] -= k * (1.0 - p)
    gr = np.zeros_like(r0)
    g_k = 0.0
    for m in range(M - 1, -1, -1):
        i, j, p = winners[m], losers[m], ps[m]
        diff = gr[i] - gr[j]
        g_k += (1.0 - p) * diff
        gp = -k * diff - 1.0 / (M * p)
        gd = gp * p * (1.0 - p) / scale
        gr[i] += gd
        gr[j] -= gd
    return gr, k * g_k


def elo_ratings_args(size):
    n_players, M = (40, 1500) if size == "full" else (4, 9)
    r = _rng(1204)
    skill = r.normal(0.0, 1.0, n_players)
    i = r.integers(0, n_players, M)
    j = (i + r.integers(1, n_players, M)) % n_players
    i_wins = r.random(M) < 1.0 / (1.0 + np.exp(skill[j] - skill[i]))
    return (0.1 * r.standard_normal(n_players), np.log(0.3), np.where(i_wins, i, j),
            np.where(i_wins, j, i), 1.0)


# ---------------------------------------------------------------------------
# a sliced Wasserstein distance by sorted projections
# ---------------------------------------------------------------------------

def sliced_w2(A, b, Z, Y, dirs):
    X = Z @ A + b
    px = np.sort(X @ dirs, axis=0)
    py = np.sort(Y @ dirs, axis=0)
    return np.mean((px - py) ** 2)


def sliced_w2_grad(A, b, Z, Y, dirs):
    P = (Z @ A + b) @ dirs
    order = np.argsort(P, axis=0)
    px = np.take_along_axis(P, order, axis=0)
    g_sorted = 2.0 * (px - np.sort(Y @ dirs, axis=0)) / P.size
    gP = np.empty_like(P)
    np.put_along_axis(gP, order, g_sorted, axis=0)
    gX = gP @ dirs.T
    return Z.T @ gX, gX.sum(axis=0)


def sliced_w2_args(size):
    n, d, k = (2000, 3, 64) if size == "full" else (7, 2, 3)
    r = _rng(1205)
    dirs = r.standard_normal((d, k))
    dirs /= np.linalg.norm(dirs, axis=0)
    Y = r.standard_normal((n, d)) @ np.diag(np.arange(1.0, d + 1.0)) + 0.5
    return np.eye(d) + 0.1 * r.standard_normal((d, d)), np.zeros(d), r.standard_normal(
        (n, d)), Y, dirs


# ---------------------------------------------------------------------------
# a Whittaker smoother: pseudo-Huber fit, second differences twice
# ---------------------------------------------------------------------------

def whittaker(f, log_lam, y, w, delta):
    lam = np.exp(log_lam)
    r = (f - y) / delta
    fit = delta ** 2 * np.sum(w * (np.sqrt(1.0 + r ** 2) - 1.0))
    d2 = np.diff(np.diff(f))
    return fit + lam * np.sum(d2 ** 2)


def whittaker_grad(f, log_lam, y, w, delta):
    lam = np.exp(log_lam)
    r = (f - y) / delta
    d2 = f[2:] - 2.0 * f[1:-1] + f[:-2]
    g2 = 2.0 * lam * d2
    gf = delta * w * r / np.sqrt(1.0 + r ** 2)
    gf[2:] += g2
    gf[1:-1] -= 2.0 * g2
    gf[:-2] += g2
    return gf, lam * (d2 @ d2)


def whittaker_args(size):
    n = 200_000 if size == "full" else 9
    r = _rng(1206)
    x = np.linspace(0.0, 10.0, n)
    y = np.sin(x) + 0.3 * r.standard_normal(n) + np.where(r.random(n) < 0.02, 3.0, 0.0)
    return y + 0.05 * r.standard_normal(n), np.log(50.0), y, r.uniform(0.5, 1.5, n), 0.5


# ---------------------------------------------------------------------------
# total-variation denoising energy by np.diff along both axes
# ---------------------------------------------------------------------------

def tv_denoise(u, f, lam, eps):
    gx = np.diff(u, axis=0)
    gy = np.diff(u, axis=1)
    tv = np.sum(np.sqrt(gx[:, :-1] ** 2 + gy[:-1, :] ** 2 + eps))
    return 0.5 * np.sum((u - f) ** 2) + lam * tv


def tv_denoise_grad(u, f, lam, eps):
    gx = u[1:, :-1] - u[:-1, :-1]
    gy = u[:-1, 1:] - u[:-1, :-1]
    t = lam / np.sqrt(gx * gx + gy * gy + eps)
    a, b = t * gx, t * gy
    gu = u - f
    gu[1:, :-1] += a
    gu[:-1, 1:] += b
    gu[:-1, :-1] -= a + b
    return gu, np.sum(np.sqrt(gx * gx + gy * gy + eps))


def tv_denoise_args(size):
    n = 300 if size == "full" else 6
    r = _rng(1207)
    img = np.zeros((n, n))
    img[n // 4: 3 * n // 4, n // 3: 2 * n // 3] = 1.0
    f = img + 0.2 * r.standard_normal((n, n))
    return f.copy() + 0.01 * r.standard_normal((n, n)), f, 0.15, 1e-3


# ---------------------------------------------------------------------------
# a windowed power spectrum by rfft, matched in log scale
# ---------------------------------------------------------------------------

def spectrum_match(x, window, log_target):
    X = np.fft.rfft(x * window, axis=-1)
    P = np.abs(X) ** 2 / x.shape[-1]
    return np.mean((np.log(P + 1e-6) - log_target) ** 2)


def spectrum_match_grad(x, window, log_target):
    N = x.shape[-1]
    X = np.fft.rfft(x * window, axis=-1)
    P = (X.real ** 2 + X.imag ** 2) / N
    gP = 2.0 * (np.log(P + 1e-6) - log_target) / (log_target.size * (P + 1e-6))
    H = X * gP  # the bins' adjoint is 2 X gP / N; irfft halves the inner bins' weight
    H[..., 1:(N + 1) // 2] *= 0.5
    gv = 2.0 * np.fft.irfft(H, n=N, axis=-1)
    return gv * window, np.sum(gv * x, axis=0)


def spectrum_match_args(size):
    m, N = (48, 1024) if size == "full" else (3, 8)
    r = _rng(1208)
    t = np.arange(N)
    x = np.sin(0.2 * t) + 0.5 * r.standard_normal((m, N))
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * (t + 0.5) / N)
    X = np.fft.rfft((np.sin(0.21 * t) + 0.5 * r.standard_normal((m, N))) * window)
    return x, window, np.log(np.abs(X) ** 2 / N + 1e-6)


# ---------------------------------------------------------------------------
# a contrastive InfoNCE loss
# ---------------------------------------------------------------------------

def infonce(W, log_tau, Xa, Xb):
    za = np.tanh(Xa @ W)
    zb = np.tanh(Xb @ W)
    za = za / np.linalg.norm(za, axis=1, keepdims=True)
    zb = zb / np.linalg.norm(zb, axis=1, keepdims=True)
    S = za @ zb.T / np.exp(log_tau)
    m = np.max(S, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(S - m), axis=1))
    return np.mean(lse - np.diag(S))


def _unit_rows_adjoint(g, z, norm):
    return (g - z * np.sum(g * z, axis=1, keepdims=True)) / norm


def infonce_grad(W, log_tau, Xa, Xb):
    ta, tb = np.tanh(Xa @ W), np.tanh(Xb @ W)
    na = np.sqrt(np.sum(ta * ta, axis=1, keepdims=True))
    nb = np.sqrt(np.sum(tb * tb, axis=1, keepdims=True))
    za, zb = ta / na, tb / nb
    tau = np.exp(log_tau)
    S = za @ zb.T / tau
    E = np.exp(S - S.max(axis=1, keepdims=True))
    gS = E / E.sum(axis=1, keepdims=True)
    gS[np.diag_indices_from(gS)] -= 1.0
    gS /= S.shape[0]
    ga = _unit_rows_adjoint(gS @ zb / tau, za, na) * (1.0 - ta * ta)
    gb = _unit_rows_adjoint(gS.T @ za / tau, zb, nb) * (1.0 - tb * tb)
    return Xa.T @ ga + Xb.T @ gb, -np.sum(gS * S)


def infonce_args(size):
    n, d_in, d = (256, 64, 32) if size == "full" else (5, 4, 3)
    r = _rng(1209)
    Xa = r.standard_normal((n, d_in))
    return (r.standard_normal((d_in, d)) / np.sqrt(d_in), np.log(0.2), Xa,
            Xa + 0.3 * r.standard_normal((n, d_in)))


# ---------------------------------------------------------------------------
# a one-compartment pharmacokinetic model with repeated doses
# ---------------------------------------------------------------------------

def pk_doses(log_ka, log_ke, log_V, dose_times, doses, t_obs, c_obs, sigma):
    ka, ke, V = np.exp(log_ka), np.exp(log_ke), np.exp(log_V)
    conc = np.zeros(t_obs.shape[0])
    for d in range(doses.shape[0]):
        tau = t_obs - dose_times[d]
        rise = doses[d] * ka / (V * (ka - ke)) * (np.exp(-ke * tau) - np.exp(-ka * tau))
        conc = conc + np.where(tau >= 0.0, rise, 0.0)
    return 0.5 * np.sum((np.log(conc + 1e-3) - np.log(c_obs)) ** 2) / sigma ** 2


def pk_doses_grad(log_ka, log_ke, log_V, dose_times, doses, t_obs, c_obs, sigma):
    ka, ke, V = np.exp(log_ka), np.exp(log_ke), np.exp(log_V)
    parts = []
    conc = np.zeros(t_obs.shape[0])
    for d in range(doses.shape[0]):
        tau = np.maximum(t_obs - dose_times[d], 0.0)
        e_ke, e_ka = np.exp(-ke * tau), np.exp(-ka * tau)
        on = t_obs >= dose_times[d]
        parts.append((doses[d] * on, tau, e_ke, e_ka))
        conc += doses[d] * on * (ka / (V * (ka - ke))) * (e_ke - e_ka)
    g_conc = (np.log(conc + 1e-3) - np.log(c_obs)) / (sigma ** 2 * (conc + 1e-3))
    g_ka = g_ke = 0.0
    k = ka - ke
    for dose, tau, e_ke, e_ka in parts:
        gd = g_conc * dose / V
        diff = e_ke - e_ka
        g_ka += gd @ (-ke / k ** 2 * diff + ka / k * tau * e_ka)
        g_ke += gd @ (ka / k ** 2 * diff - ka / k * tau * e_ke)
    return ka * g_ka, ke * g_ke, -(g_conc @ conc)


def pk_doses_args(size):
    n_doses, n_obs = (12, 400) if size == "full" else (3, 8)
    r = _rng(1210)
    dose_times = 12.0 * np.arange(n_doses) + r.uniform(0.0, 1.0, n_doses)
    t_obs = np.sort(r.uniform(0.0, 12.0 * n_doses, n_obs))
    doses = r.uniform(80.0, 120.0, n_doses)
    c = np.zeros(n_obs)
    for td, dose in zip(dose_times, doses):
        tau = t_obs - td
        c += np.where(tau >= 0, dose * 1.2 / (30.0 * 1.1) * (
            np.exp(-0.1 * np.maximum(tau, 0)) - np.exp(-1.2 * np.maximum(tau, 0))), 0.0)
    c_obs = (c + 1e-3) * np.exp(0.1 * r.standard_normal(n_obs))
    return np.log(0.9), np.log(0.15), np.log(25.0), dose_times, doses, t_obs, c_obs, 0.2


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("hawkes", "Hawkes process log-likelihood: exponential-kernel intensity by a "
          "scalar recursion over the events, log parameters", (0, 1, 2),
          ("600 events", "7 events")),
    _spec("ista_lasso", "ISTA steps of a lasso unrolled in a validation loss: soft "
          "threshold by np.sign and np.maximum, gradient wrt the penalty and data", (0, 1),
          ("300 x 60, 40 steps", "8 x 5, 6 steps")),
    _spec("kuramoto", "Kuramoto oscillators by Euler steps: all-pairs np.sin of phase "
          "differences by broadcasting, order-parameter loss", (0, 1),
          ("96 oscillators, 80 steps", "5, 4 steps")),
    _spec("elo_ratings", "Elo ratings updated in place match by match (r[i] = r[i] + ...), "
          "log-loss of each prediction", (0, 1), ("40 players, 1500 matches", "4, 9")),
    _spec("sliced_w2", "sliced Wasserstein distance of a linear generator's samples: "
          "projections sorted by np.sort(axis=0)", (0, 1),
          ("2000 points in 3-D, 64 directions", "7, 2-D, 3")),
    _spec("whittaker", "Whittaker smoother: pseudo-Huber fit and a roughness penalty by "
          "np.diff taken twice", (0, 1), ("200000 points", "9 points")),
    _spec("tv_denoise", "total-variation denoising energy: np.diff along both axes, "
          "sqrt of the squared differences", (0, 2), ("300 x 300", "6 x 6")),
    _spec("spectrum_match", "windowed power spectrum by np.fft.rfft matched in log scale",
          (0, 1), ("48 signals of 1024", "3 of 8")),
    _spec("infonce", "InfoNCE contrastive loss: tanh embeddings normalised by "
          "np.linalg.norm, temperature, log-sum-exp over the batch", (0, 1),
          ("256 pairs, 64 -> 32", "5, 4 -> 3")),
    _spec("pk_doses", "one-compartment pharmacokinetics: doses superposed by a loop with "
          "np.where on the time since each dose, log-scale misfit", (0, 1, 2),
          ("12 doses, 400 samples", "3 doses, 8 samples")),
]
