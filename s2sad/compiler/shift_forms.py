"""Part of stage 5 (:mod:`shifts`): a number ``m`` (the maximum of a whole array,
``np.max(s)``) subtracted to keep ``exp`` in range and added back after a ``log``, with
linear maps between them (ListMLE's ``log(cumsum(exp(s - m)[::-1])[::-1]) + m``, a
log-sum-exp of a slice, a mean of log-probabilities):

    z = s - m            s - 1*m          (an additive form: value + k*m)
    e = np.exp(z)        exp(s) * e^-m    (a multiplicative form: value * e^(k*m))
    t = np.cumsum(e)     cumsum(exp(s)) * e^-m   (linear maps keep the factor: m a number)
    l = np.log(t)        log(cumsum(exp(s))) - 1*m
    y = l + m            log(cumsum(exp(s))) + 0*m   (k = 0: free of m)

Each value that reads ``m`` is given such a form, from its operands' forms, by the rules
below; the maximum carries no gradient when every value with a non-zero ``k`` is read
only by assignments whose forms are known: then no value outside the chain depends on
``m`` at all, exactly (not to rounding), whatever ``m`` is.  A value read anywhere else
(returned, compared, a branch's test, a call with no rule here, a value carried round a
loop) keeps the maximum's gradient.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import gast
import numpy as np

from s2sad.compiler.walks import walk

ADD, MUL = "add", "mul"  # value + k*m;  value * exp(k*m)
Form = tuple[str, Fraction]
_FREE: Form = (ADD, Fraction(0))

_SCALAR_MAXIMA = (np.max, np.amax, np.min, np.amin)
_LINEAR = (np.cumsum, np.sum, np.flip, np.transpose, np.reshape, np.ravel)
_SHAPE_ONLY = (np.flip, np.transpose, np.reshape, np.ravel)  # (also keep value + k*m)


def whole_extremum(shifts: Any, m: str) -> bool:
    """``m = np.max(x)`` (or min) over every axis to a number."""
    prim = shifts.call(m, *_SCALAR_MAXIMA)
    if prim is None or prim.keywords.get("keepdims") is not None or len(prim.args) != 1:
        return False
    at = prim.keywords.get("axis")
    return at is None or isinstance(at, gast.Constant) and at.value is None


def cancels(shifts: Any, m: str) -> bool:
    """Whether nothing outside the chain of values reading ``m`` (a number) depends on
    it (module docstring); ``shifts`` a :class:`shifts._Shifts`."""
    tainted = _readers_closure(shifts, m)
    forms: dict[str, Form] = {m: (ADD, Fraction(1))}
    progress = True
    while progress:
        progress = False
        for u in sorted(tainted - forms.keys()):
            ops = [n for n in _operand_names(shifts.single[u]) if n in tainted or n == m]
            if not all(n in forms for n in ops):
                continue
            form = _form(shifts, shifts.single[u], forms)
            if form is None:
                if any(forms[n][1] != 0 for n in ops):
                    return False
                form = _FREE
            forms[u], progress = form, True
    for name, (_, k) in forms.items():
        if k != 0:
            readers = shifts.only_users(name)
            if shifts.loads.get(name, 0) and not readers or \
                    any(r not in forms for r in readers):
                return False
    return True


def _readers_closure(shifts: Any, m: str) -> set[str]:
    seen: set[str] = set()
    todo = [m]
    while todo:
        for u in shifts.users.get(todo.pop(), []):
            if u not in seen:
                seen.add(u)
                todo.append(u)
    seen.discard(m)
    return seen


def _operand_names(value: gast.expr) -> list[str]:
    return [n.id for n in walk(value) if isinstance(n, gast.Name)]


def _operand(node: gast.expr, forms: dict[str, Form]) -> Form | None:
    """A Name's form (free if it does not read ``m``); a constant is free; None for
    anything else that reads a value with a non-zero form."""
    if isinstance(node, gast.Name):
        return forms.get(node.id, _FREE)
    if any(isinstance(n, gast.Name) and forms.get(n.id, _FREE)[1] != 0 for n in walk(node)):
        return None
    return _FREE


def _form(shifts: Any, value: gast.expr, forms: dict[str, Form]) -> Form | None:
    """The form of one assignment's value, None where no rule applies."""
    if isinstance(value, gast.BinOp):
        left, right = _operand(value.left, forms), _operand(value.right, forms)
        if left is None or right is None:
            return None
        return _binop(value.op, left, right, value.left, value.right)
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        inner = _operand(value.operand, forms)
        if inner is None:
            return None
        return (ADD, -inner[1]) if inner[0] == ADD else inner
    if isinstance(value, gast.Subscript):  # (indexing commutes with a number's shift)
        return _operand(value.value, forms) if _operand(value.slice, forms) == _FREE \
            else None
    return _call(shifts, value, forms)


