"""Helpers for linear-algebra rules: products in all their shapes (vector,
matrix, batched, broadcast), einsum, solves and decompositions.

``X^T`` below means the transpose of the last two axes
(``np.matrix_transpose``); stacks of matrices broadcast, and each adjoint is
summed back over the batch axes its argument was broadcast along.
"""
from __future__ import annotations

import string
from typing import Any

import numpy as np

from s2sad.runtime.arrays import shaped_like
from s2sad.runtime.core import unbroadcast
from s2sad.runtime.numeric import safe_div, safe_mul

__all__ = [
    "dot_lhs_adjoint", "dot_rhs_adjoint", "matmul_lhs_adjoint", "matmul_rhs_adjoint",
    "tensordot_lhs_adjoint", "tensordot_rhs_adjoint", "inner_lhs_adjoint",
    "inner_rhs_adjoint", "kron_lhs_adjoint", "kron_rhs_adjoint", "einsum_adjoint",
    "solve_lhs_adjoint", "solve_rhs_adjoint", "solve_lhs_tangent", "solve_rhs_tangent",
    "det_adjoint", "slogdet_adjoint", "slogdet_tangent", "norm_partial",
    "cholesky_adjoint", "cholesky_tangent", "matrix_power_adjoint", "matrix_power_tangent",
    "undiagonal", "untrace", "diag_adjoint",
]

_T = np.matrix_transpose


# ----- dot, matmul, tensordot, inner, kron -----

def dot_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``a`` in ``np.dot(a, b)``."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * b, a)
    if b.ndim == 1:
        return g[..., None] * b
    p, q = a.ndim, b.ndim
    return np.tensordot(g, b, axes=(list(range(p - 1, g.ndim)), [*range(q - 2), q - 1]))


def dot_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``b`` in ``np.dot(a, b)``."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * a, b)
    lead = list(range(a.ndim - 1))
    r = np.tensordot(a, g, axes=(lead, lead))
    return r if b.ndim == 1 else np.moveaxis(r, 0, -2)


