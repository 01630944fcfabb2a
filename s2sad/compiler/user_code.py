"""The user's own code: which objects and functions are the user's (inlined from their
source, where a library's are called through their rules), and the names a function
itself assigns (not those of the defs inside it)."""
from __future__ import annotations

import sys
import types
from collections import Counter
from typing import Any

import gast

LIBRARY_ROOTS = {"numpy", "scipy", "s2sad", "math", "builtins", "operator"}


def own_stores(node: gast.FunctionDef) -> Counter:
    """How often each name is assigned in a function, not in the defs inside it (one
    walk with the fields looked up by class: a Normalizer is made per inlined call)."""
    stores: Counter = Counter()
    todo: list = [node]
    while todo:
        n = todo.pop()
        fields = _FIELDS.get(n.__class__)
        if fields is None:
            fields = _FIELDS[n.__class__] = tuple(f for f in n._fields if f != "ctx")
        for f in fields:
            v: Any = getattr(n, f, None)
            for c in v if isinstance(v, list) else (v,):
                if c.__class__ is gast.Name:
                    if c.ctx.__class__ is gast.Store:
                        stores[c.id] += 1
                    todo.append(c)
                elif isinstance(c, gast.AST) and not isinstance(c, gast.FunctionDef):
                    todo.append(c)
    return stores


_FIELDS: dict[type, tuple[str, ...]] = {}


def own_nodes(node: gast.AST) -> Any:
    """The nodes of a function, not those of the defs inside it (expression contexts
    included, as ``gast.iter_child_nodes`` gives them, in its order: without its
    generators, which made this walk the costliest part of analysing a helper)."""
    todo = child_nodes(node)
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, gast.FunctionDef):
            todo.extend(child_nodes(n))


def child_nodes(n: gast.AST) -> list:
    """``list(gast.iter_child_nodes(n))``, with the fields looked up by class (no
    generators)."""
    fields = _ALL_FIELDS.get(n.__class__)
    if fields is None:
        fields = _ALL_FIELDS[n.__class__] = n._fields
    out: list = []
    for f in fields:
        v = getattr(n, f, None)
        if isinstance(v, gast.AST):
            out.append(v)
        elif isinstance(v, list):
            out += [c for c in v if isinstance(c, gast.AST)]
    return out


_ALL_FIELDS: dict[type, tuple[str, ...]] = {}


def is_user_object(obj: Any) -> bool:
    """An instance of a user's class (a model held in a global: its methods are inlined,
    its attributes read as a global's are)."""
    root = (getattr(type(obj), "__module__", None) or "builtins").split(".")[0]
    return root not in LIBRARY_ROOTS and root not in sys.stdlib_module_names and \
        not isinstance(obj, (type, types.ModuleType, types.FunctionType, types.MethodType))


def is_user_function(obj: Any) -> bool:
    """A Python function of the user's, to be inlined when it has no rule."""
    if not isinstance(obj, types.FunctionType):
        return False
    module = getattr(obj, "__module__", None) or ""
    if module.startswith(("s2sad.runtime", "s2sad.rules")):  # helpers without a rule,
        return True  # closed forms of library functions: differentiated through the source
    return module.split(".")[0] not in LIBRARY_ROOTS


def is_user_module(module: Any) -> bool:
    """A module of the user's (not NumPy's, SciPy's, the standard library's...)."""
    root = (getattr(module, "__name__", None) or "builtins").split(".")[0]
    return root not in LIBRARY_ROOTS and root not in sys.stdlib_module_names
