"""Part of the late pass ``shapes``: reversals of vectors read as reversed views where the
value is used once, inside an expression.

A reversed cumulative sum, ``np.cumsum(e[::-1])[::-1]`` (the tail sums of a ranking
loss, a survival model's risk sets), has the adjoint
``add_at(None, e, rev, np.flip(np.cumsum(np.flip(add_at(None, t, rev, g)))))``: the
adjoints of ``x[::-1]`` as zeros with ``g`` added at the reversed positions, and the
cumulative sum's as a flipped sum of the flipped adjoint.  Of a vector ``x``, the first
is ``g[::-1]`` (a view of ``g``) and ``np.flip(v[::-1])`` or ``np.flip(v)[::-1]`` is
``v`` itself, so the whole adjoint is ``np.cumsum(g)``, the hand-written one.  A view
or an operand itself is taken only where the expression consumes it at once (an
operator's operand, a ufunc's or ``np.cumsum``'s argument, or a view of such): never as
the value bound to a name, which the reverse sweep may later add into in place, nor
one a helper may hand back as it is (``cast_like``) or write into (``add_at``).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import is_none
from s2sad.compiler.statement_walks import statement_nodes


def simplify(body: list, facts: dims.Facts, namespace: dict) -> bool:
    """Rewrite the reversals of vectors consumed inside expressions (see the module
    docstring); whether one was."""
    if not mentions(body, frozenset({"slice"}), frozenset({"flip"})):
        return False  # (most bodies: no reversal's adjoint, no flip)
    changed = False
    for s in statement_nodes(body):
        value = getattr(s, "value", None)
        if isinstance(s, (gast.Assign, gast.AugAssign, gast.Return)) and value is not None:
            changed |= _rewrite(value, False, facts, namespace)
    return changed


_FRESH = {np.cumsum, np.cumprod, np.sum, np.mean, np.dot, np.matmul, np.einsum, np.outer}


def _rewrite(node: gast.AST, consumed: bool, facts: dims.Facts, namespace: dict) -> bool:
    """Rewrite the operands of ``node`` that its evaluation consumes: those of an
    operator or of a call making a new array (a ufunc, ``np.cumsum``), and those of a
    view (``np.flip``, an index) that is consumed itself.  ``consumed``: whether
    ``node``'s own value is."""
    changed = False
    if isinstance(node, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        inner = True
    elif isinstance(node, gast.Call):
        fn = _function(node, namespace)
        inner = isinstance(fn, np.ufunc) or fn in _FRESH or fn is np.flip and consumed
    else:
        inner = isinstance(node, gast.Subscript) and consumed
    for field, value in gast.iter_fields(node):
        if field in ("ctx", "func") or isinstance(node, gast.Subscript) and field != "value":
            inner_here = False
        else:
            inner_here = inner
        items = value if isinstance(value, list) else [value]
        for k, child in enumerate(items):
            if not isinstance(child, gast.AST):
                continue
            new = _simpler(child, facts, namespace) if inner_here else None
            while new is not None:
                child = new
                new = _simpler(child, facts, namespace)
            if child is not items[k]:
                if isinstance(value, list):
                    value[k] = child
                else:
                    setattr(node, field, child)
                changed = True
            changed |= _rewrite(child, inner_here, facts, namespace)
    return changed


def _simpler(e: gast.expr, facts: dims.Facts, namespace: dict) -> gast.expr | None:
    """``e`` as a view or an operand, or None."""
    if isinstance(e, gast.Call) and not e.keywords:
        fn = _function(e, namespace)
        if fn is runtime.add_at and len(e.args) == 4 and is_none(e.args[0]) and \
                _reversal(e.args[2]) and _vector(e.args[1], facts) and \
                dims.same(facts.of(e.args[3]), facts.of(e.args[1])):
            return _reversed(e.args[3])
        if fn is np.flip and len(e.args) == 1 and _vector(e.args[0], facts):
            inner = e.args[0]
            if isinstance(inner, gast.Subscript) and _reversal(inner.slice):
                return inner.value
    if isinstance(e, gast.Subscript) and _reversal(e.slice) and \
            isinstance(e.value, gast.Call) and not e.value.keywords and \
            len(e.value.args) == 1 and _function(e.value, namespace) is np.flip and \
            _vector(e.value.args[0], facts):
        return e.value.args[0]
    return None


def _function(e: gast.Call, namespace: dict) -> Any:
    try:
        return evaluate_ref(e.func, namespace)
    except TypeError:
        return None


def _vector(e: gast.expr, facts: dims.Facts) -> bool:
    shape = facts.of(e)
    return isinstance(shape, tuple) and len(shape) == 1


def _reversal(e: gast.expr) -> bool:
    """``slice(None, None, -1)`` (``::-1``)."""
    if isinstance(e, gast.Slice):
        parts = [e.lower, e.upper, e.step]
    elif isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
            e.func.id == "slice" and len(e.args) == 3 and not e.keywords:
        parts = list(e.args)
    else:
        return False
    step = parts[2]
    return all(p is None or is_none(p) for p in parts[:2]) and (
        isinstance(step, gast.Constant) and step.value == -1 or
        isinstance(step, gast.UnaryOp) and isinstance(step.op, gast.USub) and
        isinstance(step.operand, gast.Constant) and step.operand.value == 1)


def _reversed(e: gast.expr) -> gast.Subscript:
    step = gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=1, kind=None))
    return gast.Subscript(value=e, slice=gast.Slice(lower=None, upper=None, step=step),
                          ctx=gast.Load())
