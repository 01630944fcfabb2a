"""Adjoint and tangent helpers of reductions: spreading an adjoint back over the
reduced axes, products of the others, weights of averages and log-sum-exps, the shares
of standard deviations.  The shares of max/min/median are in :mod:`extrema`, cumulative
sums and products in :mod:`cumulative`.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from s2sad.runtime.numeric import _NUMBERS, _axes, _float, safe_div

__all__ = [
    "repeat_to", "reduced_size", "centered", "prod_others", "prod_others_apply",
    "average_weights", "expand_weights", "reduce_to_weights", "lse_weights", "lse_tangent",
    "lse_magnitude", "lse_like", "std_share", "std_share_along", "sum_last", "max_last",
    "min_last",
]


def repeat_to(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Adjoint of a reduction: spread ``g`` back over the reduced axes of ``x``."""
    shape = x.shape if type(x) is np.ndarray else np.shape(x)
    if axis is None and type(g) in _NUMBERS and shape and math.prod(shape) < 4096:
        return np.full(shape, g if type(g) is not int else float(g))  # small: cheaper than
        # a broadcast view (an int: ``1.0 * k`` folded to the int ``k``; adjoints are floats)
    g = np.asarray(g)
    if g.dtype.kind in "biu":
        g = g.astype(float)
    if not shape and g.size == 1:  # (a number reduced: scipy's logsumexp keeps (1,))
        return g.reshape(())
    if not keepdims:
        axes = _axes(axis, len(shape))
        g = g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))
    if g.size * len(shape) < 4096:  # small: a filled array is cheaper than a view
        out = np.empty(shape, dtype=g.dtype)
        out[...] = g
        return out
    return np.broadcast_to(g, shape)


def reduced_size(a: Any, axis: Any = None) -> int:
    """How many elements each output of a reduction over ``axis`` combines."""
    shape = a.shape if type(a) is np.ndarray else np.shape(a)
    if axis is None:
        return math.prod(shape)
    return math.prod(shape[i] for i in _axes(axis, len(shape)))


def sum_last(x: Any) -> Any:
    """``np.sum(x, axis=-1)`` of a float64 array of rank two or more (the ``rows`` pass):
    NumPy sums a short contiguous last axis an output element at a time, and OpenBLAS's
    product with ones ``x @ np.ones(n)`` is slow for n of 2 and 3 (a (16384, 3) array of
    pairwise differences: 125 us, its columns added 22 us), so those are added as
    columns (in NumPy's order), longer axes by the product with a kept vector of ones
    (``np.ones`` itself takes 2 us, more than the product of a 16 x 16 matrix: an HMM
    step's row sums in a loop); NumPy's own sum for a few hundred elements, where the
    product's call costs more than it saves."""
    n = x.shape[-1]
    if n == 3:
        total = x[..., 0] + x[..., 1]
        total += x[..., 2]
        return total
    if n == 2:
        return x[..., 0] + x[..., 1]
    if x.size < 512:  # (a few rows: NumPy's reduction beats OpenBLAS's call, (32, 10): 2x)
        return x.sum(axis=-1)
    return x @ ones_vector(n)


def max_last(x: Any, keepdims: bool = False) -> Any:
    """``np.max(x, axis=-1, keepdims=keepdims)`` of an array of rank two or more (the
    ``rows`` pass): NumPy reduces a short contiguous last axis an output element at a
    time (a (3000, 5) array: 290 us), ``np.maximum`` of its columns takes one pass per
    column (10 us) and gives the same numbers (the same ufunc, NaN carried alike)."""
    return _extreme_last(x, np.maximum, keepdims)


def min_last(x: Any, keepdims: bool = False) -> Any:
    """``np.min(x, axis=-1, keepdims=keepdims)``, as :func:`max_last`."""
    return _extreme_last(x, np.minimum, keepdims)


def _extreme_last(x: Any, pick: np.ufunc, keepdims: bool) -> Any:
    n = x.shape[-1] if type(x) is np.ndarray and x.ndim >= 2 else 0
    if not 2 <= n <= 16 or x.size < 512:  # (long rows, or a few: NumPy's own reduction)
        return pick.reduce(x, axis=-1, keepdims=keepdims)
    out = pick(x[..., 0], x[..., 1])
    for k in range(2, n):
        pick(out, x[..., k], out=out)
    return out[..., None] if keepdims else out


@functools.lru_cache(maxsize=64)
def ones_vector(n: int) -> np.ndarray:
    """A float64 vector of ``n`` ones, made once per length and read-only (it is shared
    by every call: only ever an operand)."""
    ones = np.ones(n)
    ones.flags.writeable = False
    return ones


def centered(a: Any, axis: Any = None) -> Any:
    """``a`` minus its mean over ``axis`` (kept broadcastable against ``a``)."""
    return a - np.mean(a, axis=axis, keepdims=True)


def _last(a: Any, axis: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    """``a`` with the reduced axes moved last and merged: shape ``(..., n)``."""
    a = _float(a)
    axes = _axes(axis, a.ndim)
    moved = np.moveaxis(a, axes, range(a.ndim - len(axes), a.ndim))
    kept = a.ndim - len(axes)  # (the group's length written out: -1 fails on size 0)
    return moved.reshape(moved.shape[:kept] + (math.prod(moved.shape[kept:]),)), axes


def prod_others(a: Any, axis: Any = None) -> Any:
    """For each element, the product of the others in its group (exact at zeros)."""
    flat, axes = _last(a, axis)
    # (ones in a's precision: a float32 array's products stay float32, as its prod)
    ones = np.ones(flat.shape[:-1] + (1,), dtype=np.result_type(flat, np.float32))
    n = flat.shape[-1]  # (an empty group: the leading 1 alone, cut to no element)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)[..., :n]
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1),
                       axis=-1)[..., ::-1][..., :n]
    a = np.asarray(a)
    moved_shape = tuple(np.delete(a.shape, axes)) + tuple(a.shape[i] for i in axes)
    out = (left * right).reshape(moved_shape)
    return np.moveaxis(out, range(a.ndim - len(axes), a.ndim), axes)


