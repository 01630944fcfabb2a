"""Running sums and products along one axis, made in place in a new array, by a loop
over that axis where each step is wide.

NumPy's ``cumsum`` / ``cumprod`` (``ufunc.accumulate``) works element by element,
about as slow per element as a Python-free loop can be (a dependency chain, ~3.5 ns an
element): along a short axis of a large array (a survival curve over 20 periods for 5000
subjects) the 100,000 elements take ~370 us where an elementwise product takes ~20 us.
Taking the axis one position at a time (``v[t] = v[t - 1] + v[t]`` over all the other
positions at once) makes each step one wide vector operation: ~110 us there.  Each
element gets the same operations in the same order as ``accumulate`` gives it (``+`` and
``*`` are commutative in IEEE arithmetic), so the numbers are the same, bit for bit.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["running_sum", "running_product"]

# elements per step from which a loop over the axis beats ``accumulate`` (measured: a
# step costs ~1.2 us of calls plus ~1 ns an element, ``accumulate`` ~3.5 ns an element)
WIDE = 1024


def run_in_place(ufunc: np.ufunc, x: np.ndarray, axis: int, reverse: bool = False
                 ) -> np.ndarray:
    """``x`` (an array the caller owns) replaced by its running ``ufunc`` (``np.add``,
    ``np.multiply``) along ``axis``, taken from the end when ``reverse``; ``x``."""
    length = x.shape[axis]
    if length > 1 and x.size // length >= WIDE:
        v = np.moveaxis(x, axis, 0)
        steps = range(length - 2, -1, -1) if reverse else range(1, length)
        step = 1 if reverse else -1  # (the position added in: the one after, or before)
        for t in steps:
            ufunc(v[t + step], v[t], out=v[t])
        return x
    w = np.flip(x, axis) if reverse else x
    ufunc.accumulate(w, axis=axis, out=w)
    return x


def running_sum(a: Any, axis: int) -> Any:
    """``np.cumsum(a, axis=axis)``, the same numbers, by a loop over ``axis`` where its
    steps are wide (the compiler writes a user's cumulative sum along a given axis so:
    the size that decides is known only here)."""
    return _running(np.add, np.cumsum, a, axis)


def running_product(a: Any, axis: int) -> Any:
    """``np.cumprod(a, axis=axis)``, the same numbers, by a loop over ``axis`` where its
    steps are wide (a survival curve over 20 periods of 5000 subjects: ~390 us -> ~150)."""
    return _running(np.multiply, np.cumprod, a, axis)


def _running(ufunc: np.ufunc, cumulative: Any, a: Any, axis: int) -> Any:
    """A float array's running ``ufunc`` along ``axis`` into a new array (``a`` read
    only), by the loop where the steps are wide; anything else by ``cumulative``."""
    if type(a) is not np.ndarray or a.dtype.kind != "f" or type(axis) is not int or \
            not -a.ndim <= axis < a.ndim:
        return cumulative(a, axis=axis)
    length = a.shape[axis]
    if length < 2 or a.size // length < WIDE:
        return cumulative(a, axis=axis)
    out = np.empty_like(a)
    v, w = np.moveaxis(a, axis, 0), np.moveaxis(out, axis, 0)
    w[0] = v[0]
    for t in range(1, length):
        ufunc(w[t - 1], v[t], out=w[t])
    return out
