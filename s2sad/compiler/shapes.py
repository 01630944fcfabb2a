"""Which values share a shape, and which a reverse sweep reads only for their shape.

The reverse sweep needs the shape of many values only to unbroadcast or spread
an adjoint (``unbroadcast(g, x)``, ``repeat_to(g, x, ...)``): those reads can
take the shape from an earlier value of the same shape, or keep only the shape
(``shape_of``), so the value itself need not be kept, or even computed.
"""
from __future__ import annotations

import gast

from s2sad.compiler.liveness import SHAPE_ARGUMENTS
from s2sad.compiler.names import load
from s2sad.compiler.primitives import primitive
from s2sad.compiler.walks import walk

SHAPE_POSITIONS = SHAPE_ARGUMENTS


def shape_only(exprs: list) -> set[str]:
    """Names the expressions read only for their shape (see ``shape_of``)."""
    shape_uses, value_uses = set(), set()
    for expr in exprs:
        in_shape = set()
        for n in walk(expr):
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
                for i in SHAPE_POSITIONS.get(n.func.id, ()):
                    if i < len(n.args) and isinstance(n.args[i], gast.Name):
                        in_shape.add(id(n.args[i]))
                        shape_uses.add(n.args[i].id)
        value_uses |= {n.id for n in walk(expr) if isinstance(n, gast.Name)
                       and id(n) not in in_shape}
    return shape_uses - value_uses


def shape_roots(defs: dict, namespace: dict, local: set[str],
                numbers: set[str] | frozenset[str]) -> dict:
    """For each elementwise result, the earliest value with its shape (``d * exp(-c)
    + arctan(d)`` has the shape of ``d``): shapes are read from there, so a value the
    reverse sweep needs only the shape of is not computed at all."""
    direct = {n: args for n, v in defs.items() if len(v) == 1 and
              (args := _elementwise_args(v[0], namespace, local, numbers))}
    roots: dict[str, str] = {}

    def root(n: str, depth: int = 0) -> str:
        if n not in roots:
            found = {root(a, depth + 1) for a in direct[n]} if n in direct and depth < 100 \
                else {n}
            roots[n] = found.pop() if len(found) == 1 else n
        return roots[n]
    return {n: root(n) for n in direct if root(n) != n}


def _elementwise_args(value: gast.expr, namespace: dict, local: set[str],
                      numbers: set[str] | frozenset[str]) -> list[str]:
    """The arguments whose common shape the result of an elementwise operation has
    (``-x``, ``x ** 2``, ``x * y``, ``np.tanh(x)``; numbers do not count)."""
    import numpy as np
    if isinstance(value, gast.UnaryOp):
        value = gast.BinOp(left=value.operand, op=gast.Add(), right=gast.Constant(0, None))
    if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
        sides = [value.left, value.right]
        if not all(isinstance(n, gast.Name) and n.id in local or isinstance(n, gast.Constant)
                   and isinstance(n.value, (int, float)) for n in sides):
            return []
        return [n.id for n in sides if isinstance(n, gast.Name) and n.id not in numbers]
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords and \
            isinstance(value.args[0], gast.Name) and value.args[0].id in local:
        prim = primitive(value, namespace, local)
        if prim is not None and isinstance(prim.key, np.ufunc) and prim.key.nin == 1 and \
                prim.key is not np.absolute:  # (|z| of a complex z is real: a like of
            return [value.args[0].id]  # another kind, whose adjoint is real)
    if isinstance(value, gast.Call) and len(value.args) == 2 and not value.keywords and \
            all(_operand(n, local) for n in value.args):
        prim = primitive(value, namespace, local)  # np.logaddexp(0.0, z), np.maximum(x, y)
        if prim is not None and isinstance(prim.key, np.ufunc) and prim.key.nin == 2 and \
                "dd->d" in prim.key.types:  # (a float of floats: not a comparison's bool)
            return [n.id for n in value.args if isinstance(n, gast.Name) and n.id not in numbers]
    return []


def _operand(n: gast.expr, local: set[str]) -> bool:
    """A name the function binds, or a literal number."""
    return isinstance(n, gast.Name) and n.id in local or isinstance(n, gast.Constant) and \
        isinstance(n.value, (int, float)) and not isinstance(n.value, bool)


def shapes_from(expr: gast.expr, same_shape: dict) -> gast.expr:
    """Read a shape from a value with the same shape that is kept anyway (``log`` of
    ``add`` has the shape of ``add``), so the value itself need not be kept or made."""
    for n in walk(expr):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
            for i in SHAPE_POSITIONS.get(n.func.id, ()):
                if i < len(n.args) and isinstance(n.args[i], gast.Name) and \
                        n.args[i].id in same_shape:
                    n.args[i] = load(same_shape[n.args[i].id])
    return expr
