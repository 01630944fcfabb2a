"""Part of stage 3b (normalize): displays that unpack, written as the joins the later
stages know.  ``[a, *b, c]`` is ``[a] + list(b) + [c]``, ``(a, *b)`` is ``(a,) +
tuple(b)``, and a dict display with ``**d`` items or a constant key given twice,
``{**defaults, 'lr': lr}``, is ``dict(list(defaults.items()) + [('lr', lr)])``: a dict
of (key, value) pairs, whose adjoint gives a key's later value the key's item and
zeros to the values it replaced, as Python keeps only the last."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import gast

from s2sad.compiler.names import const

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def joined_display(norm: Normalizer, node: gast.expr) -> gast.expr | None:
    """``node`` (a list, tuple or dict display) as a join of plain displays and
    conversions, or None when it unpacks nothing (and gives no constant key twice)."""
    if isinstance(node, (gast.List, gast.Tuple)) and \
            any(isinstance(e, gast.Starred) for e in node.elts):
        return _joined_sequence(norm, node)
    if isinstance(node, gast.Dict) and (None in node.keys or _key_repeated(node)):
        return _joined_dict(norm, node)
    return None


def _joined_sequence(norm: Normalizer, node: gast.List | gast.Tuple) -> gast.expr:
    kind = type(node)
    convert = norm.ref(list if kind is gast.List else tuple)
    parts: list = []
    run: list = []
    for e in node.elts:
        if isinstance(e, gast.Starred):
            if run:
                parts.append(kind(elts=run, ctx=gast.Load()))
                run = []
            parts.append(gast.Call(func=convert, args=[e.value], keywords=[]))
        else:
            run.append(e)
    if run:
        parts.append(kind(elts=run, ctx=gast.Load()))
    return _sum(parts)


def _joined_dict(norm: Normalizer, node: gast.Dict) -> gast.expr:
    parts: list = []
    run: list = []
    for key, value in zip(node.keys, node.values):
        if key is None:  # (**mapping: its (key, value) pairs, in its order)
            if run:
                parts.append(gast.List(elts=run, ctx=gast.Load()))
                run = []
            items = gast.Call(func=gast.Attribute(value=value, attr="items", ctx=gast.Load()),
                              args=[], keywords=[])
            parts.append(gast.Call(func=norm.ref(list), args=[items], keywords=[]))
        else:
            run.append(gast.Tuple(elts=[key, value], ctx=gast.Load()))
    if run:
        parts.append(gast.List(elts=run, ctx=gast.Load()))
    return gast.Call(func=norm.ref(dict), args=[_sum(parts)], keywords=[])


def _sum(parts: list) -> gast.expr:
    return functools.reduce(lambda a, b: gast.BinOp(left=a, op=gast.Add(), right=b), parts)


def _key_repeated(node: gast.Dict) -> bool:
    keys = [k.value for k in node.keys if isinstance(k, gast.Constant)]
    return len(set(keys)) < len(keys)


def keywords_added(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``dict(m, k=v)`` (a mapping or pairs, and keywords): ``{**dict(m), 'k': v}``."""
    if len(node.args) != 1 or not node.keywords or \
            isinstance(node.args[0], gast.Starred) or any(k.arg is None for k in node.keywords):
        return None
    first = gast.Call(func=norm.ref(dict), args=[node.args[0]], keywords=[])
    return gast.Dict(keys=[None] + [const(k.arg) for k in node.keywords],
                     values=[first] + [k.value for k in node.keywords])
