"""A matrix's inverse and its LU factors, computed once for every solve with the matrix
(``compiler/shared_factors.py`` writes the calls; their rules are in
``rules/helpers.py``).

With SciPy installed, LAPACK's ``dgetrf``, ``dgetri`` and ``dgetrs`` are called directly
for a float64 matrix: ``getri`` inverts from the LU factors in about half the time of
NumPy's ``inv``, which solves against the identity (200 x 200, one thread: 0.69 against
1.31 ms), and ``getrs`` solves with the factors, or their transpose, in ``O(n^2)`` per
column.  Anything else (no SciPy, stacks, other dtypes, a singular matrix) takes NumPy's
``inv`` and ``solve``, which raise NumPy's errors.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from s2sad.runtime.triangular import _scipy

__all__ = ["inverse", "lu_factor", "lu_solve"]

_F64 = np.dtype(np.float64)


def inverse(a: Any) -> Any:
    """``np.linalg.inv(a)``, by ``getrf`` and ``getri`` where it can."""
    if not _lapack_matrix(a):
        return np.linalg.inv(a)
    getrf, getri = _scipy("dgetrf"), _scipy("dgetri")
    if getrf is None or getri is None:
        return np.linalg.inv(a)
    lu, piv, info = getrf(a)
    if info == 0:
        inv, info = getri(lu, piv, overwrite_lu=1)
        if info == 0:
            return inv
    return np.linalg.inv(a)  # (singular: NumPy's error)


class Factors(NamedTuple):
    """A matrix and its LU factors with their pivots (None: solve with NumPy)."""

    matrix: Any
    lu: Any
    pivots: Any


def lu_factor(a: Any) -> Factors:
    """The LU factors of ``a`` for :func:`lu_solve` (``a`` itself where LAPACK is not
    used, or finds ``a`` singular: ``lu_solve`` then raises NumPy's error)."""
    getrf = _scipy("dgetrf") if _lapack_matrix(a) else None
    if getrf is not None and _scipy("dgetrs") is not None:
        lu, piv, info = getrf(a)
        if info == 0:
            return Factors(a, lu, piv)
    return Factors(a, None, None)


def lu_solve(factors: Factors, b: Any, trans: bool = False) -> Any:
    """``np.linalg.solve(a, b)`` (``solve(a.T, b)`` with ``trans``) of the matrix
    ``factors`` stands for."""
    a = factors.matrix
    if factors.lu is None or type(b) is not np.ndarray or b.dtype != _F64 or \
            not 1 <= b.ndim <= 2 or b.shape[0] != a.shape[0]:
        return np.linalg.solve(np.matrix_transpose(a) if trans else a, b)
    x, info = _scipy("dgetrs")(factors.lu, factors.pivots, b, trans=1 if trans else 0)
    return x


def _lapack_matrix(a: Any) -> bool:
    return type(a) is np.ndarray and a.dtype == _F64 and a.ndim == 2 and \
        a.shape[0] == a.shape[1] > 0
