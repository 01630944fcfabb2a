"""Loop-style benchmark problems: performance on kinds of code s2sad was not tuned for.

* ``conv1d``: a 1-D convolution written as a Python loop over the filter taps
  (array slices of the input), tanh and a mean squared loss;
* ``smoothing``: Holt's double exponential smoothing, a scalar recurrence that
  reads one element of a NumPy array per step;
* ``rosenbrock_loop``: the Rosenbrock function as an element-by-element loop;
* ``adaptive_rk4``: an adaptive (step-doubling) RK4 integrator of a damped
  pendulum-like ODE, a while loop with accept/reject branches calling nested
  helpers (``rk4_step`` -> ``rhs``) on 2-vectors;
* ``drawdown``: a running peak taken with the builtin ``max`` and ``abs`` in an
  element loop (the shares of ``max`` and the slope of ``abs`` of numbers);
* ``einsum_forms``: ``np.einsum`` quadratic forms and a ``np.linalg.norm`` in one
  line on 8 x 8 arrays (their adjoints as products, not the generic helpers).

Conventions are those of ``problems.py``: each function is written once at
module level against the module global ``np``; the hand-written gradients use
the same library calls as the function (``np.sin`` on floats, not
``math.sin``) on the same kinds of values: NumPy float64 scalars read by
indexing the arrays (``data[t]``, ``x[i]``), never Python floats from
``tolist()``, and 2-element arrays built with ``np.array([...])`` for the RK4
states, so "gradient / hand-written" measures the differentiation machinery
only.  They return a tuple, one entry per ``wrt`` argument.  ``SPECS``
describes the problems as dicts; ``problems.py`` registers them.
"""

from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# 1-D convolution as a loop over the taps
# ---------------------------------------------------------------------------

def conv1d_loss(w, x, y):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j:j + n]
    return np.mean((np.tanh(out) - y) ** 2)


def conv1d_loss_grad(w, x, y):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        out += w[j] * x[j:j + n]
    t = np.tanh(out)
    dout = (2.0 / n) * (t - y) * (1.0 - t * t)
    # dw[j] = dout @ x[j:j + n] for all taps at once: a valid-mode correlation (faster
    # than a loop of k dot products, much faster than a strided (k, n) view @ dout)
    return (np.correlate(x, dout, "valid"),)


def conv1d_args(size):
    k, m = (15, 10000) if size == "full" else (3, 20)
    r = _rng(11)
    w = 0.3 * r.standard_normal(k)
    x = r.standard_normal(m)
    y = r.standard_normal(m - k + 1)
    return w, x, y


# ---------------------------------------------------------------------------
# double exponential smoothing: a scalar recurrence reading an array
# ---------------------------------------------------------------------------

def smoothing(alpha, beta, data):
    level = data[0]
    trend = 0.0
    sse = 0.0
    for t in range(1, data.shape[0]):
        pred = level + trend
        err = data[t] - pred
        sse = sse + err * err
        new_level = alpha * data[t] + (1 - alpha) * pred
        trend = beta * (new_level - level) + (1 - beta) * trend
        level = new_level
    return sse


def smoothing_grad(alpha, beta, data):
    # The recurrence in its error-correction form (the same values, fewer operations):
    # new_level = alpha * data[t] + (1 - alpha) * pred = pred + alpha * err and
    # beta * (new_level - level) + (1 - beta) * trend = trend + alpha * beta * err.
    ab = alpha * beta
    level = data[0]
    trend = 0.0
    errs = []
    for t in range(1, data.shape[0]):
        pred = level + trend
        err = data[t] - pred
        errs.append(err)
        level = pred + alpha * err
        trend = trend + ab * err
    # reverse: err's cotangent is 2 err + alpha * u, u = glevel + beta * gtrend; then
    # glevel becomes pred's cotangent, which level and trend both receive.  gbeta is
    # accumulated without its factor alpha.
    glevel = 0.0
    gtrend = 0.0
    galpha = 0.0
    gbeta = 0.0
    for err in reversed(errs):
        u = glevel + beta * gtrend
        galpha += u * err
        gbeta += gtrend * err
        glevel = glevel - 2.0 * err - alpha * u
        gtrend = gtrend + glevel
    return galpha, alpha * gbeta


def smoothing_args(size):
    r = _rng(12)
    return 0.3, 0.1, np.cumsum(r.standard_normal(200 if size == "full" else 10))


# ---------------------------------------------------------------------------
# Rosenbrock written as a loop
# ---------------------------------------------------------------------------

