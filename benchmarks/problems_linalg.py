"""Benchmark problems of kinds s2sad was not tuned for: functions, hand-written
gradients and argument builders.

They measure performance on code unlike the ten core problems: an unrolled
inner optimisation (a ``while`` loop of gradient-descent steps inside the loss),
a Gaussian-process negative log marginal likelihood (Cholesky factor and
solves), a Kalman filter log-likelihood (a loop of small matrix products,
``inv`` and ``slogdet``) and a pairwise Lennard-Jones energy (n x n x 3
broadcasting).  ``problems.py`` registers them from ``SPECS``; see its
docstring for the conventions (module-level ``np``, gradients as tuples in
``wrt`` order, hand-written gradients built from the same NumPy calls as the
function).
"""

from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# unrolled gradient descent inside the loss: minimise
# 0.5 x'Ax - b'x + 0.25 theta sum(x**4) from x = 0, loss sum((x - 1)**2)
# ---------------------------------------------------------------------------

def inner_descent(theta, A, b, lr, tol):
    x = np.zeros(b.shape[0])
    g = A @ x - b + theta * x ** 3
    k = 0
    while np.linalg.norm(g) > tol and k < 200:
        x = x - lr * g
        g = A @ x - b + theta * x ** 3
        k = k + 1
    return np.sum((x - 1.0) ** 2)


def inner_descent_grad(theta, A, b, lr, tol):
    # forward, keeping the iterates x_0 .. x_{k-1} the steps start from
    x = np.zeros(b.shape[0])
    g = A @ x - b + theta * x ** 3
    xs = []
    k = 0
    while np.linalg.norm(g) > tol and k < 200:
        xs.append(x)
        x = x - lr * g
        g = A @ x - b + theta * x ** 3
        k = k + 1
    # reverse through x_{j+1} = x_j - lr * (A x_j - b + theta x_j**3), the
    # step count fixed by the forward pass; gs[j] is the adjoint of g_j
    X = np.array(xs).reshape(k, b.shape[0])
    D = (3.0 * theta) * X * X
    gx = 2.0 * (x - 1.0)
    gs = np.empty((k, b.shape[0]))
    At = A.T
    for j in range(k - 1, -1, -1):
        gg = -lr * gx
        gs[j] = gg
        gx = gx + At @ gg + D[j] * gg
    return float(np.sum(gs * X ** 3)), gs.T @ X, -gs.sum(axis=0)


def inner_descent_args(size):
    n, tol = (10, 1e-6) if size == "full" else (4, 1e-3)
    r = _rng(11)
    M = r.standard_normal((n, n))
    A = M @ M.T / 10.0 + np.eye(n)
    b = r.standard_normal(n)
    # lr 0.2 < 1 / largest Hessian eigenvalue (3.7 full, 1.7 smoke): 57 steps full, 26 smoke
    return 0.1, A, b, 0.2, tol


# ---------------------------------------------------------------------------
# Gaussian-process negative log marginal likelihood, squared-exponential kernel
# ---------------------------------------------------------------------------

def gp_nlml(log_ell, log_sf, log_sn, X, y):
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(2 * log_sf) * np.exp(-0.5 * d2 / np.exp(2 * log_ell))
    K = K + np.exp(2 * log_sn) * np.eye(X.shape[0])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * X.shape[0] * np.log(2 * np.pi)


