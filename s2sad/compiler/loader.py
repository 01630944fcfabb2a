"""Stage 9b: compile generated source under a unique file name registered in
``linecache``, so ``inspect.getsource`` and tracebacks show its lines."""
from __future__ import annotations

import itertools
import linecache
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

_counter = itertools.count(1)


def global_names(fn: Any) -> dict[str, Any]:
    """A function's globals as a plain dict."""
    return dict(getattr(fn, "__globals__", {}))


_MISSING = object()


def _data(v: Any) -> bool:
    return not (isinstance(v, types.ModuleType) or callable(v))


def load(source: str, name: str, namespace: dict[str, Any],
         user_globals: dict[str, Any] | None = None) -> Callable:
    """Define the function ``name`` from ``source`` in ``namespace``."""
    filename = f"<s2sad {name} #{next(_counter)}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    with warnings.catch_warnings():  # a constant subscripted where it never runs (the
        warnings.simplefilter("ignore", SyntaxWarning)  # 1.0 seed of a tuple output) is
        code = compile(source, filename, "exec")  # no error, even under -W error
    exec(code, namespace)  # (our own generated source)
    fn = namespace[name]
    if user_globals is not None:
        fn.s2sad_refresh = _refresher(fn, namespace, user_globals)
    fn.__module__ = namespace.get("__name__", fn.__module__)
    return fn


ORIGINS = "__s2sad_origins__"  # (a namespace's key: names read from another module)


def note_origin(namespace: dict[str, Any], name: str, fn: Any, ident: str, root: Any) -> None:
    """``name`` of the generated code is ``ident`` of ``fn``'s module (a helper inlined
    from another module reads its own globals; or a global given another name): a value
    it holds is re-read from there before each call, as the root function's globals are
    (:func:`_refresher`), not kept as it was when the code was made."""
    scope = getattr(fn, "__globals__", None)
    if scope is None or ident not in scope or scope[ident] is not namespace.get(name) or \
            not _data(scope[ident]) or not _module_globals(scope) or \
            scope is getattr(root, "__globals__", None) and name == ident:
        return  # (a generated function's namespace is refreshed by its own refresher)
    namespace.setdefault(ORIGINS, {}).setdefault(name, (scope, ident))


CELLS = "__s2sad_cells__"  # (a namespace's key: names holding a closure's variables)


def note_cell(namespace: dict[str, Any], name: str, cell: Any) -> None:
    """``name`` of the generated code holds a variable of a closure: :func:`_refresher`
    reads it from its ``cell`` before each call (the variable bound again since is seen,
    as the closure sees it), never from a module global of that name."""
    namespace.setdefault(CELLS, {})[name] = cell


def _module_globals(scope: dict[str, Any]) -> bool:
    """Is ``scope`` a module's own globals (not the namespace a derivative runs in)?"""
    module = sys.modules.get(scope.get("__name__", ""))
    return module is not None and getattr(module, "__dict__", None) is scope


class _Reads:
    """The user's globals, but the names of :data:`ORIGINS` read from their modules (what
    the refreshers read: ``get`` and ``[]``)."""

    def __init__(self, user: dict[str, Any], moved: dict[str, tuple],
                 cells: dict[str, Any]) -> None:
        self.user, self.moved, self.cells = user, moved, cells

    def get(self, k: str, default: Any = None) -> Any:
        if k in self.cells:
            try:
                return self.cells[k].cell_contents
            except ValueError:  # (an empty cell)
                return default
        if k in self.moved:
            scope, ident = self.moved[k]
            return scope.get(ident, default)
        return self.user.get(k, default)

    def __getitem__(self, k: str) -> Any:
        value = self.get(k, _MISSING)
        if value is _MISSING:
            raise KeyError(k)
        return value

    def __contains__(self, k: str) -> bool:
        return self.get(k, _MISSING) is not _MISSING


def _refresher(fn: Callable, namespace: dict[str, Any], user: Any) -> Callable:
    """Re-read, before a call, the user's module globals the generated code reads (a
    constant rebound after the transform is seen); a plain dict keeps lookups fast.
    Data (an array, a number) is re-read even when the namespace the code was made in
    holds an older value of it (the stages are cached: a later variant's namespace was
    taken before the rebinding); a module or function s2sad put in a name's place
    (``autograd.numpy`` read as ``numpy``) stays."""
    moved = {k: v for k, v in namespace.get(ORIGINS, {}).items()
             if k in fn.__code__.co_names and _data(namespace.get(k))}
    cells = {k: c for k, c in namespace.get(CELLS, {}).items()
             if k in fn.__code__.co_names and _data(namespace.get(k))}
    if moved or cells:
        user = _Reads(user, moved, cells)
    names = [k for k in fn.__code__.co_names if k in cells or k in moved or k in user and (
        namespace.get(k, _MISSING) is user[k] or _data(user[k]) and _data(namespace.get(k)))]

    def refresh() -> None:
        for k in names:
            namespace[k] = user.get(k, namespace[k])
    refresh.state = (names, namespace, user)  # type: ignore[attr-defined]  # (read by api.py)
    return refresh