def _as_matrices(g: Any, a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Promote 1-D matmul operands (and the output adjoint) to matrices."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if b.ndim == 1:
        b, g = b[:, None], g[..., None]
    if a.ndim == 1:
        a, g = a[None, :], np.expand_dims(g, -2)
    return g, a, b


def matmul_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``a`` in ``a @ b``: ``g @ b^T`` summed over broadcast batch axes."""
    g2, a2, b2 = _as_matrices(g, a, b)
    return np.reshape(unbroadcast(g2 @ _T(b2), a2), np.shape(a))


def matmul_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``b`` in ``a @ b``: ``a^T @ g`` summed over broadcast batch axes."""
    g2, a2, b2 = _as_matrices(g, a, b)
    return np.reshape(unbroadcast(_T(a2) @ g2, b2), np.shape(b))


def _tensordot_axes(axes: Any, na: int, nb: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        return list(range(na - axes, na)), list(range(axes))
    ax_a, ax_b = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
    return [i % na for i in ax_a], [j % nb for j in ax_b]


def tensordot_lhs_adjoint(g: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Adjoint of ``a`` in ``np.tensordot(a, b, axes)``."""
    ax_a, ax_b = _tensordot_axes(axes, np.ndim(a), np.ndim(b))
    free_a = [i for i in range(np.ndim(a)) if i not in ax_a]
    free_b = [j for j in range(np.ndim(b)) if j not in ax_b]
    r = np.tensordot(g, b, axes=(list(range(len(free_a), np.ndim(g))), free_b))
    order = free_a + [ax_a[ax_b.index(j)] for j in sorted(ax_b)]
    return np.transpose(r, np.argsort(order))


def tensordot_rhs_adjoint(g: Any, a: Any, b: Any, axes: Any = 2) -> Any:
    """Adjoint of ``b`` in ``np.tensordot(a, b, axes)``."""
    ax_a, ax_b = _tensordot_axes(axes, np.ndim(a), np.ndim(b))
    free_a = [i for i in range(np.ndim(a)) if i not in ax_a]
    free_b = [j for j in range(np.ndim(b)) if j not in ax_b]
    r = np.tensordot(a, g, axes=(free_a, list(range(len(free_a)))))
    order = [ax_b[ax_a.index(i)] for i in sorted(ax_a)] + free_b
    return np.transpose(r, np.argsort(order))


def inner_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``a`` in ``np.inner(a, b)`` (a contraction of the last axes)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(np.multiply(g, b), a)
    return tensordot_lhs_adjoint(g, a, b, ([-1], [-1]))


def inner_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``b`` in ``np.inner(a, b)``."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(np.multiply(g, a), b)
    return tensordot_rhs_adjoint(g, a, b, ([-1], [-1]))


def _kron_parts(g: Any, a: Any, b: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``g`` split as ``(m0, p0, m1, p1, ...)``, with ``a`` and ``b`` padded to one ndim."""
    d = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (d - np.ndim(a)) + np.shape(a)
    sb = (1,) * (d - np.ndim(b)) + np.shape(b)
    g = np.reshape(g, [n for pair in zip(sa, sb) for n in pair])
    return g, np.reshape(a, sa), np.reshape(b, sb), d


def kron_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``a`` in ``np.kron(a, b)``."""
    g, a2, b2, d = _kron_parts(g, a, b)
    la, lb = string.ascii_letters[:d], string.ascii_letters[d:2 * d]
    gs = "".join(x + y for x, y in zip(la, lb))
    return shaped_like(np.einsum(f"{gs},{lb}->{la}", g, b2), a)


def kron_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``b`` in ``np.kron(a, b)``."""
    g, a2, b2, d = _kron_parts(g, a, b)
    la, lb = string.ascii_letters[:d], string.ascii_letters[d:2 * d]
    gs = "".join(x + y for x, y in zip(la, lb))
    return shaped_like(np.einsum(f"{gs},{la}->{lb}", g, a2), b)


# ----- einsum -----

def _einsum_parse(subscripts: str, operands: Any) -> tuple[list[str], str, list[str]]:
    """Explicit per-operand and output subscripts, ``...`` spelled out in letters."""
    subs = subscripts.replace(" ", "")
    ins, out = subs.split("->") if "->" in subs else (subs, None)
    ins = ins.split(",")
    spare = [c for c in string.ascii_letters if c not in subs]
    n_ell = max([np.ndim(op) - len(s.replace("...", "")) for s, op in zip(ins, operands)
                 if "..." in s], default=0)
    ell, spare = "".join(spare[:n_ell]), spare[n_ell:]
    ins = [s.replace("...", ell[n_ell - (np.ndim(op) - len(s.replace("...", ""))):])
           for s, op in zip(ins, operands)]
    if out is None:
        letters = "".join(ins)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1
                                   and c not in ell))
    else:
        out = out.replace("...", ell)
    return ins, out, spare


def einsum_adjoint(g: Any, subscripts: str, operands: Any, k: int) -> Any:
    """Adjoint of operand ``k`` of ``np.einsum(subscripts, *operands)``: an einsum of
    ``g`` with the other operands, to operand ``k``'s subscripts (repeated letters
    write a diagonal; letters only ``k`` has, and broadcast size-1 axes, handled)."""
    ins, out, spare = _einsum_parse(subscripts, operands)
    shape = np.shape(operands[k])
    sizes: dict[str, int] = {}
    for s, op in zip(ins, operands):
        for c, n in zip(s, np.shape(op)):
            sizes[c] = max(sizes.get(c, 1), n)
    mine = [spare.pop() if n == 1 and sizes[c] > 1 else c for c, n in zip(ins[k], shape)]
    others = [s for j, s in enumerate(ins) if j != k]
    rest = [op for j, op in enumerate(operands) if j != k]
    uniq = list(dict.fromkeys(mine))
    seen = set(out).union(*others)
    avail = [c for c in uniq if c in seen]
    r = np.einsum(",".join([out, *others]) + "->" + "".join(avail), g, *rest)
    for i, c in enumerate(uniq):
        if c not in avail:
            r = np.expand_dims(r, i)
    size = dict(zip(mine, shape))
    r = np.broadcast_to(r, [size[c] for c in uniq])
    if len(uniq) == len(mine):
        return shaped_like(np.array(r, dtype=float), operands[k])
    full = np.zeros(shape)
    np.einsum(f"{''.join(mine)}->{''.join(uniq)}", full)[...] = r
    return full


# ----- solve, det, slogdet -----

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


def det_adjoint(g: Any, a: Any, ans: Any) -> Any:
    """Adjoint of ``det(a)``: ``g det(a) a^-T`` (``a`` must be invertible)."""
    return np.asarray(g * ans)[..., None, None] * _T(np.linalg.inv(a))


def slogdet_adjoint(g: Any, a: Any) -> Any:
    """Adjoint of ``slogdet(a)``; ``g = (g_sign, g_logdet)``, entries may be None."""
    g_logdet = None if g is None else g[1]
    if g_logdet is None:
        return np.zeros(np.shape(a))
    return np.asarray(g_logdet)[..., None, None] * _T(np.linalg.inv(a))


def slogdet_tangent(da: Any, a: Any, ans: Any) -> tuple:
    """Tangent of ``slogdet(a)``: ``(0, trace(solve(a, da)))``."""
    return (np.zeros(np.shape(ans[0])), np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1))


