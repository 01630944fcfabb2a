"""Part of the late pass ``algebra``: a ReLU's share dropped where the adjoint it scales
is a multiple of the ReLU's own value.

``h = np.maximum(x, 0.0)`` read by ``np.sum(h ** 2)`` (a squared hinge, a ReLU's energy,
a convolution's rectified output) gives ``dx = max_share(x, 0.0) * dh`` with ``dh = c *
h``.  Where ``x > 0`` the share is 1; elsewhere ``h`` is 0, so ``dh`` is 0 (or NaN,
of an inf or NaN factor: then so is the share's product), and the share changes
nothing: ``dx = dh``, what a person writes (no comparison, no tie test, no product
over the array).  ``np.minimum(x, 0.0)`` with ``min_share`` alike.

Done only where the names surely hold those values: ``h`` and the name ``dh`` read
(when the factor is read through it) each bound once in the whole function, by a
statement of its top level, and never written into; the share's ``x`` neither bound
nor written between ``h``'s statement and the share's (a statement of the top level).
"""
from __future__ import annotations

from collections import Counter

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.algebra_terms import product_factors
from s2sad.compiler.names import Transformer
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes, nodes

_PAIRS = ((runtime.max_share, "maximum"), (runtime.min_share, "minimum"))


def simplify(body: list, namespace: dict) -> list:
    """``body`` with each such product ``share * P`` written ``P`` (in place)."""
    if not any(n.func.__class__ is gast.Name and n.func.id in ("max_share", "min_share")
               for n in nodes_of(body, (gast.Call,))):
        return body
    once = _bound_once(body)
    at = {s.targets[0].id: k for k, s in enumerate(body) if s.__class__ is gast.Assign and
          len(s.targets) == 1 and s.targets[0].__class__ is gast.Name and
          s.targets[0].id in once}
    rewrite = _Rewrite(body, at, namespace)
    for k, s in enumerate(body):
        rewrite.here = k
        rewrite.visit(s)
    return body


def _changed(body: list) -> Counter:
    """How many times each name is bound or written into (``x[i] = v``, ``x += v``)."""
    counts: Counter = Counter()
    for n in nodes(body):
        if n.__class__ is gast.Name and n.ctx.__class__ is gast.Store:
            counts[n.id] += 1
        elif n.__class__ is gast.Subscript and n.ctx.__class__ is not gast.Load or \
                n.__class__ is gast.AugAssign:
            target = n.value if n.__class__ is gast.Subscript else n.target
            counts.update({m.id: 2 for m in name_nodes([gast.Expr(value=target)])})
    return counts


def _bound_once(body: list) -> set[str]:
    """Names bound by exactly one statement (none written into, nor a loop's target)."""
    return {name for name, k in _changed(body).items() if k == 1}


class _Rewrite(Transformer):
    def __init__(self, body: list, at: dict[str, int], namespace: dict) -> None:
        self.body, self.at, self.namespace, self.here = body, at, namespace, 0
        self.values = {name: body[k].value for name, k in at.items()}

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        if node.op.__class__ is not gast.Mult:
            return node
        for share, other in ((node.left, node.right), (node.right, node.left)):
            if self._clamped(share, other):
                return other
        return node

    def _clamped(self, share: gast.expr, other: gast.expr) -> bool:
        """``share`` is ``max_share(x, 0.0)`` of a name ``x`` bound once, and ``other`` a
        product one of whose factors (its own, or its name's definition's) is a name
        ``h = np.maximum(x, 0.0)`` bound once (``min_share`` and ``np.minimum``)."""
        if not (share.__class__ is gast.Call and len(share.args) == 2 and
                not share.keywords and share.args[0].__class__ is gast.Name and
                _zero(share.args[1])):
            return False
        fn = evaluate_ref(share.func, self.namespace)
        clamp = next((name for f, name in _PAIRS if f is fn), None)
        if clamp is None:
            return False
        factors, _ = product_factors(other)
        if len(factors) == 1 and other.__class__ is gast.Name and \
                self.at.get(other.id, self.here) < self.here:
            factors, _ = product_factors(self.values[other.id])
        return any(f.__class__ is gast.Name and f.id in self.at and
                   self._clamp_of(self.values[f.id], clamp, share.args[0].id) and
                   self._kept(share.args[0].id, self.at[f.id]) for f in factors)

    def _kept(self, x: str, since: int) -> bool:
        """``x`` neither bound again nor written into after the statement ``since`` of
        the top level, up to the one being rewritten."""
        simple = self.body[self.here].__class__ in (gast.Assign, gast.Expr)  # (reads first)
        end = self.here if simple else self.here + 1
        return since < self.here and x not in _changed(self.body[since + 1:end])

    def _clamp_of(self, value: gast.expr | None, clamp: str, x: str) -> bool:
        """``value`` is ``np.maximum(x, 0.0)`` or ``np.maximum(0.0, x)`` (``clamp``)."""
        if not (isinstance(value, gast.Call) and len(value.args) == 2 and
                not value.keywords):
            return False
        fn = evaluate_ref(value.func, self.namespace)
        a, b = value.args
        return fn is getattr(np, clamp) and (
            a.__class__ is gast.Name and a.id == x and _zero(b) or
            b.__class__ is gast.Name and b.id == x and _zero(a))


def _zero(e: gast.expr) -> bool:
    return e.__class__ is gast.Constant and type(e.value) in (int, float) and e.value == 0
