"""Part of the late pass ``algebra``: ``v * np.sign(v)`` in a product written
``np.abs(v)``.

The adjoint of ``np.abs(v)`` is ``g * np.sign(v)``; where ``g`` is itself a multiple of
``v`` (``c * v * np.abs(v)``: a quadratic drag, a signed square), the product rule's
second term is ``dm * (c * v) * np.sign(v)``, and the sign times ``v`` is ``np.abs(v)``:
the same number (``v`` times 1, -1 or 0; a ``-0.0`` becomes ``0.0``, a zero either
way), one pass over the array fewer and no remade ``c * v``; the ``share`` pass then
reads ``np.abs(v)`` from the tape where the forward trip pushed it
(:mod:`popped_calls`).  In a product with the factor ``np.sign(v)`` of a name ``v``,
the factor ``v`` itself, or a name ``m`` the same block bound before to a product of
names and numbers with the factor ``v`` (nothing it reads, nor ``m``, bound or written
into in between), is replaced by the rest of it, and the sign by ``np.abs(v)``.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.algebra_terms import product_factors
from s2sad.compiler.names import Transformer, load, np_attr
from s2sad.compiler.node_scans import nodes_of, written_names
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import blocks, name_ids


def simplify(body: list, namespace: dict) -> list:
    """``body`` with each such product rewritten (in place)."""
    if not any(_sign_of(c, namespace) for c in nodes_of(body, (gast.Call,))):
        return body
    for block in blocks(body):
        for k, s in enumerate(block):
            if isinstance(s, (gast.Assign, gast.AugAssign)):
                s.value = _Rewrite(block, k, namespace).visit(s.value)
    return body


def _sign_of(e: gast.expr, namespace: dict) -> str | None:
    """``v`` of ``np.sign(v)``, a call of a name."""
    if isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords and \
            isinstance(e.args[0], gast.Name) and isinstance(e.func, gast.Attribute) and \
            evaluate_ref(e.func, namespace) is np.sign:
        return e.args[0].id
    return None


class _Rewrite(Transformer):
    """The products of one statement (``block[at]``'s value)."""

    def __init__(self, block: list, at: int, namespace: dict) -> None:
        self.block, self.at, self.namespace = block, at, namespace

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        if not isinstance(node.op, gast.Mult):
            self.generic_visit(node)
            return node
        factors, signs = product_factors(node)
        for j, f in enumerate(factors):
            v = _sign_of(f, self.namespace)
            if v is not None and self.absorbed(factors, j, v):
                product = factors[0]
                for f in factors[1:]:
                    product = gast.BinOp(left=product, op=gast.Mult(), right=f)
                return gast.UnaryOp(op=gast.USub(), operand=product) if signs % 2 else product
        self.generic_visit(node)
        return node

    def absorbed(self, factors: list, j: int, v: str) -> bool:
        """Take ``v`` (or the multiple of it a name holds) out of ``factors`` and put
        ``np.abs(v)`` for the sign at ``j``; False (``factors`` untouched) when none."""
        for i, f in enumerate(factors):
            if i == j or not isinstance(f, gast.Name):
                continue
            rest = [] if f.id == v else self.multiple(f.id, v)
            if rest is not None:  # (|v| where v was: ``dm * |v|`` a block may have)
                absolute = gast.Call(func=np_attr("abs"),
                                     args=[load(v)], keywords=[])
                factors[i:i + 1] = [absolute] + rest
                factors.pop(j + len(rest) if j > i else j)
                return True
        return False

    def multiple(self, m: str, v: str) -> list | None:
        """The other factors of ``m = c * v`` bound earlier in the block, unchanged since."""
        for k in range(self.at - 1, -1, -1):
            s = self.block[k]
            bound = written_names(s)
            if m not in bound:
                continue
            if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                    isinstance(s.targets[0], gast.Name)):
                return None
            factors, signs = product_factors(s.value)
            names = [f for f in factors if isinstance(f, gast.Name)]
            if signs or len(names) + sum(isinstance(f, gast.Constant) for f in factors) != \
                    len(factors) or [f.id for f in names].count(v) != 1:
                return None
            read = set(name_ids(s.value, gast.Load)) | {m}
            if any(read & written_names(t) for t in self.block[k + 1:self.at]):
                return None
            rest = [f for f in factors if not (isinstance(f, gast.Name) and f.id == v)]
            return [gast.Name(id=f.id, ctx=gast.Load(), annotation=None, type_comment=None)
                    if isinstance(f, gast.Name) else gast.Constant(value=f.value, kind=None)
                    for f in rest]
        return None
