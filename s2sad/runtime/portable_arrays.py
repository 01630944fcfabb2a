"""The array-API versions of the structural runtime helpers (part of :mod:`portable`):
shapes kept for the reverse sweep, zeros, unbroadcasting, writes at an index, casts back
to the argument's type, and the adjoints of reshaping, joining and selecting.  Also the
namespace and shape look-ups every portable helper uses (``_xp``, ``_shape``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from s2sad.runtime import core, writes
from s2sad.runtime.backend import array_namespace

_NUMBERS = (float, int, complex)


class Shape:
    """What the reverse sweep keeps of an array it needs only the shape of (and where
    its zeros are made: the library and the device)."""

    __slots__ = ("shape", "dtype", "xp", "device")

    def __init__(self, shape: tuple, dtype: Any, xp: Any, device: Any) -> None:
        self.shape, self.dtype, self.xp, self.device = shape, dtype, xp, device

    @property
    def ndim(self) -> int:
        return len(self.shape)


def _is_array(v: Any) -> bool:
    return hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, (Shape,
                                                                                np.generic))


def _xp(*values: Any) -> Any:
    """The array-API namespace (array-api-compat's) of the arrays among ``values``."""
    for v in values:
        if isinstance(v, Shape):
            return v.xp
    return array_namespace(*values).namespace


def _shape(x: Any) -> tuple:
    if isinstance(x, (list, tuple)):
        return np.shape(x)
    return tuple(x.shape) if hasattr(x, "shape") else ()


def _lazy(v: Any) -> bool:
    """An array whose values are not there until computed (Dask)."""
    return type(v).__module__.startswith("dask")


def _real_float(xp: Any, dtype: Any) -> Any:
    """The dtype of a gradient for values of ``dtype``: itself if floating, else float64."""
    return dtype if xp.isdtype(dtype, ("real floating", "complex floating")) else xp.float64


def shape_of(x: Any) -> Any:
    if _is_array(x):
        return Shape(tuple(x.shape), x.dtype, _xp(x), _device(x))
    return x


def _device(x: Any) -> Any:
    from array_api_compat import device
    return device(x)


def unbroadcast(g: Any, x: Any) -> Any:
    if isinstance(x, (list, tuple, dict)) and isinstance(g, (list, tuple, dict)):
        return g  # (a container's adjoint, as it is)
    shape, gshape = _shape(x), _shape(g)
    if gshape == shape:
        return g
    extra = len(gshape) - len(shape)
    xp = _xp(g)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and gshape[i + extra] != 1)
    g = xp.sum(g, axis=axes, keepdims=True) if axes else g
    return xp.reshape(g, shape)


def zeros_like(x: Any) -> Any:
    if _is_array(x) or isinstance(x, Shape):
        xp = _xp(x)
        return xp.zeros(tuple(x.shape), dtype=_real_float(xp, x.dtype),
                        device=x.device if isinstance(x, Shape) else _device(x))
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [zeros_like(v) for v in x]
        return items if isinstance(x, list) else \
            type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    return 0.0


def add_at(acc: Any, x: Any, idx: Any, g: Any) -> Any:
    if acc is None or type(acc) is float and x is not None and acc == 0.0:
        acc = zeros_like(x)  # (0.0: the stand-in zero of a value bound in a branch)
    if isinstance(acc, (list, tuple, dict)):
        return writes.add_to_item(acc, idx, g)
    if isinstance(acc, _NUMBERS):
        return acc + g
    _basic_index(idx, acc)
    if hasattr(acc, "at"):  # JAX: arrays are values
        return acc.at[idx].add(g)
    acc[idx] = acc[idx] + g
    return acc


def add_items(acc: Any, at: list, ts: list) -> Any:
    """NumPy's variant adds a loop's gathered element adds at once; here one at a time."""
    for i, t in zip(at, ts):
        acc = add_at(acc, None, i, t)
    return acc


def flat_index(x: Any, idx: Any) -> Any:
    """The index itself: only NumPy's gathers go by flat positions (``flat_gathers``)."""
    return idx


def take_flat(x: Any, at: Any) -> Any:
    return x[at]


def add_flat(acc: Any, x: Any, at: Any, g: Any) -> Any:
    return add_at(acc, x, at, g)


def take_rows(x: Any, idx: Any) -> Any:
    return x[idx]


