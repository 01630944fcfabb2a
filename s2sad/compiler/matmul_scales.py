"""Part of :mod:`matmul_factors`: the numbers scaling a matrix product, read out of it
and out of names bound to a scaled or negated matrix, so that two products sharing a
factor up to a number are seen to share it.

A pairwise distance matrix written ``D = sq[:, None] + sq[None, :] - 2.0 * E @ E.T``
multiplies ``mul = 2.0 * E`` by ``E.T``; its adjoint, ``dmatmul = -dD``, reaches ``E``
along both factors: ``(mul.T @ dmatmul).T + dmatmul @ E * 2.0``.  Read through
``mul`` and ``dmatmul`` these are ``dD.T @ E * -2.0`` and ``dD @ E * -2.0``: one
product, ``(dD.T + dD) @ E * -2.0``, where a person writes ``G = dD + dD.T``.

Only numbers written in the code (``2.0``, ``-0.5``, ``-x``) count as scales, and only
names bound in the same block to ``c * X``, ``X * c`` or ``-X`` of a name ``X``, neither
bound nor written into again before the product (the caller keeps that map).  A
product's scale moved out of it rounds differently (``A @ (c * X)`` and ``(A @ X) * c``
differ in the last bits unless ``c`` is a power of two); nothing else does.
"""
from __future__ import annotations

import gast

Scaled = dict[str, tuple[float, str]]  # t -> (c, X) of ``t = c * X`` bound in the block


def number(e: gast.expr) -> float | None:
    """The value of a number written in the code (``2.0``, ``-3``), else None."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        inner = number(e.operand)
        return None if inner is None else -inner
    if isinstance(e, gast.Constant) and type(e.value) in (int, float):
        return e.value
    return None


def scaled_binding(s: gast.stmt) -> tuple[str, float, str] | None:
    """(t, c, X) of ``t = c * X``, ``t = X * c`` or ``t = -X`` (c = -1) of names."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    core, c = unscaled(s.value)
    if c == 1 or not isinstance(core, gast.Name) or core.id == s.targets[0].id:
        return None
    return s.targets[0].id, c, core.id


def unscaled(e: gast.expr) -> tuple[gast.expr, float]:
    """``e`` without the numbers multiplying it, and their product."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        core, c = unscaled(e.operand)
        return core, -c
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult):
        for side, other in ((e.left, e.right), (e.right, e.left)):
            value = number(side)
            if value is not None:
                core, more = unscaled(other)
                return core, value * more
    return e, 1


def read_through(e: gast.expr, scaled: Scaled) -> tuple[gast.expr, float]:
    """``X`` and ``c`` for ``t`` of ``t = c * X``, ``X.T`` and ``c`` for ``t.T``;
    ``e`` and 1 otherwise."""
    transposed = isinstance(e, gast.Attribute) and e.attr == "T"
    name = e.value if transposed else e
    if not (isinstance(name, gast.Name) and name.id in scaled):
        return e, 1
    c, x = scaled[name.id]
    out: gast.expr = gast.Name(id=x, ctx=gast.Load(), annotation=None, type_comment=None)
    return (gast.Attribute(value=out, attr="T", ctx=gast.Load()) if transposed else out), c


def scaled_by(e: gast.expr, c: float) -> gast.expr:
    """``e * c`` (``e`` itself for 1)."""
    if c == 1:
        return e
    return gast.BinOp(left=e, op=gast.Mult(), right=gast.Constant(value=c, kind=None))
