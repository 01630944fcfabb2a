"""What the ``branches`` pass knows of zeros: which expressions are zero whenever some
names are, and which statements change nothing then (:mod:`zero_branches`).

A zero adjoint times a value that is inf or nan contributes zero (the convention
``safe_mul`` keeps), so a product with a zero is zero.  Adding a zero to an
accumulator changes nothing only when the sum cannot broadcast it: the shapes must be
known equal.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import BuiltinMethodType
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.primitives import evaluate_ref

# zero when any argument is (products), when the first one is (linear maps of it)
PRODUCTS = (runtime.safe_mul, np.multiply, np.dot, np.matmul, np.inner, np.outer,
            np.multiply.outer)
LINEAR = (runtime.safe_div, runtime.unbroadcast, np.sum, np.transpose, np.reshape,
          np.negative, np.conj, np.real, np.divide, np.ravel, np.squeeze,
          runtime.diag_adjoint, runtime.unconcat, runtime.fresh)
SOLVES = (np.linalg.solve, runtime.tri_solve)  # zero when the right-hand side is
ZEROS = (runtime.zeros_like, np.zeros_like)
# an array's own methods and attributes that are linear in it (``dx.sum(axis=0)``, ``dJ.T``)
_LINEAR_METHODS = frozenset({"sum", "mean", "ravel", "reshape", "transpose", "copy",
                             "squeeze", "conj"})
_LINEAR_ATTRIBUTES = frozenset({"T", "mT", "real"})


@dataclass
class Known:
    """The namespace calls are resolved in, and the shape facts (None: unknown)."""

    namespace: dict
    shapes: dims.Facts | None


def carries(t: gast.stmt, zero: set[str], ctx: Known) -> str | bool | None:
    """The name ``t`` binds to a zero, False when ``t`` changes nothing while the
    ``zero`` names are zero (``dy -= dr``, ``dp[1] -= dr @ t``: also into an item of a
    zero adjoint, which stays zero), None when it does."""
    target = single_target(t)
    if target is not None and is_zero(t.value, zero, ctx):
        return target
    if target is not None and target not in zero and adds_zero(t.value, target, zero, ctx):
        return False
    if isinstance(t, gast.AugAssign) and isinstance(t.op, (gast.Add, gast.Sub)) and \
            is_zero(t.value, zero, ctx):
        if isinstance(t.target, gast.Subscript) and isinstance(t.target.value, gast.Name):
            return False  # (in place: no shape changes; a zero stays zero, the rest stays)
        if isinstance(t.target, gast.Name) and t.target.id not in zero and \
                same_shape(t.target, t.value, ctx):
            return False
    return None


def adds_zero(value: gast.expr, target: str, zero: set[str], ctx: Known) -> bool:
    """``target + e``, ``e + target``, ``target - e``, ``add_at(target, None, i, e)``,
    ``add_grads(target, e)`` with ``e`` zero and of ``target``'s shape."""
    if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub)):
        pairs = [(value.left, value.right)]
        if isinstance(value.op, gast.Add):
            pairs.append((value.right, value.left))
        return any(is_name(a, target) and is_zero(b, zero, ctx) and same_shape(a, b, ctx)
                   for a, b in pairs) or _adds_zero_terms(value, target, zero, ctx)
    if calls(value, ctx) is runtime.add_grads and len(value.args) == 2 and \
            not value.keywords:  # (``add_grads(dU, e)``: ``dU + e`` of arrays)
        acc, g = value.args
        return is_name(acc, target) and is_zero(g, zero, ctx) and same_shape(acc, g, ctx)
    if calls(value, ctx) is runtime.add_at and len(value.args) == 4:
        acc, like, _, g = value.args
        return is_name(acc, target) and is_none(like) and is_zero(g, zero, ctx) and \
            is_array(acc, ctx)
    return False


def _adds_zero_terms(value: gast.BinOp, target: str, zero: set[str], ctx: Known) -> bool:
    """``target + a - b + c`` (a chain from the left) with every term zero, each of
    ``target``'s shape or a number (adding a number cannot change the shape):
    ``dr = dr + ditems[1] * t + ditems[0]``."""
    terms = []
    e: gast.expr = value
    while isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub)):
        terms.append(e.right)
        e = e.left
    if not is_name(e, target) or ctx.shapes is None:
        return False
    shape = ctx.shapes.of(e)
    return dims.known(shape) and all(
        is_zero(b, zero, ctx) and ctx.shapes.of(b) in (shape, ()) for b in terms)


