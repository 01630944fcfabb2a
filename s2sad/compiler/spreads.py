"""Part of the late passes ``ranks`` and ``shapes`` (:mod:`plain_helpers`): a number
spread to an array's shape (``repeat_to(g, x, None, False)``, the adjoint of a sum) and
then multiplied by a value of that shape needs no spreading: ``g * e``, ``e`` for 1.0 (of
a float64 ``e``: an int one times 1.0 is a new float array);
spread along one axis, ``np.expand_dims(g, axis) * e`` broadcasts; the guarded products
of such a spread (``safe_mul``) need no guard for a literal other than 0.  Products
written plainly beside them: ``M @ np.eye(n)`` as ``M``, ``1.0 * e`` of a new float64
array as ``e`` (``plain_product``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import load
from s2sad.compiler.plain_calls import Kinds, const_value
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import is_none


def _is_expand_dims(node: gast.Call) -> bool:
    f = node.func
    return isinstance(f, gast.Attribute) and f.attr == "expand_dims" and \
        isinstance(f.value, gast.Name) and f.value.id == "np" and len(node.args) == 2


def _added(axis: gast.expr) -> int:
    """How many axes ``np.expand_dims`` adds at ``axis`` (an int or a tuple of ints;
    a large number for anything else: nothing to compare with)."""
    items = axis.elts if isinstance(axis, gast.Tuple) else [axis]
    if all(isinstance(a, gast.Constant) and type(a.value) is int or isinstance(
            a, gast.UnaryOp) and isinstance(a.operand, gast.Constant) for a in items):
        return len(items)
    return 1 << 30


def _leading(axis: gast.expr) -> bool:
    """``0``, or ``(0, 1, ..., k - 1)``: axes added in front."""
    items = axis.elts if isinstance(axis, gast.Tuple) else [axis]
    return all(isinstance(a, gast.Constant) and type(a.value) is int and a.value == k
               for k, a in enumerate(items))


class Spreads:
    """The spreading rewrites of :class:`plain_helpers.PlainHelpers` (which gives the
    shape facts, ``rank`` and the visit)."""

    facts: dims.Facts
    kinds: Kinds
    if TYPE_CHECKING:  # (given by the class it is mixed into, first in its bases)
        def rank(self, e: gast.expr) -> int | None: ...
        def generic_visit(self, node: Any) -> Any: ...

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        """``repeat_to(g, x, None, False) * e`` of a number ``g`` and an ``e`` shaped
        like ``x``: ``g * e`` (``e`` when ``g`` is 1.0; ``-(g * e)`` of its negation);
        ``+``, ``-``: ``g + e``."""
        self.generic_visit(node)
        self.unexpand(node)
        plain = plain_product(node, self.facts, self.kinds)  # (M @ np.eye(n), 1.0 * ..)
        if plain is not None:
            return plain
        if isinstance(node.op, (gast.Add, gast.Sub)):
            for side, other in (("left", node.right), ("right", node.left)):
                g = self.spread_number(getattr(node, side))  # (g spread + e of its shape)
                if g is not None and dims.same(self.facts.of(self.spread_of(
                        getattr(node, side))), self.facts.of(other)):
                    setattr(node, side, g)
                    return node
        if not isinstance(node.op, gast.Mult):
            return node
        self.spread_in_product(node)
        for spread, other in ((node.left, node.right), (node.right, node.left)):
            simpler = self.spread_times(spread, other)
            if simpler is not None:
                return simpler
        return node

    def spread_times(self, spread: gast.expr, other: gast.expr) -> gast.expr | None:
        """``spread * other`` without the spreading, or None."""
        negated = isinstance(spread, gast.UnaryOp) and isinstance(spread.op, gast.USub)
        spread = spread.operand if negated else spread  # (-repeat_to(..) * e: -(g * e))
        g = self.spread_number(spread)
        if g is not None and dims.same(self.facts.of(self.spread_of(spread)),
                                       self.facts.of(other)):
            one = isinstance(g, gast.Constant) and g.value == 1.0 and self.stays(other)
            product = other if one else gast.BinOp(left=g, op=gast.Mult(), right=other)
            return gast.UnaryOp(op=gast.USub(), operand=product) if negated else product
        if negated:
            return None
        expanded = self.spread_along(spread, other)
        if expanded is not None:
            return gast.BinOp(left=expanded, op=gast.Mult(), right=other)
        g = expanded_spread(spread, other, self.facts)
        if g is not None:
            return other if isinstance(g, gast.Constant) and g.value == 1.0 and \
                self.stays(other) else gast.BinOp(left=g, op=gast.Mult(), right=other)
        return None

    def stays(self, e: gast.expr) -> bool:
        """Is ``1.0 * e`` the value ``e`` itself: an inexact array, or a number (an int
        array times 1.0 is a float array: an adjoint added into in place must be one)."""
        return self.rank(e) == 0 or self.kinds.inexact(e)

    def spread_in_product(self, node: gast.BinOp) -> None:
        """``c * repeat_to(g, x, None, False) * e`` (a number ``c``, an ``e`` shaped like
        ``x``, the numbers put first by the algebra pass): ``c * g * e``."""
        inner = node.left
        if not (isinstance(inner, gast.BinOp) and isinstance(inner.op, gast.Mult)):
            return
        for side, number in (("right", inner.left), ("left", inner.right)):
            spread = getattr(inner, side)
            g = self.spread_number(spread) if self.rank(number) == 0 else None
            if g is not None and dims.same(self.facts.of(self.spread_of(spread)),
                                           self.facts.of(node.right)):
                setattr(inner, side, g)
                return

    def unexpand(self, node: gast.BinOp) -> None:
        """``np.expand_dims(g, 0) * e`` of a number ``g`` and an ``e`` of rank >= 1: ``g``
        broadcasts as it is (only in arithmetic: a concatenated number needs its axis);
        so does an array ``g`` whose axes are added in front (``axis`` 0, or 0, 1, ...)
        where ``e`` has at least the rank the expanded ``g`` has (an HMM step's
        ``np.expand_dims(dalpha / total, 0) * exp``: broadcasting puts the axis there)."""
        if isinstance(node.op, gast.MatMult):
            return
        for side, other in (("left", node.right), ("right", node.left)):
            e = getattr(node, side)
            if not (isinstance(e, gast.Call) and _is_expand_dims(e) and not e.keywords):
                continue
            rank = self.rank(e.args[0])
            if rank is not None and (rank == 0 or _leading(e.args[1])) and \
                    (self.rank(other) or 0) >= rank + _added(e.args[1]):
                setattr(node, side, e.args[0])
                return

    def spread_along(self, spread: gast.expr, other: gast.expr) -> gast.expr | None:
        """``repeat_to(g, x, axis, False) * e`` with ``e`` of ``x``'s (known) shape and
        ``axis`` an int: ``np.expand_dims(g, axis) * e`` broadcasts, nothing is filled."""
        if not (isinstance(spread, gast.Call) and isinstance(spread.func, gast.Name) and
                spread.func.id == "repeat_to" and len(spread.args) == 4 and
                isinstance(spread.args[2], gast.Constant) and
                type(spread.args[2].value) is int and
                isinstance(spread.args[3], gast.Constant) and spread.args[3].value is False):
            return None
        shape = self.facts.of(spread.args[1])
        if not dims.same(shape, self.facts.of(other)) or shape == ():
            return None  # (a number's axis=0 is no axis: expand_dims would add one)
        np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
        return gast.Call(func=gast.Attribute(value=np_, attr="expand_dims", ctx=gast.Load()),
                         args=[spread.args[0], spread.args[2]], keywords=[])

    def spread_number(self, e: gast.expr) -> gast.expr | None:
        """``g`` of ``repeat_to(g, x, None, False)`` when ``g`` is a number: any, for the
        call itself; a literal, for a name defined once as that call (it cannot change
        in between)."""
        direct = not isinstance(e, gast.Name)  # evaluated right here: any number will do
        if isinstance(e, gast.Name) and len(self.facts.defs.get(e.id, ())) == 1:
            e = self.facts.defs[e.id][0]
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
                e.func.id == "repeat_to" and len(e.args) == 4 and is_none(e.args[2]) and \
                (direct or isinstance(e.args[0], gast.Constant)) and \
                self.facts.of(e.args[0]) == ():
            return e.args[0]
        return None

    def spread_of(self, e: gast.expr) -> gast.expr:
        call = self.facts.defs[e.id][0] if isinstance(e, gast.Name) else e
        return call.args[1]

    def spread_guarded(self, name: str, node: gast.Call) -> gast.expr | None:
        """``safe_mul(repeat_to(g, x, None, False), e)`` (and ``safe_div`` with the spread
        number on top) of an ``e`` shaped like ``x``: the number ``g`` does the spreading;
        a literal other than 0 needs no guard (``2 * e``, ``1.0 / e``; ``e`` for 1.0)."""
        pairs = [node.args, node.args[::-1]] if name == "safe_mul" else [node.args]
        for spread, other in pairs:
            g = self.spread_number(spread)
            if g is None or not dims.same(self.facts.of(self.spread_of(spread)),
                                          self.facts.of(other)):
                continue
            if not (isinstance(g, gast.Constant) and g.value):
                return gast.Call(func=load(name), args=[g, other], keywords=[])
            if name == "safe_mul":
                return other if g.value == 1.0 else gast.BinOp(left=g, op=gast.Mult(),
                                                               right=other)
            return gast.BinOp(left=g, op=gast.Div(), right=other)
        return None


def expanded_spread(spread: gast.expr, other: gast.expr, facts: dims.Facts) -> gast.expr | None:
    """``g`` of ``np.expand_dims(repeat_to(g, v, None, False), k) * e`` with a number ``g``
    and the expanded array broadcasting into ``e``'s shape: the array is ``g`` everywhere
    (the adjoint of ``np.sum(np.linalg.norm(X, axis=1))``'s rows)."""
    if not (isinstance(spread, gast.Call) and isinstance(spread.func, gast.Attribute) and
            spread.func.attr == "expand_dims" and len(spread.args) == 2 and
            not spread.keywords):
        return None
    inner = spread.args[0]
    if not (isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name) and
            inner.func.id == "repeat_to" and len(inner.args) == 4 and not inner.keywords and
            const_value(inner.args[2]) is None and const_value(inner.args[3]) is False and
            facts.of(inner.args[0]) == ()):
        return None
    shape, into = facts.of(spread), facts.of(other)
    if not dims.known(shape) or not dims.known(into) or len(shape) > len(into) or not all(
            a == 1 or dims.affine.same(a, b) for a, b in zip(shape[::-1], into[::-1])):
        return None
    return inner.args[0]


