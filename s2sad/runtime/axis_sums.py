"""Sums of adjoints over axes: NumPy reduces an axis followed by a short one, or a
short last one, an output element at a time; a product with a vector of ones does the
same sum in one BLAS call (:func:`sum_axes`, which ``unbroadcast`` and the ``rows``
pass's calls use)."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["sum_axes"]

_FLOAT64 = np.dtype(np.float64)


def sum_axes(g: np.ndarray, axes: tuple[int, ...], keepdims: bool = False) -> np.ndarray:
    """``np.sum(g, axis=axes, keepdims=keepdims)``; of a float64 array over adjacent axes
    as a product with ones (:func:`_ones_product`), else by einsum when an inner axis is
    summed and the last axis is short, where numpy's reduction loops are slowest (a
    (64, 64, 3) array over axis 1: 3x); NumPy's own sum of a small array."""
    if not axes:
        return g
    if keepdims:
        shape = np.shape(g)
        return np.reshape(sum_axes(g, axes), tuple(
            1 if i in axes or i - len(shape) in axes else n for i, n in enumerate(shape)))
    if type(g) is not np.ndarray or g.size < 4096:
        return np.sum(g, axis=axes)
    axes = tuple(sorted(a % g.ndim for a in axes))
    if g.dtype is _FLOAT64 and g.flags.c_contiguous and \
            axes == tuple(range(axes[0], axes[-1] + 1)):
        total = _ones_product(g, axes[0], axes[-1] + 1)
        if total is not None:
            return total
    if g.shape[-1] < 16 and axes[-1] >= len(axes) and g.dtype.kind == "f" and g.ndim <= 26:
        letters = "abcdefghijklmnopqrstuvwxyz"[:g.ndim]
        kept = "".join(c for i, c in enumerate(letters) if i not in axes)
        return np.einsum(f"{letters}->{kept}", g)
    return g.sum(axis=axes)


def _ones_product(g: np.ndarray, start: int, stop: int) -> np.ndarray | None:
    """The sum of the C-contiguous float64 ``g`` over its axes ``start`` to ``stop``
    (excluded) as a product with a vector of ones: NumPy reduces an axis followed by a
    short one, or a short last one, an output element at a time (a (216, 216, 3) array
    over its first two axes: 1.9 ms; ``np.ones(46656) @ g.reshape(46656, 3)``: 32 us).
    None where the product is no faster: a summed last axis of 2 or 3 (OpenBLAS is slow
    there), a stack of products of fewer than 64 elements each."""
    pre, mid = math.prod(g.shape[:start]), math.prod(g.shape[start:stop])
    post = math.prod(g.shape[stop:])
    if post == 1 and mid <= 3 or pre > 1 and post > 1 and mid * post < 64:
        return None
    if post == 1:
        total = g.reshape(pre, mid) @ np.ones(mid)
    elif pre == 1:
        total = np.ones(mid) @ g.reshape(mid, post)
    else:
        total = np.matmul(np.ones(mid), g.reshape(pre, mid, post))
    return total.reshape(g.shape[:start] + g.shape[stop:])
