"""Stage 9b: compile generated source under a unique file name registered in
``linecache``, so ``inspect.getsource`` and tracebacks show its lines."""
from __future__ import annotations

import inspect
import itertools
import linecache
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

from s2sad.compiler import resolved

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
_SHAREABLE = "__s2sad_shareable__"  # (a namespace's key: its cells may be swapped)


def note_origin(namespace: dict[str, Any], name: str, fn: Any, ident: str, root: Any) -> None:
    """``name`` of the generated code is ``ident`` of ``fn``'s module (a helper inlined
    from another module reads its own globals; or a global given another name): a value
    it holds is re-read from there before each call, as the root function's globals are
    (:func:`_refresher`), not kept as it was when the code was made."""
    scope = getattr(fn, "__globals__", None)
    refresh = getattr(fn, "s2sad_refresh", None)
    if scope is not None and refresh is not None:  # a derivative differentiated again:
        scope, ident = _read_by(refresh, scope, ident)  # where its refresher reads it
        if isinstance(scope, dict) and scope.get(CELL_MARK) is not None:
            note_cell(namespace, name, scope[CELL_MARK])
            return
    if scope is None or ident not in scope or not _data(scope[ident]) or \
            not _module_globals(scope) or \
            refresh is None and (scope[ident] is not namespace.get(name) or
                                 scope is getattr(root, "__globals__", None) and name == ident):
        return  # (a generated function's namespace is refreshed by its own refresher)
    namespace.setdefault(ORIGINS, {}).setdefault(name, (scope, ident))


CELL_MARK = "__s2sad_cell__"


def _read_by(refresh: Any, scope: dict[str, Any], ident: str) -> tuple[Any, str]:
    """Where a generated function's refresher reads its global ``ident``: another
    module's globals, a closure's cell (as ``{CELL_MARK: cell}``), or the user's
    globals it was made for."""
    if ident in scope.get(ORIGINS, {}):
        return scope[ORIGINS][ident]
    if ident in scope.get(CELLS, {}):
        return {CELL_MARK: scope[CELLS][ident]}, ident
    user = refresh.state[2]
    return (user.user if isinstance(user, _Reads) else user), ident


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


def rebound(fn: Callable, closure: Callable, made_for: Callable) -> Callable | None:
    """The generated ``fn``, made for ``made_for``, a sibling of ``closure`` (the same
    code, cells holding other data: ``outer_data.closure_family``), reading ``closure``'s
    cells (each name :func:`note_cell` bound to one of ``made_for``'s cells reads the
    sibling's): the same code over a copy of its namespace.  None when that namespace
    holds a function s2sad made over the cells' values as they were (a checkpointed loop,
    a local def run as a sort key): only a transform of its own reads them right."""
    namespace = fn.__globals__
    if CELLS not in namespace:
        return None
    if _SHAREABLE not in namespace:  # (worked out once per transform)
        namespace[_SHAREABLE] = _shareable(namespace)
    if not namespace[_SHAREABLE]:
        return None
    fresh = dict(namespace)
    siblings = {id(a): b for a, b in zip(made_for.__closure__ or (), closure.__closure__ or ())}
    fresh[CELLS] = {k: siblings.get(id(cell), cell) for k, cell in namespace[CELLS].items()}
    for k, cell in fresh[CELLS].items():  # (a name of the code -> the sibling's cell)
        try:
            fresh[k] = cell.cell_contents
        except ValueError:  # (emptied since)
            return None
    made: Any = types.FunctionType(fn.__code__, fresh, fn.__name__, fn.__defaults__)
    made.__kwdefaults__, made.__module__ = fn.__kwdefaults__, fn.__module__
    made.s2sad_refresh = _refresher(made, fresh, closure.__globals__)
    return made


def _shareable(namespace: dict[str, Any]) -> bool:
    """May the cells of the closure a namespace was made for be swapped for a sibling's:
    no function of it reads a namespace of its own (made by s2sad over the cells' values),
    and no other name holds a cell's array (a copy under another name would stay)."""
    cells = set(namespace[CELLS])
    held = {id(namespace[k]) for k in cells if k in namespace and _data(namespace[k]) and
            not isinstance(namespace[k], (int, float, complex))}  # (numbers: interned)
    return not any(
        inspect.isfunction(v) and v.__globals__ is not namespace and
        not _module_globals(v.__globals__) or k not in cells and id(v) in held
        for k, v in namespace.items())


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
    made_from = resolved.entries(namespace)

    def refresh() -> None:
        if made_from and not resolved.current(made_from):
            raise resolved.Stale(fn.__name__)
        for k in names:
            namespace[k] = user.get(k, namespace[k])
    refresh.state = (names, namespace, user)  # type: ignore[attr-defined]  # (read by api.py)
    refresh.made_from = made_from  # type: ignore[attr-defined]  # (checked by api, fast_call)
    return refresh
