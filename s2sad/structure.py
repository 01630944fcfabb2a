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


def check_cotangent(name: str, value: Any, cot: Any) -> None:
    """A cotangent must have the output's structure and shape."""
    if is_structured(value):
        if not is_structured(cot) or len(cot) != len(value):
            raise ValueError(f"{name}(): the cotangent must match the output's structure "
                             f"({type(value).__name__} of {len(value)})")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            check_cotangent(name, v, cot[k])
        return
    if np.shape(cot) != np.shape(value):
        raise ValueError(f"{name}(): the cotangent has shape {np.shape(cot)}, but the output "
                         f"has shape {np.shape(value)}; pass one of the output's shape")


def check_tangent(name: str, x: Any, t: Any) -> None:
    """A tangent must have its argument's structure and shape."""
    if is_structured(x):
        if not is_structured(t) or len(t) != len(x):
            raise ValueError(f"{name}(): a tangent must match its argument's structure "
                             f"({type(x).__name__} of {len(x)})")
        items = x.items() if isinstance(x, dict) else enumerate(x)
        for k, v in items:
            check_tangent(name, v, t[k])
        return
    if np.shape(t) != np.shape(x):
        raise ValueError(f"{name}(): a tangent has shape {np.shape(t)}, but its argument has "
                         f"shape {np.shape(x)}; pass one of the argument's shape")
