"""What a call's arguments are, as the derivatives are generated for them: Python
numbers, NumPy arrays of a shape class, another library's arrays (one generated variant
per kind of call); and the checks that refuse a call with a line naming the function.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad import structure
from s2sad.compiler import dims, shape_classes
from s2sad.errors import DifferentiationError, InputKindError, OutputKindError
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


def global_arrays(fn: Any) -> tuple:
    """(name, array) of the module's NumPy arrays the function reads by name (its data,
    ``X @ w - y`` with ``X`` and ``y`` globals): the code is made for their shapes too,
    and the variant for them is looked up by their shapes and dtypes at each call
    (:func:`outer_signature`)."""
    code, scope = getattr(fn, "__code__", None), getattr(fn, "__globals__", None)
    if code is None or scope is None:
        return ()
    names = _ARRAY_NAMES.get(code)
    if names is None:  # (the names that held arrays when first called: looked at since)
        local = _local_names(code)  # (co_names has attribute names too: self.X)
        names = _ARRAY_NAMES[code] = tuple(
            k for k in code.co_names if type(scope.get(k)) is np.ndarray and k not in local)
    inner = getattr(fn, "s2sad_inner", None)  # (a gradient differentiated again: the
    # arrays its generated code reads, ``A.T @ g`` of a global ``A``, are the wrapper's)
    return tuple((k, scope.get(k)) for k in names) + _cell_arrays(fn, code) + \
        (global_arrays(inner) if inner is not None else ())


def _cell_arrays(fn: Any, code: types.CodeType) -> tuple:
    """(name, array) of the NumPy arrays the function's closure holds (``X`` of a
    ``make_loss(X, y)``): data as the module's arrays are, read from the cell at each call
    (``loader._Cell``), so one rebound to another shape gets code of its own."""
    out = []
    for k, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if type(value) is np.ndarray:
            out.append((k, value))
    return tuple(out)


def closure_family(fn: Any) -> Any:
    """What code made for a closure depends on beyond the argument kinds: its code, its
    globals, its defaults, and each cell's value, but an array's by its dtype only (its
    shape class is a kind, :func:`_cell_arrays`; its values are read at each call).  The
    functions a loop makes anew each step (``s2sad.grad(lambda w: loss(w, X[b], y[b]))``)
    then share one transform.  A function with attributes is its own family."""
    if not inspect.isfunction(fn) or fn.__kwdefaults__ or fn.__dict__ or \
            not _hashable(fn.__defaults__ or ()):
        return fn  # (attributes: a checkpoint request, a local def's scope)
    out: list = [fn.__code__, _Same(fn.__globals__), fn.__defaults__]
    for cell in fn.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:
            return fn
        out.append(("array", value.dtype) if type(value) is np.ndarray else
                   _value_key(value))
    return tuple(out)


def _value_key(value: Any) -> Any:
    """A number, string or slice of them by its value (code may read it as a constant:
    a slice's length), anything else by identity."""
    if type(value) in _VALUES:
        return (type(value), value)
    if type(value) is slice and _hashable((value.start, value.stop, value.step)):
        return (slice, value.start, value.stop, value.step)
    return _Same(value)


_VALUES = (int, float, bool, complex, str, type(None))


def _hashable(values: tuple) -> bool:
    return all(type(v) in _VALUES for v in values)


class _Same:
    """A value compared by identity (held, so its id is never another object's)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


def _local_names(code: types.CodeType) -> set[str]:
    """Names bound in the function or in its comprehensions and nested defs."""
    out = set(code.co_varnames) | set(code.co_cellvars) | set(code.co_freevars)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _local_names(c)
    return out


_ARRAY_NAMES: dict = {}


def outer_signature(outer: tuple) -> tuple:
    """What the code made for the module's arrays depends on (a name rebound to
    another kind of value: another signature)."""
    return tuple((k, type(a), getattr(a, "shape", None), getattr(a, "dtype", None))
                 for k, a in outer)


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


def defined_at(fn: Callable) -> str:
    """``file:line`` of a function's def, for errors about the whole function (of a
    derivative, the user's function it differentiates)."""
    code = getattr(fn, "__code__", None) or \
        getattr(getattr(fn, "_origin", None), "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else "<unknown>:?"


def refuse_integer_arrays(fn: Callable, wrt: tuple, values: tuple) -> None:
    """Refuse an integer or bool NumPy array given for a differentiated argument (or
    held in a list, tuple or dict given for one), as JAX, autograd and PyTorch do: the
    function computes on it in integers (a write of ``2.5 * x[i]`` into ``np.zeros_like(x)``
    rounds), a step function whose derivative is not the float function's.  Python ints
    stay numbers."""
    for i in wrt:
        held = _integer_array(values[i]) if i < len(values) else None
        if held is not None:
            names = list(inspect.signature(fn).parameters)
            name = names[i] if i < len(names) else f"argument {i}"
            held_in = isinstance(values[i], (list, tuple, dict))
            raise InputKindError(
                f"{defined_at(fn)}: argument {name!r} of {getattr(fn, '__name__', 'f')}: "
                f"an array of dtype {held} given for a differentiated argument; the "
                f"function computes on it in integers, which have no derivative: pass "
                f"{name}.astype(float)" + (" (each array it holds)" if held_in else ""))
        v = values[i] if i < len(values) else None
        opaque = _opaque(v)
        if opaque is not None:
            names = list(inspect.signature(fn).parameters)
            name = names[i] if i < len(names) else f"args[{i}]"
            raise DifferentiationError(
                f"{defined_at(fn)}: argument {name!r} of {getattr(fn, '__name__', 'f')}: "
                f"an object of class {type(opaque).__name__} given for a differentiated "
                "argument; s2sad differentiates with respect to numbers, arrays, and "
                "lists, tuples, dicts, named tuples and dataclasses of them (a dataclass "
                "that defines special methods such as __getitem__ or __add__ is not read "
                "as its fields): pass its arrays instead")
        if type(v) is np.ndarray and v.ndim == 0 and v.dtype.kind == "c":
            names = list(inspect.signature(fn).parameters)
            name = names[i] if i < len(names) else f"args[{i}]"
            raise DifferentiationError(  # (the code made for it drops the real part of
                f"{defined_at(fn)}: argument {name!r} of "  # what reaches real values)
                f"{getattr(fn, '__name__', 'f')}: a 0-d complex array given for a "
                f"differentiated argument is not supported; pass complex({name}) (a "
                f"number) or {name}.reshape(1) (an array)")


def _opaque(v: Any) -> Any:
    """The first value ``v`` is or holds that s2sad cannot differentiate with respect to
    (an object of a class of the user's that is no record), or None."""
    if v is None or isinstance(v, (bool, int, float, complex, str, np.ndarray, np.generic)):
        return None
    if isinstance(v, (list, tuple, dict)):
        return next((o for o in map(_opaque, v.values() if isinstance(v, dict) else v)
                     if o is not None), None)
    if hasattr(v, "shape") and hasattr(v, "dtype"):  # (another library's arrays)
        return None
    from s2sad.dataclass_args import other_dunders
    if dataclasses.is_dataclass(v) and not other_dunders(type(v)):
        return None  # (read as the record of its fields)
    return v


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


def surely_real(value: Any) -> bool:
    """A real number, a real NumPy array, or a list, tuple or dict of only those."""
    if type(value) in (list, tuple):
        return all(map(surely_real, value))
    if type(value) is dict:
        return all(map(surely_real, value.values()))
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fiub"
    return isinstance(value, (bool, int, float, np.integer, np.floating, np.bool_))


def numpy_only(what: str, fn: Callable, values: tuple) -> None:
    """Refuse, naming the library, a derivative that builds NumPy arrays of its own
    (Jacobian columns, sparsity patterns) when called with another library's arrays."""
    foreign = foreign_array(values)
    if foreign is not None:
        where = defined_at(fn)
        raise DifferentiationError(
            f"{where}: s2sad.{what} of {getattr(fn, '__name__', 'f')}: runs on NumPy "
            f"arrays, not {backend.backend_name(foreign)} arrays; call it with np.asarray "
            "of them, or use s2sad.grad / vjp / jvp, which run on any array library")


def check_scalar(fn: Callable, value: Any, holomorphic: bool = True,
                 kind: str = "grad") -> None:
    """``fn``'s output is one real number (``kind``: the derivative asked, named in the
    refusal: a hessian's user is told of the hessian, not of the grad it runs)."""
    if value is None:
        where = defined_at(fn)
        raise OutputKindError(f"{where}: output of {fn.__name__}: the function returns "
                              "None; return the number to differentiate")
    if structure.is_structured(value) or np.ndim(value) != 0 and \
            math.prod(np.shape(value)) != 1:  # (a (1, 1) array holds one number)
        where = defined_at(fn)
        got = f"a {type(value).__name__} of {len(value)} items" if \
            structure.is_structured(value) else \
            f"{type(value).__name__} of shape {np.shape(value)}"  # (items of any shapes)
        raise OutputKindError(
            f"{where}: output of {fn.__name__}: {kind} needs a scalar output, got {got}; use "
            "s2sad.vjp, s2sad.jacobian, or reduce the output (e.g. np.sum)")
    dtype = getattr(value, "dtype", None)
    if isinstance(value, (str, bytes)) or isinstance(dtype, np.dtype) and dtype.kind in "OSUV":
        raise OutputKindError(
            f"{defined_at(fn)}: output of {fn.__name__}: grad of an output of type "
            f"{type(value).__name__}{'' if dtype is None else f' (dtype {dtype})'}, not a "
            "number; return the number to differentiate")
    if isinstance(value, (bool, np.bool_)) or isinstance(dtype, np.dtype) and dtype.kind == "b":
        # (the dtype only: a lazy array, dask's, is not computed here)
        where = defined_at(fn)
        raise OutputKindError(
            f"{where}: output of {fn.__name__}: grad of a truth value (True / False), which "
            "has no derivative; return the number it was decided from")
    if not holomorphic and np.iscomplexobj(value):
        where = defined_at(fn)
        raise OutputKindError(
            f"{where}: output of {fn.__name__}: grad of a complex output; for a holomorphic "
            "function pass holomorphic=True (the complex derivative, as in JAX), else "
            "differentiate a real output (np.abs(z) ** 2, np.real(...))")


_DISPATCHER = type(np.var)  # NumPy 2's functions: np.var, np.cumsum, np.linalg.det...


def is_function(v: Any) -> bool:
    """A function passed as an argument (the derivative is made for the one passed)."""
    return inspect.isfunction(v) or isinstance(v, (np.ufunc, types.BuiltinFunctionType,
                                                   _DISPATCHER, functools.partial))
