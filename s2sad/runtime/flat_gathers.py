"""A gather ``x[i, j]`` by one integer index array per axis, and the scatter of its
adjoint, through the flat positions of the elements picked, worked out once.

NumPy's indexing by a tuple of index arrays checks and combines the indices on every
call (an image warp's ``img[y0, x0]``: three times ``np.take`` of the flat positions),
and the adjoint's scatter (``add_at``, over the same positions) worked them out and
checked them again.  :func:`flat_index` works them out once, with
the bounds checks of the gather; :func:`take_flat` gathers by them and
:func:`add_flat` scatters by them.  Where the index is another kind (a slice, a list,
one array for a 2-D array, indices out of bounds: NumPy's own ``IndexError``) the index
itself is passed on and each does what indexing and ``add_at`` do.

:func:`take_rows` is the gather of rows by one integer index array (``x[ej]`` of a
cloth's springs, ``E[tokens]`` of an embedding): ``ndarray.take`` along axis 0, which
copies whole rows, where NumPy's advanced indexing goes element by element (rows of 3
floats: 3-10 times as long).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.core import zeros_like
from s2sad.runtime.scatters import flat_add, flat_positions
from s2sad.runtime.writes import add_at

__all__ = ["flat_index", "take_flat", "add_flat", "take_rows"]


def flat_index(x: Any, idx: Any) -> Any:
    """The flat (C order) positions ``x[idx]`` picks, an int array of the gather's
    shape, where ``idx`` holds one integer index array per axis of the array ``x``;
    else ``idx`` itself."""
    if type(x) is np.ndarray and type(idx) is tuple and len(idx) == x.ndim >= 2 and \
            all(type(i) is np.ndarray and i.dtype.kind in "iu" for i in idx):
        flat = flat_positions(idx, x.shape)  # (broadcast as the indices are)
        if flat is not None:
            return flat
    return idx


def take_flat(x: Any, at: Any) -> Any:
    """``x[idx]`` given ``at = flat_index(x, idx)``."""
    if type(at) is np.ndarray:
        return np.take(x, at)
    return x[at]


def add_flat(acc: Any, x: Any, at: Any, g: Any) -> Any:
    """``add_at(acc, x, idx, g)`` given ``at = flat_index(x, idx)``: of a float64
    adjoint and a real ``g``, one scatter over the flat positions (``flat_add``)."""
    if type(at) is not np.ndarray:
        return add_at(acc, x, at, g)
    if acc is None:
        acc = zeros_like(x)
    if not (type(acc) is np.ndarray and acc.dtype == np.float64 and
            np.ndim(g) <= at.ndim and np.asarray(g).dtype.kind in "fiub"):
        return add_at(acc, None, np.unravel_index(at, np.shape(acc)), g)
    weights = np.ravel(g) if np.shape(g) == at.shape else np.broadcast_to(g, at.shape).ravel()
    flat_add(acc, at.ravel(), weights)
    return acc


def take_rows(x: Any, idx: Any) -> Any:
    """``x[idx]`` of an integer index array ``idx`` picking rows of an array ``x`` of
    rank two or more: the same rows (a negative index counts from the end, one out of
    bounds raises NumPy's ``IndexError``), by ``take`` along axis 0; any other ``x`` or
    ``idx`` (a mask, a list, a slice) indexed as it is."""
    if type(x) is np.ndarray and type(idx) is np.ndarray and idx.dtype.kind in "iu" and \
            x.ndim >= 2 and idx.ndim >= 1:
        return x.take(idx, axis=0)
    return x[idx]
