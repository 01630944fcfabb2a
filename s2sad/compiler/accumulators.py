"""Part of the late pass ``ownership``: a sum into an array the generated code owns,
``acc = acc + e`` (or ``-``, ``*``) in a loop, written ``acc += e``: a loop that
accumulates (``out = out + w[j] * x[j:j + n]``) then makes no new array per trip
(outside loops the ``accumulate`` pass sums a line's terms in one statement instead).

The update computes what ``acc + e`` computes, into ``acc``'s array, when three facts
hold:

- ``acc`` is owned (:mod:`ownership`): no other live name, stack or caller holds its
  object, so nothing reads the old value after the statement;
- the shapes (:mod:`dims`) say ``acc + e`` has ``acc``'s shape: ``e`` broadcasts into
  ``acc`` (never ``acc`` up into ``e``'s shape, which would need a new array);
- the dtypes (:mod:`dtypes`) say ``acc`` is float64 and ``e`` promotes into it (not
  complex, not an int ``acc``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import copy_origin, store

_OPS = (gast.Add, gast.Sub, gast.Mult)
_COMMUTATIVE = (gast.Add, gast.Mult)  # (exactly so in floating point too)


def in_place(flat: list, blocks: dict[int, list], owned: set[str],
             shapes: Callable[[], dims.Facts], kinds: dict[str, str], namespace: dict
             ) -> bool:
    """Rewrite each such update of ``flat`` (every statement, ``blocks``: the block
    holding each) in its block; ``shapes`` works the shapes out (only when there is a
    candidate: the body's names are not those of the last ``shapes`` pass).  Whether
    one was."""
    found = [(s, e) for s, e in ((s, _candidate(s, owned, kinds, namespace)) for s in flat)
             if e is not None]
    facts = shapes() if found else None
    rewritten = False
    for s, e in found:
        acc = s.targets[0]
        if dims.same(facts.of(acc), facts.of(s.value)):  # type: ignore[union-attr]
            block = blocks[id(s)]
            block[[id(x) for x in block].index(id(s))] = copy_origin(
                gast.AugAssign(target=store(acc.id), op=s.value.op, value=e), s)
            rewritten = True
    return rewritten


def _candidate(s: gast.stmt, owned: set[str], kinds: dict[str, str], namespace: dict
               ) -> gast.expr | None:
    """``e`` of ``acc = acc + e`` (``e + acc``, ...) of an owned float64 ``acc`` into
    which ``e`` promotes."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and
            isinstance(s.value.op, _OPS)):
        return None
    acc, value = s.targets[0].id, s.value
    e = value.right if _is(value.left, acc) else \
        value.left if _is(value.right, acc) and isinstance(value.op, _COMMUTATIVE) else None
    if e is None or acc not in owned or \
            not dtypes.promotes_into_float64(acc, e, kinds, namespace):
        return None
    return e


def _is(e: Any, name: str) -> bool:
    return isinstance(e, gast.Name) and e.id == name
