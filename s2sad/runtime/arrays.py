"""Helpers for shape and selection rules: the array methods that take
varargs (``x.reshape(2, 3)``), and the adjoints that undo a concatenation,
a stack, a tile, a repeat or a take.

The adjoint of a list (or tuple) parameter is a list (or tuple) of the same
length, one adjoint per element, each shaped like its element (a Python
float element gets a float).  A list-valued output's adjoint may arrive with
``None`` entries (unused outputs): :func:`fill_zeros` makes them zeros.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from s2sad.runtime.core import same_kind, unbroadcast

__all__ = [
    "reshape_method", "transpose_method", "item_method", "clip_method", "astype",
    "dtype_of", "axes_inverse", "item_of", "item_adjoint", "astype_adjoint", "shaped_like",
    "array_adjoint", "unconcat", "reconcat", "unstack_like", "hstack_axis", "as_columns",
    "fill_zeros", "pick_adjoint", "replace_at", "untile", "unrepeat", "untake",
    "untake_along_axis", "sort_indices", "linspace_adjoint", "linspace_spread",
    "spread_to_items", "undiff", "unpad", "pad_tangent", "insert_sources", "delete_sources",
    "scatter_to",
    "gather_from", "unroll_axis", "angle_adjoint", "angle_tangent", "real_if_close_tangent",
]


# ----- array methods with a calling convention of their own -----

def _shape_arg(args: tuple) -> Any:
    """``x.reshape(2, 3)`` and ``x.reshape((2, 3))`` both mean shape ``(2, 3)``."""
    return args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args


def reshape_method(a: Any, *shape: Any, order: Literal["C", "F", "A"] = "C") -> Any:
    """``a.reshape(*shape)``."""
    return np.reshape(a, _shape_arg(shape), order=order)


def transpose_method(a: Any, *axes: Any) -> Any:
    """``a.transpose(*axes)``."""
    axes = _shape_arg(axes)
    return np.transpose(a, None if axes in ((), (None,)) else axes)


def item_method(a: Any, *args: Any) -> Any:
    """``a.item(*args)`` for arrays and numpy or Python scalars."""
    return np.asarray(a).item(*args)


def clip_method(a: Any, min: Any = None, max: Any = None) -> Any:
    """``a.clip(min, max)`` (the method spells its bounds ``min`` and ``max``)."""
    return np.clip(a, min, max)


def astype(x: Any, dtype: Any, order: Literal["K", "A", "C", "F"] = "K",
           casting: Literal["no", "equiv", "safe", "same_kind", "unsafe"] = "unsafe",
           copy: bool = True) -> Any:
    """``x.astype(dtype)``, also for Python scalars."""
    return np.asarray(x).astype(dtype, order=order, casting=casting, copy=copy)


def dtype_of(x: Any) -> np.dtype:
    """``x.dtype``."""
    return np.asarray(x).dtype


def axes_inverse(axes: Any) -> Any:
    """The permutation undoing ``np.transpose(x, axes)`` (``None``: reversal)."""
    axes = _shape_arg(tuple(axes)) if isinstance(axes, (tuple, list)) else axes
    if axes is None or len(axes) == 0 or tuple(axes) == (None,):
        return None
    return tuple(int(i) for i in np.argsort(np.asarray(axes) % len(axes)))


def item_of(a: Any, args: tuple) -> Any:
    """``a.item(*args)`` with the index as one tuple (the adjoint of ``item_adjoint``)."""
    return item_method(a, *args)


def item_adjoint(g: Any, a: Any, args: tuple) -> Any:
    """Adjoint of ``a.item(*args)``: ``g`` at that one position (a complex g kept)."""
    out = np.zeros(np.shape(a), dtype=np.result_type(g, float))
    if not args:
        out[...] = g
    else:
        idx = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
        flat = np.ravel_multi_index(idx, out.shape) if len(idx) > 1 else idx[0]
        out.reshape(-1)[flat] = g
    return shaped_like(out, a)


def astype_adjoint(g: Any, x: Any, dtype: Any) -> Any:
    """Adjoint of ``x.astype(dtype)``: identity to a float dtype, zero to an int one."""
    if np.issubdtype(np.dtype(dtype), np.inexact):
        return shaped_like(np.asarray(g, dtype=np.result_type(dtype_of(x), float)), x)
    return shaped_like(np.zeros(np.shape(x)), x)


# ----- lists in, lists out -----

def shaped_like(g: Any, x: Any) -> Any:
    """``g`` reshaped to ``x``'s shape; a float when ``x`` is a Python scalar."""
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return float(np.real(np.reshape(g, ())))  # a real number's adjoint is real
    if type(g) is np.ndarray and type(x) is np.ndarray and g.shape == x.shape:
        return g
    return np.reshape(g, np.shape(x))


