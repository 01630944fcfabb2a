"""Helpers for ``np.linalg`` rules and diagonals: solves, norms, decompositions.

``X^T`` below means the transpose of the last two axes
(``np.matrix_transpose``); stacks of matrices broadcast, and each adjoint is
summed back over the batch axes its argument was broadcast along.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.core import unbroadcast
from s2sad.runtime.numeric import safe_div, safe_mul
from s2sad.runtime.triangular import tri_congruence, tri_product, tri_solve, triangle

__all__ = [
    "only_real",
    "solve_lhs_adjoint", "solve_rhs_adjoint", "solve_lhs_tangent", "solve_rhs_tangent",
    "norm_partial", "norm_curvature", "cholesky_adjoint", "cholesky_tangent",
    "matrix_power_adjoint", "matrix_power_tangent", "undiagonal", "untrace", "diag_adjoint",
    "symmetrized", "triangle_read", "triangle_read_adjoint", "block_diag_adjoint",
    "hermitian_read", "hermitian_read_adjoint",
    "block_diag_tangent", "off_branch_cut", "pad_last",
]

_T = np.matrix_transpose


# ----- solve -----

def _solve_rhs(g: Any, a: Any, b: Any) -> np.ndarray:
    if np.ndim(b) == 1:
        return np.linalg.solve(_T(a), np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(_T(a), g)


def solve_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``b`` in ``x = solve(a, b)``: ``solve(a^T, g)``."""
    return unbroadcast(_solve_rhs(g, a, b), b)


def solve_lhs_adjoint(g: Any, a: Any, b: Any, ans: Any) -> Any:
    """Adjoint of ``a`` in ``x = solve(a, b)``: ``-solve(a^T, g) x^T``."""
    gb = _solve_rhs(g, a, b)
    if np.ndim(b) == 1:
        return unbroadcast(-gb[..., :, None] * np.asarray(ans)[..., None, :], a)
    return unbroadcast(-gb @ _T(ans), a)


def solve_lhs_tangent(da: Any, a: Any, b: Any, ans: Any) -> Any:
    """Tangent of ``solve(a, b)`` along ``da``: ``-solve(a, da x)``."""
    if np.ndim(b) == 1:
        return -np.linalg.solve(a, da @ np.asarray(ans)[..., None])[..., 0]
    return -np.linalg.solve(a, da @ ans)


def solve_rhs_tangent(db: Any, a: Any, b: Any) -> Any:
    """Tangent of ``solve(a, b)`` along ``db``: ``solve(a, db)``."""
    if np.ndim(b) == 1:
        return np.linalg.solve(a, np.asarray(db)[..., None])[..., 0]
    return np.linalg.solve(a, db)


# ----- norm -----

def _share(hit: np.ndarray, axis: Any) -> np.ndarray:
    return hit / np.sum(hit, axis=axis, keepdims=True)


def _vector_norm_partial(x: np.ndarray, ord: Any, axis: Any) -> np.ndarray:
    n = np.linalg.norm(x, ord, axis, keepdims=True) if axis is not None or x.ndim == 1 \
        else np.sqrt(np.sum(np.abs(x) ** 2, keepdims=True))
    if ord is None or ord == 2:
        return safe_div(x, n)
    if ord == 1:
        return np.sign(x)
    if ord in (np.inf, -np.inf):
        return np.sign(x) * _share(np.abs(x) == n, axis)
    if ord == 0:
        return np.zeros(x.shape)
    return safe_div(safe_mul(np.sign(x), np.abs(x) ** (ord - 1)), n ** (ord - 1))


def _matrix_norm_partial(x: np.ndarray, ord: Any) -> np.ndarray:
    """d norm / dx for matrices in the last two axes."""
    if ord in (None, "fro"):
        return safe_div(x, np.sqrt(np.sum(np.abs(x) ** 2, axis=(-2, -1), keepdims=True)))
    if ord in ("nuc", 2, -2):
        u, _, vt = np.linalg.svd(x, full_matrices=False)
        if ord == "nuc":
            return u @ vt
        i = 0 if ord == 2 else -1
        return u[..., :, i, None] * vt[..., i, None, :]
    sums_axis = -2 if ord in (1, -1) else -1  # columns for 1, rows for inf
    s = np.sum(np.abs(x), axis=sums_axis, keepdims=True)
    pick = np.max if ord in (1, np.inf) else np.min
    hit = s == pick(s, axis=-1 if sums_axis == -2 else -2, keepdims=True)
    return np.sign(x) * _share(hit, -1 if sums_axis == -2 else -2)


