"""One more registrar, built on :mod:`registry`'s: ``defscale`` for
elementwise rules whose reverse template is a linear expression in ``g``.

Elementwise derivatives are diagonal, so the forward term is the reverse
template with ``g`` renamed to the parameter's tangent: one line gives both.
Differences from ``registry.defelementwise``: the template is a whole
expression (so it can say ``safe_div(g, 2 * ans)`` rather than ``g * (1 / (2 *
ans))``, which is nan at a pole even where ``g == 0``), and a forward term
that might be smaller than the output (``dx`` in ``x + y`` for a scalar ``x``)
is broadcast to the output's shape, so tangents always have the output's
shape.
"""
from __future__ import annotations

import ast
from typing import Any

from s2sad.rules.registry import ELEMENTWISE, JVPS, VJPS, Rule, Signature


def _rename(text: str, old: str, new: str) -> str:
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == old:
            node.id = new
    return ast.unparse(tree)


def _names(text: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)}


def _unbroadcast(scale: str, name: str) -> str:
    """``unbroadcast(scale, name)``; a leading minus goes outside, onto the (possibly
    smaller) sum: ``-unbroadcast(g, y)`` negates y's shape, not the output's."""
    tree = ast.parse(scale, mode="eval").body
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.USub):
        return f"-unbroadcast({ast.unparse(tree.operand)}, {name})"
    return f"unbroadcast({scale}, {name})"


def defscale(fn: Any, sig: str, *scales: str | None, broadcast: bool = True) -> None:
    """Elementwise rule: per parameter, its adjoint as an expression linear in ``g``.

    Reverse: ``unbroadcast(scale, x)`` when several parameters broadcast
    together (``broadcast=False`` for scalar-only functions like ``math.*``).
    Forward: ``scale`` with ``g`` renamed ``dx``, made output-shaped when it
    does not already involve every argument it is broadcast against.
    """
    s = Signature.parse(sig)
    last = max(i for i, t in enumerate(scales) if t is not None)
    operands = set(s.params[:last + 1]) | {  # (and one with no derivative that broadcasts
        p for p in s.params[:s.npos] if p not in s.defaults}  # too: copysign's y)
    several = broadcast and len(operands) > 1
    vjps: list[str | None] = []
    jvps: list[str | None] = []
    for name, scale in zip(s.params, scales):
        if scale is None:
            vjps.append(None)
            jvps.append(None)
            continue
        vjps.append(_unbroadcast(scale, name) if several else scale)
        term = _rename(scale, "g", "d" + name)
        if several and not (operands - {name}) <= _names(term) and "ans" not in _names(term):
            term = f"broadcast_like({term}, ans)"
        jvps.append(term)
    VJPS[fn] = Rule(s, tuple(vjps))
    JVPS[fn] = Rule(s, tuple(jvps))
    ELEMENTWISE.add(fn)