def _call(shifts: Any, value: gast.expr, forms: dict[str, Form]) -> Form | None:
    prim = shifts.call_value(value, np.exp, np.log, np.mean, *_LINEAR)
    if prim is None or not prim.args or \
            any(_operand(a, forms) != _FREE for a in [*prim.args[1:],
                                                      *prim.keywords.values()]):
        return None
    arg = _operand(prim.args[0], forms)
    if arg is None or arg[1] == 0:
        return None if arg is None else _FREE
    kind, k = arg
    if prim.key is np.exp:
        return (MUL, k) if kind == ADD else None
    if prim.key is np.log:
        return (ADD, k) if kind == MUL else None
    # a linear map takes the factor e^(k*m), a number, out; one that only moves
    # entries, or a mean (mean(v + k*m) = mean(v) + k*m), keeps v + k*m too
    return arg if kind == MUL or prim.key is np.mean or prim.key in _SHAPE_ONLY else None


def _binop(op: gast.operator, left: Form, right: Form, lnode: gast.expr,
           rnode: gast.expr) -> Form | None:
    (lk, lv), (rk, rv) = left, right
    if lv == 0 and rv == 0:
        return _FREE
    if isinstance(op, (gast.Add, gast.Sub)):
        sign = 1 if isinstance(op, gast.Add) else -1
        if (lk == ADD or lv == 0) and (rk == ADD or rv == 0):
            return (ADD, lv + sign * rv)
        return left if lk == rk == MUL and lv == rv else None  # (u e^(km) + v e^(km))
    if isinstance(op, (gast.Mult, gast.MatMult)):  # (free factors: v e^(km) * w)
        if lk == MUL and rk == MUL or lv == 0 and rk == MUL or rv == 0 and lk == MUL:
            return (MUL, _factor(left) + _factor(right))
        if isinstance(op, gast.MatMult):
            return None
        return _scaled(left, rnode) if rv == 0 else _scaled(right, lnode)
    if isinstance(op, gast.Div):
        if rk == MUL and (lk == MUL or lv == 0):
            return (MUL, _factor(left) - rv)
        if rv == 0 and lk == MUL:
            return left
        if rv == 0 and isinstance(rnode, gast.Constant) and _number(rnode.value):
            return (ADD, lv / Fraction(rnode.value)) if rnode.value else None
    return None


def _factor(form: Form) -> Fraction:
    """``k`` of a factor ``e^(k*m)`` (0 for a value free of ``m``)."""
    return form[1] if form[0] == MUL else Fraction(0)


def _scaled(form: Form, factor: gast.expr) -> Form | None:
    """``value + k*m`` times a free ``factor``: a plain number keeps the form."""
    if isinstance(factor, gast.Constant) and _number(factor.value):
        return (ADD, form[1] * Fraction(factor.value))
    return None


def _number(v: object) -> bool:
    return type(v) in (int, float) and v == v and v not in (float("inf"), float("-inf"))
