"""Part of the late pass ``ownership``: a sum into an array the generated code owns,
``acc = acc + e`` (or ``-``, ``*``), written ``acc += e``: a loop that accumulates
(``out = out + w[j] * x[j:j + n]``) then makes no new array per trip, and a reverse
sweep adding the adjoints of several lines into one (``dd1 = dd1 + dd2`` after ``dd1 =
dsub * spot * pdf``) one array less per line (the ``accumulate`` pass sums one line's
terms in one statement first).

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

from collections import Counter
from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import copy_origin, store
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.walks import nodes

_OPS = (gast.Add, gast.Sub, gast.Mult)
_COMMUTATIVE = (gast.Add, gast.Mult)  # (exactly so in floating point too)


def in_place(flat: list, blocks: dict[int, list], owned: set[str],
             shapes: Callable[[], dims.Facts], kinds: dict[str, str], namespace: dict,
             loads: Counter | None = None) -> bool:
    """Rewrite each such update of ``flat`` (every statement, ``blocks``: the block
    holding each) in its block; ``shapes`` works the shapes out (only when there is a
    candidate: the body's names are not those of the last ``shapes`` pass).  Whether
    one was.  ``loads``: how many times the whole body reads each name, for an update
    through a copy (:func:`_through_copies`)."""
    copied = _through_copies(flat, blocks, owned, kinds, namespace, loads or Counter())
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
    return rewritten or copied


def _through_copies(flat: list, blocks: dict[int, list], owned: set[str],
                    kinds: dict[str, str], namespace: dict, loads: Counter) -> bool:
    """``x = acc; ...; acc = x * e`` (the reverse sweep's copy of an adjoint before the
    update that binds it again: ``dS_new = dS``, then ``dS = dS_new * e``), where the
    statements between neither read nor bind ``x`` or ``acc`` and nothing else in the
    body reads ``x`` (not for its shape either):
    the copy dropped and the update written ``acc = acc * e``, which :func:`in_place`
    then writes ``acc *= e`` where it may."""
    changed = False
    for s in flat:
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and
                isinstance(s.value.op, _OPS) and s.targets[0].id in owned and
                isinstance(s.value.left, gast.Name) and id(s) in blocks):
            continue
        acc, x = s.targets[0].id, s.value.left.id
        block = blocks[id(s)]
        at = next(i for i, t in enumerate(block) if t is s)
        copy = next((k for k in range(at - 1, -1, -1) if _reads_or_binds(block[k], {x, acc})),
                    None)
        if copy is None or not _copies(block[copy], x, acc) or loads[x] != 1 or \
                x in {n.id for n in nodes(s.value.right) if isinstance(n, gast.Name)} or \
                not dtypes.promotes_into_float64(acc, s.value.right, kinds, namespace):
            continue
        del block[copy]
        s.value.left = gast.Name(id=acc, ctx=gast.Load(), annotation=None, type_comment=None)
        changed = True
    return changed


def _reads_or_binds(s: gast.stmt, names: set[str]) -> bool:
    return mentions(s, ids=frozenset(names))


def _copies(s: gast.stmt, x: str, acc: str) -> bool:
    """``x = acc``."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == x and \
        isinstance(s.value, gast.Name) and s.value.id == acc


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