# ----- norm -----

def _share(hit: np.ndarray, axis: Any) -> np.ndarray:
    return hit / np.sum(hit, axis=axis, keepdims=True)


def _vector_norm_partial(x: np.ndarray, ord: Any, axis: Any) -> np.ndarray:  # noqa: A002
    n = np.linalg.norm(x, ord, axis, keepdims=True) if axis is not None or x.ndim == 1 \
        else np.sqrt(np.sum(x * x, keepdims=True))
    if ord is None or ord == 2:
        return safe_div(x, n)
    if ord == 1:
        return np.sign(x)
    if ord in (np.inf, -np.inf):
        return np.sign(x) * _share(np.abs(x) == n, axis)
    if ord == 0:
        return np.zeros(x.shape)
    return safe_div(safe_mul(np.sign(x), np.abs(x) ** (ord - 1)), n ** (ord - 1))


def _matrix_norm_partial(x: np.ndarray, ord: Any) -> np.ndarray:  # noqa: A002
    """d norm / dx for matrices in the last two axes."""
    if ord in (None, "fro"):
        return safe_div(x, np.sqrt(np.sum(x * x, axis=(-2, -1), keepdims=True)))
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


def norm_partial(x: Any, ord: Any = None, axis: Any = None) -> Any:  # noqa: A002
    """d np.linalg.norm(x, ord, axis) / dx, shaped like ``x`` (0 at a zero vector;
    max-type norms split the derivative equally among ties)."""
    x = np.asarray(x, dtype=float)
    if isinstance(axis, (tuple, list)) and len(axis) == 1:
        axis = axis[0]
    matrix = isinstance(axis, (tuple, list)) or (axis is None and ord is not None
                                                   and x.ndim == 2)
    if not matrix:
        return _vector_norm_partial(x, ord, axis)
    r, c = axis if axis is not None else (0, 1)
    p = _matrix_norm_partial(np.moveaxis(x, (r, c), (-2, -1)), ord)
    return np.moveaxis(p, (-2, -1), (r, c))


# ----- cholesky, matrix_power -----

def _phi(x: np.ndarray) -> np.ndarray:
    """The lower triangle with its diagonal halved."""
    return np.tril(x) - 0.5 * np.eye(x.shape[-1]) * x


def cholesky_adjoint(g: Any, ans: Any, upper: bool = False) -> Any:
    """Adjoint of ``cholesky(a)``, symmetric (``a`` is taken as symmetric)."""
    low, g = (_T(ans), _T(g)) if upper else (ans, g)
    p = _phi(_T(low) @ g)
    s = np.linalg.solve(_T(low), _T(np.linalg.solve(_T(low), _T(p))))
    return 0.5 * (s + _T(s))


def cholesky_tangent(da: Any, ans: Any, upper: bool = False) -> Any:
    """Tangent of ``cholesky(a)`` along a symmetric ``da``: ``L phi(L^-1 da L^-T)``."""
    low = _T(ans) if upper else ans
    inner = np.linalg.solve(low, _T(np.linalg.solve(low, _T(da))))
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
    out = np.zeros(np.shape(a))
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    n1, n2 = view.shape[-2:]
    rows = np.arange(max(0, -offset), min(n1, n2 - offset))
    view[..., rows, rows + offset] = g
    return out


def untrace(g: Any, a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Adjoint of ``np.trace(a, offset, axis1, axis2)``: ``g`` along the whole diagonal."""
    shape = np.shape(np.diagonal(a, offset, axis1, axis2))
    return undiagonal(np.broadcast_to(np.expand_dims(g, -1), shape), a, offset, axis1, axis2)


def diag_adjoint(g: Any, v: Any, k: int = 0) -> Any:
    """Adjoint of ``np.diag(v, k)``: a diagonal of ``g`` (vector ``v``) or a matrix
    with ``g`` on that diagonal (matrix ``v``, square or not)."""
    if np.ndim(v) == 1:
        return np.array(np.diagonal(g, k))
    return undiagonal(g, v, k, 0, 1)
