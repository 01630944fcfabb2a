"""PyTorch versions of the session-53 problems (``problems_unseen18.py``) that the
rebound function cannot run: torch has no ``np.cross``, ``np.logaddexp``, ``np.convolve``,
``np.diff``, ``np.linalg.eigh``, ``np.gradient``, ``np.take_along_axis`` nor
``scipy.special.i0e`` under the NumPy names ``runners._make_torch_np`` maps.  Each computes
the same value as the NumPy function, written as a PyTorch user would.
"""
from __future__ import annotations

NEG_INF = -1e30


def llg_spins_torch(h, log_alpha, J, m0, target, dt, n_steps):
    import torch

    alpha = torch.exp(log_alpha)
    m = m0
    for _ in range(n_steps):
        H = J * (torch.roll(m, 1, dims=0) + torch.roll(m, -1, dims=0)) + h
        mxH = torch.linalg.cross(m, H)
        dm = -mxH - alpha * torch.linalg.cross(m, mxH)
        m = m + dt * dm
        m = m / torch.linalg.norm(m, dim=1, keepdim=True)
    return torch.sum((m - target) ** 2)


def ctc_loss_torch(logits, labels):
    import torch

    B, T, C = logits.shape
    L = labels.shape[1]
    logp = torch.log_softmax(logits, dim=2)
    labels = torch.as_tensor(labels)
    ext = torch.zeros((B, 2 * L + 1), dtype=torch.long)
    ext[:, 1::2] = labels
    skip = torch.zeros(ext.shape, dtype=torch.bool)
    skip[:, 2:] = (ext[:, 2:] != 0) & (ext[:, 2:] != ext[:, :-2])
    rows = torch.arange(B)[:, None]
    neg = torch.tensor(NEG_INF, dtype=torch.float64)
    start = torch.zeros(ext.shape, dtype=torch.bool)
    start[:, :2] = True
    alpha = torch.where(start, logp[rows, 0, ext], neg)
    pad1 = torch.full((B, 1), NEG_INF, dtype=torch.float64)
    pad2 = torch.full((B, 2), NEG_INF, dtype=torch.float64)
    for t in range(1, T):
        stay_or_step = torch.logaddexp(alpha, torch.cat([pad1, alpha[:, :-1]], dim=1))
        jump = torch.where(skip, torch.cat([pad2, alpha[:, :-2]], dim=1), neg)
        alpha = torch.logaddexp(stay_or_step, jump) + logp[rows, t, ext]
    return -torch.mean(torch.logaddexp(alpha[:, -1], alpha[:, -2]))


def vonmises_mix_torch(logits, mu, log_kappa, theta):
    import torch

    kappa = torch.exp(log_kappa)
    log_norm = torch.log(2.0 * torch.pi * torch.special.i0e(kappa)) + kappa
    comp = kappa * torch.cos(theta[:, None] - mu) - log_norm
    a = comp + torch.log_softmax(logits, dim=0)
    return -torch.mean(torch.logsumexp(a, dim=1))


def deconv_tv_torch(x, kernel, y, lam, eps):
    import torch

    m = kernel.shape[0]
    # np.convolve flips the kernel; conv1d correlates
    blurred = torch.nn.functional.conv1d(x[None, None], torch.flip(kernel, (0,))[None, None],
                                         padding=(m - 1) // 2)[0, 0]
    tv = torch.sum(torch.sqrt(torch.diff(x) ** 2 + eps))
    return 0.5 * torch.sum((blurred - y) ** 2) + lam * tv + 0.5 * torch.sum(kernel ** 2)


def pca_eigh_torch(log_w, X, Y, k):
    import torch

    w = torch.softmax(log_w, dim=0)
    mu = w @ X
    Xc = X - mu
    C = Xc.T @ (w[:, None] * Xc)
    evals, evecs = torch.linalg.eigh(C)
    V = evecs[:, -k:]
    Yc = Y - mu
    R = Yc - (Yc @ V) @ V.T
    return torch.mean(torch.sum(R ** 2, dim=1))


def horn_schunck_torch(u, v, I0, I1, alpha, eps):
    import torch

    Iy, Ix = torch.gradient(I0)
    data = torch.sqrt((Ix * u + Iy * v + I1 - I0) ** 2 + eps ** 2)
    uy, ux = torch.gradient(u)
    vy, vx = torch.gradient(v)
    smooth = torch.sqrt(ux ** 2 + uy ** 2 + vx ** 2 + vy ** 2 + eps ** 2)
    return torch.sum(data) + alpha * torch.sum(smooth)


def focal_loss_torch(W, b, X, y, gamma):
    import torch

    logp = torch.log_softmax(X @ W + b, dim=1)
    logp_true = torch.take_along_dim(logp, torch.as_tensor(y)[:, None], dim=1)[:, 0]
    p_true = torch.exp(logp_true)
    return -torch.mean((1.0 - p_true) ** gamma * logp_true) + 1e-4 * torch.sum(W ** 2)
