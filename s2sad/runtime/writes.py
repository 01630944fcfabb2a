"""Writes into arrays and containers, as values and in place: ``setitem`` (a changed
copy), ``write_at`` / ``clear_at`` (in place, on what the derivative owns), ``add_at``
(the adjoint of a read ``x[idx]``, added into its place), ``zero_at`` (the adjoint of
``x`` in ``x[idx] = v``), ``written_part`` (that of ``v``), ``np.add.at`` as a value."""
from __future__ import annotations

from typing import Any

import numpy as np

from .core import (
    _FLOAT64,
    add_grads,
    every_item_of_list,
    list_slice_kept,
    same_kind,
    zeros_like,
)
from .scatters import counted, scatter_by_count

__all__ = ["add_at", "add_to_item", "setitem", "write_at", "clear_at", "scatter_add",
           "last_writes",
           "scatter_subtract", "written_part", "zero_at"]


def _distinct(idx: Any) -> bool:
    """Whether the positions of the index arrays ``idx`` surely never repeat, seen
    cheaply: arrays of ints of one axis and one length, one of them non-negative and
    strictly increasing (``np.fill_diagonal``'s positions)."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    if not all(type(p) is np.ndarray and p.ndim == 1 and p.dtype.kind in "iu" and
               p.shape == parts[0].shape for p in parts):
        return False
    return any(p.size < 2 or p[0] >= 0 and bool(np.all(p[1:] > p[:-1])) for p in parts)


def _distinct_positions(idx: Any, shape: tuple) -> bool:
    """Whether index arrays of ints (one length, over the leading axes of ``shape``)
    name each position once (``np.tril_indices``'s pairs): their flat positions, each
    index taken as NumPy takes it (``-1`` the last), have no repeat."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    if not parts or len(parts) > len(shape) or not all(
            type(p) is np.ndarray and p.ndim == 1 and p.dtype.kind in "iu" and
            p.shape == parts[0].shape for p in parts):
        return False
    flat = np.sort(np.ravel_multi_index(parts, shape[:len(parts)], mode="wrap"), axis=None)
    return bool(np.all(flat[1:] != flat[:-1]))


def _is_fancy(idx: Any) -> bool:
    parts = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(p, (list, np.ndarray)) for p in parts)


_COMPLEX_NUMBERS = (complex, np.complex128, np.complex64)


def add_at(acc: Any, x: Any, idx: Any, g: Any) -> Any:
    """Adjoint of ``x[idx]``: add ``g`` into ``acc[idx]`` (``acc`` is owned).

    ``acc`` of ``None`` means no adjoint yet: a zero one is made first.
    """
    if type(idx) is np.ndarray and type(g) is np.ndarray and g.dtype is _FLOAT64 and \
            idx.dtype.kind in "iu":  # (the usual case, without the checks below)
        if acc is None and type(x) is np.ndarray and x.dtype is _FLOAT64:
            made = counted(idx, g, x.shape[0]) if x.ndim == 1 else None
            if made is not None:
                return made
            acc = np.zeros(x.shape)
        if type(acc) is np.ndarray and acc.dtype is _FLOAT64:
            if acc.ndim == 1 or not scatter_by_count(acc, idx, g):
                np.add.at(acc, idx, g)  # (of a vector: NumPy's own loop, fast since 1.25)
            return acc
    if acc is None or type(acc) is float and x is not None and acc == 0.0:
        acc = zeros_like(x)  # (0.0: the stand-in zero of a value bound in a branch)
    if isinstance(acc, (list, tuple, dict)):
        return add_to_item(acc, idx, g)
    if isinstance(acc, float):  # a Python scalar indexed: x[()] and the like
        return acc if g is None else acc + g
    if (type(g) is np.ndarray and g.dtype.kind == "c" or type(g) in _COMPLEX_NUMBERS) \
            and acc.dtype.kind != "c":
        g = g.real  # a real value's adjoint is real (the convention of docs/supported.md)
    if _is_fancy(idx):
        if not scatter_by_count(acc, idx, g):
            np.add.at(acc, idx, g)
    else:
        acc[idx] += g
    return acc


def add_to_item(acc: Any, idx: Any, g: Any) -> Any:
    """A container's adjoint with ``g`` added at ``idx`` (a tuple's is built up as a
    list)."""
    acc = list(acc) if isinstance(acc, tuple) else acc
    old = acc[idx]
    if isinstance(old, (list, tuple)) and isinstance(g, (int, float, complex, np.number)):
        # a number spread over the items of a slice (np.sum(xs[1:])) or of a list held
        # in the container (np.sum(d[k]) of a list: the spread written as the number)
        g = same_kind(old, [g] * len(old))
    if type(old) is np.ndarray and type(g) is np.ndarray and old.shape != g.shape and \
            not old.any():  # cleared (zero_at) when a write gave the item another shape
        acc[idx] = g
    else:
        acc[idx] = add_grads(old, g)
    return acc


