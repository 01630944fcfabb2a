"""Problems of kinds users write that the first twenty-three do not cover, added in
session 32 (issue 13: performance on code s2sad was not tuned for):

* ``expectile``: expectile regression, an asymmetric squared loss chosen per element
  by an ``if`` in a Python loop over the residuals of a prediction the function makes
  itself (``pred = X @ w``; the loop reads ``pred[i]`` and ``y[i]``);
* ``gauss_nll``: a Gaussian negative log-likelihood with a low-rank-plus-diagonal
  covariance ``S = A @ A.T + eps * np.eye(n)``, ``np.linalg.slogdet`` and
  ``np.linalg.solve`` (a quadratic form ``0.5 * sum(Y * S^-1 Y)``);
* ``poisson``: Poisson regression written with the rates and their log,
  ``np.sum(mu - y * np.log(mu))``.

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
]
