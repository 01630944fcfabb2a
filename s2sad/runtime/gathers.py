"""Adjoints of the selections that move elements about: tile, repeat, take,
take_along_axis and sort (elements added back where they came from), insert, delete
and pad as index maps with the scatter and gather they give."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from s2sad.runtime.arrays import array_adjoint, shaped_like

__all__ = ["untile", "unrepeat", "untake", "untake_along_axis", "sort_indices",
           "stable_order",
           "insert_sources", "delete_sources", "scatter_to", "gather_from", "unpad",
           "pad_tangent", "flat_positions", "diagonal_positions", "cycled", "uncycled",
           "along_axis_positions", "unwindow",
           "histogram_counts", "histogram_members"]


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


def unwindow(g: Any, x: Any, window_shape: Any, axis: Any = None) -> Any:
    """Adjoint of ``sliding_window_view(x, window_shape, axis)``: each window offset's
    slice of ``g`` added back where it was read (a loop over the window's offsets, each
    a whole-array add)."""
    window = (window_shape,) if np.ndim(window_shape) == 0 else tuple(window_shape)
    ndim = np.ndim(x)
    axes = tuple(range(ndim)) if axis is None else \
        (axis,) if np.ndim(axis) == 0 else tuple(axis)
    axes = tuple(a % ndim for a in axes)
    if len(set(axes)) != len(axes):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError("<s2sad>:?: sliding_window_view over one axis twice: its "
                                   "derivative is known for distinct axes")
    g = np.asarray(g)
    out = np.zeros(np.shape(x), dtype=np.result_type(g, float))
    counts = g.shape[:ndim]
    for offset in np.ndindex(*window):
        at = [slice(None)] * ndim
        for a, o in zip(axes, offset):
            at[a] = slice(o, o + counts[a])
        out[tuple(at)] += g[(Ellipsis, *offset)]
    return shaped_like(out, x)


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
    """The permutation ``np.sort`` applies (stable: ties keep their order).  NumPy's
    default sort is half the time of its stable one on floats, and gives the same
    permutation where no two values are equal: that one, unless a tie is seen in the
    values it sorts (:func:`stable_order`)."""
    order = np.argsort(a, axis=axis)
    ranked = np.take_along_axis(np.ravel(a) if axis is None else np.asarray(a), order,
                                -1 if axis is None else axis)
    return stable_order(order, a, ranked, axis)


def stable_order(order: np.ndarray, a: Any, ranked: np.ndarray, axis: Any = -1
                 ) -> np.ndarray:
    """``order``, NumPy's default ``np.argsort(a, axis)``, where it is the stable sort's
    permutation: no two of the sorted values ``ranked`` (``a`` taken in that order, or
    its negation: the same ties) are equal, none is NaN; else the stable sort's.  A
    sort whose adjoint needs the permutation takes the sorted values from it
    (``compiler/sort_orders``), so the test reads them without gathering them again."""
    ax = -1 if axis is None else axis % np.ndim(a)
    lead = (slice(None),) * (ranked.ndim - 1 if axis is None else ax)
    if np.any(ranked[(*lead, slice(None, -1))] == ranked[(*lead, slice(1, None))]) or (
            ranked.dtype.kind in "fc" and np.isnan(ranked[(*lead, slice(-1, None))]).any()):
        # (NaNs sort last, unequal to each other: their order is the stable one's only by
        # chance; the pairs compared along the axis in place, not moved to the end: a
        # strided copy of a column sort)
        return np.argsort(a, axis=axis, kind="stable")
    return order


# ----- constructors with differentiable arguments -----

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


# ----- pads: copies of edge elements, added back -----

# np.pad's modes that copy elements of the array (an index map), and the ones linear
# in it: the tangent is the tangent padded the same way
_COPYING_PADS = ("edge", "wrap", "reflect", "symmetric")
_LINEAR_PADS = ("constant", *_COPYING_PADS, "mean", "linear_ramp")
_EXTREME_PADS = ("maximum", "minimum")  # (copies of the extremes: an index map of values)


def unpad(g: Any, array: Any, pad_width: Any, mode: Any = "constant",
          values: Any = None) -> Any:
    """Adjoint of ``np.pad(array, pad_width, mode)``: the middle of ``g`` (constant
    mode), or ``g`` summed into the elements each padded one copies (for 'maximum' and
    'minimum' the ones the extremes of ``values``, the padded array, pick)."""
    if isinstance(mode, str) and mode in _EXTREME_PADS:
        sources = _extreme_sources(array if values is None else values, pad_width, mode)
        return scatter_to(g, sources, array)
    if isinstance(mode, str) and mode == "constant":
        width = np.broadcast_to(np.asarray(pad_width), (np.ndim(array), 2))
        g = np.asarray(g)
        return g[tuple(slice(b, n - e) for (b, e), n in zip(width, g.shape))]
    if isinstance(mode, str) and mode in ("mean", "linear_ramp"):
        return _unpad_lines(g, array, pad_width, mode)
    if not (isinstance(mode, str) and mode in _COPYING_PADS):
        raise _pad_refused(mode, "reverse")
    how: Any = mode  # (a str NumPy's stubs know only as a literal)
    return scatter_to(g, np.pad(_numbered(array), pad_width, mode=how), array)


def _unpad_lines(g: Any, array: Any, pad_width: Any, mode: Any) -> Any:
    """Adjoint of a pad linear in the array that is no copy ('mean', 'linear_ramp' to
    0): NumPy pads one axis after the other (the earlier axes already padded), every
    line alike, so each axis is one matrix, the identity padded along it; ``g`` goes
    back through their transposes, the last axis first."""
    shape = np.shape(array)
    width = np.broadcast_to(np.asarray(pad_width), (len(shape), 2))
    g = np.asarray(g)
    for axis in reversed(range(len(shape))):
        lines = np.pad(np.eye(shape[axis]), (tuple(width[axis]), (0, 0)), mode=mode)
        g = np.moveaxis(np.tensordot(g, lines, axes=([axis], [0])), -1, axis)
    return array_adjoint(g, array)


def pad_tangent(t: Any, pad_width: Any, mode: Any = "constant", array: Any = None) -> Any:
    """Tangent of ``np.pad(array, pad_width, mode)``: the tangent padded the same way
    (the modes linear in the array), or gathered where the extremes of ``array`` are."""
    if isinstance(mode, str) and mode in _EXTREME_PADS and array is not None:
        return gather_from(t, _extreme_sources(array, pad_width, mode))
    if not (isinstance(mode, str) and mode in _LINEAR_PADS):
        raise _pad_refused(mode, "forward")
    how: Any = mode
    return np.pad(t, pad_width, mode=how)


def _extreme_sources(array: Any, pad_width: Any, mode: str) -> np.ndarray:
    """Where each element of ``np.pad(array, pad_width, mode)`` comes from ('maximum',
    'minimum': a copy of its line's extreme; NumPy pads one axis after the other, the
    earlier ones padded already): flat positions in ``array``, shaped like the pad."""
    values, numbers = np.asarray(array), _numbered(array)
    pick = np.argmax if mode == "maximum" else np.argmin
    width = np.broadcast_to(np.asarray(pad_width), (values.ndim, 2))
    for axis in range(values.ndim):
        at = np.expand_dims(pick(values, axis=axis), axis)
        before, after = width[axis]
        values, numbers = (np.concatenate([np.repeat(np.take_along_axis(a, at, axis), before,
                                                     axis), a,
                                           np.repeat(np.take_along_axis(a, at, axis), after,
                                                     axis)], axis)
                           for a in (values, numbers))
    return numbers


def _pad_refused(mode: Any, kind: str) -> Exception:
    from s2sad.errors import DifferentiationError
    known = _LINEAR_PADS + _EXTREME_PADS
    return DifferentiationError(
        f"<s2sad>:?: np.pad with mode={mode!r}: no {kind}-mode derivative rule (known: "
        f"'constant', {', '.join(repr(m) for m in known if m != 'constant')}); pad with "
        "one of those, or give the padding by hand (np.concatenate of the pieces)")


# ----- positions of flat writes: a.flat[i] = v, np.put, np.fill_diagonal -----

def flat_positions(a: Any, index: Any, mode: str = "raise") -> tuple:
    """Where ``a.flat[index]`` (``np.put(a, index, v, mode)``) lies in ``a``: an index
    tuple, one int array per axis, in the order of ``index`` (NumPy's own indexing of
    ``arange(a.size)`` raises where the flat write would: out of range, a bad type)."""
    size = np.size(a)
    if mode == "wrap":
        index = np.asarray(index) % size
    elif mode == "clip":
        index = np.clip(index, 0, size - 1)
    flat = np.arange(size)[index]
    return np.unravel_index(flat, np.shape(a))


def diagonal_positions(a: Any, wrap: bool = False) -> tuple:
    """Where ``np.fill_diagonal(a, v, wrap)`` writes (its own definition: every
    ``step``-th element of ``a.flat``, up to the square top of a tall matrix)."""
    shape = np.shape(a)
    if len(shape) < 2 or len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("array must be at least 2-d, and of equal lengths above 2-d")
    end = None
    if len(shape) == 2:
        step = shape[1] + 1
        end = None if wrap else shape[1] * shape[1]
    else:
        step = 1 + int(np.cumprod(shape[:-1]).sum())
    return flat_positions(a, slice(None, end, step))


def along_axis_positions(a: Any, indices: Any, axis: int | None) -> tuple:
    """Where ``np.put_along_axis(a, indices, v, axis)`` writes: ``indices`` along
    ``axis``, every position along the others, broadcast as NumPy broadcasts them."""
    shape = np.shape(a)
    if axis is None:
        return flat_positions(a, np.ravel(indices))
    axis = axis % len(shape)
    fancy = [np.asarray(indices) if d == axis else
             np.arange(n).reshape([n if k == d else 1 for k in range(len(shape))])
             for d, n in enumerate(shape)]
    return tuple(np.broadcast_arrays(*fancy))


def cycled(v: Any, at: tuple) -> Any:
    """The values a flat write at the positions ``at`` puts: ``v``'s, repeated in turn
    (or cut) to their number, as ``a.flat[i] = v`` and ``np.put`` do."""
    v = np.asarray(v)
    shape = np.shape(at[0])
    if v.ndim == 0:
        return np.full(shape, v)
    if v.size == math.prod(shape):  # (each position its own value: nothing to cycle)
        return np.array(v).reshape(shape)  # (a new array, as ``np.resize`` makes)
    return np.resize(v, shape)


def uncycled(t: Any, v: Any, at: tuple) -> Any:
    """Adjoint of :func:`cycled`: each position's adjoint added into the element of
    ``v`` written there."""
    t = np.ravel(t)
    if t.size == np.size(v):  # (each element of ``v`` written once: its adjoint is ``t``)
        return shaped_like(t.astype(np.result_type(t, float)), v)
    out = np.zeros(np.size(v), dtype=np.result_type(t, float))
    np.add.at(out, np.arange(t.size) % max(np.size(v), 1), t)
    return shaped_like(out, v)


# ----- np.histogram: which bin each element falls in (no gradient: a step function) -----

def histogram_counts(a: Any, edges: Any) -> np.ndarray:
    """NumPy's own counts of ``a`` in the bins of ``edges`` (ints, as it returns them)."""
    return np.histogram(a, edges)[0]


def histogram_members(a: Any, edges: Any) -> np.ndarray:
    """A float matrix, one row per element of ``a`` (flattened), one column per bin: 1
    where NumPy counts the element in the bin (the last bin closed), else 0."""
    flat = np.ravel(a)
    bins = len(edges) - 1
    member = np.zeros((flat.size, bins))
    for k in range(flat.size):  # (NumPy's own binning, element by element)
        member[k] = np.histogram(flat[k:k + 1], edges)[0]
    return member
