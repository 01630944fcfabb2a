"""Numeric helpers that elementwise and reduction rule templates call.

Helpers that take a partial derivative which can be infinite (``sqrt`` at 0,
``log`` at 0, ``arcsin`` at 1, ...) go through :func:`safe_mul` or
:func:`safe_div`: where the incoming adjoint or tangent is exactly zero the
result is exactly zero, never ``0 * inf = nan``, and Python floats never
raise ``ZeroDivisionError``.  0-d results come back as numpy scalars
(``np.float64`` is a ``float``), arrays stay arrays.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "repeat_to", "safe_mul", "safe_div", "broadcast_like",
    "pow_dbase", "pow_dexp", "abs_slope", "abs_tangent", "imag_adjoint",
    "max_share", "min_share", "fmax_share", "fmin_share",
    "clip_mask", "sinc_deriv", "sinc_deriv2", "log_of_base", "polygamma",
    "reduced_size", "centered", "prod_others", "prod_others_apply", "extremum_share",
    "extremum_adjoint",
    "reverse_cumsum", "cumprod_adjoint", "cumprod_tangent", "cumprod_second",
    "average_weights", "expand_weights", "reduce_to_weights", "lse_weights",
    "ptp_share", "median_share", "extremum_args_adjoint", "extremum_args_tangent",
]


def _scalar(r: Any) -> Any:
    """A 0-d array as a numpy scalar; anything else unchanged."""
    return r[()] if isinstance(r, np.ndarray) and r.ndim == 0 else r


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axis = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % ndim for a in axis)


def _float(x: Any) -> np.ndarray:
    """``x`` as a float (or complex) array, ints promoted."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.inexact) else x.astype(float)


# ----- NaN-safe products and quotients -----

_NUMBERS = (float, int, np.float64)


def safe_mul(g: Any, d: Any) -> Any:
    """``g * d``, exactly 0 where ``g == 0`` even if ``d`` is inf or nan."""
    if type(g) in _NUMBERS and type(d) in _NUMBERS:  # the fast path of scalar code
        return g * d if g else 0.0
    if type(d) is np.ndarray or type(g) is np.ndarray:
        with np.errstate(invalid="ignore"):
            r = np.multiply(g, d)
        if not _has_nan(r):  # one extra read, no extra pass where nothing is wrong
            return r
    with np.errstate(all="ignore"):
        r = np.multiply(g, d)
    return _scalar(np.where(np.equal(g, 0), 0.0, r))


def safe_div(g: Any, den: Any) -> Any:
    """``g / den``, exactly 0 where ``g == 0`` even if ``den == 0``; never raises."""
    if type(g) in _NUMBERS and type(den) in _NUMBERS and den:
        return g / den if g else 0.0
    if type(den) is np.ndarray or type(g) is np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.divide(g, den)
        if not _has_nan(r):  # g / 0 = inf is the right answer where g != 0
            return r
    with np.errstate(all="ignore"):
        r = np.divide(g, den)
    return _scalar(np.where(np.equal(g, 0), 0.0, r))


def _has_nan(r: np.ndarray) -> bool:
    """Whether ``r`` holds a nan: by one BLAS dot product (nan iff a nan is there;
    inf squares to inf) for contiguous floats, twice as fast as ``isnan().any()``."""
    if r.dtype == np.float64 and r.flags.c_contiguous and r.size:
        v = r.reshape(-1)
        return math.isnan(np.dot(v, v))
    return bool(np.isnan(r).any())


def broadcast_like(t: Any, ans: Any) -> Any:
    """A tangent given the output's shape (a term of ``x + y`` with ``x`` smaller)."""
    if np.shape(t) == np.shape(ans):
        return t
    return np.array(np.broadcast_to(t, np.shape(ans)))


# ----- partial derivatives with kinks or poles -----

