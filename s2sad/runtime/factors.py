"""A matrix's inverse and its LU factors, computed once for every solve with the matrix
(``compiler/shared_factors.py`` writes the calls; their rules are in
``rules/helpers.py``).

With SciPy installed, LAPACK's ``dgetrf``, ``dgetri`` and ``dgetrs`` are called directly
for a float64 matrix: ``getri`` inverts from the LU factors in about half the time of
NumPy's ``inv``, which solves against the identity (200 x 200, one thread: 0.69 against
1.31 ms), and ``getrs`` solves with the factors, or their transpose, in ``O(n^2)`` per
column.  Anything else (no SciPy, stacks, other dtypes, a singular matrix) takes NumPy's
``inv`` and ``solve``, which raise NumPy's errors.

SciPy's ``c = cho_factor(a)`` read only by ``cho_solve(c, b)`` and by the sum of the
logarithms of its diagonal (half of ``a``'s log-determinant) is differentiated in ``a``
itself (``compiler/factor_reads.py`` writes :func:`factor_solve` and
:func:`factor_log_det`, their rules are in ``rules/scipy_linalg.py``): ``a``'s adjoint
is then ``-w x^T`` and ``A^-1 / 2`` read into ``a``'s triangle, with ``A^-1`` from the
factor by ``potri`` (``2 n^3 / 3`` flops), where going through the factor costs a
Cholesky adjoint and a product with the factor (``4 n^3``).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from s2sad.runtime.triangular import _scipy

__all__ = ["inverse", "lu_factor", "lu_solve", "factor_solve", "factor_log_det",
           "factor_log_det_adjoint"]

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


_LU: list = []  # [dgetrf, dgetrs] once looked for (both None without SciPy)


def _lu_routines() -> list:
    if not _LU:
        getrf, getrs = _scipy("dgetrf"), _scipy("dgetrs")
        _LU.extend((getrf, getrs) if getrf is not None and getrs is not None else
                   (None, None))
    return _LU


def lu_factor(a: Any) -> Factors:
    """The LU factors of ``a`` for :func:`lu_solve` (``a`` itself where LAPACK is not
    used, or finds ``a`` singular: ``lu_solve`` then raises NumPy's error).  Called once
    per trip of a Newton loop on a 3 x 3 matrix: the checks are kept few and the LAPACK
    routines looked for once."""
    getrf = (_LU or _lu_routines())[0]
    if getrf is not None and type(a) is np.ndarray and a.dtype == _F64 and a.ndim == 2:
        n, m = a.shape
        if n == m and n:
            lu, piv, info = getrf(a)
            if info == 0:
                return Factors(a, lu, piv)
    return Factors(a, None, None)


def lu_solve(factors: Factors, b: Any, trans: bool = False) -> Any:
    """``np.linalg.solve(a, b)`` (``solve(a.T, b)`` with ``trans``) of the matrix
    ``factors`` stands for."""
    a, lu, pivots = factors
    if lu is None or type(b) is not np.ndarray or b.dtype != _F64 or \
            not 1 <= b.ndim <= 2 or b.shape[0] != lu.shape[0]:
        return np.linalg.solve(np.matrix_transpose(a) if trans else a, b)
    return _LU[1](lu, pivots, b, trans=1 if trans else 0)[0]


def _lapack_matrix(a: Any) -> bool:
    return type(a) is np.ndarray and a.dtype == _F64 and a.ndim == 2 and \
        a.shape[0] == a.shape[1] > 0


def factor_solve(c_and_lower: Any, matrix: Any, b: Any) -> Any:
    """``scipy.linalg.cho_solve(c_and_lower, b)`` where ``c_and_lower = cho_factor(a)``:
    ``a`` is not read here, it names the matrix whose adjoint the rule gives."""
    from scipy.linalg import cho_solve
    return cho_solve(c_and_lower, b)


def factor_log_det(c_and_lower: Any, matrix: Any) -> Any:
    """``np.sum(np.log(np.diag(c)))`` of ``c_and_lower = cho_factor(matrix)``: half the
    log-determinant of ``matrix`` (not read here, see :func:`factor_solve`)."""
    return np.sum(np.log(np.diag(c_and_lower[0])))


def factor_log_det_adjoint(c_and_lower: Any, scale: Any = 1.0) -> Any:
    """The adjoint in ``a`` of :func:`factor_log_det` given its adjoint ``scale`` (a
    number): ``scale A^-1 / 2`` (``A`` the symmetric matrix of ``a``'s triangle the
    factor holds) read into that triangle, which is ``scale A^-1``'s triangle with its
    diagonal halved.  ``A^-1`` by LAPACK's ``potri`` from the factor (a float64 matrix),
    else by a solve with the identity.  Real only."""
    from s2sad.runtime.linalg import only_real
    from s2sad.runtime.triangular import triangle
    c, lower = c_and_lower
    only_real(None, c, "scipy.linalg.cho_factor")
    potri = _scipy("dpotri") if _lapack_matrix(c) else None
    inv, info = potri(c, lower=1 if lower else 0) if potri is not None else (None, 1)
    if info != 0:
        from scipy.linalg import cho_solve
        inv = cho_solve(c_and_lower, np.eye(c.shape[-1]))
    out = triangle(inv, bool(lower))
    n = out.shape[-1]
    if scale != 1.0:
        out *= scale
    out.reshape(out.shape[:-2] + (n * n,))[..., :: n + 1] *= 0.5
    return out
