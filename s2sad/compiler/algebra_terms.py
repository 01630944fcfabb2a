"""What the arithmetic identities of :mod:`algebra` read of an expression: literals one
and minus one, negations (``-b``, ``-b * c``, ``f(-b)`` of a helper linear in ``b``),
the factors of a product, ``fresh`` copies, swapped products, divisions."""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler.walks import same, walk


def unfreshed(e: gast.expr) -> gast.expr:
    """``fresh(e)`` in arithmetic is ``e``: the operation makes a new array anyway."""
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and e.func.id == "fresh" \
            and len(e.args) == 1 and not e.keywords:
        return e.args[0]
    return e


def plain(e: gast.expr) -> bool:
    """Names, numbers, items and arithmetic of them: no call (nothing to run twice)."""
    return all(isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp,
                              gast.Subscript, gast.expr_context, gast.operator,
                              gast.unaryop)) for n in walk(e))


def swapped(a: gast.expr, b: gast.expr) -> bool:
    """``x * y`` and ``y * x`` (IEEE products commute: the same numbers)."""
    return isinstance(a, gast.BinOp) and isinstance(b, gast.BinOp) and \
        isinstance(a.op, gast.Mult) and isinstance(b.op, gast.Mult) and \
        same(a.left, b.right) and same(a.right, b.left)


def divided(e: gast.expr) -> bool:
    """A true division (``safe_div`` too): a new array, inexact, that ``1.0 *`` keeps."""
    return isinstance(e, gast.BinOp) and isinstance(e.op, gast.Div) or isinstance(
        e, gast.Call) and isinstance(e.func, gast.Name) and e.func.id == "safe_div"


def is_one(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) is float and e.value == 1.0


def number_literal(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float)


def is_minus_one(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) is float and e.value == -1.0


LINEAR = {"unbroadcast", "repeat_to", "extremum_adjoint", "diag_adjoint"}  # linear in the
# first argument, and odd in floating point (picks or sums: ``f(-a)`` is ``-f(a)``)
# those of them, and NumPy's, whose value is no larger than their first argument: a sign
# is cheaper outside (``diag_adjoint(-dA, v, 1)`` of a vector ``v``: a diagonal's, not a
# matrix's)
SHRINKING = {"unbroadcast", "sum", "diagonal", "trace"}
# NumPy functions that move elements or sum them (linear in the first argument, and odd
# in floating point too: rounding is symmetric, so ``f(-a)`` is ``-f(a)`` exactly)
NUMPY_LINEAR = {"roll", "transpose", "reshape", "swapaxes", "moveaxis", "flip", "ravel",
                "squeeze", "expand_dims", "sum", "diagonal", "trace"}


def sign_outside(e: gast.Call, rank_of: Callable[[gast.expr], int | None]
                 ) -> gast.expr | None:
    """``-f(a, ...)`` for ``f(-a, ...)`` of a helper or NumPy function in ``SHRINKING``,
    or ``diag_adjoint`` of a vector (the same numbers, the negation over the smaller
    array); else None."""
    name = e.func.id if isinstance(e.func, gast.Name) else e.func.attr \
        if isinstance(e.func, gast.Attribute) else None
    shrinks = name in SHRINKING or name == "diag_adjoint" and len(e.args) > 1 and \
        rank_of(e.args[1]) == 1
    if not shrinks or not _linear_call(e.func) or not e.args or \
            not (isinstance(e.args[0], gast.UnaryOp) and isinstance(e.args[0].op, gast.USub)):
        return None
    return gast.UnaryOp(op=gast.USub(), operand=gast.Call(
        func=e.func, args=[e.args[0].operand, *e.args[1:]], keywords=e.keywords))


