"""Part of the late pass ``recompute``: a value both branches of an ``if`` push, pushed
once before it (and popped once before the reversed ``if``).

A loop's ``if abs(r) <= delta: total += 0.5 * r * r else: total += delta * ...`` needs
``r`` in either branch's adjoint, so each branch pushes it and each reversed branch
pops it.  Pushed from inside a branch, ``r`` stays on the tape: ``recompute`` (which
computes a popped number again from the loop's counter and the parameters, so that a
forward loop left with nothing to do goes) looks at the pushes a loop makes on every
trip.  Pushed once before the ``if``, ``r`` is such a push.

Done where each branch of the forward ``if`` makes one push and no other (at any
depth), of the same names, none of them bound in the branch before its push, and their
two pops are the only pops of the two branches of one reversed ``if``, neither branch
reading or binding those names before its pop.  The tape's order is kept: what the
branch pushed between the ``if``'s start and its end is now pushed just before the
``if``, and popped just before the reversed one (right after the ``if``'s own flag,
which is pushed after it).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import tape
from s2sad.compiler.node_scans import written_names
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_ids, same


def hoist(body: list) -> bool:
    """Every pair of branch pushes of one value made one push before its ``if``;
    whether one was."""
    pops, pushes = tape.pairs(body)
    if len(pops) < 2:
        return False
    slot_of = {id(p): slot for slot, ps in pushes.items() for p in ps}
    changed = False
    for forward in [s for s in statement_nodes(body) if isinstance(s, gast.If)]:
        changed |= _hoist_if(body, forward, slot_of, pops)
    return changed


def _hoist_if(body: list, forward: gast.If, slot_of: dict[int, int],
              pops: dict[int, gast.Assign]) -> bool:
    first, second = _only_push(forward.body), _only_push(forward.orelse)
    if first is None or second is None or not same(first.value, second.value) or \
            not _unbound_before(forward.body, first) or \
            not _unbound_before(forward.orelse, second):
        return False
    pop_a, pop_b = pops.get(slot_of.get(id(first), -1)), pops.get(slot_of.get(id(second), -1))
    if pop_a is None or pop_b is None or not same(pop_a.targets, pop_b.targets):
        return False
    reverse = _reversed_if(body, pop_a, pop_b)
    if reverse is None:
        return False
    forward.body.remove(first)
    forward.orelse.remove(second)
    _insert_before(body, forward, first)
    reverse.body = [s for s in reverse.body if s is not pop_a and s is not pop_b]
    reverse.orelse = [s for s in reverse.orelse if s is not pop_a and s is not pop_b]
    _insert_before(body, reverse, pop_a)
    for s in (forward, reverse):
        if not s.body:
            s.body = [gast.Pass()]
    return True


def _only_push(branch: list) -> Any:
    """The push at the top of ``branch`` when it is the branch's one push (at any depth)."""
    found = [s for s in statement_nodes(branch) if getattr(s, "s2sad_slot", None) is not None]
    if len(found) == 1 and found[0] in branch and isinstance(found[0], gast.Expr):
        return found[0]
    return None


def _unbound_before(branch: list, push: gast.Expr) -> bool:
    """No statement of ``branch`` before ``push`` binds or writes into what it pushes."""
    pushed = set(name_ids(push, gast.Load))
    before = branch[:branch.index(push)]
    return not any(written_names(s) & pushed for s in before)


def _reversed_if(body: list, pop_a: gast.Assign, pop_b: gast.Assign) -> gast.If | None:
    """The ``if`` whose branches hold the two pops (one each, their only pops, at their
    top, nothing before them reading or binding the popped names)."""
    popped = set(name_ids(pop_a.targets, gast.Store))
    for s in statement_nodes(body):
        if isinstance(s, gast.If) and (
                (pop_a in s.body and pop_b in s.orelse) or
                (pop_b in s.body and pop_a in s.orelse)):
            ok = all(_pop_first(branch, popped) for branch in (s.body, s.orelse))
            return s if ok and popped.isdisjoint(name_ids(s.test, gast.Load)) else None
    return None


def _pop_first(branch: list, popped: set[str]) -> bool:
    slots = [s for s in statement_nodes(branch) if getattr(s, "s2sad_slot", None) is not None]
    if len(slots) != 1 or slots[0] not in branch:
        return False
    before = branch[:branch.index(slots[0])]
    return not any(set(name_ids(s, gast.Load)) & popped or written_names(s) & popped
                   for s in before)


def _insert_before(body: list, anchor: gast.stmt, new: gast.stmt) -> None:
    """``new`` put right before ``anchor`` in whichever block of ``body`` holds it."""
    for block in _all_blocks(body):
        for i, s in enumerate(block):
            if s is anchor:
                block.insert(i, new)
                return
    raise AssertionError("statement not found")  # pragma: no cover


def _all_blocks(body: list) -> list[list]:
    out = [body]
    for s in statement_nodes(body):
        for part in ("body", "orelse", "finalbody"):
            inner = getattr(s, part, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                out.append(inner)
    return out