def array_adjoint(g: Any, obj: Any) -> Any:
    """Adjoint of ``np.array(obj)``: nested lists get nested lists of adjoints."""
    if isinstance(obj, (list, tuple)):
        if type(g) is np.ndarray and g.dtype.kind == "f" and g.shape == _grid(obj):
            return g.tolist()  # (a rotation matrix of numbers: one call, not one per entry)
        g = np.reshape(g, np.shape(obj))
        return same_kind(obj, [array_adjoint(g[i], v) for i, v in enumerate(obj)])
    return shaped_like(g, obj)


def _grid(obj: Any) -> tuple | None:
    """The shape of a list of Python numbers, or of such lists of one length (a real
    number's adjoint is a float, as ``shaped_like`` gives it); None for anything else."""
    if type(obj) is not list or not obj:
        return None
    if all(isinstance(v, (float, int)) and not isinstance(v, bool) for v in obj):
        return (len(obj),)
    inner = [_grid(v) for v in obj]
    return (len(obj),) + inner[0] if inner[0] is not None and \
        all(s == inner[0] for s in inner) else None


def _pieces(g: Any, sizes: list[int], axis: int) -> list:
    """Views of ``g`` along ``axis``, one of each length (``np.split``'s pieces, without
    its cost per call: an ``np.append`` in a loop takes one apart per step)."""
    g = np.asarray(g)
    lead = (slice(None),) * (axis % g.ndim)
    out, start = [], 0
    for n in sizes:
        out.append(g[lead + (slice(start, start + n),)])
        start += n
    return out


def unconcat(g: Any, arrays: Any, axis: Any = 0,
             lift: Callable[[Any], Any] | None = None) -> Any:
    """Adjoint of a concatenation of ``arrays`` (each first ``lift``-ed); an array given
    as the sequence (``np.column_stack(x)``) gets its pieces back as one array."""
    if isinstance(arrays, np.ndarray):
        parts = unconcat(g, list(arrays), axis, lift)
        return np.reshape(np.asarray(parts, dtype=np.result_type(g, float)), arrays.shape)
    if axis is None:
        sizes = [1 if type(x) is float else np.size(x) for x in arrays]
        parts = _pieces(g if type(g) is np.ndarray and g.ndim == 1 else np.ravel(g), sizes, 0)
    else:
        shapes = [np.shape(x if lift is None else lift(x)) for x in arrays]
        parts = _pieces(g, [s[axis] for s in shapes], axis)
    return same_kind(arrays, [shaped_like(p, x) for p, x in zip(parts, arrays)])


def reconcat(parts: Any, t: Any, axis: Any = 0,
             lift: Callable[[Any], Any] | None = None) -> Any:
    """Adjoint of :func:`unconcat`: the pieces joined again, shaped like ``t``."""
    if axis is None:
        return np.reshape(np.concatenate([np.ravel(p) for p in parts]), np.shape(t))
    pieces = [np.asarray(p) if lift is None else lift(p) for p in parts]
    return np.reshape(np.concatenate(pieces, axis=axis), np.shape(t))


def unstack_like(g: Any, arrays: Any, axis: int = 0) -> Any:
    """Adjoint of ``np.stack(arrays, axis)``: the slices of ``g`` along ``axis``."""
    g = np.moveaxis(np.asarray(g), axis, 0)
    return same_kind(arrays, [shaped_like(g[i], x) for i, x in enumerate(arrays)])


def hstack_axis(tup: Any) -> int:
    """The axis ``np.hstack`` joins along: 0 for 1-D pieces, else 1."""
    return 0 if np.ndim(tup[0]) <= 1 else 1


def as_columns(x: Any) -> Any:
    """What ``np.column_stack`` makes of one piece: 1-D (or 0-d) becomes a column."""
    return np.reshape(x, (-1, 1)) if np.ndim(x) < 2 else x


