"""Part of the late pass ``accumulate``: an element's share of a builtin ``min`` /
``max`` of numbers added only where that element is the pick.

The adjoint of ``m = min(a, b, c)`` of numbers read from an array adds each
argument's share into the array's adjoint, ``dR[i - 1, j] += dm * arg_share(a, m, b,
c)``: three element updates of a NumPy array per call, two of them adding 0.0.  A
person writes ``if a == m: dR[i - 1, j] += dm * ...``; so does this pass (the share
itself, 1 over the ties there, is written without a call).  Of two arguments the
share is ``(g if b != m else 0.5 * g) if a == m else 0.0`` (:mod:`plain_calls`): the
guard takes its ``if`` out.  An add of ``g * 0.0`` is skipped, so an infinite ``g``
no longer puts NaN into an element that is not the pick (as a hand-written loop's).
"""
from __future__ import annotations

import gast

from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.tree_copies import clone


def guard(body: list) -> list:
    """``body`` with each such accumulation under an ``if`` of its pick (in place)."""
    for s, block, _ in list(block_statements(body)):
        if not (isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Subscript) and
                isinstance(s.op, (gast.Add, gast.Sub))):
            continue
        found = _share(s.value)
        if found is None:
            continue
        test, parent, field, plain = found
        if parent is None:
            s.value = plain
        else:
            setattr(parent, field, plain)
        block[block.index(s)] = gast.If(test=test, body=[s], orelse=[])
    return body


def _share(e: gast.expr, parent: gast.AST | None = None, field: str = "") -> tuple | None:
    """(the pick's test, the node holding the share, its field, the share where the
    test holds) for a share that is a factor of ``e`` (through ``*`` and ``/``'s
    numerator), or None."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div)):
        found = _share(e.left, e, "left")
        if found is None and isinstance(e.op, gast.Mult):
            found = _share(e.right, e, "right")
        return found
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
            e.func.id == "arg_share" and len(e.args) >= 3 and not e.keywords:
        v, m, *others = e.args
        test = gast.Compare(left=v, ops=[gast.Eq()], comparators=[clone(m)])
        return test, parent, field, _one_over_ties(m, others)
    if isinstance(e, gast.IfExp) and isinstance(e.orelse, gast.Constant) and \
            e.orelse.value == 0.0 and isinstance(e.test, gast.Compare) and \
            len(e.test.ops) == 1 and isinstance(e.test.ops[0], gast.Eq) and \
            isinstance(e.body, gast.IfExp):  # (the share of two: plain_calls._extremum)
        return e.test, parent, field, e.body
    return None


def _one_over_ties(m: gast.expr, others: list) -> gast.expr:
    """``1.0 if b != m and c != m else 1.0 / (1 + (b == m) + (c == m))``: the share of
    a pick (``arg_share``'s value where it is not 0) without its call, and with no
    arithmetic on NumPy's bools where there is no tie (the usual case)."""
    count: gast.expr = gast.Constant(value=1, kind=None)
    for o in others:  # (each read its own node: no node shared between two places)
        count = gast.BinOp(left=count, op=gast.Add(), right=gast.Compare(
            left=clone(o), ops=[gast.Eq()], comparators=[clone(m)]))
    untied = [gast.Compare(left=clone(o), ops=[gast.NotEq()], comparators=[clone(m)])
              for o in others]
    return gast.IfExp(
        test=untied[0] if len(untied) == 1 else gast.BoolOp(op=gast.And(), values=untied),
        body=gast.Constant(value=1.0, kind=None),
        orelse=gast.BinOp(left=gast.Constant(value=1.0, kind=None), op=gast.Div(),
                          right=count))