def _basic_index(idx: Any, x: Any) -> None:
    parts = idx if isinstance(idx, tuple) else (idx,)
    if any(isinstance(p, list) or _is_array(p) for p in parts):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"an index array into a {type(x).__module__.split('.')[0]} array: its adjoint "
            "(a scatter-add) runs on NumPy arrays only; index with integers and slices, "
            "or pass NumPy arrays")


def write_at(x: Any, idx: Any, v: Any) -> Any:
    if isinstance(x, (list, dict)):
        core.list_slice_kept(x, idx, v)
        x[idx] = v
        return x
    _basic_index(idx, x)
    if hasattr(x, "at"):
        return x.at[idx].set(v)
    x[idx] = v
    return x


def setitem(x: Any, idx: Any, v: Any) -> Any:
    if isinstance(x, (list, dict)):
        core.list_slice_kept(x, idx, v)
        out = x.copy()
        out[idx] = v
        return out
    if isinstance(x, tuple):
        return writes.tuple_with(x, idx, v)
    return write_at(fresh(x), idx, v)


def zero_at(g: Any, idx: Any) -> Any:
    if isinstance(g, tuple):
        return writes.tuple_with(g, idx, zeros_like(g[idx]))
    out = fresh(g)
    if isinstance(out, (list, dict)):
        out[idx] = zeros_like(out[idx])
        return out
    return write_at(out, idx, 0.0)


def clear_at(g: Any, idx: Any) -> Any:
    return write_at(g, idx, 0.0) if not isinstance(g, _NUMBERS) else 0.0


def written_part(g: Any, idx: Any) -> Any:
    _basic_index(idx, g)
    return g[idx]


def fresh(g: Any) -> Any:
    if _is_array(g):
        return _xp(g).asarray(g, copy=True)
    if isinstance(g, (list, dict)):
        return g.copy()
    return g


def copy_value(x: Any, order: Any = None) -> Any:
    return fresh(x)


def memory_order(a: Any, order: Any) -> str:
    """(other libraries' arrays read 'A' and 'K' in C order: the adjoint as NumPy's C)"""
    return "C" if order in (None, "A", "K") else order


def cast_like(g: Any, x: Any) -> Any:
    """A gradient of ``x``'s kind; of a number, a number (a lazy 0-d array stays lazy)."""
    if isinstance(x, (list, tuple)):
        g = zeros_like(x) if g is None else g
        return type(x)(cast_like(a, b) for a, b in zip(g, x))
    if isinstance(x, dict):
        g = zeros_like(x) if g is None else g
        return {k: cast_like(g[k], x[k]) for k in x}
    if g is None:
        return zeros_like(x)
    if _is_array(x):
        xp = _xp(x)
        if not _is_array(g):
            g = xp.asarray(g, dtype=_real_float(xp, x.dtype), device=_device(x))
        if xp.isdtype(g.dtype, "complex floating") and \
                not xp.isdtype(x.dtype, "complex floating"):
            g = xp.real(g)
        if _shape(g) != _shape(x):
            g = xp.broadcast_to(g, tuple(x.shape))
        dtype = _real_float(xp, x.dtype)
        return g if g.dtype == dtype else xp.astype(g, dtype)
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return to_float(g)
    return g


def items_adjoint(g: Any, x: Any) -> Any:
    return zeros_like(x) if isinstance(x, dict) else g


def reshape_method(a: Any, *shape: Any, order: str = "C") -> Any:
    from s2sad.runtime.arrays import _shape_arg
    if order != "C":
        raise ValueError(f"reshape(order={order!r}) has no array-API counterpart")
    return _xp(a).reshape(a, tuple(_shape_arg(shape)))


def transpose_method(a: Any, *axes: Any) -> Any:
    from s2sad.runtime.arrays import _shape_arg
    axes = _shape_arg(axes)
    if axes in ((), (None,), None):
        axes = tuple(range(len(_shape(a))))[::-1]
    return _xp(a).permute_dims(a, tuple(axes))


def scatter_add(a: Any, idx: Any, b: Any) -> Any:
    """``np.add.at(a, idx, b)`` as a value: basic indices (an index array needs torch's
    ``index_put_`` with accumulation)."""
    out = fresh(a)
    parts = idx if isinstance(idx, tuple) else (idx,)
    if type(out).__module__.startswith("torch") and any(_is_array(p) or isinstance(p, list)
                                                       for p in parts):
        import torch
        index = tuple(torch.as_tensor(p) for p in parts)
        return out.index_put_(index, torch.as_tensor(b, dtype=out.dtype), accumulate=True)
    return add_at(out, a, idx, b)


