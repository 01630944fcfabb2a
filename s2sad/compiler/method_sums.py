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
    """Whether ``body`` calls one of the reductions at all (most bodies do few)."""
    return any(_reduction(n, namespace) is not None for n in nodes_of(body, (gast.Call,)))


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
        if method is None or not node.args or isinstance(
                node.args[0], (gast.List, gast.Tuple, gast.Starred)) or \
                any(k.arg is None for k in node.keywords):
            return node
        shape = self.facts.of(node.args[0])
        if not isinstance(shape, tuple) or not shape or isinstance(shape, dims.Items):
            return node  # (not surely an array)
        return gast.Call(func=gast.Attribute(value=node.args[0], attr=method,
                                             ctx=gast.Load()),
                         args=node.args[1:], keywords=node.keywords)


def _reduction(node: gast.Call, namespace: dict) -> str | None:
    if node.func.__class__ is not gast.Attribute:
        return None
    try:
        fn = evaluate_ref(node.func, namespace)
        return METHODS.get(fn)
    except TypeError:  # (an unhashable callee)
        return None
