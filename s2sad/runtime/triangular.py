"""Solves with triangular factors (a Cholesky factor, its transpose): ``O(n^2)`` per
right-hand side with ``scipy.linalg.solve_triangular`` when SciPy is installed
(imported on first use, never at ``import s2sad``), ``np.linalg.solve`` otherwise.
The compiler calls ``tri_solve`` where it knows a matrix is triangular
(``compiler/ranks.py``); ``tri_congruence`` is the last step of the Cholesky adjoint
(``runtime/linalg.py``).  Their rules are in ``rules/helpers.py``."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

__all__ = ["tri_solve", "tri_product", "tri_congruence", "cho_solve_factor_adjoint"]

_T = np.matrix_transpose
_SCIPY: dict[str, Any] = {}  # name -> scipy.linalg's function, or None: looked for once


def _scipy(name: str) -> Any:
    """``scipy.linalg``'s (or its ``lapack`` module's) ``name``; None without SciPy."""
    if name not in _SCIPY:
        import importlib.util
        if importlib.util.find_spec("scipy") is None:  # scipy is optional
            _SCIPY[name] = None
        elif name == "solve_triangular":
            from scipy.linalg import solve_triangular
            _SCIPY[name] = solve_triangular
        elif name.endswith("trmm"):
            from scipy.linalg import blas
            _SCIPY[name] = getattr(blas, name, None)
        else:
            from scipy.linalg import lapack
            _SCIPY[name] = getattr(lapack, name, None)
    return _SCIPY[name]


def tri_solve(a: Any, b: Any, lower: bool, trans: bool = False) -> Any:
    """``solve(a, b)`` (``solve(a^T, b)`` with ``trans``) of a triangular ``a``."""
    solver = _scipy("solve_triangular")
    if solver is None or np.ndim(a) != 2:
        return np.linalg.solve(_T(a) if trans else a, b)
    if type(a) is np.ndarray and type(b) is np.ndarray and a.dtype == _F64 == b.dtype \
            and 1 <= b.ndim <= 2 and a.shape[0] == a.shape[1] == b.shape[0] > 0:
        x = _lapack_solve(a, b, lower, trans)
        if x is not None:
            return x
    return solver(a, b, trans=1 if trans else 0, lower=lower, check_finite=False)


_F64 = np.dtype(np.float64)


def _lapack_solve(a: np.ndarray, b: np.ndarray, lower: bool, trans: bool) -> Any:
    """LAPACK's ``dtrtrs`` called directly: SciPy's ``solve_triangular`` spends ~8 us
    checking what it is given, 10x the solve of a 6x6 system (a Cholesky quadratic form
    in a small model).  A C-ordered ``a`` is passed as its transpose (a Fortran-ordered
    view, no copy), the other triangle, solved the other way round.  None when LAPACK
    reports a zero on the diagonal (SciPy's solver then raises its error)."""
    trtrs = _scipy("dtrtrs")
    if trtrs is None:
        return None
    if a.flags.c_contiguous and not a.flags.f_contiguous:
        a, lower, trans = a.T, not lower, not trans
    x, info = trtrs(a, b, lower=1 if lower else 0, trans=1 if trans else 0)
    return x if info == 0 else None


def tri_product(a: Any, b: Any, lower: bool, trans: bool = False) -> Any:
    """``a @ b`` (``a^T @ b`` with ``trans``) of a triangular ``a`` and a matrix ``b``:
    BLAS ``trmm`` (SciPy's ``blas.?trmm``) skips the zero triangle, ``n^3`` flops
    where ``@`` spends ``2 n^3`` (the first product of the Cholesky adjoint).  Only
    ``a``'s triangle is read; stacks, other dtypes and no SciPy take ``@``."""
    dtype = np.result_type(a, b)
    trmm = _scipy("strmm" if dtype == np.float32 else "dtrmm") if dtype in (
        np.float32, np.float64) and np.ndim(a) == 2 == np.ndim(b) else None
    if trmm is None or np.shape(a)[1] != np.shape(b)[0]:
        return (_T(a) if trans else a) @ b
    return trmm(1.0, a, b, lower=1 if lower else 0, trans_a=1 if trans else 0)


def _two_solves(a: Any, m: Any, lower: bool, trans: bool) -> Any:
    """``x^-1 m x^-T`` (``x`` is ``a``, or ``a^T`` with ``trans``) of a symmetric ``m``."""
    s = tri_solve(a, _T(tri_solve(a, m, lower, trans)), lower, trans)
    return 0.5 * (s + _T(s))  # (symmetric up to rounding)


def _sygst(a: Any, m: Any) -> Any:
    """SciPy's ``lapack.?sygst`` for one real ``n x n`` pair of NumPy arrays (what the
    sygst branch of ``tri_congruence`` works on with ``.T``), else None."""
    if type(a) is not np.ndarray or type(m) is not np.ndarray:
        return None
    dtype = a.dtype if a.dtype == m.dtype else np.result_type(a, m)
    if dtype not in (np.float32, np.float64) or np.ndim(a) != 2 or \
            np.shape(a) != np.shape(m) or np.shape(a)[0] != np.shape(a)[1]:
        return None
    return _scipy("ssygst" if dtype == np.float32 else "dsygst")


def _read(m: Any, lower: bool) -> Any:
    """The symmetric matrix with ``m``'s lower (upper) triangle."""
    return triangle(m, lower) + _T(triangle(m, lower, -1 if lower else 1))


def triangle(m: Any, lower: bool, k: int = 0) -> Any:
    """``np.tril(m, k)`` (``np.triu`` when not ``lower``): of a small float matrix by a
    remembered mask (``np.tril`` builds its mask each call: 3 us on a 6x6 matrix, the
    cost of the solves of a Cholesky adjoint at that size)."""
    if type(m) is np.ndarray and m.ndim == 2 and m.shape[0] <= _MASKED and \
            m.shape[1] <= _MASKED and m.dtype.kind in "fc":
        return np.where(_mask((m.shape[0], m.shape[1]), lower, k), m, 0.0)
    return np.tril(m, k) if lower else np.triu(m, k)


_MASKED = 128  # the largest matrix side a triangle mask is kept for (16 KiB a mask)


@functools.lru_cache(maxsize=128)
def _mask(shape: tuple[int, int], lower: bool, k: int) -> np.ndarray:
    rows, cols = shape
    mask = np.tri(rows, cols, k, dtype=bool) if lower else ~np.tri(rows, cols, k - 1, dtype=bool)
    mask.flags.writeable = False
    return mask


def tri_congruence(a: Any, m: Any, lower: bool, trans: bool = False) -> Any:
    """``x^-1 S x^-T`` with ``x`` a triangular ``a`` (``a^T`` with ``trans``) and ``S``
    the symmetric matrix with ``m``'s lower triangle (its upper one for an upper ``a``;
    the other triangle of ``m`` is not read).  The result is symmetric.

    Why: the Cholesky adjoint is ``L^-T S L^-1 / 2`` with ``S`` read from the lower
    triangle of ``L^T g``.  Two triangular solves with ``n`` right-hand sides cost
    ``2 n^3`` flops; LAPACK's ``sygst`` (the reduction of a symmetric-definite
    eigenproblem, SciPy's ``lapack.?sygst``) reads one triangle of ``S`` and of ``a``
    and costs ``n^3``.  It computes ``a^-1 S a^-T`` of a lower ``a`` and ``a^-T S a^-1``
    of an upper one; the other two cases are those with rows and columns reversed
    (``J a^T J`` is triangular the same way round as ``a``, ``J`` the reversal).
    Stacks of matrices, complex dtypes and NumPy without SciPy take two solves."""
    sygst = _sygst(a, m)
    if sygst is None:
        return _two_solves(a, _read(np.asarray(m), lower), lower, trans)
    flip = lower == trans  # the case sygst does not do: reverse rows and columns
    out, info = sygst(m.T[::-1, ::-1] if flip else m, a.T[::-1, ::-1] if flip else a,
                      itype=1, lower=1 if lower else 0)
    if info != 0:  # (LAPACK refused an argument: not expected of a square pair)
        return _two_solves(a, _read(np.asarray(m), lower), lower, trans)
    # sygst writes the triangle it reads (the other still holds m's entries): mirror it
    # (.T, not np.matrix_transpose: 0.06 us, not 0.45, on the matrices of a small model)
    t = triangle(out, lower)
    full = t + t.T
    full.flat[:: len(full) + 1] = t.flat[:: len(full) + 1]
    return full[::-1, ::-1] if flip else full


def cho_solve_factor_adjoint(w: Any, c_and_lower: Any, ans: Any) -> Any:
    """``c``'s adjoint in ``x = cho_solve((c, lower), b)`` given ``w = A^-1 g`` (SciPy's
    ``cho_solve`` of ``g``: two triangular solves, where the adjoint of a general solve
    would form ``A = L L^T`` and factor it again): ``A``'s is ``M = -w x^T``, and
    through ``A = L L^T`` the factor's triangle gets ``(M + M^T) L`` (``U (M + M^T)``
    for ``A = U^T U``).  No rule: a derivative through it reads this source."""
    c = c_and_lower[0]
    m = np.outer(w, ans) if np.ndim(ans) == 1 else w @ _T(ans)
    s = -(m + _T(m))
    if c_and_lower[1]:
        return np.tril(s @ np.tril(c))
    return np.triu(np.triu(c) @ s)
