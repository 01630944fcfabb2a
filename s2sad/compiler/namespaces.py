"""Stage 1c: code written against the array API reads as NumPy.

A function may take its namespace from its arguments, as array-API code does:
``xp = array_namespace(x)`` (array-api-compat's, or ``x.__array_namespace__()``), or use
a module-level array-API namespace (``import array_api_strict as xp``).  Its calls
(``xp.exp``, ``xp.pow``, ``xp.concat``) are NumPy's functions of the same names, whose
rules the compiler knows (NumPy 2 has the standard's names).  So the statement binding
``xp`` is dropped and ``xp`` is NumPy while the derivative is made; called with arrays of
another library, the derivative runs on theirs (``compiler/portable.py``).
"""
from __future__ import annotations

import types
from typing import Any

import gast
import numpy as np

from s2sad.compiler.walks import walk

_GETTERS = ("array_namespace", "get_namespace")
_MODULES = ("array_api_compat", "array_api_strict")


def as_numpy(src: Any) -> None:
    """Rebind the namespace names of ``src`` (a ``source.Source``) to NumPy, in place."""
    namespace = src.namespace
    for name, value in list(namespace.items()):
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in _MODULES \
                and value.__name__ != "array_api_compat":
            namespace[name] = np
    local = [s for s in src.node.body if _binds_namespace(s, namespace)]
    if not local:
        return
    names = {s.targets[0].id for s in local}
    if any(isinstance(n, gast.Name) and n.id in names and isinstance(n.ctx, gast.Store)
           for s in src.node.body if s not in local for n in walk(s)):
        return  # the name means something else too: leave the function as it is
    src.node.body = [s for s in src.node.body if s not in local]
    for name in names:
        namespace[name] = np


def _binds_namespace(stmt: gast.stmt, namespace: dict) -> bool:
    """``xp = array_namespace(...)`` or ``xp = x.__array_namespace__()``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and
            isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)):
        return False
    func = stmt.value.func
    if isinstance(func, gast.Attribute) and func.attr == "__array_namespace__":
        return True
    target = _resolve(func, namespace)
    return getattr(target, "__name__", None) in _GETTERS and \
        (getattr(target, "__module__", "") or "").split(".")[0] in (*_MODULES, "s2sad")


def _resolve(node: gast.expr, namespace: dict) -> Any:
    if isinstance(node, gast.Name):
        return namespace.get(node.id)
    if isinstance(node, gast.Attribute):
        return getattr(_resolve(node.value, namespace), node.attr, None)
    return None
