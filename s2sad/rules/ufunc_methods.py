"""The methods of NumPy's binary ufuncs that have rules, differentiated through closed
forms (``defthrough``) computing the same values:

- ``u.outer(a, b)``: ``u`` of ``a`` with an axis of length 1 per axis of ``b``, and ``b``
  (``np.divide.outer``, ``np.power.outer``, ``np.minimum.outer``, ...);
- ``np.logaddexp.reduce`` / ``np.logaddexp2.reduce``: the log-sum-exp along the axis,
  shifted by the maximum (a maximum of ``-inf``, no term at all, shifted by 0), as an
  HMM's forward recursion in log space writes it; ``np.hypot.reduce``: the 2-norm;
- ``u.reduce`` and ``u.accumulate`` of the others: ``u`` applied along the axis in turn
  (the first item, then ``u(acc, item)``), as NumPy does.

``np.add``/``np.multiply``/``np.maximum``/``np.minimum``'s reductions and running ones
have rules or closed forms of their own (numpy_arrays.py, numpy_extra.py,
numpy_through.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from s2sad.rules.registry import defthrough, lookup_through, lookup_vjp


def outer_of(u: Callable) -> Callable:
    def ufunc_outer(a, b):
        return u(np.reshape(a, np.shape(a) + (1,) * np.ndim(b)), b)
    return ufunc_outer


def logaddexp_reduce(array, axis=0, dtype=None, out=None, keepdims=False):
    top = np.max(array, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(top), top, 0.0)
    total = np.log(np.sum(np.exp(array - shift), axis=axis, keepdims=True)) + shift
    return total if keepdims else np.squeeze(total, axis=axis)


def logaddexp2_reduce(array, axis=0, dtype=None, out=None, keepdims=False):
    top = np.max(array, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(top), top, 0.0)
    total = np.log2(np.sum(np.exp2(array - shift), axis=axis, keepdims=True)) + shift
    return total if keepdims else np.squeeze(total, axis=axis)


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
for _method, _reference in ((np.logaddexp.reduce, logaddexp_reduce),
                            (np.logaddexp2.reduce, logaddexp2_reduce),
                            (np.hypot.reduce, hypot_reduce)):
    defthrough(_method, _reference)
