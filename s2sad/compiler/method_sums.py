"""Late pass ``methods``: a reduction of an array written as the array's method,
``np.sum(dx)`` as ``dx.sum()``.

``np.sum`` (``np.max``, ``np.min``, ``np.prod``) is a Python function that looks its
argument over before it calls the array's own method (NumPy's ``_wrapreduction``): on
a small array that costs more than the sum itself (about 3 microseconds against 1.5 on
a vector of four), and a reverse sweep of a loop sums an adjoint every trip (the
``dsigma`` of a Monte-Carlo path, a unit vector's ``dq @ q`` partner).  The method
takes the same arguments after the array, in the same order, and computes the same
numbers (both are ``np.add.reduce`` of the array); but only an array or a NumPy
number has it, so the call is rewritten only where the shape facts give the argument
an array's shape of rank one or more (a list or tuple has another kind of shape, a
Python number rank 0).  A derivative for another library's arrays writes the call
back as ``xp.sum(dx)`` (:mod:`portable`), and a derivative differentiated again reads
the method as its primitive (``normalize``).

Two more spellings of the same kind, where the facts give the array's rank: an axis of
one element, ``axis=(0,)`` (the adjoints' sums write tuples), as the int ``axis=0``
(NumPy normalizes a tuple in Python: 1.3 us against 1.0 for a 16 x 16 matrix); and
``np.expand_dims(g, 1)`` of an array of rank one as ``g[:, None]`` (a Python function
that normalizes its axes: 2.4 us against 0.2 for the index, a view either way; an HMM
step's spread adjoint, every trip of the loop).
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.names import Transformer
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref

METHODS = {np.sum: "sum", np.max: "max", np.min: "min", np.amax: "max", np.amin: "min",
           np.prod: "prod"}
NAMES = frozenset(METHODS.values())  # (``portable`` writes these back as functions)


def candidates(body: list, namespace: dict) -> bool:
    """Whether ``body`` calls one of the reductions or ``np.expand_dims`` at all (most
    bodies do few)."""
    return any(_reduction(n, namespace) is not None or
               getattr(n.func, "attr", None) == "expand_dims"
               for n in nodes_of(body, (gast.Call,)))


def as_methods(body: list, facts: dims.Facts, namespace: dict) -> list:
    """``body`` with each reduction of an array called as its method."""
    for s in body:
        _Methods(facts, namespace).visit(s)
    return body


class _Methods(Transformer):
    def __init__(self, facts: dims.Facts, namespace: dict) -> None:
        self.facts, self.namespace = facts, namespace

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        method = _reduction(node, self.namespace)
        if method is None:
            return _expanded(node, self.facts, self.namespace) or node
        if not node.args or isinstance(node.args[0], (gast.List, gast.Tuple, gast.Starred)) \
                or any(k.arg is None for k in node.keywords):
            return node
        rank = _array_rank(node.args[0], self.facts)
        if rank is None:
            return node  # (not surely an array)
        keywords = [gast.keyword(arg="axis", value=_one_axis(k.value, rank))
                    if k.arg == "axis" else k for k in node.keywords]
        return gast.Call(func=gast.Attribute(value=node.args[0], attr=method,
                                             ctx=gast.Load()),
                         args=node.args[1:], keywords=keywords)


def _array_rank(e: gast.expr, facts: dims.Facts) -> int | None:
    """The rank of ``e`` when the facts prove it an array of rank one or more."""
    shape = facts.of(e)
    if not isinstance(shape, tuple) or not shape or isinstance(shape, dims.Items):
        return None
    return len(shape)


def _int_of(e: gast.expr) -> int | None:
    """A literal int (``1``, ``-1``), else None."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        inner = _int_of(e.operand)
        return None if inner is None else -inner
    return e.value if isinstance(e, gast.Constant) and type(e.value) is int else None


def _one_axis(axis: gast.expr, rank: int) -> gast.expr:
    """``(k,)`` of a literal ``k`` in range as ``k``; any other axis as it is."""
    if isinstance(axis, gast.Tuple) and len(axis.elts) == 1:
        k = _int_of(axis.elts[0])
        if k is not None and -rank <= k < rank:
            return axis.elts[0]
    return axis


def _expanded(node: gast.Call, facts: dims.Facts, namespace: dict) -> gast.expr | None:
    """``np.expand_dims(g, k)`` of an array ``g`` of known rank and a literal int ``k``
    as ``g[:, None, :]`` (``None`` at position ``k``, a whole slice for every axis), or
    None."""
    if node.func.__class__ is not gast.Attribute or node.func.attr != "expand_dims" or \
            len(node.args) != 2 or node.keywords or \
            evaluate_ref(node.func, namespace) is not np.expand_dims:
        return None
    rank, k = _array_rank(node.args[0], facts), _int_of(node.args[1])
    if rank is None or k is None or not -rank - 1 <= k <= rank:
        return None
    at = k if k >= 0 else k + rank + 1
    index: list[gast.expr] = [gast.Slice(lower=None, upper=None, step=None)
                              for _ in range(rank)]  # (every axis: as the array API asks)
    index.insert(at, gast.Constant(value=None, kind=None))
    return gast.Subscript(value=node.args[0], slice=gast.Tuple(elts=index, ctx=gast.Load()),
                          ctx=gast.Load())


def _reduction(node: gast.Call, namespace: dict) -> str | None:
    if node.func.__class__ is not gast.Attribute:
        return None
    try:
        fn = evaluate_ref(node.func, namespace)
        return METHODS.get(fn)
    except TypeError:  # (an unhashable callee)
        return None
