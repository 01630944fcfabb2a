"""Sparse Jacobians from the program's wiring against the dense Jacobian.

    python -m benchmarks.sparsity                # n = 1e3, 1e4, 1e5
    python -m benchmarks.sparsity --smoke        # n = 200, one round; exit 1 on a mismatch
    python -m benchmarks.sparsity --json out.json

The right-hand side of a method-of-lines reaction-diffusion PDE (a 3-point stencil
written with slices and ``np.concatenate``, as a user writes it). Reported per n:
the time to read the pattern off the program and colour it (once per shape), the
time of ``s2sad.jacobian(rhs, sparse=True)`` once that is done (median of repeats),
the dense ``s2sad.jacobian`` (only where it fits: n <= 1e4), and their ratio. The
sparse Jacobian is checked against the dense one (n <= 1e4) or against the closed
form of the stencil's Jacobian.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import scipy.sparse as sparse

import s2sad
from benchmarks.report import median_seconds
from s2sad.sparsity import colour


def rhs(u, d, k):
    lap = np.concatenate([u[1:2] - 2 * u[:1], u[2:] - 2 * u[1:-1] + u[:-2],
                          u[-2:-1] - 2 * u[-1:]])
    return d * lap + k * u * (1.0 - u)


def closed_form(u, d, k):
    n = u.size
    main = -2.0 * d + k * (1.0 - 2.0 * u)
    return sparse.diags([np.full(n - 1, d), main, np.full(n - 1, d)], [-1, 0, 1]).tocsr()


def run(sizes, repeats, check_only=False):
    rows = []
    for n in sizes:
        u = np.linspace(0.1, 0.9, n)
        args = (u, 0.5, 2.0)
        t = time.perf_counter()
        pattern = s2sad.jacobian_sparsity(rhs)(*args)
        t_pattern = time.perf_counter() - t
        t = time.perf_counter()
        colours = colour(pattern)
        t_colour = time.perf_counter() - t
        jac = s2sad.jacobian(rhs, sparse=True)
        J = jac(*args)  # first call: generated code, pattern, colouring
        dense_jac = s2sad.jacobian(rhs)
        if n <= 10_000:
            ok = np.allclose(J.toarray(), dense_jac(*args), rtol=1e-12, atol=1e-12)
        else:
            ok = abs(J - closed_form(*args)).max() < 1e-12
        if not ok:
            print(f"MISMATCH at n={n}", file=sys.stderr)
            return rows, False
        if check_only:
            continue
        t_sparse = median_seconds(jac, args, repeats)
        t_dense = median_seconds(dense_jac, args, max(1, repeats // 3)) if n <= 10_000 \
            else float("nan")
        t_f = median_seconds(rhs, args, repeats)
        rows.append({"n": n, "nnz": int(pattern.nnz), "colours": int(colours.max() + 1),
                     "pattern_s": t_pattern, "colouring_s": t_colour, "sparse_s": t_sparse,
                     "dense_s": t_dense, "dense_over_sparse": t_dense / t_sparse,
                     "sparse_over_f": t_sparse / t_f})
        print(f"n={n} done", file=sys.stderr)
    return rows, True


def report(rows):
    print("| n | nnz | colours | pattern (s) | colouring (s) | sparse Jacobian (ms) "
          "| dense Jacobian (ms) | dense / sparse | sparse / f |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        dense = "-" if np.isnan(r["dense_s"]) else f"{1e3 * r['dense_s']:.1f}"
        ratio = "-" if np.isnan(r["dense_over_sparse"]) else f"{r['dense_over_sparse']:.0f}x"
        print(f"| {r['n']} | {r['nnz']} | {r['colours']} | {r['pattern_s']:.3f} | "
              f"{r['colouring_s']:.3f} | {1e3 * r['sparse_s']:.2f} | {dense} | {ratio} | "
              f"{r['sparse_over_f']:.0f} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--json")
    ns = parser.parse_args(argv)
    sizes = [200] if ns.smoke else [1_000, 10_000, 100_000]
    rows, ok = run(sizes, ns.repeats, check_only=ns.smoke)
    if not ok:
        return 1
    if ns.smoke:
        print("sparsity smoke: ok")
        return 0
    report(rows)
    if ns.json:
        with open(ns.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
