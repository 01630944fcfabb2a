"""Stage 6, the adjoint expressions: a rule's contributions, tidied as they are made.

Between numbers ``unbroadcast`` goes and the NaN-safe products are plain arithmetic;
a number read only for its shape is not kept; two contributions of one argument
(``x * x``) become one; one that clears part of ``g`` comes after those that read it.
"""
from __future__ import annotations

import gast

from s2sad.compiler import templates
from s2sad.compiler.names import const, load
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.walks import walk

_CLEARS = frozenset({"zero_at"})


def without_unbroadcast(expr: gast.expr) -> gast.expr:
    """Between numbers: ``unbroadcast(e, x)`` is ``e``, ``safe_mul(g, y)`` is ``g * y``
    (NaN-safety matters for arrays masked by ``np.where``; scalar code branches)."""
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub):
        return gast.UnaryOp(op=expr.op, operand=without_unbroadcast(expr.operand))
    if isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) and \
            expr.func.id == "unbroadcast":
        expr = expr.args[0]
    return _plain_arithmetic(expr)


def _plain_arithmetic(expr: gast.expr) -> gast.expr:
    """``safe_mul(g, y)`` as ``g * y``; ``safe_div(g, y)`` as ``g / y`` when ``y`` is the
    user's own divisor (a name: its division ran already); poles (``2 * sqrt``) stay."""
    for node in list(walk(expr)):
        for name, value in gast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            new = [_plain_call(v) if isinstance(v, gast.Call) else v for v in items]
            setattr(node, name, new if isinstance(value, list) else new[0])
    return _plain_call(expr) if isinstance(expr, gast.Call) else expr


def _plain_call(call: gast.Call) -> gast.expr:
    name = call.func.id if isinstance(call.func, gast.Name) else None
    if name == "safe_mul":
        return gast.BinOp(left=call.args[0], op=gast.Mult(), right=call.args[1])
    if name == "safe_div" and isinstance(call.args[1], gast.Name):
        return gast.BinOp(left=call.args[0], op=gast.Div(), right=call.args[1])
    return call


def _unbroadcast_pair(a: gast.expr, b: gast.expr) -> bool:
    """``unbroadcast(g * x, x)`` and ``unbroadcast(x * g, x)``."""
    def parts(e: gast.expr):
        ok = isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
            e.func.id == "unbroadcast" and len(e.args) == 2
        return (e.args[0], gast.dump(e.args[1])) if ok else None
    pa, pb = parts(a), parts(b)
    return bool(pa and pb and pa[1] == pb[1] and templates.same_product(pa[0], pb[0]))


def number_shape(expr: gast.expr, number: str) -> None:
    """``unbroadcast(e, v)`` of a number ``v`` reads only that ``v`` is a number: ``0.0``
    says the same without keeping ``v`` for the reverse sweep."""
    for n in walk(expr):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and \
                n.func.id == "unbroadcast" and len(n.args) == 2 and \
                isinstance(n.args[1], gast.Name) and n.args[1].id == number:
            n.args[1] = const(0.0)


def no_shape_needed(expr: gast.expr, adjoint: str) -> None:
    """``add_at(dx, x, i, g)`` reads ``x`` only to make a zero adjoint when ``dx`` is
    ``None``: with ``dx`` defined it passes ``None``, so ``x`` need not be kept."""
    for n in walk(expr):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and \
                n.func.id == "add_at" and len(n.args) == 4 and \
                isinstance(n.args[0], gast.Name) and n.args[0].id == adjoint:
            n.args[1] = const(None)


def clearing_last(parts: list) -> list:
    """A contribution that clears part of ``g`` (``zero_at``) after those that read it,
    so that the clearing can be done in place (see :mod:`ownership`)."""
    def clears(part: tuple) -> bool:
        return part[1] is not None and mentions(part[1], ids=_CLEARS)
    return [p for p in parts if not clears(p)] + [p for p in parts if clears(p)]


def merge(parts: list, containers: set[str] | frozenset[str] = frozenset()) -> list:
    """One contribution per argument: ``x * x`` gives ``2 * (g * x)``, not two statements;
    those of a list or tuple (``s + s``) add item by item (``containers``)."""
    out: list = []
    for arg, expr, acc in parts:
        same = [i for i, (a, e, c) in enumerate(out) if a == arg and not c and not acc]
        if not same:
            out.append((arg, expr, acc))
            continue
        i = same[0]
        first = out[i][1]
        if arg in containers:
            merged = gast.Call(func=load("add_grads"), args=[first, expr], keywords=[])
        elif _unbroadcast_pair(first, expr):
            first.args[0] = gast.BinOp(left=const(2), op=gast.Mult(), right=first.args[0])
            merged = first
        elif templates.same_product(first, expr):
            merged = gast.BinOp(left=const(2), op=gast.Mult(), right=first)
        else:
            merged = gast.BinOp(left=first, op=gast.Add(), right=expr)
        out[i] = (arg, merged, False)
    return out