def rosenbrock_loop(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        total = total + 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return total


def rosenbrock_loop_grad(x):
    # -400 xi r - 2 (1 - xi) = xi (2 - 400 r) - 2
    g = np.zeros_like(x)
    for i in range(x.shape[0] - 1):
        xi = x[i]
        r = x[i + 1] - xi * xi
        g[i] += xi * (2.0 - 400.0 * r) - 2.0
        g[i + 1] += 200.0 * r
    return (g,)


def rosenbrock_loop_args(size):
    return (_rng(13).standard_normal(200 if size == "full" else 6),)


# ---------------------------------------------------------------------------
# adaptive RK4 (step doubling) with nested helpers
# ---------------------------------------------------------------------------

def rhs(y, k):
    return np.array([y[1], -k[0] * y[0] - k[1] * y[1] + k[2] * np.sin(y[0])])


def rk4_step(y, h, k):
    k1 = rhs(y, k)
    k2 = rhs(y + 0.5 * h * k1, k)
    k3 = rhs(y + 0.5 * h * k2, k)
    k4 = rhs(y + h * k3, k)
    return y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def adaptive_rk4(k, y0, t_end, tol):
    y = y0
    t = 0.0
    h = 0.1
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        big = rk4_step(y, h, k)
        half = rk4_step(rk4_step(y, 0.5 * h, k), 0.5 * h, k)
        err = np.max(np.abs(big - half))
        if err < tol:
            t = t + h
            y = half
            h = min(2.0 * h, 0.5)
        else:
            h = 0.5 * h
    return y[0] ** 2 + y[1] ** 2


def _rk4_step_taped(y, h, k0, k1, k2):
    """rk4_step(y, h, k) with rhs inlined (k[0], k[1], k[2] read once by the
    caller), bit for bit; also returns what its vjp needs: h, the four states rhs
    is evaluated at and their sin(s[0])."""
    sy = np.sin(y[0])
    f1 = np.array([y[1], -k0 * y[0] - k1 * y[1] + k2 * sy])
    z = y + 0.5 * h * f1
    sz = np.sin(z[0])
    f2 = np.array([z[1], -k0 * z[0] - k1 * z[1] + k2 * sz])
    w = y + 0.5 * h * f2
    sw = np.sin(w[0])
    f3 = np.array([w[1], -k0 * w[0] - k1 * w[1] + k2 * sw])
    v = y + h * f3
    sv = np.sin(v[0])
    f4 = np.array([v[1], -k0 * v[0] - k1 * v[1] + k2 * sv])
    return y + h / 6.0 * (f1 + 2 * f2 + 2 * f3 + f4), (h, y, z, w, v, sy, sz, sw, sv)


def _rk4_step_vjp(step, g, k0, k1, k2):
    """Cotangents of y and of (k[0], k[1], k[2]) for one rk4_step, given the
    cotangent g of its output.  rhs's vjp is inlined: for f = rhs(s, k) with
    cotangent e, s gets [e[1] (k[2] cos(s[0]) - k[0]), e[0] - k[1] e[1]] and
    (k[0], k[1], k[2]) get e[1] (-s[0], -s[1], sin(s[0]))."""
    h, y, z, w, v, sy, sz, sw, sv = step
    # output = y + h/6 (f1 + 2 f2 + 2 f3 + f4)
    e4 = h / 6.0 * g
    # f4 = rhs(v), v = y + h f3
    e = e4[1]
    s0 = v[0]
    gv = np.array([e * (k2 * np.cos(s0) - k0), e4[0] - k1 * e])
    d0, d1, d2 = -e * s0, -e * v[1], e * sv
    e23 = 2.0 * e4
    e3 = e23 + h * gv
    # f3 = rhs(w), w = y + h/2 f2
    e = e3[1]
    s0 = w[0]
    gw = np.array([e * (k2 * np.cos(s0) - k0), e3[0] - k1 * e])
    d0, d1, d2 = d0 - e * s0, d1 - e * w[1], d2 + e * sw
    e2 = e23 + 0.5 * h * gw
    # f2 = rhs(z), z = y + h/2 f1
    e = e2[1]
    s0 = z[0]
    gz = np.array([e * (k2 * np.cos(s0) - k0), e2[0] - k1 * e])
    d0, d1, d2 = d0 - e * s0, d1 - e * z[1], d2 + e * sz
    e1 = e4 + 0.5 * h * gz
    # f1 = rhs(y)
    e = e1[1]
    s0 = y[0]
    gy = np.array([e * (k2 * np.cos(s0) - k0), e1[0] - k1 * e])
    d0, d1, d2 = d0 - e * s0, d1 - e * y[1], d2 + e * sy
    return g + gv + gw + gz + gy, d0, d1, d2


def adaptive_rk4_grad(k, y0, t_end, tol):
    # The accept/reject decisions and the step sizes are fixed by the forward pass
    # (t is a sum of h's, err only picks branches), so the gradient flows through
    # the two half steps of each accepted step only.
    k0, k1, k2 = k[0], k[1], k[2]
    y = y0
    t = 0.0
    h = 0.1
    tape = []  # the two half steps of each accepted step
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        big = _rk4_step_taped(y, h, k0, k1, k2)[0]
        mid, s1 = _rk4_step_taped(y, 0.5 * h, k0, k1, k2)
        half, s2 = _rk4_step_taped(mid, 0.5 * h, k0, k1, k2)
        if np.max(np.abs(big - half)) < tol:
            t = t + h
            y = half
            tape.append(s1)
            tape.append(s2)
            h = min(2.0 * h, 0.5)
        else:
            h = 0.5 * h
    g = 2.0 * y
    gk0 = gk1 = gk2 = 0.0
    for step in reversed(tape):
        g, d0, d1, d2 = _rk4_step_vjp(step, g, k0, k1, k2)
        gk0 += d0
        gk1 += d1
        gk2 += d2
    return np.array([gk0, gk1, gk2]), g


def adaptive_rk4_args(size):
    k = np.array([1.0, 0.1, 0.3])
    y0 = np.array([1.0, 0.0])
    return (k, y0, 5.0, 1e-6) if size == "full" else (k, y0, 0.5, 1e-3)


# ---------------------------------------------------------------------------
# drawdown: a running peak with the builtin max, and abs, in an element loop
# ---------------------------------------------------------------------------

def drawdown(x):
    peak = x[0]
    s = 0.0
    for t in range(1, x.shape[0]):
        peak = max(peak, x[t])
        d = peak - x[t]
        s = s + d * d + 0.01 * abs(x[t])
    return s


def drawdown_grad(x):
    g = np.zeros_like(x)
    peak = x[0]
    at = 0
    for t in range(1, x.shape[0]):
        if x[t] > peak:
            peak = x[t]
            at = t
        d = peak - x[t]
        g[at] += 2.0 * d
        g[t] += 0.01 * np.sign(x[t]) - 2.0 * d
    return (g,)


def drawdown_args(size):
    return (np.cumsum(_rng(12).standard_normal(100 if size == "full" else 8)),)


# ---------------------------------------------------------------------------
# einsum and norm one-liners on small arrays
# ---------------------------------------------------------------------------

def einsum_forms(x, A, B):
    return np.einsum("i,ij,j->", x, A, x) + np.linalg.norm(B @ x) + np.einsum("ij,ij->", A, B)


def einsum_forms_grad(x, A, B):
    y = B @ x
    return (A @ x + A.T @ x + B.T @ (y / np.sqrt(y @ y)), np.outer(x, x) + B)


def einsum_forms_args(size):
    n = 8 if size == "full" else 3
    r = _rng(13)
    return r.standard_normal(n), r.standard_normal((n, n)), r.standard_normal((n, n))


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "conv1d", "title": "1-D convolution as a loop over taps, tanh, mean squared loss",
     "func": conv1d_loss, "hand_grad": conv1d_loss_grad, "make_args": conv1d_args,
     "wrt": (0,), "sizes": {"full": "15 taps, 10000 samples", "smoke": "3 taps, 20 samples"}},
    {"name": "smoothing", "title": "double exponential smoothing, scalar loop reading an array",
     "func": smoothing, "hand_grad": smoothing_grad, "make_args": smoothing_args,
     "wrt": (0, 1), "sizes": {"full": "200 points", "smoke": "10 points"}},
    {"name": "rosenbrock_loop", "title": "Rosenbrock function written as an element loop",
     "func": rosenbrock_loop, "hand_grad": rosenbrock_loop_grad,
     "make_args": rosenbrock_loop_args,
     "wrt": (0,), "sizes": {"full": "200 elements", "smoke": "6 elements"}},
    {"name": "adaptive_rk4", "title": "adaptive step-doubling RK4 (while loop, nested helpers)",
     "func": adaptive_rk4, "hand_grad": adaptive_rk4_grad, "make_args": adaptive_rk4_args,
     "wrt": (0, 1), "sizes": {"full": "t_end 5, tol 1e-6", "smoke": "t_end 0.5, tol 1e-3"}},
    {"name": "drawdown", "title": "running peak (builtin max) and abs in an element loop",
     "func": drawdown, "hand_grad": drawdown_grad, "make_args": drawdown_args,
     "wrt": (0,), "sizes": {"full": "100 points", "smoke": "8 points"}},
    {"name": "einsum_forms", "title": "einsum quadratic forms and a norm, one line, small",
     "func": einsum_forms, "hand_grad": einsum_forms_grad, "make_args": einsum_forms_args,
     "wrt": (0, 1), "sizes": {"full": "8 x 8", "smoke": "3 x 3"}},
]
