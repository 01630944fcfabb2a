"""Part of the late pass ``shapes``: the row sums of a product with a sum of outer products
written as products with vectors.

Iteratively reweighted least squares solves ``(Xw.T @ X) beta = Xw.T @ y`` with
``Xw = X * w[:, None]``; the reverse sweep gives ``Xw`` the adjoint
``np.multiply.outer(u, y).T + (np.multiply.outer(-u, beta) @ X.T).T`` (of the two
products' solve, ``u`` its adjoint solution) and ``w`` the row sums of that times ``X``:
four passes over an n x p array, where ``y * (X @ u) - (X @ beta) * (X @ u)`` takes two
products with vectors (a hand-written gradient's).  Followed through names bound once
and read once in the same block, an expression that is a sum of outer products
``a b^T`` (``np.multiply.outer`` of vectors, transposed, negated, added, multiplied by
a matrix on either side) multiplied elementwise by a matrix ``M`` and summed along its
rows is ``sum_i a_i * (M @ b_i)``; the names then read by nothing are dropped later.
"""
from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.names import Transformer
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import pure_call
from s2sad.compiler.walks import name_ids, nodes, statement_nodes

_ROW_AXES = (1, -1, (1,), (-1,))
Terms = list[tuple[gast.expr, gast.expr]]  # sum_i a_i b_i^T


def rewrite(body: list, namespace: dict, shapes: Callable[[], dims.Facts]) -> bool:
    """Row sums of products with sums of outer products as products with vectors (see
    the module docstring; ``shapes`` works out the shape facts); whether one was
    rewritten."""
    if not any(n.__class__ is gast.Attribute and n.attr == "outer" for n in nodes(body)):
        return False  # (most bodies: no outer product at all)
    loads = Counter(name_ids(body, gast.Load))
    rows = _RowSums(shapes(), namespace, loads)
    rows.owned = _owned(body, namespace)
    for block in _blocks(body):
        rows.block = block
        for stmt in list(block):
            if isinstance(stmt, (gast.Assign, gast.AugAssign)):
                rows.at = stmt
                stmt.value = rows.visit(stmt.value)
    if rows.changed:
        _drop_unread(body, rows.consumed)
    return rows.changed


def _drop_unread(body: list, names: set[str]) -> None:
    """The bindings of ``names``: each was read only by its own chain of bindings up to
    the row sum rewritten (``_bound_once``), so none is read any more."""
    for block in _blocks(body):
        block[:] = [s for s in block if not (
            isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and s.targets[0].id in names)]


def _owned(body: list, namespace: dict) -> set[str]:
    """Names bound only to numbers, new zeros (``zeros_like``) or an operator's new
    array (``dy = dy + t``): a ``+=`` into one writes into no other name's array."""
    bound: dict[str, list] = {}
    for s in statement_nodes(body):
        if isinstance(s, gast.Assign):
            for t in s.targets:
                for n in nodes(t):
                    if isinstance(n, gast.Name):
                        bound.setdefault(n.id, []).append(
                            s.value if t is n else None)  # (unpacked: unknown)
    return {name for name, values in bound.items() if all(
        isinstance(v, (gast.Constant, gast.BinOp, gast.UnaryOp)) or isinstance(v, gast.Call)
        and _function_of(v.func, namespace) in _ZEROS for v in values)}


_ZEROS = (runtime.zeros_like, np.zeros, np.zeros_like)


def _function_of(func: gast.expr, namespace: dict) -> Any:
    try:
        return evaluate_ref(func, namespace)
    except TypeError:
        return None


def _blocks(body: list) -> list[list]:
    out, todo = [], [body]
    while todo:
        block = todo.pop()
        out.append(block)
        for s in block:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    todo.append(inner)
    return out


