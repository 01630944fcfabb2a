"""scipy.spatial.distance's ``pdist``, ``cdist`` and ``squareform`` differentiated through
closed forms (``defthrough``; registered when the user imports the submodule): the
differences of the pairs of rows, then a vector norm of each (``np.linalg.norm``'s rule:
its derivative at a zero distance is 0, as for ``np.linalg.norm(x - x)``), so pairwise
energies and kernels written with them get gradients in the points.  Metrics:
``euclidean``, ``sqeuclidean``, ``cityblock``, ``chebyshev``, ``minkowski`` (``p``) and
``cosine``; another metric, a callable one or weights are refused at the user's line.
``pdist``'s pairs are ``np.triu_indices(m, 1)``'s, in SciPy's order; ``squareform`` is
linear (a condensed vector put into both triangles, or the upper triangle read)."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough

_ORDERS = {"euclidean": 2, "cityblock": 1, "chebyshev": np.inf}
_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski", "cosine")


def pair_distances(diff, u, v, metric, p):
    """Distances of rows ``u`` and ``v`` whose differences are ``diff`` (last axis)."""
    if metric == "sqeuclidean":
        return np.sum(diff * diff, axis=-1)
    if metric == "cosine":
        dots = np.sum(u * v, axis=-1)
        return 1.0 - dots / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    order = p if metric == "minkowski" else _ORDERS[metric]
    return np.linalg.norm(diff, ord=order, axis=-1)


def checked_metric(metric, kwargs):
    """The metric's name, or a refusal of what the closed forms do not cover."""
    if not isinstance(metric, str) or metric not in _METRICS or \
            any(k != "p" for k in kwargs):
        raise DifferentiationError(
            "<s2sad>:?: scipy.spatial.distance with metric=" + repr(metric) + " or weights:"
            " the derivative is known for the metrics " + ", ".join(_METRICS) +
            " (p for minkowski); write the distance with NumPy instead")
    return metric


def pdist(X, metric="euclidean", **kwargs):
    name = checked_metric(metric, kwargs)
    rows, cols = np.triu_indices(np.shape(X)[0], 1)
    u = X[rows]
    v = X[cols]
    return pair_distances(u - v, u, v, name, kwargs.get("p", 2.0))


def cdist(XA, XB, metric="euclidean", **kwargs):
    name = checked_metric(metric, kwargs)
    u = XA[:, None, :]
    v = XB[None, :, :]
    return pair_distances(u - v, u, v, name, kwargs.get("p", 2.0))


def squareform(X, force="no", checks=True):
    if force == "tomatrix" or force != "tovector" and np.ndim(X) == 1:
        m = int(round((1.0 + (1.0 + 8.0 * np.size(X)) ** 0.5) / 2.0))
        rows, cols = np.triu_indices(m, 1)
        M = np.zeros((m, m), dtype=np.result_type(X, 0.0))
        M[rows, cols] = X
        M[cols, rows] = X
        return M
    rows, cols = np.triu_indices(np.shape(X)[0], 1)
    return X[rows, cols]


def register_distance(distance: Any) -> None:
    for name, reference in (("pdist", pdist), ("cdist", cdist), ("squareform", squareform)):
        defthrough(getattr(distance, name), reference)
