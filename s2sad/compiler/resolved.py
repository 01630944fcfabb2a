"""What a derivative was made from, by name: the functions global names held (``helper``
inlined, ``act = np.tanh`` given its rule), the classes of the objects whose methods
were inlined, what their attributes held (``self.act``), how many layers a loop went
through.  A derivative reads data (arrays, numbers) again at each call (:mod:`loader`),
but these were fixed when the code was made: a helper defined again (a notebook cell
run again), a global bound to another function or another model, a layer replaced made
the old derivative wrong, silently.  Each call now walks the same paths again (from the
global, the closure's cell, or the object passed) and checks what it finds; where one
changed, the derivative is made again."""
from __future__ import annotations

import types
from typing import Any

from s2sad.compiler.user_code import is_user_object
from s2sad.errors import DifferentiationError

RESOLVED = "__s2sad_resolved__"  # (a namespace's key: path -> what it led to)
_MISSING = object()

# a path: (root, steps); root ("global", scope dict, name), ("cell", cell) or ("object",
# obj); steps (("attr", name) | ("item", k), ...)
Path = tuple


class Stale(DifferentiationError):
    """A name the derivative was made from leads to another object now (the derivative
    is made again; seen by the user only if the one made again is stale too: a bug)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"<s2sad>:?: {name}: a function, class or object the derivative "
                         "was made from is another one now, and the derivative made again "
                         "is stale too: an s2sad bug, please report it")


def root(fn: Any, ident: str) -> Path | None:
    """The path of ``ident`` of ``fn``: a global of its module or a closure's variable."""
    code = getattr(fn, "__code__", None)
    cells = getattr(fn, "__closure__", None)
    if code is not None and cells and ident in code.co_freevars:
        return (("cell", cells[code.co_freevars.index(ident)]), ())
    scope = getattr(fn, "__globals__", None)
    return (("global", scope, ident), ()) if scope is not None and ident in scope else None


def held(obj: Any) -> Path:
    """The path of an object passed for a parameter (the derivative is made for it)."""
    return (("object", obj), ())


def step(path: Path | None, kind: str, key: Any) -> Path | None:
    return None if path is None else (path[0], (*path[1], (kind, key)))


def note(namespace: dict[str, Any], path: Path | None) -> None:
    """The transform read what ``path`` leads to: a function (the same one must be there
    at each call), an object of the user's (of the same class), a list or tuple of those
    (as long: each item read has a path of its own), a dict of those (the same keys).
    What is recorded is what the path holds, not what the code read in its place
    (autograd's gammaln read as SciPy's)."""
    if path is None:
        return
    obj = walk(path)
    if obj is _MISSING or isinstance(obj, types.ModuleType):
        return
    expected: Any
    if type(obj) in (list, tuple) and all(callable(v) or is_user_object(v) for v in obj):
        how, expected = "len", len(obj)
    elif type(obj) is dict and obj and all(callable(v) or is_user_object(v)
                                           for v in obj.values()):
        how, expected = "keys", tuple(obj)  # (a dict of heads: the same keys, in order)
    elif is_user_object(obj):  # (an object of the user's class, callable or not)
        how, expected = "type", type(obj)
    elif isinstance(obj, types.MethodType) and not is_user_object(obj.__self__):
        how, expected = "method", (obj.__func__, obj.__self__)  # (st.norm.logpdf and
        # st.laplace.logpdf: one function of two objects, each with a rule of its own)
    elif callable(obj):
        how, expected = "is", _plain(obj)
    else:
        return  # (data: read again at each call)
    key = (_root_key(path[0]), path[1])
    namespace.setdefault(RESOLVED, {})[key] = (path, expected, how)


def note_value(namespace: dict[str, Any], path: Path | None, value: Any) -> bool:
    """The transform read a constant that shapes the code, not data: ``wrt=i`` of a
    derivative made inside, ``i`` a variable of the enclosing function (autograd's
    ``grad(f, argnum=i)`` in a loop over ``i``).  Each call checks the path holds an
    equal value of the same type (a loop's next ``i``: made again).  False (nothing
    noted) where no path leads to it."""
    if path is None or walk(path) is _MISSING:
        return False
    key = (_root_key(path[0]), path[1])
    namespace.setdefault(RESOLVED, {})[key] = (path, (type(value), value), "eq")
    return True


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
    """Does every path still lead to what it led to?"""
    return all(_holds(walk(path), expected, how) for path, expected, how in resolved)


def _holds(now: Any, expected: Any, how: str) -> bool:
    if how == "is":
        return _plain(now) is expected
    if how == "method":
        return isinstance(now, types.MethodType) and now.__func__ is expected[0] and \
            now.__self__ is expected[1]
    if how == "type":
        return type(now) is expected
    if how == "keys":
        return type(now) is dict and tuple(now) == expected
    if how == "eq":
        return type(now) is expected[0] and now == expected[1]
    return isinstance(now, (list, tuple)) and len(now) == expected


def walk(path: Path) -> Any:
    """What ``path`` leads to now (``_MISSING`` where it leads nowhere)."""
    start, steps = path
    if start[0] == "global":
        obj = start[1].get(start[2], _MISSING)
    elif start[0] == "cell":
        obj = cell_value(start[1])
    else:
        obj = start[1]
    for kind, key in steps:
        if obj is _MISSING:
            return obj
        try:
            obj = getattr(obj, key) if kind == "attr" else obj[key]
        except (AttributeError, IndexError, KeyError, TypeError):
            return _MISSING
    return obj


def cell_value(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # (an empty cell)
        return _MISSING


def _plain(obj: Any) -> Any:
    """A bound method's function (each attribute read makes a new bound method)."""
    return obj.__func__ if isinstance(obj, types.MethodType) else obj


def _root_key(start: tuple) -> tuple:
    return (start[0], *(id(x) if not isinstance(x, str) else x for x in start[1:]))
