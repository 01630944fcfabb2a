"""Part of the late pass ``contract``: a broadcast difference the reverse sweep pops only
to sum a product with it is made again from what it pops with it, not taped.

Soft k-means steps compute ``sub = X[:, None, :] - C[None, :, :]`` per step; the
reverse sweep reads it in ``np.sum(np.expand_dims(dd, 2) * (2 * sub), axis=(0,))``,
which :mod:`contractions` writes as ``2 * (np.sum(dd, axis=0)[:, None] * C - dd.T @ X)``
only where it sees the difference itself.  Popped, it is an opaque array of
n x k x d numbers per step on the tape.  Here the pop leaves it out and the difference
is written again after the pop, from the parameters and the values popped with it::

    stack.append((C_1, sub))            C_1 = stack.pop()
                                        sub = X[:, None, :] - C_1[None, :, :]

Done where the value is a sum or difference of views (whole slices and new axes) of
names that are parameters no statement binds, or that the same push holds and nothing
binds between the difference and the push (a name bound to a view of such a name,
``C_item = C_1[None, :, :]``, read through); and where every read of the popped name is
inside a ``np.sum``, so that the contraction then takes it and no n x k x d array is
made at all.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler.contract_plan import is_new_axis, is_whole_slice
from s2sad.compiler.names import copy_origin, store
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import clone, name_nodes, nodes, walk_statements


def rematerialize(body: list, namespace: dict[str, Any]) -> bool:
    """Rewrite ``body`` so (in place); True if anything changed."""
    places = _places(body)
    pushes, pops = tape_ends(places)
    if not pops:
        return False
    stored = [n.id for n in name_nodes(body) if not isinstance(n.ctx, gast.Load)]
    loaded = [n.id for n in name_nodes(body) if isinstance(n.ctx, gast.Load)]
    changed = False
    for pop in pops:
        push = pushes.get(pop.s2sad_slot)
        if push is None:
            continue
        changed |= _one(pop, push, places, set(stored), loaded, namespace)
    return changed


def tape_ends(places: dict[int, tuple]) -> tuple[dict, list]:
    """The tape's pushes among ``places``' statements, by slot, and its pops."""
    pushes = {s.s2sad_slot: s for s, _ in places.values()
              if isinstance(s, gast.Expr) and getattr(s, "s2sad_slot", None) is not None}
    pops = [s for s, _ in places.values()
            if isinstance(s, gast.Assign) and getattr(s, "s2sad_slot", None) is not None]
    return pushes, pops


def _places(body: list) -> dict[int, tuple]:
    """id(statement) -> (statement, its block)."""
    out: dict[int, tuple] = {}
    for s in walk_statements(gast.Module(body=body, type_ignores=[])):
        for field in ("body", "orelse"):
            block = getattr(s, field, None)
            if isinstance(block, list):
                for t in block:
                    if isinstance(t, gast.stmt):
                        out[id(t)] = (t, block)
    return out


def _items(e: gast.expr) -> list:
    return list(e.elts) if isinstance(e, gast.Tuple) else [e]


def _one(pop: gast.Assign, push: gast.Expr, places: dict, stored: set, loaded: list,
         namespace: dict) -> bool:
    pushed, popped = _items(push.value.args[0]), _items(pop.targets[0])
    if len(pushed) != len(popped) or len(pushed) < 2:
        return False
    same = {p.id for p, q in zip(pushed, popped) if isinstance(p, gast.Name) and
            isinstance(q, gast.Name) and p.id == q.id}
    push_block, pop_block = places[id(push)][1], places[id(pop)][1]
    for k, p in enumerate(pushed):
        if not (isinstance(p, gast.Name) and p.id in same):
            continue
        value = _difference(p.id, push, push_block, same - {p.id}, stored)
        if value is None or not _only_summed(p.id, pop, pop_block, loaded, push_block,
                                             namespace):
            continue
        del pushed[k], popped[k]
        push.value.args[0] = pushed[0] if len(pushed) == 1 else \
            gast.Tuple(elts=pushed, ctx=gast.Load())
        pop.targets[0] = popped[0] if len(popped) == 1 else \
            gast.Tuple(elts=popped, ctx=gast.Store())
        made = gast.Assign(targets=[store(p.id)], value=value)
        pop_block.insert(pop_block.index(pop) + 1, copy_origin(made, pop))
        return True  # (one per pop and call: the positions moved)
    return False


def _difference(name: str, push: gast.Expr, block: list, held: set,
                stored: set) -> gast.expr | None:
    """The value of ``name`` at the push, as a sum or difference of views of parameters
    and of names the push holds, or None."""
    at = block.index(push)
    found = _binding(name, block, at)
    if found is None:
        return None
    k, value = found
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))):
        return None
    sides = [_view(side, block, k, held, stored) for side in (value.left, value.right)]
    if sides[0] is None or sides[1] is None:
        return None
    bases = {n.id for side in sides for n in name_nodes(side)}
    if any(bases & _bound(s) for s in block[k + 1:at]):
        return None  # a name the difference reads bound again before the push
    return gast.BinOp(left=sides[0], op=type(value.op)(), right=sides[1])


def _binding(name: str, block: list, at: int) -> tuple[int, gast.expr] | None:
    """(position, value) of the last ``name = value`` before ``at``, if nothing else
    binds the name in between."""
    for k in range(at - 1, -1, -1):
        s = block[k]
        if name in _bound(s):
            ok = isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name)
            return (k, s.value) if ok else None
    return None


def _view(e: gast.expr, block: list, at: int, held: set, stored: set) -> gast.expr | None:
    """``e`` as a view of a name the push holds or a parameter (through one name bound
    to such a view before ``at``), or None."""
    base = e.value if isinstance(e, gast.Subscript) else e
    if not isinstance(base, gast.Name) or isinstance(e, gast.Subscript) and not all(
            is_new_axis(p) or is_whole_slice(p) for p in _items(e.slice)):
        return None
    if base.id in held or base.id not in stored:
        return clone(e)
    found = _binding(base.id, block, at)
    if found is None or isinstance(e, gast.Subscript):
        return None
    inner = found[1]
    inner_base = inner.value if isinstance(inner, gast.Subscript) else inner
    if not isinstance(inner_base, gast.Name) or inner_base.id not in held or \
            isinstance(inner, gast.Subscript) and not all(
                is_new_axis(p) or is_whole_slice(p) for p in _items(inner.slice)):
        return None
    return clone(inner)


def _only_summed(name: str, pop: gast.Assign, block: list, loaded: list, push_block: list,
                 namespace: dict) -> bool:
    """Every read of ``name`` after the pop is inside a ``np.sum``, in the pop's block,
    and the name is read nowhere else but in the push's block."""
    after = block[block.index(pop) + 1:]
    inside = _summed_reads(name, after, namespace)
    for s in after:  # a product named first, read only in sums: ``t = a * diff``
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and \
                _summed_reads(s.targets[0].id, after, namespace) == \
                loaded.count(s.targets[0].id) > 0:
            inside += sum(n.id == name for n in name_nodes(s.value))
    reads_after = sum(n.id == name for s in after for n in name_nodes(s)
                      if isinstance(n.ctx, gast.Load))
    reads_forward = sum(n.id == name for s in push_block for n in name_nodes(s)
                        if isinstance(n.ctx, gast.Load))
    return inside > 0 and inside == reads_after and \
        loaded.count(name) == reads_after + reads_forward and \
        not any(name in _bound(s) for s in after)


def _summed_reads(name: str, block: list, namespace: dict) -> int:
    """How many reads of ``name`` in ``block`` are inside a ``np.sum``."""
    return sum(n.id == name for s in block for call in nodes(s)
               if isinstance(call, gast.Call) and call.args and _is_sum(call.func, namespace)
               for n in name_nodes(call.args[0]) if isinstance(n.ctx, gast.Load))


def _is_sum(func: gast.expr, namespace: dict) -> bool:
    try:
        return evaluate_ref(func, namespace) is np.sum
    except Exception:  # (a name the namespace does not hold)
        return False


def _bound(s: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)}
