"""What a call's arguments are, as the derivatives are generated for them: Python
numbers, NumPy arrays of a shape class, another library's arrays (one generated variant
per kind of call); and the checks that refuse a call with a line naming the function.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad import structure
from s2sad.compiler import dims
from s2sad.errors import DifferentiationError
from s2sad.runtime import backend

NUMBERS = (float, int, np.float64, np.float32, np.int64, np.int32)


def shape_signature(values: tuple) -> tuple:
    """Types, and array shape classes: what the generated code is specialised to."""
    arrays = [v.shape for v in values if type(v) is np.ndarray]
    classes = iter(dims.symbolic(arrays))
    return tuple(next(classes) if type(v) is np.ndarray else type(v) for v in values)


def kinds_of(values: tuple) -> tuple[frozenset[int], tuple]:
    """(positions of numbers, (position, shape class) of arrays): what a derivative is
    generated for (one variant per kind of call)."""
    foreign = foreign_array(values)
    arrays = [i for i, v in enumerate(values) if type(v) is np.ndarray or
              foreign is not None and _specialised(v)]
    ranks = tuple(zip(arrays, dims.symbolic([tuple(values[i].shape) for i in arrays])))
    return frozenset(i for i, v in enumerate(values) if type(v) in NUMBERS), ranks


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
    shape = getattr(v, "shape", None)
    return shape is not None and hasattr(v, "dtype") and not isinstance(v, np.generic) and \
        all(isinstance(n, int) for n in shape) and not hasattr(v, "at")


def defined_at(fn: Callable) -> str:
    """``file:line`` of a function's def, for errors about the whole function."""
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else "<unknown>:?"


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


def check_scalar(fn: Callable, value: Any, holomorphic: bool = True) -> None:
    if value is None:
        where = defined_at(fn)
        raise DifferentiationError(f"{where}: output of {fn.__name__}: the function returns "
                                   "None; return the number to differentiate")
    if structure.is_structured(value) or np.ndim(value) != 0:
        where = defined_at(fn)
        raise DifferentiationError(
            f"{where}: output of {fn.__name__}: grad needs a scalar output, got "
            f"{type(value).__name__} of shape {np.shape(value)}; use s2sad.vjp, s2sad.jacobian, "
            "or reduce the output (e.g. np.sum)")
    if not holomorphic and np.iscomplexobj(value):
        where = defined_at(fn)
        raise DifferentiationError(
            f"{where}: output of {fn.__name__}: grad of a complex output; for a holomorphic "
            "function pass holomorphic=True (the complex derivative, as in JAX), else "
            "differentiate a real output (np.abs(z) ** 2, np.real(...))")
