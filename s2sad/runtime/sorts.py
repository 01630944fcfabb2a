"""The adjoint of ``np.sort``: each sorted value's cotangent put back where the value
came from, by the stable sort's permutation (:func:`sort_indices`), without sorting
where the cotangent does not need the whole order.

A trimmed mean (``np.mean(np.sort(r)[:k])``), an order statistic (``np.sort(x)[n //
2]``), the largest few (``np.sort(x)[-k:]``) read a block of the sorted positions: the
cotangent is zero outside it.  Which elements the stable sort places in the block is
found by thresholds of one ``np.partition`` (O(n), not a sort's O(n log n)): those
below the block's first value and below its last, ties taken in their order in the
array, as a stable sort takes them; the block's own order is sorted only where the
cotangent varies along it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.gathers import sort_indices, untake_along_axis

__all__ = ["sort_adjoint", "unsort"]


def sort_adjoint(g: Any, a: Any, axis: Any = -1) -> Any:
    """Adjoint of ``np.sort(a, axis)`` for the cotangent ``g`` of the sorted array."""
    a_ = np.asarray(a)
    if a_.ndim == 1 and axis in (-1, 0, None) and a_.dtype.kind in "fiu":
        g_ = np.asarray(g)
        if g_.shape == a_.shape and g_.dtype.kind == "f" and not (
                a_.dtype.kind == "f" and np.isnan(a_).any()):  # (NaNs: the stable order)
            nonzero = np.flatnonzero(g_)
            if nonzero.size == 0:
                return np.zeros(a_.shape, dtype=np.result_type(g_, float))
            lo, hi = int(nonzero[0]), int(nonzero[-1]) + 1
            if hi - lo < a_.size:
                return _block_adjoint(g_[lo:hi], a_, lo, hi)
    return _unpermuted(g, a, sort_indices(a, axis), axis)


def unsort(g: Any, a: Any, order: Any, axis: Any = -1) -> Any:
    """Adjoint of ``np.take_along_axis(a, order, axis)`` for a permutation ``order``
    (the sort's, taken once in the forward sweep: compiler/sort_orders.py)."""
    return _unpermuted(g, a, order, axis)


def _unpermuted(g: Any, a: Any, order: np.ndarray, axis: Any) -> Any:
    """``g`` put back by the permutation ``order`` along ``axis``: each position is
    written once, so a plain ``np.put_along_axis`` into an empty array (not the
    ``np.add.at`` of a gather whose indices may repeat, ten times slower)."""
    g = np.asarray(g)
    if axis is None or g.shape != order.shape or g.dtype.kind == "c" and \
            not np.iscomplexobj(a):
        return untake_along_axis(g, a, order, axis)
    out = np.empty(np.shape(a), dtype=np.result_type(g, float))
    np.put_along_axis(out, order, g, axis)
    return out


def _block_adjoint(block: np.ndarray, a: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """``g`` zero but on the sorted positions ``lo:hi`` (``block``), put back."""
    kth = [k for k in (lo - 1, hi - 1) if 0 <= k < a.size]
    parted = np.partition(a, kth)
    held = np.flatnonzero(_ranked_below(a, hi, parted) & ~_ranked_below(a, lo, parted))
    out = np.zeros(a.shape, dtype=np.result_type(block, float))
    if np.all(block == block[0]):
        out[held] = block[0]
    else:
        out[held[np.argsort(a[held], kind="stable")]] = block
    return out


def _ranked_below(a: np.ndarray, m: int, parted: np.ndarray) -> np.ndarray:
    """Where the elements the stable sort places before position ``m`` are (``parted``:
    ``a`` partitioned at ``m - 1``): those below the ``m``-th smallest value, and of
    the ones equal to it the first in the array, as many as fill ``m`` places."""
    if m <= 0:
        return np.zeros(a.shape, dtype=bool)
    if m >= a.size:
        return np.ones(a.shape, dtype=bool)
    last = parted[m - 1]
    below = a < last
    below[np.flatnonzero(a == last)[:m - np.count_nonzero(below)]] = True
    return below
