"""Benchmark problems 81-90 (session 46): ten more kinds of code, written as users write
them:

* ``particle_filter``: a bootstrap particle filter's log-likelihood, resampled by
  ``np.searchsorted`` of the weights' ``np.cumsum`` (the indices are constants);
* ``gauss_newton``: validation loss after damped Gauss-Newton steps of an exponential
  fit, the Jacobian stacked by ``np.stack`` and one ``np.linalg.solve`` per step;
* ``hodgkin_huxley``: a Hodgkin-Huxley neuron by explicit Euler, a scalar loop calling a
  helper that returns the six rate functions;
* ``irls_huber``: a Huber regression fitted by iteratively reweighted least squares
  (``np.minimum(1.0, delta / np.abs(r))``), validation loss, gradient wrt the data;
* ``gnn_scatter``: two message-passing layers, messages summed onto nodes by
  ``np.add.at``, a loop over a tuple of weight matrices;
* ``ctmc_expm``: a continuous-time Markov chain's transition counts: the rate matrix
  by ``np.fill_diagonal`` twice, its exponential by Taylor terms and squaring loops;
* ``negbin``: negative-binomial regression by ``scipy.special.gammaln``;
* ``modal_fit``: natural frequencies of a spring chain matched to targets: a stiffness
  matrix by ``np.diag`` of offsets, ``np.linalg.eigvalsh``;
* ``listmle``: a Plackett-Luce ranking loss per query, the items ordered by
  ``np.argsort``, a reversed ``np.cumsum`` of exponentials;
* ``pbc_lj``: Lennard-Jones energy in a periodic box: minimum image by ``np.round``,
  a cut-off by boolean masks and ``np.where``.

The hand-written gradients are what an expert writes: the filter's reverse sweep with
the resampling read back by ``np.bincount``, adjoint solves per step, a reverse sweep of
the Euler steps with the rates' slopes, the reweighted normal equations' adjoint, the
messages' gathers and scatters reversed, the Taylor and squaring loops reversed, the
digamma closed form, eigenvector outer products (``eigh``), the reversed cumulative sum
of inverse tails, a pair force by ``np.einsum``.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from benchmarks import problems_unseen10_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# a bootstrap particle filter
# ---------------------------------------------------------------------------

def particle_filter(phi, sigma, obs_sd, y, eps, u):
    T, P = eps.shape
    x = sigma * eps[0]
    ll = 0.0
    for t in range(T):
        logw = -0.5 * ((y[t] - x) / obs_sd) ** 2 - np.log(obs_sd)
        m = np.max(logw)
        w = np.exp(logw - m)
        s = np.sum(w)
        ll = ll + m + np.log(s / P)
        if t + 1 < T:
            idx = np.minimum(np.searchsorted(np.cumsum(w) / s, u[t]), P - 1)
            x = phi * x[idx] + sigma * eps[t + 1]
    return -ll


def particle_filter_grad(phi, sigma, obs_sd, y, eps, u):
    T, P = eps.shape
    states, probs, picks, parents = [], [], [], []
    x = sigma * eps[0]
    for t in range(T):
        logw = -0.5 * ((y[t] - x) / obs_sd) ** 2
        w = np.exp(logw - np.max(logw))
        s = np.sum(w)
        states.append(x)
        probs.append(w / s)
        if t + 1 < T:
            idx = np.minimum(np.searchsorted(np.cumsum(w) / s, u[t]), P - 1)
            picks.append(idx)
            parents.append(x[idx])
            x = phi * parents[-1] + sigma * eps[t + 1]
    g_phi = g_sigma = g_sd = 0.0
    gx = np.zeros(P)
    for t in range(T - 1, -1, -1):
        z = (y[t] - states[t]) / obs_sd
        gx = gx - probs[t] * z / obs_sd  # d(-ll_t)/d logw = -p; d logw/dx = z / sd
        g_sd -= np.dot(probs[t], z * z - 1.0) / obs_sd
        g_sigma += np.dot(gx, eps[t])
        if t > 0:
            g_phi += np.dot(gx, parents[t - 1])
            gx = np.bincount(picks[t - 1], weights=phi * gx, minlength=P)
    return g_phi, g_sigma, g_sd


def particle_filter_args(size):
    T, P = (30, 32) if size == "full" else (4, 6)
    r = _rng(1001)
    x, ys = 0.0, []
    for _ in range(T):
        x = 0.9 * x + 0.5 * r.standard_normal()
        ys.append(x + 0.8 * r.standard_normal())
    u = (np.arange(P) + r.uniform(size=(T, P))) / P  # stratified, increasing per row
    return 0.85, 0.6, 0.9, np.array(ys), r.standard_normal((T, P)), u


# ---------------------------------------------------------------------------
# Gauss-Newton steps inside the loss
# ---------------------------------------------------------------------------

def gauss_newton(theta, lam, t, y, t_val, y_val, n_steps):
    for _ in range(n_steps):
        a, b, c = theta[0], theta[1], theta[2]
        e = np.exp(-b * t)
        r = a * e + c - y
        J = np.stack([e, -a * t * e, np.ones_like(t)], axis=1)
        H = J.T @ J + lam * np.eye(3)
        theta = theta - np.linalg.solve(H, J.T @ r)
    pred = theta[0] * np.exp(-theta[1] * t_val) + theta[2]
    return np.mean((pred - y_val) ** 2)


def gauss_newton_grad(theta, lam, t, y, t_val, y_val, n_steps):
    tape = []
    for _ in range(n_steps):
        a, b = theta[0], theta[1]
        e = np.exp(-b * t)
        r = a * e + theta[2] - y
        J = np.stack([e, -a * t * e, np.ones_like(t)], axis=1)
        H = J.T @ J + lam * np.eye(3)
        step = np.linalg.solve(H, J.T @ r)
        tape.append((a, e, r, J, H, step))
        theta = theta - step
    ev = np.exp(-theta[1] * t_val)
    gres = (theta[0] * ev + theta[2] - y_val) * (2.0 / t_val.shape[0])
    g_theta = np.array([gres @ ev, -theta[0] * (gres @ (t_val * ev)), np.sum(gres)])
    g_lam = 0.0
    for a, e, r, J, H, step in reversed(tape):
        u = np.linalg.solve(H, -g_theta)  # H symmetric: the adjoint solve of the step
        g_lam -= u @ step
        Ju, Js = J @ u, J @ step
        gJ = np.outer(r - Js, u) - np.outer(Ju, step)  # from J.T @ r and J.T @ J
        te = t * e
        ge = a * Ju + gJ[:, 0] - a * t * gJ[:, 1]
        g_theta = g_theta + np.array([Ju @ e - te @ gJ[:, 1], -(te @ ge), np.sum(Ju)])
    return g_theta, g_lam


def gauss_newton_args(size):
    n, n_val, steps = (5000, 1000, 5) if size == "full" else (8, 5, 2)
    r = _rng(1002)
    t, t_val = np.linspace(0.0, 4.0, n), r.uniform(0.0, 4.0, n_val)
    y = 2.0 * np.exp(-1.3 * t) + 0.5 + 0.05 * r.standard_normal(n)
    y_val = 2.0 * np.exp(-1.3 * t_val) + 0.5 + 0.05 * r.standard_normal(n_val)
    return np.array([1.5, 1.0, 0.3]), 1000.0, t, y, t_val, y_val, steps


# ---------------------------------------------------------------------------
# a Hodgkin-Huxley neuron by explicit Euler
# ---------------------------------------------------------------------------

def hh_rates(v):
    am = 0.1 * (v + 40.0) / (1.0 - np.exp(-(v + 40.0) / 10.0))
    bm = 4.0 * np.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    an = 0.01 * (v + 55.0) / (1.0 - np.exp(-(v + 55.0) / 10.0))
    bn = 0.125 * np.exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


def hodgkin_huxley(g, current, target, dt):
    gna, gk, gl = g[0], g[1], g[2]
    v, m, h, n = -65.0, 0.053, 0.596, 0.318
    loss = 0.0
    for k in range(current.shape[0]):
        am, bm, ah, bh, an, bn = hh_rates(v)
        i_ion = gna * m ** 3 * h * (v - 50.0) + gk * n ** 4 * (v + 77.0) + gl * (v + 54.4)
        m = m + dt * (am * (1.0 - m) - bm * m)
        h = h + dt * (ah * (1.0 - h) - bh * h)
        n = n + dt * (an * (1.0 - n) - bn * n)
        v = v + dt * (current[k] - i_ion)
        loss = loss + (v - target[k]) ** 2
    return loss / current.shape[0]


def _hh_slopes(v, am, bm, ah, bh, an, bn):
    """The derivatives in v of the six rates (given their values)."""
    e1, e2 = np.exp(-(v + 40.0) / 10.0), np.exp(-(v + 55.0) / 10.0)
    dam = 0.1 * ((1.0 - e1) - (v + 40.0) * e1 / 10.0) / (1.0 - e1) ** 2
    dan = 0.01 * ((1.0 - e2) - (v + 55.0) * e2 / 10.0) / (1.0 - e2) ** 2
    return dam, -bm / 18.0, -ah / 20.0, bh * (1.0 - bh) / 10.0, dan, -bn / 80.0


def hodgkin_huxley_grad(g, current, target, dt):
    gna, gk, gl = g[0], g[1], g[2]
    N = current.shape[0]
    v, m, h, n = -65.0, 0.053, 0.596, 0.318
    tape = []
    for k in range(N):
        rates = hh_rates(v)
        am, bm, ah, bh, an, bn = rates
        m3h, n4 = m ** 3 * h, n ** 4
        v_new = v + dt * (current[k] - gna * m3h * (v - 50.0) - gk * n4 * (v + 77.0)
                          - gl * (v + 54.4))
        tape.append((v, m, h, n, m3h, n4, rates, v_new))
        m, h, n = (m + dt * (am * (1.0 - m) - bm * m), h + dt * (ah * (1.0 - h) - bh * h),
                   n + dt * (an * (1.0 - n) - bn * n))
        v = v_new
    g_cur = np.empty(N)
    g_na = g_k = g_l = 0.0
    gv = gm = gh = gn = 0.0
    for k in range(N - 1, -1, -1):
        v, m, h, n, m3h, n4, (am, bm, ah, bh, an, bn), v_new = tape[k]
        gv = gv + 2.0 * (v_new - target[k]) / N
        g_cur[k] = dt * gv
        gi = -dt * gv
        dam, dbm, dah, dbh, dan, dbn = _hh_slopes(v, am, bm, ah, bh, an, bn)
        g_na += gi * m3h * (v - 50.0)
        g_k += gi * n4 * (v + 77.0)
        g_l += gi * (v + 54.4)
        gv = (gv + gi * (gna * m3h + gk * n4 + gl)
              + dt * (gm * (dam * (1.0 - m) - dbm * m) + gh * (dah * (1.0 - h) - dbh * h)
                      + gn * (dan * (1.0 - n) - dbn * n)))
        gm, gh, gn = (gm * (1.0 - dt * (am + bm)) + gi * gna * 3.0 * m3h / m * (v - 50.0),
                      gh * (1.0 - dt * (ah + bh)) + gi * gna * m ** 3 * (v - 50.0),
                      gn * (1.0 - dt * (an + bn)) + gi * gk * 4.0 * n4 / n * (v + 77.0))
    return np.array([g_na, g_k, g_l]), g_cur


def hodgkin_huxley_args(size):
    N = 1000 if size == "full" else 6
    r = _rng(1003)
    current = 10.0 + 3.0 * np.sin(np.arange(N) / 40.0) + r.standard_normal(N)
    return np.array([110.0, 33.0, 0.33]), current, r.normal(-60.0, 10.0, N), 0.02


# ---------------------------------------------------------------------------
# Huber regression by iteratively reweighted least squares
# ---------------------------------------------------------------------------

def irls_huber(y, delta, X, X_val, y_val, n_iter):
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    for _ in range(n_iter):
        r = y - X @ beta
        w = np.minimum(1.0, delta / np.abs(r))
        Xw = X * w[:, None]
        beta = np.linalg.solve(Xw.T @ X, Xw.T @ y)
    return np.mean((X_val @ beta - y_val) ** 2)


def irls_huber_grad(y, delta, X, X_val, y_val, n_iter):
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    tape = []
    for _ in range(n_iter):
        r = y - X @ beta
        q = delta / np.abs(r)
        w = np.minimum(1.0, q)
        Xw = X * w[:, None]
        A = Xw.T @ X
        beta = np.linalg.solve(A, Xw.T @ y)
        tape.append((r, q, w, A, beta))
    g_beta = X_val.T @ ((X_val @ beta - y_val) * (2.0 / y_val.shape[0]))
    g_y, g_delta = np.zeros_like(y), 0.0
    for r, q, w, A, beta in reversed(tape):
        Xu = X @ np.linalg.solve(A, g_beta)  # A symmetric
        g_y += w * Xu
        gq = np.where(q < 1.0, Xu * (y - X @ beta), 0.0)  # weight adjoint where q is taken
        g_delta += np.sum(gq * q) / delta
        gr = -gq * q / r  # d q / d r = -q sign(r) / |r| = -q / r
        g_y += gr
        g_beta = -(X.T @ gr)
    g_y += X @ np.linalg.solve(X.T @ X, g_beta)
    return g_y, g_delta


def irls_huber_args(size):
    n, p, n_iter = (5000, 8, 8) if size == "full" else (12, 3, 2)
    r = _rng(1004)
    X, X_val = r.standard_normal((n, p)), r.standard_normal((n // 4, p))
    beta = r.standard_normal(p)
    y = X @ beta + r.standard_t(2.0, n)
    return y, 1.0, X, X_val, X_val @ beta + 0.1 * r.standard_normal(n // 4), n_iter


# ---------------------------------------------------------------------------
# message passing with np.add.at
# ---------------------------------------------------------------------------

def gnn_scatter(W1, W2, w_out, feats, src, dst, target):
    n = feats.shape[0]
    deg = np.maximum(np.bincount(dst, minlength=n), 1)
    h = feats
    for W in (W1, W2):
        msg = np.tanh(h[src] @ W)
        agg = np.zeros((n, W.shape[1]))
        np.add.at(agg, dst, msg)
        h = h + agg / deg[:, None]
    return np.mean((h @ w_out - target) ** 2)


def _scatter_rows(index, rows, n):
    """``out[index[k]] += rows[k]`` into ``n`` rows, by one ``np.bincount`` of the flat
    positions (what ``np.add.at`` does, faster): the adjoint of the gather ``h[src]``."""
    d = rows.shape[1]
    flat = (index[:, None] * d + np.arange(d)).ravel()
    return np.bincount(flat, weights=rows.ravel(), minlength=n * d).reshape(n, d)


def gnn_scatter_grad(W1, W2, w_out, feats, src, dst, target):
    n = feats.shape[0]
    inv = 1.0 / np.maximum(np.bincount(dst, minlength=n), 1)[:, None]
    h, tape = feats, []
    for W in (W1, W2):
        hs = h[src]
        msg = np.tanh(hs @ W)
        agg = np.zeros((n, W.shape[1]))
        np.add.at(agg, dst, msg)  # (the function's own call)
        tape.append((W, hs, msg))
        h = h + agg * inv
    g_out = (h @ w_out - target) * (2.0 / n)
    g_w_out = h.T @ g_out
    gh = np.outer(g_out, w_out)
    g_W = []
    for W, hs, msg in reversed(tape):
        gz = (gh * inv)[dst] * (1.0 - msg * msg)
        g_W.append(hs.T @ gz)
        gh = gh + _scatter_rows(src, gz @ W.T, n)
    return g_W[1], g_W[0], g_w_out


def gnn_scatter_args(size):
    n, e, d = (1000, 8000, 16) if size == "full" else (5, 9, 3)
    r = _rng(1005)
    return (r.standard_normal((d, d)) / np.sqrt(d), r.standard_normal((d, d)) / np.sqrt(d),
            r.standard_normal(d), r.standard_normal((n, d)), r.integers(0, n, e),
            r.integers(0, n, e), r.standard_normal(n))


# ---------------------------------------------------------------------------
# a continuous-time Markov chain: expm by Taylor terms and squaring
# ---------------------------------------------------------------------------

def expm_taylor(M):
    A = M / 64.0
    P = np.eye(M.shape[0])
    term = np.eye(M.shape[0])
    for k in range(1, 10):
        term = term @ A / k
        P = P + term
    for _ in range(6):
        P = P @ P
    return P


def ctmc_expm(theta, counts, dts):
    Q = np.exp(theta)
    np.fill_diagonal(Q, 0.0)
    np.fill_diagonal(Q, -np.sum(Q, axis=1))
    nll = 0.0
    for j in range(dts.shape[0]):
        nll = nll - np.sum(counts[j] * np.log(expm_taylor(Q * dts[j])))
    return nll


def ctmc_expm_functional(theta, counts, dts):
    R = np.exp(theta) * (1.0 - np.eye(theta.shape[0]))
    Q = R - np.diag(np.sum(R, axis=1))  # without the in-place writes, for autograd and JAX
    nll = 0.0
    for j in range(dts.shape[0]):
        nll = nll - np.sum(counts[j] * np.log(expm_taylor(Q * dts[j])))
    return nll


def ctmc_expm_grad(theta, counts, dts):
    n = theta.shape[0]
    R = np.exp(theta)
    np.fill_diagonal(R, 0.0)
    Q = R - np.diag(np.sum(R, axis=1))
    gQ = np.zeros((n, n))
    for j in range(dts.shape[0]):
        c = dts[j] / 64.0
        A = Q * c
        terms = [np.eye(n)]
        for k in range(1, 10):
            terms.append(terms[-1] @ A / k)
        P = sum(terms)
        squares = []
        for _ in range(6):
            squares.append(P)
            P = P @ P
        gP = -counts[j] / P
        for S in reversed(squares):
            gP = gP @ S.T + S.T @ gP
        gA, g_term = np.zeros((n, n)), gP
        for k in range(9, 0, -1):
            gA += terms[k - 1].T @ g_term / k
            if k > 1:
                g_term = gP + g_term @ A.T / k
        gQ += gA * c
    return ((gQ - np.diag(gQ)[:, None]) * R,)


def ctmc_expm_args(size):
    n, m = (8, 20) if size == "full" else (3, 2)
    r = _rng(1006)
    return (r.normal(-1.0, 0.3, (n, n)), r.integers(0, 30, (m, n, n)).astype(float),
            r.uniform(0.5, 2.0, m))


# ---------------------------------------------------------------------------
# negative-binomial regression by gammaln
# ---------------------------------------------------------------------------

def negbin(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    ll = (gammaln(y + r) - gammaln(r) - gammaln(y + 1.0)
          + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))
    return -np.mean(ll)


def negbin_grad(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    rm = r + mu
    g_eta = r * (mu - y) / (rm * y.shape[0])
    dr = digamma(y + r) - digamma(r) + np.log(r / rm) + (mu - y) / rm
    return X.T @ g_eta, -r * np.mean(dr)


def negbin_args(size):
    n, p = (20000, 10) if size == "full" else (9, 3)
    r = _rng(1007)
    X = r.standard_normal((n, p)) / np.sqrt(p)
    mu = np.exp(1.0 + X @ r.standard_normal(p))
    y = r.negative_binomial(2.0, 2.0 / (2.0 + mu)).astype(float)
    return 0.1 * r.standard_normal(p), 0.3, X, y


# ---------------------------------------------------------------------------
# natural frequencies of a spring chain by eigvalsh
# ---------------------------------------------------------------------------

def modal_fit(k, mass, target):
    K = np.diag(k[:-1] + k[1:]) - np.diag(k[1:-1], 1) - np.diag(k[1:-1], -1)
    s = 1.0 / np.sqrt(mass)
    lam = np.linalg.eigvalsh(K * s[:, None] * s[None, :])
    freq = np.sqrt(lam[:target.shape[0]])
    return np.sum((freq - target) ** 2)


def modal_fit_grad(k, mass, target):
    K = np.diag(k[:-1] + k[1:]) - np.diag(k[1:-1], 1) - np.diag(k[1:-1], -1)
    s = 1.0 / np.sqrt(mass)
    lam, V = np.linalg.eigh(K * np.outer(s, s))
    nt = target.shape[0]
    f = np.sqrt(lam[:nt])
    Vt = V[:, :nt]
    gA = (Vt * ((f - target) / f)) @ Vt.T
    gK = gA * np.outer(s, s)
    d = np.diag(gK)
    gk = np.zeros_like(k)
    gk[:-1] += d
    gk[1:] += d
    gk[1:-1] -= np.diag(gK, 1) + np.diag(gK, -1)
    return gk, -((gA * K) @ s) * s ** 3


def modal_fit_args(size):
    n, nt = (80, 10) if size == "full" else (4, 2)
    r = _rng(1008)
    return r.uniform(0.5, 2.0, n + 1), r.uniform(0.5, 2.0, n), np.linspace(0.1, 0.6, nt)


# ---------------------------------------------------------------------------
# a Plackett-Luce (ListMLE) ranking loss
# ---------------------------------------------------------------------------

def listmle(w, X, rel):
    loss = 0.0
    for q in range(X.shape[0]):
        order = np.argsort(-rel[q])
        s = X[q][order] @ w
        c = np.max(s)
        tail = np.cumsum(np.exp(s - c)[::-1])[::-1]
        loss = loss + np.sum(np.log(tail) + c - s)
    return loss / X.shape[0]


def listmle_grad(w, X, rel):
    gw = np.zeros_like(w)
    for q in range(X.shape[0]):
        Xq = X[q][np.argsort(-rel[q])]
        s = Xq @ w
        e = np.exp(s - np.max(s))
        tail = np.cumsum(e[::-1])[::-1]
        gw += Xq.T @ (e * np.cumsum(1.0 / tail) - 1.0)
    return (gw / X.shape[0],)


def listmle_args(size):
    nq, m, d = (300, 30, 16) if size == "full" else (3, 4, 3)
    r = _rng(1009)
    X = r.standard_normal((nq, m, d))
    rel = X @ r.standard_normal(d) + r.standard_normal((nq, m))
    return 0.1 * r.standard_normal(d), X, rel


# ---------------------------------------------------------------------------
# Lennard-Jones in a periodic box with a cut-off
# ---------------------------------------------------------------------------

def pbc_lj(pos, box, rc):
    d = pos[:, None, :] - pos[None, :, :]
    d = d - box * np.round(d / box)
    r2 = np.sum(d * d, axis=-1)
    inside = (r2 < rc * rc) & (r2 > 0.0)
    inv6 = 1.0 / np.where(inside, r2, 1.0) ** 3
    shift = 4.0 * (rc ** -12 - rc ** -6)
    e = np.where(inside, 4.0 * (inv6 * inv6 - inv6) - shift, 0.0)
    return 0.5 * np.sum(e)


def pbc_lj_grad(pos, box, rc):
    d = pos[:, None, :] - pos[None, :, :]
    d -= box * np.round(d / box)
    r2 = np.sum(d * d, axis=-1)
    inside = (r2 < rc * rc) & (r2 > 0.0)
    r2 = np.where(inside, r2, 1.0)
    inv6 = 1.0 / r2 ** 3
    de = np.where(inside, (12.0 * inv6 - 24.0 * inv6 * inv6) / r2, 0.0)  # 4 e'(r2) / 2 * 2
    return (2.0 * np.einsum("ij,ijk->ik", de, d),)


def pbc_lj_args(size):
    side, box, rc = (6, 6.6, 2.33) if size == "full" else (3, 3.3, 1.35)
    r = _rng(1010)
    grid = np.arange(side) * (box / side)
    pos = np.stack(np.meshgrid(grid, grid, grid, indexing="ij"), axis=-1).reshape(-1, 3)
    return pos + 0.01 * r.standard_normal(pos.shape), box, rc


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("particle_filter", "bootstrap particle filter log-likelihood, resampled by "
          "np.searchsorted of a cumsum", (0, 1, 2), ("30 steps, 32 particles", "4 x 6")),
    _spec("gauss_newton", "validation loss after damped Gauss-Newton steps: np.stack "
          "Jacobian, np.linalg.solve", (0, 1), ("5000 points, 5 steps", "8 points, 2 steps")),
    _spec("hodgkin_huxley", "Hodgkin-Huxley neuron by explicit Euler: a scalar loop, a "
          "helper of six rates", (0, 1), ("1000 steps", "6 steps")),
    _spec("irls_huber", "Huber regression by IRLS (np.minimum weights, a solve per "
          "iteration), gradient wrt the data", (0, 1), ("5000 x 8, 8 iterations", "12 x 3, 2")),
    _spec("gnn_scatter", "two message-passing layers: np.add.at onto nodes, a loop over a "
          "tuple of weights", (0, 1, 2), ("1000 nodes, 8000 edges, width 16", "5, 9, 3")),
    _spec("ctmc_expm", "Markov chain transition likelihood: np.fill_diagonal, expm by "
          "Taylor terms and squaring loops", (0,), ("8 states, 20 intervals", "3 states, 2"),
          functional_func=ctmc_expm_functional),
    _spec("negbin", "negative-binomial regression by scipy.special.gammaln", (0, 1),
          ("20000 x 10", "9 x 3")),
    _spec("modal_fit", "spring chain's natural frequencies by np.linalg.eigvalsh of "
          "np.diag offsets", (0, 1), ("80 masses, 10 modes", "4 masses, 2 modes")),
    _spec("listmle", "Plackett-Luce ranking loss per query: np.argsort order, reversed "
          "np.cumsum", (0,), ("300 queries x 30 items, 16 features", "3 x 4, 3")),
    _spec("pbc_lj", "Lennard-Jones in a periodic box: minimum image by np.round, cut-off "
          "masks", (0,), ("216 particles", "27 particles")),
]
