"""A large least-squares fit whose Jacobian's sparsity comes from the code.

Recover a smooth signal from noisy samples by a nonlinear fit with a roughness
penalty: one residual per sample (through ``tanh``, a saturating sensor) and one
per neighbouring pair. Each residual reads at most two parameters, so the
Jacobian is sparse. ``s2sad.jacobian_sparsity`` reads that pattern off the
program and hands it to ``scipy.optimize.least_squares`` (``jac_sparsity=``, its
finite differences then need 3 passes instead of one per parameter), or
``s2sad.jacobian(..., sparse=True)`` gives the exact sparse Jacobian itself.

Run from the repository root:  python examples/sparse_least_squares.py
"""
from __future__ import annotations

import time

import numpy as np
from scipy.optimize import least_squares

import s2sad


def residuals(p, data, lam):
    fit = np.tanh(p) - data
    rough = lam * (p[1:] - p[:-1])
    return np.concatenate([fit, rough])


def main():
    n = 600
    t = np.linspace(0, 1, n)
    rng = np.random.default_rng(0)
    data = np.tanh(np.sin(6 * t)) + 0.05 * rng.normal(size=n)
    p0 = np.zeros(n)

    pattern = s2sad.jacobian_sparsity(residuals)(p0, data, 3.0)
    print(f"{pattern.shape[0]} residuals x {n} parameters, {pattern.nnz} nonzeros in the "
          "pattern read off the code")

    fits = {}
    for name, extra in (("dense finite differences", {}),
                        ("jac_sparsity from s2sad", {"jac_sparsity": pattern}),
                        ("s2sad sparse Jacobian",
                         {"jac": s2sad.jacobian(residuals, sparse=True)})):
        start = time.perf_counter()
        fit = least_squares(residuals, p0, args=(data, 3.0), **extra)
        fits[name] = (time.perf_counter() - start, fit)
        print(f"{name:>26}: {fits[name][0]:6.2f} s, cost {fit.cost:.6f}, "
              f"{fit.njev} Jacobians")
    costs = [fit.cost for _, fit in fits.values()]
    print(f"same optimum: costs within {max(costs) - min(costs):.1e}")
    base = fits["dense finite differences"][0]
    print(f"speed-up with the pattern: {base / fits['jac_sparsity from s2sad'][0]:.0f}x, "
          f"with the sparse Jacobian: {base / fits['s2sad sparse Jacobian'][0]:.0f}x")
    if max(costs) - min(costs) > 1e-6 * max(costs):
        raise SystemExit("the sparse fits do not reach the dense fit's optimum")


if __name__ == "__main__":
    main()
