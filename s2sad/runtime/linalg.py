"""Helpers for ``np.linalg`` rules and diagonals: solves, decompositions (norms:
:mod:`norms`).

``X^T`` below means the transpose of the last two axes
(``np.matrix_transpose``); stacks of matrices broadcast, and each adjoint is
summed back over the batch axes its argument was broadcast along.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.core import unbroadcast
from s2sad.runtime.triangular import tri_congruence, tri_product, tri_solve, triangle

__all__ = [
    "only_real",
    "solve_lhs_adjoint", "solve_rhs_adjoint", "solve_lhs_tangent", "solve_rhs_tangent",
    "cholesky_adjoint", "cholesky_tangent",
    "matrix_power_adjoint", "matrix_power_tangent", "undiagonal", "untrace", "diag_adjoint",
    "symmetrized", "triangle_read", "triangle_read_adjoint", "block_diag_adjoint",
    "hermitian_read", "hermitian_read_adjoint",
    "block_diag_tangent", "off_branch_cut", "pad_last", "svd_uv_adjoint",
]

_T = np.matrix_transpose


# ----- svd -----

def svd_uv_adjoint(g: Any, ans: Any) -> Any:
    """Adjoint of a real ``a`` from those of ``ans = np.linalg.svd(a)`` (``g``: a list of
    three, ``None`` for zero), ``k = min(m, n)``, ``U1``, ``V1`` the first ``k`` columns:
    ``U1 (F o (U1^T gU1 - .^T) S + diag(gS) + S (F o (V1^T gV1 - .^T))) V1^T`` with
    ``F_ij = 1 / (s_j^2 - s_i^2)`` (0 where equal), and for a matrix not square the parts
    of ``gU``, ``gV`` off the span of ``U1``, ``V1`` (zero for a square one, whose ``U``
    and ``V`` are square and orthogonal: then neither is computed, and one matrix is
    transposed by ``.T``: the cost of a small matrix's adjoint called in a loop).
    ``numpy_decompositions`` states the conventions; differentiated through itself at
    second order (``rules/helpers``)."""
    u, s, vh = ans[0], ans[1], ans[2]
    gu = np.zeros(np.shape(u)) if g[0] is None else g[0]
    gvh = np.zeros(np.shape(vh)) if g[2] is None else g[2]
    s2 = s * s
    gaps = s2[..., None, :] - s2[..., :, None]
    f = 1.0 / np.where(np.not_equal(gaps, 0.0), gaps, np.inf)
    if np.ndim(u) == 2 and np.shape(u)[0] == np.shape(vh)[1]:  # one square matrix
        mu, mv = u.T @ gu, vh @ gvh.T
        inner = f * ((mu - mu.T) * s + s[:, None] * (mv - mv.T))
        return u @ (inner if g[1] is None else inner + np.diag(g[1])) @ vh
    return _svd_any_adjoint(g[1], gu, _T(gvh), u, s, vh, f)


def _svd_any_adjoint(gs: Any, gu: Any, gv: Any, u: Any, s: Any, vh: Any, f: Any) -> Any:
    """:func:`svd_uv_adjoint` of a stack of matrices or of one not square (``gv``: the
    adjoint of ``V``)."""
    k = np.shape(s)[-1]
    u1, v1h = u[..., :, :k], vh[..., :k, :]
    mu, mv = _T(u1) @ gu[..., :, :k], v1h @ gv[..., :, :k]
    inner = f * (mu - _T(mu)) * s[..., None, :] + s[..., :, None] * (f * (mv - _T(mv)))
    if gs is not None:
        inner = inner + gs[..., :, None] * np.eye(k)
    if np.shape(u)[-2] == np.shape(vh)[-1]:  # square: nothing off the spans
        return u1 @ inner @ v1h
    s_inv = (1.0 / np.where(np.not_equal(s, 0.0), s, np.inf))[..., None, :]
    out_u = (gu[..., :, :k] - u1 @ mu - u[..., :, k:] @ (_T(gu[..., :, k:]) @ u1)) * s_inv
    out_v = (gv[..., :, :k] - _T(v1h) @ mv - _T(vh[..., k:, :]) @ (_T(gv[..., :, k:]) @
                                                                   _T(v1h))) * s_inv
    return u1 @ (inner @ v1h + _T(out_v)) + out_u @ v1h


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
