"""Part of the late pass ``assemble``: a list or tuple display read back item by item
right after it is made, the items read directly.

The adjoint of a swap of two states, ``u_prev, u = u, u_next`` (a leapfrog, a three-term
recurrence), comes out of ``assemble`` as a display of the two adjoints and reads of its
items::

    ditems = [du_prev, du]                  du_next = du
    du = fresh(ditems[0])          ->       du = fresh(du_prev)
    du_next = ditems[1]

The list hides from :mod:`ownership` which adjoint holds which array, and every update
of one then copies it first.  Where the display's items are names or constants and the
statements right after it read it only by constant items (nothing else reads it), the
reads are a parallel assignment of the items: they are ordered so that no statement
binds a name a later one still reads (``du_next = du`` first), the display goes.  A
cycle (``d = [b, a]; a = d[0]; b = d[1]``, a true swap) needs the list: left as it is.
"""
from __future__ import annotations

import gast

from s2sad.compiler.names import call_named
from s2sad.compiler.statement_walks import blocks
from s2sad.compiler.walks import name_ids, name_nodes


def read_directly(body: list) -> list:
    """``body`` with each such display and its item reads rewritten (in place)."""
    found = [b for b in blocks(body) if any(_display(s) for s in b)]
    if not found:
        return body
    loads: dict[str, int] = {}
    for name in name_ids(body, gast.Load):
        loads[name] = loads.get(name, 0) + 1
    for block in found:
        k = 0
        while k < len(block):
            k += _rewrite(block, k, loads)
    return body


def _display(s: gast.stmt) -> bool:
    """``d = [a, b, ...]`` (or a tuple) of names and constants."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, (gast.List, gast.Tuple)) \
        and bool(s.value.elts) and \
        all(isinstance(e, (gast.Name, gast.Constant)) for e in s.value.elts)


def _item_read(s: gast.stmt, d: str, size: int) -> tuple[str, int, bool] | None:
    """(target, position, through ``fresh``) of ``t = d[c]`` or ``t = fresh(d[c])``."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and s.targets[0].id != d):
        return None
    value, fresh = s.value, False
    if call_named(value, "fresh") and len(value.args) == 1 and not value.keywords:
        value, fresh = value.args[0], True
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and \
            value.value.id == d and isinstance(value.slice, gast.Constant) and \
            type(value.slice.value) is int and -size <= value.slice.value < size:
        return s.targets[0].id, value.slice.value, fresh
    return None


def _rewrite(block: list, k: int, loads: dict[str, int]) -> int:
    """Rewrite the display at ``block[k]`` if it is one read so; how far to move on."""
    s = block[k]
    if not _display(s):
        return 1
    d, elts = s.targets[0].id, s.value.elts
    reads = []
    for t in block[k + 1:]:
        read = _item_read(t, d, len(elts))
        if read is None:
            break
        reads.append((t, read))
    if not reads or loads.get(d, 0) != len(reads):
        return 1
    order = _ordered([(target, _names(elts[at])) for _, (target, at, _) in reads])
    if order is None:
        return 1
    new = []
    for i in order:
        t, (target, at, fresh) = reads[i]
        item = _copy(elts[at])
        t.value = gast.Call(func=gast.Name(id="fresh", ctx=gast.Load(), annotation=None,
                                           type_comment=None), args=[item], keywords=[]) \
            if fresh else item
        new.append(t)
    block[k:k + 1 + len(reads)] = new
    return len(new)


def _ordered(moves: list[tuple[str, set[str]]]) -> list[int] | None:
    """An order of the parallel moves ``target = item`` in which no move binds a name a
    move after it reads; None for a cycle."""
    pending = list(range(len(moves)))
    out = []
    while pending:
        ready = next((i for i in pending if not any(
            moves[i][0] in moves[j][1] for j in pending if j != i)), None)
        if ready is None:
            return None
        out.append(ready)
        pending.remove(ready)
    return out


def _names(e: gast.expr) -> set[str]:
    return {n.id for n in name_nodes(e)}


def _copy(e: gast.expr) -> gast.expr:
    if isinstance(e, gast.Name):
        return gast.Name(id=e.id, ctx=gast.Load(), annotation=None, type_comment=None)
    return gast.Constant(value=e.value, kind=None)
