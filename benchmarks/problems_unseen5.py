"""Benchmark problem 61 (session 40): one more kind of code, written as users write it:

* ``spring_network``: a network of springs between nodes given as an edge list (an int
  array), the stiffness matrix assembled edge by edge in a loop of scalar ``+=`` writes
  at the nodes the edge reads, node 0 held fixed, one solve, the compliance.

The hand-written gradient is what an expert writes for the same code: the compliance's
closed form, ``-(u_i - u_j)^2`` per edge.  ``SPECS`` describes it; ``problems.py``
registers it.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# a network of springs assembled edge by edge
# ---------------------------------------------------------------------------

def spring_network(k, f, edges):
    n = f.shape[0] + 1
    K = np.zeros((n, n))
    for e in range(edges.shape[0]):
        i, j = edges[e, 0], edges[e, 1]
        K[i, i] += k[e]
        K[j, j] += k[e]
        K[i, j] -= k[e]
        K[j, i] -= k[e]
    u = np.linalg.solve(K[1:, 1:], f)
    return f @ u


def spring_network_grad(k, f, edges):
    n = f.shape[0] + 1
    K = np.zeros((n, n))
    for e in range(edges.shape[0]):
        i, j = edges[e, 0], edges[e, 1]
        K[i, i] += k[e]
        K[j, j] += k[e]
        K[i, j] -= k[e]
        K[j, i] -= k[e]
    u = np.linalg.solve(K[1:, 1:], f)
    full = np.concatenate(([0.0], u))
    stretch = full[edges[:, 0]] - full[edges[:, 1]]
    return -stretch * stretch, 2.0 * u


def spring_network_args(size):
    n, extra = (60, 90) if size == "full" else (5, 3)
    r = _rng(498)
    chain = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)  # (connected)
    more = r.integers(0, n, (extra, 2))
    more = more[more[:, 0] != more[:, 1]]
    edges = np.concatenate([chain, more]).astype(np.int64)
    return 1.0 + r.random(edges.shape[0]), r.standard_normal(n - 1), edges


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "spring_network", "title": "spring network from an edge list: stiffness "
     "assembled by scalar writes at the edges' nodes, a solve", "func": spring_network,
     "hand_grad": spring_network_grad, "make_args": spring_network_args, "wrt": (0, 1),
     "sizes": {"full": "60 nodes, 148 springs", "smoke": "5 nodes, 7 springs"}},
]
