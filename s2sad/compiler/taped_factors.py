"""Part of the late pass ``share``: a matrix the forward sweep solves with and the reverse
sweep factorises after popping it is factorised once, in the forward sweep, and its
factors are taped.

A damped Newton step in a loop, ``step = np.linalg.solve(H, g)``, pushes ``H``; the
reverse sweep pops it and solves with it again for the adjoint (``solve(H.T, gs)``, or
``H_lu = lu_factor(H)`` and its solves, :mod:`shared_factors`): a second
factorisation.  Someone writing the gradient keeps the factors of the forward solve
instead.  Here the forward solve becomes ``H_lu =
lu_factor(H)`` and ``lu_solve(H_lu, g)`` (LAPACK's own ``gesv`` is that pair: the
same numbers; for a small matrix without NumPy's checks around it, several times
faster), ``H_lu`` is pushed beside ``H`` and the pop binds the reverse sweep's name
for the factors, whose ``lu_factor`` goes.

Done where the forward block binds ``H`` once before the push, solves ``H`` (not a
transpose: the factors are of ``H``) in a statement of that block itself (evaluated
whatever happens, not inside a branch), nothing between writing into ``H``; and the
reverse block solves with the popped ``H`` (or ``H.T``), or binds its factors in a
statement of its own, after the pop and before anything binds ``H`` again.
``lu_factor`` raises nothing and falls back to ``np.linalg.solve`` where LAPACK is not
used: a singular ``H`` raises NumPy's error in the forward solve, as before.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import tape
from s2sad.compiler.names import assign, load, store, written_names
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import nodes


def factor_forward(body: list, namespace: dict, namer: Any) -> bool:
    """Each provable pair rewritten; whether one was."""
    pops, pushes = tape.pairs(body)
    if not pops or not any(n.attr == "solve" for n in nodes_of(body, (gast.Attribute,))):
        return False
    where = _blocks(body)
    changed = False
    for slot, pop in pops.items():
        paired = pushes.get(slot, [])
        if len(paired) == 1 and id(pop) in where and id(paired[0]) in where:
            changed |= _pair(paired[0], pop, where, namespace, namer)
    return changed


def _blocks(body: list) -> dict[int, list]:
    """id of each statement -> its block."""
    found: dict[int, list] = {}

    def visit(block: list) -> None:
        for s in block:
            found[id(s)] = block
            for part in ("body", "orelse"):
                inner = getattr(s, part, None)
                if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                    visit(inner)
    visit(body)
    return found


def _index(block: list, s: gast.stmt) -> int:
    return next(i for i, t in enumerate(block) if t is s)


def _pair(push: gast.Expr, pop: gast.Assign, where: dict, namespace: dict,
          namer: Any) -> bool:
    items, targets = push.value.args[0], pop.targets[0]
    pairs = list(zip(items.elts, targets.elts)) if isinstance(items, gast.Tuple) and \
        isinstance(targets, gast.Tuple) and len(items.elts) == len(targets.elts) else \
        [(items, targets)]
    back, at = where[id(pop)], _index(where[id(pop)], pop)
    for item, target in pairs:
        if not (isinstance(item, gast.Name) and isinstance(target, gast.Name)):
            continue
        factored, solves = _reverse_uses(back, at, target.id, namespace)
        if factored is None and not solves:
            continue
        solve = _forward_solve(where[id(push)], push, item.id, namespace)
        if solve is None:
            continue
        block, k, call = solve
        name = back[factored].targets[0].id if factored is not None else \
            namer.fresh(f"{target.id}_lu")  # (a name of its own: the one pop binds)
        block.insert(k, assign(name, gast.Call(func=load("lu_factor"), args=[load(item.id)],
                                               keywords=[]), like=block[k]))
        call.func, call.args = load("lu_solve"), [load(name), call.args[1]]
        for use, trans in solves:
            flag = [gast.Constant(value=True, kind=None)] if trans else []
            use.func, use.args = load("lu_solve"), [load(name), use.args[1], *flag]
        if factored is not None:
            del back[factored]
        if isinstance(items, gast.Tuple):
            items.elts.append(load(name))
            targets.elts.append(store(name))
        else:
            push.value.args[0] = gast.Tuple(elts=[items, load(name)], ctx=gast.Load())
            pop.targets[0] = gast.Tuple(elts=[targets, store(name)], ctx=gast.Store())
        return True
    return False


def _reverse_uses(block: list, at: int, matrix: str, namespace: dict
                  ) -> tuple[int | None, list]:
    """After the pop at ``at``, up to a statement binding ``matrix`` again: the index of
    ``M_lu = lu_factor(matrix)`` (its name bound nowhere else in the block), and the
    solves ``np.linalg.solve(matrix, b)`` and ``(matrix.T, b)`` (with whether
    transposed)."""
    factored, solves = None, []
    for j in range(at + 1, len(block)):
        s = block[j]
        if _lu_factor(s, matrix):
            lu = s.targets[0].id
            if factored is not None or any(lu in _writes(t) for i, t in enumerate(block)
                                           if i != j):
                return None, []
            factored = j
        solves += [(n, trans) for n in nodes(s) for trans in (False, True)
                   if _solves(n, matrix, namespace, trans)]
        if matrix in _writes(s):
            return None, []
    return factored, solves


def _lu_factor(s: gast.stmt, matrix: str) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
        isinstance(s.value.func, gast.Name) and s.value.func.id == "lu_factor" and \
        len(s.value.args) == 1 and not s.value.keywords and \
        isinstance(s.value.args[0], gast.Name) and s.value.args[0].id == matrix


def _forward_solve(block: list, push: gast.Expr, matrix: str, namespace: dict
                   ) -> tuple[list, int, gast.Call] | None:
    """(the block, the index of the statement, the call) of the one ``np.linalg.solve(
    matrix, b)`` of a statement of ``block`` between ``matrix``'s binding and the push,
    nothing between writing into ``matrix``."""
    end = _index(block, push)
    found = None
    for k in range(end - 1, -1, -1):
        s = block[k]
        if matrix in _writes(s):
            return found if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and s.targets[0].id == matrix else None
        if isinstance(s, (gast.If, gast.For, gast.While, gast.Try)):
            if any(_solves(n, matrix, namespace) for n in nodes(s)):
                return None  # (a solve inside a branch or loop: not surely made)
            continue
        calls = [n for n in nodes(s) if _solves(n, matrix, namespace)]
        if len(calls) > 1 or calls and found is not None:
            return None
        if calls and not any(isinstance(n, (gast.IfExp, gast.BoolOp, gast.Lambda))
                             for n in nodes(s)):
            found = (block, k, calls[0])
    return None


def _solves(n: gast.AST, matrix: str, namespace: dict, trans: bool = False) -> bool:
    """``n`` is ``np.linalg.solve(matrix, b)`` (``matrix.T`` with ``trans``)."""
    if not (isinstance(n, gast.Call) and len(n.args) == 2 and not n.keywords):
        return False
    a = n.args[0]
    if trans:
        if not (isinstance(a, gast.Attribute) and a.attr == "T"):
            return False
        a = a.value
    return isinstance(a, gast.Name) and a.id == matrix and \
        evaluate_ref(n.func, namespace) is np.linalg.solve


def _writes(s: gast.stmt) -> set[str]:
    out: set[str] = set()
    for n in nodes(s):
        if isinstance(n, (gast.Assign, gast.AugAssign)):
            out |= written_names(n)
        elif isinstance(n, gast.For):
            out |= {m.id for m in nodes(n.target) if isinstance(m, gast.Name)}
    return out
