"""Problems written in session 36 as users write them, of kinds the others do not cover
(issue 13: speed on code s2sad was not tuned for):

* ``lstm``: an LSTM cell in a loop over time, the gates sliced out of one product
  (``z[:, H:2 * H]``), the sigmoid written ``1 / (1 + exp(-z))``;
* ``arm_reach``: a planar robot arm, one 3 x 3 homogeneous transform per link built with
  ``np.array([[c, -s, l * c], ...])`` and multiplied on (a small-matrix loop);
* ``logreg_linesearch``: L2 logistic regression after one gradient step whose length a
  backtracking ``while`` chooses, the loss a module-level helper called in the test;
* ``spring_euler``: a damped chain of springs stepped by explicit Euler as element
  loops, ``a[i] = ...`` with ``if i > 0`` ends, then ``v[i] = ...``, ``x[i] = ...``;
* ``spline_fit``: a piecewise cubic evaluated by Horner's rule in a scalar loop, its
  coefficients read as ``coef[j, 3]`` at a segment ``j = int(x / h)`` the data choose;
* ``spd_batch``: ``slogdet`` and ``solve`` of a small SPD matrix ``A[i] @ A[i].T +
  eps * I`` in a loop over a batch;
* ``corr1d``: a cross-correlation as an element loop ``r[i] = np.dot(w, x[i:i + m])``;
* ``layernorm_ce``: a hidden layer, layer normalisation (``np.mean``, ``np.var``),
  tanh, softmax cross-entropy with labels picked by ``logp[np.arange(n), labels]``.

The hand-written gradients are what an expert writes for the same code: a reverse
sweep of the same loops on the same kinds of values (NumPy scalars read by indexing,
the same small matrices), vectorised where the function is.  ``SPECS`` describes them;
``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# an LSTM over time
# ---------------------------------------------------------------------------

def lstm(Wx, Wh, b, Wy, xs, y):
    T, B, _ = xs.shape
    H = Wh.shape[0]
    h = np.zeros((B, H))
    c = np.zeros((B, H))
    for t in range(T):
        z = xs[t] @ Wx + h @ Wh + b
        i = 1.0 / (1.0 + np.exp(-z[:, :H]))
        f = 1.0 / (1.0 + np.exp(-z[:, H:2 * H]))
        o = 1.0 / (1.0 + np.exp(-z[:, 2 * H:3 * H]))
        g = np.tanh(z[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    pred = h @ Wy
    return 0.5 * np.sum((pred - y) ** 2) / B


def lstm_grad(Wx, Wh, b, Wy, xs, y):
    T, B, _ = xs.shape
    H = Wh.shape[0]
    h = np.zeros((B, H))
    c = np.zeros((B, H))
    tape = []
    for t in range(T):
        z = xs[t] @ Wx + h @ Wh + b
        s = 1.0 / (1.0 + np.exp(-z[:, :3 * H]))
        i, f, o = s[:, :H], s[:, H:2 * H], s[:, 2 * H:]
        g = np.tanh(z[:, 3 * H:])
        c_prev, h_prev = c, h
        c = f * c + i * g
        tc = np.tanh(c)
        h = o * tc
        tape.append((h_prev, c_prev, i, f, o, g, tc))
    gpred = (h @ Wy - y) / B
    gWy = h.T @ gpred
    gh = gpred @ Wy.T
    gc = np.zeros((B, H))
    gWx, gWh, gb = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    gz = np.empty((B, 4 * H))
    for t in range(T - 1, -1, -1):
        h_prev, c_prev, i, f, o, g, tc = tape[t]
        gc = gc + gh * o * (1.0 - tc * tc)
        gz[:, :H] = gc * g * i * (1.0 - i)
        gz[:, H:2 * H] = gc * c_prev * f * (1.0 - f)
        gz[:, 2 * H:3 * H] = gh * tc * o * (1.0 - o)
        gz[:, 3 * H:] = gc * i * (1.0 - g * g)
        gc = gc * f
        gWx += xs[t].T @ gz
        gWh += h_prev.T @ gz
        gb += np.sum(gz, axis=0)
        gh = gz @ Wh.T
    return gWx, gWh, gb, gWy


def lstm_args(size):
    T, B, D, H, K = (30, 16, 8, 32, 4) if size == "full" else (3, 2, 3, 4, 2)
    r = _rng(361)
    return (0.3 * r.standard_normal((D, 4 * H)), 0.3 * r.standard_normal((H, 4 * H)),
            0.1 * r.standard_normal(4 * H), 0.3 * r.standard_normal((H, K)),
            r.standard_normal((T, B, D)), r.standard_normal((B, K)))


# ---------------------------------------------------------------------------
# a planar arm: one 3 x 3 homogeneous transform per link
# ---------------------------------------------------------------------------

def arm_reach(theta, lengths, target):
    T = np.eye(3)
    for k in range(theta.shape[0]):
        c = np.cos(theta[k])
        s = np.sin(theta[k])
        A = np.array([[c, -s, lengths[k] * c],
                      [s, c, lengths[k] * s],
                      [0.0, 0.0, 1.0]])
        T = T @ A
    d = T[:2, 2] - target
    return d @ d + 0.01 * np.sum(theta ** 2)


def arm_reach_grad(theta, lengths, target):
    n = theta.shape[0]
    T = np.eye(3)
    frames = []
    for k in range(n):
        c = np.cos(theta[k])
        s = np.sin(theta[k])
        A = np.array([[c, -s, lengths[k] * c],
                      [s, c, lengths[k] * s],
                      [0.0, 0.0, 1.0]])
        frames.append((T, A, c, s))
        T = T @ A
    gT = np.zeros((3, 3))
    gT[:2, 2] = 2.0 * (T[:2, 2] - target)
    gtheta = 0.02 * theta
    glen = np.zeros(n)
    for k in range(n - 1, -1, -1):
        T_prev, A, c, s = frames[k]
        gA = T_prev.T @ gT
        gT = gT @ A.T
        l = lengths[k]
        gtheta[k] += (-s * (gA[0, 0] + gA[1, 1]) + c * (gA[1, 0] - gA[0, 1])
                      + l * (c * gA[1, 2] - s * gA[0, 2]))
        glen[k] = c * gA[0, 2] + s * gA[1, 2]
    return gtheta, glen


def arm_reach_args(size):
    n = 40 if size == "full" else 4
    r = _rng(362)
    return 0.3 * r.standard_normal(n), r.uniform(0.5, 1.5, n), np.array([3.0, 2.0])


# ---------------------------------------------------------------------------
# logistic regression after one backtracking gradient step
# ---------------------------------------------------------------------------

def _logreg_loss(w, X, y, lam):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * (w @ w)


def logreg_linesearch(w, X, y, lam):
    n = X.shape[0]
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    g = X.T @ (p - y) / n + lam * w
    f0 = _logreg_loss(w, X, y, lam)
    t = 1.0
    while _logreg_loss(w - t * g, X, y, lam) > f0 - 0.5 * t * (g @ g):
        t = 0.5 * t
    return _logreg_loss(w - t * g, X, y, lam)


def logreg_linesearch_grad(w, X, y, lam):
    n = X.shape[0]
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    g = X.T @ (p - y) / n + lam * w
    f0 = _logreg_loss(w, X, y, lam)
    t = 1.0
    while _logreg_loss(w - t * g, X, y, lam) > f0 - 0.5 * t * (g @ g):
        t = 0.5 * t
    w1 = w - t * g
    p1 = 1.0 / (1.0 + np.exp(-(X @ w1)))
    g1 = X.T @ (p1 - y) / n + lam * w1
    hg1 = X.T @ (p * (1.0 - p) * (X @ g1)) / n + lam * g1
    return (g1 - t * hg1,)


def logreg_linesearch_args(size):
    n, d = (2000, 20) if size == "full" else (30, 3)
    r = _rng(363)
    X = 3.0 * r.standard_normal((n, d))
    y = (X @ r.standard_normal(d) + r.standard_normal(n) > 0).astype(float)
    return 0.1 * r.standard_normal(d), X, y, 0.01


# ---------------------------------------------------------------------------
# a damped chain of springs, explicit Euler, element loops
# ---------------------------------------------------------------------------

def spring_euler(x0, v0, k, damping, dt, steps):
    n = x0.shape[0]
    x = x0.copy()
    v = v0.copy()
    a = np.zeros(n)
    for _step in range(steps):
        for i in range(n):
            force = -damping * v[i]
            if i > 0:
                force = force + k * (x[i - 1] - x[i])
            if i < n - 1:
                force = force + k * (x[i + 1] - x[i])
            a[i] = force
        for i in range(n):
            v[i] = v[i] + dt * a[i]
            x[i] = x[i] + dt * v[i]
    return np.sum(x ** 2)


def spring_euler_grad(x0, v0, k, damping, dt, steps):
    n = x0.shape[0]
    x = x0.copy()
    v = v0.copy()
    a = np.zeros(n)
    xs = []
    for _step in range(steps):
        xs.append(x.copy())
        for i in range(n):
            force = -damping * v[i]
            if i > 0:
                force = force + k * (x[i - 1] - x[i])
            if i < n - 1:
                force = force + k * (x[i + 1] - x[i])
            a[i] = force
        for i in range(n):
            v[i] = v[i] + dt * a[i]
            x[i] = x[i] + dt * v[i]
    gx = 2.0 * x
    gv = np.zeros(n)
    ga = np.zeros(n)
    gk = 0.0
    for step in range(steps - 1, -1, -1):
        xp = xs[step]
        for i in range(n):
            gv[i] = gv[i] + dt * gx[i]
            ga[i] = dt * gv[i]
            gv[i] = gv[i] - damping * ga[i]
        for i in range(n):
            if i > 0:
                gk = gk + ga[i] * (xp[i - 1] - xp[i])
                gx[i - 1] = gx[i - 1] + k * ga[i]
                gx[i] = gx[i] - k * ga[i]
            if i < n - 1:
                gk = gk + ga[i] * (xp[i + 1] - xp[i])
                gx[i + 1] = gx[i + 1] + k * ga[i]
                gx[i] = gx[i] - k * ga[i]
    return gx, gv, gk


def spring_euler_args(size):
    n, steps = (40, 30) if size == "full" else (5, 3)
    r = _rng(364)
    return r.standard_normal(n), 0.1 * r.standard_normal(n), 2.0, 0.3, 0.05, steps


# ---------------------------------------------------------------------------
# a piecewise cubic by Horner's rule, fitted to points
# ---------------------------------------------------------------------------

def spline_fit(coef, xs, ys, h):
    loss = 0.0
    for k in range(xs.shape[0]):
        j = int(xs[k] / h)
        t = xs[k] - j * h
        s = ((coef[j, 3] * t + coef[j, 2]) * t + coef[j, 1]) * t + coef[j, 0]
        r = s - ys[k]
        loss = loss + r * r
    return loss / xs.shape[0] + 1e-3 * np.sum(coef[:, 2:] ** 2)


def spline_fit_grad(coef, xs, ys, h):
    m = xs.shape[0]
    g = np.zeros_like(coef)
    g[:, 2:] = 2e-3 * coef[:, 2:]
    for k in range(m):
        j = int(xs[k] / h)
        t = xs[k] - j * h
        s = ((coef[j, 3] * t + coef[j, 2]) * t + coef[j, 1]) * t + coef[j, 0]
        c = 2.0 * (s - ys[k]) / m
        g[j, 0] += c
        g[j, 1] += c * t
        g[j, 2] += c * t * t
        g[j, 3] += c * t * t * t
    return (g,)


def spline_fit_args(size):
    segs, m = (20, 300) if size == "full" else (3, 12)
    r = _rng(365)
    h = 1.0 / segs
    xs = r.uniform(0.0, 1.0 - 1e-9, m)
    return r.standard_normal((segs, 4)), xs, np.sin(6.0 * xs), h


# ---------------------------------------------------------------------------
# slogdet and solve of small SPD matrices in a loop
# ---------------------------------------------------------------------------

def spd_batch(A, B, eps):
    n, d, _ = A.shape
    total = 0.0
    for i in range(n):
        S = A[i] @ A[i].T + eps * np.eye(d)
        sign, logdet = np.linalg.slogdet(S)
        alpha = np.linalg.solve(S, B[i])
        total = total + logdet + B[i] @ alpha
    return total / n


def spd_batch_grad(A, B, eps):
    n, d, _ = A.shape
    gA = np.empty_like(A)
    gB = np.empty_like(B)
    for i in range(n):
        S = A[i] @ A[i].T + eps * np.eye(d)
        Si = np.linalg.inv(S)
        alpha = Si @ B[i]
        gS = Si - np.outer(alpha, alpha)
        gA[i] = (2.0 / n) * gS @ A[i]
        gB[i] = (2.0 / n) * alpha
    return gA, gB


def spd_batch_args(size):
    n, d = (200, 4) if size == "full" else (3, 2)
    r = _rng(366)
    return r.standard_normal((n, d, d)), r.standard_normal((n, d)), 0.1


# ---------------------------------------------------------------------------
# cross-correlation as an element loop over the outputs
# ---------------------------------------------------------------------------

def corr1d(w, x, y):
    m = w.shape[0]
    n = x.shape[0] - m + 1
    r = np.zeros(n)
    for i in range(n):
        r[i] = np.dot(w, x[i:i + m])
    e = np.tanh(r) - y
    return np.mean(e ** 2)


def corr1d_grad(w, x, y):
    m = w.shape[0]
    n = x.shape[0] - m + 1
    r = np.zeros(n)
    for i in range(n):
        r[i] = np.dot(w, x[i:i + m])
    t = np.tanh(r)
    gr = (2.0 / n) * (t - y) * (1.0 - t * t)
    gw = np.zeros(m)
    gx = np.zeros_like(x)
    for i in range(n):
        gw += gr[i] * x[i:i + m]
        gx[i:i + m] += gr[i] * w
    return gw, gx


def corr1d_args(size):
    m, n = (8, 1000) if size == "full" else (3, 10)
    r = _rng(367)
    return r.standard_normal(m) / m, r.standard_normal(n + m - 1), 0.5 * r.standard_normal(n)


# ---------------------------------------------------------------------------
# hidden layer, layer norm, tanh, softmax cross-entropy
# ---------------------------------------------------------------------------

def layernorm_ce(W1, b1, gamma, beta, W2, b2, X, labels):
    h = X @ W1 + b1
    mu = np.mean(h, axis=1, keepdims=True)
    var = np.var(h, axis=1, keepdims=True)
    hn = (h - mu) / np.sqrt(var + 1e-5)
    a = np.tanh(gamma * hn + beta)
    logits = a @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    logp = logits - lse
    return -np.mean(logp[np.arange(X.shape[0]), labels])


def layernorm_ce_grad(W1, b1, gamma, beta, W2, b2, X, labels):
    B = X.shape[0]
    h = X @ W1 + b1
    hc = h - np.mean(h, axis=1, keepdims=True)
    inv = 1.0 / np.sqrt(np.mean(hc * hc, axis=1, keepdims=True) + 1e-5)
    hn = hc * inv
    a = np.tanh(gamma * hn + beta)
    logits = a @ W2 + b2
    p = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p /= np.sum(p, axis=1, keepdims=True)
    p[np.arange(B), labels] -= 1.0
    gl = p / B
    gW2 = a.T @ gl
    gb2 = np.sum(gl, axis=0)
    gu = (gl @ W2.T) * (1.0 - a * a)
    ggamma = np.sum(gu * hn, axis=0)
    gbeta = np.sum(gu, axis=0)
    ghn = gu * gamma
    gh = inv * (ghn - np.mean(ghn, axis=1, keepdims=True)
                - hn * np.mean(ghn * hn, axis=1, keepdims=True))
    return X.T @ gh, np.sum(gh, axis=0), ggamma, gbeta, gW2, gb2


def layernorm_ce_args(size):
    B, D, H, C = (256, 32, 64, 10) if size == "full" else (5, 3, 4, 3)
    r = _rng(368)
    return (r.standard_normal((D, H)) / np.sqrt(D), 0.1 * r.standard_normal(H),
            1.0 + 0.1 * r.standard_normal(H), 0.1 * r.standard_normal(H),
            r.standard_normal((H, C)) / np.sqrt(H), 0.1 * r.standard_normal(C),
            r.standard_normal((B, D)), r.integers(0, C, B))


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "lstm", "title": "LSTM over time, gates sliced from one product",
     "func": lstm, "hand_grad": lstm_grad, "make_args": lstm_args, "wrt": (0, 1, 2, 3),
     "sizes": {"full": "30 steps, batch 16, in 8, hidden 32", "smoke": "3, 2, 3, 4"}},
    {"name": "arm_reach", "title": "planar arm: a 3 x 3 transform per link, T = T @ A",
     "func": arm_reach, "hand_grad": arm_reach_grad, "make_args": arm_reach_args,
     "wrt": (0, 1), "sizes": {"full": "40 links", "smoke": "4 links"}},
    {"name": "logreg_linesearch", "title": "logistic loss after a backtracking step "
     "(while)", "func": logreg_linesearch, "hand_grad": logreg_linesearch_grad,
     "make_args": logreg_linesearch_args, "wrt": (0,),
     "sizes": {"full": "2000 x 20", "smoke": "30 x 3"}},
    {"name": "spring_euler", "title": "damped spring chain, explicit Euler element loops",
     "func": spring_euler, "hand_grad": spring_euler_grad, "make_args": spring_euler_args,
     "wrt": (0, 1, 2), "sizes": {"full": "40 masses, 30 steps", "smoke": "5, 3"}},
    {"name": "spline_fit", "title": "piecewise cubic by Horner in a scalar loop, "
     "coef[j, 3] at j = int(x / h)", "func": spline_fit, "hand_grad": spline_fit_grad,
     "make_args": spline_fit_args, "wrt": (0,),
     "sizes": {"full": "20 segments, 300 points", "smoke": "3, 12"}},
    {"name": "spd_batch", "title": "slogdet and solve of A[i] @ A[i].T + eps I in a loop",
     "func": spd_batch, "hand_grad": spd_batch_grad, "make_args": spd_batch_args,
     "wrt": (0, 1), "sizes": {"full": "200 matrices 4 x 4", "smoke": "3 of 2 x 2"}},
    {"name": "corr1d", "title": "cross-correlation as an element loop r[i] = "
     "np.dot(w, x[i:i + m])", "func": corr1d, "hand_grad": corr1d_grad,
     "make_args": corr1d_args, "wrt": (0, 1),
     "sizes": {"full": "8 taps, 1000 outputs", "smoke": "3, 10"}},
    {"name": "layernorm_ce", "title": "hidden layer, layer norm, tanh, softmax "
     "cross-entropy", "func": layernorm_ce, "hand_grad": layernorm_ce_grad,
     "make_args": layernorm_ce_args, "wrt": (0, 1, 2, 3, 4, 5),
     "sizes": {"full": "batch 256, in 32, hidden 64, 10 classes", "smoke": "5, 3, 4, 3"}},
]
