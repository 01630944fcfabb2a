"""Conditions decided when the derivative is generated (part of the ``simplify`` pass).

A library function inlined with literal arguments (``np.gradient(f, axis=1)``) tests
them: ``isinstance(axis, (tuple, list))``, ``axis is None``, ``edge_order == 1``.  Once
the literals are in place the tests are literals too: the condition is computed here,
a name bound once to ``True``, ``False`` or ``None`` is that literal, an ``if``
on a literal is the branch it takes, and what follows a ``raise`` in its block goes.
Only what Python computes the same way every call is decided: comparisons,
``not``/``and``/``or`` of literals, ``isinstance`` of a literal against builtin types.
"""
from __future__ import annotations

import builtins
import operator
from typing import Any

import gast

from s2sad.compiler.names import Transformer
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_ids

_COMPARE = {gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Lt: operator.lt,
            gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge,
            gast.Is: operator.is_, gast.IsNot: operator.is_not,
            gast.In: lambda a, b: a in b, gast.NotIn: lambda a, b: a not in b}
_LITERALS = (bool, int, float, str, type(None))
_NO = object()


def decide(body: list, keep: set[str]) -> bool:
    """Decide what can be decided in ``body`` (in place); True when something was.
    ``keep``: the parameters (never taken for literals)."""
    changed = False
    for _ in range(4):  # (a condition decided makes its name a literal, read next round)
        folded = _Fold(_definitions(body), keep)
        if folded.foldable(body):
            folded.visit(gast.Module(body=body, type_ignores=[]))
        branches = _Branches().block(body)
        if not (folded.changed or branches):
            break
        changed = True
    return changed


def _definitions(body: list) -> dict[str, list]:
    """name -> the values assigned to it (any other binding: a None among them)."""
    defs: dict[str, list] = {}
    for s in walk_statements(gast.Module(body=body, type_ignores=[])):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name):
            defs.setdefault(s.targets[0].id, []).append(s.value)
        elif isinstance(s, (gast.Assign, gast.AugAssign, gast.For, gast.Delete)):
            for name in name_ids(s.targets if isinstance(s, (gast.Assign, gast.Delete))
                                 else [s.target], gast.Store):
                defs.setdefault(name, []).append(None)
    return defs


