"""A stiff reaction-diffusion system solved with the Jacobian's sparsity read off the code.

The right-hand side of the Brusselator on a line (method of lines, N grid points,
two species interleaved as u0, v0, u1, v1, ...) is written with slices, as one
writes it. The implicit BDF method needs the Jacobian of that right-hand side
again and again. ``s2sad.jacobian(rhs, sparse=True)`` reads the pattern off the
program once (a band: each point meets its neighbours and its other species),
colours it, and then builds each Jacobian from a handful of JVPs; the dense
Jacobian costs one pass per unknown and an O(n^3) factorisation.

Run from the repository root:  python examples/stiff_pde_sparse.py
"""
from __future__ import annotations

import time

import numpy as np
from scipy.integrate import solve_ivp

import s2sad

A, B, ALPHA = 1.0, 3.0, 0.02


def rhs(t, y):
    u = y[0::2]
    v = y[1::2]
    n = u.shape[0]
    dx2 = (1.0 / (n + 1)) ** 2
    u_left = np.concatenate([np.ones(1), u[:-1]])
    u_right = np.concatenate([u[1:], np.ones(1)])
    v_left = np.concatenate([np.full(1, 3.0), v[:-1]])
    v_right = np.concatenate([v[1:], np.full(1, 3.0)])
    du = A + u * u * v - (B + 1.0) * u + ALPHA * (u_left - 2.0 * u + u_right) / dx2
    dv = B * u - u * u * v + ALPHA * (v_left - 2.0 * v + v_right) / dx2
    out = np.empty(2 * n)
    out[0::2] = du
    out[1::2] = dv
    return out


def initial(n):
    x = np.linspace(0, 1, n + 2)[1:-1]
    y = np.empty(2 * n)
    y[0::2] = 1.0 + np.sin(2 * np.pi * x)
    y[1::2] = 3.0
    return y


def main():
    n = 400
    y0 = initial(n)
    pattern = s2sad.jacobian_sparsity(rhs, wrt=1)(0.0, y0)
    print(f"{2 * n} unknowns; the pattern read off rhs has {pattern.nnz} nonzeros "
          f"({pattern.nnz / (2 * n) ** 2:.2%} of the matrix)")

    dense_jac = s2sad.jacobian(rhs, wrt=1)
    sparse_jac = s2sad.jacobian(rhs, wrt=1, sparse=True)
    J = sparse_jac(0.0, y0)
    assert np.allclose(J.toarray(), dense_jac(0.0, y0), rtol=1e-12, atol=1e-12)
    colours = sparse_jac.plan(0.0, y0)[3]
    print(f"sparse Jacobian from {colours} JVPs equals the dense one")

    runs = {}
    for name, jac in (("dense", dense_jac), ("sparse", sparse_jac)):
        start = time.perf_counter()
        sol = solve_ivp(rhs, (0.0, 10.0), y0, method="BDF", jac=jac, rtol=1e-6, atol=1e-8)
        runs[name] = (time.perf_counter() - start, sol)
        print(f"BDF with the {name} Jacobian: {runs[name][0]:.2f} s, {sol.nfev} rhs calls, "
              f"{sol.njev} Jacobians, status {sol.status}")
    gap = np.max(np.abs(runs["dense"][1].y[:, -1] - runs["sparse"][1].y[:, -1]))
    print(f"max |dense - sparse| at t = 10: {gap:.1e}")
    print(f"speed-up of the stiff solve: {runs['dense'][0] / runs['sparse'][0]:.1f}x")
    if not (runs["dense"][1].success and runs["sparse"][1].success and gap < 1e-5):
        raise SystemExit("the sparse-Jacobian solve does not reproduce the dense one")


if __name__ == "__main__":
    main()
