"""PyTorch versions of the session-50 problems (``problems_unseen16.py``) that the
rebound function cannot run: torch has no ``np.cross``, ``np.concatenate``, ``np.sign``
nor ``np.logaddexp`` under the NumPy names ``runners._make_torch_np`` maps.  Each
computes the same value as the NumPy function, written as a PyTorch user would.
"""
from __future__ import annotations


def bundle_adjust_torch(cams, points, cam_idx, pt_idx, obs):
    import torch

    c, P = cams[cam_idx], points[pt_idx]
    w = c[:, :3]
    theta = torch.sqrt(torch.sum(w ** 2, dim=1, keepdim=True))
    k = w / theta
    cos, sin = torch.cos(theta), torch.sin(theta)
    P_rot = (P * cos + torch.linalg.cross(k, P) * sin
             + k * torch.sum(k * P, dim=1, keepdim=True) * (1 - cos))
    P_cam = P_rot + c[:, 3:6]
    proj = c[:, 6:7] * P_cam[:, :2] / P_cam[:, 2:3]
    return 0.5 * torch.sum((proj - obs) ** 2)


def ray_render_torch(raw_sigma, raw_rgb, deltas, target):
    import torch

    tau = torch.nn.functional.softplus(raw_sigma) * deltas
    alpha = 1.0 - torch.exp(-tau)
    acc = torch.cumsum(tau, dim=1)
    zero = torch.zeros((tau.shape[0], 1), dtype=torch.float64)
    weights = alpha * torch.exp(-torch.cat([zero, acc[:, :-1]], dim=1))
    rgb = torch.sigmoid(raw_rgb)
    color = torch.sum(weights[:, :, None] * rgb, dim=1) + (1.0 - torch.sum(weights, dim=1))[:, None]
    return torch.mean((color - target) ** 2)


def ordinal_logit_torch(beta, raw_cuts, X, y):
    import torch

    n = X.shape[0]
    cuts = torch.cumsum(torch.cat([raw_cuts[:1], torch.exp(raw_cuts[1:])]), dim=0)
    F = torch.sigmoid(cuts[None, :] - (X @ beta)[:, None])
    F = torch.cat([torch.zeros((n, 1), dtype=torch.float64), F,
                   torch.ones((n, 1), dtype=torch.float64)], dim=1)
    rows = torch.arange(n)
    p = F[rows, y + 1] - F[rows, y]
    return -torch.sum(torch.log(p)) + 0.5 * torch.sum(beta ** 2)


def enet_logistic_torch(log_lams, X, y, X_val, y_val):
    import torch

    lam1, lam2 = torch.exp(log_lams[0]), torch.exp(log_lams[1])
    n = X.shape[0]
    step = 1.0 / (torch.sum(X ** 2) / (4.0 * n) + lam2)
    w = torch.zeros(X.shape[1], dtype=torch.float64)
    change, it = 1.0, 0
    while change > 1e-12 and it < 500:
        p = torch.sigmoid(X @ w)
        z = w - step * (X.T @ (p - y) / n + lam2 * w)
        w_new = torch.sign(z) * torch.clamp(torch.abs(z) - step * lam1, min=0.0)
        change = float(torch.max(torch.abs(w_new - w)).detach())
        w = w_new
        it += 1
    s = X_val @ w
    return torch.mean(torch.nn.functional.softplus(s) - y_val * s)
