"""Benchmark problems 54-60 (session 39): seven more kinds of code, written as users write
them, none of them looked at while s2sad was tuned:

* ``wave_leapfrog``: the 1-D wave equation by leapfrog steps, ``u_prev, u = u, u_next``
  swapped every step, the interior of a fresh ``np.zeros`` written by slices;
* ``conv_taps``: a 2-D convolution written as a loop over the kernel's taps, each a
  shifted window of ``np.pad``'s output, a ReLU and a mean-square;
* ``gru_stack``: a GRU over a sequence (batch of rows), each hidden state appended to a
  list and ``np.stack``-ed at the end;
* ``fem_bar``: a 1-D finite-element bar, the stiffness matrix assembled element by element
  in a loop of scalar ``+=`` writes, one solve, the compliance;
* ``implicit_newton``: implicit Euler steps of ``y' = -lam y^3``, each solved by three
  Newton iterations inside the loss;
* ``xy_model``: the energy of a 2-D XY spin model on a periodic grid by ``np.roll``;
* ``quat_chain``: a chain of normalised quaternions multiplied by a helper unpacking
  its arguments into scalars, a vector rotated by the product.

The hand-written gradients are what an expert writes for the same code: a reverse sweep
of the same loops (states kept in a list or an array), closed forms where the code is
vectorised.  ``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# the wave equation by leapfrog, the two states swapped every step
# ---------------------------------------------------------------------------

def wave_leapfrog(u0, c, steps):
    n = u0.shape[0]
    u_prev = u0.copy()
    u = u0.copy()
    r = c * c
    for _ in range(steps):
        u_next = np.zeros(n)
        u_next[1:-1] = 2 * u[1:-1] - u_prev[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
        u_prev, u = u, u_next
    return np.sum(u ** 2) + 0.5 * np.sum(u_prev * u)


def wave_leapfrog_grad(u0, c, steps):
    n = u0.shape[0]
    r = c * c
    us = np.empty((steps + 2, n))
    us[0] = u0
    us[1] = u0
    for s in range(steps):
        u, up = us[s + 1], us[s]
        us[s + 2, 0] = 0.0
        us[s + 2, -1] = 0.0
        us[s + 2, 1:-1] = 2 * u[1:-1] - up[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
    u, up = us[steps + 1], us[steps]
    gu = 2 * u + 0.5 * up
    gp = 0.5 * u
    gr = 0.0
    for s in reversed(range(steps)):
        u = us[s + 1]
        g = gu[1:-1]
        gr += g @ (u[2:] - 2 * u[1:-1] + u[:-2])
        gnew = gp.copy()
        gnew[1:-1] += (2 - 2 * r) * g
        gnew[2:] += r * g
        gnew[:-2] += r * g
        gp = np.zeros(n)
        gp[1:-1] = -g
        gu = gnew
    return gu + gp, 2 * c * gr


def wave_leapfrog_args(size):
    n, steps = (256, 200) if size == "full" else (8, 4)
    x = np.linspace(-3.0, 3.0, n)
    return np.exp(-x ** 2) * (1.0 + 0.1 * _rng(491).standard_normal(n)), 0.5, steps


# ---------------------------------------------------------------------------
# a 2-D convolution by a loop over the kernel's taps
# ---------------------------------------------------------------------------

def conv_taps(W, x):
    k = W.shape[0]
    p = k // 2
    xp = np.pad(x, p)
    H, Wd = x.shape
    out = np.zeros((H, Wd))
    for i in range(k):
        for j in range(k):
            out = out + W[i, j] * xp[i:i + H, j:j + Wd]
    h = np.maximum(out, 0.0)
    return np.mean(h ** 2)


def conv_taps_grad(W, x):
    k = W.shape[0]
    p = k // 2
    xp = np.pad(x, p)
    H, Wd = x.shape
    out = np.zeros((H, Wd))
    for i in range(k):
        for j in range(k):
            out += W[i, j] * xp[i:i + H, j:j + Wd]
    gout = (2.0 / out.size) * np.maximum(out, 0.0)
    gW = np.empty_like(W)
    gxp = np.zeros_like(xp)
    for i in range(k):
        for j in range(k):
            gW[i, j] = np.vdot(gout, xp[i:i + H, j:j + Wd])
            gxp[i:i + H, j:j + Wd] += W[i, j] * gout
    return gW, gxp[p:p + H, p:p + Wd]


def conv_taps_args(size):
    k, n = (5, 96) if size == "full" else (3, 5)
    r = _rng(492)
    return r.standard_normal((k, k)) / k, r.standard_normal((n, n + 1))


# ---------------------------------------------------------------------------
# a GRU over a sequence, the states appended to a list and stacked
# ---------------------------------------------------------------------------

def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gru_stack(Wz, Wr, Wh, xs, h0):
    h = h0
    hs = []
    for t in range(xs.shape[0]):
        xh = np.concatenate([xs[t], h], axis=1)
        z = _sigmoid(xh @ Wz)
        r = _sigmoid(xh @ Wr)
        hc = np.tanh(np.concatenate([xs[t], r * h], axis=1) @ Wh)
        h = (1 - z) * h + z * hc
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H ** 2) / H.shape[0]


def gru_stack_grad(Wz, Wr, Wh, xs, h0):
    T, _, D = xs.shape
    h = h0
    tape = []
    hs = []
    for t in range(T):
        xh = np.concatenate([xs[t], h], axis=1)
        z = _sigmoid(xh @ Wz)
        r = _sigmoid(xh @ Wr)
        xrh = np.concatenate([xs[t], r * h], axis=1)
        hc = np.tanh(xrh @ Wh)
        tape.append((h, xh, z, r, xrh, hc))
        h = (1 - z) * h + z * hc
        hs.append(h)
    gWz, gWr, gWh = np.zeros_like(Wz), np.zeros_like(Wr), np.zeros_like(Wh)
    gh = np.zeros_like(h0)
    for t in reversed(range(T)):
        h, xh, z, r, xrh, hc = tape[t]
        gh = gh + (2.0 / T) * hs[t]
        ghc = gh * z
        gz = gh * (hc - h)
        ghp = gh * (1 - z)
        ga = ghc * (1 - hc * hc)
        gWh += xrh.T @ ga
        grh = (ga @ Wh.T)[:, D:]
        gr = grh * h
        ghp += grh * r
        gaz = gz * z * (1 - z)
        gar = gr * r * (1 - r)
        gWz += xh.T @ gaz
        gWr += xh.T @ gar
        ghp += (gaz @ Wz.T + gar @ Wr.T)[:, D:]
        gh = ghp
    return gWz, gWr, gWh


def gru_stack_args(size):
    T, B, D, H = (30, 32, 8, 32) if size == "full" else (4, 2, 2, 3)
    r = _rng(493)
    s = 1.0 / np.sqrt(D + H)
    return (s * r.standard_normal((D + H, H)), s * r.standard_normal((D + H, H)),
            s * r.standard_normal((D + H, H)), r.standard_normal((T, B, D)),
            np.zeros((B, H)))


# ---------------------------------------------------------------------------
# a finite-element bar assembled element by element
# ---------------------------------------------------------------------------

def fem_bar(E, f):
    n = E.shape[0]
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        k = E[e] * n
        K[e, e] += k
        K[e, e + 1] -= k
        K[e + 1, e] -= k
        K[e + 1, e + 1] += k
    u = np.linalg.solve(K[1:, 1:], f)
    return f @ u


def fem_bar_grad(E, f):
    n = E.shape[0]
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        k = E[e] * n
        K[e, e] += k
        K[e, e + 1] -= k
        K[e + 1, e] -= k
        K[e + 1, e + 1] += k
    u = np.linalg.solve(K[1:, 1:], f)
    du = np.diff(np.concatenate(([0.0], u)))
    return -n * du * du, 2.0 * u


def fem_bar_args(size):
    n = 120 if size == "full" else 5
    r = _rng(494)
    return 1.0 + r.random(n), r.standard_normal(n)


# ---------------------------------------------------------------------------
# implicit Euler steps, each solved by Newton iterations
# ---------------------------------------------------------------------------

def implicit_newton(lam, y0, dt, steps):
    y = y0
    for _ in range(steps):
        z = y
        for _ in range(3):
            F = z - y + dt * lam * z ** 3
            dF = 1 + 3 * dt * lam * z ** 2
            z = z - F / dF
        y = z
    return np.sum(y * y)


def implicit_newton_grad(lam, y0, dt, steps):
    y = y0
    tape = []
    for _ in range(steps):
        z = y
        for _ in range(3):
            z2 = z * z
            F = z - y + (dt * lam) * (z2 * z)
            dF = 1 + (3 * dt * lam) * z2
            tape.append((y, z, z2, F, dF))
            z = z - F / dF
        y = z
    gy = 2.0 * y
    glam = 0.0
    for s in reversed(range(steps)):
        gz = gy
        gy = np.zeros_like(y0)
        for it in reversed(range(3)):
            y, z, z2, F, dF = tape[3 * s + it]
            q = gz / dF
            gF = -q
            gdF = q * F / dF
            gy -= gF
            glam += dt * np.sum(gF * z2 * z + 3 * gdF * z2)
            gz = gz + gF * (1 + (3 * dt * lam) * z2) + gdF * (6 * dt * lam) * z
        gy += gz
    return glam, gy


def implicit_newton_args(size):
    n, steps = (2000, 30) if size == "full" else (4, 3)
    return 0.7, 0.5 + _rng(495).random(n), 0.1, steps


# ---------------------------------------------------------------------------
# the XY model's energy on a periodic grid
# ---------------------------------------------------------------------------

def xy_model(theta, J):
    right = np.roll(theta, -1, axis=1)
    down = np.roll(theta, -1, axis=0)
    e = -J * np.sum(np.cos(theta - right) + np.cos(theta - down))
    return e + 0.1 * np.sum(np.sin(theta) ** 2)


def xy_model_grad(theta, J):
    a = theta - np.roll(theta, -1, axis=1)
    b = theta - np.roll(theta, -1, axis=0)
    sa, sb = np.sin(a), np.sin(b)
    g = J * (sa - np.roll(sa, 1, axis=1) + sb - np.roll(sb, 1, axis=0))
    g += 0.1 * np.sin(2.0 * theta)
    return g, -np.sum(np.cos(a) + np.cos(b))


def xy_model_args(size):
    n = 128 if size == "full" else 4
    return _rng(496).standard_normal((n, n + 1)), 0.7


# ---------------------------------------------------------------------------
# a chain of quaternions by a helper of scalars
# ---------------------------------------------------------------------------

def quat_mul(q, r):
    w1, x1, y1, z1 = q
    w2, x2, y2, z2 = r
    return np.array([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
                     w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
                     w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2])


def quat_chain(qs, v):
    q = np.array([1.0, 0.0, 0.0, 0.0])
    for i in range(qs.shape[0]):
        qi = qs[i] / np.linalg.norm(qs[i])
        q = quat_mul(q, qi)
    qv = np.concatenate([[0.0], v])
    qc = q * np.array([1.0, -1.0, -1.0, -1.0])
    rv = quat_mul(quat_mul(q, qv), qc)
    return np.sum(rv[1:] * np.array([1.0, 2.0, 3.0]))


def quat_chain_grad(qs, v):
    conj = np.array([1.0, -1.0, -1.0, -1.0])
    n = qs.shape[0]
    norms = np.sqrt(np.sum(qs * qs, axis=1))
    units = qs / norms[:, None]
    prods = np.empty((n + 1, 4))
    prods[0] = (1.0, 0.0, 0.0, 0.0)
    for i in range(n):
        prods[i + 1] = quat_mul(prods[i], units[i])
    q = prods[n]
    qv = np.concatenate([[0.0], v])
    qc = q * conj
    p = quat_mul(q, qv)
    grv = np.array([0.0, 1.0, 2.0, 3.0])
    gp = quat_mul(grv, qc * conj)          # d/dp of p qc: grv conj(qc)
    gqc = quat_mul(p * conj, grv)          # d/dqc: conj(p) grv
    gq = quat_mul(gp, qv * conj) + gqc * conj
    gqv = quat_mul(q * conj, gp)
    gqs = np.empty_like(qs)
    for i in reversed(range(n)):
        gu = quat_mul(prods[i] * conj, gq)
        gq = quat_mul(gq, units[i] * conj)
        u = units[i]
        gqs[i] = (gu - u * (u @ gu)) / norms[i]
    return gqs, gqv[1:]


def quat_chain_args(size):
    n = 64 if size == "full" else 3
    r = _rng(497)
    return r.standard_normal((n, 4)), r.standard_normal(3)


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "wave_leapfrog", "title": "wave equation by leapfrog, u_prev and u swapped "
     "every step", "func": wave_leapfrog, "hand_grad": wave_leapfrog_grad,
     "make_args": wave_leapfrog_args, "wrt": (0, 1),
     "sizes": {"full": "256 points, 200 steps", "smoke": "8 points, 4 steps"}},
    {"name": "conv_taps", "title": "2-D convolution as a loop over kernel taps of np.pad, "
     "ReLU, mean square", "func": conv_taps, "hand_grad": conv_taps_grad,
     "make_args": conv_taps_args, "wrt": (0, 1),
     "sizes": {"full": "5 x 5 kernel, 96 x 97 image", "smoke": "3 x 3, 5 x 6"}},
    {"name": "gru_stack", "title": "GRU over a sequence, states appended to a list and "
     "stacked", "func": gru_stack, "hand_grad": gru_stack_grad,
     "make_args": gru_stack_args, "wrt": (0, 1, 2),
     "sizes": {"full": "30 steps, batch 32, 8 inputs, 32 hidden", "smoke": "4, 2, 2, 3"}},
    {"name": "fem_bar", "title": "1-D finite-element bar: stiffness assembled by scalar "
     "writes in a loop, a solve", "func": fem_bar, "hand_grad": fem_bar_grad,
     "make_args": fem_bar_args, "wrt": (0, 1),
     "sizes": {"full": "120 elements", "smoke": "5 elements"}},
    {"name": "implicit_newton", "title": "implicit Euler of y' = -lam y^3, three Newton "
     "iterations per step", "func": implicit_newton, "hand_grad": implicit_newton_grad,
     "make_args": implicit_newton_args, "wrt": (0, 1),
     "sizes": {"full": "2000 states, 30 steps", "smoke": "4 states, 3 steps"}},
    {"name": "xy_model", "title": "XY spin model energy on a periodic grid by np.roll",
     "func": xy_model, "hand_grad": xy_model_grad, "make_args": xy_model_args,
     "wrt": (0, 1), "sizes": {"full": "128 x 129 grid", "smoke": "4 x 5"}},
    {"name": "quat_chain", "title": "a chain of normalised quaternions by a helper of "
     "scalars, a vector rotated", "func": quat_chain, "hand_grad": quat_chain_grad,
     "make_args": quat_chain_args, "wrt": (0, 1),
     "sizes": {"full": "64 quaternions", "smoke": "3 quaternions"}},
]
