"""Reverse mode: ``v = a * b`` where the same block made ``a = c * b`` of a number ``c``.

Python reads ``0.5 * u * u`` as ``(0.5 * u) * u``.  Differentiated one product at a
time, ``b`` gets ``g * a`` straight and ``g * b * c`` through ``a``: three passes over
the arrays more than the one term both are, ``2 c g b``, and ``a`` kept on a loop's tape
for the first.  This module finds such products, block by block, so that the reverse
stage writes the one term (and ``a`` gets no contribution from the product: its own
statement is then differentiated only for its other readers, if any).  The forward
sweep is not changed (its numbers stay Python's); the adjoint differs from the two
terms' sum by rounding only.

The pair is taken only from one block, with ``b`` not bound again
between ``a``'s statement and the product: there the names hold the values ``a`` was
computed from, in the forward sweep and, restored by the tape, in the reverse sweep.
"""
from __future__ import annotations

import operator

import gast
import numpy as np

from s2sad.compiler.names import const, load
from s2sad.compiler.walks import name_nodes

Scaled = dict[str, tuple[gast.expr, str]]  # a -> (the number c, the name b) of a = c * b
MULTIPLY = (operator.mul, np.multiply)


def scaled_names(stmts: list) -> list[Scaled]:
    """Per statement of a block: the names bound before it in the block to ``c * b`` (or
    ``b * c``) of a number literal ``c`` and a name ``b``, where no statement since has
    bound or written into ``b`` or the name itself (and none is a compound statement)."""
    out: list[Scaled] = []
    known: Scaled = {}
    for s in stmts:
        out.append(dict(known))
        if not isinstance(s, gast.Assign):  # (a nested block, a call for its effect)
            known = {}
            continue
        stored = {n.id for t in s.targets for n in name_nodes(t)}  # (b[i] = v writes b)
        known = {a: (c, b) for a, (c, b) in known.items() if not stored & {a, b}}
        pair = _scaled(s)
        if pair is not None:
            known[s.targets[0].id] = pair
    return out


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
        if pair is not None and pair[1] == b.id:
            twice = gast.BinOp(left=const(2 * pair[0].value), op=gast.Mult(),
                               right=load(b.id))
            return params[dropped], {**mapping, params[dropped]: twice}
    return None, mapping
