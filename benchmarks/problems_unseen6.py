"""Benchmark problems 62-65 (session 41): four more kinds of code, written as users write
them:

* ``cox_ph``: a Cox proportional-hazards partial likelihood, rows sorted by decreasing
  time so that each risk set is a prefix: ``np.log(np.cumsum(np.exp(risk)))``, L2;
* ``sinkhorn``: entropic optimal transport by log-domain Sinkhorn iterations, a helper
  log-sum-exp over rows (``.T`` for the columns), the transport cost at the end;
* ``arm_fk``: forward kinematics of a planar arm for a batch of poses, a loop over the
  links accumulating angles and the tip position (``q[:, i]``), squared distance to
  targets;
* ``lotka_rk4``: Lotka-Volterra fitted by fixed-step RK4, a helper returning a tuple of
  rates, parameters read as ``theta[0]``, a log-scale squared error every step.

The hand-written gradients are what an expert writes for the same code: the reverse
cumulative sum of the Cox adjoint; reverse sweeps of the Sinkhorn iterations, of the
link loop and of the RK4 steps, on the same kinds of values as the functions.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# a Cox partial likelihood: risk sets as prefixes, a cumulative sum
# ---------------------------------------------------------------------------

def cox_ph(beta, X, event, lam):
    risk = X @ beta  # rows sorted by decreasing time: row i's risk set is rows 0..i
    log_risk_set = np.log(np.cumsum(np.exp(risk)))
    ll = np.sum(event * (risk - log_risk_set))
    return -ll / X.shape[0] + lam * np.sum(beta ** 2)


def cox_ph_grad(beta, X, event, lam):
    n = X.shape[0]
    risk = X @ beta
    w = np.exp(risk)
    total = np.cumsum(w)
    later = np.cumsum((event / total)[::-1])[::-1]  # sum over the sets holding row j
    return (X.T @ ((w * later - event) / n) + 2.0 * lam * beta,)


def cox_ph_args(size):
    n, p = (5000, 20) if size == "full" else (7, 3)
    r = _rng(601)
    X = r.standard_normal((n, p)) / np.sqrt(p)
    event = (r.random(n) < 0.7).astype(np.float64)
    return 0.3 * r.standard_normal(p), X, event, 0.01


# ---------------------------------------------------------------------------
# Sinkhorn iterations in the log domain
# ---------------------------------------------------------------------------

def lse_rows(M):
    m = np.max(M, axis=1)
    return m + np.log(np.sum(np.exp(M - m[:, None]), axis=1))


def sinkhorn(C, a, b, eps, iters):
    f = np.zeros(a.shape[0])
    g = np.zeros(b.shape[0])
    la, lb = np.log(a), np.log(b)
    for _ in range(iters):
        f = eps * (la - lse_rows((g[None, :] - C) / eps))
        g = eps * (lb - lse_rows((f[:, None] - C).T / eps))
    P = np.exp((f[:, None] + g[None, :] - C) / eps)
    return np.sum(P * C)


def _softmax_rows(M):
    e = np.exp(M - np.max(M, axis=1)[:, None])
    return e / np.sum(e, axis=1)[:, None]


def sinkhorn_grad(C, a, b, eps, iters):
    f = np.zeros(a.shape[0])
    g = np.zeros(b.shape[0])
    la, lb = np.log(a), np.log(b)
    fs, gs = [], []
    for _ in range(iters):
        gs.append(g)
        f = eps * (la - lse_rows((g[None, :] - C) / eps))
        fs.append(f)
        g = eps * (lb - lse_rows((f[:, None] - C).T / eps))
    P = np.exp((f[:, None] + g[None, :] - C) / eps)
    PC = P * C / eps
    gC = P - PC
    gf, gg = np.sum(PC, axis=1), np.sum(PC, axis=0)
    gla = np.zeros_like(f)
    for k in reversed(range(iters)):
        # g = eps * (lb - lse over i of (f_i - C_ij) / eps): T[j, i] its softmax
        T = _softmax_rows((fs[k][:, None] - C).T / eps)
        gf = gf - T.T @ gg
        gC += (T * gg[:, None]).T
        # f = eps * (la - lse over j of (g_j - C_ij) / eps): S[i, j] its softmax
        S = _softmax_rows((gs[k][None, :] - C) / eps)
        gg = -(S.T @ gf)
        gC += S * gf[:, None]
        gla += eps * gf
        gf = np.zeros_like(gf)
    return gC, gla / a


def sinkhorn_args(size):
    n, m, iters = (64, 48, 30) if size == "full" else (4, 3, 3)
    r = _rng(602)
    x, y = r.random((n, 2)), r.random((m, 2))
    C = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1)
    a = 0.5 + r.random(n)
    b = 0.5 + r.random(m)
    return C, a / a.sum(), b / b.sum(), 0.1, iters


# ---------------------------------------------------------------------------
# forward kinematics of a planar arm, a batch of poses
# ---------------------------------------------------------------------------

def arm_fk(q, lengths, targets):
    poses, links = q.shape
    x = np.zeros(poses)
    y = np.zeros(poses)
    theta = np.zeros(poses)
    for i in range(links):
        theta = theta + q[:, i]
        x = x + lengths[i] * np.cos(theta)
        y = y + lengths[i] * np.sin(theta)
    return 0.5 * np.sum((x - targets[:, 0]) ** 2 + (y - targets[:, 1]) ** 2)


def arm_fk_grad(q, lengths, targets):
    poses, links = q.shape
    x = np.zeros(poses)
    y = np.zeros(poses)
    theta = np.zeros(poses)
    cs, ss = [], []
    for i in range(links):
        theta = theta + q[:, i]
        c, s = np.cos(theta), np.sin(theta)
        cs.append(c)
        ss.append(s)
        x = x + lengths[i] * c
        y = y + lengths[i] * s
    ex, ey = x - targets[:, 0], y - targets[:, 1]
    gq = np.empty_like(q)
    glengths = np.empty_like(lengths)
    gtheta = np.zeros(poses)
    for i in reversed(range(links)):
        c, s = cs[i], ss[i]
        glengths[i] = ex @ c + ey @ s
        gtheta = gtheta + lengths[i] * (ey * c - ex * s)
        gq[:, i] = gtheta
    return gq, glengths


def arm_fk_args(size):
    poses, links = (200, 30) if size == "full" else (3, 4)
    r = _rng(603)
    lengths = 0.5 + r.random(links)
    return (0.3 * r.standard_normal((poses, links)), lengths,
            r.standard_normal((poses, 2)) * lengths.sum() / 3)


# ---------------------------------------------------------------------------
# Lotka-Volterra by fixed-step RK4, a helper returning a tuple
# ---------------------------------------------------------------------------

def lv_rhs(x, y, theta):
    a, b, c, d = theta[0], theta[1], theta[2], theta[3]
    return a * x - b * x * y, d * x * y - c * y


def lotka_rk4(theta, z0, obs, dt):
    x, y = z0[0], z0[1]
    loss = 0.0
    for t in range(obs.shape[0]):
        k1x, k1y = lv_rhs(x, y, theta)
        k2x, k2y = lv_rhs(x + 0.5 * dt * k1x, y + 0.5 * dt * k1y, theta)
        k3x, k3y = lv_rhs(x + 0.5 * dt * k2x, y + 0.5 * dt * k2y, theta)
        k4x, k4y = lv_rhs(x + dt * k3x, y + dt * k3y, theta)
        x = x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        y = y + dt / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
        loss = loss + (np.log(x) - obs[t, 0]) ** 2 + (np.log(y) - obs[t, 1]) ** 2
    return loss


def _lv_vjp(x, y, theta, gx, gy):
    """(dx, dy, (da, db, dc, dd)) of ``lv_rhs`` at (x, y) against (gx, gy)."""
    a, b, c, d = theta[0], theta[1], theta[2], theta[3]
    return ((a - b * y) * gx + d * y * gy, -b * x * gx + (d * x - c) * gy,
            (x * gx, -x * y * gx, -y * gy, x * y * gy))


def lotka_rk4_grad(theta, z0, obs, dt):
    x, y = z0[0], z0[1]
    stages = []
    for _ in range(obs.shape[0]):
        k1x, k1y = lv_rhs(x, y, theta)
        s2 = (x + 0.5 * dt * k1x, y + 0.5 * dt * k1y)
        k2x, k2y = lv_rhs(s2[0], s2[1], theta)
        s3 = (x + 0.5 * dt * k2x, y + 0.5 * dt * k2y)
        k3x, k3y = lv_rhs(s3[0], s3[1], theta)
        s4 = (x + dt * k3x, y + dt * k3y)
        k4x, k4y = lv_rhs(s4[0], s4[1], theta)
        stages.append(((x, y), s2, s3, s4))
        x = x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        y = y + dt / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
        stages[-1] += ((x, y),)
    ga = gb = gc = gd = 0.0
    gx = gy = 0.0
    for t in reversed(range(obs.shape[0])):
        z1, s2, s3, s4, (xn, yn) = stages[t]
        gx = gx + 2.0 * (np.log(xn) - obs[t, 0]) / xn
        gy = gy + 2.0 * (np.log(yn) - obs[t, 1]) / yn
        g1x, g1y = dt / 6.0 * gx, dt / 6.0 * gy
        g2x, g2y = dt / 3.0 * gx, dt / 3.0 * gy
        g3x, g3y, g4x, g4y = g2x, g2y, g1x, g1y
        hx, hy, (da, db, dc, dd) = _lv_vjp(s4[0], s4[1], theta, g4x, g4y)  # z + dt k3
        ga, gb, gc, gd = ga + da, gb + db, gc + dc, gd + dd
        gx, gy, g3x, g3y = gx + hx, gy + hy, g3x + dt * hx, g3y + dt * hy
        hx, hy, (da, db, dc, dd) = _lv_vjp(s3[0], s3[1], theta, g3x, g3y)  # z + dt/2 k2
        ga, gb, gc, gd = ga + da, gb + db, gc + dc, gd + dd
        gx, gy, g2x, g2y = gx + hx, gy + hy, g2x + 0.5 * dt * hx, g2y + 0.5 * dt * hy
        hx, hy, (da, db, dc, dd) = _lv_vjp(s2[0], s2[1], theta, g2x, g2y)  # z + dt/2 k1
        ga, gb, gc, gd = ga + da, gb + db, gc + dc, gd + dd
        gx, gy, g1x, g1y = gx + hx, gy + hy, g1x + 0.5 * dt * hx, g1y + 0.5 * dt * hy
        hx, hy, (da, db, dc, dd) = _lv_vjp(z1[0], z1[1], theta, g1x, g1y)
        ga, gb, gc, gd = ga + da, gb + db, gc + dc, gd + dd
        gx, gy = gx + hx, gy + hy
    return np.array([ga, gb, gc, gd]), np.array([gx, gy])


def lotka_rk4_args(size):
    steps = 200 if size == "full" else 4
    r = _rng(604)
    t = 0.05 * np.arange(1, steps + 1)
    obs = np.stack([np.log(1.0 + 0.3 * np.sin(t)), np.log(0.5 + 0.2 * np.cos(t))], axis=1)
    obs = obs + 0.05 * r.standard_normal(obs.shape)
    return np.array([1.0, 0.4, 0.8, 0.3]), np.array([1.0, 0.5]), obs, 0.05


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "cox_ph", "title": "Cox partial likelihood: risk sets as prefixes, "
     "np.log(np.cumsum(np.exp(risk))), L2", "func": cox_ph, "hand_grad": cox_ph_grad,
     "make_args": cox_ph_args, "wrt": (0,),
     "sizes": {"full": "5000 x 20", "smoke": "7 x 3"}},
    {"name": "sinkhorn", "title": "entropic optimal transport: log-domain Sinkhorn "
     "iterations by a log-sum-exp helper over rows", "func": sinkhorn,
     "hand_grad": sinkhorn_grad, "make_args": sinkhorn_args, "wrt": (0, 1),
     "sizes": {"full": "64 x 48, 30 iterations", "smoke": "4 x 3, 3 iterations"}},
    {"name": "arm_fk", "title": "planar arm forward kinematics for a batch of poses: a "
     "loop over links accumulating angles, q[:, i]", "func": arm_fk,
     "hand_grad": arm_fk_grad, "make_args": arm_fk_args, "wrt": (0, 1),
     "sizes": {"full": "200 poses, 30 links", "smoke": "3 poses, 4 links"}},
    {"name": "lotka_rk4", "title": "Lotka-Volterra by RK4 steps of a helper returning a "
     "tuple, theta[0] reads, log-scale error every step", "func": lotka_rk4,
     "hand_grad": lotka_rk4_grad, "make_args": lotka_rk4_args, "wrt": (0, 1),
     "sizes": {"full": "200 steps", "smoke": "4 steps"}},
]