def scatter_subtract(a: Any, idx: Any, b: Any) -> Any:
    return scatter_add(a, idx, -b)


def read_at(a: Any, idx: Any) -> Any:
    """``a[idx]``, a copy where it is one element (a view on torch), as in NumPy."""
    r = a[idx]
    return _xp(r).asarray(r, copy=True) if _is_array(r) and not r.shape else r


def as_floats(x: Any) -> Any:
    """NumPy's variant reads a vector's elements as Python floats; here it stays."""
    return x


def floats_zeros(x: Any) -> Any:
    return zeros_like(x)


def floats_adjoint(g: Any, x: Any) -> Any:
    return g


def length(x: Any) -> int:
    """``len(x)``: an array's first axis (the standard's arrays need not have ``len``)."""
    return x.shape[0] if _is_array(x) else len(x)


def to_float(g: Any) -> Any:
    if _is_array(g):
        if _lazy(g) or _xp(g).isdtype(g.dtype, "complex floating"):
            return g
        return float(g)
    return float(g) if isinstance(g, (int, np.floating)) else g


def repeat_to(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    shape = _shape(x)
    xp = _xp(x, g)
    if not _is_array(g):
        return xp.full(shape, g, dtype=_real_float(xp, x.dtype), device=_where(x))
    if not keepdims:
        axes = _axes(axis, len(shape))
        g = xp.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return xp.broadcast_to(g, shape)


def _where(x: Any) -> Any:
    return x.device if isinstance(x, Shape) else _device(x)


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    axis = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % ndim for a in axis)


def broadcast_like(t: Any, ans: Any) -> Any:
    if _shape(t) == _shape(ans):
        return t
    xp = _xp(ans, t)
    return xp.asarray(xp.broadcast_to(t, _shape(ans)), copy=True) if _is_array(t) else \
        xp.full(_shape(ans), t, dtype=ans.dtype)


def shaped_like(g: Any, x: Any) -> Any:
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return to_float(_xp(g).reshape(g, ())) if _is_array(g) else float(g)
    return _xp(g, x).reshape(g, _shape(x)) if _is_array(g) else g


def unconcat(g: Any, arrays: Any, axis: Any = 0, lift: Any = None) -> Any:
    xp = _xp(g)
    if axis is None:
        g, axis = xp.reshape(g, (-1,)), 0
        sizes = [math.prod(_shape(x)) for x in arrays]
    else:
        sizes = [_shape(x if lift is None else lift(x))[axis] for x in arrays]
    axis = axis % len(_shape(g))
    parts, start = [], 0
    for n in sizes:
        parts.append(g[(slice(None),) * axis + (slice(start, start + n), ...)])
        start += n
    return type(arrays)(shaped_like(p, x) for p, x in zip(parts, arrays))


def unstack_like(g: Any, arrays: Any, axis: int = 0) -> Any:
    xp = _xp(g)
    g = xp.moveaxis(g, axis, 0)
    if not isinstance(arrays, (list, tuple)):  # (an array given as the sequence: its rows)
        return xp.reshape(g, _shape(arrays))
    return type(arrays)(shaped_like(g[i, ...], x) for i, x in enumerate(arrays))


def sequence_adjoint(g: Any, x: Any) -> Any:
    return zeros_like(x) if isinstance(x, dict) else g


def pick_adjoint(g: Any, ans: Any, k: int) -> Any:
    v = None if g is None else g[k]
    return zeros_like(ans[k]) if v is None else v


def array_adjoint(g: Any, obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return type(obj)(array_adjoint(g[i, ...], v) for i, v in enumerate(obj))
    return shaped_like(g, obj)


def astype_adjoint(g: Any, x: Any, dtype: Any) -> Any:
    xp = _xp(g, x)
    try:
        floating = xp.isdtype(dtype, ("real floating", "complex floating"))
    except (TypeError, ValueError):  # a NumPy dtype or type, given as the user wrote it
        floating = np.dtype(dtype).kind in "fc"
    if floating:
        return shaped_like(g, x)
    return zeros_like(x)
