"""Part of the late pass ``ownership``: an array written by item in a loop's forward trip
and popped from the tape with other values in the reversed trip (``face, s =
stack.pop()``) made owned by a copy of the popped item (``face, s_popped = stack.pop();
s = fresh(s_popped)``).

Ownership is a fact of a name, not of a value: the reversed sweep's pop binds the
forward's name again to an object the tape holds, so the forward's writes
``s = setitem(s, i, v)`` copied the whole array at every write (MUSCL advection's slopes
limited cell by cell in a time loop: O(n) a write, O(n^2) a step).  One copy a reversed
trip makes the name owned again; the writes are made in place.  A pop of the name alone
(``s = stack.pop()``) is copied by :meth:`ownership._Facts.copy_before_loops` already.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import ownership_forms as forms
from s2sad.compiler.names import copy_origin, load, store
from s2sad.compiler.walks import name_ids


def own_popped(facts: Any, name: str) -> bool:
    """Split ``name`` out of each tuple pop binding it; keep the split only if that makes
    ``name`` owned (``facts.refresh()`` works the facts out again).  Whether it did."""
    pops = [s for s in facts.flat if _tuple_pop_of(s, name)]
    if not pops:
        return False
    taken = set(name_ids(facts.body, gast.Store)) | set(name_ids(facts.body, gast.Load))
    made = []
    for s in pops:
        popped = next(f"{name}_popped{k or ''}" for k in range(len(taken) + 1)
                      if f"{name}_popped{k or ''}" not in taken)
        taken.add(popped)
        elts = s.targets[0].elts
        at = next(k for k, t in enumerate(elts) if isinstance(t, gast.Name) and t.id == name)
        elts[at] = store(popped)
        copy = copy_origin(gast.Assign(targets=[store(name)], value=forms.call_of_name(
            "fresh", load(popped)), type_comment=None), s)
        block = facts.blocks[id(s)]
        block.insert(next(k for k, x in enumerate(block) if x is s) + 1, copy)
        made.append((s, at, copy, block))
    facts.refresh()
    if name in facts.owned:
        return True
    for s, at, copy, block in made:
        s.targets[0].elts[at] = store(name)
        block[:] = [x for x in block if x is not copy]
    facts.refresh()
    return False


def _tuple_pop_of(s: gast.stmt, name: str) -> bool:
    """``a, name = stack.pop()``."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Tuple) and isinstance(s.value, gast.Call)):
        return False
    f = s.value.func
    return isinstance(f, gast.Attribute) and f.attr == "pop" and not s.value.args and \
        isinstance(f.value, gast.Name) and any(
            isinstance(t, gast.Name) and t.id == name for t in s.targets[0].elts)
