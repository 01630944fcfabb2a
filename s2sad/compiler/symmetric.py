"""Which names hold a symmetric matrix: a covariance or Gram matrix built as
``S = A @ A.T + eps * np.eye(n)`` (``A.T`` also through a name bound to it only, as a
loop's ``transpose = A_item.T`` kept for its reverse), its inverse, sums, products with
numbers and elementwise functions of such.  The transpose of one is itself, so the adjoint of
``solve(S, b)`` solves with ``S`` rather than ``S.T`` (``reuse`` then finds it the
call the forward sweep made, and a factorisation goes), and the ``inv(S).T`` of
``slogdet``'s adjoint is ``inv(S)``.  Mathematically exact; in floating point a
product ``A @ A.T`` may differ from its transpose in the last bits, as a solve with
``S.T`` and one with ``S`` do (within the rounding of the solve itself).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.rank_products import matmul


def symmetric_names(facts: dims.Facts) -> set[str]:
    """The matrices every definition of which is symmetric: the greatest such set (an
    adjoint summed into, ``dS = dS + c * inv(S)``, reads itself; every definition,
    the first too, is checked, so each value the name holds is symmetric)."""
    found = {name for name, values in facts.defs.items() if values and
             facts.rank(name) == 2}
    changed = True
    while changed:
        changed = False
        for name in sorted(found):
            if not all(is_symmetric(v, found, facts) for v in facts.defs[name]):
                found.discard(name)
                changed = True
    return found


def is_symmetric(e: Any, found: set[str], facts: dims.Facts) -> bool:
    """``e`` is a symmetric matrix given the names ``found`` are."""
    if isinstance(e, gast.Name):
        return e.id in found
    if isinstance(e, gast.Attribute) and e.attr == "T":
        return is_symmetric(e.value, found, facts)
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
        return is_symmetric(e.operand, found, facts)
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.MatMult):
        return _gram(e.left, e.right, facts)
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub, gast.Mult,
                                                       gast.Div)):
        sides = [is_symmetric(s, found, facts) for s in (e.left, e.right)]
        return any(sides) and all(side or facts.of(s) == () for side, s in
                                  zip(sides, (e.left, e.right)))  # (S + c: a number)
    if isinstance(e, gast.Call) and not e.keywords:
        fn = evaluate_ref(e.func, facts.namespace)
        if fn is np.eye and len(e.args) == 1:
            return True
        if len(e.args) == 1 and (fn is np.linalg.inv or
                                 isinstance(fn, np.ufunc) and fn.nin == 1):
            return is_symmetric(e.args[0], found, facts)
    return False


def _gram(left: gast.expr, right: gast.expr, facts: dims.Facts) -> bool:
    """``X @ X.T`` or ``X.T @ X`` of one matrix ``X``, either side maybe times a number
    (``0.5 * a @ a.T``)."""
    left, right = _unscaled(left, facts), _unscaled(right, facts)
    for a, b in ((left, right), (right, left)):
        if isinstance(a, gast.Name) and _transpose_of(b, facts) == a.id and \
                facts.rank(a.id) == 2:
            return True
    return False


def _transpose_of(e: gast.expr, facts: dims.Facts) -> str | None:
    """``X`` of ``X.T``, or of a name every definition of which is ``X.T`` (a loop's
    ``transpose = A_item.T``, kept for the reverse sweep, in ``A_item @ transpose``)."""
    if isinstance(e, gast.Name):
        values = facts.defs.get(e.id, ())
        names = {_transpose_of(v, facts) if not isinstance(v, gast.Name) else None
                 for v in values}
        return names.pop() if len(names) == 1 and values else None
    if isinstance(e, gast.Attribute) and e.attr == "T" and isinstance(e.value, gast.Name):
        return e.value.id
    return None


def _unscaled(e: gast.expr, facts: dims.Facts) -> gast.expr:
    """``e`` without a factor that is a number (``c * X``, ``X * c``, ``-X``)."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        return _unscaled(e.operand, facts)
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult):
        if facts.of(e.left) == ():
            return _unscaled(e.right, facts)
        if facts.of(e.right) == ():
            return _unscaled(e.left, facts)
    return e


def simpler_transpose(node: gast.Attribute, found: set[str], facts: dims.Facts,
                      t: Callable[[gast.expr], gast.expr]) -> gast.expr | None:
    """``e.T`` written without the transpose, or None: ``x.T.T`` is ``x``; ``S.T`` of a
    symmetric ``S`` is ``S``; ``(X @ Y).T`` of matrices each symmetric or a transpose is
    ``Y.T @ X.T`` (``t``: a transpose simplified), which reads them as they are: the
    adjoint of ``S = A @ A.T`` through its second operand, ``(A.T @ dS).T`` of a
    symmetric ``dS``, is ``dS @ A``, the first operand's, which ``algebra`` adds as
    twice one product."""
    e = node.value
    if isinstance(e, gast.Attribute) and e.attr == "T":
        return e.value
    if is_symmetric(e, found, facts):
        return e
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.MatMult) and all(
            facts.rank_of(x) == 2 and (isinstance(x, gast.Attribute) and x.attr == "T" or
                                       is_symmetric(x, found, facts))
            for x in (e.left, e.right)):
        return matmul(t(e.right), t(e.left))
    return None
