"""Part of the late pass ``algebra``: a negated name read only where an addition takes
the sign, read as the name itself.

The adjoint of ``a - b`` is ``-g`` for ``b``: ``ddown = -dsub`` then ``dtheta = dtheta +
np.roll(ddown, 1, 0)`` makes a whole array only to negate it.  Where ``x = -y`` (``y`` a
name bound at most once, before it, in the same block) and every read of ``x`` is an
operand of an addition or the right operand of a subtraction (``a + x``, ``x + a``,
``a - x``, ``d += x``), directly or as the first argument of a function linear and odd in
it (``np.roll(x, 1)``, ``unbroadcast(x, v)``: ``f(-y)`` is ``-f(y)`` exactly), the reads
take ``y`` with the operation flipped (``a - y``, ``a + y``) and ``x`` is gone: IEEE
negation is exact and addition commutes, so the numbers are the same, one pass fewer.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler.algebra_terms import _linear_call
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_ids, name_nodes, parent_map, replace_child

_FLIP = {gast.Add: gast.Sub, gast.Sub: gast.Add}


def fold_negations(body: list, params: frozenset | set) -> list:
    """``body`` without the negated names whose reads take the sign (see above).  The
    reads of every candidate are collected in one walk; a candidate whose name an
    earlier fold made read more (its reads are not all known) is left."""
    found = _candidates(body, params)
    if not found:
        return body
    parents = parent_map(body)
    reads: dict[str, list[gast.Name]] = {x: [] for x in found}
    for n in name_nodes(body):
        if n.ctx.__class__ is gast.Load and n.id in reads:
            reads[n.id].append(n)
    dropped: set[str] = set()
    grown: set[str] = set()  # names an earlier fold made read where they were not
    for x, (stmt, y) in found.items():
        uses = reads[x]
        sites = [_site(u, parents) for u in uses]
        if not uses or x in grown or any(site is None for site in sites) or \
                len({id(site[1]) for site in sites if site}) < len(sites):  # (``x + x``)
            continue
        for use, (operand, addition) in zip(uses, sites):  # type: ignore[misc]
            on_left = isinstance(addition, gast.BinOp) and addition.left is operand
            replace_child(parents[id(use)], use, gast.Name(
                id=y, ctx=gast.Load(), annotation=None, type_comment=None))
            _flip(addition, on_left)
        grown.add(y)
        stmt.s2sad_dropped = True
        dropped.add(x)
    return _without_dropped(body, dropped) if dropped else body


def _candidates(body: list, params: frozenset | set) -> dict:
    """``x = -y`` of names, each bound once, ``y`` bound before ``x`` in the same block
    (or a parameter never bound): name -> (the statement, ``y``).  The body's names
    are counted only when it has such a statement (most have none)."""
    out: dict = {}
    blocks = [body] + [getattr(s, f) for s in walk_statements(gast.Module(body=body,
                                                                          type_ignores=[]))
                       if isinstance(s, (gast.For, gast.While, gast.If))
                       for f in ("body", "orelse")]
    found = [(block, [k for k, s in enumerate(block) if _negation(s)]) for block in blocks]
    if not any(negations for _, negations in found):
        return out
    stores = Counter(name_ids(body, gast.Store))
    for block, negations in found:
        seen: set[str] = set()  # (bound in the statements before: only up to the last)
        for k, s in enumerate(block[:negations[-1] + 1] if negations else ()):
            if k in negations:
                x, y = s.targets[0].id, s.value.operand.id
                if stores[x] == 1 and x not in params and (
                        y in seen and stores[y] == 1 or y in params and not stores[y]):
                    out[x] = (s, y)
            seen.update(name_ids(s, gast.Store))
    return out


def _negation(s: gast.stmt) -> bool:
    """Is ``s`` ``x = -y`` of two names?"""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.UnaryOp) and \
        isinstance(s.value.op, gast.USub) and isinstance(s.value.operand, gast.Name)


def _site(use: gast.Name, parents: dict) -> tuple | None:
    """(the operand of the addition that reads ``use``: the name or a linear call of it,
    the addition), or None."""
    operand: gast.AST = use
    holder = parents.get(id(use))
    if isinstance(holder, gast.Call) and _linear_call(holder.func) and holder.args and \
            holder.args[0] is use:
        operand, holder = holder, parents.get(id(holder))
    if isinstance(holder, gast.BinOp) and (
            isinstance(holder.op, gast.Add) or
            isinstance(holder.op, gast.Sub) and holder.right is operand) or \
            isinstance(holder, gast.AugAssign) and holder.value is operand and \
            isinstance(holder.op, (gast.Add, gast.Sub)):
        return operand, holder
    return None


def _flip(addition: gast.AST, on_left: bool) -> None:
    """``addition`` takes the sign of its operand (``on_left``: the left one): ``a + x``
    is ``a - y``, ``x + a`` is ``a - y``, ``a - x`` is ``a + y``, ``d += x`` is
    ``d -= y``."""
    if on_left:
        addition.left, addition.right = addition.right, addition.left
    addition.op = _FLIP[type(addition.op)]()


def _without_dropped(stmts: list, names: set[str]) -> list:
    out = []
    for s in stmts:
        if getattr(s, "s2sad_dropped", False):
            continue
        if isinstance(s, gast.Delete):
            s.targets = [t for t in s.targets if getattr(t, "id", None) not in names]
            if not s.targets:
                continue
        for field in ("body", "orelse"):
            if isinstance(s, (gast.For, gast.While, gast.If)):
                setattr(s, field, _without_dropped(getattr(s, field), names))
        out.append(s)
    return out
