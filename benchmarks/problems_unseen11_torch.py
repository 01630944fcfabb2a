"""PyTorch versions of the session-47 problems (``problems_unseen11.py``) that the
rebound function cannot run: torch has no ``np.column_stack``, ``np.searchsorted`` of
NumPy's signature, ``np.diff``, ``np.clip``, ``np.add.at`` or ``np.linalg.qr`` under the
NumPy names ``runners._make_torch_np`` maps.  Each computes the same value as the NumPy
function, written as a PyTorch user would.
"""
from __future__ import annotations


def _logistic_curve(p, t):
    import torch

    return p[0] / (1.0 + torch.exp(-p[1] * (t - p[2])))


def lm_fit_torch(theta, y, t, t_val, y_val, n_iter):
    import torch

    lam = 1.0
    r = _logistic_curve(theta, t) - y
    cost = torch.sum(r ** 2)
    for _ in range(n_iter):
        K, rate, t0 = theta[0], theta[1], theta[2]
        s = torch.sigmoid(rate * (t - t0))
        ds = s * (1.0 - s)
        J = torch.stack([s, K * ds * (t - t0), -K * rate * ds], dim=1)
        A = J.T @ J
        step = torch.linalg.solve(A + lam * torch.diag(torch.diag(A)), J.T @ r)
        trial = theta - step
        r_trial = _logistic_curve(trial, t) - y
        c_trial = torch.sum(r_trial ** 2)
        if c_trial < cost:
            theta, r, cost = trial, r_trial, c_trial
            lam = lam / 3.0
        else:
            lam = lam * 4.0
    return 0.5 * torch.mean((_logistic_curve(theta, t_val) - y_val) ** 2)


def cubic_spline_torch(yk, xq, xk, target):
    import torch

    n = xk.shape[0]
    h = torch.diff(xk)
    A = torch.diag(2.0 * (h[:-1] + h[1:])) + torch.diag(h[1:-1], 1) + torch.diag(h[1:-1], -1)
    d = 6.0 * ((yk[2:] - yk[1:-1]) / h[1:] - (yk[1:-1] - yk[:-2]) / h[:-1])
    zero = torch.zeros(1, dtype=torch.float64)
    M = torch.cat([zero, torch.linalg.solve(A, d), zero])
    i = torch.clamp(torch.searchsorted(xk, xq) - 1, 0, n - 2)
    hi = h[i]
    a = (xk[i + 1] - xq) / hi
    b = (xq - xk[i]) / hi
    s = a * yk[i] + b * yk[i + 1] + ((a ** 3 - a) * M[i] + (b ** 3 - b) * M[i + 1]) * hi ** 2 / 6.0
    return torch.mean((s - target) ** 2)


def cloth_torch(k, v0, x0, ei, ej, rest, free, target, dt, n_steps):
    import torch

    x, v = x0, v0
    gravity = torch.tensor([0.0, 0.0, -9.8], dtype=torch.float64)
    for _ in range(n_steps):
        d = x[ej] - x[ei]
        L = torch.sqrt(torch.sum(d * d, dim=1))
        f = (k * (L - rest) / L)[:, None] * d
        F = torch.zeros_like(x).index_add(0, ei, f).index_add(0, ej, -f)
        v = 0.99 * (v + dt * (F + gravity)) * free[:, None]
        x = x + dt * v
    return torch.sum((x - target) ** 2)


def qr_lstsq_torch(A, b, A_val, b_val, alpha):
    import torch

    Q, R = torch.linalg.qr(A)
    coef = torch.linalg.solve(R, Q.T @ b)
    resid = b - A @ coef
    return torch.mean((A_val @ coef - b_val) ** 2) + alpha * torch.mean(resid ** 2)
