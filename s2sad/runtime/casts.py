"""A gradient given its argument's kind (``cast_like``: shape, dtype, container, a
Python float for a number), and a float64 vector read as Python floats (``as_floats``)
with its list of element adjoints."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.runtime.core import _FLOAT64, _numbers, joined_lists, same_kind, zeros_like

__all__ = ["cast_like", "to_float", "as_floats", "floats_adjoint", "floats_zeros",
           "number_as_float"]


_FLOATS_AT_MOST = 100_000  # a list of floats takes 4x the array's memory: 3.2 MB at most


def as_floats(x: Any) -> Any:
    """The elements of a float64 vector as Python floats (``x.tolist()``: arithmetic on
    them costs a third of NumPy scalars'), of a matrix as a list of rows of floats;
    anything else, or an array so large that the list's memory (32 bytes an element)
    would matter, as it is (``x[i][j]`` reads it alike)."""
    if type(x) is np.ndarray and x.dtype == np.float64 and 1 <= x.ndim <= 2 and \
            x.size <= _FLOATS_AT_MOST:
        return x.tolist()
    return x


def number_as_float(v: Any) -> Any:
    """A NumPy float64 number as a Python float (the same value; arithmetic on it costs
    a third), anything else as it is (a float32 number keeps its precision)."""
    return float(v) if type(v) is np.float64 else v


def floats_zeros(x: Any) -> list:
    """A zero adjoint for a vector added into element by element: a list of floats (of a
    matrix: a list of rows of floats; ``cast_like`` makes it an array of ``x``'s kind at
    the end)."""
    if np.ndim(x) == 2:
        return [[0.0] * x.shape[1] for _ in range(x.shape[0])]
    return [0.0] * len(x)


def floats_adjoint(g: Any, x: Any) -> Any:
    """Adjoint of :func:`as_floats`: a list of element adjoints back as an array."""
    return np.array(g, dtype=np.float64) if isinstance(g, list) else g


def cast_like(g: Any, x: Any) -> Any:
    """Give a gradient the type and shape of its argument."""
    if type(x) is float and type(g) in (float, np.float64):
        return float(g)
    if type(g) is np.ndarray and type(x) is np.ndarray and g.shape == x.shape and \
            g.dtype == x.dtype and x.dtype.kind in "fc" and g.flags.writeable:
        return g
    if type(g) is list and type(x) is np.ndarray and x.dtype is _FLOAT64 and \
            1 <= x.ndim <= 2 and len(g) == x.shape[0]:
        return np.array(g, dtype=_FLOAT64)  # (floats_zeros' list of element adjoints)
    if isinstance(x, (list, tuple, dict)):
        return _cast_items(zeros_like(x) if g is None else g, x)
    if g is None:
        return zeros_like(x)
    if np.iscomplexobj(g) and not np.iscomplexobj(x):
        g = np.real(g)  # complex values on the way, a real argument: the real part
    if isinstance(x, np.ndarray):
        if np.shape(g) != x.shape:
            g = np.broadcast_to(g, x.shape)
        g = np.asarray(g, dtype=_grad_dtype(x.dtype))
        return g if g.flags.writeable else g.copy()
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return to_float(g)
    if isinstance(x, np.inexact) and np.ndim(g) == 0:  # np.float32(1.5): np.float32
        return x.dtype.type(g if np.iscomplexobj(x) else np.real(g))
    if isinstance(x, complex) and np.ndim(g) == 0:  # a complex argument: a complex gradient
        return complex(g)
    return g


def _cast_items(g: Any, x: Any) -> Any:
    """A list's, tuple's or dict's gradient, item by item."""
    if isinstance(x, dict):
        return {k: a if _as_it_is(a := g[k], b) else cast_like(a, b) for k, b in x.items()}
    if isinstance(g, (list, tuple)) and len(g) != len(x):
        raise joined_lists()
    if type(g) is list and type(x) is list and _numbers(g) and _numbers(x):
        return [float(a) for a in g]  # (what cast_like makes of each, without its tests)
    return same_kind(x, [a if _as_it_is(a, b) else cast_like(a, b) for a, b in zip(g, x)])


def _as_it_is(g: Any, x: Any) -> bool:
    """Whether an item of a container's gradient is already what ``cast_like`` makes of
    it: a writable float64 array of its argument's shape (a parameter list's gradient
    is looked at item by item without a call per item)."""
    return type(g) is np.ndarray and type(x) is np.ndarray and g.dtype is _FLOAT64 and \
        x.dtype is _FLOAT64 and g.shape == x.shape and g.flags.writeable


def _grad_dtype(dtype: np.dtype) -> np.dtype:
    """A float array's gradient has its dtype (float32 stays float32); ints get float64."""
    return dtype if np.issubdtype(dtype, np.inexact) else np.dtype(float)


def to_float(g: Any) -> Any:
    """A Python float for a 0-d result (keeps complex)."""
    if np.ndim(g) == 0 and not np.iscomplexobj(g):
        return float(g)
    return g
