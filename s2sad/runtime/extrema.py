"""Adjoint and tangent helpers of extrema: the shares of max/min reductions (1/count on
the elements equal to the extremum, ties split), of ``np.ptp`` and ``np.median``, and of
the builtin ``max``/``min`` of an iterable or of several arguments."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from s2sad.runtime.core import zeros_like
from s2sad.runtime.numeric import _axes, _scalar
from s2sad.runtime.reductions import _last

__all__ = [
    "extremum_share", "extremum_adjoint", "ptp_share", "median_share", "extremum_args_adjoint",
    "extremum_args_tangent", "max_axes", "min_axes",
]


def extremum_share(a: Any, ans: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Weights of a max/min reduction: 1/count on the elements equal to it, else 0."""
    if not keepdims and axis is not None:
        axes = _axes(axis, np.ndim(a))
        ans = np.reshape(ans, tuple(1 if i in axes else n for i, n in enumerate(np.shape(a))))
    hit = np.equal(a, ans)
    share = hit.astype(float)
    count = share.sum(axis=axis, keepdims=True)
    return share if count.max(initial=1.0) == 1.0 else share / count


def extremum_adjoint(g: Any, a: Any, ans: Any, axis: Any = None,
                     keepdims: bool = False) -> Any:
    """Adjoint of a max/min reduction: ``g`` on the elements equal to the extremum,
    split evenly between ties (one multiply where there are none, the usual case; with
    ties, ``g`` divided by the counts first, at the reduced shape: a division of the
    whole by a broadcast integer count takes three times the multiply)."""
    if axis is None and type(a) is np.ndarray:  # (one extremum of the whole array: no
        hit = a == ans  # axes to work out, a loop's max-shifted log-sum-exp each trip)
        if np.count_nonzero(hit) != 1:
            g = g / _counted(hit, tuple(range(a.ndim)))
        return hit * g
    a = np.asarray(a)
    axes = _axes(axis, a.ndim)
    if not (keepdims or axis is None):  # give the reduced axes back, as size 1
        kept = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
        ans, g = np.reshape(ans, kept), np.reshape(g, kept)
    hit = a == ans
    if np.count_nonzero(hit) != np.size(ans):  # ties share
        g = g / _counted(hit, axes)  # (hit * (g / c) is hit * g / c exactly: hit is 0/1)
    return hit * g


def _counted(hit: np.ndarray, axes: tuple) -> Any:
    """``np.sum(hit, axis=axes, keepdims=True)``; over a few elements on axes that are
    not the last one alone (a 2 x 2 pooling window of ``x.reshape(B, h, 2, w, 2)``) as
    the sum of those elements' slices: NumPy's reduction then runs its inner loop over
    two elements at a time, some ten times slower."""
    sizes = [hit.shape[i] for i in axes]
    if math.prod(sizes) > 8 or axes == (hit.ndim - 1,):
        return np.sum(hit, axis=axes, keepdims=True)
    total: Any = None
    for at in np.ndindex(*sizes):
        index = [slice(None)] * hit.ndim
        for axis, k in zip(axes, at):
            index[axis] = slice(k, k + 1)
        part = hit[tuple(index)]
        total = part.astype(np.intp) if total is None else total + part
    return total


def max_axes(a: Any, axes: tuple, keepdims: bool = False) -> Any:
    """``np.max(a, axis=axes, keepdims=keepdims)`` over a few short axes (the 2 x 2
    pooling window of ``x.reshape(B, h, 2, w, 2)``): NumPy reduces them with an inner
    loop of two elements at a time (a (32, 14, 2, 14, 2) array: 440 us); ``np.maximum``
    of the window's slices takes a pass per slice (25 us) and gives the same numbers (the
    same ufunc, NaN carried alike)."""
    return _window_extreme(a, axes, np.maximum, keepdims)


def min_axes(a: Any, axes: tuple, keepdims: bool = False) -> Any:
    """``np.min(a, axis=axes, keepdims=keepdims)``, as :func:`max_axes`."""
    return _window_extreme(a, axes, np.minimum, keepdims)


def _window_extreme(a: Any, axes: tuple, pick: np.ufunc, keepdims: bool) -> Any:
    if type(a) is not np.ndarray or a.size < 512:  # (a few elements: NumPy's own)
        return pick.reduce(a, axis=axes, keepdims=keepdims)
    axes = tuple(sorted(k % a.ndim for k in axes))
    sizes = [a.shape[k] for k in axes]
    if not 2 <= math.prod(sizes) <= 16 or axes[-1] == a.ndim - 1 and len(axes) == 1:
        return pick.reduce(a, axis=axes, keepdims=keepdims)
    parts = []
    for at in np.ndindex(*sizes):
        index: list = [slice(None)] * a.ndim
        for k, i in zip(axes, at):
            index[k] = slice(i, i + 1) if keepdims else i
        parts.append(a[tuple(index)])
    out = pick(parts[0], parts[1])
    for part in parts[2:]:
        pick(out, part, out=out)
    return out


