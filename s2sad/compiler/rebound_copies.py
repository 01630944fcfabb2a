"""Part of the late pass ``ownership``: copies no update in place needs.

The reverse sweep copies an adjoint it hands to another name (``dy = fresh(dy_new)``,
the adjoint of ``y = y - dy`` in a Newton loop) so that an update of one in place
cannot change the other.  Where the copy's name is bound again to a new object
(``dy = dy + dJ_y``) before anything is written in place, and read in between only
as an operand of arithmetic, the copy is never written through and its object never
seen again: the copy is waste (a small array copied per trip of a loop).  Likewise
``fresh(e)[k]``, a number read from a copy, is the number read from ``e``.

The facts (liveness, ownership) are flow-insensitive per name: they cannot tell that
the copy's object dies at the next binding, which a walk down the block does here.
"""
from __future__ import annotations

import gast

from s2sad import runtime
from s2sad.compiler.names import call_named
from s2sad.compiler.ownership_facts import OwnershipFacts
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes, nodes, parent_map

# the runtime's helpers that write into their first argument
_WRITERS = frozenset({runtime.add_at, runtime.write_at, runtime.clear_at})
_OPERAND_OF = (gast.BinOp, gast.UnaryOp, gast.Compare)


def drop(facts: OwnershipFacts) -> bool:
    """Each copy shown waste dropped (the facts refreshed); whether one was."""
    changed = _items_of_copies(facts)
    for s in list(facts.flat):
        if _copy(s) and _rebound_first(s, facts):
            s.value = s.value.args[0]
            changed = True
    if changed:
        facts.refresh()
    return changed


def _copy(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and call_named(s.value, "fresh") and \
        len(s.value.args) == 1 and not s.value.keywords


def _items_of_copies(facts: OwnershipFacts) -> bool:
    """``fresh(e)[k]`` read as a number: ``e[k]``."""
    changed = False
    for n in nodes(facts.body):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Load) and \
                call_named(n.value, "fresh") and len(n.value.args) == 1 and \
                not n.value.keywords and facts.is_number(n):
            n.value = n.value.args[0]
            changed = True
    return changed


def _rebound_first(copy: gast.Assign, facts: OwnershipFacts) -> bool:
    """After ``copy`` (``x = fresh(e)``) in its block: ``x`` bound again by arithmetic of
    itself before any statement writes in place or holds ``x``'s object, every read of
    ``x`` on the way an operand of arithmetic."""
    name = copy.targets[0].id
    block = facts.blocks[id(copy)]
    at = next(i for i, s in enumerate(block) if s is copy)
    for s in block[at + 1:]:
        if not isinstance(s, (gast.Assign, gast.AugAssign)) or _writes_in_place(s, facts):
            return False
        mentions = [n for n in name_nodes(s) if n.id == name]
        if not mentions:
            continue
        if not _operands_only(s, name) or isinstance(s, gast.AugAssign):
            return False
        if any(isinstance(t, gast.Name) and t.id == name for t in s.targets):
            return len(s.targets) == 1 and name not in facts.leaks(s.value)
        if any(name in {n.id for n in name_nodes(t)} for t in s.targets):
            return False
    return False  # (the block ends with the copy live: a loop's next trip may write it)


def _operands_only(s: gast.Assign | gast.AugAssign, name: str) -> bool:
    """Every read of ``name`` in ``s``'s value is an operand of ``+ - * /`` and the like."""
    parents = parent_map([s])
    reads = [n for n in name_nodes(s.value) if n.id == name]
    return all(isinstance(parents.get(id(n)), _OPERAND_OF) for n in reads)


def _writes_in_place(s: gast.Assign | gast.AugAssign, facts: OwnershipFacts) -> bool:
    """``s`` may write into an object: an item or attribute stored, ``+=`` of an array,
    a runtime helper writing its argument, an ``out=``."""
    targets = [s.target] if isinstance(s, gast.AugAssign) else s.targets
    if any(not isinstance(n, (gast.Name, gast.Tuple, gast.List, gast.Store))
           for t in targets for n in nodes(t)):
        return True
    if isinstance(s, gast.AugAssign) and not (isinstance(s.target, gast.Name) and (
            s.target.id in facts.numbers or type(facts.ranks.get(s.target.id)) is int and
            facts.ranks[s.target.id] == 0)):
        return True
    for n in nodes(s.value):
        if isinstance(n, gast.Call):
            if any(k.arg == "out" for k in n.keywords):
                return True
            try:
                if evaluate_ref(n.func, facts.namespace) in _WRITERS:
                    return True
            except TypeError:
                return True
    return False
