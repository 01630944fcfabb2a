"""Contributions to one adjoint from one user line, summed in one statement.

The reverse stage writes one statement per contribution (``dy = x``, then
``dx[i] += a`` and ``dx[i] += b``, ``dy = dy + 2 * y``); a person writes
``dx[i] += a + b`` and ``dy = x + 2 * y``.  An accumulation into a target merges
into the statement of the same line before it that last set or added to that
target, when nothing in between writes what its term reads; the same term twice in
a derivative is doubled (``dx[i] += 2 * x_item``), and the adjoints of both values of
one ``np.where`` are one choice (:mod:`choices`).  Two scatters into one adjoint at
the same index, ``dfp = add_at(dfp, None, j, a)`` then ``dfp = add_at(dfp, None, j, -b)``
(a gathered ``fp[j]`` read twice), are one scatter of ``a - b`` where both are numbers
or arrays of a numeric dtype (``kinds``): one pass over the index, not two.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import choices, scatters
from s2sad.compiler.names import origin, root_name, written_names
from s2sad.compiler.walks import name_nodes, nodes, same

_SIGNS = (gast.Add, gast.Sub)
_SIMPLE = (gast.Assign, gast.AugAssign, gast.Expr)


def merge(block: list, derivatives: frozenset = frozenset(),
          floats: frozenset = frozenset(),
          arrays: Callable[[], set[str]] | None = None) -> list:
    """``block`` with accumulations merged (in nested blocks too); ``derivatives``: names
    of adjoints and tangents (floats: ``e + e`` is ``2 * e``); ``floats``: parameters
    that are float64 arrays (``v = 1.0 * x``, then ``v = v + b``: ``v = x + b``);
    ``arrays``: the names of arrays of a numeric dtype
    (:func:`scatters.numeric_arrays`), asked for where two scatters may merge."""
    out: list = []
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, field, merge(getattr(s, field), derivatives, floats, arrays))
        if not (_merged(out, s, derivatives | floats) or
                arrays is not None and scatters.merged(out, s, arrays)):
            out.append(s)
    return out


def _merged(out: list, second: gast.stmt, inexact: frozenset) -> bool:
    """Fold ``second``, an accumulation, into the last statement of ``out`` that set or
    added to its target; ``inexact``: names holding floats."""
    b = _term(second)
    if b is None:
        return False
    target, op_b, term_b = b
    root, reads = root_name(target), _names(term_b)
    if root is None or root in reads or not _movable(term_b):
        return False
    written: set[str] = set()  # by the statements between the two
    for k in range(len(out) - 1, -1, -1):
        first = out[k]
        if not isinstance(first, _SIMPLE) or origin(first) != origin(second):
            return False
        if root in _names(first):  # (v = x; x[0] = 5; v = v + b: v is x, sees the write)
            return not written & _names(first.value) and \
                _into(first, target, op_b, term_b, root in inexact, inexact)
        written |= written_names(first)
        if written & reads:
            return False
    return False


def _into(first: gast.stmt, target: gast.expr, op_b: gast.operator, term_b: gast.expr,
          doubled: bool, inexact: frozenset) -> bool:
    a = _term(first)
    if a is not None and same(a[0], target):
        subtracted = isinstance(first, gast.AugAssign) and isinstance(a[1], gast.Sub)
        op = (gast.Add() if isinstance(op_b, gast.Sub) else gast.Sub()) if subtracted \
            else op_b  # t -= a, then - b: t -= a + b
    elif isinstance(target, gast.Name) and isinstance(first, gast.Assign) and \
            len(first.targets) == 1 and isinstance(first.targets[0], gast.Name) and \
            first.targets[0].id == target.id and target.id not in _names(first.value):
        op = op_b  # v = e, then v = v + b: v = e + b
        first.value = _unscaled(first.value, inexact)
    else:
        return False
    if doubled and isinstance(op, gast.Add) and same(first.value, term_b):
        first.value = gast.BinOp(left=gast.Constant(value=2, kind=None), op=gast.Mult(),
                                 right=term_b)
    else:
        first.value = gast.BinOp(left=first.value, op=op, right=term_b)
        if doubled:  # (a derivative: the two values of one np.where summed as one choice)
            first.value = choices.merged(first.value) or first.value
    return True


def _unscaled(e: gast.expr, inexact: frozenset) -> gast.expr:
    """``x`` for ``1.0 * x`` of floats about to be summed (the copy the product made, the
    sum makes: same values, same dtype)."""
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult) and \
            isinstance(e.left, gast.Constant) and type(e.left.value) is float and \
            e.left.value == 1.0 and isinstance(e.right, gast.Name) and e.right.id in inexact:
        return e.right
    return e


def _movable(e: gast.expr) -> bool:
    """No call in ``e`` that pops or pushes (it may run earlier)."""
    return not any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and
                   n.func.attr in ("pop", "append") for n in nodes(e))


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
    return {n.id for n in name_nodes(e)}
