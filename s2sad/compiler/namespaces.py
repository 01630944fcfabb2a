"""Stage 1c: code written against the array API reads as NumPy.

A function may take its namespace from its arguments, as array-API code does:
``xp = array_namespace(x)`` (array-api-compat's, or ``x.__array_namespace__()``), or use
a module-level array-API namespace (``import array_api_strict as xp``).  Its calls
(``xp.exp``, ``xp.pow``, ``xp.concat``) are NumPy's functions of the same names, whose
rules the compiler knows (NumPy 2 has the standard's names).  So the statement binding
``xp`` is dropped and ``xp`` is NumPy while the derivative is made; called with arrays of
another library, the derivative runs on theirs (``compiler/portable.py``).

Code written for autograd (``import autograd.numpy as np``, ``from autograd.scipy.special
import gammaln``) reads as NumPy and SciPy too: autograd's modules wrap theirs function by
function (a wrapper's ``fun`` is the wrapped function), with the same signatures and values
for arrays, so its names are rebound to the originals, whose rules the compiler knows.
"""
from __future__ import annotations

import builtins
import importlib
import sys
import types
from typing import Any

import gast
import numpy as np

from s2sad.compiler.walks import walk

_GETTERS = ("array_namespace", "get_namespace")
_MODULES = ("array_api_compat", "array_api_strict")
_MIRRORS = {"autograd.numpy": "numpy", "autograd.scipy": "scipy",  # same functions
            "autograd.builtins": "builtins"}  # (its tuple, list, dict: traced subclasses)
_OWN = ("autograd.scipy.signal",)  # autograd's own semantics (its odeint is SciPy's)
_WRAPPERS = (types.ModuleType, types.FunctionType)


def as_numpy(src: Any) -> None:
    """Rebind the namespace names of ``src`` (a ``source.Source``) to NumPy, in place."""
    namespace = src.namespace
    for name, value in list(namespace.items()):
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in _MODULES \
                and value.__name__ != "array_api_compat":
            namespace[name] = np
        namespace[name] = original(value, name)
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


def original(value: Any, bound_as: str = "") -> Any:
    """``value``, or the NumPy / SciPy object it wraps when it is autograd's (its
    ``tuple``, ``list``, ``dict``: Python's, which it subclasses to trace through)."""
    if isinstance(value, type) and value.__module__ == "autograd.builtins":
        return getattr(builtins, value.__name__, value)
    wrapped = _unwrapped(value, bound_as) if isinstance(value, _WRAPPERS) else None
    return value if wrapped is None else wrapped


def _unwrapped(value: Any, bound_as: str = "") -> Any:
    """NumPy's or SciPy's object that autograd's ``value`` wraps (a module, a function),
    or None; ``bound_as``: the name the user's module gives it."""
    if isinstance(value, types.ModuleType):
        return _mirror(value.__name__)
    if getattr(value, "_is_autograd_primitive", False):
        return value.fun  # (autograd.numpy.sin.fun is np.sin; a user's primitive: its def)
    path = (getattr(value, "__module__", None) or "").split(".")
    while len(path) > 1 and ".".join(path[:2]) in _MIRRORS:  # np.array, np.linalg.norm
        module = _mirror(".".join(path))
        for name in (value.__name__, bound_as):
            if module is not None and name and hasattr(module, name):
                return getattr(module, name)
        path.pop()
    return None


def _mirror(module: str) -> Any:
    """NumPy's or SciPy's module (or object) for the autograd module named ``module``."""
    for prefix, target in _MIRRORS.items():
        if (module == prefix or module.startswith(prefix + ".")) and \
                not module.startswith(_OWN):
            return _lookup(target + module[len(prefix):])
    return None


def _lookup(dotted: str) -> Any:
    """The object a dotted path names (``scipy.stats.norm``: a module's attribute), if
    its module is imported already (autograd's wrappers import theirs), else None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None and cut == 1:
            module = importlib.import_module(parts[0])
        if module is not None:
            obj: Any = module
            for attr in parts[cut:]:
                obj = getattr(obj, attr, None)
            return obj
    return None
