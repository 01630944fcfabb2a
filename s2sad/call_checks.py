"""The checks that refuse a call of a derivative with a line naming the function: integer
arrays where floats are differentiated, arguments of other libraries where only NumPy
runs, a gradient's output that is not one real number; and where a function is defined."""
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
from s2sad.call_kinds import _integer_array, foreign_array
from s2sad.errors import DifferentiationError, InputKindError, OutputKindError
from s2sad.runtime import backend


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
