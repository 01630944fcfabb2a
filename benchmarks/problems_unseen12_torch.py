"""PyTorch versions of the session-48 problems (``problems_unseen12.py``) that the
rebound function cannot run: torch has no ``np.sign``, ``np.sort(axis=)``, ``np.diff``,
``np.fft.rfft`` or ``np.linalg.norm(axis=, keepdims=)`` under the NumPy names
``runners._make_torch_np`` maps.  Each computes the same value as the NumPy function,
written as a PyTorch user would.
"""
from __future__ import annotations


def ista_lasso_torch(log_lam, y, X, X_val, y_val, step, n_iter):
    import torch

    lam = torch.exp(log_lam)
    w = torch.zeros(X.shape[1], dtype=torch.float64)
    for _ in range(n_iter):
        z = w - step * (X.T @ (X @ w - y))
        w = torch.sign(z) * torch.clamp(torch.abs(z) - step * lam, min=0.0)
    return 0.5 * torch.mean((X_val @ w - y_val) ** 2)


def sliced_w2_torch(A, b, Z, Y, dirs):
    import torch

    X = Z @ A + b
    px = torch.sort(X @ dirs, dim=0).values
    py = torch.sort(Y @ dirs, dim=0).values
    return torch.mean((px - py) ** 2)


def whittaker_torch(f, log_lam, y, w, delta):
    import torch

    lam = torch.exp(log_lam)
    r = (f - y) / delta
    fit = delta ** 2 * torch.sum(w * (torch.sqrt(1.0 + r ** 2) - 1.0))
    d2 = torch.diff(torch.diff(f))
    return fit + lam * torch.sum(d2 ** 2)


def tv_denoise_torch(u, f, lam, eps):
    import torch

    gx = torch.diff(u, dim=0)
    gy = torch.diff(u, dim=1)
    tv = torch.sum(torch.sqrt(gx[:, :-1] ** 2 + gy[:-1, :] ** 2 + eps))
    return 0.5 * torch.sum((u - f) ** 2) + lam * tv


def spectrum_match_torch(x, window, log_target):
    import torch

    X = torch.fft.rfft(x * window, dim=-1)
    P = torch.abs(X) ** 2 / x.shape[-1]
    return torch.mean((torch.log(P + 1e-6) - log_target) ** 2)


def infonce_torch(W, log_tau, Xa, Xb):
    import torch

    za = torch.tanh(Xa @ W)
    zb = torch.tanh(Xb @ W)
    za = za / torch.linalg.norm(za, dim=1, keepdim=True)
    zb = zb / torch.linalg.norm(zb, dim=1, keepdim=True)
    S = za @ zb.T / torch.exp(log_tau)
    return torch.mean(torch.logsumexp(S, dim=1) - torch.diag(S))
