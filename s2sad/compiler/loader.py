"""Stage 9b: compile generated source under a unique file name registered in
``linecache``, so ``inspect.getsource`` and tracebacks show its lines."""
from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

_counter = itertools.count(1)


def load(source: str, name: str, namespace: dict[str, Any]) -> Callable:
    """Define the function ``name`` from ``source`` in ``namespace``."""
    filename = f"<s2sad {name} #{next(_counter)}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    code = compile(source, filename, "exec")
    exec(code, namespace)  # noqa: S102  (our own generated source)
    fn = namespace[name]
    fn.__module__ = namespace.get("__name__", fn.__module__)
    return fn
