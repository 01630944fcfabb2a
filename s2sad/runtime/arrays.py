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

from s2sad.runtime.core import same_kind, unbroadcast, zeros_like

__all__ = [
    "reshape_method", "transpose_method", "item_method", "clip_method", "astype",
    "dtype_of", "axes_inverse", "item_of", "item_adjoint", "astype_adjoint", "shaped_like",
    "array_adjoint", "unconcat", "reconcat", "unstack_like", "hstack_axis", "as_columns",
    "fill_zeros", "pick_adjoint", "replace_at", "linspace_adjoint", "linspace_spread",
    "spread_to_items", "undiff", "unroll_axis", "angle_adjoint", "memory_order",
    "angle_tangent", "real_if_close_tangent", "spread_of", "cross_adjoint",
]


# ----- array methods with a calling convention of their own -----

def _shape_arg(args: tuple) -> Any:
    """``x.reshape(2, 3)`` and ``x.reshape((2, 3))`` both mean shape ``(2, 3)``."""
    return args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args


def reshape_method(a: Any, *shape: Any, order: Literal["C", "F", "A"] = "C") -> Any:
    """``a.reshape(*shape)``."""
    return np.reshape(a, _shape_arg(shape), order=order)


def memory_order(a: Any, order: Any) -> str:
    """The index order ``np.ravel(a, order)`` / ``np.reshape`` read ``a`` in: 'A' and 'K'
    follow ``a``'s memory (a transpose's: 'F'), which the adjoint, a new array, has
    not, so its reshape is given 'C' or 'F' itself.  'K' of a layout that is neither
    (axes permuted in memory, negative strides) is refused: no one order gives it."""
    if order not in ("A", "K") or not isinstance(a, np.ndarray):
        return "C" if order in (None, "A", "K") else order
    if a.flags.c_contiguous or order == "A" and not a.flags.f_contiguous:
        return "C"
    if a.flags.f_contiguous:
        return "F"
    steps = [st for st, n in zip(a.strides, a.shape) if n > 1]
    if all(st > 0 for st in steps) and steps in (sorted(steps, reverse=True), sorted(steps)):
        return "C" if steps == sorted(steps, reverse=True) else "F"
    from s2sad.errors import DifferentiationError
    raise DifferentiationError(
        "<s2sad>:?: order='K' of an array whose memory order is neither C's nor F's "
        "(axes permuted, or a negative step): write order='C' or order='F'")


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
        kind = np.result_type(dtype_of(x), float)
        if np.iscomplexobj(g) and kind.kind != "c":
            g = np.real(g)  # (a real value's adjoint is real: docs/supported.md)
        return shaped_like(np.asarray(g, dtype=kind), x)
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
    if type(g) is np.ndarray and g.ndim == 1 and lift is None and axis in (0, -1, None) and \
            type(arrays) in (tuple, list) and \
            all(type(x) is np.ndarray and x.ndim == 1 for x in arrays):
        return same_kind(arrays, _pieces(g, [x.shape[0] for x in arrays], 0))  # (vectors:
        # their slices of g, without the shapes asked and the reshapes of the general way)
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
    """Adjoint of ``np.stack(arrays, axis)``: the slices of ``g`` along ``axis``; of an
    array given as the sequence (``np.stack(m)``: its rows), one array."""
    g = np.moveaxis(np.asarray(g), axis, 0)
    if isinstance(arrays, np.ndarray):
        return np.reshape(g, arrays.shape)
    return same_kind(arrays, [shaped_like(g[i], x) for i, x in enumerate(arrays)])


def index_tuples(shape: tuple) -> list:
    """``np.ndindex(*shape)``'s index tuples as a list (a loop over it has a length)."""
    return list(np.ndindex(*shape))


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
    """Adjoint of the builtin ``sum(iterable)``: ``g`` to each item (a list for a list;
    of a dict, which sums its keys, zeros)."""
    if isinstance(iterable, dict):
        return zeros_like(iterable)
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


def spread_of(seq: Any, n: int) -> Any:
    """``seq``, checked to hold the ``n`` items a call ``f(*seq)`` was read to pass
    (``h(*x[:3])``, ``h(*x)`` of a function of three parameters): a shorter one is a
    clear error here, not an index error in the items taken from it."""
    if len(seq) != n:
        raise TypeError(f"a call spreads {len(seq)} items (*args) where the derivative "
                        f"was made for {n}: pass the arguments one by one")
    return seq


# ----- np.cross of 2-vectors: vectors in the plane z = 0 -----

def cross_adjoint(g: Any, a: Any, b: Any, axisa: int = -1, axisb: int = -1,
                  axisc: int = -1, axis: int | None = None) -> Any:
    """The adjoint of ``a`` in ``np.cross(a, b)``: ``<g, a x b> = <a, b x g>``.  NumPy
    reads a 2-vector as a 3-vector with z = 0, and the product of two 2-vectors is the
    z component alone (one number per pair): the same reading here (the adjoint of a
    2-vector is the first two components of the 3-vector's), so 2-vectors, 3-vectors
    and mixtures all have theirs.  (``b``'s adjoint is ``-cross_adjoint(g, b, a, ...)``.)"""
    if axis is not None:
        axisa = axisb = axisc = axis
    na, nb = np.shape(a)[axisa], np.shape(b)[axisb]
    if na == 3 and nb == 3:
        return unbroadcast(np.cross(b, g, axisb, axisc, axisa), a)
    b3 = _in_space(b, axisb)
    g3 = np.moveaxis(np.asarray(g), axisc, -1) if na == 3 or nb == 3 else \
        np.stack([np.zeros_like(g), np.zeros_like(g), np.asarray(g)], axis=-1)
    moved = np.moveaxis(np.asarray(a), axisa, -1)  # (batch axes broadcast, vectors last)
    return np.moveaxis(unbroadcast(np.cross(b3, g3)[..., :na], moved), -1, axisa)


def _in_space(v: Any, axis: int) -> Any:
    """``v``'s vectors along the last axis, 2-vectors given z = 0."""
    v = np.moveaxis(np.asarray(v), axis, -1)
    return v if v.shape[-1] == 3 else np.concatenate([v, np.zeros(v.shape[:-1] + (1,))], -1)
