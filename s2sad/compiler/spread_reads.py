"""Part of the late pass ``shapes`` (:mod:`number_spreads`): how each read of a spread
uses it, ``d = repeat_to(g, v, None, False)`` of a number ``g``.

A read broadcasts the number alike where the other operands of its arithmetic (through
negations and products with numbers), of ``np.where`` or of the part added into already
have ``v``'s shape; a read of one element is the number; a full sum (``np.sum(d)``,
``d @ u``) is a product; a copy ``t = -d`` bound once is followed to its own reads.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import is_none
from s2sad.compiler.walks import name_nodes, nodes

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div)


def spread_uses(body: list, spreads: dict, loose: set[str], parents: dict,
                facts: dims.Facts) -> tuple[dict, set, dict, list, list]:
    """The spreads' definitions, those refused, their reads that broadcast them alike,
    the spreads read where they are made (``np.where(c, repeat_to(..), 0.0)``) and the
    reads of one element (``d[i]``: the number itself)."""
    assigns: dict[str, gast.Assign] = {}
    refused: set[str] = set()
    read: dict[str, list] = {}  # (a spread no longer read is dead, left to ``simplify``)
    direct, elements = [], []
    for n in nodes(body):
        if n.__class__ is gast.Call and number_spread(n, facts) and \
                not isinstance(parents.get(id(n)), gast.Assign) and \
                _spreads_alike(n, n.args[1], parents, facts, spreads):
            direct.append(n)
        if n.__class__ is gast.Assign and len(n.targets) == 1 and \
                n.targets[0].__class__ is gast.Name and n.targets[0].id in spreads and \
                n.value is spreads[n.targets[0].id]:
            assigns[n.targets[0].id] = n
        elif n.__class__ is gast.Name and n.id in spreads:
            kind = _read_kind(n, spreads, n.id in loose, parents, facts)
            if kind == "element":
                elements.append(n)
            elif kind == "refused":
                refused.add(n.id)
            elif kind in ("read", "summed"):
                read.setdefault(n.id, []).append(n)
    return assigns, refused, read, direct, elements


def _read_kind(n: gast.Name, spreads: dict, loose: bool, parents: dict,
               facts: dims.Facts) -> str | None:
    """How the spread ``n`` is used there: read for one ``"element"``, a ``"read"``
    that broadcasts it alike, ``"refused"`` (any other use; of a ``loose`` spread, whose
    shape is not surely known, any but an element), or None (its definition)."""
    if _element(n, parents, facts):
        return "element"
    if _defined_here(n, spreads[n.id], parents):
        return None
    if not loose and summed(n, parents, facts):
        return "summed"
    if loose or n.ctx.__class__ is not gast.Load or not _spreads_alike(
            n, spreads[n.id].args[1], parents, facts, spreads):
        return "refused"
    return "read"


def _element(n: gast.Name, parents: dict, facts: dims.Facts) -> bool:
    """``n`` is read for one element, ``n[i]`` (of shape ``()``): the spread number."""
    sub = parents.get(id(n))
    return n.ctx.__class__ is gast.Load and isinstance(sub, gast.Subscript) and \
        sub.value is n and sub.ctx.__class__ is gast.Load and facts.of(sub) == ()


def number_spread(e: Any, facts: dims.Facts, any_shape: bool = False) -> bool:
    """``repeat_to(g, v, None, False)`` of a number ``g`` and a ``v`` of known shape
    (of any shape with ``any_shape``)."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "repeat_to" and len(e.args) == 4 and not e.keywords and \
        is_none(e.args[2]) and isinstance(e.args[3], gast.Constant) and \
        e.args[3].value is False and facts.of(e.args[0]) == () and \
        (any_shape or dims.known(facts.of(e.args[1])))


def _defined_here(name: gast.Name, spread: gast.Call, parents: dict) -> bool:
    """``name`` is the target of its one definition, ``name = spread``."""
    parent = parents.get(id(name))
    return isinstance(parent, gast.Assign) and parent.value is spread