def pow_dbase(x: Any, y: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1); 0 where y == 0 (so 0**0 has slope 0)."""
    if type(y) in (int, float) and y and type(x) is np.ndarray and x.dtype.kind == "f":
        return y * _power(x, y - 1)  # a constant exponent: no masks
    x = _float(x)
    with np.errstate(all="ignore"):
        r = y * np.power(x, np.where(np.equal(y, 0), 1.0, np.subtract(y, 1)))
    return _scalar(np.where(np.equal(y, 0), 0.0, r))


def _power(x: np.ndarray, q: float) -> np.ndarray:
    """``x ** q``, by products and one square root for small integer and half-integer
    ``q`` (libm's pow is several times slower than a product)."""
    n = abs(q)
    if n > 6 or 2 * n != int(2 * n):
        with np.errstate(all="ignore"):
            return np.power(x, q)
    with np.errstate(all="ignore"):
        r = np.sqrt(x) if n != int(n) else np.ones_like(x)
        for _ in range(int(n)):
            r = r * x
        return 1.0 / r if q < 0 else r


def pow_dexp(x: Any, ans: Any) -> Any:
    """d(x**y)/dy = x**y * log(x); 0 at x == 0, nan for x < 0."""
    x = _float(x)
    with np.errstate(all="ignore"):
        r = np.multiply(ans, np.log(np.where(np.equal(x, 0), 1.0, x)))
    return _scalar(r)


def abs_slope(x: Any) -> Any:
    """d|x|: ``sign(x)`` (0 at 0) for reals; ``conj(x) / |x|`` for complex ``x``, the
    cotangent convention under which a real output's gradient is its real part."""
    if not np.iscomplexobj(x):
        return np.sign(x)
    x = np.asarray(x)
    size = np.abs(x)
    return _scalar(np.where(size == 0, 0.0, np.conj(x) / np.where(size == 0, 1.0, size)))


def abs_tangent(t: Any, x: Any) -> Any:
    """Tangent of |x|: ``t * sign(x)``; ``Re(conj(x) t) / |x|`` for complex ``x``."""
    if not np.iscomplexobj(x):
        return t * np.sign(x)
    return _scalar(np.real(t * abs_slope(x)))


def imag_adjoint(g: Any, val: Any) -> Any:
    """Adjoint of ``np.imag(val)``: ``-1j * g`` for complex ``val``, 0 for a real one."""
    return -1j * g if np.iscomplexobj(val) else np.zeros_like(g, dtype=float) + 0.0 * g


def max_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``max(x, y)``: 1, 1/2 on a tie, 0."""
    return _scalar(np.greater(x, y) + 0.5 * np.equal(x, y))


def min_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``min(x, y)``: 1, 1/2 on a tie, 0."""
    return _scalar(np.less(x, y) + 0.5 * np.equal(x, y))


def fmax_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``np.fmax(x, y)``: as ``max_share``, but nan loses."""
    share = np.where(np.isnan(y), 1.0, max_share(x, y))
    return _scalar(np.where(np.isnan(x), 0.0, share))


def fmin_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``np.fmin(x, y)``: as ``min_share``, but nan loses."""
    share = np.where(np.isnan(y), 1.0, min_share(x, y))
    return _scalar(np.where(np.isnan(x), 0.0, share))


def clip_mask(a: Any, lo: Any, hi: Any) -> Any:
    """1.0 where ``lo <= a <= hi`` (inclusive; ``None`` is no bound), else 0."""
    inside = np.ones(np.shape(a), dtype=bool)
    if lo is not None:
        inside = inside & np.greater_equal(a, lo)
    if hi is not None:
        inside = inside & np.less_equal(a, hi)
    return _scalar(inside.astype(float))


def sinc_deriv(x: Any) -> Any:
    """d sinc(x)/dx = (cos(pi x) - sinc(x)) / x; its Taylor series near 0 (exact at 0)."""
    x = _float(x)
    far = np.where(np.abs(x) < 1e-3, 1.0, x)
    series = -np.pi ** 2 * x / 3 + np.pi ** 4 * x ** 3 / 30
    return _scalar(np.where(np.abs(x) < 1e-3, series, (np.cos(np.pi * far) - np.sinc(far)) / far))


def sinc_deriv2(x: Any) -> Any:
    """d^2 sinc(x)/dx^2 = (-pi sin(pi x) - 2 sinc'(x)) / x; its Taylor series near 0."""
    x = _float(x)
    far = np.where(np.abs(x) < 1e-3, 1.0, x)
    series = -np.pi ** 2 / 3 + np.pi ** 4 * x ** 2 / 10
    r = (-np.pi * np.sin(np.pi * far) - 2 * sinc_deriv(far)) / far
    return _scalar(np.where(np.abs(x) < 1e-3, series, r))


def log_of_base(base: Any) -> Any:
    """``log(base)``; 1.0 for ``math.log(x)`` called without a base."""
    return 1.0 if base is None else np.log(base)


def polygamma(n: Any, x: Any) -> Any:
    """The n-th derivative of digamma: ``gammaln`` has derivative ``polygamma(0, x)``
    (needs scipy, imported only when used)."""
    from scipy.special import polygamma as psi_n
    return _scalar(psi_n(n, x))


# ----- reductions -----

def repeat_to(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Adjoint of a reduction: spread ``g`` back over the reduced axes of ``x``."""
    shape = x.shape if type(x) is np.ndarray else np.shape(x)
    if axis is None and type(g) in _NUMBERS and shape and math.prod(shape) < 4096:
        return np.full(shape, g)  # small: cheaper than a broadcast view
    g = np.asarray(g)
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


def centered(a: Any, axis: Any = None) -> Any:
    """``a`` minus its mean over ``axis`` (kept broadcastable against ``a``)."""
    return a - np.mean(a, axis=axis, keepdims=True)


def _last(a: Any, axis: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    """``a`` with the reduced axes moved last and merged: shape ``(..., n)``."""
    a = _float(a)
    axes = _axes(axis, a.ndim)
    moved = np.moveaxis(a, axes, range(a.ndim - len(axes), a.ndim))
    return moved.reshape(moved.shape[:a.ndim - len(axes)] + (-1,)), axes


def prod_others(a: Any, axis: Any = None) -> Any:
    """For each element, the product of the others in its group (exact at zeros)."""
    flat, axes = _last(a, axis)
    ones = np.ones(flat.shape[:-1] + (1,))
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
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
    split evenly between ties (one multiply where there are none, the usual case)."""
    a = np.asarray(a)
    axes = _axes(axis, a.ndim)
    if not (keepdims or axis is None):  # give the reduced axes back, as size 1
        kept = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
        ans, g = np.reshape(ans, kept), np.reshape(g, kept)
    hit = a == ans
    r = hit * g
    if np.count_nonzero(hit) != np.size(ans):  # ties share
        r = r / np.sum(hit, axis=axes, keepdims=True)
    return r


def reverse_cumsum(g: Any, a: Any, axis: Any = None) -> Any:
    """Adjoint of ``np.cumsum(a, axis)``: the cumulative sum taken from the end."""
    if axis is None:
        return np.reshape(np.cumsum(np.ravel(g)[::-1])[::-1], np.shape(a))
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


def cumprod_adjoint(g: Any, a: Any, axis: Any = None) -> Any:
    """Adjoint of ``np.cumprod(a, axis)`` (O(n^2) per slice, exact with zeros)."""
    return _cumprod_apply(g, a, axis, "...jk,...k->...j", np.shape(a))


def cumprod_tangent(da: Any, a: Any, axis: Any = None) -> Any:
    """Tangent of ``np.cumprod(a, axis)``."""
    return _cumprod_apply(da, a, axis, "...jk,...j->...k", (-1,))


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
    """d logsumexp(a, axis, b) / da: ``b * exp(a - ans)`` (the softmax weights)."""
    w = np.exp(a - repeat_to(ans, a, axis, keepdims))
    return w if b is None else w * b


def ptp_share(a: Any, axis: Any = None) -> Any:
    """d np.ptp(a, axis) / da, shaped like ``a``: the max's weights minus the min's,
    ties split equally as for ``max``/``min`` (0 everywhere for a constant slice)."""
    hi = np.max(a, axis=axis, keepdims=True)
    lo = np.min(a, axis=axis, keepdims=True)
    return extremum_share(a, hi, axis, True) - extremum_share(a, lo, axis, True)


def median_share(a: Any, axis: Any = None) -> Any:
    """d np.median(a, axis) / da, shaped like ``a``: weight 1 on the middle element
    of each slice, 1/2 on each of the two middle elements for an even size; the
    elements equal to a middle value split its weight equally (the tie convention
    of ``max``/``min``)."""
    flat, axes = _last(a, axis)
    n = flat.shape[-1]
    s = np.sort(flat, axis=-1)
    share = np.zeros(flat.shape)
    for k in ((n - 1) // 2, n // 2):
        hit = flat == s[..., k:k + 1]
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
            hits = [np.equal(v, result) for v in items]
            count = max(sum(hits), 1)
            return [h / count for h in hits]
        hits = np.equal(items, result)
        return hits / max(np.sum(hits), 1)
    hits = [np.equal(v, result) for v in args]
    count = np.maximum(sum(hits), 1)
    return [h / count for h in hits]


def extremum_args_adjoint(g: Any, args: tuple, k: int, result: Any) -> Any:
    """Adjoint of argument ``k`` of the builtin ``max(*args)`` / ``min(*args)``
    (which returned ``result``).  One argument is an iterable: a list or tuple gets a
    list or tuple of adjoints, an array an array.  Ties split ``g`` equally."""
    shares = _args_shares(args, result)
    if len(args) == 1:
        if isinstance(args[0], (list, tuple)):
            return type(args[0])(_scalar(np.multiply(g, s)) for s in shares)
        return np.multiply(g, shares)
    return _scalar(np.multiply(g, shares[k]))


def extremum_args_tangent(t: Any, args: tuple, k: int, result: Any) -> Any:
    """Tangent of the builtin ``max(*args)`` / ``min(*args)`` along argument ``k``'s
    tangent ``t`` (the transpose of :func:`extremum_args_adjoint`)."""
    shares = _args_shares(args, result)
    if len(args) == 1:
        if isinstance(args[0], (list, tuple)):
            return _scalar(sum(np.multiply(s, v) for s, v in zip(shares, t)))
        return _scalar(np.sum(np.multiply(shares, t), axis=0))
    return _scalar(np.multiply(t, shares[k]))
