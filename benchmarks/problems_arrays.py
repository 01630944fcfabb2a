"""The array benchmark problems (4-10): functions, hand-written gradients and
argument builders.  ``problems.py`` registers them; see its docstring for the
conventions (module-level ``np``, gradients as tuples in ``wrt`` order).
"""

from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# (4, 5) MLP with two tanh hidden layers and softmax cross-entropy
# ---------------------------------------------------------------------------

def mlp(W1, b1, W2, b2, W3, b3, X, Y):
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def mlp_grad(W1, b1, W2, b2, W3, b3, X, Y):
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    p = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    p /= np.sum(p, axis=1, keepdims=True)
    # Y is one-hot, so d(loss)/d(logits) = (softmax - Y) / batch
    dz3 = (p - Y) / X.shape[0]
    gW3 = h2.T @ dz3
    gb3 = dz3.sum(axis=0)
    dz2 = (dz3 @ W3.T) * (1.0 - h2 * h2)
    gW2 = h1.T @ dz2
    gb2 = dz2.sum(axis=0)
    dz1 = (dz2 @ W2.T) * (1.0 - h1 * h1)
    gW1 = X.T @ dz1
    gb1 = dz1.sum(axis=0)
    return gW1, gb1, gW2, gb2, gW3, gb3


def _mlp_args(batch, d_in, width, classes, seed):
    r = _rng(seed)
    W1 = r.standard_normal((d_in, width)) / np.sqrt(d_in)
    W2 = r.standard_normal((width, width)) / np.sqrt(width)
    W3 = r.standard_normal((width, classes)) / np.sqrt(width)
    b1, b2, b3 = (0.1 * r.standard_normal(n) for n in (width, width, classes))
    X = r.standard_normal((batch, d_in))
    Y = np.eye(classes)[r.integers(0, classes, batch)]
    return W1, b1, W2, b2, W3, b3, X, Y


def mlp_small_args(size):
    return _mlp_args(32, 64, 64, 10, 1) if size == "full" else _mlp_args(4, 5, 8, 3, 1)


def mlp_large_args(size):
    return _mlp_args(512, 1024, 1024, 10, 2) if size == "full" else _mlp_args(6, 7, 9, 4, 2)


# ---------------------------------------------------------------------------
# (6) tanh RNN, squared loss on a readout of the last hidden state
# ---------------------------------------------------------------------------

def rnn(Wx, Wh, b, Wo, xs, y):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    out = h @ Wo
    return 0.5 * np.sum((out - y) ** 2) / xs.shape[1]


def rnn_grad(Wx, Wh, b, Wo, xs, y):
    steps, batch = xs.shape[0], xs.shape[1]
    hs = [np.zeros((batch, Wh.shape[0]))]
    for t in range(steps):
        hs.append(np.tanh(xs[t] @ Wx + hs[-1] @ Wh + b))
    dout = (hs[-1] @ Wo - y) / batch
    gWo = hs[-1].T @ dout
    dh = dout @ Wo.T
    gWx = np.zeros_like(Wx)
    gWh = np.zeros_like(Wh)
    gb = np.zeros_like(b)
    for t in range(steps - 1, -1, -1):
        dz = dh * (1.0 - hs[t + 1] * hs[t + 1])
        gWx += xs[t].T @ dz
        gWh += hs[t].T @ dz
        gb += dz.sum(axis=0)
        dh = dz @ Wh.T
    return gWx, gWh, gb, gWo


def rnn_args(size):
    steps, batch, d_in, hidden, d_out = (50, 32, 32, 128, 10) if size == "full" else (4, 3, 2, 5, 2)
    r = _rng(3)
    Wx = r.standard_normal((d_in, hidden)) / np.sqrt(d_in)
    Wh = 0.9 * r.standard_normal((hidden, hidden)) / np.sqrt(hidden)
    b = 0.1 * r.standard_normal(hidden)
    Wo = r.standard_normal((hidden, d_out)) / np.sqrt(hidden)
    xs = r.standard_normal((steps, batch, d_in))
    y = r.standard_normal((batch, d_out))
    return Wx, Wh, b, Wo, xs, y


# ---------------------------------------------------------------------------
# (7) L2-regularised logistic regression, labels in {-1, +1}
# ---------------------------------------------------------------------------

def logistic(w, b, X, y, lam):
    z = X @ w + b
    return np.mean(np.log(1.0 + np.exp(-y * z))) + 0.5 * lam * np.sum(w * w)


def logistic_grad(w, b, X, y, lam):
    e = np.exp(-y * (X @ w + b))
    dz = -y * (e / (1.0 + e)) / X.shape[0]
    return X.T @ dz + lam * w, dz.sum()


def logistic_args(size):
    n, d = (10000, 100) if size == "full" else (50, 5)
    r = _rng(4)
    X = r.standard_normal((n, d))
    w_true = r.standard_normal(d) / np.sqrt(d)
    y = np.where(X @ w_true + 0.5 * r.standard_normal(n) > 0, 1.0, -1.0)
    w = 0.1 * r.standard_normal(d)
    return w, 0.2, X, y, 1e-3


