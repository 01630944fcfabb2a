"""One gradient, two array libraries: a logistic regression's gradient on NumPy (the data
in memory) and on Dask (the data generated chunk by chunk, never whole in memory).

    python -m benchmarks.backends                 # n = 1e7 on both, then 1e8 on Dask (~3 min)
    python -m benchmarks.backends --rows 1e6      # quicker
    python -m benchmarks.backends --skip-large    # without the 1e8 run
    python -m benchmarks.backends --json out.json

Each case runs in a fresh process (``--case``), which reports its peak resident memory
above what it held after its imports (``ru_maxrss``) and the seconds of one gradient.
The same function, ``loss``, is differentiated by ``s2sad.grad`` for both; Dask uses
its threaded scheduler, chunks of 1e6 rows, and the gradient is computed at the end
(one ``compute``).  The two gradients of the 1e7 run are compared (same data: each chunk
is drawn from its own seed, in both cases).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np

D, CHUNK = 10, 1_000_000
W_TRUE = np.linspace(-1.0, 1.0, D)


def loss(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(-y * z)))


def _block(i: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1000 + i)
    X = rng.standard_normal((rows, D))
    y = np.where(X @ W_TRUE + 0.5 * rng.standard_normal(rows) > 0, 1.0, -1.0)
    return X, y


def numpy_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    blocks = [_block(i, min(CHUNK, n - start)) for i, start in enumerate(range(0, n, CHUNK))]
    return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])


def dask_data(n: int):
    """X and y as Dask arrays whose chunks are drawn when a task needs them."""
    import dask
    import dask.array as da
    parts = [dask.delayed(_block)(i, min(CHUNK, n - start))
             for i, start in enumerate(range(0, n, CHUNK))]
    sizes = [min(CHUNK, n - start) for start in range(0, n, CHUNK)]
    X = da.concatenate([da.from_delayed(p[0], (m, D), float) for p, m in zip(parts, sizes)])
    y = da.concatenate([da.from_delayed(p[1], (m,), float) for p, m in zip(parts, sizes)])
    return X, y


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str, n: int) -> dict:
    import s2sad
    grad = s2sad.grad(loss)
    w = np.zeros(D)
    if case == "dask":
        import dask
        dask.config.set(scheduler="threads")
        w = __import__("dask.array").array.from_array(w)
    base = _peak_mib()
    start = time.perf_counter()
    X, y = numpy_data(n) if case == "numpy" else dask_data(n)
    g = grad(w, X, y)
    g = np.asarray(g.compute() if case == "dask" else g)
    return {"case": case, "rows": n, "seconds": time.perf_counter() - start,
            "peak_mib": _peak_mib() - base, "gradient": g.tolist()}


def _in_fresh_process(case: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.backends", "--case", case,
                          "--rows", str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7)
    parser.add_argument("--case", choices=["numpy", "dask"])
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    n = int(args.rows)
    if args.case:  # one measurement, in this process
        print(json.dumps(run_case(args.case, n)))
        return 0
    rows = [_in_fresh_process("numpy", n), _in_fresh_process("dask", n)]
    same = np.allclose(rows[0]["gradient"], rows[1]["gradient"], rtol=1e-10, atol=1e-14)
    if not args.skip_large:
        rows.append(_in_fresh_process("dask", 10 * n))
    print(f"logistic regression gradient, {D} features, chunks of {CHUNK:,} rows (Dask)")
    print(f"{'library':8s} {'rows':>12s} {'seconds':>9s} {'peak MiB':>9s}")
    for r in rows:
        print(f"{r['case']:8s} {r['rows']:>12,d} {r['seconds']:9.1f} {r['peak_mib']:9.0f}")
    ratio = rows[1]["peak_mib"] / rows[0]["peak_mib"]
    print(f"Dask / NumPy peak memory at {n:,} rows: {ratio:.2f} (1/{1 / ratio:.1f}); "
          f"gradients equal: {same}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": rows, "dask_over_numpy_peak": ratio, "equal": bool(same)}, fh,
                      indent=1)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
