"""Helpers for products: ``dot``, ``matmul``, ``tensordot``, ``inner``, ``kron``
and ``einsum``, in all their shapes (vectors, matrices, batched and broadcast
stacks).  Each ``*_lhs_adjoint`` / ``*_rhs_adjoint`` is the transpose of the
product as a linear map of one operand; the rules for these helpers (for
derivatives of derivatives) are products again.
"""
from __future__ import annotations

import string
from typing import Any

import numpy as np

from s2sad.runtime.arrays import shaped_like
from s2sad.runtime.core import unbroadcast

__all__ = [
    "dot_lhs_adjoint", "dot_rhs_adjoint", "matmul_lhs_adjoint", "matmul_rhs_adjoint",
    "tensordot_lhs_adjoint", "tensordot_rhs_adjoint", "inner_lhs_adjoint",
    "inner_rhs_adjoint", "kron_lhs_adjoint", "kron_rhs_adjoint", "einsum_adjoint",
    "einsum_with", "einsum_operands_adjoint", "einsum_operands_tangent",
    "einsum_adjoint_tangent", "multi_dot_adjoint", "multi_dot_tangent", "multi_dot_second",
    "multi_dot_tangent2", "einsum_interleaved_second",
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
    if a.ndim == 1 and b.ndim == 1:  # (two vectors: tensordot's set-up costs ~10 us)
        return g * a
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


def _plain(g: Any, a: Any, b: Any) -> bool:
    """Matrix times matrix, or matrix times vector: no batch axes to sum over."""
    return type(a) is np.ndarray and type(b) is np.ndarray and a.ndim == 2 and b.ndim <= 2


def _stacked_by_matrix(g: Any, a: Any, b: Any) -> bool:
    """A stack of matrices ``a`` (rank 3 or more) times one matrix ``b``, ``g`` shaped
    like the product: the stack's rows are rows of one matrix, so each adjoint is one
    matrix product (NumPy runs ``a @ b`` of a stack as one small product per matrix)."""
    return type(a) is np.ndarray and type(b) is np.ndarray and type(g) is np.ndarray and \
        a.ndim > 2 and b.ndim == 2 and g.shape == a.shape[:-1] + b.shape[-1:]


def matmul_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``a`` in ``a @ b``: ``g @ b^T`` summed over broadcast batch axes."""
    if _plain(g, a, b):
        return g @ b.T if b.ndim == 2 else np.multiply.outer(g, b)
    if _stacked_by_matrix(g, a, b):
        return np.reshape(np.reshape(g, (-1, g.shape[-1])) @ b.T, a.shape)
    g2, a2, b2 = _as_matrices(g, a, b)
    return np.reshape(unbroadcast(g2 @ _T(b2), a2), np.shape(a))


def matmul_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    """Adjoint of ``b`` in ``a @ b``: ``a^T @ g`` summed over broadcast batch axes."""
    if _plain(g, a, b):
        return a.T @ g
    if _stacked_by_matrix(g, a, b):
        return np.reshape(a, (-1, a.shape[-1])).T @ np.reshape(g, (-1, g.shape[-1]))
    g2, a2, b2 = _as_matrices(g, a, b)
    return np.reshape(unbroadcast(_T(a2) @ g2, b2), np.shape(b))


def _tensordot_axes(axes: Any, na: int, nb: int) -> tuple[list[Any], list[Any]]:
    # the axes are ints, or numpy integers when the caller passed those
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
    joined, out = subs.split("->") if "->" in subs else (subs, None)
    ins = joined.split(",")
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


def _interleaved(subscripts: Any, operands: Any, k: int) -> tuple[str, list, int]:
    """``np.einsum(a, [0, 1], b, [1, 2], [0, 2])`` with its sublists held in variables:
    (subscripts string, the arrays, the index among them of argument ``k + 1``)."""
    args = [subscripts, *operands]
    pairs = args[:-1] if len(args) % 2 else args  # an odd count ends with the output's
    text = ",".join(_letters_of(s) for s in pairs[1::2]) + (
        "->" + _letters_of(args[-1]) if len(args) % 2 else "")
    return text, pairs[0::2], (k + 1) // 2


def einsum_interleaved_second(subscripts: Any) -> Any:
    """Second derivatives of ``np.einsum(a, s0, b, s1)`` with the sublists held in
    variables are not written: refused (write the sublists in the call, or a string)."""
    from s2sad.errors import DifferentiationError
    raise DifferentiationError(
        "<s2sad>:?: a second derivative of np.einsum with sublists held in variables: "
        "write the sublists in the call (np.einsum(a, [0, 1], b, [1, 2])) or use a "
        "subscripts string")


def _letters_of(sublist: Any) -> str:
    return "".join("..." if a is Ellipsis else string.ascii_letters[int(a)] for a in sublist)


def einsum_adjoint(g: Any, subscripts: str, operands: Any, k: int) -> Any:
    """Adjoint of operand ``k`` of ``np.einsum(subscripts, *operands)``: an einsum of
    ``g`` with the other operands, to operand ``k``'s subscripts (repeated letters
    write a diagonal; letters only ``k`` has, and broadcast size-1 axes, handled).
    Sublists held in variables (``k`` then counts from the first argument, -1 for it)
    are read as NumPy reads them."""
    if not isinstance(subscripts, str):
        return einsum_adjoint(g, *_interleaved(subscripts, operands, k))
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
    kind = complex if np.iscomplexobj(operands[k]) else float
    r = np.broadcast_to(r if kind is complex else np.real(r), [size[c] for c in uniq])
    if len(uniq) == len(mine):  # a real operand's adjoint is real (docs/supported.md)
        return shaped_like(np.array(r, dtype=kind), operands[k])
    full = np.zeros(shape, dtype=kind)
    np.einsum(f"{''.join(mine)}->{''.join(uniq)}", full)[...] = r
    return full


def _replace(seq: Any, k: int, v: Any) -> list:
    out = list(seq)
    out[k] = v
    return out


def einsum_with(subscripts: str, operands: Any, k: int, v: Any) -> Any:
    """``np.einsum(subscripts, *operands)`` with operand ``k`` replaced by ``v``
    (the forward term of operand ``k``)."""
    if not isinstance(subscripts, str):
        return np.einsum(*_replace([subscripts, *operands], k + 1, v))
    return np.einsum(subscripts, *_replace(operands, k, v))


def einsum_operands_adjoint(g: Any, subscripts: str, operands: Any, skip: int) -> tuple:
    """Adjoints of every operand but ``skip`` (which gets zeros) for output adjoint ``g``."""
    if not isinstance(subscripts, str):
        einsum_interleaved_second(subscripts)
    return tuple(np.zeros(np.shape(op)) if j == skip else einsum_adjoint(g, subscripts, operands, j)
                 for j, op in enumerate(operands))


def einsum_operands_tangent(subscripts: str, operands: Any, skip: int, tangents: Any) -> Any:
    """Tangent of the einsum along every operand's tangent but ``skip``'s."""
    if not isinstance(subscripts, str):
        einsum_interleaved_second(subscripts)
    terms = [einsum_with(subscripts, operands, j, t) for j, t in enumerate(tangents)
             if j != skip and t is not None]
    return sum(terms) if terms else np.zeros(np.shape(np.einsum(subscripts, *operands)))


def einsum_adjoint_tangent(t: Any, subscripts: str, operands: Any, k: int, tangents: Any) -> Any:
    """Tangent of ``einsum_adjoint(t, subscripts, operands, k)`` along the operands'."""
    if not isinstance(subscripts, str):
        einsum_interleaved_second(subscripts)
    terms = [einsum_adjoint(t, subscripts, _replace(operands, j, d), k)
             for j, d in enumerate(tangents) if j != k and d is not None]
    return sum(terms) if terms else np.zeros(np.shape(operands[k]))


