"""What a call's arguments are, as the derivatives are generated for them: Python
numbers, NumPy arrays of a shape class, another library's arrays (one generated variant
per kind of call).  The checks that refuse a call are in :mod:`call_checks`, the data a
function reads besides its arguments in :mod:`outer_data`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.compiler import dims, shape_classes
from s2sad.runtime import backend

NUMBERS = (float, int, np.float64, np.float32, np.int64, np.int32)
MAX_HELD = 16  # a container of up to this many arrays gets code for their shapes


def shape_signature(values: tuple) -> tuple:
    """Types, and array shape classes (of the arrays in a list, tuple or dict too): what
    the generated code is specialised to; and which arrays are float64 (``float_arrays``)
    and which integer or bool (refused where differentiated: ``refuse_integer_arrays``; a
    variant made for integer indices is not one for masks).
    Remembered by the concrete shapes (``concrete``): a gradient called again and again
    on a parameter dict pays a dict lookup, not the shape classes."""
    key = concrete(values)
    known = _SIGNATURES.get(key)
    if known is None:
        shapes = [_container(v) if type(v) in (list, tuple, dict) else v.shape
                  if type(v) is np.ndarray else None for v in values]
        arrays = [s for s in shapes if s is not None]
        classes = dict(zip(map(id, arrays), _classes(arrays)))
        known = tuple(classes[id(s)] if s is not None else type(v)
                      for v, s in zip(values, shapes)) + (float_arrays(values), frozenset(
                          (i, str(found).endswith("bool")) for i, v in enumerate(values)
                          if (found := _integer_array(v)) is not None))  # (bools apart)
        if len(_SIGNATURES) < MAX_SIGNATURES:
            _SIGNATURES[key] = known
    return known


MAX_SIGNATURES = 4096
_SIGNATURES: dict[tuple, tuple] = {}


def concrete(values: tuple) -> tuple:
    """The types, shapes and dtypes of ``values`` (of the arrays in short containers
    too), which decide their shape signature (anything else counts by its type only)."""
    out: list = []
    for v in values:
        t = type(v)
        if t is np.ndarray:
            out.append((v.shape, v.dtype, v.dtype is F64))
        elif (t is list or t is tuple or t is dict) and 0 < len(v) <= MAX_HELD:
            items = concrete(tuple(v.values()) if t is dict else tuple(v))
            out.append((t, tuple(v) if t is dict else len(v), items))
        elif (t is list or t is tuple) and len(v) > MAX_HELD:
            first = v[0]
            out.append((t, uniform_shape(v), getattr(first, "dtype", None)))
        else:
            out.append(t)
    return tuple(out)


def float_arrays(values: tuple, outer: tuple = ()) -> frozenset:
    """Positions of the NumPy float64 arrays: what the generated code may assume of their
    dtype (a sum of them and of numbers is float64 again, ``compiler.dtypes``); and the
    names of such module arrays (``outer``, see :func:`global_arrays`); ``(FLOAT_NUMBER,
    i)`` for a Python float or NumPy float64 argument; and
    :data:`COMPLEX` when an argument holds a complex value (the code may then not take
    every value real: a real value's adjoint is the real part of what reaches it)."""
    return frozenset(i for i, v in enumerate(values) if type(v) is np.ndarray and
                     v.dtype is F64) | {k for k, a in outer if type(a) is np.ndarray and
                                        a.dtype is F64} | \
        {(FLOAT_NUMBER, i) for i, v in enumerate(values) if type(v) in (float, np.float64)} | \
        ({COMPLEX} if any(map(_holds_complex, values)) else set())


F64 = np.dtype(np.float64)
COMPLEX = "<complex arguments>"  # (in float_arrays' set: no parameter has that name)
# (FLOAT_NUMBER, i) in float_arrays' set: argument i is a Python float or a NumPy float64
# (the variant is made per type of argument: ``np.full(n, x)`` of it is float64)
FLOAT_NUMBER = "<float number>"


def _holds_complex(v: Any) -> bool:
    if type(v) is np.ndarray:
        return v.dtype.kind == "c"
    if type(v) in (list, tuple):
        return any(map(_holds_complex, v))
    if type(v) is dict:
        return any(map(_holds_complex, v.values()))
    return isinstance(v, (complex, np.complexfloating))


def kinds_of(values: tuple, outer: tuple = ()) -> tuple[frozenset[int], tuple]:
    """(positions of numbers, (position, shape class) of arrays): what a derivative is
    generated for (one variant per kind of call).  A list, tuple or dict holding only
    NumPy arrays and numbers has a class too (``dims.Items`` / ``dims.Keyed``).
    ``outer``: (name, array) of the module's arrays the function reads
    (:func:`global_arrays`), classed with the arguments, keyed by name."""
    foreign = foreign_array(values)
    if foreign is not None:
        arrays = [i for i, v in enumerate(values) if _specialised(v)]
        shapes = [tuple(values[i].shape) for i in arrays]
        outer = ()
    else:
        held = [(i, _container(v) if type(v) in (list, tuple, dict) else tuple(v.shape)
                 if type(v) is np.ndarray else None) for i, v in enumerate(values)]
        arrays = [i for i, s in held if s is not None]
        shapes = [s for _, s in held if s is not None]
    outer = tuple((k, a) for k, a in outer if type(a) is np.ndarray)
    classes = _classes(shapes + [a.shape for _, a in outer])
    ranks = tuple(zip(arrays + [name for name, _ in outer], classes))
    return frozenset(i for i, v in enumerate(values) if type(v) in NUMBERS), ranks


def _container(v: Any) -> Any:
    """The shapes a list, tuple or dict of NumPy arrays, numbers and such containers holds
    (numbers: ``()``), as ``dims.Items`` / ``dims.Keyed`` of concrete shapes (nested for a
    list of ``(W, b)`` tuples); None for anything else."""
    items = list(v.values()) if type(v) is dict else v
    if not items:
        return None
    if type(v) is not dict and (len(items) > MAX_HELD or type(v) is list and all(
            type(x) in NUMBERS for x in items)):
        shape = uniform_shape(v)  # (one variant for all lengths)
        return None if shape is None else dims.Elements(shape)
    shapes = []
    for x in items:
        shape = x.shape if type(x) is np.ndarray else () if type(x) in NUMBERS else \
            _container(x) if type(x) in (list, tuple, dict) else None
        if shape is None:
            return None
        shapes.append(shape)
    if not any(_holds_array(s) for s in shapes):
        return None  # (numbers only: one generic variant for all lengths)
    return dims.Keyed(tuple(zip(v.keys(), shapes))) if type(v) is dict else \
        dims.Items(tuple(shapes))


def uniform_shape(v: list | tuple) -> tuple | None:
    """The shape all items of a long list share, when they are NumPy arrays of one
    shape and dtype (``[x_t for t in ...]``, a time series of vectors) or all numbers
    (``()``); else None."""
    first = v[0]
    if type(first) in NUMBERS:  # (a list's adjoint is a list of floats; a tuple's, built up)
        return () if type(v) is list and all(type(x) in NUMBERS for x in v) else None
    if type(first) is not np.ndarray or first.ndim == 0:
        return None
    shape, dtype = first.shape, first.dtype
    return shape if all(type(x) is np.ndarray and x.shape == shape and x.dtype == dtype
                        for x in v) else None


def _holds_array(shape: Any) -> bool:
    """Whether a container's shape (or an array's) holds an array."""
    if isinstance(shape, dims.Keyed):
        return any(_holds_array(s) for _, s in shape.items)
    if isinstance(shape, dims.Items):
        return any(_holds_array(s) for s in shape.shapes)
    if isinstance(shape, dims.Elements):
        return True
    return shape != ()


def _leaves(shape: Any) -> list:
    """The concrete shapes inside a container's shape, in order."""
    if isinstance(shape, dims.Keyed):
        return [x for _, s in shape.items for x in _leaves(s)]
    if isinstance(shape, dims.Items):
        return [x for s in shape.shapes for x in _leaves(s)]
    if isinstance(shape, dims.Elements):
        return [tuple(shape.shape)]
    return [tuple(shape)]


def _rebuilt(shape: Any, classes: Any) -> Any:
    """``shape`` with each concrete shape replaced by the next of ``classes``."""
    if isinstance(shape, dims.Keyed):
        return dims.Keyed(tuple((k, _rebuilt(s, classes)) for k, s in shape.items))
    if isinstance(shape, dims.Items):
        return dims.Items(tuple(_rebuilt(s, classes) for s in shape.shapes))
    if isinstance(shape, dims.Elements):
        return dims.Elements(next(classes))
    return next(classes)


def _classes(shapes: list) -> list:
    """Shape classes of concrete shapes (those inside containers too), one symbol per
    length across all of them (``shape_classes.symbolic``)."""
    flat = [x for s in shapes for x in _leaves(s)]
    classes = iter(shape_classes.symbolic(flat))
    return [_rebuilt(s, classes) for s in shapes]


def foreign_array(values: tuple) -> Any:
    """The first array of another library than NumPy among ``values`` (containers
    looked into), or None: array-api-compat is imported only when there is one."""
    for v in values:
        if type(v) is np.ndarray or type(v) in NUMBERS or v is None:
            continue
        if isinstance(v, (list, tuple, dict)):
            inner = foreign_array(tuple(v.values() if isinstance(v, dict) else v))
            if inner is not None:
                return inner
        elif hasattr(v, "shape") and hasattr(v, "dtype") and backend.is_foreign_array(v):
            return v
    return None


def _specialised(v: Any) -> bool:
    """An array of another library that gets code specialised to its rank, as NumPy's
    do: every length known (Dask's may not be), and writable in place (JAX's are not:
    its code writes through the helpers, which use ``.at``)."""
    shape = None if isinstance(v, type) else getattr(v, "shape", None)  # (a class: a descriptor)
    return shape is not None and hasattr(v, "dtype") and not isinstance(v, np.generic) and \
        all(isinstance(n, int) for n in shape) and not hasattr(v, "at")


def _integer_array(v: Any) -> np.dtype | None:
    """The dtype of ``v`` if it is an integer or bool ndarray, or of the first such array
    a list, tuple or dict ``v`` holds (at any depth)."""
    t = type(v)
    if t is np.ndarray:
        return v.dtype if v.dtype.kind in "biu" else None
    if t is list or t is tuple or t is dict or isinstance(v, (list, tuple, dict)):
        for item in (v.values() if isinstance(v, dict) else v):
            found = _integer_array(item)
            if found is not None:
                return found
    elif hasattr(v, "dtype") and hasattr(v, "shape") and not isinstance(v, np.generic):
        return _foreign_integer(v.dtype)  # (a torch or JAX array: refused as they do)
    return None


def _foreign_integer(dtype: Any) -> Any:
    """Another library's integer or bool dtype (``torch.int64``, JAX's ``int32``)."""
    try:
        kind = np.dtype(str(dtype).removeprefix("torch.")).kind
    except TypeError:  # (bfloat16 and the like: floats NumPy does not name)
        return None
    return dtype if kind in "biu" else None


