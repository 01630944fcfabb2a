"""Tape pruning: a value pushed for the reverse sweep that no later statement reads.

The reverse stage pushes what the adjoint templates read; the late passes then
make some reads unnecessary (``unbroadcast(g, x)`` of a ``g`` already shaped like
``x`` no longer reads ``x``).  A popped name dead after its pop is dropped from the
pop and from the push that pairs with it (``s2sad_slot``), and the pair goes when
nothing is left; the forward work only the push needed is then dead code.
"""
from __future__ import annotations

import gast

from s2sad.compiler import liveness


def prune(body: list) -> list:
    after: dict[int, frozenset] = {}
    liveness.live_after(body, after)
    pops: dict[int, gast.Assign] = {}  # slot -> the pop, and the push it pairs with
    pushes: dict[int, gast.Expr] = {}
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        slot = getattr(node, "s2sad_slot", None)
        if slot is not None:
            (pops if isinstance(node, gast.Assign) else pushes)[slot] = node
    dead: dict[int, set[int]] = {}
    for slot, pop in pops.items():
        if slot not in pushes:
            continue
        targets = _items(pop.targets[0])
        live = after.get(id(pop), frozenset())
        drop = {i for i, t in enumerate(targets) if isinstance(t, gast.Name) and
                t.id not in live}
        if drop and len(_items(pushes[slot].value.args[0])) == len(targets):
            dead[slot] = drop
    if not dead:
        return body
    for slot, drop in dead.items():
        _keep(pops[slot], drop, pushes[slot])
    return _without_empty(body, {id(pops[s]) for s in dead} | {id(pushes[s]) for s in dead})


def _items(e: gast.expr) -> list:
    return list(e.elts) if isinstance(e, gast.Tuple) else [e]


def _keep(pop: gast.Assign, drop: set[int], push: gast.Expr) -> None:
    call = push.value
    targets = [t for i, t in enumerate(_items(pop.targets[0])) if i not in drop]
    values = [v for i, v in enumerate(_items(call.args[0])) if i not in drop]
    pop.targets = [targets[0] if len(targets) == 1 else
                   gast.Tuple(elts=targets, ctx=gast.Store())] if targets else []
    call.args = [values[0] if len(values) == 1 else
                 gast.Tuple(elts=values, ctx=gast.Load())] if values else []


def _without_empty(stmts: list, changed: set[int]) -> list:
    """The statements, with the pairs that hold nothing any more removed."""
    out = []
    for s in stmts:
        if id(s) in changed and (isinstance(s, gast.Assign) and not s.targets or
                                 isinstance(s, gast.Expr) and not s.value.args):
            continue
        for field in ("body", "orelse"):
            if getattr(s, field, None):
                setattr(s, field, _without_empty(getattr(s, field), changed) or
                        ([gast.Pass()] if field == "body" else []))
        out.append(s)
    return out
