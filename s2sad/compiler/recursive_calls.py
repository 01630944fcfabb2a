"""Part of stage 3b (calls), for :mod:`inlining`: a recursive call passing keyword
arguments (``power(x, n - 1, scale=scale)``).

A recursive call becomes a primitive whose rules differentiate the function again at run
time (:mod:`s2sad.recursion`); a rule gives one cotangent per *positional* argument, so
a value passed by keyword would get none: a wrong zero where it is differentiated.  The
call is made of a function taking every argument by position instead,
``def power_by_position(x, n, scale): return power(x, n, scale=scale)``, whose own
derivative inlines ``power`` (its recursive calls made the same way)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_MADE: dict[tuple, Callable] = {}  # (function, count, keywords) -> the function made


def by_position(fn: Any, count: int, keywords: tuple[str, ...]) -> Callable:
    """``fn`` called with ``count`` positional arguments and then ``keywords``, as a
    function taking them all by position (one per ``(fn, count, keywords)``, so its
    rules are made once)."""
    key = (fn, count, keywords)
    made = _MADE.get(key)
    if made is None:
        from s2sad.differentiable import define
        params = [f"a{i}" for i in range(count)] + list(keywords)
        passed = [f"a{i}" for i in range(count)] + [f"{k}={k}" for k in keywords]
        name = f"{fn.__name__}_by_position"
        made = _MADE[key] = define(name, f"def {name}({', '.join(params)}):\n"
                                         f"    return recursive({', '.join(passed)})\n",
                                   {"recursive": fn})
    return made
