"""scipy.spatial.distance's ``pdist``, ``cdist`` and ``squareform`` differentiated through
closed forms (``defthrough``; registered when the user imports the submodule): the
differences of the pairs of rows, then a vector norm of each (``np.linalg.norm``'s rule:
its derivative at a zero distance is 0, as for ``np.linalg.norm(x - x)``), so pairwise
energies and kernels written with them get gradients in the points.  Metrics:
``euclidean``, ``sqeuclidean``, ``cityblock``, ``chebyshev``, ``minkowski`` (``p``) and
``cosine``; another metric, a callable one, weights (``w``, ``V``, ``VI``) or ``out`` are
refused at the user's line.
``pdist``'s pairs are ``np.triu_indices(m, 1)``'s, in SciPy's order; ``squareform`` is
linear (a condensed vector put into both triangles, or the upper triangle read)."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough

_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski", "cosine")


def pair_distances(diff, u, v, metric, p):
    """Distances of rows ``u`` and ``v`` whose differences are ``diff`` (last axis); the
    metric a literal, so only its branch is differentiated."""
    if metric == "euclidean":
        return np.linalg.norm(diff, axis=-1)
    if metric == "sqeuclidean":
        return np.sum(diff * diff, axis=-1)
    if metric == "cityblock":
        return np.linalg.norm(diff, ord=1, axis=-1)
    if metric == "chebyshev":
        return np.linalg.norm(diff, ord=np.inf, axis=-1)
    if metric == "minkowski":
        return np.linalg.norm(diff, ord=p, axis=-1)
    dots = np.sum(u * v, axis=-1)
    return 1.0 - dots / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))


def check_metric(metric, w, V, VI, out):
    """A refusal of what the closed forms do not cover (decided where the derivative is
    made: the metric a literal, the other keywords None)."""
    if not isinstance(metric, str) or metric != "euclidean" and metric != "sqeuclidean" \
            and metric != "cityblock" and metric != "chebyshev" and metric != "minkowski" \
            and metric != "cosine" or w is not None or V is not None or VI is not None or \
            out is not None:
        raise DifferentiationError(
            "<s2sad>:?: scipy.spatial.distance with metric=" + repr(metric) + " or weights:"
            " the derivative is known for the metrics " + ", ".join(_METRICS) + " (p for "
            "minkowski; no w, V, VI or out); write the distance with NumPy instead")


def pdist(X, metric="euclidean", *, p=2.0, w=None, V=None, VI=None, out=None):
    check_metric(metric, w, V, VI, out)
    rows, cols = np.triu_indices(np.shape(X)[0], 1)
    u = X[rows]
    v = X[cols]
    return pair_distances(u - v, u, v, metric, p)


def cdist(XA, XB, metric="euclidean", *, p=2.0, w=None, V=None, VI=None, out=None):
    check_metric(metric, w, V, VI, out)
    u = XA[:, None, :]
    v = XB[None, :, :]
    return pair_distances(u - v, u, v, metric, p)


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
