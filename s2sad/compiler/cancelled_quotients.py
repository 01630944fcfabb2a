"""Part of the late pass ``algebra``: a sum with a quotient by ``m``, read only multiplied
by ``m``, multiplied out.

``np.log(mu)``'s adjoint divides by ``mu``, and ``mu = np.exp(eta)``'s multiplies by it:
a Poisson regression's ``np.sum(mu - y * np.log(mu))`` has ``dmu = c - c * y / mu`` then
``deta = dmu * mu`` (and ``db = dmu @ mu``, its sum): three passes over the data and a
division where ``deta = c * mu - c * y`` takes two (one, ``c * (mu - y)``, once the
common factor is taken out), the function a person writes.

For ``d = t1 + t2 - ...`` bound in a block (and added into by the statements right
after it: ``d = d + t3``), some term a quotient ``T / m`` by a name, where every read of
``d`` is one ``d * m`` in a later statement, and ``d @ m`` of vectors (the product
then named in front of the first read, and ``np.sum`` of it for the dots): ``t1 * m +
T ...`` in its place, each quotient's ``m`` gone, and ``d`` no more.  Neither ``m``
nor a name the sum reads bound or written into in between.  The same value up to
rounding; where ``m`` is 0 (an ``exp`` that underflowed) the limit where the quotient
gave NaN.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import Namer, assign, load, np_attr
from s2sad.compiler.node_scans import nodes_of, written_names
from s2sad.compiler.walks import blocks, name_ids, name_nodes, parent_map, replace_child


def cancel(body: list, ranks: Any, namer: Namer) -> list:
    """``body`` with each such sum multiplied out (in place); ``ranks(name)``: the rank
    of a name's value, or None."""
    loads: dict[str, int] = {}
    for n in name_nodes(body):
        if isinstance(n.ctx, gast.Load):
            loads[n.id] = loads.get(n.id, 0) + 1
    for block in blocks(body):
        k = 0
        while k < len(block):
            found = _quotient_sum(block, k)
            if found is not None:
                _multiply_out(block, k, found[1], found[0], loads, ranks, namer)
            k += 1
    return body


def _quotient_sum(block: list, k: int) -> tuple[list, int] | None:
    """The signed terms of ``d = t1 - t2 ...`` at ``block[k]`` (with the statements right
    after it adding into ``d``: ``d = d + t3``, ``d -= t4``) and the index of the last
    of them, where a quotient by a name is among the terms."""
    s = block[k]
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    d = s.targets[0].id
    terms, last = _terms(s.value, 1), k
    for t in block[k + 1:]:
        more = _added(t, d)
        if more is None:
            break
        terms, last = terms + more, last + 1
    return (terms, last) if len(terms) > 1 and any(_divisor(t) for _, t in terms) else None


def _added(s: gast.stmt, d: str) -> list | None:
    """The signed terms ``s`` adds into ``d`` (``d = d + e``, ``d += e``, ``-`` alike)."""
    if isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Name) and \
            s.target.id == d and isinstance(s.op, (gast.Add, gast.Sub)):
        op, e = s.op, s.value
    elif isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and s.targets[0].id == d and \
            isinstance(s.value, gast.BinOp) and isinstance(s.value.op, (gast.Add, gast.Sub)) \
            and isinstance(s.value.left, gast.Name) and s.value.left.id == d:
        op, e = s.value.op, s.value.right
    else:
        return None
    return None if d in name_ids(e, gast.Load) else \
        _terms(e, 1 if isinstance(op, gast.Add) else -1)


def _terms(e: gast.expr, sign: int) -> list:
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub)):
        return _terms(e.left, sign) + _terms(e.right, sign if isinstance(e.op, gast.Add)
                                             else -sign)
    return [(sign, e)]


def _divisor(t: gast.expr) -> str | None:
    return t.right.id if isinstance(t, gast.BinOp) and isinstance(t.op, gast.Div) and \
        isinstance(t.right, gast.Name) else None


def _multiply_out(block: list, k: int, c: int, terms: list, loads: dict, ranks: Any,
                  namer: Namer) -> None:
    """The sum bound at ``block[k]`` (added into up to ``block[c]``) multiplied out."""
    d = block[k].targets[0].id
    ms = {_divisor(t) for _, t in terms} - {None}
    m = ms.pop() if len(ms) == 1 else None
    if m is None:
        return
    uses = [(j, s) for j, s in enumerate(block[c + 1:], c + 1) if d in name_ids(s, gast.Load)]
    found = [(j, n) for j, s in uses for n in nodes_of([s], (gast.BinOp,))
             if _product_of(n, d, m, gast.MatMult if isinstance(s, gast.Assign) and
                            s.value is n and isinstance(n.op, gast.MatMult) else gast.Mult)]
    dots = [(j, s) for j, s in uses if isinstance(s, gast.Assign) and
            _product_of(s.value, d, m, gast.MatMult)]
    products = [(j, n) for j, n in found if isinstance(n.op, gast.Mult)]
    chained = sum(isinstance(s, gast.Assign) for s in block[k + 1:c + 1])  # (d = d + e)
    if len(products) != 1 or loads.get(d, 0) != 1 + len(dots) + chained or \
            len(uses) != 1 + len(dots) or dots and not (ranks(d) == 1 and ranks(m) == 1):
        return
    at, node = products[0]
    read = {i for s in block[k:c + 1] for i in name_ids(s, gast.Load)} | {m, d}
    last = max(j for j, _ in uses)
    if any(read & written_names(s) for s in block[c + 1:last + 1] if s is not block[at]):
        return
    product = _product_sum(terms, m)
    holder = block[at]
    named = isinstance(holder, gast.Assign) and holder.value is node and \
        isinstance(holder.targets[0], gast.Name) and at < min(j for j, _ in dots or uses)
    if named and dots and any(holder.targets[0].id in written_names(s)
                              for s in block[at + 1:last + 1]):
        return  # (the name rebound before a dot reads it)
    if dots:  # (the product named, in front of the first use: its sum is the dots')
        name = holder.targets[0].id if named else namer.fresh(f"{d}_{m}")
        if not named:
            block.insert(min(j for j, _ in uses), assign(name, product, holder))
            product = load(name)
        for _, s in dots:
            s.value = gast.Call(func=np_attr("sum"),
                                args=[load(name)], keywords=[])
    if getattr(holder, "value", None) is node:
        holder.value = product
    else:
        replace_child(parent_map([holder])[id(node)], node, product)
    del block[k:c + 1]


def _product_of(v: Any, d: str, m: str, op: type) -> bool:
    """``d * m`` or ``m * d`` (``@`` alike) of two names."""
    return isinstance(v, gast.BinOp) and isinstance(v.op, op) and d != m and \
        {getattr(v.left, "id", None), getattr(v.right, "id", None)} == {d, m}


def _product_sum(terms: list, m: str) -> gast.expr:
    """``t1 * m + T - ...``: each term times ``m``, a quotient by ``m`` without it."""
    out: gast.expr | None = None
    for sign, t in terms:
        e = t.left if _divisor(t) == m else gast.BinOp(left=t, op=gast.Mult(), right=load(m))
        if out is None:
            out = e if sign > 0 else gast.UnaryOp(op=gast.USub(), operand=e)
        else:
            out = gast.BinOp(left=out, op=gast.Add() if sign > 0 else gast.Sub(), right=e)
    assert out is not None
    return out