class _Fold(Transformer):
    """Conditions of literals computed; a name bound once to a bool or None read as it."""

    def __init__(self, defs: dict[str, list], keep: set[str]) -> None:
        self.defs, self.keep, self.changed = defs, keep, False
        # the names :meth:`literal` reads as literals (one set lookup per name read)
        self.literals = {name for name, values in defs.items() if name not in keep and
                         len(values) == 1 and isinstance(values[0], gast.Constant) and
                         type(values[0].value) in (bool, type(None), str)}

    def foldable(self, body: list) -> bool:
        """Whether a visit could change anything: a name read that is a literal, or a
        test of literals (one walk, cheaper than the visit; most bodies have neither)."""
        literals, load = self.literals, gast.Load
        tests = (gast.Compare, gast.UnaryOp, gast.BoolOp, gast.Call)  # (and names, where
        for n in nodes_of(body, tests + (gast.Name,) if literals else tests):  # a literal)
            cls = n.__class__
            if cls is gast.Name:
                if n.id in literals and n.ctx.__class__ is load:
                    return True
            elif cls is gast.Compare:
                if all(self.literal(e) is not _NO for e in (n.left, *n.comparators)):
                    return True
            elif cls is gast.UnaryOp and n.op.__class__ is gast.Not or cls is gast.BoolOp or \
                    cls is gast.Call and n.func.__class__ is gast.Name and \
                    n.func.id == "isinstance" and n.args:
                operands = [n.operand] if cls is gast.UnaryOp else \
                    n.values if cls is gast.BoolOp else n.args[:1]
                if all(self.literal(e) is not _NO for e in operands):
                    return True
        return False

    def literal(self, e: gast.expr) -> Any:
        """The value of ``e`` if it is a literal (or a name bound once to one)."""
        if isinstance(e, gast.Constant) and type(e.value) in _LITERALS:
            return e.value
        if isinstance(e, gast.Tuple):
            items = [self.literal(x) for x in e.elts]
            return _NO if any(x is _NO for x in items) else tuple(items)
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
                e.func.id == "len" and "len" not in self.defs and len(e.args) == 1 and \
                not e.keywords and isinstance(e.args[0], (gast.Tuple, gast.List)) and \
                not any(isinstance(x, gast.Starred) for x in e.args[0].elts):
            return len(e.args[0].elts)  # (a display's length, whatever its items hold)
        if isinstance(e, gast.Name) and e.id not in self.keep:
            values = self.defs.get(e.id, [])
            if len(values) == 1 and isinstance(values[0], gast.Constant) and \
                    type(values[0].value) in (bool, type(None), str):  # (a mode, a flag)
                return values[0].value
        return _NO

    def builtin_types(self, e: gast.expr) -> Any:
        """``int``, ``(tuple, list)``, or a name bound once to such a tuple: the types."""
        if isinstance(e, gast.Name) and e.id not in self.keep:
            values = self.defs.get(e.id, [])
            if len(values) == 1 and isinstance(values[0], gast.Tuple):
                return self.builtin_types(values[0])
            found = getattr(builtins, e.id, None) if e.id not in self.defs else None
            return found if isinstance(found, type) else _NO
        if isinstance(e, gast.Tuple):
            items = [self.builtin_types(x) for x in e.elts]
            return _NO if any(x is _NO for x in items) else tuple(items)
        return _NO

    def decided(self, node: gast.expr, value: Any) -> gast.expr:
        if value is _NO:
            return node
        self.changed = True
        return gast.Constant(value=value, kind=None)

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if isinstance(node.ctx, gast.Load):
            value = self.literal(node)
            if value is not _NO:
                return self.decided(node, value)
        return node

    def visit_Compare(self, node: gast.Compare) -> gast.expr:
        self.generic_visit(node)
        left = self.literal(node.left)
        values = [self.literal(c) for c in node.comparators]
        if left is _NO or any(v is _NO for v in values) or \
                any(type(op) not in _COMPARE for op in node.ops):
            return node
        result = True
        for op, right in zip(node.ops, values):
            try:
                result = result and bool(_COMPARE[type(op)](left, right))
            except TypeError:  # (1 < None: Python raises when it runs; left to it)
                return node
            left = right
        return self.decided(node, result)

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        value = self.literal(node.operand)
        return self.decided(node, not value) if isinstance(node.op, gast.Not) and \
            value is not _NO else node

    def visit_BoolOp(self, node: gast.BoolOp) -> gast.expr:
        self.generic_visit(node)
        values = [self.literal(v) for v in node.values]
        if any(v is _NO for v in values):
            return node
        result = values[0]
        for v in values[1:]:
            result = (result and v) if isinstance(node.op, gast.And) else (result or v)
        return self.decided(node, result)

    def visit_IfExp(self, node: gast.IfExp) -> gast.expr:
        """``a if <literal> else b``: the branch it takes (a rule's ``mode == 'full'``
        once the mode is in place)."""
        node.test = self.visit(node.test)
        value = self.literal(node.test)
        if value is _NO:
            self.generic_visit(node)
            return node
        self.changed = True
        return self.visit(node.body if value else node.orelse)

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id == "isinstance" and \
                "isinstance" not in self.defs and len(node.args) == 2 and not node.keywords:
            value, types = self.literal(node.args[0]), self.builtin_types(node.args[1])
            if value is not _NO and types is not _NO:
                return self.decided(node, isinstance(value, types))
        return node


class _Branches:
    """``if`` on a literal: the branch it takes, in its place."""

    def block(self, stmts: list) -> bool:
        changed = False
        at = 0
        while at < len(stmts):
            s = stmts[at]
            for field in ("body", "orelse"):
                if isinstance(s, (gast.If, gast.For, gast.While)):
                    changed |= self.block(getattr(s, field))
            if isinstance(s, gast.If) and isinstance(s.test, gast.Constant):
                taken = s.body if s.test.value else s.orelse
                stmts[at:at + 1] = taken
                at += len(taken)
                changed = True
            else:
                at += 1
        raised = next((k for k, s in enumerate(stmts) if isinstance(s, gast.Raise)), None)
        if raised is not None and raised + 1 < len(stmts):  # (nothing after it runs)
            del stmts[raised + 1:]
            changed = True
        return changed

