"""Part of the late pass ``share``: a sort whose adjoint needs its permutation sorts once.

``px = np.sort(x, axis)`` in the forward sweep and ``sort_adjoint(g, x, axis)`` in the
reverse sweep sort ``x`` twice: the adjoint finds the permutation again by
``np.argsort``.  Someone writing the gradient takes the permutation once, ``order =
np.argsort(x, axis)``, and the sorted values from it.  In a block where ``px =
np.sort(x, ...)`` is followed by ``sort_adjoint(g, x, axis)`` with neither name bound
again between, the sort becomes ``px_argsort = np.argsort(x, axis)``, ``px =
np.take_along_axis(x, px_argsort, axis)`` (the same values: a sort's result is its
input in that order; of ``np.asarray(x)``, ``x`` may be a list) and ``px_order =
stable_order(px_argsort, x, px, axis)`` (the stable sort's permutation, as the
adjoint takes it: the default sort's where no two of the sorted values tie, read
from ``px``, not gathered again), and the adjoint ``unsort(g, x, px_order, axis)``, a
plain write by the permutation.  (A sort inside an expression: ``sort_indices(x,
axis)`` first, which gathers the values it tests.)  Not where the sorted
values are only read by an index or a slice (``np.sort(r)[:k]``, an order statistic):
there the adjoint places the block read by one partition, cheaper than the forward
sweep's argsort would be.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.names import Namer, assign, copy_origin, load, np_attr
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import blocks
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes, same, substituted, walk


def sort_once(body: list, namespace: dict, namer: Namer) -> bool:
    """Rewrite each such sort and its adjoint (in place); True when one was."""
    if not any(n.id == "sort_adjoint" for n in name_nodes(body)):
        return False  # (one scan of the names: most functions sort nothing)
    changed = False
    for block in blocks(body):
        k = 0
        while k < len(block):
            s = block[k]
            for sort, x, axis in _sorts(s, namespace):
                target = s.targets[0].id if isinstance(s, gast.Assign) and \
                    s.value is sort and isinstance(s.targets[0], gast.Name) else None
                adjoint = _adjoint_after(block, k, target, x, axis)
                if adjoint is None or target is not None and _read_by_index(body, target):
                    continue
                flipped = _descending(body, block, k, sort, x)
                if flipped is not None:
                    target = block[k].targets[0].id
                k, order = _taken_once(block, k, sort, x, axis, target, namer, flipped)
                adjoint.func = load("unsort")
                adjoint.args = [adjoint.args[0], load(flipped or x), load(order),
                                clone(axis)]  # (-y's shape and dtype are y's)
                _sign_out(block, adjoint)
                changed = True
            k += 1
    return changed


def _taken_once(block: list, k: int, sort: gast.Call, x: str, axis: gast.expr,
                target: str | None, namer: Namer, flipped: str | None = None
                ) -> tuple[int, str]:
    """``block[k]``'s sort written as its default permutation, the values taken by it
    (a sort inside an expression: named in front of the statement; ``t = -np.sort(x)``
    of ``x = -y``, ``flipped`` is ``y``: ``t`` taken from ``y``) and the stable
    permutation; (the index of the statement, or of the permutation after it, the
    permutation's name)."""
    s = block[k]
    named = target or namer.fresh("sort")
    quick = namer.fresh(named + "_argsort")
    array = gast.Call(func=np_attr("asarray"), args=[load(flipped or x)],
                      keywords=[])  # (of a list too)
    taken = gast.Call(func=np_attr("take_along_axis"), keywords=[],
                      args=[array, load(quick), clone(axis)])
    order = namer.fresh(named + "_order")
    made = [assign(quick, gast.Call(func=np_attr("argsort"), args=[load(x), clone(axis)],
                                    keywords=[])),
            assign(order, gast.Call(func=load("stable_order"), keywords=[],
                                    args=[load(quick), load(x), load(named), clone(axis)]))]
    if target is None:  # (the values named, in front of the statement reading them)
        substituted(s, sort, load(named))
        made.insert(1, assign(named, taken))
    else:
        s.value = taken
    made = [copy_origin(m, s) for m in made]
    if target is None:
        block[k:k] = made
        return k + len(made), order
    block[k:k + 1] = [made[0], s, made[1]]
    return k + 2, order


def _descending(body: list, block: list, k: int, sort: gast.Call, x: str) -> str | None:
    """``y`` where ``block[k]`` is ``t = -np.sort(x, ...)`` of ``x = -y`` bound once in
    ``block`` before it (``y`` bound at most once, before that: a descending sort), whose
    values are ``y``'s taken in the sort's order; else None."""
    s = block[k]
    if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and
            isinstance(s.value, gast.UnaryOp) and isinstance(s.value.op, gast.USub) and
            s.value.operand is sort):
        return None
    stores = [n.id for n in name_nodes(body) if isinstance(n.ctx, gast.Store)]
    at = [j for j, t in enumerate(block[:k]) if isinstance(t, gast.Assign) and
          isinstance(t.targets[0], gast.Name) and t.targets[0].id in {x}]
    if stores.count(x) != 1 or len(at) != 1:
        return None
    value = block[at[0]].value
    if not (isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub) and
            isinstance(value.operand, gast.Name)):
        return None
    y = value.operand.id
    bound = [j for j, t in enumerate(block) if y in {n.id for n in name_nodes(t)
                                                    if isinstance(n.ctx, gast.Store)}]
    return y if stores.count(y) == len(bound) <= 1 and all(j < at[0] for j in bound) \
        else None