def gp_nlml_grad(log_ell, log_sf, log_sn, X, y):
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    ell2 = np.exp(2 * log_ell)
    sn2 = np.exp(2 * log_sn)
    Kse = np.exp(2 * log_sf) * np.exp(-0.5 * d2 / ell2)
    # d nlml / dK = 0.5 (K^-1 - alpha alpha'), alpha = K^-1 y.  NumPy has no
    # triangular or Cholesky solve, and inv(L) costs as much as inv(K), so the
    # fastest NumPy-only way to K^-1 skips the Cholesky factor (K is well
    # conditioned here: noise variance e^-2 on the diagonal)
    W = np.linalg.inv(Kse + sn2 * np.eye(X.shape[0]))
    alpha = W @ y
    W -= np.outer(alpha, alpha)
    WK = W * Kse
    # dK/dlog_ell = Kse * d2 / ell^2, dK/dlog_sf = 2 Kse, dK/dlog_sn = 2 sn^2 I
    g_ell = 0.5 * np.sum(WK * d2) / ell2
    g_sf = np.sum(WK)
    g_sn = sn2 * np.trace(W)
    return float(g_ell), float(g_sf), float(g_sn)


def gp_nlml_args(size):
    n, d = (200, 3) if size == "full" else (8, 2)
    r = _rng(12)
    X = r.standard_normal((n, d))
    y = np.sin(X[:, 0]) + 0.1 * r.standard_normal(n)
    return 0.0, 0.0, -1.0, X, y


# ---------------------------------------------------------------------------
# Kalman filter log-likelihood (constant terms dropped)
# ---------------------------------------------------------------------------

def kalman_loglik(F, Q, H, R, ys, m0, P0):
    m = m0
    P = P0
    ll = 0.0
    for t in range(ys.shape[0]):
        m = F @ m
        P = F @ P @ F.T + Q
        v = ys[t] - H @ m
        S = H @ P @ H.T + R
        Sinv = np.linalg.inv(S)
        K = P @ H.T @ Sinv
        m = m + K @ v
        P = P - K @ S @ K.T
        sign, logdet = np.linalg.slogdet(S)
        ll = ll - 0.5 * (logdet + v @ Sinv @ v)
    return ll


def kalman_loglik_grad(F, Q, H, R, ys, m0, P0):
    # forward without the likelihood terms, keeping what the reverse pass reads
    T = ys.shape[0]
    Ft, Ht = F.T, H.T
    ms = np.empty((T,) + m0.shape)
    Ps = np.empty((T,) + P0.shape)
    steps = []
    m, P = m0, P0
    for t in range(T):
        ms[t] = m
        Ps[t] = P
        mp = F @ m
        Pp = F @ P @ Ft + Q
        v = ys[t] - H @ mp
        PHt = Pp @ Ht
        S = H @ PHt + R
        Si = np.linalg.inv(S)
        K = PHt @ Si
        KS = K @ S
        steps.append((PHt, v, S, Si.T, K, KS))
        m = mp + K @ v
        P = Pp - KS @ K.T
    # reverse, with general (not necessarily symmetric) matrices throughout:
    # the function is differentiated as written, so Q's gradient need not be
    # symmetric.  gm, gP: adjoints of m, P leaving step t; G[t], gms[t]: of the
    # predicted Pp, mp, turned into F's and Q's gradients after the loop
    G = np.empty((T,) + P0.shape)
    gms = np.empty((T,) + m0.shape)
    gm = np.zeros_like(m0)
    gP = np.zeros_like(P0)
    for t in range(T - 1, -1, -1):
        PHt, v, S, Sit, K, KS = steps[t]
        # ll -= 0.5 (logdet S + v' S^-1 v);  m = mp + K v;  P = Pp - K S K'
        gv = K.T @ gm - 0.5 * ((Sit.T + Sit) @ v)
        gK = np.outer(gm, v) - gP @ K @ S.T - gP.T @ KS
        # K = Pp H' S^-1;  S^-1 = inv(S);  S = H Pp H' + R;  v = y - H mp
        gSi = PHt.T @ gK - 0.5 * np.outer(v, v)
        gS = -0.5 * Sit - K.T @ gP @ K - Sit @ gSi @ Sit
        gPp = gP + (gK @ Sit + Ht @ gS) @ H
        gmp = gm - Ht @ gv
        G[t] = gPp
        gms[t] = gmp
        # Pp = F P F' + Q;  mp = F m
        gP = Ft @ gPp @ F
        gm = Ft @ gmp
    gF = np.sum(G @ F @ Ps.transpose(0, 2, 1) + G.transpose(0, 2, 1) @ F @ Ps, axis=0)
    return gF + gms.T @ ms, G.sum(axis=0)


