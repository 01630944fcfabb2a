"""The functions and other callables a derivative was made from, by name (``helper``
inlined, ``act = np.tanh`` given its rule): a derivative reads data globals again at
each call (:mod:`loader`), but what a name called was fixed when the code was made.  A
helper defined again (a notebook cell run again) or a global function bound to another
one made the old derivative wrong, silently; each call now checks those names still
hold what they held, and a derivative whose names changed is made again."""
from __future__ import annotations

import types
from typing import Any

from s2sad.compiler.user_code import is_user_module, is_user_object

RESOLVED = "__s2sad_resolved__"  # (a namespace's key: (scope, name) -> what it held)
_MISSING = object()


class Stale(Exception):
    """A name the derivative was made from holds another object now."""


def note(namespace: dict[str, Any], fn: Any, ident: str, obj: Any) -> None:
    """``ident`` of ``fn`` (a global of its module, or a closure's variable) held the
    callable ``obj`` when the code was made (or an object of the user's class, whose
    methods were inlined: then the name must hold an object of that class)."""
    if isinstance(obj, types.ModuleType):
        return
    if callable(obj):
        expected, by_type = obj, False
    elif is_user_object(obj):
        expected, by_type = type(obj), True
    else:
        return  # (data: read again at each call)
    code = getattr(fn, "__code__", None)
    cells = getattr(fn, "__closure__", None)
    if code is not None and cells and ident in code.co_freevars:
        where: Any = cells[code.co_freevars.index(ident)]
    else:
        where = getattr(fn, "__globals__", None)
        if where is None or ident not in where:
            return  # (a builtin)
    namespace.setdefault(RESOLVED, {})[(id(where), ident)] = (where, ident, expected, by_type)


def note_attribute(namespace: dict[str, Any], module: Any, attr: str, obj: Any) -> None:
    """``module.attr`` of one of the user's modules held the callable ``obj``."""
    if isinstance(module, types.ModuleType) and callable(obj) and \
            not isinstance(obj, types.ModuleType) and is_user_module(module):
        where = module.__dict__
        namespace.setdefault(RESOLVED, {})[(id(where), attr)] = (where, attr, obj, False)


def inherit(namespace: dict[str, Any], fn: Any) -> None:
    """What the derivative ``fn`` (differentiated again, or inlined) was made from, in
    ``namespace`` too (a copy of its own: the namespaces ``prepare`` copies share it)."""
    own = dict(namespace.get(RESOLVED, {}))
    own.update(getattr(fn, "__globals__", {}).get(RESOLVED, {}))
    if own:
        namespace[RESOLVED] = own


def entries(namespace: dict[str, Any]) -> list[tuple]:
    return list(namespace.get(RESOLVED, {}).values())


def current(resolved: list[tuple]) -> bool:
    """Do the names still hold what they held?"""
    for where, ident, expected, by_type in resolved:
        now = _now(where, ident)
        if (type(now) if by_type else now) is not expected:
            return False
    return True


def _now(where: Any, ident: str) -> Any:
    return where.get(ident, _MISSING) if type(where) is dict else cell_value(where)


def cell_value(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # (an empty cell)
        return _MISSING
