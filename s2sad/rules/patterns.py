"""Which input elements each output element of a primitive reads: the sparsity facts.

One line per family; :mod:`s2sad.compiler.pattern` applies them. A function in
none of these tables is taken to make every output element read everything its
arguments read (never a missing nonzero). Elementwise functions are the ones the
rule tables register as such (``registry.ELEMENTWISE``).
"""
from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from s2sad import runtime
from s2sad.rules import registry

# functions that only move, copy or zero elements of their first argument
MOVES = {np.reshape, np.transpose, np.ravel, np.squeeze, np.expand_dims, np.flip,
         np.fliplr, np.flipud, np.roll, np.moveaxis, np.swapaxes, np.broadcast_to, np.tile,
         np.repeat, np.diag, np.diagonal, np.triu, np.tril, np.atleast_1d, np.atleast_2d,
         np.atleast_3d, np.rot90, np.copy, np.asarray, np.array, np.ascontiguousarray,
         np.asfortranarray, np.pad, np.diagflat, np.take, np.delete, np.real,
         runtime.reshape_method, runtime.transpose_method, runtime.copy_value,
         runtime.fresh}
# moves of the first argument; the others are read for their shapes only
SHAPED = {runtime.repeat_to, runtime.cast_like, runtime.HELPERS["broadcast_like"],
          runtime.HELPERS["shaped_like"]}
# functions that gather the elements of a sequence of arrays
GATHERS = {np.concatenate, np.stack, np.hstack, np.vstack, np.dstack, np.column_stack,
           np.array, np.asarray, np.block, *([np.row_stack] if hasattr(np, "row_stack") else [])}
# reductions: (position of the axis parameter, its default)
REDUCTIONS: dict[Any, tuple[int, Any]] = {
    **{fn: (1, None) for fn in (np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin,
                                np.nansum, np.nanmean, np.nanprod, np.nanmax, np.nanmin,
                                np.median, np.nanmedian, np.ptp, np.std, np.var, np.average,
                                np.nanstd, np.nanvar)},
    np.linalg.norm: (2, None), runtime.sum_axes: (1, None), runtime.max_axes: (1, None),
    runtime.min_axes: (1, None),
}
# functions along an axis: an output element reads its whole fibre along it
FIBRES: dict[Any, tuple[int, Any]] = {
    np.sort: (1, -1), np.partition: (2, -1), np.diff: (2, -1),
    **{fn: (2, -1) for fn in (np.fft.fft, np.fft.ifft, np.fft.rfft, np.fft.irfft,
                              np.fft.hfft, np.fft.ihfft)},
}
# elementwise functions the tables register as linear maps, not as elementwise rules
LINEAR_ELEMENTWISE = {operator.neg, operator.pos, np.negative, np.positive, np.conj,
                      np.conjugate, np.imag, np.angle, float, complex, runtime.to_float,
                      runtime.add_grads, runtime.HELPERS["abs_tangent"]}
# the generated code's piecewise-constant factors (slopes of abs, max's shares)
STEPS = {runtime.HELPERS[name] for name in ("abs_slope", "max_share", "min_share",
                                            "fmax_share", "fmin_share")}
# running reductions: element k along the axis reads elements 0..k
PREFIXES: dict[Any, tuple[int, Any]] = {np.cumsum: (1, None), np.cumprod: (1, None),
                                        np.nancumsum: (1, None), np.nancumprod: (1, None)}
PRODUCTS = {np.matmul, np.dot, operator.matmul}
# results that depend only on shapes and kinds: constants even of a varying value
SHAPE_ONLY = {np.shape, np.ndim, np.size, len, np.zeros_like, np.ones_like, np.empty_like,
              np.result_type, np.iscomplexobj, np.isrealobj, isinstance, type, range,
              math.prod, runtime.zeros_like, runtime.shape_of,
              runtime.memory_order}  # (the order a reshape reads an array in: its layout)
# ``x[idx] = v`` spelled as calls: (x, idx, v)
WRITES = {runtime.setitem, runtime.write_at}
# ``x[idx] += v`` with repeated indices: (x, idx, v)
SCATTERS = {runtime.scatter_add, runtime.scatter_subtract}
# the adjoint of ``x[idx]``: add_at(acc, x, idx, g) is ``acc[idx] += g``
ACCUMULATES = {runtime.add_at}
# ``g[idx] = 0``: (g, idx)
CLEARS = {runtime.zero_at, runtime.clear_at}
# the adjoint of broadcasting: a sum down to the second argument's shape
UNBROADCASTS = {runtime.unbroadcast}
# Python containers built and taken apart by the core form: run as they are
CONTAINERS = {runtime.list_init, runtime.tuple_init, runtime.dict_init, runtime.named_tuple,
              runtime.list_append, runtime.list_concat, runtime.list_repeat,
              runtime.list_insert, runtime.iteration_items, runtime.list_remove, list,
              runtime.field_set,
              tuple, dict, zip, enumerate, reversed}


def kind(fn: Any) -> str:
    """The family of ``fn``: a key of :data:`FAMILIES`, or "anything"."""
    for name, table in FAMILIES:
        try:
            if fn in table:
                return name
        except TypeError:  # an unhashable callable
            return "anything"
    if fn is runtime.stop_gradient or fn in STEPS or registry.is_nondiff(fn):
        return "no_derivative"
    return "anything"


FAMILIES = (("shape_only", SHAPE_ONLY), ("containers", CONTAINERS), ("writes", WRITES),
            ("scatters", SCATTERS), ("accumulates", ACCUMULATES), ("clears", CLEARS),
            ("unbroadcasts", UNBROADCASTS), ("shaped", SHAPED), ("products", PRODUCTS),
            ("reductions", REDUCTIONS),
            ("fibres", FIBRES), ("prefixes", PREFIXES), ("elementwise", registry.ELEMENTWISE),
            ("elementwise", LINEAR_ELEMENTWISE), ("moves", MOVES), ("moves", GATHERS))
