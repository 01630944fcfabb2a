"""Benchmark problems 136-145 (session 52): ten more kinds of code, written as users write
them:

* ``hmc_leapfrog``: a Hamiltonian Monte Carlo trajectory's energy error: leapfrog steps of
  a Bayesian logistic regression's potential, its gradient written by hand in a helper, an
  ``if`` skipping the last full momentum step, differentiated wrt the start and the step;
* ``redblack_poisson``: red-black Gauss-Seidel sweeps of a 2-D Poisson problem written in
  place on strided slices ``u[1:-1:2, 1:-1:2] = ...``, the fit differentiated wrt the source;
* ``black_litterman``: Black-Litterman posterior returns (``np.linalg.inv``, ``np.diag``,
  three solves), mean-variance weights, the test-period utility wrt the views and their
  log-uncertainties;
* ``robertson_newton``: Robertson's stiff kinetics by implicit Euler, each step a Newton
  ``while`` loop on a 3 x 3 Jacobian built by ``np.array`` of scalars, wrt the log rates;
* ``cartpole_mpc``: a cart-pole's control cost: a step helper unpacking the state by
  ``x, xd, th, thd = s`` and rebuilding it by ``np.array``, a loop over the forces ``u[t]``;
* ``pinn_ode``: a physics-informed network: a tanh MLP of time and its time derivative
  written out by the chain rule, the ODE residual and an initial condition;
* ``kernel_ridge_loo``: kernel ridge regression's leave-one-out error by the closed form
  ``(A^-1 y) / diag(A^-1)`` with ``np.linalg.inv``, wrt the log length scale and penalty;
* ``kabsch_rmsd``: mean squared deviation of trajectory frames after optimal superposition
  (Kabsch: ``np.linalg.svd``, a reflection fixed by the sign of ``np.linalg.det``);
* ``sparsemax_reg``: a linear model's sparsemax loss (a sort, ``np.cumsum``, the support
  size by a boolean sum, the threshold ``cs[np.arange(n), k - 1]``, ``np.where`` on it);
* ``triplet_hard``: batch-hard triplet loss: tanh embeddings, pairwise distances, hardest
  positive and negative by ``np.max``/``np.min`` of ``np.where`` masks, a soft margin.

The hand-written gradients are what an expert writes: the leapfrog reversed with the
potential's Hessian-vector products, the red-black sweeps' adjoint sweeps in reverse order,
the Black-Litterman posterior's adjoint by solves with the symmetric systems, the implicit
steps' adjoints by the implicit function theorem (one transposed solve per step, not the
Newton iterations), the cart-pole's backward pass by the step's partial derivatives, the
PINN's backward through both the network and its derivative, the leave-one-out error's
adjoint through the inverse, the superposition by the envelope theorem (the rotation is
optimal, so its derivative does not enter), the sparsemax loss's gradient (sparsemax minus
one-hot), the soft triplet margin at the picked pairs.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np

from benchmarks import problems_unseen17_torch as pt
from benchmarks.specs import spec_of


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# Hamiltonian Monte Carlo: a leapfrog trajectory's energy error
# ---------------------------------------------------------------------------

def _potential(q, X, y):
    z = X @ q
    return np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(q ** 2)


def _potential_grad(q, X, y):
    s = 1.0 / (1.0 + np.exp(-(X @ q)))
    return X.T @ (s - y) + q


def hmc_leapfrog(q0, log_eps, p0, X, y, n_steps):
    eps = np.exp(log_eps)
    q = q0
    p = p0 - 0.5 * eps * _potential_grad(q, X, y)
    for i in range(n_steps):
        q = q + eps * p
        if i < n_steps - 1:
            p = p - eps * _potential_grad(q, X, y)
    p = p - 0.5 * eps * _potential_grad(q, X, y)
    H0 = _potential(q0, X, y) + 0.5 * np.sum(p0 ** 2)
    H1 = _potential(q, X, y) + 0.5 * np.sum(p ** 2)
    return (H1 - H0) ** 2


def _hvp(s, X, v):
    """The potential's Hessian (X' diag(s (1 - s)) X + I) times v."""
    return X.T @ (s * (1.0 - s) * (X @ v)) + v


def hmc_leapfrog_grad(q0, log_eps, p0, X, y, n_steps):
    eps = np.exp(log_eps)
    qs, ps, ss = [q0], [], []
    s = 1.0 / (1.0 + np.exp(-(X @ q0)))
    ss.append(s)
    p = p0 - 0.5 * eps * (X.T @ (s - y) + q0)
    q = q0
    for i in range(n_steps):
        ps.append(p)
        q = q + eps * p
        qs.append(q)
        s = 1.0 / (1.0 + np.exp(-(X @ q)))
        ss.append(s)
        if i < n_steps - 1:
            p = p - eps * (X.T @ (s - y) + q)
    gU = X.T @ (s - y) + q
    p = p - 0.5 * eps * gU
    dH = _potential(q, X, y) + 0.5 * p @ p - _potential(q0, X, y) - 0.5 * p0 @ p0
    scale = 2.0 * dH
    bq, bp = scale * gU, scale * p
    b_eps = -0.5 * gU @ bp
    bq = bq - 0.5 * eps * _hvp(s, X, bp)
    for i in range(n_steps - 1, -1, -1):
        if i < n_steps - 1:
            g = X.T @ (ss[i + 1] - y) + qs[i + 1]
            b_eps -= g @ bp
            bq = bq - eps * _hvp(ss[i + 1], X, bp)
        b_eps += ps[i] @ bq
        bp = bp + eps * bq
    g0 = X.T @ (ss[0] - y) + q0
    b_eps -= 0.5 * g0 @ bp
    bq = bq - 0.5 * eps * _hvp(ss[0], X, bp) - scale * g0
    return bq, b_eps * eps


def hmc_leapfrog_args(size):
    n, d, L = (2000, 30, 40) if size == "full" else (10, 3, 4)
    r = _rng(1701)
    X = r.standard_normal((n, d)) / np.sqrt(d)
    w = r.standard_normal(d)
    y = (r.random(n) < 1.0 / (1.0 + np.exp(-X @ w))).astype(float)
    return (0.3 * r.standard_normal(d), float(np.log(0.05 if size == "full" else 0.2)),
            r.standard_normal(d), X, y, L)


# ---------------------------------------------------------------------------
# red-black Gauss-Seidel on a 2-D Poisson problem, in place on strided slices
# ---------------------------------------------------------------------------

def redblack_poisson(f, target, n_sweeps):
    n = f.shape[0]
    h2 = (1.0 / (n - 1)) ** 2
    u = np.zeros((n, n))
    for _ in range(n_sweeps):
        # red points: i + j even
        u[1:-1:2, 1:-1:2] = 0.25 * (u[0:-2:2, 1:-1:2] + u[2::2, 1:-1:2] + u[1:-1:2, 0:-2:2]
                                    + u[1:-1:2, 2::2] + h2 * f[1:-1:2, 1:-1:2])
        u[2:-1:2, 2:-1:2] = 0.25 * (u[1:-2:2, 2:-1:2] + u[3::2, 2:-1:2] + u[2:-1:2, 1:-2:2]
                                    + u[2:-1:2, 3::2] + h2 * f[2:-1:2, 2:-1:2])
        # black points: i + j odd
        u[1:-1:2, 2:-1:2] = 0.25 * (u[0:-2:2, 2:-1:2] + u[2::2, 2:-1:2] + u[1:-1:2, 1:-2:2]
                                    + u[1:-1:2, 3::2] + h2 * f[1:-1:2, 2:-1:2])
        u[2:-1:2, 1:-1:2] = 0.25 * (u[1:-2:2, 1:-1:2] + u[3::2, 1:-1:2] + u[2:-1:2, 0:-2:2]
                                    + u[2:-1:2, 2::2] + h2 * f[2:-1:2, 1:-1:2])
    return 0.5 * np.sum((u - target) ** 2) + 1e-6 * np.sum(f ** 2)


# the four colour blocks of one sweep: (rows, columns) of the points written, in order
_BLOCKS = ((1, 1), (2, 2), (1, 2), (2, 1))


def redblack_poisson_grad(f, target, n_sweeps):
    n = f.shape[0]
    h2 = (1.0 / (n - 1)) ** 2
    u = np.zeros((n, n))
    for _ in range(n_sweeps):
        for i0, j0 in _BLOCKS:
            ri, rj = slice(i0, n - 1, 2), slice(j0, n - 1, 2)
            u[ri, rj] = 0.25 * (u[i0 - 1:n - 2:2, rj] + u[i0 + 1:n:2, rj] + u[ri, j0 - 1:n - 2:2]
                                + u[ri, j0 + 1:n:2] + h2 * f[ri, rj])
    bu = u - target
    bf = 2e-6 * f
    for _ in range(n_sweeps):
        for i0, j0 in reversed(_BLOCKS):
            ri, rj = slice(i0, n - 1, 2), slice(j0, n - 1, 2)
            b = 0.25 * bu[ri, rj]
            bu[ri, rj] = 0.0
            bf[ri, rj] += h2 * b
            bu[i0 - 1:n - 2:2, rj] += b
            bu[i0 + 1:n:2, rj] += b
            bu[ri, j0 - 1:n - 2:2] += b
            bu[ri, j0 + 1:n:2] += b
    return (bf,)


def redblack_poisson_args(size):
    n, sweeps = (129, 60) if size == "full" else (7, 3)
    r = _rng(1702)
    xs = np.linspace(0.0, 1.0, n)
    f = 20.0 * np.outer(np.sin(np.pi * xs), np.sin(2 * np.pi * xs)) + r.standard_normal((n, n))
    target = 0.05 * np.outer(np.sin(np.pi * xs), np.sin(np.pi * xs))
    return f, target, sweeps


# ---------------------------------------------------------------------------
# Black-Litterman posterior returns and mean-variance weights
# ---------------------------------------------------------------------------

def black_litterman(q, log_omega, Sigma, P, w_mkt, R_test, delta, tau):
    pi = delta * Sigma @ w_mkt
    Omega_inv = np.diag(np.exp(-log_omega))
    A = np.linalg.inv(tau * Sigma) + P.T @ Omega_inv @ P
    b = np.linalg.solve(tau * Sigma, pi) + P.T @ Omega_inv @ q
    mu = np.linalg.solve(A, b)
    w = np.linalg.solve(delta * Sigma, mu)
    ret = R_test @ w
    return -np.mean(ret) + 0.5 * delta * np.var(ret)


def black_litterman_grad(q, log_omega, Sigma, P, w_mkt, R_test, delta, tau):
    omega_inv = np.exp(-log_omega)
    A = np.linalg.inv(tau * Sigma) + P.T @ (omega_inv[:, None] * P)
    b = (delta / tau) * w_mkt + P.T @ (omega_inv * q)
    mu = np.linalg.solve(A, b)
    w = np.linalg.solve(delta * Sigma, mu)
    ret = R_test @ w
    T = ret.shape[0]
    g_w = R_test.T @ ((-1.0 + delta * (ret - np.mean(ret))) / T)
    g_b = np.linalg.solve(A, np.linalg.solve(delta * Sigma, g_w))  # A, Sigma symmetric
    Pg = P @ g_b
    return omega_inv * Pg, -omega_inv * Pg * (q - P @ mu)


def black_litterman_args(size):
    n, k, T = (150, 20, 500) if size == "full" else (5, 2, 8)
    r = _rng(1703)
    F = r.standard_normal((n, 3)) * 0.1
    Sigma = F @ F.T + np.diag(0.01 + 0.02 * r.random(n))
    P = np.zeros((k, n))
    for j in range(k):
        a, c = r.choice(n, 2, replace=False)
        P[j, a], P[j, c] = 1.0, -1.0
    w_mkt = r.random(n)
    w_mkt /= np.sum(w_mkt)
    R_test = 0.01 + r.standard_normal((T, n)) @ np.linalg.cholesky(Sigma).T
    return (0.02 * r.standard_normal(k), np.log(0.001 + 0.01 * r.random(k)), Sigma, P, w_mkt,
            R_test, 2.5, 0.05)


# ---------------------------------------------------------------------------
# Robertson's stiff kinetics: implicit Euler, a Newton while loop per step
# ---------------------------------------------------------------------------

def _robertson_rhs(y, k1, k2, k3):
    return np.array([-k1 * y[0] + k3 * y[1] * y[2],
                     k1 * y[0] - k2 * y[1] ** 2 - k3 * y[1] * y[2],
                     k2 * y[1] ** 2])


def _robertson_jac(y, k1, k2, k3):
    return np.array([[-k1, k3 * y[2], k3 * y[1]],
                     [k1, -2.0 * k2 * y[1] - k3 * y[2], -k3 * y[1]],
                     [0.0, 2.0 * k2 * y[1], 0.0]])


def robertson_newton(log_k, y0, obs, h):
    k1, k2, k3 = np.exp(log_k[0]), np.exp(log_k[1]), np.exp(log_k[2])
    y = y0
    loss = 0.0
    for t in range(obs.shape[0]):
        y_prev = y
        dy = np.ones(3)
        while np.max(np.abs(dy)) > 1e-13:
            G = y - y_prev - h * _robertson_rhs(y, k1, k2, k3)
            J = np.eye(3) - h * _robertson_jac(y, k1, k2, k3)
            dy = np.linalg.solve(J, G)
            y = y - dy
        loss = loss + np.sum((np.log(y[:2]) - obs[t]) ** 2)
    return loss


def robertson_newton_grad(log_k, y0, obs, h):
    k1, k2, k3 = np.exp(log_k)
    ys, y = [], y0
    for _ in range(obs.shape[0]):
        y_prev, dy = y, np.ones(3)
        while np.max(np.abs(dy)) > 1e-13:
            dy = np.linalg.solve(np.eye(3) - h * _robertson_jac(y, k1, k2, k3),
                                 y - y_prev - h * _robertson_rhs(y, k1, k2, k3))
            y = y - dy
        ys.append(y)
    g_k = np.zeros(3)
    by = np.zeros(3)
    for t in range(obs.shape[0] - 1, -1, -1):
        y = ys[t]
        by[:2] += 2.0 * (np.log(y[:2]) - obs[t]) / y[:2]
        lam = np.linalg.solve((np.eye(3) - h * _robertson_jac(y, k1, k2, k3)).T, by)
        # d rhs / d k_j at y, times k_j (log rates)
        f_k = np.array([[-y[0], 0.0, y[1] * y[2]],
                        [y[0], -y[1] ** 2, -y[1] * y[2]],
                        [0.0, y[1] ** 2, 0.0]]) * np.array([k1, k2, k3])
        g_k += h * (f_k.T @ lam)
        by = lam
    return (g_k,)


def robertson_newton_args(size):
    n_steps = 120 if size == "full" else 6
    r = _rng(1704)
    log_k = np.log([0.04, 3e7, 1e4])
    obs = np.log(np.abs(r.normal([[0.9, 2e-5]], [[0.05, 1e-5]], (n_steps, 2))))
    return log_k, np.array([1.0, 0.0, 0.0]), obs, 0.05


# ---------------------------------------------------------------------------
# a cart-pole's control cost: the state unpacked and rebuilt each step
# ---------------------------------------------------------------------------

M_CART, M_POLE, POLE_LEN, GRAVITY = 1.0, 0.1, 0.5, 9.8


def _cartpole_step(s, force, dt):
    x, xd, th, thd = s
    sin, cos = np.sin(th), np.cos(th)
    m_total = M_CART + M_POLE
    temp = (force + M_POLE * POLE_LEN * thd ** 2 * sin) / m_total
    th_acc = (GRAVITY * sin - cos * temp) / (POLE_LEN * (4.0 / 3.0 - M_POLE * cos ** 2 / m_total))
    x_acc = temp - M_POLE * POLE_LEN * th_acc * cos / m_total
    return np.array([x + dt * xd, xd + dt * x_acc, th + dt * thd, thd + dt * th_acc])


def cartpole_mpc(u, s0, target, weights, dt):
    s = s0
    cost = 0.0
    for t in range(u.shape[0]):
        s = _cartpole_step(s, u[t], dt)
        cost = cost + np.sum(weights * (s - target) ** 2) + 0.01 * u[t] ** 2
    return cost


def cartpole_mpc_grad(u, s0, target, weights, dt):
    T = u.shape[0]
    S = np.empty((T + 1, 4))
    S[0] = s0
    for t in range(T):
        S[t + 1] = _cartpole_step(S[t], u[t], dt)
    mt, ml = M_CART + M_POLE, M_POLE * POLE_LEN
    x, xd, th, thd = S[:-1].T  # the states each step starts from
    sin, cos = np.sin(th), np.cos(th)
    temp = (u + ml * thd ** 2 * sin) / mt
    den = POLE_LEN * (4.0 / 3.0 - M_POLE * cos ** 2 / mt)
    th_acc = (GRAVITY * sin - cos * temp) / den
    g_u = 0.02 * u
    b = np.zeros(4)
    for t in range(T - 1, -1, -1):
        b = b + 2.0 * weights * (S[t + 1] - target)
        b_xacc, b_thacc = dt * b[1], dt * b[3]
        b_temp = b_xacc
        b_thacc = b_thacc - ml * cos[t] / mt * b_xacc
        b_cos = -ml * th_acc[t] / mt * b_xacc
        b_num = b_thacc / den[t]
        b_den = -b_thacc * th_acc[t] / den[t]
        b_sin = GRAVITY * b_num
        b_cos += -temp[t] * b_num - 2.0 * POLE_LEN * M_POLE * cos[t] / mt * b_den
        b_temp += -cos[t] * b_num
        g_u[t] += b_temp / mt
        b_sin += b_temp * ml * thd[t] ** 2 / mt
        b = np.array([b[0], dt * b[0] + b[1], b[2] + b_sin * cos[t] - b_cos * sin[t],
                      dt * b[2] + b[3] + b_temp * 2.0 * ml * thd[t] * sin[t] / mt])
    return (g_u,)


def cartpole_mpc_args(size):
    T = 400 if size == "full" else 6
    r = _rng(1705)
    return (0.5 * r.standard_normal(T), np.array([0.0, 0.0, 0.2, 0.0]), np.zeros(4),
            np.array([1.0, 0.1, 10.0, 0.1]), 0.02)


# ---------------------------------------------------------------------------
# a physics-informed network: the MLP's time derivative by the chain rule
# ---------------------------------------------------------------------------

def pinn_ode(W1, b1, w2, b2, t, k):
    h = np.tanh(np.outer(t, W1) + b1)
    u = h @ w2 + b2
    du = ((1.0 - h ** 2) * W1) @ w2
    r = du + k * u - np.cos(t)
    u0 = np.tanh(b1) @ w2 + b2
    return np.mean(r ** 2) + (u0 - 1.0) ** 2


def pinn_ode_grad(W1, b1, w2, b2, t, k):
    h = np.tanh(np.outer(t, W1) + b1)
    s = 1.0 - h ** 2
    sW = s * W1
    u = h @ w2 + b2
    r = sW @ w2 + k * u - np.cos(t)
    h0 = np.tanh(b1)
    b_u0 = 2.0 * (h0 @ w2 + b2 - 1.0)
    b_r = (2.0 / t.shape[0]) * r
    b_u = k * b_r
    g_w2 = h.T @ b_u + sW.T @ b_r + b_u0 * h0
    g_b2 = np.sum(b_u) + b_u0
    b_sW = np.outer(b_r, w2)
    b_h = np.outer(b_u, w2) - 2.0 * h * (b_sW * W1)
    b_z = b_h * s
    g_W1 = np.sum(s * b_sW, axis=0) + t @ b_z
    g_b1 = np.sum(b_z, axis=0) + b_u0 * w2 * (1.0 - h0 ** 2)
    return g_W1, g_b1, g_w2, g_b2


def pinn_ode_args(size):
    n, H = (4000, 64) if size == "full" else (7, 3)
    r = _rng(1706)
    return (r.standard_normal(H), r.standard_normal(H), r.standard_normal(H) / np.sqrt(H),
            0.1, np.linspace(0.0, 3.0, n), 0.7)


# ---------------------------------------------------------------------------
# kernel ridge regression: the closed-form leave-one-out error
# ---------------------------------------------------------------------------

def kernel_ridge_loo(log_params, X, y):
    ell, lam = np.exp(log_params[0]), np.exp(log_params[1])
    sq = np.sum(X ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * X @ X.T
    K = np.exp(-0.5 * D / ell ** 2)
    A_inv = np.linalg.inv(K + lam * np.eye(X.shape[0]))
    loo = (A_inv @ y) / np.diag(A_inv)
    return np.mean(loo ** 2)


def kernel_ridge_loo_grad(log_params, X, y):
    ell, lam = np.exp(log_params)
    sq = np.sum(X ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * X @ X.T
    K = np.exp(-0.5 * D / ell ** 2)
    C = np.linalg.inv(K + lam * np.eye(X.shape[0]))
    alpha, d = C @ y, np.diag(C)
    n = y.shape[0]
    b_alpha = 2.0 * alpha / (n * d ** 2)
    b_d = -2.0 * alpha ** 2 / (n * d ** 3)
    b_A = -np.outer(C @ b_alpha, alpha) - (C * b_d) @ C  # -C (b_alpha y' + diag(b_d)) C
    return (np.array([np.sum(b_A * K * D) / ell ** 2, lam * np.trace(b_A)]),)


def kernel_ridge_loo_args(size):
    n, d = (400, 5) if size == "full" else (8, 2)
    r = _rng(1707)
    X = r.standard_normal((n, d))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] + 0.1 * r.standard_normal(n)
    return np.array([np.log(1.2), np.log(0.1)]), X, y


# ---------------------------------------------------------------------------
# Kabsch superposition of trajectory frames
# ---------------------------------------------------------------------------

def kabsch_rmsd(frames, ref):
    Q = ref - np.mean(ref, axis=0)
    total = 0.0
    for f in range(frames.shape[0]):
        P = frames[f] - np.mean(frames[f], axis=0)
        U, S, Vt = np.linalg.svd(P.T @ Q)
        d = np.sign(np.linalg.det(Vt.T @ U.T))
        R = Vt.T @ np.diag(np.array([1.0, 1.0, d])) @ U.T
        total = total + np.mean(np.sum((P @ R.T - Q) ** 2, axis=1))
    return total / frames.shape[0]


def kabsch_rmsd_grad(frames, ref):
    Q = ref - np.mean(ref, axis=0)
    scale = 2.0 / (frames.shape[0] * frames.shape[1])
    g = np.empty_like(frames)
    for f in range(frames.shape[0]):
        P = frames[f] - np.mean(frames[f], axis=0)
        U, S, Vt = np.linalg.svd(P.T @ Q)
        if np.linalg.det(Vt.T @ U.T) < 0.0:
            Vt[2] = -Vt[2]
        # envelope theorem: R is optimal, so only P's own appearance counts (P and Q
        # centred, so the centring adds nothing)
        g[f] = scale * (P - Q @ (Vt.T @ U.T))
    return (g,)


def kabsch_rmsd_args(size):
    F, n = (300, 60) if size == "full" else (3, 5)
    r = _rng(1708)
    ref = r.standard_normal((n, 3)) * 3.0
    frames = np.empty((F, n, 3))
    for f in range(F):
        A = np.linalg.qr(r.standard_normal((3, 3)))[0]
        frames[f] = ref @ A.T + 0.3 * r.standard_normal((n, 3)) + r.standard_normal(3)
    return frames, ref


# ---------------------------------------------------------------------------
# sparsemax regression
# ---------------------------------------------------------------------------

def _sparsemax(z):
    n, K = z.shape
    zs = -np.sort(-z, axis=1)
    cs = np.cumsum(zs, axis=1)
    ks = np.arange(1, K + 1)
    support = 1.0 + ks * zs > cs
    k = np.sum(support, axis=1)
    tau = (cs[np.arange(n), k - 1] - 1.0) / k
    return np.maximum(z - tau[:, None], 0.0)


def sparsemax_reg(W, X, labels):
    z = X @ W
    n, K = z.shape
    zs = -np.sort(-z, axis=1)
    cs = np.cumsum(zs, axis=1)
    support = 1.0 + np.arange(1, K + 1) * zs > cs
    k = np.sum(support, axis=1)
    tau = (cs[np.arange(n), k - 1] - 1.0) / k
    # the sparsemax loss (Martins & Astudillo 2016): its gradient is sparsemax(z) - onehot
    quad = np.sum(np.where(support, zs ** 2 - tau[:, None] ** 2, 0.0), axis=1)
    loss = -z[np.arange(n), labels] + 0.5 * quad + 0.5
    return np.mean(loss) + 1e-3 * np.sum(W ** 2)


def sparsemax_reg_grad(W, X, labels):
    z = X @ W
    g_z = _sparsemax(z)
    g_z[np.arange(z.shape[0]), labels] -= 1.0
    return (X.T @ (g_z / z.shape[0]) + 2e-3 * W,)


def sparsemax_reg_args(size):
    n, d, K = (5000, 30, 12) if size == "full" else (9, 3, 4)
    r = _rng(1709)
    X = r.standard_normal((n, d))
    labels = np.argmax(X @ r.standard_normal((d, K)) + r.standard_normal((n, K)), axis=1)
    return 0.5 * r.standard_normal((d, K)), X, labels


# ---------------------------------------------------------------------------
# batch-hard triplet loss
# ---------------------------------------------------------------------------

def triplet_hard(W, X, labels, margin):
    E = np.tanh(X @ W)
    sq = np.sum(E ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * E @ E.T
    same = labels[:, None] == labels[None, :]
    hardest_pos = np.max(np.where(same, D, -np.inf), axis=1)
    hardest_neg = np.min(np.where(same, np.inf, D), axis=1)
    return np.mean(np.logaddexp(0.0, margin + hardest_pos - hardest_neg))  # soft margin


def triplet_hard_grad(W, X, labels, margin):
    E = np.tanh(X @ W)
    sq = np.sum(E ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * E @ E.T
    same = labels[:, None] == labels[None, :]
    n = X.shape[0]
    rows = np.arange(n)
    pos = np.argmax(np.where(same, D, -np.inf), axis=1)
    neg = np.argmin(np.where(same, np.inf, D), axis=1)
    active = 1.0 / (1.0 + np.exp(-(margin + D[rows, pos] - D[rows, neg]))) / n
    # d D[i, j] / d E = 2 (E_i - E_j) at row i, -2 (E_i - E_j) at row j
    g_D = np.zeros((n, n))
    np.add.at(g_D, (rows, pos), active)
    np.add.at(g_D, (rows, neg), -active)
    G = g_D + g_D.T
    g_E = 2.0 * (np.sum(G, axis=1)[:, None] * E - G @ E)
    return (X.T @ (g_E * (1.0 - E ** 2)),)


def triplet_hard_args(size):
    n, d, m, c = (256, 32, 16, 8) if size == "full" else (8, 3, 2, 2)
    r = _rng(1710)
    labels = r.integers(0, c, n)
    centres = r.standard_normal((c, d))
    X = centres[labels] + 0.8 * r.standard_normal((n, d))
    return r.standard_normal((d, m)) / np.sqrt(d), X, labels, 0.5


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("hmc_leapfrog", "HMC leapfrog trajectory's squared energy error: a hand-written "
          "potential gradient in a helper, an if on the last step, wrt the start and log step",
          (0, 1), ("2000 x 30 logistic posterior, 40 steps", "10 x 3, 4")),
    _spec("redblack_poisson", "red-black Gauss-Seidel sweeps of 2-D Poisson in place on "
          "strided slices u[1:-1:2, 1:-1:2] = ..., wrt the source", (0,),
          ("129 x 129, 60 sweeps", "7 x 7, 3")),
    _spec("black_litterman", "Black-Litterman posterior by np.linalg.inv, np.diag and "
          "solves, mean-variance weights, test utility wrt views and log-uncertainties",
          (0, 1), ("150 assets, 20 views, 500 days", "5, 2, 8")),
    _spec("robertson_newton", "Robertson stiff kinetics by implicit Euler: a Newton while "
          "loop per step, a 3 x 3 Jacobian by np.array of scalars, wrt the log rates", (0,),
          ("120 steps", "6 steps")),
    _spec("cartpole_mpc", "cart-pole control cost: a step helper unpacking x, xd, th, thd = s "
          "and rebuilding np.array, a loop over u[t]", (0,), ("400 steps", "6 steps")),
    _spec("pinn_ode", "physics-informed network: a tanh MLP of time and its derivative by the "
          "chain rule, ODE residual and an initial condition", (0, 1, 2, 3),
          ("4000 points x 64 units", "7 x 3")),
    _spec("kernel_ridge_loo", "kernel ridge leave-one-out error (A^-1 y) / diag(A^-1) by "
          "np.linalg.inv, wrt the log length scale and penalty", (0,),
          ("400 x 5", "8 x 2")),
    _spec("kabsch_rmsd", "Kabsch superposition of trajectory frames: np.linalg.svd, the sign "
          "of np.linalg.det, a loop over frames", (0,), ("300 frames x 60 atoms", "3 x 5")),
    _spec("sparsemax_reg", "sparsemax regression: a sort, np.cumsum, the support by a "
          "boolean sum, cs[np.arange(n), k - 1], the sparsemax loss", (0,),
          ("5000 x 30 -> 12", "9 x 3 -> 4")),
    _spec("triplet_hard", "batch-hard triplet loss: tanh embeddings, pairwise distances, "
          "hardest pairs by np.max/np.min of np.where masks, softplus margin", (0,),
          ("256 x 32 -> 16, 8 classes", "8 x 3 -> 2")),
]