def fill_zeros(g: Any, ans: Any) -> list:
    """A list or tuple output's adjoint with ``None`` entries made zeros."""
    if g is None:
        return [np.zeros(np.shape(a)) for a in ans]
    return [np.zeros(np.shape(a)) if v is None else v for v, a in zip(g, ans)]


def pick_adjoint(g: Any, ans: Any, k: int) -> Any:
    """Entry ``k`` of a tuple or list output's adjoint (zero when ``None``)."""
    v = None if g is None else g[k]
    return np.zeros(np.shape(ans[k])) if v is None else v


def replace_at(seq: Any, k: int, v: Any) -> list:
    """``seq`` as a list with entry ``k`` replaced by ``v``."""
    out = list(seq)
    out[k] = v
    return out


# ----- tile, repeat, take -----

def untile(g: Any, a: Any, reps: Any) -> Any:
    """Adjoint of ``np.tile(a, reps)``: sum the copies."""
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    shape = np.shape(a)
    d = max(len(shape), len(reps))
    shape1 = (1,) * (d - len(shape)) + shape
    reps = (1,) * (d - len(reps)) + reps
    inter = [n for pair in zip(reps, shape1) for n in pair]
    summed = np.reshape(g, inter).sum(axis=tuple(range(0, 2 * d, 2)))
    return shaped_like(summed, a)


def _scatter_add(g: Any, shape: tuple, idx: Any, axis: int) -> np.ndarray:
    g = np.asarray(g)
    out = np.zeros(shape, dtype=np.result_type(g, float))  # (a complex g stays complex)
    np.add.at(np.moveaxis(out, axis, 0), idx, np.moveaxis(g, axis, 0))
    return out


def unrepeat(g: Any, a: Any, repeats: Any, axis: Any = None) -> Any:
    """Adjoint of ``np.repeat(a, repeats, axis)``: sum each element's copies."""
    shape = np.shape(a)
    if axis is None:
        idx = np.repeat(np.arange(np.size(a)), repeats)
        return shaped_like(_scatter_add(g, (np.size(a),), idx, 0), a)
    idx = np.repeat(np.arange(shape[axis]), repeats)
    return shaped_like(_scatter_add(g, shape, idx, axis), a)


def untake(g: Any, a: Any, indices: Any, axis: Any = None, mode: str = "raise") -> Any:
    """Adjoint of ``np.take(a, indices, axis, mode=mode)``: add ``g`` back at ``indices``."""
    shape = np.shape(a)
    n = np.size(a) if axis is None else shape[axis]
    idx = np.asarray(indices)
    idx = idx % n if mode == "wrap" else np.clip(idx, 0, n - 1) if mode == "clip" else idx
    if axis is None:
        return shaped_like(_scatter_add(np.ravel(g), (n,), np.ravel(idx), 0), a)
    axis = axis % len(shape)
    g = np.asarray(g)
    k = idx.ndim
    g = np.moveaxis(g, range(axis, axis + k), range(k)).reshape((idx.size,) + g.shape[:axis]
                                                                + g.shape[axis + k:])
    return shaped_like(_scatter_add(np.moveaxis(g, 0, axis), shape, idx.ravel(), axis), a)


def untake_along_axis(g: Any, arr: Any, indices: Any, axis: Any = -1) -> Any:
    """Adjoint of ``np.take_along_axis(arr, indices, axis)`` (repeats add up)."""
    if axis is None:
        return shaped_like(_scatter_add(np.ravel(g), (np.size(arr),), np.ravel(indices), 0), arr)
    g = np.asarray(g)
    if g.dtype.kind == "c" and not np.iscomplexobj(arr):
        g = g.real  # (a real value's adjoint is real, as everywhere)
    idx = list(np.indices(g.shape, sparse=True))
    idx[axis] = indices
    out = np.zeros(np.shape(arr), dtype=np.result_type(g, float))
    np.add.at(out, tuple(idx), g)
    return out


def sort_indices(a: Any, axis: Any = -1) -> np.ndarray:
    """The permutation ``np.sort`` applies (stable: ties keep their order)."""
    return np.argsort(a, axis=axis, kind="stable")


# ----- constructors with differentiable arguments -----

