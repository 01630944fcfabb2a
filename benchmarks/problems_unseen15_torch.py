"""PyTorch versions of the session-50 problems (``problems_unseen15.py``): the rebound
function cannot run them (``x.copy()`` and item writes into a tensor made by
``np.zeros``), so each computes the same value as the NumPy function, written as a
PyTorch user would (the same element loop, ``torch.roll``).
"""
from __future__ import annotations


def upwind_transport_torch(q0, vel, target, dt, n_steps):
    import torch

    q = q0.clone()
    n = q.shape[0]
    for _ in range(n_steps):
        flux = torch.zeros(n, dtype=torch.float64)
        for i in range(n):
            if vel[i] > 0.0:
                flux[i] = vel[i] * q[i]
            else:
                flux[i] = vel[i] * q[(i + 1) % n]
        q = q - dt * (flux - torch.roll(flux, 1))
    return torch.sum((q - target) ** 2)


def superbee_advection_torch(u0, c, target, n_steps):
    import torch

    u = u0.clone()
    n = len(u)
    for _ in range(n_steps):
        s = torch.zeros(n, dtype=torch.float64)
        for i in range(n):
            a = u[i] - u[i - 1]
            b = u[(i + 1) % n] - u[i]
            if a * b > 0.0:
                r = a / b
                phi = torch.maximum(torch.clamp(2.0 * r, max=1.0), torch.clamp(r, max=2.0))
                s[i] = phi * b
        face = u + 0.5 * (1.0 - c) * s
        u = u - c * (face - torch.roll(face, 1))
    return torch.sum((u - target) ** 2)


def godunov_burgers_torch(u0, amp, forcing, target, dt, n_steps):
    import torch

    u = u0.clone()
    n = u.shape[0]
    for _ in range(n_steps):
        flux = torch.zeros(n, dtype=torch.float64)
        for i in range(n):
            ul = u[i]
            ur = u[(i + 1) % n]
            if ul > ur:
                if ul + ur > 0.0:
                    flux[i] = 0.5 * ul * ul
                else:
                    flux[i] = 0.5 * ur * ur
            elif ul > 0.0:
                flux[i] = 0.5 * ul * ul
            elif ur < 0.0:
                flux[i] = 0.5 * ur * ur
        u = u - dt * (flux - torch.roll(flux, 1)) + dt * amp * forcing
    return torch.mean((u - target) ** 2)