def ptp_share(a: Any, axis: Any = None) -> Any:
    """d np.ptp(a, axis) / da, shaped like ``a``: the max's weights minus the min's,
    ties split equally as for ``max``/``min`` (0 everywhere for a constant slice)."""
    hi = np.max(a, axis=axis, keepdims=True)
    lo = np.min(a, axis=axis, keepdims=True)
    return extremum_share(a, hi, axis, True) - extremum_share(a, lo, axis, True)


def median_share(a: Any, axis: Any = None, skip_nan: bool = False) -> Any:
    """d np.median(a, axis) / da, shaped like ``a``: weight 1 on the middle element
    of each slice, 1/2 on each of the two middle elements for an even size; the
    elements equal to a middle value split its weight equally (the tie convention
    of ``max``/``min``).  ``skip_nan`` (``np.nanmedian``): the middle of each slice's
    values that are not NaN (sorted first, NaNs last), the NaNs given no weight."""
    flat, axes = _last(a, axis)
    s = np.sort(flat, axis=-1)
    n = np.sum(~np.isnan(flat), axis=-1, keepdims=True) if skip_nan else flat.shape[-1]
    share = np.zeros(flat.shape)
    for k in (np.maximum((n - 1) // 2, 0), n // 2):
        hit = flat == np.take_along_axis(s, np.broadcast_to(k, s.shape[:-1] + (1,)), axis=-1)
        share += 0.5 * hit / np.maximum(np.sum(hit, axis=-1, keepdims=True), 1)
    a = np.asarray(a)
    moved_shape = tuple(np.delete(a.shape, axes)) + tuple(a.shape[i] for i in axes)
    return np.moveaxis(share.reshape(moved_shape), range(a.ndim - len(axes), a.ndim), axes)


def _args_shares(args: tuple, result: Any) -> Any:
    """Weights of the builtin ``max``/``min`` (one iterable or several arguments):
    1/count on the items equal to the result, else 0."""
    if len(args) == 1:
        items = args[0]
        if isinstance(items, (list, tuple)):
            hits = [_same_item(v, result) for v in items]
            count = max(sum(hits), 1)
            return [h / count for h in hits]
        same = np.equal(items, result)
        if np.ndim(items) > 1:  # rows picked by a key: a whole row is the result
            same = np.all(same, axis=tuple(range(1, np.ndim(items))))
            same = np.reshape(same, same.shape + (1,) * (np.ndim(items) - 1))
        return same / max(np.sum(same), 1)
    hits = [np.equal(v, result) for v in args]
    count = np.maximum(sum(hits), 1)
    return [h / count for h in hits]


def _same_item(v: Any, result: Any) -> float:
    """1.0 where the item ``v`` is the result (arrays, picked by a key, whole), else 0.0."""
    if np.ndim(v) == 0 and np.ndim(result) == 0:
        return float(v == result)
    return float(np.shape(v) == np.shape(result) and bool(np.all(np.equal(v, result))))


def extremum_args_adjoint(g: Any, args: tuple, k: int, result: Any) -> Any:
    """Adjoint of argument ``k`` of the builtin ``max(*args)`` / ``min(*args)``
    (which returned ``result``).  One argument is an iterable: a list or tuple gets a
    list or tuple of adjoints, an array an array.  Ties split ``g`` equally.  Of a dict
    the pick is a key: no adjoint."""
    if len(args) == 1 and isinstance(args[0], dict):
        return zeros_like(args[0])
    shares = _args_shares(args, result)
    if len(args) == 1:
        if isinstance(args[0], (list, tuple)):
            return type(args[0])(_scalar(np.multiply(g, s)) for s in shares)
        return np.multiply(g, shares)
    return _scalar(np.multiply(g, shares[k]))


def extremum_args_tangent(t: Any, args: tuple, k: int, result: Any) -> Any:
    """Tangent of the builtin ``max(*args)`` / ``min(*args)`` along argument ``k``'s
    tangent ``t`` (the transpose of :func:`extremum_args_adjoint`)."""
    if len(args) == 1 and isinstance(args[0], dict):
        return zeros_like(result)
    shares = _args_shares(args, result)
    if len(args) == 1:
        if isinstance(args[0], (list, tuple)):
            return _scalar(sum(np.multiply(s, v) for s, v in zip(shares, t)))
        return _scalar(np.sum(np.multiply(shares, t), axis=0))
    return _scalar(np.multiply(t, shares[k]))
