"""Dependency values for the sparsity stage: which inputs each element of a value reads.

A value that depends on the differentiated arguments is a :class:`Dep`: the value
Python computes for the call being analysed (for shapes and the branch taken) and,
per element, a row of a boolean matrix over the inputs' elements. The rows are
shared: ``ids`` (shaped like the value) names a row of ``rows`` for each element,
row 0 being empty, so moving elements about (slices, reshapes, concatenation) is
done on the small integer array ``ids`` alone, and a unary elementwise function
keeps both. Only operations that join elements (binary elementwise, reductions,
products) build new rows. Every operation here gives a superset of the true
pattern: an operation not modelled makes each output element read everything
its operands read.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sparse


class Dep:
    """A value that depends on the inputs; see the module docstring."""

    __slots__ = ("value", "ids", "rows")

    def __init__(self, value: Any, ids: np.ndarray, rows: sparse.csr_matrix) -> None:
        self.value, self.ids, self.rows = value, ids, rows

    @property
    def shape(self) -> tuple:
        return np.shape(self.ids)

    def __repr__(self) -> str:
        return f"Dep(shape={self.shape}, nnz={self.pattern().nnz})"

    def pattern(self) -> sparse.csr_matrix:
        """One row per element (C order), one column per input element."""
        return self.rows[np.ravel(self.ids)]


def empty_rows(n: int, count: int = 1) -> sparse.csr_matrix:
    return sparse.csr_matrix((count, n), dtype=bool)


def from_pattern(value: Any, pattern: sparse.csr_matrix) -> Dep:
    """A Dep whose elements read the rows of ``pattern`` in order."""
    shape = np.shape(value)
    ids = np.arange(1, pattern.shape[0] + 1).reshape(shape)
    return Dep(value, ids, sparse.vstack([empty_rows(pattern.shape[1]), pattern], "csr"))


def inputs(value: Any, start: int, n: int) -> Dep:
    """An argument: element k reads input column ``start + k``."""
    size = int(np.size(value))
    eye = sparse.csr_matrix((np.ones(size, bool), (np.arange(size), start + np.arange(size))),
                            shape=(size, n))
    return from_pattern(value, eye)


def constant_ids(value: Any) -> np.ndarray:
    return np.zeros(np.shape(value), dtype=np.int64)


def no_derivative(value: Any, n: int) -> Dep:
    """A value that changes with the inputs but has no derivative (a comparison,
    an index found by argmax): it is not constant for branches and indices."""
    return Dep(value, constant_ids(value), empty_rows(n))


def width(items: list) -> int:
    return next(d.rows.shape[1] for d in items if isinstance(d, Dep))


def stacked(items: list) -> tuple[list[np.ndarray], sparse.csr_matrix]:
    """The ids of several values over one rows matrix (constants: row 0)."""
    n = width(items)
    blocks, ids, offset = [empty_rows(n)], [], 1
    seen: dict[int, int] = {}
    for item in items:
        if not isinstance(item, Dep):
            ids.append(constant_ids(item))
            continue
        if id(item.rows) not in seen:
            seen[id(item.rows)] = offset - 1
            blocks.append(item.rows[1:])
            offset += item.rows.shape[0] - 1
        base = seen[id(item.rows)]
        ids.append(np.where(item.ids > 0, item.ids + base, 0))
    if len(blocks) == 2:  # one rows matrix: keep it as it is
        return ids, next(d for d in items if isinstance(d, Dep)).rows
    return ids, sparse.vstack(blocks, "csr")


def compact(dep: Dep) -> Dep:
    """Drop rows no element uses once they far outnumber the elements (a scalar read
    out of a long vector would otherwise carry the vector's rows along)."""
    size = int(np.size(dep.ids))
    if dep.rows.shape[0] <= 2 * size + 8:
        return dep
    used, inverse = np.unique(np.ravel(dep.ids), return_inverse=True)
    if used[0] != 0:
        used, inverse = np.concatenate([[0], used]), inverse + 1
    return Dep(dep.value, inverse.reshape(dep.ids.shape), dep.rows[used])


def moved(value: Any, move: Callable[[list], Any], items: list) -> Dep:
    """An operation that only moves (or zeroes) elements: apply it to the ids."""
    ids, rows = stacked(items)
    out = np.asarray(move(ids), dtype=np.int64)
    if out.shape != np.shape(value):
        out = np.broadcast_to(out, np.shape(value))
    return compact(Dep(value, out, rows))


def elementwise(value: Any, operands: list) -> Dep:
    """Each output element reads the elements of the operands it is computed from
    (broadcasting aligns them)."""
    shape = np.shape(value)
    deps = [d for d in operands if isinstance(d, Dep)]
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


def scattered(value: Any, x: Any, idx: Any, v: Any) -> Dep:
    """``x[idx] += v`` (indices may repeat): element e reads x[e] and every v landing there."""
    size = int(np.size(value))
    target = np.broadcast_to(np.arange(size).reshape(np.shape(value))[idx], np.shape(_plain(v)))
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
    deps = list(_deps_in(operands))
    union = deps[0].pattern().sum(axis=0) > 0
    for d in deps[1:]:
        union = union + (d.pattern().sum(axis=0) > 0)
    row = sparse.csr_matrix(np.asarray(union).reshape(1, -1))
    rows = sparse.vstack([empty_rows(row.shape[1]), row], "csr")
    return Dep(value, np.ones(np.shape(value), dtype=np.int64), rows)


def _deps_in(x: Any) -> Any:
    if isinstance(x, Dep):
        yield x
    elif isinstance(x, (list, tuple)):
        for item in x:
            yield from _deps_in(item)
    elif isinstance(x, dict):
        for item in x.values():
            yield from _deps_in(item)


def contains_dep(x: Any) -> bool:
    return next(_deps_in(x), None) is not None


def joined(a: Any, b: Any, value: Any, n: int) -> Any:
    """The value after a branch on the inputs: either side's elements may be there."""
    if a is b:
        return a
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b) \
            and type(a) is type(b):
        vs = value if isinstance(value, (list, tuple)) else a
        return type(a)(joined(x, y, v, n) for x, y, v in zip(a, b, vs))
    if not contains_dep([a, b]):
        if _same(a, b):
            return a
        if isinstance(a, (list, tuple, dict)) or isinstance(b, (list, tuple, dict)) or \
                np.shape(a) != np.shape(b):
            raise ValueError("the branches make values of different shapes")
        return no_derivative(value, n)
    if isinstance(a, (list, tuple, dict)) or isinstance(b, (list, tuple, dict)) or \
            np.shape(_plain(a)) != np.shape(_plain(b)):
        raise ValueError("the branches make values of different shapes")
    parts = [d.pattern() if isinstance(d, Dep) else empty_rows(n, int(np.size(d)))
             for d in (a, b)]
    return from_pattern(_plain(value), parts[0] + parts[1])


def _plain(x: Any) -> Any:
    return x.value if isinstance(x, Dep) else x


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(np.array_equal(a, b)) if isinstance(
            a, np.ndarray) else type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def same_pattern(a: Any, b: Any) -> bool:
    """Whether two states of a loop variable read the same inputs (and, for
    constants, are equal): the loop's fixpoint is reached."""
    if isinstance(a, Dep) and isinstance(b, Dep):
        return a.shape == b.shape and (a.pattern() != b.pattern()).nnz == 0
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_pattern(x, y) for x, y in zip(a, b))
    if isinstance(a, Dep) or isinstance(b, Dep):
        return False
    return _same(a, b)
