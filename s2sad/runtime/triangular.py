"""Solves with triangular factors (a Cholesky factor, its transpose): ``O(n^2)`` per
right-hand side with ``scipy.linalg.solve_triangular`` when SciPy is installed
(imported on first use), ``np.linalg.solve`` otherwise.  The compiler calls it
where it knows a matrix is triangular (``compiler/ranks.py``); its rules are in
``rules/helpers.py``."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["tri_solve"]

_T = np.matrix_transpose
_SCIPY: list = []  # [scipy.linalg.solve_triangular or None], once looked for


def _solver() -> Any:
    if not _SCIPY:
        _SCIPY.append(_scipy_solve_triangular())
    return _SCIPY[0]


def _scipy_solve_triangular() -> Any:
    import importlib.util
    if importlib.util.find_spec("scipy") is None:  # scipy is optional
        return None
    from scipy.linalg import solve_triangular
    return solve_triangular


def tri_solve(a: Any, b: Any, lower: bool, trans: bool = False) -> Any:
    """``solve(a, b)`` (``solve(a^T, b)`` with ``trans``) of a triangular ``a``."""
    solver = _solver()
    if solver is None or np.ndim(a) != 2:
        return np.linalg.solve(_T(a) if trans else a, b)
    return solver(a, b, trans=1 if trans else 0, lower=lower, check_finite=False)
