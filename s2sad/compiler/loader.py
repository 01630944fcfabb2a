"""Stage 9b: compile generated source under a unique file name registered in
``linecache``, so ``inspect.getsource`` and tracebacks show its lines."""
from __future__ import annotations

import itertools
import linecache
import types
from collections.abc import Callable
from typing import Any

_counter = itertools.count(1)


class LiveGlobals(dict):
    """The generated function's globals: its own names (helpers, aliases, closure values),
    then the user's module globals as they are *now*, so rebinding a module-level
    constant after the transform is seen."""

    def __init__(self, user: dict[str, Any], own: dict[str, Any]) -> None:
        super().__init__(own)
        self.user = user

    def __missing__(self, key: str) -> Any:
        return self.user[key]

    def snapshot(self) -> dict[str, Any]:
        """Every name the function can read, as a plain dict."""
        return {**self.user, **self}


def global_names(fn: Any) -> dict[str, Any]:
    """A function's globals as a plain dict (generated functions read through to the
    user's module)."""
    names = getattr(fn, "__globals__", {})
    return names.snapshot() if isinstance(names, LiveGlobals) else dict(names)


_MISSING = object()


def load(source: str, name: str, namespace: dict[str, Any],
         user_globals: dict[str, Any] | None = None) -> Callable:
    """Define the function ``name`` from ``source`` in ``namespace``."""
    filename = f"<s2sad {name} #{next(_counter)}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    code = compile(source, filename, "exec")
    exec(code, namespace)  # noqa: S102  (our own generated source)
    fn = namespace[name]
    if user_globals is not None:
        own = {k: v for k, v in namespace.items() if user_globals.get(k, _MISSING) is not v}
        live = types.FunctionType(fn.__code__, LiveGlobals(user_globals, own), name,
                                  fn.__defaults__, fn.__closure__)
        live.__kwdefaults__ = fn.__kwdefaults__
        fn = live
    fn.__module__ = namespace.get("__name__", fn.__module__)
    return fn