def kalman_args(size):
    steps = 100 if size == "full" else 5
    # Q's gradient is dominated by its antisymmetric part: P - K S K' amplifies
    # antisymmetric perturbations of P step after step, which makes the function
    # strongly curved along non-symmetric directions of Q.  With this seed central
    # differences (step 1e-5) still check the gradient to ~1e-6; with some others
    # (13, 14, 24) their truncation error reaches 1e-3 or more.
    r = _rng(20)
    F = np.eye(4) + 0.03 * r.standard_normal((4, 4))
    H = r.standard_normal((2, 4))
    ys = r.standard_normal((steps, 2))
    return F, 0.1 * np.eye(4), H, 0.5 * np.eye(2), ys, np.zeros(4), np.eye(4)


# ---------------------------------------------------------------------------
# Lennard-Jones pair energy
# ---------------------------------------------------------------------------

def lennard_jones(pos, eps, sigma):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    n = pos.shape[0]
    r2 = r2 + np.eye(n)
    s6 = (sigma ** 2 / r2) ** 3
    e = 4 * eps * (s6 ** 2 - s6)
    e = e * (1.0 - np.eye(n))
    return 0.5 * np.sum(e)


def lennard_jones_grad(pos, eps, sigma):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    n = pos.shape[0]
    r2 = r2 + np.eye(n)
    s6 = (sigma ** 2 / r2) ** 3
    # w_ij = dE/dr2_ij = -6 eps (2 s6^2 - s6) / r2 off the diagonal (E counts
    # each pair twice, halved); r2 and so w are symmetric, and
    # dE/dpos_i = sum_j 4 w_ij (pos_i - pos_j)
    w = (-6.0 * eps) * (2.0 * s6 - 1.0) * s6 / r2
    np.fill_diagonal(w, 0.0)
    return (4.0 * (w.sum(axis=1)[:, None] * pos - w @ pos),)


def lennard_jones_args(size):
    shape = (4, 4, 8) if size == "full" else (2, 2, 2)
    r = _rng(14)
    grid = np.stack(np.meshgrid(*(np.arange(k) for k in shape), indexing="ij"), axis=-1)
    pos = 1.2 * grid.reshape(-1, 3).astype(float)
    pos = pos + 0.1 * r.standard_normal(pos.shape)
    return pos, 1.0, 1.0


SPECS = [
    {"name": "inner_descent",
     "title": "unrolled gradient descent (while loop) inside the loss",
     "func": inner_descent, "hand_grad": inner_descent_grad,
     "make_args": inner_descent_args, "wrt": (0, 1, 2),
     "sizes": {"full": "10x10, 57 steps", "smoke": "4x4, 26 steps"}},
    {"name": "gp_nlml",
     "title": "Gaussian-process negative log marginal likelihood (Cholesky)",
     "func": gp_nlml, "hand_grad": gp_nlml_grad, "make_args": gp_nlml_args,
     "wrt": (0, 1, 2),
     "sizes": {"full": "200 points, 3 dims", "smoke": "8 points, 2 dims"}},
    {"name": "kalman",
     "title": "Kalman filter log-likelihood, gradient wrt F and Q",
     "func": kalman_loglik, "hand_grad": kalman_loglik_grad, "make_args": kalman_args,
     "wrt": (0, 1),
     "sizes": {"full": "100 steps, state 4, obs 2", "smoke": "5 steps, state 4, obs 2"}},
    {"name": "lennard_jones",
     "title": "Lennard-Jones pair energy, gradient wrt positions",
     "func": lennard_jones, "hand_grad": lennard_jones_grad,
     "make_args": lennard_jones_args, "wrt": (0,),
     "sizes": {"full": "128 particles", "smoke": "8 particles"}},
]