def is_zero(e: gast.expr, zero: set[str], ctx: Known) -> bool:
    """``e`` is zero whenever the ``zero`` names are."""
    if isinstance(e, gast.Name):
        return e.id in zero
    if isinstance(e, gast.Constant):
        return type(e.value) in (int, float, complex) and e.value == 0
    if isinstance(e, gast.Subscript):
        return is_zero(e.value, zero, ctx)
    if isinstance(e, (gast.Tuple, gast.List)):  # (the pieces of a zero: zeros)
        return bool(e.elts) and all(is_zero(x, zero, ctx) for x in e.elts)
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
        return is_zero(e.operand, zero, ctx)
    if isinstance(e, gast.BinOp):
        if isinstance(e.op, (gast.Mult, gast.MatMult)):
            return is_zero(e.left, zero, ctx) or is_zero(e.right, zero, ctx)
        if isinstance(e.op, gast.Div):
            return is_zero(e.left, zero, ctx)
        if isinstance(e.op, (gast.Add, gast.Sub)):
            return is_zero(e.left, zero, ctx) and is_zero(e.right, zero, ctx)
        return False
    if isinstance(e, gast.Attribute):
        return e.attr in _LINEAR_ATTRIBUTES and is_zero(e.value, zero, ctx)
    if isinstance(e, gast.Call):
        return zero_call(e, zero, ctx)
    return False


def zero_call(e: gast.Call, zero: set[str], ctx: Known) -> bool:
    f = e.func
    if isinstance(f, gast.Attribute) and f.attr in _LINEAR_METHODS and \
            not (isinstance(f.value, gast.Name) and f.value.id in ctx.namespace):
        return is_zero(f.value, zero, ctx)  # (a method of a value, not a module's function)
    fn = calls(e, ctx)
    if e.keywords and fn is not runtime.zeros_like:
        return False
    if among(fn, ZEROS):
        return True
    if among(fn, PRODUCTS):
        return any(is_zero(a, zero, ctx) for a in e.args)
    if among(fn, LINEAR):
        return bool(e.args) and is_zero(e.args[0], zero, ctx)
    if among(fn, SOLVES):
        return len(e.args) >= 2 and is_zero(e.args[1], zero, ctx)
    if fn is runtime.add_at and len(e.args) == 4:
        acc, _, _, g = e.args
        return (is_none(acc) or is_zero(acc, zero, ctx)) and is_zero(g, zero, ctx)
    return False


def among(fn: Any, table: tuple) -> bool:
    """``fn`` is one of ``table`` (a ufunc's method, ``np.multiply.outer``, is made anew
    at each look-up: equal, not the same object)."""
    return any(fn is f or isinstance(fn, BuiltinMethodType) and fn == f for f in table)


def calls(e: gast.expr, ctx: Known) -> Any:
    return evaluate_ref(e.func, ctx.namespace) if isinstance(e, gast.Call) else None


def same_shape(a: gast.expr, b: gast.expr, ctx: Known) -> bool:
    """Adding ``b`` to ``a`` cannot change ``a``'s shape: both known, and equal."""
    if ctx.shapes is None:
        return False
    sa, sb = ctx.shapes.of(a), ctx.shapes.of(b)
    return dims.known(sa) and sa == sb


def is_array(e: gast.expr, ctx: Known) -> bool:
    """``e`` is an array or a number (not a list, tuple or dict of adjoints)."""
    return ctx.shapes is not None and isinstance(ctx.shapes.of(e), tuple)


def single_target(s: gast.stmt) -> str | None:
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name):
        return s.targets[0].id
    return None


def root(e: gast.expr) -> str | None:
    while isinstance(e, (gast.Subscript, gast.Attribute)):
        e = e.value
    return e.id if isinstance(e, gast.Name) else None


def is_name(e: gast.expr, name: str) -> bool:
    return isinstance(e, gast.Name) and e.id == name


def is_none(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and e.value is None
