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