def linspace_adjoint(g: Any, start: Any, stop: Any, num: int = 50, endpoint: bool = True,
                     axis: int = 0, end: int = 0) -> Any:
    """Adjoint of ``np.linspace`` for ``start`` (``end=0``) or ``stop`` (``end=1``)."""
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    t = 1.0 - t if end == 0 else t
    total = np.tensordot(t, np.moveaxis(np.asarray(g), axis, 0), axes=(0, 0))
    return unbroadcast(total, start if end == 0 else stop)


def linspace_spread(t: Any, start: Any, stop: Any, num: int = 50, endpoint: bool = True,
                    axis: int = 0, end: int = 0) -> Any:
    """Adjoint of :func:`linspace_adjoint`: ``t`` (shaped like ``start`` or ``stop``)
    spread over the points with the weights of that end point."""
    t = np.broadcast_to(t, np.broadcast_shapes(np.shape(start), np.shape(stop)))
    return np.linspace(t * (1 - end), t * end, num, endpoint=endpoint, axis=axis)


# ----- sums, differences, padding -----

def spread_to_items(g: Any, iterable: Any) -> Any:
    """Adjoint of the builtin ``sum(iterable)``: ``g`` to each item (a list for a list)."""
    if isinstance(iterable, (list, tuple)):
        return same_kind(iterable, [shaped_like(unbroadcast(g, x), x) for x in iterable])
    return np.broadcast_to(g, np.shape(iterable))


def undiff(g: Any, a: Any, n: int = 1, axis: int = -1) -> Any:
    """Adjoint of ``np.diff(a, n, axis)``: each difference given back to its two ends,
    ``out[i] = g[i - 1] - g[i]`` (the ends ``-g[0]`` and ``g[-1]``) written in one pass
    into an array left empty (not zeros added into twice: a third of the time on a long
    vector; np.pad costs ~10 us a call)."""
    g = np.asarray(g)
    for _ in range(n):
        ax = axis % g.ndim
        shape = list(g.shape)
        shape[ax] += 1
        if g.shape[ax] == 0:
            g = np.zeros(shape, dtype=g.dtype)
            continue
        out = np.empty(shape, dtype=g.dtype)
        at = (slice(None),) * ax
        out[(*at, 0)] = -g[(*at, 0)]
        out[(*at, -1)] = g[(*at, -1)]
        np.subtract(g[(*at, slice(None, -1))], g[(*at, slice(1, None))],
                    out=out[(*at, slice(1, -1))])
        g = out
    return g


# np.pad's modes that copy elements of the array (an index map), and the ones linear
# in it: the tangent is the tangent padded the same way
_COPYING_PADS = ("edge", "wrap", "reflect", "symmetric")
_LINEAR_PADS = ("constant", *_COPYING_PADS, "mean", "linear_ramp")


def unpad(g: Any, array: Any, pad_width: Any, mode: Any = "constant") -> Any:
    """Adjoint of ``np.pad(array, pad_width, mode)``: the middle of ``g`` (constant
    mode), or ``g`` summed into the elements each padded one copies."""
    if isinstance(mode, str) and mode == "constant":
        width = np.broadcast_to(np.asarray(pad_width), (np.ndim(array), 2))
        g = np.asarray(g)
        return g[tuple(slice(b, n - e) for (b, e), n in zip(width, g.shape))]
    if not (isinstance(mode, str) and mode in _COPYING_PADS):
        raise _pad_refused(mode, "reverse")
    how: Any = mode  # (a str NumPy's stubs know only as a literal)
    return scatter_to(g, np.pad(_numbered(array), pad_width, mode=how), array)


def pad_tangent(t: Any, pad_width: Any, mode: Any = "constant") -> Any:
    """Tangent of ``np.pad(array, pad_width, mode)``: the tangent padded the same way
    (the modes linear in the array)."""
    if not (isinstance(mode, str) and mode in _LINEAR_PADS):
        raise _pad_refused(mode, "forward")
    how: Any = mode
    return np.pad(t, pad_width, mode=how)