def _sign_out(block: list, call: gast.Call) -> None:
    """``unsort(-g, ...)``, linear in ``g``: its sign moved out, into the sum or
    difference it is a term of (``dz - unsort(-g, ..)``: ``dz + unsort(g, ..)``)."""
    g = call.args[0]
    if not (isinstance(g, gast.UnaryOp) and isinstance(g.op, gast.USub)):
        return
    for s in block:
        parent = next((n for n in walk(s) for c in gast.iter_child_nodes(n) if c is call),
                      None)
        if parent is None:
            continue
        call.args[0] = g.operand
        if isinstance(parent, gast.BinOp) and parent.right is call and \
                isinstance(parent.op, (gast.Add, gast.Sub)):
            parent.op = gast.Add() if isinstance(parent.op, gast.Sub) else gast.Sub()
        elif isinstance(parent, gast.AugAssign) and parent.value is call and \
                isinstance(parent.op, (gast.Add, gast.Sub)):
            parent.op = gast.Add() if isinstance(parent.op, gast.Sub) else gast.Sub()
        else:
            substituted(s, call, gast.UnaryOp(op=gast.USub(), operand=call))
        return


def _sorts(s: gast.stmt, namespace: dict) -> list[tuple[gast.Call, str, gast.expr]]:
    """(the call, ``x``, the axis) of each ``np.sort(x, axis)`` of a name in ``s`` whose
    axis is a number or None, not indexed at once (``np.sort(r)[:k]``)."""
    if not isinstance(s, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)):
        return []
    indexed = {id(n.value) for n in walk(s) if isinstance(n, gast.Subscript)}
    out = []
    for n in walk(s):
        if not (isinstance(n, gast.Call) and id(n) not in indexed and n.args and
                isinstance(n.args[0], gast.Name) and len(n.args) <= 2 and
                evaluate_ref(n.func, namespace) is np.sort and
                all(k.arg in ("axis", "kind") for k in n.keywords)):
            continue
        given = [k.value for k in n.keywords if k.arg == "axis"] + n.args[1:2]
        axis = given[0] if given else gast.Constant(value=-1, kind=None)
        if isinstance(axis, gast.Constant) and (axis.value is None or type(axis.value) is int):
            out.append((n, n.args[0].id, axis))
    return out


def _adjoint_after(block: list, k: int, v: str | None, x: str, axis: gast.expr
                   ) -> gast.Call | None:
    """The first ``sort_adjoint(g, x, axis)`` of a statement after ``block[k]``, where no
    statement between binds ``x`` or ``v``."""
    for s in block[k + 1:]:
        for n in walk(s):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and \
                    n.func.id == "sort_adjoint" and len(n.args) == 3 and \
                    isinstance(n.args[1], gast.Name) and n.args[1].id == x and \
                    not n.keywords and same(n.args[2], axis):
                return n
        if any(isinstance(n.ctx, gast.Store) and n.id in (x, v) for n in name_nodes(s)):
            return None
    return None


def _read_by_index(body: list, v: str) -> bool:
    """Is ``v`` read as ``v[...]`` anywhere (a trimmed sort, an order statistic)?"""
    return any(isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and
               n.value.id == v for s in body for n in walk(s))