def setitem(x: Any, idx: Any, v: Any) -> Any:
    """``x[idx] = v`` without touching the caller's ``x``: a changed copy."""
    if isinstance(x, (list, dict)):
        if idx is Ellipsis and type(x) is not dict:
            raise every_item_of_list()
        list_slice_kept(x, idx, v)
        out = x.copy()
        out[idx] = v
        return out
    if isinstance(x, tuple):  # (t[0][1] = v writes into the item: the tuple holds it again)
        return tuple_with(x, idx, v)
    arr = np.array(x, dtype=np.result_type(x, v) if np.iscomplexobj(v) else None, copy=True)
    arr[idx] = v
    return arr


def write_at(x: Any, idx: Any, v: Any) -> Any:
    """``x[idx] = v`` in place, on an array or list the derivative owns (the compiler
    proved no other name sees it): O(size of the written part)."""
    if type(x) is np.ndarray and x.flags.writeable and (
            x.dtype.kind == "c" or not np.iscomplexobj(v)):
        x[idx] = v
        return x
    if (type(x) is list or type(x) is dict) and idx is not Ellipsis:
        list_slice_kept(x, idx, v)
        x[idx] = v
        return x
    return setitem(x, idx, v)


def clear_at(g: Any, idx: Any) -> Any:
    """``g[idx] = 0`` in place, on an adjoint the derivative owns."""
    if type(g) is np.ndarray and g.flags.writeable:
        g[idx] = 0
        return g
    return zero_at(g, idx)


def scatter_add(a: Any, idx: Any, b: Any) -> Any:
    """``np.add.at(a, idx, b)`` as a value (``a`` itself is left alone)."""
    out = np.array(a, dtype=np.result_type(a, b), copy=True)
    if not scatter_by_count(out, idx, b):
        np.add.at(out, idx, b)
    return out


def scatter_subtract(a: Any, idx: Any, b: Any) -> Any:
    """``np.subtract.at(a, idx, b)`` as a value."""
    out = np.array(a, dtype=np.result_type(a, b), copy=True)
    np.subtract.at(out, idx, b)
    return out


def written_part(g: Any, idx: Any) -> Any:
    """The adjoint of ``v`` in ``x[idx] = v``: ``g[idx]``, where an index that repeats
    gives its gradient to the last write only (the one NumPy keeps)."""
    part = g[idx]
    if not _is_fancy(idx) or _distinct(idx) or _distinct_positions(idx, np.shape(g)):
        return part
    shape = np.shape(part)
    order = np.arange(int(np.prod(shape))).reshape(shape)
    last = np.full(np.shape(g), -1)
    last[idx] = order
    return np.where(last[idx] == order, part, 0.0)


def tuple_with(t: tuple, idx: Any, v: Any) -> tuple:
    """A tuple (a named tuple too) with its item ``idx`` replaced by ``v``."""
    items = list(t)
    items[idx] = v
    return type(t)(*items) if hasattr(t, "_fields") else tuple(items)


def zero_at(g: Any, idx: Any) -> Any:
    """The adjoint of ``x`` in ``setitem(x, idx, v)``: ``g`` with ``idx`` cleared."""
    if isinstance(g, tuple):
        return tuple_with(g, idx, zeros_like(g[idx]))
    out = g.copy() if isinstance(g, (np.ndarray, list, dict)) else np.array(g)
    if isinstance(out, (list, dict)):
        out[idx] = zeros_like(out[idx])
    else:
        out[idx] = 0
    return out


def last_writes(x: np.ndarray, idx: tuple) -> np.ndarray:
    """1.0 where a trip's write ``x[idx[t]] = ...`` keeps its value, 0.0 where a later
    element of the same trip writes the same position (NumPy keeps the last): for the
    writes of every trip at once, ``idx`` index arrays broadcast to (trips, ...).  Each
    trip's ``x[i] += v`` is then ``scatter_add(x, idx, v * last_writes(x, idx))``."""
    shape = np.broadcast_shapes(*(np.shape(p) for p in idx))
    flat = np.zeros(shape, dtype=np.intp)
    for p, n in zip(idx, np.shape(x)):
        flat = flat * n + np.mod(np.asarray(p, dtype=np.intp), max(n, 1))  # (-1: the last)
    keys = flat.reshape(shape[0], -1) if shape else flat.reshape(1, 1)
    order = np.argsort(keys, axis=1, kind="stable")  # (equal positions in trip order)
    ranked = np.take_along_axis(keys, order, axis=1)
    kept = np.ones(keys.shape)
    kept[:, :-1] = ranked[:, :-1] != ranked[:, 1:]
    last = np.empty(keys.shape)
    np.put_along_axis(last, order, kept, axis=1)
    return last.reshape(shape)

