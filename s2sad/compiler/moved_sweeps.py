"""Part of the late pass ``recompute``: a forward loop that only feeds the tape runs
inside its reversed loop instead.

A loss summed over mini-batches, ``for start in range(0, n, b): loss = loss + f(X[start:
start + b] @ w)``, leaves, once the loss itself is dead, a forward loop that computes
each batch's values only to push them, and a reversed loop that pops them.  Each trip
reads only the loop counter and values fixed for both loops, so the reversed loop can
compute the trip's values itself where it pops them: the data are read once, not twice,
and nothing is kept (what a person writing the gradient does: one loop over the
batches).  Done where the forward loop's body is pure assignments to names of its own
(read nowhere else) and one push, popped once at the top of the reversed loop's body.
"""
from __future__ import annotations

import gast

from s2sad.compiler.names import copy_origin
from s2sad.compiler.pure_calls import pure
from s2sad.compiler.walks import name_nodes, nodes

_WRITERS = ("add_at", "write_at", "clear_at", "scatter_add", "scatter_subtract")


def move_into_reverse(body: list, namespace: dict, reversed_of) -> list:
    """``body`` with each such forward loop's statements moved to where its reversed loop
    (``reversed_of(rev, fwd)``) pops their values; the forward loop gone."""
    loops = [s for s in body if isinstance(s, gast.For) and isinstance(s.target, gast.Name)]
    for fwd in loops:
        rev = next((r for r in loops if reversed_of(r, fwd)), None)
        if rev is None:
            continue
        plan = _plan(body, fwd, rev, namespace)
        if plan is None:
            continue
        push, at = plan
        pop = rev.body[at]
        moved = [s for s in fwd.body if s is not push]
        rev.body[at:at + 1] = moved + _taken(pop, push.value.args[0])
        body.remove(fwd)
    return body


def _taken(pop: gast.Assign, pushed: gast.expr) -> list[gast.stmt]:
    """The pop's targets bound to what was pushed, item by item, a name to itself left
    out (``exp, neg, z = stack.pop()`` of ``(exp, neg, shape_of(z))``: ``z = shape_of(z)``)."""
    target = pop.targets[0]
    pairs = list(zip(target.elts, pushed.elts)) if isinstance(target, gast.Tuple) and \
        isinstance(pushed, gast.Tuple) and len(target.elts) == len(pushed.elts) else \
        [(target, pushed)]
    return [copy_origin(gast.Assign(targets=[t], value=v, type_comment=None), pop)
            for t, v in pairs if not (isinstance(t, gast.Name) and isinstance(v, gast.Name)
                                      and t.id == v.id)]


def _plan(body: list, fwd: gast.For, rev: gast.For, namespace: dict
          ) -> tuple[gast.Expr, int] | None:
    """(the forward loop's one push, where the reversed loop pops it), or None."""
    pushes = [s for s in fwd.body if getattr(s, "s2sad_slot", None) is not None]
    if len(pushes) != 1 or not isinstance(pushes[0], gast.Expr) or \
            len(pushes[0].value.args) != 1:
        return None
    push = pushes[0]
    pops = [k for k, s in enumerate(rev.body) if getattr(s, "s2sad_slot", None) is not None]
    if len(pops) != 1 or rev.body[pops[0]].s2sad_slot != push.s2sad_slot or \
            not isinstance(rev.body[pops[0]], gast.Assign):
        return None
    own = _own_names(fwd, push, namespace)
    if own is None or fwd.target.id in _stored(rev.body) or fwd.target.id in _stored(fwd.body):
        return None
    outside = [s for s in body if s is not fwd]
    before_pop = rev.body[:pops[0]]
    if any(n.id in own for n in _names(outside) if not _inside(n, rev.body[pops[0]:])) or \
            any(n.id in own for n in _names(before_pop)):
        return None  # (read outside the trip that makes them)
    trip = [s for s in fwd.body if s is not push] + [push.value.args[0]]
    reads = {n.id for n in _names(trip) if isinstance(n.ctx, gast.Load)} - own - \
        {fwd.target.id}
    changing = _changing(body, fwd) | _written(body)
    if reads & changing:
        return None  # (a value the loops carry or change: not the same in both)
    return push, pops[0]


def _changing(body: list, fwd: gast.For) -> set[str]:
    """The names that may hold another value in the reversed loop than in ``fwd``: all
    but those bound once, by a plain statement before ``fwd`` (``neg = -a``)."""
    once: dict[str, int] = {}
    for s in body:
        for name in _stored([s]):
            once[name] = once.get(name, 0) + 1
    before = body[:body.index(fwd)]
    fixed = {name for s in before if isinstance(s, gast.Assign) for name in _stored([s])}
    return {name for name, count in once.items() if count > 1 or name not in fixed}


def _own_names(fwd: gast.For, push: gast.Expr, namespace: dict) -> set[str] | None:
    """The names the forward loop's pure assignments bind (each read after it is bound,
    in the same trip), or None where its body does anything else."""
    own: set[str] = set()
    for s in fwd.body:
        if s is push:
            continue
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and pure(s.value, namespace)):
            return None
        if any(n.id in _later(fwd.body, s) for n in _names([s.value])):
            return None  # (read before bound in the trip: carried from the trip before)
        own.add(s.targets[0].id)
    return own


def _later(block: list, s: gast.stmt) -> set[str]:
    """The names bound at ``s`` or after it in ``block``."""
    return _stored(block[block.index(s):])


def _names(stmts: list) -> list[gast.Name]:
    return [n for n in name_nodes(stmts)]


def _inside(n: gast.Name, stmts: list) -> bool:
    return any(n is m for m in nodes(stmts))


def _stored(stmts: list) -> set[str]:
    return {n.id for n in name_nodes(stmts) if not isinstance(n.ctx, gast.Load)}


def _written(stmts: list) -> set[str]:
    """Names written into: ``x[i] = ..``, ``x += ..``, ``add_at(x, ..)``."""
    out = set()
    for n in nodes(stmts):
        target = n.target if isinstance(n, gast.AugAssign) else \
            n.args[0] if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and \
            n.func.id in _WRITERS and n.args else None
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            target = n.value
        while isinstance(target, (gast.Subscript, gast.Attribute)):
            target = target.value
        if isinstance(target, gast.Name):
            out.add(target.id)
    return out