class _RowSums(Transformer):
    def __init__(self, facts: dims.Facts, namespace: dict, loads: Counter) -> None:
        self.facts, self.namespace, self.loads = facts, namespace, loads
        self.block: list = []
        self.at: gast.stmt | None = None
        self.changed = False
        self.consumed: set[str] = set()  # names whose chains a rewrite read through
        self.trail: list[str] = []
        self.path: list[gast.stmt] = []
        self.owned: set[str] = set()

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        x = self._summed(node)
        if not (isinstance(x, gast.BinOp) and isinstance(x.op, gast.Mult)):
            return node
        shape = self.facts.of(x)
        if not (dims.known(shape) and len(shape) == 2):
            return node
        for outer, m in ((x.left, x.right), (x.right, x.left)):
            if not (isinstance(m, gast.Name) and dims.same(self.facts.of(m), shape)):
                continue
            self.trail, self.path = [], [self.at]
            terms = self.terms(outer, 0, self.block.index(self.at))
            if terms and all(self._fits(a, b, shape) for a, b in terms):
                self.changed = True
                self.consumed.update(self.trail)
                return _row_products(terms, m)
        return node

    def _summed(self, node: gast.Call) -> gast.expr | None:
        """``x`` of ``sum_last(x)``, ``np.sum(x, axis=1)`` or ``x.sum(axis=-1)``."""
        fn = self._function(node.func)
        if fn is runtime.sum_last and len(node.args) == 1 and not node.keywords:
            return node.args[0]
        axis = [k.value for k in node.keywords if k.arg == "axis"]
        if fn is np.sum and len(node.args) == 1 and len(node.keywords) == 1 and axis:
            x = node.args[0]
        elif isinstance(node.func, gast.Attribute) and node.func.attr == "sum" and \
                not node.args and len(node.keywords) == 1 and axis:
            x = node.func.value
        else:
            return None
        return x if _constant(axis[0]) in _ROW_AXES else None

    def terms(self, e: gast.expr, depth: int, at: int) -> Terms | None:
        """``e``, read by ``block[at]``, as a sum of outer products of vectors, or None."""
        if depth > 8:
            return None
        if isinstance(e, gast.Name):
            found = self._bound_once(e.id, at)
            if found is None:
                return None
            self.trail.append(e.id)
            self.path.append(self.block[found[1]])
            try:
                return self.terms(found[0], depth + 1, found[1])
            finally:
                self.path.pop()
        if isinstance(e, gast.Attribute) and e.attr == "T":
            inner = self.terms(e.value, depth + 1, at)
            return None if inner is None else [(b, a) for a, b in inner]
        if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
            inner = self.terms(e.operand, depth + 1, at)
            return None if inner is None else [(_neg(a), b) for a, b in inner]
        if isinstance(e, gast.Call):
            fn = self._function(e.func)
            if fn == np.multiply.outer and len(e.args) == 2 and not e.keywords and \
                    all(_rank(self.facts, a) == 1 for a in e.args):
                return [(e.args[0], e.args[1])]
            return None
        return self._operation(e, depth, at) if isinstance(e, gast.BinOp) else None

    def _operation(self, e: gast.BinOp, depth: int, at: int) -> Terms | None:
        """A sum, a difference, or a product with a matrix, of sums of outer products."""
        if isinstance(e.op, (gast.Add, gast.Sub)):
            left, right = self.terms(e.left, depth + 1, at), self.terms(e.right, depth + 1, at)
            if left is None or right is None:
                return None
            return left + ([(_neg(a), b) for a, b in right] if isinstance(e.op, gast.Sub)
                           else right)
        if isinstance(e.op, gast.MatMult):
            left = self.terms(e.left, depth + 1, at)
            if left is not None and _rank(self.facts, e.right) == 2:
                return [(a, _matmul(b, e.right)) for a, b in left]
            right = self.terms(e.right, depth + 1, at)
            if right is not None and _rank(self.facts, e.left) == 2:
                return [(_matmul(e.left, a), b) for a, b in right]
        return None

    def _bound_once(self, name: str, at: int) -> tuple[gast.expr, int] | None:
        """The value of ``name`` as ``block[at]`` reads it, and its statement's index:
        bound before in this block, nothing in between binding or writing what that
        value reads, and ``name`` read by the statements followed to here and its own
        bindings (``dXw = dXw + t``) alone (all dropped once the row sum is rewritten)."""
        for j in range(at - 1, -1, -1):
            s = self.block[j]
            if _binds(s, name):
                break
        else:
            return None
        path = self.path  # (the row sum and the bindings followed to here)
        if sum(name_ids(t, gast.Load).count(name) for t in self.block
               if any(t is r for r in path) or _binds(t, name)) != self.loads[name]:
            return None  # (read by another statement too: kept, and its bindings)
        reads = set(name_ids(s.value, gast.Load))
        if all(self._leaves(t, reads | {name}) for t in self.block[j + 1:at]) and \
                all(pure_call(c, self.namespace) for c in nodes(s.value)
                    if isinstance(c, gast.Call)):
            return s.value, j
        return None

    def _leaves(self, s: gast.stmt, names: set[str]) -> bool:
        """``s`` binds none of ``names`` and writes into no array (but a ``+=`` into an
        adjoint the reverse sweep made as zeros, which no other name holds)."""
        if isinstance(s, gast.AugAssign):
            return isinstance(s.target, gast.Name) and s.target.id not in names and \
                s.target.id in self.owned and all(
                pure_call(c, self.namespace) for c in nodes(s.value) if isinstance(c, gast.Call))
        if not isinstance(s, gast.Assign) or not all(isinstance(t, gast.Name) for t in s.targets):
            return False
        return not {t.id for t in s.targets} & names and all(
            pure_call(c, self.namespace) for c in nodes(s.value) if isinstance(c, gast.Call))

    def _fits(self, a: gast.expr, b: gast.expr, shape: tuple) -> bool:
        sa, sb = self.facts.of(a), self.facts.of(b)
        return isinstance(sa, tuple) and isinstance(sb, tuple) and \
            dims.same(sa, shape[:1]) and dims.same(sb, shape[1:])

    def _function(self, func: gast.expr) -> Any:
        return _function_of(func, self.namespace)


def _binds(s: gast.stmt, name: str) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == name


def _rank(facts: dims.Facts, e: gast.expr) -> int | None:
    shape = facts.of(e)
    return len(shape) if isinstance(shape, tuple) else None


def _constant(e: gast.expr) -> Any:
    if isinstance(e, gast.Constant):
        return e.value
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and \
            isinstance(e.operand, gast.Constant):
        return -e.operand.value
    if isinstance(e, gast.Tuple) and len(e.elts) == 1:
        return (_constant(e.elts[0]),)
    return None


def _neg(e: gast.expr) -> gast.expr:
    return gast.UnaryOp(op=gast.USub(), operand=e)


def _matmul(a: gast.expr, b: gast.expr) -> gast.expr:
    return gast.BinOp(left=a, op=gast.MatMult(), right=b)


def _row_products(terms: Terms, m: gast.Name) -> gast.expr:
    """``sum_i a_i * (m @ b_i)``."""
    out: gast.expr | None = None
    for a, b in terms:
        term = gast.BinOp(left=copy.deepcopy(a), op=gast.Mult(),
                          right=_matmul(copy.deepcopy(m), copy.deepcopy(b)))
        out = term if out is None else gast.BinOp(left=out, op=gast.Add(), right=term)
    assert out is not None
    return out
