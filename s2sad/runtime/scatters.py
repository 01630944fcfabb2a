"""Scatters of an adjoint: the adjoint of a gather ``x[i, j]`` by integer index arrays,
added into a float64 array as one scatter over flat positions (:func:`flat_add`)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

_SCATTER_AT_LEAST = 256  # index arrays this large: a bincount beats ufunc.at


def scatter_by_count(acc: Any, idx: Any, g: Any) -> bool:
    """``np.add.at(acc, idx, g)`` of a float64 ``acc`` and one integer index array per
    axis (``img[y0, x0]``'s adjoint) done as one scatter over flat positions
    (:func:`flat_add`): NumPy's ``ufunc.at`` takes three times as long with a tuple of
    index arrays.  False (nothing done) where another case."""
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


def scatter_rows(acc: np.ndarray, rows: np.ndarray, g: np.ndarray) -> bool:
    """``np.add.at(acc, rows, g)`` of a float64 ``acc`` of rank two or more, one integer
    index array into its first axis and a real ``g`` (a gather ``h[src]``'s adjoint, a
    message passing's ``np.add.at(agg, dst, msg)``), as one scatter over the flat
    positions of the rows' elements (:func:`flat_add`): NumPy's ``ufunc.at`` takes a
    row at a time, five times as long for 8000 rows of 16.  False (nothing done) where
    another case, or small (``ufunc.at`` is faster below a few hundred elements)."""
    width = math.prod(acc.shape[1:])
    shape = rows.shape + acc.shape[1:]
    if acc.ndim < 2 or rows.size * width < _SCATTER_AT_LEAST or np.ndim(g) > len(shape) or \
            g.dtype.kind not in "fiub":
        return False
    at = flat_positions((rows,), acc.shape)
    if at is None:
        return False  # (np.add.at raises NumPy's IndexError)
    flat = (at.reshape(-1, 1) * width + np.arange(width)).reshape(-1)
    weights = g.reshape(-1) if g.shape == shape else np.broadcast_to(g, shape).reshape(-1)
    flat_add(acc, flat, weights)
    return True


_FAST_AT = np.lib.NumpyVersion(np.__version__) >= "1.25.0"  # (ufunc.at's fast path)


def flat_add(acc: np.ndarray, flat: np.ndarray, weights: np.ndarray) -> None:
    """``weights`` added into the float64 ``acc`` at the flat positions ``flat`` (a 1-D
    int array, repeats summed): NumPy's one-index ``np.add.at`` on the flat view, as fast
    as a bincount and with no pass over the whole of ``acc`` (a few elements of a large
    array); increasing positions (distinct) by a plain indexed add, faster still; a
    bincount where ``ufunc.at`` is slow (NumPy before 1.25) or ``acc`` is not
    contiguous."""
    if acc.flags.c_contiguous and bool(np.all(flat[1:] > flat[:-1])):
        # increasing positions are distinct (``x[np.arange(n), labels]``): added in place
        acc.reshape(-1)[flat] += weights
    elif _FAST_AT and acc.flags.c_contiguous:
        np.add.at(acc.reshape(-1), flat, weights)
    else:
        acc += np.bincount(flat, weights, minlength=acc.size).reshape(acc.shape)


def flat_positions(idx: tuple, shape: tuple) -> Any:
    """The flat (C order) positions of the elements ``idx`` picks, broadcast, by a
    multiply and an add per axis (five times faster than ``np.ravel_multi_index``, which
    checks and wraps every index one by one); None where an index is out of bounds
    (``-n <= i < n`` is what a gather takes)."""
    flat: Any = None
    for i, n in zip(idx, shape):
        i = i.astype(np.intp, copy=False)
        if i.size:
            lo, hi = i.min(), i.max()
            if lo < -n or hi >= n:
                return None
            if lo < 0:  # a negative index counts from the end
                i = np.where(i < 0, i + n, i)
        flat = i if flat is None else flat * n + i
    return flat
