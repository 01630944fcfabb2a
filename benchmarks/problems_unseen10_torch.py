"""PyTorch versions of the session-46 problems (``problems_unseen10.py``) that the
rebound function cannot run: torch has no ``searchsorted`` of NumPy's signature,
``np.add.at``, ``gammaln``, ``eigvalsh``, negative slice steps or ``round`` under the
NumPy names ``runners._make_torch_np`` maps.  Each computes the same value as the NumPy
function, written as a PyTorch user would.
"""
from __future__ import annotations


def particle_filter_torch(phi, sigma, obs_sd, y, eps, u):
    import torch

    T, P = eps.shape
    x = sigma * eps[0]
    ll = 0.0
    for t in range(T):
        logw = -0.5 * ((y[t] - x) / obs_sd) ** 2 - torch.log(obs_sd)
        ll = ll + torch.logsumexp(logw, 0) - torch.log(torch.tensor(float(P)))
        if t + 1 < T:
            w = torch.softmax(logw.detach(), 0)
            idx = torch.clamp(torch.searchsorted(torch.cumsum(w, 0), u[t]), max=P - 1)
            x = phi * x[idx] + sigma * eps[t + 1]
    return -ll


def gnn_scatter_torch(W1, W2, w_out, feats, src, dst, target):
    import torch

    n = feats.shape[0]
    deg = torch.clamp(torch.bincount(dst, minlength=n), min=1).to(torch.float64)
    h = feats
    for W in (W1, W2):
        msg = torch.tanh(h[src] @ W)
        agg = torch.zeros((n, W.shape[1]), dtype=torch.float64).index_add(0, dst, msg)
        h = h + agg / deg[:, None]
    return torch.mean((h @ w_out - target) ** 2)


def negbin_torch(beta, log_r, X, y):
    import torch

    mu = torch.exp(X @ beta)
    r = torch.exp(log_r)
    ll = (torch.lgamma(y + r) - torch.lgamma(r) - torch.lgamma(y + 1.0)
          + r * torch.log(r / (r + mu)) + y * torch.log(mu / (r + mu)))
    return -torch.mean(ll)


def modal_fit_torch(k, mass, target):
    import torch

    K = torch.diag(k[:-1] + k[1:]) - torch.diag(k[1:-1], 1) - torch.diag(k[1:-1], -1)
    s = 1.0 / torch.sqrt(mass)
    lam = torch.linalg.eigvalsh(K * s[:, None] * s[None, :])
    return torch.sum((torch.sqrt(lam[:target.shape[0]]) - target) ** 2)


def listmle_torch(w, X, rel):
    import torch

    loss = 0.0
    for q in range(X.shape[0]):
        s = X[q][torch.argsort(-rel[q])] @ w
        tail = torch.flip(torch.logcumsumexp(torch.flip(s, (0,)), 0), (0,))
        loss = loss + torch.sum(tail - s)
    return loss / X.shape[0]


def pbc_lj_torch(pos, box, rc):
    import torch

    d = pos[:, None, :] - pos[None, :, :]
    d = d - box * torch.round(d / box)
    r2 = torch.sum(d * d, dim=-1)
    inside = (r2 < rc * rc) & (r2 > 0.0)
    inv6 = 1.0 / torch.where(inside, r2, 1.0) ** 3
    shift = 4.0 * (rc ** -12 - rc ** -6)
    return 0.5 * torch.sum(torch.where(inside, 4.0 * (inv6 * inv6 - inv6) - shift, 0.0))
