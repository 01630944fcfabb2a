"""Reverse mode: ``v = a * b`` where the same block made ``a = c * b`` of a number ``c``;
``v = a ** 2`` (or ``a * a``, ``np.square(a)``) where it made ``a = np.abs(z)``.

Python reads ``0.5 * u * u`` as ``(0.5 * u) * u``.  Differentiated one product at a
time, ``b`` gets ``g * a`` straight and ``g * b * c`` through ``a``: three passes over
the arrays more than the one term both are, ``2 c g b``, and ``a`` kept on a loop's tape
for the first.  This module finds such products, block by block, so that the reverse
stage writes the one term (and ``a`` gets no contribution from the product: its own
statement is then differentiated only for its other readers, if any).  The forward
sweep is not changed (its numbers stay Python's); the adjoint differs from the two
terms' sum by rounding only.

``np.abs(z) ** 2`` is differentiated as the one term it is, ``2 g conj(z)``
(``conj_if_complex``: ``2 g z`` of a real ``z``), not as ``2 |z|`` times ``abs``'s slope
(``sign(z)``, or ``conj(z) / |z|`` of a complex ``z``: a division and a mask over the
array): the same numbers but rounding, and 0 at ``z = 0`` as the slope's.

The pair is taken only from one block, with ``b`` not bound again
between ``a``'s statement and the product: there the names hold the values ``a`` was
computed from, in the forward sweep and, restored by the tape, in the reverse sweep.
"""
from __future__ import annotations

import builtins
import operator
from typing import Any

import gast
import numpy as np

from s2sad.compiler import templates
from s2sad.compiler.names import const, load
from s2sad.compiler.primitives import Prim, primitive
from s2sad.compiler.walks import name_nodes

Scaled = dict[str, tuple[Any, str]]  # a -> (the number c, the name b) of a = c * b
MULTIPLY = (operator.mul, np.multiply)


ABSOLUTE = (np.absolute, operator.abs, builtins.abs)
SQUARE = "s"  # the number c of a name bound to ``np.abs(b)``: the pair (SQUARE, b)


def scaled_names(stmts: list, namespace: dict[str, Any] | None = None,
                 local: set[str] | None = None) -> list[Scaled]:
    """Per statement of a block: the names bound before it in the block to ``c * b`` (or
    ``b * c``) of a number literal ``c`` and a name ``b`` (or to ``np.abs(b)``, when the
    ``namespace`` to resolve calls in is given), where no statement since has bound or
    written into ``b`` or the name itself (and none is a compound statement)."""
    out: list[Scaled] = []
    known: Scaled = {}
    for s in stmts:
        out.append(dict(known))
        if not isinstance(s, gast.Assign):  # (a nested block, a call for its effect)
            known = {}
            continue
        stored = {n.id for t in s.targets for n in name_nodes(t)}  # (b[i] = v writes b)
        known = {a: (c, b) for a, (c, b) in known.items() if not stored & {a, b}}
        pair = _scaled(s) or _absolute(s, namespace, local)
        if pair is not None:
            known[s.targets[0].id] = pair
    return out


def _absolute(s: gast.Assign, namespace: dict[str, Any] | None,
              local: set[str] | None) -> tuple[Any, str] | None:
    """(SQUARE, ``b``) of ``a = np.abs(b)`` (or ``abs(b)``), ``b`` a name other than ``a``."""
    if namespace is None or not isinstance(s.value, gast.Call) or \
            len(s.targets) != 1 or not isinstance(s.targets[0], gast.Name):
        return None
    prim = primitive(s.value, namespace, local or set())
    if prim is None or prim.keywords or len(prim.args) != 1 or \
            not any(prim.key is f for f in ABSOLUTE):
        return None
    b = prim.args[0]
    return (SQUARE, b.id) if isinstance(b, gast.Name) and b.id != s.targets[0].id else None


def _scaled(s: gast.stmt) -> tuple[gast.expr, str] | None:
    """(``c``, ``b``) of ``a = c * b`` or ``a = b * c``, ``c`` a number literal."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and
            isinstance(s.value.op, gast.Mult)):
        return None
    left, right = s.value.left, s.value.right
    for c, b in ((left, right), (right, left)):
        if _number(c) and isinstance(b, gast.Name) and b.id != s.targets[0].id:
            return c, b.id
    return None


def absolute_square(prim: Prim, scaled: Scaled, g: gast.expr
                    ) -> tuple[str, gast.expr, bool] | None:
    """(``z``, its contribution, False: not an accumulation) of ``a ** 2``, ``a * a`` or
    ``np.square(a)`` of ``a = np.abs(z)``, for the adjoint ``g``; else None."""
    args = prim.args
    if prim.keywords or not args or not isinstance(args[0], gast.Name):
        return None
    if len(args) == 1:
        squared = prim.key is np.square
    else:
        second = args[1]
        squared = len(args) == 2 and (prim.key in MULTIPLY and isinstance(
            second, gast.Name) and second.id == args[0].id or prim.key in (
            operator.pow, np.power) and _two(second))
    pair = scaled.get(args[0].id) if squared else None
    if pair is None or pair[0] is not SQUARE:
        return None
    z = pair[1]
    return z, templates.instantiate("safe_mul(g, 2 * conj_if_complex(z))",
                                    {"g": g, "z": load(z)}), False


def _two(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float) and e.value == 2


def _number(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float)


def one_term(key: object, params: tuple, mapping: dict, scaled: Scaled) -> tuple:
    """(the parameter whose contribution is dropped, the mapping the templates are
    instantiated with): for a product ``a * b`` (either order) of ``a = c * b``, ``a``'s
    parameter, and ``a`` standing for ``2c * b`` in the template of ``b``
    (``safe_mul(g, a)``); else (None, ``mapping``)."""
    if key not in MULTIPLY or len(params) != 2:
        return None, mapping
    x, y = (mapping.get(p) for p in params)
    if not (isinstance(x, gast.Name) and isinstance(y, gast.Name)):
        return None, mapping
    for dropped, (a, b) in ((0, (x, y)), (1, (y, x))):
        pair = scaled.get(a.id)
        if pair is not None and pair[0] is not SQUARE and pair[1] == b.id:
            twice = gast.BinOp(left=const(2 * pair[0].value), op=gast.Mult(),
                               right=load(b.id))
            return params[dropped], {**mapping, params[dropped]: twice}
    return None, mapping
