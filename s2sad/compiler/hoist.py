"""Stage 4b: loop-invariant assignments move in front of their loop.

A value a loop body (or a branch in it) computes only from names the loop
never assigns is the same in every iteration (``-k``, ``0.5 * dt``, the parameter copies of an
inlined helper).  Computed once, it costs nothing per iteration, and the
reverse sweep does not record it per iteration either.  Only expressions that
cannot raise move (names, numbers, ``+ - *``, unary minus), so a loop that
runs zero times behaves as before; so do the statements a stage marks
``cannot_raise`` (:mod:`element_loops`: ``i = np.arange(n)`` and arithmetic of arrays,
which gives inf or NaN where numbers raise).
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler.ssa import assigned_names
from s2sad.compiler.walks import name_nodes

_SAFE_OPS = (gast.Add, gast.Sub, gast.Mult)


def hoist(node: gast.FunctionDef) -> gast.FunctionDef:
    stores = Counter(n.id for n in name_nodes(node)
                     if isinstance(n.ctx, gast.Store))
    node.body = _block(node.body, stores)
    return node


def _block(stmts: list, stores: Counter) -> list:
    out: list = []
    for s in stmts:
        if isinstance(s, gast.If):
            s.body, s.orelse = _block(s.body, stores), _block(s.orelse, stores)
        elif isinstance(s, (gast.For, gast.While)):
            s.body = _block(s.body, stores)  # inner loops first: their invariants may rise
            out.extend(_invariants(s, stores))
        out.append(s)
    return out


def _invariants(loop: gast.For | gast.While, stores: Counter) -> list:
    """Remove and return the loop's invariant assignments (in its ifs too), in order."""
    varying = assigned_names(loop.body)
    if isinstance(loop, gast.For):
        varying |= assigned_names([gast.Assign(targets=[loop.target], value=loop.iter)])
    moved: list = []
    _take(loop.body, varying, stores, moved)
    if not loop.body:
        loop.body = [gast.Pass()]
    return moved


def _take(block: list, varying: set[str], stores: Counter, moved: list) -> None:
    for s in list(block):
        if isinstance(s, gast.If):
            _take(s.body, varying, stores, moved)
            _take(s.orelse, varying, stores, moved)
        elif isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1 and \
                (_cannot_raise(s.value) or getattr(s, "cannot_raise", False)) and \
                not _reads(s.value) & varying:
            block.remove(s)
            moved.append(s)
            varying.discard(s.targets[0].id)


def _reads(e: gast.expr) -> set[str]:
    return {n.id for n in name_nodes(e)}


def _cannot_raise(e: gast.expr) -> bool:
    if isinstance(e, gast.Name):
        return True
    if isinstance(e, gast.Constant):
        return isinstance(e.value, (int, float)) and not isinstance(e.value, bool)
    if isinstance(e, gast.UnaryOp):
        return isinstance(e.op, (gast.USub, gast.UAdd)) and _cannot_raise(e.operand)
    if isinstance(e, gast.BinOp):
        return isinstance(e.op, _SAFE_OPS) and _cannot_raise(e.left) and _cannot_raise(e.right)
    return False
