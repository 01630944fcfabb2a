"""Problems of kinds users write that the first twenty-three do not cover, added in
session 31 (issue 13: performance on code s2sad was not tuned for):

* ``expectile``: expectile regression, an asymmetric squared loss chosen per element
  by an ``if`` in a Python loop over the residuals of a prediction the function makes
  itself (``pred = X @ w``; the loop reads ``pred[i]`` and ``y[i]``);
* ``gauss_nll``: a Gaussian negative log-likelihood with a low-rank-plus-diagonal
  covariance ``S = A @ A.T + eps * np.eye(n)``, ``np.linalg.slogdet`` and
  ``np.linalg.solve`` (a quadratic form ``0.5 * sum(Y * S^-1 Y)``);
* ``poisson``: Poisson regression written with the rates and their log,
  ``np.sum(mu - y * np.log(mu))``;

and three added in session 32 (code of issue 13's kinds written as a physicist or a
student would):

* ``lj_loops``: a Lennard-Jones energy as a scalar double loop over the pairs, reading
  the coordinates as matrix elements (``pos[i, 0] - pos[j, 0]``);
* ``attention_rows``: softmax attention written as a loop over the query rows, the
  maximum subtracted by rebinding the scores (``s = s - np.max(s)``);
* ``spring_bonds``: a chain of springs with a stiffness per bond, an argument one
  shorter than the positions, against ``x[1:] - x[:-1]``.

Conventions are those of ``problems.py``: module-level functions against the module
global ``np``; the hand-written gradients are what an expert writes in NumPy (the
expectile loop's slopes on the same NumPy scalars, the covariance's inverse formed once,
the Poisson residual ``mu - y``), returning a tuple in ``wrt`` order.  ``SPECS``
describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# expectile regression, an element loop with a branch
# ---------------------------------------------------------------------------

def expectile(w, X, y, tau):
    pred = X @ w
    loss = 0.0
    for i in range(pred.shape[0]):
        r = y[i] - pred[i]
        if r > 0:
            loss += tau * r * r
        else:
            loss += (1 - tau) * r * r
    return loss / pred.shape[0]


def expectile_grad(w, X, y, tau):
    pred = X @ w
    n = pred.shape[0]
    gp = np.empty(n)
    for i in range(n):
        r = y[i] - pred[i]
        if r > 0:
            gp[i] = -2 * tau * r / n
        else:
            gp[i] = -2 * (1 - tau) * r / n
    return (X.T @ gp,)


def expectile_args(size):
    n, d = (300, 10) if size == "full" else (20, 3)  # (JAX eager: ~30 ms per element)
    r = _rng(7)
    X = r.standard_normal((n, d))
    return r.standard_normal(d), X, X @ r.standard_normal(d) + r.standard_normal(n), 0.8


# ---------------------------------------------------------------------------
# Gaussian negative log-likelihood: slogdet and solve of A A^T + eps I
# ---------------------------------------------------------------------------

def gauss_nll(A, Y, eps):
    n, m = Y.shape
    S = A @ A.T + eps * np.eye(n)
    sign, logdet = np.linalg.slogdet(S)
    alpha = np.linalg.solve(S, Y)
    return 0.5 * np.sum(Y * alpha) + 0.5 * m * logdet


def gauss_nll_grad(A, Y, eps):
    n, m = Y.shape
    S = A @ A.T + eps * np.eye(n)
    Sinv = np.linalg.inv(S)
    alpha = Sinv @ Y
    gS = 0.5 * m * Sinv - 0.5 * alpha @ alpha.T
    return (2.0 * gS @ A,)


def gauss_nll_args(size):
    n, k, m = (200, 50, 5) if size == "full" else (6, 3, 2)
    r = _rng(4)
    return r.standard_normal((n, k)) / np.sqrt(k), r.standard_normal((n, m)), 0.5


# ---------------------------------------------------------------------------
# Poisson regression with the rates' log
# ---------------------------------------------------------------------------

def poisson(w, b, X, y):
    eta = X @ w + b
    mu = np.exp(eta)
    return np.sum(mu - y * np.log(mu)) / X.shape[0] + 0.01 * np.sum(w ** 2)


def poisson_grad(w, b, X, y):
    mu = np.exp(X @ w + b)
    r = (mu - y) / X.shape[0]
    return X.T @ r + 0.02 * w, np.sum(r)


def poisson_args(size):
    n, d = (100000, 20) if size == "full" else (30, 3)
    r = _rng(6)
    X = 0.3 * r.standard_normal((n, d))
    y = r.poisson(np.exp(X @ r.standard_normal(d) * 0.5)).astype(float)
    return 0.1 * r.standard_normal(d), 0.1, X, y


# ---------------------------------------------------------------------------
# Lennard-Jones as a scalar double loop over a matrix's elements
# ---------------------------------------------------------------------------

def lj_loops(pos):
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            r2 = dx * dx + dy * dy + dz * dz
            ir6 = 1.0 / (r2 * r2 * r2)
            e = e + 4.0 * (ir6 * ir6 - ir6)
    return e


def lj_loops_grad(pos):
    n = pos.shape[0]
    g = np.zeros_like(pos)
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            r2 = dx * dx + dy * dy + dz * dz
            ir2 = 1.0 / r2
            ir6 = ir2 * ir2 * ir2
            c = 4.0 * (6.0 * ir6 - 12.0 * ir6 * ir6) * ir2
            g[i, 0] += c * dx
            g[i, 1] += c * dy
            g[i, 2] += c * dz
            g[j, 0] -= c * dx
            g[j, 1] -= c * dy
            g[j, 2] -= c * dz
    return (g,)


def lj_loops_args(size):
    m = 3 if size == "full" else 2  # a cubic lattice of m**3 particles, jittered
    a = np.arange(m) * 1.2
    pos = np.stack(np.meshgrid(a, a, a), -1).reshape(-1, 3)
    return (pos + 0.05 * _rng(34).standard_normal(pos.shape),)


# ---------------------------------------------------------------------------
# softmax attention as a loop over query rows
# ---------------------------------------------------------------------------

def attention_rows(Q, K, V):
    n = Q.shape[0]
    out = np.zeros((n, V.shape[1]))
    for i in range(n):
        s = K @ Q[i] / np.sqrt(Q.shape[1])
        s = s - np.max(s)
        w = np.exp(s)
        w = w / np.sum(w)
        out[i] = w @ V
    return np.sum(out ** 2)


def attention_rows_grad(Q, K, V):
    scale = 1.0 / np.sqrt(Q.shape[1])
    gQ, gK, gV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
    for i in range(Q.shape[0]):
        s = K @ Q[i] * scale
        w = np.exp(s - np.max(s))
        w = w / np.sum(w)
        go = 2.0 * (w @ V)
        gV += np.outer(w, go)
        gw = V @ go
        gs = w * (gw - gw @ w) * scale
        gQ[i] = gs @ K
        gK += np.outer(gs, Q[i])
    return gQ, gK, gV


def attention_rows_args(size):
    n, m, d = (32, 32, 8) if size == "full" else (4, 5, 3)
    r = _rng(35)
    return r.standard_normal((n, d)), r.standard_normal((m, d)), r.standard_normal((m, d))


# ---------------------------------------------------------------------------
# a chain of springs, a stiffness per bond (one shorter than the positions)
# ---------------------------------------------------------------------------

def spring_bonds(x, k, rest):
    d = x[1:] - x[:-1]
    s = d - rest
    return 0.5 * np.sum(k * s ** 2) + 0.1 * np.sum(x ** 4)


def spring_bonds_grad(x, k, rest):
    s = x[1:] - x[:-1] - rest
    gs = k * s
    gx = 0.4 * x ** 3
    gx[1:] += gs
    gx[:-1] -= gs
    return gx, 0.5 * s * s


def spring_bonds_args(size):
    n = 2000 if size == "full" else 8
    r = _rng(36)
    return r.standard_normal(n), r.uniform(0.5, 2.0, n - 1), 0.5


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "expectile", "title": "expectile regression: an element loop with an if over "
     "the residuals of X @ w", "func": expectile, "hand_grad": expectile_grad,
     "make_args": expectile_args, "wrt": (0,),
     "sizes": {"full": "300 x 10", "smoke": "20 x 3"}},
    {"name": "gauss_nll", "title": "Gaussian NLL: slogdet and solve of A A^T + eps I",
     "func": gauss_nll, "hand_grad": gauss_nll_grad, "make_args": gauss_nll_args,
     "wrt": (0,), "sizes": {"full": "n 200, rank 50, 5 columns",
                            "smoke": "n 6, rank 3, 2 columns"}},
    {"name": "poisson", "title": "Poisson regression: np.sum(mu - y * np.log(mu))",
     "func": poisson, "hand_grad": poisson_grad, "make_args": poisson_args, "wrt": (0, 1),
     "sizes": {"full": "100000 x 20", "smoke": "30 x 3"}},
    {"name": "lj_loops", "title": "Lennard-Jones as a scalar double loop over pos[i, 0]",
     "func": lj_loops, "hand_grad": lj_loops_grad, "make_args": lj_loops_args, "wrt": (0,),
     "sizes": {"full": "27 particles", "smoke": "8 particles"}},
    {"name": "attention_rows", "title": "softmax attention as a loop over query rows",
     "func": attention_rows, "hand_grad": attention_rows_grad,
     "make_args": attention_rows_args, "wrt": (0, 1, 2),
     "sizes": {"full": "32 queries, 32 keys, 8 dims", "smoke": "4, 5, 3"}},
    {"name": "spring_bonds", "title": "a chain of springs, a stiffness per bond: "
     "k * (x[1:] - x[:-1] - rest) ** 2", "func": spring_bonds, "hand_grad": spring_bonds_grad,
     "make_args": spring_bonds_args, "wrt": (0, 1),
     "sizes": {"full": "2000 points", "smoke": "8 points"}},
]
