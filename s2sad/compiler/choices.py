"""Part of the late pass ``shapes``: the adjoints of both values of one ``np.where``
summed as one choice.

``a = np.where(c, h, 0.01 * h)`` sends its adjoint to ``h`` along both values:
``np.where(c, da, 0.0) + np.where(c, 0.0, da) * 0.01``, two choices and a sum where
one does: ``np.where(c, da, da * 0.01)``.  Each term is a product holding one
``np.where`` of the same condition with 0 on opposite sides.  The numbers are those of
the guarded derivative: where the other side's factor is inf or NaN, ``0 * inf``
would have made a NaN that its ``safe_mul`` makes 0, as the choice does.
"""
from __future__ import annotations

import gast

from s2sad.compiler.algebra_terms import product_factors
from s2sad.compiler.walks import same


def merged(node: gast.BinOp) -> gast.expr | None:
    """``np.where(c, x, 0) * p + np.where(c, 0, y) * q`` as ``np.where(c, x * p, y * q)``
    (either order, any other factors, signs kept), also as two neighbouring terms of a
    longer sum (``e + w1 - w2``: one of them is 0 at each element, so ``(e + w1) - w2``
    is ``e + (w1 - w2)`` exactly); None if ``node`` holds no such pair."""
    terms = _terms(node)
    for k in range(len(terms) - 1):
        (sign_l, left), (sign_r, right) = terms[k], terms[k + 1]
        choice = _pair(left, sign_l, right, sign_r)
        if choice is not None:
            rest = terms[:k] + [(1, choice)] + terms[k + 2:]
            out = rest[0][1] if rest[0][0] == 1 else gast.UnaryOp(op=gast.USub(),
                                                                   operand=rest[0][1])
            for sign, e in rest[1:]:
                out = gast.BinOp(left=out, op=gast.Add() if sign == 1 else gast.Sub(),
                                 right=e)
            return out
    return None


def _terms(e: gast.expr) -> list[tuple[int, gast.expr]]:
    """The signed terms of a chain of ``+`` and ``-``, left to right."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub)):
        right = (1 if isinstance(e.op, gast.Add) else -1, e.right)
        return _terms(e.left) + [right]
    return [(1, e)]


def _pair(left: gast.expr, sign_l: int, right: gast.expr, sign_r: int
          ) -> gast.expr | None:
    a, b = _term(left), _term(right)
    if a is None or b is None or not same(a[0], b[0]) or a[1] == b[1]:
        return None
    (cond, side_l, value_l, rest_l, neg_l), (_, _, value_r, rest_r, neg_r) = a, b
    neg_l += sign_l == -1
    neg_r += sign_r == -1
    common, rest_l, rest_r = _common([value_l] + rest_l, [value_r] + rest_r)
    chosen_l, chosen_r = _product(rest_l, neg_l), _product(rest_r, neg_r)
    body, orelse = (chosen_l, chosen_r) if side_l == 1 else (chosen_r, chosen_l)
    np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
    out: gast.expr = gast.Call(func=gast.Attribute(value=np_, attr="where",
                                                   ctx=gast.Load()),
                               args=[cond, body, orelse], keywords=[])
    for f in common:
        out = gast.BinOp(left=out, op=gast.Mult(), right=f)
    return out


def _common(left: list, right: list) -> tuple[list, list, list]:
    """The factors both products have (one multiplication after the choice, not one in
    each of its values: ``np.where(c, g * r, g * s)`` is ``np.where(c, r, s) * g``, the
    same numbers), and what is left of each (at least one factor)."""
    common, right = [], list(right)
    for f in list(left):
        k = next((k for k, g in enumerate(right) if same(f, g)), None)
        if k is not None and len(left) > 1 and len(right) > 1:
            common.append(f)
            left = [g for g in left if g is not f]
            del right[k]
    return common, left, right


def _term(e: gast.expr) -> tuple | None:
    """(condition, which side is not 0 (1 or 2), that side, the other factors, signs)
    of a product with exactly one factor ``np.where(c, x, 0.0)`` or ``(c, 0.0, y)``."""
    factors, negated = product_factors(e)
    found = [(i, f) for i, f in enumerate(factors) if _where(f) is not None]
    if len(found) != 1:
        return None
    i, choice = found[0]
    side = _where(choice)
    rest = factors[:i] + factors[i + 1:]
    return choice.args[0], side, choice.args[side], rest, negated


def _where(e: gast.expr) -> int | None:
    """1 for ``np.where(c, x, 0.0)``, 2 for ``np.where(c, 0.0, y)``, else None."""
    if not (isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and
            e.func.attr == "where" and isinstance(e.func.value, gast.Name) and
            e.func.value.id == "np" and len(e.args) == 3 and not e.keywords):
        return None
    zeros = [_zero(a) for a in e.args[1:]]
    return 1 if zeros == [False, True] else 2 if zeros == [True, False] else None


def _zero(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float) and e.value == 0


def _product(factors: list, negated: int) -> gast.expr:
    out = factors[0]
    for f in factors[1:]:
        out = gast.BinOp(left=out, op=gast.Mult(), right=f)
    return gast.UnaryOp(op=gast.USub(), operand=out) if negated % 2 else out
