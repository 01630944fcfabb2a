"""Part of the sparsity stage: how each kind of operation combines the dependency rows
of its operands (:class:`~s2sad.compiler.deps.Dep`).  Moving elements works on the ids
alone; elementwise operations, reductions, running reductions, products and writes
build the rows they need; an operation not modelled reads everything (:func:`anything`).
Apart from :mod:`deps`, which says what a dependency value is."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sparse

from s2sad.compiler.deps import (
    Dep,
    Num,
    cols_of,
    compact,
    constant_ids,
    deps_in,
    empty_rows,
    from_pattern,
    is_number,
    stacked,
    value_of,
    width,
)


def moved(value: Any, move: Callable[[list], Any], items: list) -> Dep:
    """An operation that only moves (or zeroes) elements: apply it to the ids."""
    ids, rows = stacked(items)
    out = np.asarray(move(ids), dtype=np.int64)
    if is_number(value) and out.size == 1:
        k = int(out.reshape(()))
        return Num(value, frozenset(rows.indices[rows.indptr[k]:rows.indptr[k + 1]].tolist()),
                   rows.shape[1])
    if out.shape != np.shape(value):
        out = np.broadcast_to(out, np.shape(value))
    return compact(Dep(value, out, rows))


def elementwise(value: Any, operands: list) -> Dep:
    """Each output element reads the elements of the operands it is computed from
    (broadcasting aligns them)."""
    shape = np.shape(value)
    deps = [d for d in operands if isinstance(d, Dep)]
    if is_number(value) and all(d.shape == () for d in deps):
        return Num(value, frozenset().union(*(cols_of(d) for d in deps)), deps[0].width)
    first = deps[0]
    ids0 = np.broadcast_to(first.ids, shape)
    if all(d.rows is first.rows and np.array_equal(np.broadcast_to(d.ids, shape), ids0)
           for d in deps[1:]):
        return Dep(value, ids0, first.rows)
    total = None
    for d in deps:
        part = d.rows[np.ravel(np.broadcast_to(d.ids, shape))]
        total = part if total is None else total + part
    return from_pattern(value, total)


def reduced(value: Any, dep: Dep, axis: Any) -> Dep:
    """A reduction over ``axis`` (None: all): an output element reads its group."""
    shape = dep.shape
    if axis is None or not shape:
        return anything(value, [dep])
    axes = tuple(a % len(shape) for a in np.atleast_1d(axis))
    kept = tuple(1 if k in axes else s for k, s in enumerate(shape))
    groups = int(np.prod(kept))
    target = np.broadcast_to(np.arange(groups).reshape(kept), shape).ravel()
    size = target.size
    gather = sparse.csr_matrix((np.ones(size, bool), (target, np.arange(size))),
                               shape=(groups, size))
    grouped = from_pattern(np.zeros(kept), gather @ dep.pattern())
    if np.shape(value) == kept:
        return Dep(value, grouped.ids, grouped.rows)
    try:
        ids = np.broadcast_to(grouped.ids, np.shape(value))
    except ValueError:
        ids = grouped.ids.reshape(np.shape(value))
    return Dep(value, ids, grouped.rows)


def written(value: Any, x: Any, idx: Any, v: Any, n: int) -> Dep:
    """``x[idx] = v`` of one element: the written row waits in ``extra`` (O(1) in the
    rows; the ids are copied)."""
    if isinstance(x, Dep):
        ids, rows, extra = np.array(x.ids, copy=True), x._rows, x.extra
    else:
        ids, rows, extra = constant_ids(value), empty_rows(n), []
    cols = cols_of(v)
    if cols:
        extra.append(cols)
        ids[idx] = rows.shape[0] + len(extra) - 1
    else:
        ids[idx] = 0
    return Dep(value, ids, rows, extra)


def scattered(value: Any, x: Any, idx: Any, v: Any) -> Dep:
    """``x[idx] += v`` (indices may repeat): element e reads x[e] and every v landing there."""
    size = int(np.size(value))
    target = np.broadcast_to(np.arange(size).reshape(np.shape(value))[idx], np.shape(value_of(v)))
    spread = sparse.csr_matrix((np.ones(target.size, bool), (target.ravel(),
                                                            np.arange(target.size))),
                               shape=(size, target.size))
    n = width([x, v])
    total = x.pattern() if isinstance(x, Dep) else empty_rows(n, size)
    if isinstance(v, Dep):
        total = total + spread @ v.pattern()
    return from_pattern(value, total)


def prefix(value: Any, dep: Dep, axis: int) -> Dep:
    """A running reduction along ``axis``: element k reads elements 0..k of its fibre."""
    shape = dep.shape
    size, length = int(np.prod(shape)), shape[axis]
    pos = np.moveaxis(np.arange(size).reshape(shape), axis, -1).reshape(-1, length)
    k, j = np.tril_indices(length)
    gather = sparse.csr_matrix((np.ones(pos.shape[0] * k.size, bool),
                                (pos[:, k].ravel(), pos[:, j].ravel())), shape=(size, size))
    return from_pattern(value, gather @ dep.pattern())


def matmul(value: Any, a: Any, b: Any) -> Dep:
    """``a @ b``: out[i, j] reads row i of ``a`` and column j of ``b``."""
    a_ids, b_ids = (d.ids if isinstance(d, Dep) else constant_ids(d) for d in (a, b))
    if a_ids.ndim > 2 or b_ids.ndim > 2 or a_ids.ndim == 0 or b_ids.ndim == 0:
        return anything(value, [a, b])
    left = a_ids if a_ids.ndim == 2 else a_ids[None, :]
    right = b_ids if b_ids.ndim == 2 else b_ids[:, None]
    n = width([a, b])
    m, k = left.shape
    cols = right.shape[1]
    row_parts = _grouped_rows(a, left, 1, n)
    col_parts = _grouped_rows(b, right, 0, n)
    total = row_parts[np.repeat(np.arange(m), cols)] + col_parts[np.tile(np.arange(cols), m)]
    return from_pattern(value, total)


def _grouped_rows(d: Any, ids: np.ndarray, axis: int, n: int) -> sparse.csr_matrix:
    """Per row (axis=1) or column (axis=0) of a matrix operand, the union of its rows."""
    count = ids.shape[1 - axis]
    if not isinstance(d, Dep):
        return empty_rows(n, count)
    flat = np.ravel(ids if axis == 1 else ids.T)
    per = ids.shape[axis]
    gather = sparse.csr_matrix((np.ones(flat.size, bool),
                                (np.repeat(np.arange(count), per), np.arange(flat.size))),
                               shape=(count, flat.size))
    return gather @ d.rows[flat]


def anything(value: Any, operands: list) -> Dep:
    """Not modelled: every output element reads all that any operand reads."""
    deps = list(deps_in(operands))
    if is_number(value):
        return Num(value, frozenset().union(*(cols_of(d) for d in deps)), deps[0].width)
    union = deps[0].pattern().sum(axis=0) > 0
    for d in deps[1:]:
        union = union + (d.pattern().sum(axis=0) > 0)
    row = sparse.csr_matrix(np.asarray(union).reshape(1, -1))
    rows = sparse.vstack([empty_rows(row.shape[1]), row], "csr")
    return Dep(value, np.ones(np.shape(value), dtype=np.int64), rows)
