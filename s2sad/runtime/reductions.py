"""Adjoint and tangent helpers of reductions: spreading an adjoint back over the
reduced axes, and the shares of max/min/median/cumulative products.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from s2sad.runtime.core import zeros_like
from s2sad.runtime.numeric import _NUMBERS, _axes, _float, _scalar, safe_div
from s2sad.runtime.running import run_in_place

__all__ = [
    "repeat_to", "reduced_size", "centered", "prod_others", "prod_others_apply",
    "extremum_share", "extremum_adjoint", "reverse_cumsum", "cumprod_adjoint",
    "cumprod_tangent", "cumprod_second", "average_weights", "expand_weights",
    "reduce_to_weights", "lse_weights", "lse_tangent", "lse_magnitude", "lse_like",
    "ptp_share", "median_share",
    "extremum_args_adjoint", "extremum_args_tangent", "std_share", "std_share_along",
    "sum_last", "max_last", "min_last",
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


def reverse_cumsum(g: Any, a: Any, axis: Any = None) -> Any:
    """Adjoint of ``np.cumsum(a, axis)``: the cumulative sum taken from the end."""
    if axis is None:
        return np.reshape(np.cumsum(np.ravel(g)[::-1])[::-1], np.shape(a))
    if type(g) is np.ndarray and g.dtype.kind in "fc":  # (wide steps: a loop, in a copy)
        return run_in_place(np.add, g.copy(), axis, reverse=True)
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def _cumprod_jacobian(a: Any, axis: Any) -> np.ndarray:
    """``J[..., j, k] = d cumprod_k / d a_j`` along the last axis (exact at zeros)."""
    n = a.shape[-1]
    m = np.array(np.broadcast_to(a[..., None, :], a.shape[:-1] + (n, n)))
    i = np.arange(n)
    m[..., i, i] = 1.0
    return np.cumprod(m, axis=-1) * (i[None, :] >= i[:, None])


def _cumprod_apply(t: Any, a: Any, axis: Any, spec: str, shape: tuple) -> Any:
    ax = -1 if axis is None else axis
    a2 = _float(a).ravel() if axis is None else np.moveaxis(_float(a), ax, -1)
    t2 = np.ravel(t) if axis is None else np.moveaxis(np.asarray(t), ax, -1)
    r = np.einsum(spec, _cumprod_jacobian(a2, axis), t2)
    return np.reshape(r, shape) if axis is None else np.moveaxis(r, -1, ax)


def _cumprod_curvature(a: np.ndarray) -> np.ndarray:
    """``C[..., j, m, k] = d^2 cumprod_k / d a_j d a_m`` along the last axis."""
    n = a.shape[-1]
    c = np.array(np.broadcast_to(a[..., None, None, :], a.shape[:-1] + (n, n, n)))
    i = np.arange(n)
    c[..., i, :, i] = 1.0
    c[..., :, i, i] = 1.0
    keep = (i[:, None, None] != i[None, :, None]) & (i[None, None, :] >= i[:, None, None]) \
        & (i[None, None, :] >= i[None, :, None])
    return np.cumprod(c, axis=-1) * keep


def cumprod_second(t: Any, u: Any, a: Any, axis: Any = None, adjoint: bool = True) -> Any:
    """Second derivative of ``np.cumprod(a, axis)`` contracted with ``t`` and ``u``:
    ``adjoint=True`` gives the derivative of ``cumprod_adjoint(t, a)`` along ``u``
    (either mode: the contraction is symmetric in ``j, m``), ``False`` that of
    ``cumprod_tangent(t, a)`` along ``u``; or its adjoint when ``u`` is the output's."""
    shape = np.shape(a)
    ax = -1 if axis is None else axis
    def last(v: Any) -> np.ndarray:
        return np.ravel(v) if axis is None else np.moveaxis(np.asarray(v), ax, -1)
    c = _cumprod_curvature(last(_float(a)))
    if adjoint:  # (H(t) u)_j = sum_{m,k} C[j,m,k] t_k u_m
        r = np.einsum("...jmk,...k,...m->...j", c, last(t), last(u))
        return np.reshape(r, shape) if axis is None else np.moveaxis(r, -1, ax)
    r = np.einsum("...jmk,...j,...m->...k", c, last(t), last(u))
    return r if axis is None else np.moveaxis(r, -1, ax)


def _cumprod_normal(a: Any, axis: Any, p: Any = None) -> tuple | None:
    """``(a, axis, cumprod)`` along ``axis`` (``a`` flattened when it is None; ``p``: the
    products when the forward sweep has them) when every partial product is a finite
    number no smaller than the smallest normal float (no zero, no underflow, no
    overflow: the usual case), so that dividing a product by one of its factors is exact
    to rounding; None otherwise."""
    a2 = _float(a).ravel() if axis is None else _float(a)
    ax = 0 if axis is None else axis
    if p is None:
        with np.errstate(over="ignore", under="ignore"):  # (then the Jacobian's case)
            p = np.cumprod(a2, axis=ax)
    p = np.asarray(p)
    if p.size and not _normal(p):
        return None
    return a2, ax, p


def _normal(p: np.ndarray) -> bool:
    """Every entry a finite number no smaller in size than the smallest normal float:
    where they are all positive (survival probabilities, products of positive factors)
    seen from the least and the largest, without an array of their sizes (a NaN fails
    the comparisons and takes the full look)."""
    info = np.finfo(p.dtype)
    if p.dtype.kind == "f" and info.tiny <= p.min() and p.max() <= info.max:
        return True
    return bool(np.abs(p).min() >= info.tiny and np.isfinite(p).all())


def cumprod_adjoint(g: Any, a: Any, axis: Any = None, p: Any = None) -> Any:
    """Adjoint of ``np.cumprod(a, axis)`` (``p``: its value, when kept): ``sum_{k >= j}
    g_k p_k / a_j``, a reverse cumulative sum, O(n), where the products are normal
    numbers; else the O(n^2) per slice Jacobian, exact with zeros."""
    normal = _cumprod_normal(a, axis, p)
    if normal is None:
        return _cumprod_apply(g, a, axis, "...jk,...k->...j", np.shape(a))
    a2, ax, p = normal
    gp = g * p
    if type(gp) is np.ndarray and gp.shape == a2.shape and \
            gp.dtype == np.result_type(gp, a2):  # (one new array, not three: a
        run_in_place(np.add, gp, ax, reverse=True)  # survival curve's adjoint)
        gp /= a2
        return np.reshape(gp, np.shape(a))
    tail = np.flip(np.cumsum(np.flip(gp, ax), ax), ax)
    return np.reshape(tail / a2, np.shape(a))


def cumprod_tangent(da: Any, a: Any, axis: Any = None) -> Any:
    """Tangent of ``np.cumprod(a, axis)``: ``p_k sum_{j <= k} da_j / a_j`` where the
    products are normal numbers (O(n)); else by the Jacobian."""
    normal = _cumprod_normal(a, axis)
    if normal is None:
        return _cumprod_apply(da, a, axis, "...jk,...j->...k", (-1,))
    a2, ax, p = normal
    ratio = (np.ravel(da) if axis is None else da) / a2
    if type(ratio) is np.ndarray and ratio.dtype.kind in "fc" and ratio.shape == p.shape:
        return p * run_in_place(np.add, ratio, ax)  # (a new array: summed in place)
    return p * np.cumsum(ratio, ax)


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
