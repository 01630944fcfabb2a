"""The facts of the late pass ``finite`` (:mod:`finite`): what an expression's value
is known to be (finite, positive, non-negative, at most one in size) from the names
it reads and the rules of the functions it calls (:mod:`s2sad.rules.facts`)."""
from __future__ import annotations

import math
from typing import Any

import gast
import numpy as np

from s2sad.compiler.primitives import evaluate_ref
from s2sad.rules.facts import FINITE, NONNEG, NONPOS, POS, UNIT, negated, of_result
from s2sad.runtime import pow_dbase

NONE: frozenset = frozenset()


def _constant_facts(c: Any) -> set:
    if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c):
        return set()
    out = {FINITE}
    out |= {POS, NONNEG} if c > 0 else {NONNEG, NONPOS} if c == 0 else {NONPOS}
    return out | ({UNIT} if abs(c) <= 1 else set())


class ExprFacts:
    """What is known of an expression's value (finite, positive, at most 1 in size...),
    from the facts of the names it reads (``facts``) and their single definitions."""

    def __init__(self, facts: dict, single: dict, namespace: dict) -> None:
        self.facts, self.single, self.namespace = facts, single, namespace

    def scaled(self, e: gast.expr, base: gast.expr) -> float | None:
        """``c`` when ``e`` is a name defined as ``c * base`` (``-0.5 * a`` times ``a``)."""
        v = self.single.get(e.id) if isinstance(e, gast.Name) else e
        if isinstance(v, gast.BinOp) and isinstance(v.op, gast.Mult) and \
                isinstance(base, gast.Name):
            for c, x in ((v.left, v.right), (v.right, v.left)):
                if literal_value(c) is not None and isinstance(x, gast.Name) and x.id == base.id:
                    return literal_value(c)
        return None

    def below_max(self, left: gast.expr, right: gast.expr) -> bool:
        """``x - np.max(x, ...)``: never positive (the stable softmax shift)."""
        v = self.single.get(right.id) if isinstance(right, gast.Name) else right
        return isinstance(v, gast.Call) and bool(v.args) and isinstance(left, gast.Name) and \
            isinstance(v.args[0], gast.Name) and v.args[0].id == left.id and \
            evaluate_ref(v.func, self.namespace) in (np.max, np.amax)

    def of(self, e: gast.expr) -> set:
        if isinstance(e, gast.Constant):
            return _constant_facts(e.value)
        if isinstance(e, gast.Name):
            return set(self.facts.get(e.id, NONE))
        if isinstance(e, gast.UnaryOp):
            f = self.of(e.operand)
            return negated(frozenset(f)) if isinstance(e.op, gast.USub) else \
                f if isinstance(e.op, gast.UAdd) else {FINITE}
        if isinstance(e, (gast.Compare, gast.BoolOp)):
            return {FINITE, NONNEG, UNIT}
        if isinstance(e, gast.BinOp):
            return self.binop(e)
        if isinstance(e, (gast.List, gast.Tuple)) and e.elts:
            return set.intersection(*(self.of(x) for x in e.elts))
        if isinstance(e, gast.Subscript):
            return self.of(e.value)
        if isinstance(e, gast.Attribute) and e.attr in ("T", "real", "flat"):
            return self.of(e.value) & {FINITE}
        if isinstance(e, gast.Call):
            return self.call(e)
        return set()

    def binop(self, e: gast.BinOp) -> set:
        a, b = self.of(e.left), self.of(e.right)
        both = a & b & {FINITE}
        if isinstance(e.op, gast.Add):
            positive = (POS in a and NONNEG in b) or (NONNEG in a and POS in b) or \
                _above_one(e.left, b) or _above_one(e.right, a)
            return both | (a & b & {NONNEG, NONPOS}) | ({POS, NONNEG} if positive else set())
        if isinstance(e.op, gast.Sub):
            return both | ({POS, NONNEG} if _above_one(e.left, b) else set()) | \
                ({NONPOS} if self.below_max(e.left, e.right) else set()) | \
                ({NONNEG} if NONNEG in a and NONPOS in b else set())
        if isinstance(e.op, gast.Mult):
            return both | (a & b & {UNIT, POS}) | self.product_sign(e, a, b)
        if isinstance(e.op, gast.MatMult):
            return set(both)
        if isinstance(e.op, gast.Div):
            return (both | (a & b & {POS, NONNEG})) if POS in b else set()
        if isinstance(e.op, gast.Pow) and (p := literal_value(e.right)) is not None:
            return self.power(a, p)
        return set()

    def chosen(self, cond: gast.expr, value: gast.expr, taken: bool) -> set:
        """What ``value`` is where ``np.where`` takes it: of ``np.where(s > 0, s, 1.0)``
        (the guard of ``np.log``), ``s`` is positive where chosen (``taken``: the first
        value, chosen where ``cond`` holds; else the second, where it does not)."""
        c = self.single.get(cond.id) if isinstance(cond, gast.Name) else cond
        if not (isinstance(c, gast.Compare) and len(c.ops) == 1 and
                isinstance(value, gast.Name)):
            return set()
        left, op, right = c.left, c.ops[0], c.comparators[0]
        if isinstance(right, gast.Name) and right.id == value.id and literal_value(left) == 0:
            left, right = right, left  # 0 < s: s > 0
            op = {gast.Lt: gast.Gt(), gast.LtE: gast.GtE(), gast.Gt: gast.Lt(),
                  gast.GtE: gast.LtE()}.get(type(op), op)
        if not (isinstance(left, gast.Name) and left.id == value.id and literal_value(right) == 0):
            return set()
        positive = isinstance(op, gast.Gt) if taken else isinstance(op, gast.LtE)
        nonneg = isinstance(op, gast.GtE) if taken else isinstance(op, gast.Lt)
        negative = isinstance(op, gast.Lt) if taken else isinstance(op, gast.GtE)
        nonpos = isinstance(op, gast.LtE) if taken else isinstance(op, gast.Gt)
        return ({POS, NONNEG} if positive else {NONNEG} if nonneg else set()) | \
            ({NONPOS} if negative or nonpos else set())

    def product_sign(self, e: gast.BinOp, a: set, b: set) -> set:
        same = isinstance(e.left, gast.Name) and isinstance(e.right, gast.Name) and \
            e.left.id == e.right.id
        k = self.scaled(e.left, e.right)
        k = self.scaled(e.right, e.left) if k is None else k
        out = set() if k is None else {NONNEG if k >= 0 else NONPOS}  # c * x * x: sign of c
        if same or (NONNEG in a and NONNEG in b) or (NONPOS in a and NONPOS in b):
            out.add(NONNEG)
        if (NONNEG in a and NONPOS in b) or (NONPOS in a and NONNEG in b):
            out.add(NONPOS)
        return out

    @staticmethod
    def power(a: set, p: float) -> set:
        whole = float(p).is_integer()
        if p >= 0 and whole:
            out = (a & {FINITE, POS}) | ({NONNEG} if p % 2 == 0 or NONNEG in a else set())
            return out | (a & {UNIT})
        if POS in a:  # fractional or negative powers of a positive value
            return {FINITE, POS, NONNEG}
        if p >= 0 and NONNEG in a:
            return (a & {FINITE, UNIT}) | {NONNEG}
        return set()

    def call(self, e: gast.Call) -> set:
        fn = evaluate_ref(e.func, self.namespace)
        args = [a for a in e.args if not isinstance(a, gast.Starred)]
        try:
            if fn is pow_dbase and len(args) == 2 and (p := literal_value(args[1])) is not None:
                return self.power(self.of(args[0]), p - 1) & {FINITE}
            if fn is np.where and len(args) == 3:
                return (self.of(args[1]) | self.chosen(args[0], args[1], True)) & \
                    (self.of(args[2]) | self.chosen(args[0], args[2], False))
        except TypeError:  # an unhashable callee
            return set()
        return of_result(fn, [frozenset(self.of(a)) for a in args])  # rules/facts.py


def literal_value(e: gast.expr) -> float | None:
    """The value of a numeric literal, ``-1.5`` included."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        inner = literal_value(e.operand)
        return None if inner is None else -inner
    if isinstance(e, gast.Constant) and isinstance(e.value, (int, float)) and \
            not isinstance(e.value, bool):
        return float(e.value)
    return None


def _above_one(e: gast.expr, other: set) -> bool:
    """``c + other`` with a constant ``c > 1`` and ``|other| <= 1``: positive."""
    return isinstance(e, gast.Constant) and isinstance(e.value, (int, float)) and \
        not isinstance(e.value, bool) and e.value > 1 and UNIT in other
