"""PyTorch versions of the session-49 problems (``problems_unseen14.py``) that the
rebound function cannot run: torch has no ``scipy.linalg.solve_triangular``,
``np.fill_diagonal``, ``np.concatenate``/``np.triu`` or ``x.copy()`` under the NumPy
names ``runners._make_torch_np`` maps.  Each computes the same value as the NumPy
function, written as a PyTorch user would.
"""
from __future__ import annotations

import math


def gmm_chol_torch(means, raw_chol, logits, X):
    import torch

    K, D = means.shape
    log_w = torch.log_softmax(logits, dim=0)
    comps = []
    for k in range(K):
        L = torch.tril(raw_chol[k], -1) + torch.diag(torch.exp(torch.diagonal(raw_chol[k])))
        Z = torch.linalg.solve_triangular(L, (X - means[k]).T, upper=False)
        log_det = torch.sum(torch.diagonal(raw_chol[k]))
        comps.append(log_w[k] - 0.5 * torch.sum(Z ** 2, dim=0) - log_det
                     - 0.5 * D * math.log(2.0 * math.pi))
    return -torch.sum(torch.logsumexp(torch.stack(comps), dim=0))


def tsne_kl_torch(Y, P):
    import torch

    d2 = torch.sum((Y[:, None, :] - Y[None, :, :]) ** 2, dim=-1)
    n = Y.shape[0]
    W = (1.0 / (1.0 + d2)) * (1.0 - torch.eye(n, dtype=torch.float64))
    Q = W / torch.sum(W)
    return torch.sum(P * (torch.log(P + 1e-12) - torch.log(Q + 1e-12)))


def rope_attention_torch(Wq, Wk, Wv, X, Y):
    import torch

    T, d = X.shape[0], Wq.shape[1]
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    freqs = 1.0 / 10000.0 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = torch.arange(T, dtype=torch.float64)[:, None] * freqs
    cos, sin = torch.cos(angles), torch.sin(angles)

    def rotate(Z):
        Z1, Z2 = Z[:, ::2], Z[:, 1::2]
        return torch.cat([Z1 * cos - Z2 * sin, Z1 * sin + Z2 * cos], dim=1)

    S = rotate(Q) @ rotate(K).T / math.sqrt(d)
    S = S - 1e9 * torch.triu(torch.ones((T, T), dtype=torch.float64), 1)
    P = torch.softmax(S, dim=1)
    return torch.mean((P @ V - Y) ** 2)


def minmod_advection_torch(u0, c, target, n_steps):
    import torch

    u = u0.clone()
    n = u.shape[0]
    for _ in range(n_steps):
        s = torch.zeros(n, dtype=torch.float64)
        for i in range(n):
            a = u[i] - u[i - 1]
            b = u[(i + 1) % n] - u[i]
            if a * b > 0.0:
                s[i] = a if abs(a) < abs(b) else b
        flux = c * (u + 0.5 * (1.0 - c) * s)
        u = u - (flux - torch.roll(flux, 1))
    return torch.sum((u - target) ** 2)
