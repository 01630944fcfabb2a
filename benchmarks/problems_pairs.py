"""Pairwise problems written as a physicist writes them (distances from broadcast
differences, the self-pairs masked with the identity), each with a hand-written
gradient.

* ``coulomb``: the Coulomb energy of 128 charges, distances by ``np.sqrt`` of summed
  squares: the self-pairs' zero distances make 0 / 0 in a masked adjoint.
* ``coulomb_norm``: the same energy with ``np.linalg.norm(diff, axis=-1)``.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def coulomb(pos, q):
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1)) + np.eye(pos.shape[0])
    e = np.outer(q, q) / r
    return 0.5 * np.sum(e * (1.0 - np.eye(pos.shape[0])))


def coulomb_norm(pos, q):
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.linalg.norm(diff, axis=-1) + np.eye(pos.shape[0])
    e = np.outer(q, q) / r
    return 0.5 * np.sum(e * (1.0 - np.eye(pos.shape[0])))


def coulomb_grad(pos, q):
    # E = 1/2 sum_{i != j} q_i q_j / r_ij: dE/dpos_i = sum_j w_ij (pos_i - pos_j) with
    # w_ij = -q_i q_j / r_ij^3 off the diagonal (w symmetric); dE/dq = (off / r) @ q
    diff = pos[:, None, :] - pos[None, :, :]
    n = pos.shape[0]
    r = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)) + np.eye(n)
    off = 1.0 - np.eye(n)
    w = -np.outer(q, q) / r ** 3 * off
    return w.sum(axis=1)[:, None] * pos - w @ pos, (off / r) @ q


def coulomb_args(size):
    n = 128 if size == "full" else 5
    r = _rng(21)
    return 3.0 * r.standard_normal((n, 3)), r.standard_normal(n)


SPECS = [
    {"name": "coulomb", "title": "Coulomb energy: sqrt of summed squared differences, "
     "self-pairs masked", "func": coulomb, "hand_grad": coulomb_grad,
     "make_args": coulomb_args, "wrt": (0, 1),
     "sizes": {"full": "128 charges", "smoke": "5 charges"}},
    {"name": "coulomb_norm", "title": "Coulomb energy with np.linalg.norm(diff, axis=-1)",
     "func": coulomb_norm, "hand_grad": coulomb_grad, "make_args": coulomb_args,
     "wrt": (0, 1), "sizes": {"full": "128 charges", "smoke": "5 charges"}},
]
