"""Scatters of an adjoint: the adjoint of a gather ``x[i, j]`` by integer index arrays,
added into a float64 array as one scatter over flat positions (:func:`flat_add`)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

_SCATTER_AT_LEAST = 256  # index arrays this large: a bincount beats ufunc.at
# rows picked by one index array: ufunc.at is as fast up to about 300 elements in all,
# then much slower (300 rows of 3: 29 us against 7 by columns; 930 rows: 90 against 11)
_ROWS_AT_LEAST = 512
# short rows: a bincount per column (3 of 930 edges: 9 us), cheaper than working out the
# flat positions of each element (a broadcast add of (930, 1) and (3,) ints alone: 10 us)
_COLUMNS_UP_TO = 16


def counted(idx: np.ndarray, g: np.ndarray, n: int) -> np.ndarray | None:
    """``np.add.at(np.zeros(n), idx, g)`` of an int vector ``idx`` and a float64 ``g``
    of its length as ``np.bincount`` (the same sums, in the same order; the zeros not
    made and gone over again: twice as fast on a few dozen elements); None where an
    index is out of bounds or negative, or the indices few against ``n`` (a bincount
    goes over all ``n``)."""
    if idx.dtype.kind != "i" or idx.ndim != 1 or g.shape != idx.shape or idx.size * 4 < n:
        return None
    try:
        out = np.bincount(idx, g, minlength=n)
    except ValueError:  # (a negative index: np.add.at's own path)
        return None
    return out if out.shape[0] == n else None


def scatter_by_count(acc: Any, idx: Any, g: Any) -> bool:
    """``np.add.at(acc, idx, g)`` of a float64 ``acc`` and one integer index array per
    axis (``img[y0, x0]``'s adjoint) done as one scatter over flat positions
    (:func:`flat_add`): NumPy's ``ufunc.at`` takes three times as long with a tuple of
    index arrays.  False (nothing done) where another case."""
    if type(acc) is np.ndarray and acc.dtype == np.float64 and acc.ndim >= 2 and \
            type(idx) is np.ndarray and idx.dtype.kind in "iu":
        return _rows_by_count(acc, idx, g)
    if not (type(acc) is np.ndarray and acc.dtype == np.float64 and type(idx) is tuple and
            len(idx) == acc.ndim >= 2 and all(type(i) is np.ndarray and i.dtype.kind in "iu"
                                               for i in idx)):
        return False
    shape = np.broadcast_shapes(*(i.shape for i in idx))
    size = math.prod(shape)
    if size < _SCATTER_AT_LEAST or not isinstance(g, (float, np.ndarray)) or \
            np.iscomplexobj(g) or np.ndim(g) > len(shape):
        return False
    flat = flat_positions(idx, acc.shape)
    if flat is None:
        return False  # (np.add.at raises NumPy's IndexError)
    flat = np.ravel(flat)
    weights = np.ravel(g) if np.shape(g) == shape else np.broadcast_to(g, shape).ravel()
    flat_add(acc, flat, weights)
    return True


def _rows_by_count(acc: np.ndarray, idx: np.ndarray, g: Any) -> bool:
    """``np.add.at(acc, idx, g)`` of one integer index array picking rows (axis 0) of a
    float64 ``acc`` of rank two or more (a gather ``x[edges]``'s adjoint, springs' forces
    summed onto nodes): a bincount per column of short rows (:func:`_by_columns`), else
    one scatter over the flat positions of the rows' elements, from 512 elements on
    (below, ``ufunc.at`` is as fast).  False (nothing done) where the shapes do not fit
    or there are fewer."""
    row = math.prod(acc.shape[1:])
    shape = idx.shape + acc.shape[1:]
    if idx.size * row < _ROWS_AT_LEAST or not isinstance(g, (float, np.ndarray)) or \
            np.iscomplexobj(g):
        return False
    if type(g) is not np.ndarray or g.shape != shape:
        if np.ndim(g) > len(shape) or np.broadcast_shapes(np.shape(g), shape) != shape:
            return False
        g = np.broadcast_to(g, shape)
    weights = g.reshape(-1, row)  # (a view where g is contiguous)
    if row <= _COLUMNS_UP_TO and acc.flags.c_contiguous:
        return _by_columns(acc.reshape(-1, row), idx.ravel(), weights)
    rows = flat_positions((idx,), acc.shape[:1])
    if rows is None:
        return False  # (np.add.at raises NumPy's IndexError)
    flat_add(acc, (rows.reshape(-1, 1) * row + np.arange(row)).ravel(), weights.ravel())
    return True


def _by_columns(acc: np.ndarray, rows: np.ndarray, weights: np.ndarray) -> bool:
    """``weights[e]`` added into ``acc[rows[e]]`` (a contiguous float64 matrix of short
    rows) by one bincount per column, each added into its column; a negative index counts
    from the end; False (nothing done) where one is out of bounds (bincount counts past
    the end: ``np.add.at`` then raises as indexing does)."""
    n = acc.shape[0]
    try:
        sums = [np.bincount(rows, column, minlength=n) for column in weights.T]
    except ValueError:  # (a negative index: from the end, where in bounds)
        rows = flat_positions((rows,), (n,))
        if rows is None:
            return False
        sums = [np.bincount(rows, column, minlength=n) for column in weights.T]
    if sums and sums[0].shape[0] != n:
        return False
    for column, total in zip(acc.T, sums):
        column += total
    return True


_FAST_AT = np.lib.NumpyVersion(np.__version__) >= "1.25.0"  # (ufunc.at's fast path)


def flat_add(acc: np.ndarray, flat: np.ndarray, weights: np.ndarray) -> None:
    """``weights`` added into the float64 ``acc`` at the flat positions ``flat`` (a 1-D
    int array, repeats summed): NumPy's one-index ``np.add.at`` on the flat view, as fast
    as a bincount and with no pass over the whole of ``acc`` (a few elements of a large
    array); increasing positions (distinct) by a plain indexed add, faster still; a
    bincount where ``ufunc.at`` is slow (NumPy before 1.25) or ``acc`` is not
    contiguous."""
    if acc.flags.c_contiguous and _increasing(flat):
        # increasing positions are distinct (``x[np.arange(n), labels]``): added in place
        acc.reshape(-1)[flat] += weights
    elif _FAST_AT and acc.flags.c_contiguous:
        np.add.at(acc.reshape(-1), flat, weights)
    else:
        acc += np.bincount(flat, weights, minlength=acc.size).reshape(acc.shape)


def _increasing(flat: np.ndarray) -> bool:
    """Whether the positions increase (so are distinct); those of a gather at random
    places fail on the first few, without a pass over all of them."""
    head = flat[:9].tolist()  # (Python ints: no NumPy call per comparison)
    return all(a < b for a, b in zip(head, head[1:])) and bool(np.all(flat[1:] > flat[:-1]))


def flat_positions(idx: tuple, shape: tuple) -> Any:
    """The flat (C order) positions of the elements ``idx`` picks, broadcast, by a
    multiply and an add per axis (five times faster than ``np.ravel_multi_index``, which
    checks and wraps every index one by one); None where an index is out of bounds
    (``-n <= i < n`` is what a gather takes)."""
    flat: Any = None
    for i, n in zip(idx, shape):
        i = i.astype(np.intp, copy=False)
        if i.size and i.view(np.uintp).max() >= n:  # (one pass: a negative is huge there)
            lo, hi = i.min(), i.max()
            if lo < -n or hi >= n:
                return None
            if lo < 0:  # a negative index counts from the end
                i = np.where(i < 0, i + n, i)
        flat = i if flat is None else flat * n + i
    return flat
