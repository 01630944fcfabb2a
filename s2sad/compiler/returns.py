"""Part of the late pass ``ownership``: the gradients a derivative returns.

- ``return cast_like(dx, x)`` of a float64 array ``x`` and a ``dx`` proved a new
  float64 array of ``x``'s shape (owned, :mod:`dtypes`, :mod:`dims`): ``return dx``
  (``cast_like`` would hand it back as it is);
- a gradient that is the caller's array or a view of one (``d/dx sum(x * y)`` is
  ``y``; ``Y.T``), or the array already returned for another argument, returned as a
  copy (``fresh``): changing a gradient must change neither an argument nor another
  gradient.
"""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import nodes

# calls that may return their first argument itself (or a view of it)
FIRST = {runtime.unbroadcast, runtime.cast_like, runtime.to_float, runtime.add_at,
          runtime.write_at, runtime.clear_at, runtime.written_part, runtime.add_items}


def plain(body: list, owned: set[str], kinds: dict[str, str],
          shapes: Callable[[], dims.Facts], floats: set[str]) -> bool:
    """``cast_like(dx, x)`` as ``dx`` where that is what it returns (see above); whether
    one was."""
    last = body[-1] if body else None
    if not isinstance(last, gast.Return) or last.value is None:
        return False
    plained: list = []
    facts: list = []

    def plain_one(e: gast.expr) -> gast.expr:
        if isinstance(e, gast.Tuple):  # (value, (gradients)) of value_and_grad
            e.elts = [plain_one(x) for x in e.elts]
            return e
        if not (_cast_like(e) and all(isinstance(a, gast.Name) for a in e.args)):
            return e
        d, x = e.args[0].id, e.args[1].id
        if x not in floats or d not in owned or kinds.get(d) != dtypes.F64:
            return e
        facts[:] = facts or [shapes()]
        sx = facts[0].of(e.args[1])
        known = dims.known(sx) and len(sx) >= 1 and dims.same(facts[0].of(e.args[0]), sx)
        plained.extend([e] if known else [])
        return e.args[0] if known else e
    last.value = plain_one(last.value)
    return bool(plained)


def copy_arguments(body: list, flat: list, owned: set[str], numbers: set[str],
                   params: set[str], namespace: dict,
                   is_number: Callable[[gast.Subscript], bool]) -> None:
    """``cast_like(fresh(dx), x)`` where ``dx`` may be an argument's array (followed:
    copies, views, helpers that may return their first argument; another call's result
    is new) or an array returned already."""
    last = body[-1] if body else None
    if not isinstance(last, gast.Return):
        return
    defs: dict[str, list] = {}
    for s in flat:
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name):
            defs.setdefault(s.targets[0].id, []).append(s.value)
    returned: set[str] = set()
    for call in nodes(last):
        if not (_cast_like(call) and isinstance(call.args[0], gast.Name)):
            continue
        name = call.args[0].id
        if name in returned or name not in owned and name not in numbers and _argument(
                call.args[0], params, defs, namespace, is_number, set()):
            call.args[0] = gast.Call(func=load("fresh"), args=[call.args[0]], keywords=[])
        returned.add(name)


def _argument(e: gast.expr, params: set[str], defs: dict[str, list], namespace: dict,
              is_number: Callable[[gast.Subscript], bool], seen: set[str]) -> bool:
    """Whether ``e`` may be (a view of) an argument's array."""
    def again(x: gast.expr) -> bool:
        return _argument(x, params, defs, namespace, is_number, seen)
    if isinstance(e, gast.Name):
        if e.id in params or e.id not in defs and type(namespace.get(e.id)) in _MUTABLE:
            return True  # (a module's array, returned as a gradient: the caller's to change)
        if e.id in seen:
            return False
        seen.add(e.id)
        return any(again(v) for v in defs.get(e.id, []))
    if isinstance(e, gast.Subscript) and not is_number(e) or \
            isinstance(e, gast.Attribute) and e.attr == "T":
        return again(e.value)
    if isinstance(e, gast.IfExp):
        return again(e.body) or again(e.orelse)
    if isinstance(e, gast.Call) and e.args and not e.keywords:
        return evaluate_ref(e.func, namespace) in FIRST and again(e.args[0])
    return False


_MUTABLE = (np.ndarray, list, dict)


def _cast_like(e: gast.expr) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "cast_like" and len(e.args) == 2
