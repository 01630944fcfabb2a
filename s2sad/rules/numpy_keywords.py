"""NumPy 2's keyword spellings of functions that have rules, differentiated through the
call in the older spelling (``defthrough(fn, reference, keywords=...)``: only the calls
passing one of these keywords):

- ``np.clip(x, min=lo, max=hi)`` (NumPy 2.1, the array API's names) as
  ``np.clip(x, lo, hi)``;
- ``np.sort(x, stable=True)``: the sorted values do not depend on the stability (the
  order of equal elements), so as ``np.sort(x)``;
- ``np.prod(x, where=m, initial=c)`` (as ``np.sum``'s, in :mod:`numpy_through`): the
  masked places given 1, the product times ``initial``;
- ``np.average(x, axis, w, returned=True)``: the average and the sum of the weights (of
  ``w`` broadcast along ``axis`` as NumPy does, or the count), of the average's shape.
"""
import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def clip_min_max(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.clip with out=: assign the result")
    low = a_min if min is None else min
    high = a_max if max is None else max
    return np.clip(a, low, high)


def sort_stable(a, axis=-1, kind=None, order=None, *, stable=None):
    return np.sort(a, axis=axis)


def prod_where(a, axis=None, dtype=None, out=None, keepdims=False, initial=1, where=True):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.prod with out=: assign the result")
    return np.prod(np.where(where, a, 1), axis=axis, dtype=dtype, keepdims=keepdims) * initial


def average_returned(a, axis=None, weights=None, returned=False, *, keepdims=False):
    average = np.average(a, axis=axis, weights=weights, keepdims=keepdims)
    if not returned:
        return average
    if weights is None:
        return average, np.broadcast_to(np.size(a) / np.size(average) + 0.0, np.shape(average))
    w = weights
    if np.ndim(w) != np.ndim(a):  # (1-D weights along axis)
        w = np.swapaxes(np.broadcast_to(w, (np.ndim(a) - 1) * (1,) + np.shape(w)), -1, axis)
    return average, np.broadcast_to(np.sum(w, axis=axis, keepdims=keepdims), np.shape(average))


defthrough(np.clip, clip_min_max, keywords=("min", "max"))
defthrough(np.sort, sort_stable, keywords=("stable",))
defthrough(np.prod, prod_where, keywords=("where", "initial"))
defthrough(np.average, average_returned, keywords=("returned",))
