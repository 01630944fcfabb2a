"""Helpers for ``np.linalg.norm``'s rules: the partials of vector and matrix norms of any
order (shares of the largest entries for the infinity norms, of the largest singular
value for the spectral norm) and their curvatures, complex entries included.

``X^T`` below means the transpose of the last two axes (``np.matrix_transpose``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.linalg import only_real
from s2sad.runtime.numeric import safe_div, safe_mul

__all__ = ["norm_partial", "norm_curvature"]

_T = np.matrix_transpose


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