# ---------------------------------------------------------------------------
# (8) a ~37-op elementwise chain on a large array
# ---------------------------------------------------------------------------

def elementwise(x):
    a = np.sin(x) * np.cos(2.0 * x) + 0.5 * x
    b = np.exp(-0.5 * a * a) + np.log1p(x * x) * np.tanh(x)
    c = np.sqrt(1.0 + a * a + b * b) - a / (2.0 + np.cos(b))
    d = (a - b) * (b + c) + c ** 3 / (3.0 + x * x)
    e = d * np.exp(-0.1 * c) + np.arctan(d)
    return np.mean(e)


def elementwise_grad(x):
    sx, c2x = np.sin(x), np.cos(2.0 * x)
    a = sx * c2x + 0.5 * x
    ea = np.exp(-0.5 * a * a)
    lx = np.log1p(x * x)
    tx = np.tanh(x)
    b = ea + lx * tx
    s = np.sqrt(1.0 + a * a + b * b)
    den = 2.0 + np.cos(b)
    c = s - a / den
    r = 3.0 + x * x
    amb, bpc = a - b, b + c
    d = amb * bpc + c ** 3 / r
    ec = np.exp(-0.1 * c)
    ge = 1.0 / x.size
    gd = ge * (ec + 1.0 / (1.0 + d * d))
    gc = (-0.1 * ge) * d * ec
    ga = gd * bpc
    gb = gd * (amb - bpc)
    gc += gd * (amb + 3.0 * c * c / r)
    gx = gd * (-2.0 * x) * c ** 3 / (r * r)
    ga -= gc / den
    gb -= gc * a / (den * den) * np.sin(b)
    ga += gc * a / s
    gb += gc * b / s
    ga -= gb * a * ea
    gx += gb * (tx * 2.0 * x / (1.0 + x * x) + lx * (1.0 - tx * tx))
    gx += ga * (np.cos(x) * c2x - 2.0 * sx * np.sin(2.0 * x) + 0.5)
    return (gx,)


def elementwise_args(size):
    return (_rng(5).uniform(-2.0, 2.0, 1_000_000 if size == "full" else 1000),)


# ---------------------------------------------------------------------------
# (9) 100 steps of x = tanh(A @ x) with a 10x10 matrix
# ---------------------------------------------------------------------------

def matvec_tanh(A, x, n_steps):
    for _ in range(n_steps):
        x = np.tanh(A @ x)
    return np.sum(x * x)


def matvec_tanh_grad(A, x, n_steps):
    xs = [x]
    for _ in range(n_steps):
        xs.append(np.tanh(A @ xs[-1]))
    g = 2.0 * xs[-1]
    gA = np.zeros_like(A)
    for i in range(n_steps, 0, -1):
        gz = g * (1.0 - xs[i] * xs[i])
        gA += np.outer(gz, xs[i - 1])
        g = A.T @ gz
    return gA, g


def matvec_tanh_args(size):
    r = _rng(6)
    A = 1.2 * r.standard_normal((10, 10)) / np.sqrt(10)
    return A, r.standard_normal(10), 100 if size == "full" else 5


# ---------------------------------------------------------------------------
# (10) N-body gravity (softened), symplectic Euler, loss on final positions
# ---------------------------------------------------------------------------

def accelerations(pos, mass):
    d = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(d * d, axis=2) + 0.01
    w = mass[None, :] * r2 ** -1.5
    return -np.sum(d * w[:, :, None], axis=1)


def nbody(pos, vel, mass, target, dt, n_steps):
    for _ in range(n_steps):
        vel = vel + dt * accelerations(pos, mass)
        pos = pos + dt * vel
    return np.sum((pos - target) ** 2)


def _accelerations_vjp(pos, mass, ga):
    """Cotangent of pos given the cotangent ga of accelerations(pos, mass)."""
    d = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(d * d, axis=2) + 0.01
    inv_r3 = r2 ** -1.5
    gdot = np.einsum("ik,ijk->ij", ga, d)
    G = (3.0 * mass * inv_r3 / r2 * gdot)[:, :, None] * d
    G -= (mass * inv_r3)[:, :, None] * ga[:, None, :]
    return G.sum(axis=1) - G.sum(axis=0)


def nbody_grad(pos, vel, mass, target, dt, n_steps):
    positions = []
    for _ in range(n_steps):
        positions.append(pos)
        vel = vel + dt * accelerations(pos, mass)
        pos = pos + dt * vel
    gpos = 2.0 * (pos - target)
    gvel = np.zeros_like(vel)
    for p in reversed(positions):
        gvel += dt * gpos
        gpos = gpos + _accelerations_vjp(p, mass, dt * gvel)
    return (gvel,)


def nbody_args(size):
    n, steps = (64, 200) if size == "full" else (8, 5)
    r = _rng(7)
    pos = r.uniform(-1.0, 1.0, (n, 3))
    vel = 0.3 * r.standard_normal((n, 3))
    mass = np.full(n, 1.0 / n)
    target = r.uniform(-1.0, 1.0, (n, 3))
    return pos, vel, mass, target, 0.01, steps