def negated(e: gast.expr) -> gast.expr | None:
    """``b`` for ``-b``; ``b * c`` for ``-b * c``; ``a @ b`` for ``-a @ b`` and
    ``a @ -b`` (a matrix-sized negation saved in ``d + -a @ b``); ``f(b, ...)`` for
    ``f(-b, ...)`` of a helper or NumPy function linear in ``b`` (``np.roll(-g, 1)``);
    else None."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        return e.operand
    if isinstance(e, gast.Call) and _linear_call(e.func) and e.args and \
            isinstance(e.args[0], gast.UnaryOp) and isinstance(e.args[0].op, gast.USub):
        return gast.Call(func=e.func, args=[e.args[0].operand, *e.args[1:]],
                         keywords=e.keywords)
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult) and \
            number_literal(e.left) and e.left.value < 0:
        return gast.BinOp(left=gast.Constant(value=-e.left.value, kind=None), op=e.op,
                          right=e.right)
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div, gast.MatMult)):
        inner = negated(e.left)
        if inner is not None:
            return gast.BinOp(left=inner, op=e.op, right=e.right)
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.MatMult):  # a @ -b, bilinear
        inner = negated(e.right)
        if inner is not None:
            return gast.BinOp(left=e.left, op=e.op, right=inner)
    if outer_product(e):  # np.multiply.outer(-a, b), np.multiply.outer(a, -b): bilinear too
        for k in (0, 1):
            if isinstance(e.args[k], gast.UnaryOp) and isinstance(e.args[k].op, gast.USub):
                args = list(e.args)
                args[k] = args[k].operand
                return gast.Call(func=e.func, args=args, keywords=[])
    return None


def outer_product(e: gast.expr) -> bool:
    """``np.multiply.outer(a, b)``."""
    return isinstance(e, gast.Call) and len(e.args) == 2 and not e.keywords and \
        isinstance(e.func, gast.Attribute) and e.func.attr == "outer" and \
        isinstance(e.func.value, gast.Attribute) and e.func.value.attr == "multiply" and \
        isinstance(e.func.value.value, gast.Name) and e.func.value.value.id == "np"


def _linear_call(func: gast.expr) -> bool:
    """``func`` is a helper in ``LINEAR`` or ``np.f`` of an ``f`` in ``NUMPY_LINEAR``."""
    if isinstance(func, gast.Name):
        return func.id in LINEAR
    return isinstance(func, gast.Attribute) and func.attr in NUMPY_LINEAR and \
        isinstance(func.value, gast.Name) and func.value.id == "np"


def unbroadcast_to(e: gast.expr, like: gast.expr) -> bool:
    """``e`` is ``unbroadcast(g, like)``: it has ``like``'s shape already."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "unbroadcast" and len(e.args) == 2 and not e.keywords and \
        isinstance(like, gast.Name) and same(e.args[1], like)


def product_factors(e: gast.expr) -> tuple[list, int]:
    """The factors of a product (``-a`` is ``a`` with a sign) and the number of signs."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult):
        (left, nl), (right, nr) = product_factors(e.left), product_factors(e.right)
        return left + right, nl + nr
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        inner, n = product_factors(e.operand)
        return inner, n + 1
    return [e], 0


def spread_quotient(e: gast.BinOp, same_rank: Callable[[gast.expr, gast.expr], bool]
                    ) -> gast.expr | None:
    """``np.expand_dims(a, k) * (x / np.expand_dims(b, k))`` as ``np.expand_dims(a / b, k)
    * x`` (either order): the quotient taken over the smaller arrays, and the spread
    weight a contraction can read (a norm's adjoint along an axis).  A new axis counted
    from the end keeps ``a`` and ``b`` aligned as broadcasting aligns them; one counted
    from the front only where ``same_rank(a, b)``."""
    if not isinstance(e.op, gast.Mult):
        return None
    for spread, quotient in ((e.left, e.right), (e.right, e.left)):
        if _expand_dims(spread) and isinstance(quotient, gast.BinOp) and \
                isinstance(quotient.op, gast.Div) and _expand_dims(quotient.right) and \
                same(spread.args[1], quotient.right.args[1]) and (
                    isinstance(spread.args[1], gast.UnaryOp) or
                    same_rank(spread.args[0], quotient.right.args[0])):
            weight = gast.BinOp(left=spread.args[0], op=gast.Div(),
                                right=quotient.right.args[0])
            spread.args[0] = weight
            return gast.BinOp(left=spread, op=gast.Mult(), right=quotient.left)
    return None


def _expand_dims(e: gast.expr) -> bool:
    """``np.expand_dims(v, k)`` of a literal axis."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
        e.func.attr == "expand_dims" and isinstance(e.func.value, gast.Name) and \
        e.func.value.id == "np" and len(e.args) == 2 and not e.keywords and \
        (isinstance(e.args[1], gast.Constant) or isinstance(e.args[1], gast.UnaryOp) and
         isinstance(e.args[1].op, gast.USub) and isinstance(e.args[1].operand, gast.Constant))


def added_into(target: gast.expr, value: gast.expr) -> gast.AugAssign:
    """``target += value``, or ``target -= b`` of a ``value`` that is ``-b`` (or ``-b *
    c``, ...: :func:`negated`): no pass over the value to negate it first."""
    minus = negated(value)
    if minus is not None:
        return gast.AugAssign(target=target, op=gast.Sub(), value=minus)
    return gast.AugAssign(target=target, op=gast.Add(), value=value)