def _spreads_alike(read: gast.Name, like: gast.expr, parents: dict, facts: dims.Facts,
                   spreads: dict) -> bool:
    """Whether the expression ``read`` is in broadcasts a number there to ``like``'s shape:
    an operand of arithmetic (through negations) whose other operand has that shape,
    a value of ``np.where`` whose other arguments are numbers or have it, or the value
    added into (``+=``, ``add_at``) a part of that shape; the other operands read no
    spread (``d * d`` of a number is a number)."""
    shape = facts.of(like)
    child: gast.AST = read
    parent = parents.get(id(read))
    while isinstance(parent, gast.UnaryOp) and isinstance(parent.op, gast.USub) or \
            _with_a_number(parent, child, facts, spreads):  # (``d * r / e``: ``d * r``)
        child, parent = parent, parents.get(id(parent))
    copies = negated_copies(read, parents, facts)
    if copies:  # (``t = -d`` bound once, every read of ``t`` broadcasting it alike)
        reads = _loads(parents).get(copies[0], [])
        return bool(reads) and all(_spreads_alike(n, like, parents, facts, spreads)
                                   for n in reads)
    if isinstance(parent, gast.BinOp) and isinstance(parent.op, _ARITHMETIC):
        other = parent.right if parent.left is child else parent.left
        return _shaped(other, shape, facts, spreads)
    if isinstance(parent, gast.AugAssign) and isinstance(parent.op, _ARITHMETIC) and \
            parent.value is child:
        return _shaped(parent.target, shape, facts, spreads)
    if not isinstance(parent, gast.Call) or parent.keywords:
        return False
    fn = evaluate_ref(parent.func, facts.namespace)
    if fn is runtime.add_at and len(parent.args) == 4 and parent.args[3] is child:
        base = parent.args[1] if is_none(parent.args[0]) else parent.args[0]
        return _shaped(gast.Subscript(value=base, slice=parent.args[2], ctx=gast.Load()),
                       shape, facts, spreads)
    if fn is np.where and len(parent.args) == 3 and child in parent.args[1:]:
        others = [a for a in parent.args if a is not child]
        return all(facts.of(a) == () and not _reads(a, spreads) or
                   _shaped(a, shape, facts, spreads) for a in others) and \
            any(_shaped(a, shape, facts, spreads) for a in others)
    return False


def _with_a_number(parent: Any, child: gast.AST, facts: dims.Facts, spreads: dict) -> bool:
    """``parent`` is arithmetic of ``child`` and a number that reads no spread (a spread
    times a number is the spread of the product: read on where it is read)."""
    if not (isinstance(parent, gast.BinOp) and isinstance(parent.op, _ARITHMETIC)):
        return False
    other = parent.right if parent.left is child else parent.left
    return facts.of(other) == () and not _reads(other, spreads)


def summed(n: gast.Name, parents: dict, facts: dims.Facts) -> bool:
    """``n`` is all ``np.sum`` reads (``np.sum(d)``, no other argument), or one side of
    ``d @ v`` of two vectors (``np.sum(d * v)``)."""
    call = parents.get(id(n))
    if isinstance(call, gast.BinOp) and isinstance(call.op, gast.MatMult):
        other = call.right if call.left is n else call.left
        return facts.rank_of(n) == 1 and dims.same(facts.of(other), facts.of(n))
    return isinstance(call, gast.Call) and call.args == [n] and not call.keywords and \
        evaluate_ref(call.func, facts.namespace) is np.sum


def negated_copies(read: gast.Name, parents: dict, facts: dims.Facts) -> list[str]:
    """``[t]`` where ``read`` is (negated) all of ``t = -d``, ``t`` bound once and of
    ``d``'s shape (the adjoint of ``a - b`` or of ``-b`` read on), and ``t``'s own copies
    after it; else ``[]``."""
    child: gast.AST = read
    parent = parents.get(id(read))
    while isinstance(parent, gast.UnaryOp) and isinstance(parent.op, gast.USub):
        child, parent = parent, parents.get(id(parent))
    if not (isinstance(parent, gast.Assign) and parent.value is child and
            len(parent.targets) == 1 and parent.targets[0].__class__ is gast.Name):
        return []
    t = parent.targets[0].id
    if len(facts.defs.get(t, ())) != 1 or not dims.same(facts.of(load(t)), facts.of(read)):
        return []
    return [t, *[c for n in _loads(parents).get(t, [])
                 for c in negated_copies(n, parents, facts)]]


class Parents(dict):
    """The parent of each node by id, and the reads of each name (``loads``)."""

    def __init__(self, parents: dict) -> None:
        super().__init__(parents)
        self.loads: dict[str, list] = {}


def _loads(parents: dict) -> dict[str, list]:
    return getattr(parents, "loads", {})


def _shaped(e: gast.expr, shape: tuple, facts: dims.Facts, spreads: dict) -> bool:
    """``e`` has ``shape`` even with the spreads it reads made numbers (``dmu * y / mu``
    beside ``dmu`` in ``dmu - dmu * y / mu``: ``y`` gives it the shape); a spread it reads
    is of that shape too, so whether that one stays an array or not, ``e``'s shape is
    the same (``d * d`` of a number is a number: refused)."""
    names = {n.id for n in name_nodes(e) if n.id in spreads}
    if not names:
        return dims.same(facts.of(e), shape)
    if not all(dims.same(facts.of(spreads[n].args[1]), shape) for n in names):
        return False
    saved = {n: facts.shapes.get(n) for n in names}
    facts.shapes.update({n: () for n in names})
    try:
        return dims.same(facts.of(e), shape)
    finally:
        facts.shapes.update(saved)


def _reads(e: gast.expr, spreads: dict) -> bool:
    return any(n.__class__ is gast.Name and n.id in spreads for n in nodes(e))
