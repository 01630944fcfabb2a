"""The runtime helpers of generated code, written once against the array API.

The variant of a derivative for Dask, PyTorch, JAX, CuPy or array-api-strict arrays runs
these under the helpers' usual names.  None of them converts to NumPy or asks a lazy array
for its values (no ``np.asarray``, ``float()`` of an array, no test of its contents), so a
Dask gradient stays a graph until the caller computes it.  A helper that is not here has
no such version: the compiler refuses the variant that would need it.  This module holds
the numeric ones (NaN-safe products, kinks, shares of ties, powers) and the table
:data:`PORTABLE`; the structural ones are in :mod:`portable_arrays`, the linear algebra in
:mod:`portable_linalg`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from s2sad.runtime import portable_arrays, portable_linalg
from s2sad.runtime.numeric import bound_hit
from s2sad.runtime.portable_arrays import (
    _NUMBERS,
    _axes,
    _device,
    _is_array,
    _real_float,
    _shape,
    _xp,
    repeat_to,
    zeros_like,
)


def portable_where(cond: Any, a: Any, b: Any) -> Any:
    """``np.where(cond, a, b)`` on the library of ``cond``; of two numbers (the adjoint
    of a mean spread by a choice, ``np.where(c, 1.0 / n, 0.0)``) a float64 array, as
    NumPy makes, where the array API wants one of them an array."""
    xp = _xp(cond)
    if not _is_array(a) and not _is_array(b):
        a = xp.asarray(a, dtype=xp.float64, device=_device(cond))
    return xp.where(cond, a, b)


def safe_mul(g: Any, d: Any) -> Any:
    """``g * d``, exactly 0 where ``g == 0`` even if ``d`` is inf or nan."""
    if isinstance(g, _NUMBERS) and isinstance(d, _NUMBERS):
        return g * d if g else 0.0
    if isinstance(d, _NUMBERS) and math.isfinite(abs(d)) or isinstance(g, _NUMBERS) and g:
        return g * d
    return _xp(g, d).where(g == 0, 0.0, g * d)


def safe_div(g: Any, den: Any) -> Any:
    """``g / den``, exactly 0 where ``g == 0`` even if ``den == 0``."""
    if isinstance(g, _NUMBERS) and isinstance(den, _NUMBERS) and den:
        return g / den if g else 0.0
    if isinstance(den, _NUMBERS) and den and math.isfinite(abs(den)):
        return g / den
    xp = _xp(g, den)
    return xp.where(g == 0, 0.0, g / xp.where(den == 0, 1.0, den)) if _is_array(den) \
        else xp.where(g == 0, 0.0, g / den)


def or_one(n: Any) -> Any:
    """``n`` with 1.0 where it is 0 (a norm's divisor)."""
    if isinstance(n, _NUMBERS):
        return n or 1.0
    return _xp(n).where(n == 0, 1.0, n)


def abs_slope(x: Any) -> Any:
    if isinstance(x, _NUMBERS):
        return float(np.sign(x))
    xp = _xp(x)
    if not xp.isdtype(x.dtype, "complex floating"):
        return xp.sign(x)
    size = xp.abs(x)
    return xp.where(size == 0, 0.0, xp.conj(x) / xp.where(size == 0, 1.0, size))


def conj_if_complex(x: Any) -> Any:
    return _xp(x).conj(x) if _complex(x) else x


def rfft_adjoint(t: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """``runtime.signal.rfft_adjoint`` on any array library (weights, not in-place halving)."""
    xp = _xp(t)
    axis = axis % t.ndim
    length = _shape(a)[axis]
    m = n or length
    k = xp.reshape(xp.arange(t.shape[axis]), (-1,) + (1,) * (t.ndim - 1 - axis))
    weights = xp.where((k == 0) | (2 * k == m), 1.0, 0.5)
    out = xp.fft.irfft(xp.conj(t) * weights, n=m, axis=axis, norm="forward")
    out = out * {None: 1.0, "backward": 1.0, "ortho": m ** -0.5, "forward": 1.0 / m}[norm]
    if m >= length:
        return out[(slice(None),) * axis + (slice(0, length),)]
    shape = list(_shape(out))
    shape[axis] = length - m
    return xp.concat([out, xp.zeros(tuple(shape), dtype=out.dtype)], axis=axis)


def _complex(x: Any) -> bool:
    return not isinstance(x, _NUMBERS) and _xp(x).isdtype(x.dtype, "complex floating")


def sign_tangent(t: Any, x: Any, s: Any) -> Any:
    return _on_circle(t - s * s * _xp(x).conj(t), x) if _complex(x) else 0.0 * t


def sign_adjoint(g: Any, x: Any, s: Any) -> Any:
    if not _complex(x):
        return zeros_like(x) if _is_array(x) else 0.0
    xp = _xp(x)
    return _on_circle(g - xp.conj(g) * xp.conj(s * s), x)


def _on_circle(v: Any, x: Any) -> Any:
    xp = _xp(x)
    size = 2.0 * xp.abs(x)
    return xp.where(size == 0, 0.0, v / xp.where(size == 0, 1.0, size))


def abs_tangent(t: Any, x: Any) -> Any:
    return t * abs_slope(x) if isinstance(x, _NUMBERS) or \
        not _xp(x).isdtype(x.dtype, "complex floating") else _xp(x).real(t * abs_slope(x))


def max_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``max(x, y)``: 1, 1/2 on a tie, 0."""
    return _share(x > y, x, y)


def min_share(x: Any, y: Any) -> Any:
    return _share(x < y, x, y)


def _share(wins: Any, x: Any, y: Any) -> Any:
    if not _is_array(wins):
        return 1.0 if wins else 0.5 if x == y else 0.0
    xp = _xp(wins)
    dtype = _real_float(xp, wins.dtype)
    return xp.astype(wins, dtype) + 0.5 * xp.astype(x == y, dtype)


def _args_shares(args: tuple, result: Any) -> Any:
    """The builtin max/min's shares: 1/count on the items equal to ``result`` (a tie
    splits), as numbers or floating arrays (no bool arithmetic: the standard has none)."""
    items: Any = args[0] if len(args) == 1 else args
    if len(args) == 1 and _is_array(items):
        xp = _xp(items)
        same = items == result
        rank = len(_shape(items))
        if rank > 1:  # rows picked by a key: a whole row is the result
            same = xp.reshape(xp.all(same, axis=tuple(range(1, rank))),
                              (_shape(items)[0],) + (1,) * (rank - 1))
        hit = xp.astype(same, _real_float(xp, items.dtype))
        return hit / xp.sum(hit)
    hits = [_as_share(_same_item(v, result)) for v in items]
    count = sum(hits)
    return [h / count for h in hits]


def _same_item(v: Any, result: Any) -> Any:
    """Whether the item ``v`` is the result: arrays (picked by a key) compared whole."""
    if not _is_array(v) or not len(_shape(v)):
        return v == result
    xp = _xp(v)
    return _shape(v) == _shape(result) and bool(xp.all(v == result))


def _as_share(hit: Any) -> Any:
    if not _is_array(hit):
        return 1.0 if hit else 0.0
    xp = _xp(hit)
    return xp.astype(hit, _default_float(xp))


def _default_float(xp: Any) -> Any:
    """The library's default floating dtype (float32 on JAX without x64)."""
    return xp.asarray(0.0).dtype


def extremum_args_adjoint(g: Any, args: tuple, k: int, result: Any) -> Any:
    """Adjoint of argument ``k`` of the builtin ``max(*args)`` / ``min(*args)``; one
    iterable argument: the adjoints of all its items (a list or tuple for one)."""
    if len(args) == 1 and isinstance(args[0], dict):
        return zeros_like(args[0])
    shares = _args_shares(args, result)
    if len(args) == 1:
        items = args[0]
        return type(items)(g * s for s in shares) if isinstance(items, (list, tuple)) \
            else g * shares
    return g * shares[k]


def extremum_args_tangent(t: Any, args: tuple, k: int, result: Any) -> Any:
    if len(args) == 1 and isinstance(args[0], dict):
        return 0.0
    shares = _args_shares(args, result)
    if len(args) == 1:
        if isinstance(args[0], (list, tuple)):
            return sum(s * v for s, v in zip(shares, t))
        return _xp(shares).sum(shares * t, axis=0)
    return t * shares[k]


def extremum_share(a: Any, ans: Any, axis: Any = None, keepdims: bool = False) -> Any:
    xp = _xp(a)
    hit = a == _kept(xp, ans, a, axis, keepdims)
    share = xp.astype(hit, _real_float(xp, a.dtype))
    return share / xp.sum(share, axis=_axes(axis, len(_shape(a))), keepdims=True)


def extremum_adjoint(g: Any, a: Any, ans: Any, axis: Any = None,
                     keepdims: bool = False) -> Any:
    """``g`` on the elements equal to the extremum, split between ties (no test of the
    values, which a lazy array would have to compute)."""
    xp = _xp(a)
    g = _kept(xp, g, a, axis, keepdims) if _is_array(g) else g
    return extremum_share(a, ans, axis, keepdims) * g


def _kept(xp: Any, v: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    """A reduction's result given back the reduced axes, as size 1."""
    if keepdims or axis is None:
        return v
    axes = _axes(axis, len(_shape(a)))
    return xp.reshape(v, tuple(1 if i in axes else n for i, n in enumerate(_shape(a))))


def pow_dbase(x: Any, y: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1); 0 where y == 0."""
    if isinstance(y, _NUMBERS):
        return 0.0 * x if y == 0 else y * x ** (y - 1)
    xp = _xp(x, y)
    return xp.where(y == 0, 0.0, y * x ** xp.where(y == 0, 1.0, y - 1))


def pow_dexp(x: Any, ans: Any) -> Any:
    """d(x**y)/dy = x**y * log(x); 0 at x == 0."""
    if isinstance(x, _NUMBERS):
        # a complex Python scalar raises TypeError in math.log, as it always has
        return ans * math.log(x) if x else 0.0 * ans  # type: ignore[arg-type]
    xp = _xp(x)
    return ans * xp.log(xp.where(x == 0, 1.0, x))


def clip_mask(a: Any, lo: Any, hi: Any) -> Any:
    if isinstance(a, _NUMBERS):
        return float((lo is None or a >= lo) and (hi is None or a <= hi))
    xp = _xp(a)
    inside = xp.ones(_shape(a), dtype=xp.bool, device=_device(a))
    if lo is not None:
        inside = inside & (a >= lo)
    if hi is not None:
        inside = inside & (a <= hi)
    return xp.astype(inside, _real_float(xp, a.dtype))


def clip_bound_share(a: Any, lo: Any, hi: Any, upper: bool) -> Any:
    hit = bound_hit(a, lo, hi, upper)
    if not _is_array(hit):
        return 1.0 if hit else 0.0
    xp = _xp(hit)
    return xp.astype(hit, _real_float(xp, hit.dtype))


def sum_last(x: Any) -> Any:
    return _xp(x).sum(x, axis=-1)


def max_last(x: Any, keepdims: bool = False) -> Any:
    return _xp(x).max(x, axis=-1, keepdims=keepdims)


def min_last(x: Any, keepdims: bool = False) -> Any:
    return _xp(x).min(x, axis=-1, keepdims=keepdims)


def max_axes(a: Any, axes: Any, keepdims: bool = False) -> Any:
    return _xp(a).max(a, axis=axes, keepdims=keepdims)


def min_axes(a: Any, axes: Any, keepdims: bool = False) -> Any:
    return _xp(a).min(a, axis=axes, keepdims=keepdims)


def sum_axes(x: Any, axes: Any, keepdims: bool = False) -> Any:
    return _xp(x).sum(x, axis=axes, keepdims=keepdims)


def centered(a: Any, axis: Any = None) -> Any:
    return a - _xp(a).mean(a, axis=axis, keepdims=True)


def std_share(a: Any, spread: Any, axis: Any = None, ddof: int = 0,
              keepdims: bool = False) -> Any:
    from s2sad.runtime import reduced_size
    s = repeat_to(spread, a, axis, keepdims)
    return safe_div(centered(a, axis), (reduced_size(a, axis) - ddof) * s)


def reverse_cumsum(g: Any, a: Any, axis: Any = None) -> Any:
    xp = _xp(g)
    if axis is None:
        flat = xp.flip(xp.reshape(g, (-1,)), axis=0)
        return xp.reshape(xp.flip(xp.cumulative_sum(flat, axis=0), axis=0), _shape(a))
    return xp.flip(xp.cumulative_sum(xp.flip(g, axis=axis), axis=axis), axis=axis)


# the helpers that are plain Python (containers, shapes, indices) run as they are
_AS_THEY_ARE = (
    "add_grads", "list_append", "list_init", "tuple_init", "dict_init", "list_drop_last",
    "list_last", "stop_gradient", "iteration_items", "user_cotangents", "user_jvp",
    "without_keys", "list_remove", "list_insert_zero", "list_concat", "list_repeat",
    "list_repeat_adjoint", "list_insert", "field_add", "field_of", "dict_get", "reduced_size",
    "axes_inverse", "list_append_owned", "list_pop_last", "arg_share", "field_set",
    "field_cleared", "number_sign", "items_at",
)

def poly_powers(x: Any, n: int) -> Any:
    """Rows ``x ** (n - 1 - k)`` made by repeated products, stacked (NumPy's version
    writes them into one array in place)."""
    xp = _xp(x)
    rows = [xp.ones_like(x)] if n else []
    for _ in range(n - 1):
        rows.append(rows[-1] * x)
    return xp.stack(rows[::-1]) if rows else xp.zeros((0, *_shape(x)), dtype=x.dtype)


def _helpers_of(names: dict[str, Any], module: str) -> dict[str, Any]:
    """The helpers a module of the portable helpers defines (not those it imports)."""
    return {name: value for name, value in names.items()
            if callable(value) and not name.startswith("_") and getattr(
                value, "__module__", "") == module and name not in ("Shape", "array_namespace")}


PORTABLE: dict[str, Any] = {
    **_helpers_of(vars(portable_arrays), portable_arrays.__name__),
    **_helpers_of(vars(portable_linalg), portable_linalg.__name__),
    **_helpers_of(globals(), __name__)}


def _register_plain() -> None:
    from s2sad import runtime
    for name in _AS_THEY_ARE:
        PORTABLE[name] = runtime.HELPERS[name]


_register_plain()
