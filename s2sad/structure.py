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
