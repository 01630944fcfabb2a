"""Dependency values for the sparsity stage: which inputs each element of a value reads.

A value that depends on the differentiated arguments is a :class:`Dep`: the value
Python computes for the call being analysed (for shapes and the branch taken) and,
per element, a row of a boolean matrix over the inputs' elements. The rows are
shared: ``ids`` (shaped like the value) names a row of ``rows`` for each element,
row 0 being empty, so moving elements about (slices, reshapes, concatenation) is
done on the small integer array ``ids`` alone, and a unary elementwise function
keeps both. Only operations that join elements (binary elementwise, reductions,
products) build new rows: they are in :mod:`dep_operations`. Every operation gives a
superset of the true pattern: an operation not modelled makes each output element read
everything its operands read.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sparse


class Unmodelled(Exception):
    """The pattern cannot be followed here: the caller makes it dense."""


class Dep:
    """A value that depends on the inputs; see the module docstring. Rows written one
    at a time (``r[i] = v`` in a loop) wait in ``extra`` (an append-only list shared
    by the successive values of ``r``) until something needs them as a matrix."""

    __slots__ = ("value", "ids", "_rows", "extra")

    def __init__(self, value: Any, ids: np.ndarray, rows: sparse.csr_matrix,
                 extra: list | None = None) -> None:
        self.value, self.ids, self._rows = value, ids, rows
        self.extra = extra if extra is not None else []

    @property
    def rows(self) -> sparse.csr_matrix:
        if self.extra:
            self._rows = sparse.vstack([self._rows, _rows_of(self.extra, self._rows.shape[1])],
                                       "csr")
            self.extra = []
        return self._rows

    @property
    def width(self) -> int:
        return self._rows.shape[1]

    @property
    def shape(self) -> tuple:
        return np.shape(self.ids)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self.shape}, nnz={self.pattern().nnz})"

    def pattern(self) -> sparse.csr_matrix:
        """One row per element (C order), one column per input element."""
        return self.rows[np.ravel(self.ids)]

    def row(self, k: int) -> frozenset:
        """The input columns row ``k`` reads."""
        base = self._rows.shape[0]
        if k >= base:
            return self.extra[k - base]
        rows = self._rows
        return frozenset(rows.indices[rows.indptr[k]:rows.indptr[k + 1]].tolist())


class Num(Dep):
    """A number that depends on the inputs: its set of columns, without matrices (the
    scalar arithmetic of element loops stays cheap)."""

    __slots__ = ("cols", "n")

    def __init__(self, value: Any, cols: frozenset, n: int) -> None:
        self.value, self.cols, self.n = value, cols, n

    @property
    def ids(self) -> np.ndarray:  # type: ignore[override]
        return np.ones((), dtype=np.int64)

    @property
    def rows(self) -> sparse.csr_matrix:
        return sparse.vstack([empty_rows(self.n), _rows_of([self.cols], self.n)], "csr")

    @property
    def width(self) -> int:
        return self.n

    @property
    def shape(self) -> tuple:
        return ()

    def pattern(self) -> sparse.csr_matrix:
        return _rows_of([self.cols], self.n)

    def row(self, k: int) -> frozenset:
        return self.cols if k else frozenset()


def _rows_of(sets: list, n: int) -> sparse.csr_matrix:
    cols = [sorted(s) for s in sets]
    indptr = np.cumsum([0] + [len(c) for c in cols])
    indices = np.fromiter((j for c in cols for j in c), dtype=np.int32, count=int(indptr[-1]))
    return sparse.csr_matrix((np.ones(indices.size, bool), indices, indptr), shape=(len(sets), n))


def cols_of(x: Any) -> frozenset:
    """The input columns a number reads (constants: none)."""
    if isinstance(x, Num):
        return x.cols
    if isinstance(x, Dep):
        return x.row(int(x.ids)) if x.ids.ndim == 0 else frozenset(
            x.pattern().indices.tolist())
    return frozenset()


def is_number(value: Any) -> bool:
    return np.ndim(value) == 0 and not isinstance(value, (list, tuple, dict))


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
    if is_number(value):
        return Num(value, frozenset(), n)
    return Dep(value, constant_ids(value), empty_rows(n))


def width(items: list) -> int:
    return next(d.width for d in deps_in(items))


def stacked(items: list) -> tuple[list[np.ndarray], sparse.csr_matrix]:
    """The ids of several values over one rows matrix (constants: row 0)."""
    n = width(items)
    blocks, ids, offset = [empty_rows(n)], [], 1
    seen: dict[int, tuple[int, Any]] = {}
    for item in items:
        if not isinstance(item, Dep):
            ids.append(constant_ids(item))
            continue
        key = id(item) if isinstance(item, Num) else id(item.rows)
        if key not in seen:
            rows = item.rows
            seen[key] = (offset - 1, rows)
            blocks.append(rows[1:])
            offset += rows.shape[0] - 1
        base, rows = seen[key]
        ids.append(np.where(item.ids > 0, item.ids + base, 0))
    if len(blocks) == 2 and not any(isinstance(d, Num) for d in items):
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


def deps_in(x: Any) -> Any:
    """The Deps in ``x`` and the containers it holds."""
    if isinstance(x, Dep):
        yield x
    elif isinstance(x, (list, tuple)):
        for item in x:
            yield from deps_in(item)
    elif isinstance(x, dict):
        for item in x.values():
            yield from deps_in(item)


def contains_dep(x: Any) -> bool:
    return next(deps_in(x), None) is not None


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
            np.shape(value_of(a)) != np.shape(value_of(b)):
        raise ValueError("the branches make values of different shapes")
    if is_number(value_of(value)) and np.ndim(value_of(a)) == 0:
        return Num(value_of(value), cols_of(a) | cols_of(b), n)
    if not isinstance(a, Dep) or not isinstance(b, Dep):  # a constant adds no columns
        d = a if isinstance(a, Dep) else b
        return Dep(value_of(value), d.ids, d._rows, d.extra) if not isinstance(d, Num) else \
            Dep(value_of(value), d.ids, d.rows)
    if a._rows is b._rows and a.extra is b.extra and not isinstance(a, Num):
        return _joined_lineage(a, b, value_of(value))
    parts = [d.pattern() if isinstance(d, Dep) else empty_rows(n, int(np.size(d)))
             for d in (a, b)]
    return from_pattern(value_of(value), parts[0] + parts[1])


def _joined_lineage(a: Dep, b: Dep, value: Any) -> Dep:
    """Two values grown from one (``r`` written in one branch or both): only the
    elements whose rows differ get a new, joined row."""
    ids = np.array(np.broadcast_to(a.ids, a.shape), copy=True)
    other = np.broadcast_to(b.ids, b.shape)
    extra, base = a.extra, a._rows.shape[0]
    for k in np.flatnonzero(ids != other).tolist():
        i, j = ids.flat[k], other.flat[k]
        cols = (a.row(int(i)) if i else frozenset()) | (b.row(int(j)) if j else frozenset())
        extra.append(cols)
        ids.flat[k] = base + len(extra) - 1
    return Dep(value, ids, a._rows, extra)


def value_of(x: Any) -> Any:
    """The value Python computes (``x`` itself when it is not a Dep)."""
    return x.value if isinstance(x, Dep) else x


def plain(x: Any) -> Any:
    """The value Python computes, with Deps inside containers unwrapped."""
    if isinstance(x, Dep):
        return x.value
    if isinstance(x, (list, tuple)):
        return type(x)(plain(v) for v in x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(np.array_equal(a, b)) if isinstance(
            a, np.ndarray) else type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def same_pattern(a: Any, b: Any) -> bool:
    """Whether two states of a loop variable read the same inputs (and, for
    constants, are equal): the loop's fixpoint is reached."""
    if isinstance(a, Num) and isinstance(b, Num):
        return a.cols == b.cols
    if isinstance(a, Dep) and isinstance(b, Dep):
        return a.shape == b.shape and (a.pattern() != b.pattern()).nnz == 0
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_pattern(x, y) for x, y in zip(a, b))
    if isinstance(a, Dep) or isinstance(b, Dep):
        return False
    return _same(a, b)
