"""Contributions to one adjoint from one user line, summed in one statement.

The reverse stage writes one statement per contribution (``dx[i] += a`` then
``dx[i] += b``; ``dL = dL - p`` then ``dL = dL + q``); a person writes
``dx[i] += a + b``.  Two accumulations into the same target, next to each other
and from the same line, merge when the second term does not read the target.
"""
from __future__ import annotations

import gast

from s2sad.compiler.names import nodes, origin, root_name

_SIGNS = (gast.Add, gast.Sub)


def merge(block: list) -> list:
    """``block`` with neighbouring accumulations merged (in nested blocks too)."""
    out: list = []
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, field, merge(getattr(s, field)))
        if out and _merged(out[-1], s):
            continue
        out.append(s)
    return out


def _merged(first: gast.stmt, second: gast.stmt) -> bool:
    """Fold ``second`` into ``first`` when both add to the same target."""
    a, b = _term(first), _term(second)
    if a is None or b is None or origin(second) not in (None, origin(first)):
        return False
    (target_a, op_a, _), (target_b, op_b, term_b) = a, b
    if gast.dump(target_a) != gast.dump(target_b) or root_name(target_b) in _names(term_b):
        return False
    subtracted = isinstance(first, gast.AugAssign) and isinstance(op_a, gast.Sub)
    op = (gast.Add() if isinstance(op_b, gast.Sub) else gast.Sub()) if subtracted else op_b
    first.value = gast.BinOp(left=first.value, op=op, right=term_b)  # t -= a - b, ...
    return True


def _term(s: gast.stmt) -> tuple[gast.expr, gast.operator, gast.expr] | None:
    """(target, + or -, term) of ``t += e``, ``t -= e``, ``v = v + e``, ``v = v - e``."""
    if isinstance(s, gast.AugAssign) and isinstance(s.op, _SIGNS):
        return s.target, s.op, s.value
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and \
            isinstance(s.value.op, _SIGNS) and isinstance(s.value.left, gast.Name) and \
            s.value.left.id == s.targets[0].id and \
            s.targets[0].id not in _names(s.value.right):
        return s.targets[0], s.value.op, s.value.right
    return None


def _names(e: gast.AST) -> set[str]:
    return {n.id for n in nodes(e) if isinstance(n, gast.Name)}
