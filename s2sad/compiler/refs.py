"""How generated code spells a primitive (``np.sum``, ``math.sin``,
``unbroadcast``) and an index as a value (``1:3`` -> ``slice(1, 3)``)."""
from __future__ import annotations

import builtins
import math
import operator
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.names import const, load

_MODULES = (("np", np), ("np.linalg", np.linalg), ("math", math), ("operator", operator))


def _attr_chain(path: str) -> gast.expr:
    parts = path.split(".")
    node: gast.expr = load(parts[0])
    for part in parts[1:]:
        node = gast.Attribute(value=node, attr=part, ctx=gast.Load())
    return node


def ref_path(obj: Any) -> str | None:
    """The dotted name of ``obj`` in the generated namespace, if it has one."""
    for name, helper in runtime.HELPERS.items():
        if helper is obj:
            return name
    name = getattr(obj, "__name__", None)
    if name is None:
        return None
    for prefix, module in _MODULES:
        if getattr(module, name, None) is obj:
            return f"{prefix}.{name}"
    if getattr(builtins, name, None) is obj:
        return name
    return None


def ref_expr(obj: Any) -> gast.expr:
    path = ref_path(obj)
    if path is None:
        raise KeyError(f"no spelling for {obj!r}")
    return _attr_chain(path)


def index_as_value(index: gast.expr) -> gast.expr:
    """A normalized index as an expression that evaluates to the index object."""
    if isinstance(index, gast.Slice):
        parts = [p if p is not None else const(None)
                 for p in (index.lower, index.upper, index.step)]
        while len(parts) > 2 and isinstance(parts[-1], gast.Constant) and parts[-1].value is None:
            parts.pop()
        return gast.Call(func=load("slice"), args=parts, keywords=[])
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[index_as_value(e) for e in index.elts], ctx=gast.Load())
    return index
