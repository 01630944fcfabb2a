"""Logistic regression on more data than one machine holds: the s2sad gradient of a NumPy
loss, run on a Dask array on a dask.distributed cluster.

    pip install -e ".[dask]"
    python examples/dask_logistic.py                      # 2e6 rows, a local cluster (~15 s)
    python examples/dask_logistic.py --rows 1e8           # 1e8 x 10: 7.5 GiB, never in memory
    python examples/dask_logistic.py --scheduler tcp://host:8786   # a real cluster

The loss is written with NumPy (``np.exp``, ``np.log1p``, ``@``).  Called with Dask
arrays, ``s2sad.value_and_grad(loss)`` runs its generated derivative on Dask's array
namespace, so the loss and gradient are task graphs; one ``dask.compute`` per step
evaluates both on the workers, each chunk of rows drawn by the task that needs it.  The
client process holds a 10-vector.
"""
from __future__ import annotations

import argparse
import resource
import sys

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import s2sad

D = 10
W_TRUE = np.linspace(-1.0, 1.0, D)


def loss(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(-y * z)))


def block(i, rows):
    """Rows of chunk ``i``: features and labels in {-1, 1}, from the chunk's own seed."""
    rng = np.random.default_rng(1000 + i)
    X = rng.standard_normal((rows, D))
    y = np.where(X @ W_TRUE + 0.5 * rng.standard_normal(rows) > 0, 1.0, -1.0)
    return X, y


def dataset(n, chunk):
    """X (n x D) and y as Dask arrays of ``chunk`` rows a piece; nothing is drawn yet."""
    sizes = [min(chunk, n - start) for start in range(0, n, chunk)]
    parts = [dask.delayed(block, nout=2)(i, m) for i, m in enumerate(sizes)]
    X = da.concatenate([da.from_delayed(p[0], (m, D), float) for p, m in zip(parts, sizes)])
    y = da.concatenate([da.from_delayed(p[1], (m,), float) for p, m in zip(parts, sizes)])
    return X, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e6)
    parser.add_argument("--chunk", type=float, default=None, help="rows per chunk")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--scheduler", help="address of a running dask scheduler")
    args = parser.parse_args(argv)
    n = int(args.rows)
    chunk = int(args.chunk or min(1_000_000, max(n // 8, 1)))
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=None))
    X, y = dataset(n, chunk)
    print(f"{n:,} x {D} rows in {X.numblocks[0]} chunks ({n * D * 8 / 2**30:.2f} GiB), "
          f"{len(client.scheduler_info()['workers'])} workers")

    value_and_grad = s2sad.value_and_grad(loss)
    w = np.zeros(D)
    losses = []
    for step in range(args.steps):
        value, g = dask.compute(*value_and_grad(w, X, y))  # one pass over the data
        losses.append(float(value))
        print(f"step {step}: loss {value:.6f}  |grad| {np.linalg.norm(g):.4f}")
        if step == 0 and n <= 4_000_000:  # small enough to check against NumPy in memory
            Xn, yn = dask.compute(X, y)
            expected = s2sad.grad(loss)(w, Xn, yn)
            assert np.allclose(g, expected, rtol=1e-10), (g, expected)
            print("first gradient equals the NumPy gradient on the same data in memory")
        w = w - 2.0 * np.asarray(g)
    client.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"client peak memory {peak:.0f} MiB; "
          f"cosine(w, w_true) = {w @ W_TRUE / np.linalg.norm(w) / np.linalg.norm(W_TRUE):.3f}")
    if not losses[-1] < losses[0]:
        print("the loss did not decrease", file=sys.stderr)
        return 1
    print("loss decreased by gradient descent on the cluster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