def _pad_refused(mode: Any, kind: str) -> Exception:
    from s2sad.errors import DifferentiationError
    known = _COPYING_PADS if kind == "reverse" else _LINEAR_PADS
    return DifferentiationError(
        f"<s2sad>:?: np.pad with mode={mode!r}: no {kind}-mode derivative rule (known: "
        f"'constant', {', '.join(repr(m) for m in known if m != 'constant')}); pad with "
        "one of those, or give the padding by hand (np.concatenate of the pieces)")


# ----- insert, delete: index maps, and the scatter / gather they give -----

def _numbered(x: Any) -> np.ndarray:
    """The flat positions of ``x``'s elements, in ``x``'s shape."""
    return np.arange(np.size(x)).reshape(np.shape(x))


def insert_sources(arr: Any, obj: Any, values: Any, axis: Any = None, which: int = 0) -> Any:
    """For each element of ``np.insert(arr, obj, values, axis)``, the flat position it
    came from in ``arr`` (``which=0``) or in ``values`` (``which=1``); -1 elsewhere.
    Broadcast ``values`` repeat their positions."""
    if which == 0:
        return np.insert(_numbered(arr), obj, np.full(np.shape(values), -1), axis)
    return np.insert(np.full(np.shape(arr), -1), obj, _numbered(values), axis)


def delete_sources(arr: Any, obj: Any, axis: Any = None) -> Any:
    """For each element of ``np.delete(arr, obj, axis)``, its flat position in ``arr``."""
    return np.delete(_numbered(arr), obj, axis)


def scatter_to(g: Any, src: Any, like: Any) -> Any:
    """Adjoint of a gather: ``g[p]`` added to flat position ``src[p]`` of a zero array
    shaped like ``like`` (entries with ``src < 0`` dropped); a list ``like`` gets a list."""
    src = np.asarray(src)
    keep = src >= 0
    g = np.asarray(g)
    if np.iscomplexobj(g) and not np.iscomplexobj(like):
        g = g.real  # (a real value's adjoint is real, as everywhere)
    out = np.zeros(np.size(like), dtype=np.result_type(g, float))
    np.add.at(out, src[keep], np.broadcast_to(g, src.shape)[keep])
    return array_adjoint(out.reshape(np.shape(like)), like)


def gather_from(t: Any, src: Any) -> Any:
    """``t``'s elements at the flat positions ``src`` (0 where ``src < 0``), shaped like
    ``src``: the adjoint of :func:`scatter_to`."""
    src = np.asarray(src)
    flat = np.ravel(np.asarray(t))
    flat = flat if flat.dtype.kind in "fc" else flat.astype(float)  # (complex kept)
    if flat.size == 0:
        return np.zeros(src.shape)
    return np.where(src >= 0, flat[np.maximum(src, 0)], 0.0)


def _rolled_to(ndim: int, axis: int, start: int) -> tuple[int, int]:
    """np.rollaxis(a, axis, start) as np.moveaxis(a, axis, dest): (axis, dest)."""
    axis = axis % ndim
    start = start + ndim if start < 0 else start
    return axis, start - 1 if axis < start else start


def unroll_axis(g: Any, a: Any, axis: int, start: int = 0) -> Any:
    """Adjoint of ``np.rollaxis(a, axis, start)``: the axis moved back."""
    axis, dest = _rolled_to(np.ndim(a), axis, start)
    return np.moveaxis(g, dest, axis)


def angle_adjoint(g: Any, z: Any, deg: bool = False) -> Any:
    """Adjoint of ``np.angle(z)``: -i / z (d/dre - i d/dim of atan2(im, re)); a real
    z's angle is 0 or pi, flat."""
    scale = 180.0 / np.pi if deg else 1.0
    if not np.iscomplexobj(z):
        return 0.0 * g * z
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(z == 0, 0.0, g * scale * (-1j / np.where(z == 0, 1.0, z)))


def angle_tangent(t: Any, z: Any, deg: bool = False) -> Any:
    """Tangent of ``np.angle(z)``: Im(t / z)."""
    scale = 180.0 / np.pi if deg else 1.0
    if not np.iscomplexobj(z):
        return 0.0 * np.real(t) * np.real(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(z == 0, 0.0, scale * np.imag(t / np.where(z == 0, 1.0, z)))


def real_if_close_tangent(t: Any, ans: Any) -> Any:
    """Tangent of ``np.real_if_close``: real where the result was made real."""
    return np.real(t) if np.isrealobj(ans) else t
