"""PyTorch versions of the session-52 problems (``problems_unseen17.py``) that the
rebound function cannot run: torch has no ``np.logaddexp``, ``np.linalg.svd``,
``np.linalg.det`` nor ``np.sort`` (with NumPy's results) under the NumPy names
``runners._make_torch_np`` maps.  Each computes the same value as the NumPy function,
written as a PyTorch user would.
"""
from __future__ import annotations


def _potential_torch(q, X, y):
    import torch

    z = X @ q
    return torch.sum(torch.logaddexp(torch.zeros_like(z), z) - y * z) + 0.5 * torch.sum(q ** 2)


def _potential_grad_torch(q, X, y):
    import torch

    return X.T @ (1.0 / (1.0 + torch.exp(-(X @ q))) - y) + q


def hmc_leapfrog_torch(q0, log_eps, p0, X, y, n_steps):
    import torch

    eps = torch.exp(torch.as_tensor(log_eps, dtype=torch.float64))
    q = q0
    p = p0 - 0.5 * eps * _potential_grad_torch(q, X, y)
    for i in range(n_steps):
        q = q + eps * p
        if i < n_steps - 1:
            p = p - eps * _potential_grad_torch(q, X, y)
    p = p - 0.5 * eps * _potential_grad_torch(q, X, y)
    H0 = _potential_torch(q0, X, y) + 0.5 * torch.sum(p0 ** 2)
    H1 = _potential_torch(q, X, y) + 0.5 * torch.sum(p ** 2)
    return (H1 - H0) ** 2


def kabsch_rmsd_torch(frames, ref):
    import torch

    Q = ref - torch.mean(ref, dim=0)
    total = 0.0
    for f in range(frames.shape[0]):
        P = frames[f] - torch.mean(frames[f], dim=0)
        U, S, Vt = torch.linalg.svd(P.T @ Q)
        d = torch.sign(torch.linalg.det(Vt.T @ U.T))
        D = torch.diag(torch.stack([torch.ones_like(d), torch.ones_like(d), d]))
        R = Vt.T @ D @ U.T
        total = total + torch.mean(torch.sum((P @ R.T - Q) ** 2, dim=1))
    return total / frames.shape[0]


def sparsemax_reg_torch(W, X, labels):
    import torch

    z = X @ W
    n, K = z.shape
    zs = torch.sort(z, dim=1, descending=True).values
    cs = torch.cumsum(zs, dim=1)
    support = 1.0 + torch.arange(1, K + 1, dtype=torch.float64) * zs > cs
    k = torch.sum(support, dim=1)
    tau = (cs[torch.arange(n), k - 1] - 1.0) / k
    quad = torch.sum(torch.where(support, zs ** 2 - tau[:, None] ** 2, 0.0), dim=1)
    labels = torch.as_tensor(labels)
    loss = -z[torch.arange(n), labels] + 0.5 * quad + 0.5
    return torch.mean(loss) + 1e-3 * torch.sum(W ** 2)


def triplet_hard_torch(W, X, labels, margin):
    import torch

    E = torch.tanh(X @ W)
    sq = torch.sum(E ** 2, dim=1)
    D = sq[:, None] + sq[None, :] - 2.0 * E @ E.T
    labels = torch.as_tensor(labels)
    same = labels[:, None] == labels[None, :]
    inf = torch.tensor(float("inf"), dtype=torch.float64)
    hardest_pos = torch.max(torch.where(same, D, -inf), dim=1).values
    hardest_neg = torch.min(torch.where(same, inf, D), dim=1).values
    s = margin + hardest_pos - hardest_neg
    return torch.mean(torch.logaddexp(torch.zeros_like(s), s))
