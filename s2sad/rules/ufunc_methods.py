"""The methods of NumPy's binary ufuncs that have rules, differentiated through closed
forms (``defthrough``) computing the same values:

- ``u.outer(a, b)``: ``u`` of ``a`` with an axis of length 1 per axis of ``b``, and ``b``
  (``np.divide.outer``, ``np.power.outer``, ``np.minimum.outer``, ...);
- ``np.hypot.reduce``: the 2-norm;
- ``u.reduce`` and ``u.accumulate`` of the others: ``u`` applied along the axis in turn
  (the first item, then ``u(acc, item)``), as NumPy does.

The reductions of ``np.add``, ``np.multiply``, ``np.maximum``, ``np.minimum`` and
``np.logaddexp(2)``, and the running ones of the first four, have rules or closed forms
of their own (numpy_arrays.py, numpy_extra.py, numpy_through.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from s2sad.rules.registry import defthrough, lookup_through, lookup_vjp


def outer_of(u: Callable) -> Callable:
    def ufunc_outer(a, b):
        return u(np.reshape(a, np.shape(a) + (1,) * np.ndim(b)), b)
    return ufunc_outer


def hypot_reduce(array, axis=0, dtype=None, out=None, keepdims=False):
    return np.sqrt(np.sum(np.square(array), axis=axis, keepdims=keepdims))


def reduce_of(u: Callable) -> Callable:
    def ufunc_reduce(array, axis=0, dtype=None, out=None, keepdims=False):
        items = np.moveaxis(array, axis, 0)
        total = items[0]
        for i in range(1, np.shape(items)[0]):
            total = u(total, items[i])
        return np.expand_dims(total, axis) if keepdims else total
    return ufunc_reduce


def accumulate_of(u: Callable) -> Callable:
    def ufunc_accumulate(array, axis=0, dtype=None, out=None):
        items = np.moveaxis(array, axis, 0)
        total = items[0]
        running = [total]
        for i in range(1, np.shape(items)[0]):
            total = u(total, items[i])
            running.append(total)
        return np.moveaxis(np.stack(running), 0, axis)
    return ufunc_accumulate


# binary ufuncs whose rules the closed forms call (the others have no derivative)
_BINARY = [np.add, np.subtract, np.multiply, np.divide, np.power, np.float_power,
           np.maximum, np.minimum, np.fmax, np.fmin, np.logaddexp, np.logaddexp2,
           np.arctan2, np.hypot, np.copysign]
for _u in _BINARY:
    if lookup_vjp(_u) is None:
        continue
    if lookup_through(_u.outer) is None and lookup_vjp(_u.outer) is None:
        defthrough(_u.outer, outer_of(_u))
    if lookup_through(_u.reduce) is None and lookup_vjp(_u.reduce) is None:
        defthrough(_u.reduce, reduce_of(_u))
    if lookup_through(_u.accumulate) is None and lookup_vjp(_u.accumulate) is None:
        defthrough(_u.accumulate, accumulate_of(_u))
defthrough(np.hypot.reduce, hypot_reduce)
