"""Attribute reads of a record built in the function read as the item itself.

An object made inside (a dataclass, a plain class, a named tuple: ``p = Params(w, b)``)
is built as ``named_tuple(w, b, kind=Params)`` and read as ``getattr(p, 'w')`` (a method
storing into it, ``self.w = v``, makes ``q = field_set(p, 'w', v)``: a record of ``p``'s
items but ``v``).  Through the record, the reverse sweep adds every attribute's adjoint
into a record of adjoints (``field_add``) and takes them out again, through generic
helpers the shape facts cannot make plain.  So, on the SSA core form, a read
``getattr(p, 'w')`` after ``p`` is built in the same block (or one around it) is
``w``: the value read is the item, the same object, where ``p`` and the item are names
bound once; the record is then left with no reader (dropped) unless it is passed on
whole.
"""
from __future__ import annotations

import builtins
from collections import Counter
from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import blocks
from s2sad.compiler.walks import nodes


def rewrite(node: gast.FunctionDef, namespace: dict[str, Any]) -> gast.FunctionDef:
    """``node`` with each attribute read of a record built in it the item read."""
    if not any(v is runtime.named_tuple for v in namespace.values()):
        return node  # (no record built: normalize refers to named_tuple where it builds one)
    found = list(nodes(node.body))
    stores = Counter(n.id for n in found if n.__class__ is gast.Name and
                     n.ctx.__class__ is not gast.Load)
    params = {a.id for a in node.args.args + node.args.kwonlyargs}
    once = {n for n, k in stores.items() if k == 1 and n not in params} | \
        {p for p in params if p not in stores}
    for block in blocks(node.body):
        records: dict[str, tuple[type, list]] = {}
        for s in block:
            _read_items(s, records, namespace)
            _note_record(s, records, once, namespace)
    return node


def _note_record(s: gast.stmt, records: dict, once: set[str], namespace: dict) -> None:
    """``s`` binding a record (``t = named_tuple(a, b, kind=K)``, or ``u = t``): noted."""
    if s.__class__ is not gast.Assign or len(s.targets) != 1 or \
            s.targets[0].__class__ is not gast.Name or s.targets[0].id not in once:
        return
    v, name = s.value, s.targets[0].id
    if v.__class__ is gast.Name and v.id in records:
        records[name] = records[v.id]
        return
    if v.__class__ is gast.Call and len(v.args) == 3 and v.args[0].__class__ is gast.Name \
            and v.args[0].id in records and v.args[1].__class__ is gast.Constant and \
            _once(v.args[2], once) and evaluate_ref(v.func, namespace) is runtime.field_set:
        kind, items = records[v.args[0].id]  # r2 = field_set(r1, 'a', w): r1's items, w
        if v.args[1].value in kind._fields:
            at = kind._fields.index(v.args[1].value)
            records[name] = (kind, items[:at] + [v.args[2]] + items[at + 1:])
        return
    if v.__class__ is not gast.Call or evaluate_ref(v.func, namespace) is not \
            runtime.named_tuple or [k.arg for k in v.keywords] != ["kind"] or \
            not all(_once(a, once) for a in v.args):
        return
    kind = evaluate_ref(v.keywords[0].value, namespace)
    fields = getattr(kind, "_fields", None)
    if isinstance(fields, tuple) and len(fields) == len(v.args):
        records[name] = (kind, v.args)


def _once(a: gast.expr, once: set[str]) -> bool:
    return a.__class__ is gast.Constant or a.__class__ is gast.Name and a.id in once


def _read_items(s: gast.stmt, records: dict, namespace: dict) -> None:
    """Every ``getattr(t, 'a')`` in ``s`` of a record ``t`` noted: its item."""
    if not records:
        return
    for n in list(nodes([s])):
        for field in ("value", "args", "elts", "left", "right", "comparators", "values"):
            child = getattr(n, field, None)
            if isinstance(child, list):
                setattr(n, field, [_item(c, records, namespace) for c in child])
            elif isinstance(child, gast.Call):
                setattr(n, field, _item(child, records, namespace))


def field_read(n: Any, namespace: dict) -> tuple[str, Any] | None:
    """``getattr(r, 'a')`` of a name: (``r``, ``'a'``), else None."""
    if n.__class__ is not gast.Call or len(n.args) != 2 or n.keywords or \
            n.args[0].__class__ is not gast.Name or n.args[1].__class__ is not gast.Constant:
        return None
    try:
        is_getattr = evaluate_ref(n.func, namespace) is builtins.getattr
    except TypeError:
        return None
    return (n.args[0].id, n.args[1].value) if is_getattr else None


def _item(n: Any, records: dict, namespace: dict) -> Any:
    read = field_read(n, namespace)
    if read is None or read[0] not in records:
        return n
    kind, items = records[read[0]]
    if read[1] not in kind._fields:
        return n
    item = items[kind._fields.index(read[1])]
    return load(item.id) if item.__class__ is gast.Name else gast.Constant(
        value=item.value, kind=None)