def _as_vectors(x: np.ndarray, axis: Any) -> tuple[np.ndarray, Any]:
    """``x`` with the axes of a vector norm (``None``: all) moved last and merged, and
    the function that takes an array of that shape back to ``x``'s layout."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(
        a % x.ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    last = tuple(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, axes, last)
    def back(v: np.ndarray) -> np.ndarray:
        return np.moveaxis(np.reshape(v, moved.shape), last, axes)
    return np.reshape(moved, moved.shape[:x.ndim - len(axes)] + (-1,)), back


def only_real(value: Any, a: Any, name: str) -> Any:
    """``value``, the derivative of ``name`` at ``a``, whose formula holds for real ``a``
    only: a complex ``a`` is refused rather than given a wrong number."""
    if np.iscomplexobj(a):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"<s2sad>:?: {name} at a complex value: only known for real values here; "
            "differentiate through real and imaginary parts you form yourself (or, for "
            "np.linalg.svd, use the singular values alone)")
    return value


def pad_last(x: Any, n: int) -> Any:
    """``x`` with zeros appended along its last axis up to length ``n``; ``x`` itself
    when it has ``n`` already (the ``np.linalg.qr`` adjoint of a tall or square matrix:
    no copy of an m x n array joined to an empty one)."""
    short = n - np.shape(x)[-1]
    if short == 0:
        return x
    return np.concatenate([x, np.zeros(np.shape(x)[:-1] + (short,), np.result_type(x))],
                          axis=-1)


def off_branch_cut(value: Any, a: Any, name: str) -> Any:
    """``value``, a derivative of the principal ``name`` (sqrtm, logm) at ``a``, unless an
    eigenvalue of ``a`` lies on the negative real axis, where the branch is cut: there the
    derivative depends on the direction (and the block-matrix formula divides by ~0)."""
    w = np.linalg.eigvals(a)
    cut = (np.abs(w.imag) <= 1e-9 * np.maximum(1.0, np.abs(w))) & (w.real <= 0)
    if np.any(cut):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"<s2sad>:?: a derivative of {name} at a matrix with an eigenvalue on the "
            "negative real axis (where its principal branch is cut, the derivative depends "
            "on the direction): shift the matrix into the right half-plane, or differentiate "
            "a formula you write for your case")
    return value


def norm_partial(x: Any, ord: Any = None, axis: Any = None, vector: bool = False,
                 value: Any = None, keepdims: bool = False) -> Any:
    """d np.linalg.norm(x, ord, axis) / dx, shaped like ``x`` (0 at a zero vector;
    max-type norms split the derivative equally among ties).  ``vector=True``: the
    vector norm over ``axis`` (all axes for ``None``, several for a tuple), as
    ``np.linalg.vector_norm``.  Complex ``x``: d/dre - i d/dim (the convention of
    docs/supported.md), the conjugate of the same formulas with sign(z) = z / |z|.
    ``value``, ``keepdims``: the norm's value and how it was taken, for the compiler's
    plain form of the 2-norm (``x / or_one(value)``: the norm the forward sweep has,
    not worked out again); not read here."""
    x = np.asarray(x)
    if x.dtype.kind == "c":
        return np.conj(_norm_partial(x, ord, axis, vector))
    return _norm_partial(np.asarray(x, dtype=float), ord, axis, vector)


def _norm_partial(x: np.ndarray, ord: Any, axis: Any, vector: bool) -> Any:
    if vector:
        flat, back = _as_vectors(x, axis)
        return back(_vector_norm_partial(flat, 2 if ord is None else ord, -1))
    if isinstance(axis, (tuple, list)) and len(axis) == 1:
        axis = axis[0]
    matrix = isinstance(axis, (tuple, list)) or (axis is None and ord is not None
                                                   and x.ndim == 2)
    if not matrix:
        return _vector_norm_partial(x, ord, axis)
    r, c = axis if axis is not None else (0, 1)
    p = _matrix_norm_partial(np.moveaxis(x, (r, c), (-2, -1)), ord)
    return np.moveaxis(p, (-2, -1), (r, c))


def _p_curvature(t: np.ndarray, x: np.ndarray, p: float, axes: Any) -> np.ndarray:
    """Hessian of the p-norm over ``axes`` applied to ``t``: ``(p-1)/n (|x|^(p-2) n^(2-p) t
    - s (s . t))`` with ``s`` the gradient; 0 at a zero vector."""
    n = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1 / p)
    s = safe_div(safe_mul(np.sign(x), np.abs(x) ** (p - 1)), n ** (p - 1))
    with np.errstate(all="ignore"):
        diag = safe_mul(t, np.abs(x) ** (p - 2)) * n ** (2 - p)
    h = (p - 1) * safe_div(diag - s * np.sum(s * t, axis=axes, keepdims=True), n)
    return np.where(n == 0, 0.0, h)


def norm_curvature(t: Any, x: Any, ord: Any = None, axis: Any = None,
                   vector: bool = False) -> Any:
    """The derivative of :func:`norm_partial` along ``t`` (its Hessian is symmetric, so
    this serves both modes).  Piecewise-linear norms (1, inf, a matrix's -1) have
    curvature 0; a vector's -1 norm, ``1 / sum(1 / |x|)``, is curved.  Complex ``x``:
    see :func:`_complex_curvature`."""
    if np.iscomplexobj(x):
        return _complex_curvature(t, np.asarray(x), ord, axis, vector)
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    flat_pieces = (1, np.inf, -np.inf, 0)
    if vector:
        if ord in flat_pieces:
            return np.zeros(x.shape)
        flat, back = _as_vectors(x, axis)
        tflat, _ = _as_vectors(np.broadcast_to(t, x.shape), axis)
        return back(_p_curvature(tflat, flat, 2.0 if ord is None else float(ord), -1))
    if isinstance(axis, (tuple, list)) and len(axis) == 1:
        axis = axis[0]
    matrix = isinstance(axis, (tuple, list)) or (axis is None and ord is not None
                                                   and x.ndim == 2)
    if ord in flat_pieces or matrix and ord == -1:
        return np.zeros(x.shape)
    if matrix and ord not in (None, "fro"):  # 'nuc', 2, -2: through the SVD
        r, c = axis if axis is not None else (0, 1)
        tm, xm = (np.moveaxis(a, (r, c), (-2, -1)) for a in (t, x))
        return np.moveaxis(_singular_curvature(tm, xm, ord), (-2, -1), (r, c))
    axes = tuple(axis) if matrix and axis is not None else axis
    return _p_curvature(t, x, 2.0 if ord in (None, 2, "fro") else float(ord), axes)


def _complex_curvature(t: Any, x: np.ndarray, ord: Any, axis: Any, vector: bool) -> Any:
    """norm_curvature of a complex ``x``: the norm as a function of the real and imaginary
    parts, its real Hessian applied to ``t`` read as (re, im), given back as ``re - i im``
    (norm_partial's convention; the same in both modes).  p-norms of the moduli (the
    Frobenius norm too): by the chain rule through ``r = |x|``, ``u = x / r``, the radial
    part ``u H_r Re(conj(u) t)`` and the turning part ``r^(p-2) / n^(p-1) (t - u Re(conj(u)
    t))``.  Max-type norms and those of singular values stay refused."""
    if isinstance(axis, (tuple, list)) and len(axis) == 1 and not vector:
        axis = axis[0]
    matrix = not vector and (isinstance(axis, (tuple, list)) or (
        axis is None and ord is not None and x.ndim == 2))
    known = ord in (None, "fro", "nuc") if matrix else (ord is None or (
        not isinstance(ord, str) and np.isfinite(ord) and ord >= 1))
    if not known:
        only_real(None, x, f"a second derivative of np.linalg.norm of ord={ord!r}")
    t = np.broadcast_to(np.asarray(t), x.shape)
    if ord == "nuc":
        r, c = axis if axis is not None else (0, 1)
        tm, xm = (np.moveaxis(a, (r, c), (-2, -1)) for a in (t, x))
        return np.moveaxis(np.conj(_polar_tangent(tm, xm)), (-2, -1), (r, c))
    p = 2.0 if ord in (None, "fro") else float(ord)
    if vector:
        flat, back = _as_vectors(x, axis)
        tflat, _ = _as_vectors(t, axis)
        return back(_modulus_curvature(tflat, flat, p, -1))
    return _modulus_curvature(t, x, p, tuple(axis) if matrix and axis is not None else axis)


def _polar_tangent(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The derivative along ``t`` of ``U V^H``, the nuclear norm's gradient (d/dre + i
    d/dim) of complex matrices of full rank with distinct singular values: ``U (C -
    C^H) / (s_i + s_j) V^H`` with ``C = U^H t V``, and of a tall matrix the part of ``t``
    outside ``U``: ``(I - U U^H) t V / s V^H``; a wide one through its transpose."""
    if x.shape[-2] < x.shape[-1]:
        return _T(_polar_tangent(_T(t), _T(x)))
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    uh, v = np.conj(_T(u)), np.conj(_T(vh))
    c = uh @ t @ v
    inner = (c - np.conj(_T(c))) / (s[..., :, None] + s[..., None, :])
    outside = (t @ v - u @ c) / s[..., None, :]
    return (u @ inner + outside) @ vh


def _modulus_curvature(t: np.ndarray, x: np.ndarray, p: float, axes: Any) -> np.ndarray:
    r = np.abs(x)
    n = np.sum(r ** p, axis=axes, keepdims=True) ** (1 / p)
    u = safe_div(x, r)
    radial = np.real(np.conj(u) * t)
    with np.errstate(all="ignore"):
        turning = np.where(r == 0, 0.0, r ** (p - 2) / n ** (p - 1))
    h = u * _p_curvature(radial, r, p, axes) + turning * (t - u * radial)
    return np.conj(np.where(n == 0, 0.0, h))


def _singular_curvature(t: np.ndarray, x: np.ndarray, ord: Any) -> np.ndarray:
    """The derivative along ``t`` of d norm / dx of matrices (last two axes) for 'nuc'
    (``U V^T``: its antisymmetric part over ``s_i + s_j``, and the part outside ``U``
    over ``s``) and 2, -2 (``u_i v_i^T`` of the largest or smallest singular value, by
    the SVD's differentials); distinct singular values, a full rank for 'nuc'."""
    if x.shape[-2] < x.shape[-1]:
        return _T(_singular_curvature(_T(t), _T(x), ord))
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    c = _T(u) @ t @ _T(vt)  # U^T t V
    outside = t @ _T(vt) / s[..., None, :] - u @ (c / s[..., None, :])  # (I - U U^T) t V / s
    if ord == "nuc":
        return (u @ ((c - _T(c)) / (s[..., :, None] + s[..., None, :])) + outside) @ vt
    i = 0 if ord == 2 else -1
    si, gap = s[..., i, None], s[..., i, None] ** 2 - s ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        du = np.where(gap == 0, 0.0, (c[..., :, i] * si + c[..., i, :] * s) / gap)
        dv = np.where(gap == 0, 0.0, (c[..., :, i] * s + c[..., i, :] * si) / gap)
    du_i = (u @ du[..., None])[..., 0] + outside[..., :, i]
    dv_i = (_T(vt) @ dv[..., None])[..., 0]
    return du_i[..., :, None] * vt[..., i, None, :] + u[..., :, i, None] * dv_i[..., None, :]


# ----- cholesky, eigh, matrix_power -----

def triangle_read(x: Any, uplo: str = "L") -> Any:
    """The symmetric matrix ``eigh(x, UPLO)`` works on: the lower (or upper) triangle of
    ``x`` mirrored; the other triangle is never read."""
    x = np.asarray(x)
    if uplo is True or str(uplo).upper() == "U":  # (True: cholesky's upper=True)
        return np.triu(x) + _T(np.triu(x, 1))
    return np.tril(x) + _T(np.tril(x, -1))


def triangle_read_adjoint(g: Any, uplo: str = "L") -> Any:
    """Adjoint of :func:`triangle_read`: an entry of the triangle read gets the adjoints
    of both places it fills; the triangle not read gets none.  (One triangle of
    ``g + g^T``, its diagonal put back: one pass fewer over an ``n x n`` array than two
    triangles added, what a Cholesky adjoint of a large matrix ends with.)"""
    g = np.asarray(g)
    lower = not (uplo is True or str(uplo).upper() == "U")
    if g.ndim == 2 and g.shape[0] == g.shape[1]:  # a matrix: .T and its flat diagonal
        both = triangle(g + g.T, lower)
        both.flat[:: g.shape[0] + 1] = np.diagonal(g)
        return both
    both = triangle(g + _T(g), lower)
    if both.ndim < 2:
        return both
    diag = np.einsum("...ii->...i", both)  # a writable view of the diagonal
    diag[...] = np.diagonal(g, axis1=-2, axis2=-1)
    return both


def hermitian_read(x: Any, uplo: str = "L") -> Any:
    """The Hermitian matrix ``eigh(x, UPLO)`` works on: one triangle of ``x``, its
    conjugate mirrored, the imaginary part of the diagonal dropped (LAPACK never reads
    it); :func:`triangle_read` for a real ``x``."""
    x = np.asarray(x)
    if x.dtype.kind != "c":
        return triangle_read(x, uplo)
    lower = not (uplo is True or str(uplo).upper() == "U")
    strict = np.tril(x, -1) if lower else np.triu(x, 1)
    return strict + np.conj(_T(strict)) + _diagonal_matrix(np.real(
        np.diagonal(x, axis1=-2, axis2=-1)))


def hermitian_read_adjoint(g: Any, uplo: str = "L") -> Any:
    """Adjoint of :func:`hermitian_read` (d/dre - i d/dim): an entry of the triangle read
    gets ``g_ij + conj(g_ji)``, the diagonal the real part of ``g``'s, the other triangle
    nothing; :func:`triangle_read_adjoint` for a real ``g``."""
    g = np.asarray(g)
    if g.dtype.kind != "c":
        return triangle_read_adjoint(g, uplo)
    lower = not (uplo is True or str(uplo).upper() == "U")
    both = g + np.conj(_T(g))
    strict = np.tril(both, -1) if lower else np.triu(both, 1)
    return strict + _diagonal_matrix(np.real(np.diagonal(g, axis1=-2, axis2=-1)))


def _diagonal_matrix(d: np.ndarray) -> np.ndarray:
    return d[..., :, None] * np.eye(d.shape[-1])


def symmetrized(x: Any) -> Any:
    """``(x + x^T) / 2`` over the last two axes (its own adjoint)."""
    return 0.5 * (x + _T(x))


def _phi(x: np.ndarray) -> np.ndarray:
    """The lower triangle with its diagonal halved."""
    return np.tril(x) - 0.5 * np.eye(x.shape[-1]) * x


def cholesky_adjoint(g: Any, ans: Any, upper: bool = False) -> Any:
    """Adjoint of ``cholesky(a)``, symmetric (``a`` is taken as symmetric):
    ``L^-T sym(phi(L^T g)) L^-1`` (I. Murray, 2016), where ``sym(phi(x))`` is half the
    symmetric matrix with ``x``'s lower triangle.  The sandwich is taken on the factor
    itself (``ans``: ``L``, or ``U = L^T`` with ``upper``) by :func:`tri_congruence`,
    never by an inverse or a general solve.  Real ``a`` only (a complex one refused)."""
    only_real(None, ans, "np.linalg.cholesky")
    # L^T g; for U, its transpose g U^T = (U g^T)^T
    x = _T(tri_product(ans, _T(g), False)) if upper else tri_product(ans, g, True, True)
    return 0.5 * tri_congruence(ans, x, not upper, not upper)


def cholesky_tangent(da: Any, ans: Any, upper: bool = False) -> Any:
    """Tangent of ``cholesky(a)`` along a symmetric ``da``: ``L phi(L^-1 da L^-T)``
    (real ``a`` only: a complex one refused)."""
    only_real(None, ans, "np.linalg.cholesky")
    low = _T(ans) if upper else ans
    inner = tri_solve(low, _T(tri_solve(low, _T(da), True)), True)  # L^-1 da L^-T
    dl = low @ _phi(inner)
    return _T(dl) if upper else dl


def _powers(a: Any, m: int) -> list[np.ndarray]:
    out = [np.broadcast_to(np.eye(np.shape(a)[-1]), np.shape(a))]
    for _ in range(m - 1):
        out.append(out[-1] @ a)
    return out


def matrix_power_adjoint(g: Any, a: Any, n: int) -> Any:
    """Adjoint of ``matrix_power(a, n)``: ``sum_k (a^T)^k g (a^T)^(n-1-k)``."""
    if n == 0:
        return np.zeros(np.shape(a))
    base = a if n > 0 else np.linalg.inv(a)
    p = _powers(base, abs(n))
    gb = sum(_T(p[k]) @ g @ _T(p[abs(n) - 1 - k]) for k in range(abs(n)))
    return gb if n > 0 else -_T(base) @ gb @ _T(base)


def matrix_power_tangent(da: Any, a: Any, n: int) -> Any:
    """Tangent of ``matrix_power(a, n)``."""
    if n == 0:
        return np.zeros(np.shape(a))
    base = a if n > 0 else np.linalg.inv(a)
    db = da if n > 0 else -base @ da @ base
    p = _powers(base, abs(n))
    return sum(p[k] @ db @ p[abs(n) - 1 - k] for k in range(abs(n)))


# ----- diagonals -----

def undiagonal(g: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Adjoint of ``np.diagonal(a, offset, axis1, axis2)``: ``g`` written on that diagonal."""
    out = np.zeros(getattr(a, "shape", None) or np.shape(a),  # (a, or its shape_of;
                   dtype=np.result_type(g, float))  # a complex g kept)
    if out.ndim == 2 and (axis1, axis2) == (0, 1) and offset == 0:
        cols = out.shape[1]  # (the main diagonal of a matrix: no moveaxis)
        out.flat[:min(out.shape) * cols:cols + 1] = g
        return out
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    n1, n2 = view.shape[-2:]
    rows = np.arange(max(0, -offset), min(n1, n2 - offset))
    view[..., rows, rows + offset] = g
    return out


def untrace(g: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Adjoint of ``np.trace(a, offset, axis1, axis2)``: ``g`` along the whole diagonal.
    Only ``a``'s shape is read (``a`` may be the reverse sweep's ``shape_of`` of it)."""
    full = tuple(getattr(a, "shape", None) or np.shape(a))
    if len(full) == 2 and offset == 0 and np.ndim(g) == 0 and \
            (axis1 % 2, axis2 % 2) in ((0, 1), (1, 0)):  # a matrix's trace: g * I, ~1 us
        out = np.zeros(full, dtype=np.result_type(g, float))
        out.flat[:min(full) * full[1]:full[1] + 1] = g
        return out
    shape = _diagonal_shape(full, offset, axis1, axis2)
    return undiagonal(np.broadcast_to(np.expand_dims(g, -1), shape), a, offset, axis1, axis2)


def _diagonal_shape(shape: tuple, offset: int, axis1: int, axis2: int) -> tuple:
    """The shape of ``np.diagonal`` of an array of ``shape``: the two axes dropped, the
    diagonal's length last."""
    a1, a2 = axis1 % len(shape), axis2 % len(shape)
    rows, cols = shape[a1], shape[a2]
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    return tuple(d for i, d in enumerate(shape) if i not in (a1, a2)) + (n,)


def diag_adjoint(g: Any, v: Any, k: int = 0) -> Any:
    """Adjoint of ``np.diag(v, k)``: a diagonal of ``g`` (vector ``v``) or a matrix
    with ``g`` on that diagonal (matrix ``v``, square or not)."""
    if np.ndim(v) == 1:
        return np.array(np.diagonal(g, k))
    return undiagonal(g, v, k, 0, 1)


def _block(arrs: Any, i: int) -> tuple:
    """Where ``scipy.linalg.block_diag(*arrs)`` puts ``arrs[i]`` (a 1-D array as a row, a
    number as 1x1): (first row, first column, rows, columns), and the output's shape."""
    shapes = [np.atleast_2d(np.asarray(a)).shape[-2:] for a in arrs]
    rows, cols = [0, *np.cumsum([h for h, _ in shapes])], [0, *np.cumsum([w for _, w in shapes])]
    return (int(rows[i]), int(cols[i]), *shapes[i]), (int(rows[-1]), int(cols[-1]))


def block_diag_adjoint(g: Any, arrs: Any, i: int) -> Any:
    """Adjoint of ``block_diag(*arrs)`` in ``arrs[i]``: its block of ``g``."""
    (r, c, h, w), _ = _block(arrs, i)
    return np.reshape(g[r:r + h, c:c + w], np.shape(arrs[i]))


def block_diag_tangent(t: Any, arrs: Any, i: int) -> Any:
    """Tangent of ``block_diag(*arrs)`` from ``arrs[i]``'s: ``t`` in its block, zeros
    elsewhere (the transpose of :func:`block_diag_adjoint`)."""
    (r, c, h, w), shape = _block(arrs, i)
    out = np.zeros(shape, dtype=np.result_type(t, float))
    out[r:r + h, c:c + w] = np.reshape(t, (h, w))
    return out
