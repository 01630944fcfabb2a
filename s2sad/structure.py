"""Argument handling shared by the entry points: ``wrt`` resolution and
checks of the calls users make on generated functions."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError


def resolve_wrt(fn: Callable, wrt: Any) -> tuple[tuple[int, ...], bool]:
    """``wrt`` as parameter positions, and whether the caller gave a tuple."""
    params = list(inspect.signature(fn).parameters)
    many = isinstance(wrt, (tuple, list))
    items = list(wrt) if many else [wrt]
    out = []
    for item in items:
        if isinstance(item, str) and item in params:
            out.append(params.index(item))
        elif isinstance(item, int) and not isinstance(item, bool) and -len(params) <= item < len(
                params):
            out.append(item % len(params))
        else:
            code = getattr(fn, "__code__", None)
            where = f"{code.co_filename}:{code.co_firstlineno}" if code else "<unknown>:?"
            raise DifferentiationError(
                f"{where}: wrt={item!r}: names no argument of {fn.__name__}"
                f"({', '.join(params)}); give a position (0..{len(params) - 1}) or a name")
    return tuple(out), many


def bind_call(fn: Callable, name: str, args: tuple, kwargs: dict) -> inspect.BoundArguments:
    """Check a call against the user's signature with a clear TypeError."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as exc:
        raise TypeError(f"{name}(): {exc}") from None
    bound.apply_defaults()
    return bound


def is_structured(x: Any) -> bool:
    return isinstance(x, (list, tuple, dict))


def _check_like(name: str, what: str, owner: str, reference: Any, value: Any) -> None:
    """``value`` (a cotangent or tangent) must have ``reference``'s structure and shape."""
    if is_structured(reference):
        if not is_structured(value) or len(value) != len(reference):
            raise ValueError(f"{name}(): {what} must match {owner}'s structure "
                             f"({type(reference).__name__} of {len(reference)})")
        items = reference.items() if isinstance(reference, dict) else enumerate(reference)
        for k, v in items:
            _check_like(name, what, owner, v, value[k])
        return
    if np.shape(value) != np.shape(reference):
        raise ValueError(f"{name}(): {what} has shape {np.shape(value)}, but {owner} has "
                         f"shape {np.shape(reference)}; pass one of {owner}'s shape")


def check_cotangent(name: str, value: Any, cot: Any) -> None:
    """A cotangent must have the output's structure and shape."""
    _check_like(name, "the cotangent", "the output", value, cot)


def check_tangent(name: str, x: Any, t: Any) -> None:
    """A tangent must have its argument's structure and shape."""
    _check_like(name, "a tangent", "its argument", x, t)


def tangent_like(value: Any, tangent: Any) -> Any:
    """An output tangent in its value's precision, as a gradient is in its argument's
    (``cast_like``): a float32 output's tangent is float32, not promoted to float64 by
    the float64 masks and shares of the rules it went through (clip, max, norm)."""
    if isinstance(value, (tuple, list)) and isinstance(tangent, (tuple, list)) and \
            len(value) == len(tangent):
        items = [tangent_like(v, t) for v, t in zip(value, tangent)]
        return type(tangent)(*items) if hasattr(tangent, "_fields") else type(tangent)(items)
    if isinstance(value, dict) and isinstance(tangent, dict):
        return {k: tangent_like(value[k], t) if k in value else t for k, t in tangent.items()}
    dtype = getattr(value, "dtype", None)
    if not isinstance(dtype, np.dtype) or dtype.kind not in "fc" or dtype.itemsize >= 8 \
            and dtype.kind == "f" or dtype.itemsize >= 16:
        return tangent
    have = getattr(tangent, "dtype", None)
    if isinstance(tangent, float) or isinstance(have, np.dtype) and have.kind == dtype.kind \
            and have.itemsize > dtype.itemsize:
        return tangent.astype(dtype) if isinstance(tangent, np.ndarray) else dtype.type(tangent)
    return tangent