def prod_others_apply(t: Any, a: Any, axis: Any = None) -> Any:
    """``M t`` per group, ``M[j, k] = d prod_others_k / d a_j`` (symmetric, 0 on the
    diagonal): the derivative of :func:`prod_others`, in either mode."""
    flat, axes = _last(a, axis)
    tf, _ = _last(t, axis)
    n = flat.shape[-1]
    m = np.array(np.broadcast_to(flat[..., None, None, :], flat.shape[:-1] + (n, n, n)))
    i = np.arange(n)
    m[..., i, :, i] = 1.0
    m[..., :, i, i] = 1.0
    pair = np.prod(m, axis=-1) * (i[:, None] != i[None, :])
    r = np.einsum("...jk,...k->...j", pair, tf)
    a = np.asarray(a)
    moved_shape = tuple(np.delete(a.shape, axes)) + tuple(a.shape[i] for i in axes)
    return np.moveaxis(r.reshape(moved_shape), range(a.ndim - len(axes), a.ndim), axes)


def expand_weights(w: Any, a: Any, axis: Any) -> Any:
    """``np.average`` weights (full or 1-D along ``axis``) broadcast to ``a``'s shape."""
    w = np.asarray(w, dtype=float)
    if w.shape != np.shape(a):
        shape = [1] * np.ndim(a)
        shape[axis] = -1
        w = w.reshape(shape)
    return np.broadcast_to(w, np.shape(a))


def reduce_to_weights(full: Any, w: Any, axis: Any) -> Any:
    """Adjoint of :func:`expand_weights`: sum back to the weights' shape."""
    if np.shape(full) == np.shape(w):
        return full
    others = tuple(i for i in range(np.ndim(full)) if i != axis % np.ndim(full))
    return np.sum(full, axis=others)


def average_weights(a: Any, axis: Any = None, weights: Any = None) -> Any:
    """d np.average(a, axis, weights) / da: the normalized weights, ``a``'s shape."""
    w = np.ones(np.shape(a)) if weights is None else expand_weights(weights, a, axis)
    return w / np.sum(w, axis=axis, keepdims=True)


def lse_weights(a: Any, ans: Any, axis: Any = None, keepdims: bool = False,
                b: Any = None) -> Any:
    """d logsumexp(a, axis, b) / da: ``b * exp(a - ans)`` (the softmax weights); with
    ``return_sign`` (``ans`` is ``(log|s|, sign)``), times the sign."""
    if isinstance(ans, tuple):
        value, sign = ans
        w = np.exp(a - repeat_to(value, a, axis, keepdims)) * repeat_to(sign, a, axis, keepdims)
    else:
        w = np.exp(a - repeat_to(ans, a, axis, keepdims))
    return w if b is None else w * b


def lse_magnitude(x: Any) -> Any:
    """``log|s|`` of what logsumexp returned: the first of ``(log|s|, sign)`` with
    ``return_sign``, the value itself otherwise (its tangent or adjoint likewise)."""
    return x[0] if isinstance(x, (tuple, list)) else x


def lse_like(s: Any, lse: Any) -> Any:
    """``s``, an adjoint or tangent of ``log|s|``, shaped like logsumexp's output
    ``lse``: ``(s, 0)`` when it is ``(log|s|, sign)`` (the sign has no derivative)."""
    return lse_tangent(s, lse, isinstance(lse, tuple))


def lse_tangent(t: Any, value: Any, return_sign: bool = False) -> Any:
    """The tangent of logsumexp: ``t``, or ``(t, 0)`` with ``return_sign`` (``value`` is
    then the pair the function returned)."""
    return (t, np.zeros(np.shape(value[1]))) if return_sign else t


def std_share(a: Any, spread: Any, axis: Any = None, ddof: int = 0,
              keepdims: bool = False) -> Any:
    """d np.std(a) / da: the (conjugated) centred values over (n - ddof) std, 0 where the
    spread is 0 (a single element, or all equal: std's kink).  ``spread`` is the std."""
    s = repeat_to(spread, a, axis, keepdims)
    return safe_div(np.conj(centered(a, axis)), (reduced_size(a, axis) - ddof) * s)


def std_share_along(t: Any, a: Any, spread: Any, axis: Any = None, ddof: int = 0,
                    keepdims: bool = False) -> Any:
    """The derivative of :func:`std_share` in ``a`` along ``t``, the spread held: the
    centred ``t`` over (n - ddof) std; 0 where the spread is 0 (never 0 / 0)."""
    if np.iscomplexobj(a) or np.iscomplexobj(t):
        from s2sad.runtime.linalg import only_real
        only_real(None, 1j, "a second derivative of np.std")
    s = repeat_to(spread, a, axis, keepdims)
    t = np.broadcast_to(t, np.shape(a))
    return np.where(s == 0, 0.0, safe_div(centered(t, axis), (reduced_size(a, axis) - ddof) * s))