def plain_product(node: gast.BinOp, facts: dims.Facts, kinds: Kinds) -> gast.expr | None:
    """``M @ np.eye(n)`` as ``M`` (:func:`by_identity`); ``1.0 * (A @ x)`` of float64
    values as ``A @ x`` (a new float64 array already), and ``1.0 * sub`` of an array
    that arithmetic made."""
    if isinstance(node.op, gast.MatMult):
        return by_identity(node, facts) or node
    if isinstance(node.op, gast.Mult) and isinstance(node.left, gast.Constant) and \
            node.left.value == 1.0 and (isinstance(node.right, gast.BinOp) or
                                        _arithmetic_result(node.right, facts)) and \
            kinds.of(node.right) == dtypes.F64:
        return node.right
    return None


def _arithmetic_result(e: gast.expr, facts: dims.Facts) -> bool:
    """``e`` names the array one arithmetic statement made (``sub = out - target``):
    ``1.0 * sub`` is the same float64 numbers, and ``sub`` no other name holds (the late
    passes write in place only into arrays they prove owned)."""
    defs = facts.defs.get(e.id, ()) if isinstance(e, gast.Name) else ()
    return len(defs) == 1 and isinstance(defs[0], gast.BinOp) and \
        not isinstance(defs[0].op, gast.MatMult) and bool(facts.rank_of(e))


def by_identity(node: gast.BinOp, facts: dims.Facts) -> gast.expr | None:
    """``M @ np.eye(n)`` or ``np.eye(n) @ M`` of a matrix ``M``: ``M`` (the adjoint of a
    trace read through a product, ``inv.T @ np.eye(n) @ inv.T``)."""
    for eye, other in ((node.right, node.left), (node.left, node.right)):
        if isinstance(eye, gast.Call) and len(eye.args) == 1 and not eye.keywords and \
                evaluate_ref(eye.func, facts.namespace) is np.eye and \
                facts.rank_of(other) == 2 and isinstance(other, (gast.BinOp, gast.UnaryOp)):
            return other
    return None
