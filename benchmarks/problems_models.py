"""Model-style benchmark problems added in session 30, of kinds the others do not cover:

* ``huber``: Huber regression, the loss chosen elementwise by ``np.where`` and averaged
  (a mean of a piecewise loss; the adjoint of the mean a number ``np.where`` spreads);
* ``heat2d``: twenty explicit steps of the 2-D heat equation written with slices, a copy
  and an interior update (``new = u.copy(); new[1:-1, 1:-1] = u[1:-1, 1:-1] + ...``),
  gradient wrt the initial field and the diffusion number;
* ``gmm``: a Gaussian mixture's negative log-likelihood with a hand-written log-sum-exp
  (``m[:, 0] + np.log(np.sum(np.exp(logp - m), axis=1))``) and log-softmax weights.

Conventions are those of ``problems.py``: module-level functions against the module
global ``np``; the hand-written gradients are what an expert writes in NumPy (the
Huber slope by ``np.where``, the heat equation's reverse sweep of slice updates with
the fields kept per step, the mixture's responsibilities), returning a tuple in ``wrt``
order.  ``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# Huber regression
# ---------------------------------------------------------------------------

def huber(w, X, y, delta):
    r = X @ w - y
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    return np.mean(loss) + 1e-3 * np.sum(w ** 2)


def huber_grad(w, X, y, delta):
    r = X @ w - y
    gr = np.where(np.abs(r) <= delta, r, delta * np.sign(r)) / r.shape[0]
    return (X.T @ gr + 2e-3 * w,)


def huber_args(size):
    n, d = (2000, 20) if size == "full" else (12, 3)
    r = _rng(9)
    X = r.standard_normal((n, d))
    return r.standard_normal(d), X, X @ r.standard_normal(d) + r.standard_t(2, n), 1.0


# ---------------------------------------------------------------------------
# 2-D heat equation, explicit steps on slices
# ---------------------------------------------------------------------------

def heat2d(u, alpha, n_steps):
    for _ in range(n_steps):
        lap = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4.0 * u[1:-1, 1:-1]
        new = u.copy()
        new[1:-1, 1:-1] = u[1:-1, 1:-1] + alpha * lap
        u = new
    return np.sum(u ** 2)


def heat2d_grad(u, alpha, n_steps):
    laps = []
    for _ in range(n_steps):
        lap = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4.0 * u[1:-1, 1:-1]
        laps.append(lap)
        new = u.copy()
        new[1:-1, 1:-1] += alpha * lap
        u = new
    g = 2.0 * u
    ga = 0.0
    for lap in reversed(laps):
        gi = g[1:-1, 1:-1]
        ga += np.vdot(gi, lap)
        gl = alpha * gi
        g = g.copy()
        g[:-2, 1:-1] += gl
        g[2:, 1:-1] += gl
        g[1:-1, :-2] += gl
        g[1:-1, 2:] += gl
        g[1:-1, 1:-1] -= 4.0 * gl
    return g, ga


def heat2d_functional(u, alpha, n_steps):
    """``heat2d`` without its in-place write, for the tools that have none (autograd,
    JAX; torch): the border adds a padded zero, so every value is the same bit for bit."""
    for _ in range(n_steps):
        lap = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4.0 * u[1:-1, 1:-1]
        u = u + alpha * np.pad(lap, 1, mode="constant")
    return np.sum(u ** 2)


def heat2d_args(size):
    n = 32 if size == "full" else 6
    return _rng(1).standard_normal((n, n)), 0.2, 20 if size == "full" else 3


# ---------------------------------------------------------------------------
# Gaussian mixture negative log-likelihood, hand-written log-sum-exp
# ---------------------------------------------------------------------------

def gmm_nll(means, log_sigmas, logits, X):
    d = X.shape[1]
    sig2 = np.exp(2.0 * log_sigmas)
    diff = X[:, None, :] - means[None, :, :]
    sq = np.sum(diff ** 2, axis=2)
    lw = logits - np.max(logits)
    logw = lw - np.log(np.sum(np.exp(lw)))
    logp = logw - 0.5 * sq / sig2 - d * log_sigmas - 0.5 * d * np.log(2 * np.pi)
    m = np.max(logp, axis=1, keepdims=True)
    ll = m[:, 0] + np.log(np.sum(np.exp(logp - m), axis=1))
    return -np.mean(ll)


def gmm_nll_grad(means, log_sigmas, logits, X):
    n, d = X.shape
    sig2 = np.exp(2.0 * log_sigmas)
    diff = X[:, None, :] - means[None, :, :]
    sq = np.sum(diff ** 2, axis=2)
    w = np.exp(logits - np.max(logits))
    w /= np.sum(w)
    logp = np.log(w) - 0.5 * sq / sig2 - d * log_sigmas - 0.5 * d * np.log(2 * np.pi)
    r = np.exp(logp - np.max(logp, axis=1, keepdims=True))
    r /= np.sum(r, axis=1, keepdims=True)  # responsibilities
    glogp = -r / n
    gw = np.sum(glogp, axis=0)
    glogits = gw - w * np.sum(gw)
    gsq = -0.5 * glogp / sig2
    gls = np.sum(glogp * sq, axis=0) / sig2 - d * gw
    gmeans = -2.0 * np.einsum("nk,nkd->kd", gsq, diff)
    return gmeans, gls, glogits


def gmm_args(size):
    n, k, d = (500, 8, 3) if size == "full" else (10, 3, 2)
    r = _rng(2)
    return (r.standard_normal((k, d)), 0.1 * r.standard_normal(k), r.standard_normal(k),
            r.standard_normal((n, d)))


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "huber", "title": "Huber regression: np.where piecewise loss, mean, L2",
     "func": huber, "hand_grad": huber_grad, "make_args": huber_args, "wrt": (0,),
     "sizes": {"full": "2000 x 20", "smoke": "12 x 3"}},
    {"name": "heat2d", "title": "2-D heat equation, explicit steps on slices (copy, interior "
     "update)", "func": heat2d, "hand_grad": heat2d_grad, "make_args": heat2d_args,
     "functional_func": heat2d_functional, "wrt": (0, 1),
     "sizes": {"full": "32 x 32, 20 steps", "smoke": "6 x 6, 3 steps"}},
    {"name": "gmm", "title": "Gaussian mixture NLL, hand-written log-sum-exp",
     "func": gmm_nll, "hand_grad": gmm_nll_grad, "make_args": gmm_args, "wrt": (0, 1, 2),
     "sizes": {"full": "500 points, 8 components, 3 dims",
               "smoke": "10 points, 3 components, 2 dims"}},
]
