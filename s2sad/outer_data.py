"""The data a function reads besides its arguments: the module's and the closure's NumPy
arrays it reads by name (code made for their shapes, the variant looked up by them at
each call), and the family of closures that may share one transform."""
from __future__ import annotations

import inspect
import types
from typing import Any

import numpy as np


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