# ----- multi_dot: a chain of matrix products (the first and last may be vectors) -----

def _inexact(x: Any) -> np.ndarray:
    """``x`` as an array of floats, or of complex numbers if it holds them (a float
    cast would drop their imaginary parts)."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(float)


def _chain(arrays: Any) -> list[np.ndarray]:
    """The chain as matrices: a 1-D first factor a row, a 1-D last one a column."""
    mats = [_inexact(x) for x in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def _chain_adjoints(g: Any, arrays: Any) -> list[np.ndarray]:
    """One adjoint per factor of the chain, ``L^T g R^T`` with ``L`` the product of
    the factors before it and ``R`` of those after."""
    mats = _chain(arrays)
    g = np.reshape(_inexact(g), (mats[0].shape[0], mats[-1].shape[1]))
    left = [np.eye(mats[0].shape[0])]
    for m in mats[:-1]:
        left.append(left[-1] @ m)
    right = [np.eye(mats[-1].shape[1])]
    for m in mats[:0:-1]:
        right.append(m @ right[-1])
    right = right[::-1]  # right[k]: the product of the factors after k
    return [left[k].T @ g @ right[k].T for k in range(len(mats))]


def _flat(parts: Any) -> np.ndarray:
    return np.concatenate([np.ravel(p) for p in parts])


def multi_dot_adjoint(g: Any, arrays: Any) -> np.ndarray:
    """Adjoint of ``np.linalg.multi_dot(arrays)``, the factors' adjoints raveled and
    joined in one flat array (``unconcat(_, arrays, None)`` makes it a list like
    ``arrays``): an array, so the terms of its own derivatives add with ``+``."""
    return _flat(_chain_adjoints(g, arrays))


def multi_dot_tangent(arrays: Any, tangents: Any) -> Any:
    """Tangent of ``np.linalg.multi_dot(arrays)`` along the factors' ``tangents``
    (``None`` entries are zero): the transpose of :func:`multi_dot_adjoint`."""
    terms = [np.linalg.multi_dot(_replace(arrays, k, t)) for k, t in enumerate(tangents or ())
             if t is not None]
    return sum(terms) if terms else np.zeros(np.shape(np.linalg.multi_dot(arrays)))


def multi_dot_second(g: Any, arrays: Any, tangents: Any) -> np.ndarray:
    """Flat like :func:`multi_dot_adjoint`, entry ``j``: ``sum_{k != j}`` of the adjoint
    of factor ``j`` with factor ``k`` replaced by its tangent (``None``: zero); the
    derivative of :func:`multi_dot_adjoint` in the factors along ``tangents``, and the
    adjoint in the factors of :func:`multi_dot_tangent`."""
    out: list = [np.zeros(np.shape(x)) for x in arrays]
    if g is not None and tangents is not None:
        for k, t in enumerate(tangents):
            if t is None:
                continue
            adj = _chain_adjoints(g, _replace(arrays, k, t))
            for j in range(len(arrays)):
                if j != k:
                    out[j] = out[j] + np.reshape(adj[j], np.shape(out[j]))
    return _flat(out)


def multi_dot_tangent2(arrays: Any, tangents: Any, others: Any) -> Any:
    """``sum_{j != k}`` of the chain with factor ``k`` replaced by ``tangents[k]`` and
    factor ``j`` by ``others[j]``: the derivative of :func:`multi_dot_tangent` in the
    factors along ``others``."""
    terms = [np.linalg.multi_dot(_replace(_replace(arrays, k, t), j, u))
             for k, t in enumerate(tangents or ()) for j, u in enumerate(others or ())
             if j != k and t is not None and u is not None]
    return sum(terms) if terms else np.zeros(np.shape(np.linalg.multi_dot(arrays)))
