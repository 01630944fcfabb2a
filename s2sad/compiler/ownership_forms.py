"""The statement forms the late pass ``ownership`` reads and the small rewrites it makes
(a call wrapped in ``fresh``, an in-place helper's name swapped in)."""
from __future__ import annotations

import gast

from s2sad.compiler.names import call_named, load
from s2sad.compiler.walks import name_nodes, nodes, parent_map


def call_of_name(name: str, *args: gast.expr) -> gast.Call:
    return gast.Call(func=load(name), args=list(args), keywords=[])


def rename(call: gast.Call, name: str) -> None:
    call.func = load(name)


def wrap_first(call: gast.Call) -> None:
    call.args[0] = call_of_name("fresh", call.args[0])


def has_local_root(e: gast.expr, local: set[str]) -> bool:
    while isinstance(e, (gast.Attribute, gast.Subscript)):
        e = e.value
    return isinstance(e, gast.Name) and e.id in local


def nested_add_ats(call: gast.Call) -> list:
    """``add_at(d, None, i, add_at(e, ..))``: the inner ``add_at`` writes ``e`` in place
    too (a non-owned ``e``, an argument's view that an adjoint became, needs a copy)."""
    return [n for a in call.args for n in nodes(a) if call_named(n, "add_at") and n.args
            and isinstance(n.args[0], gast.Name)]


def appended(s: gast.stmt, name: str) -> list:
    """(list of nodes, position) of each ``name`` that ``s``, a ``v.append(...)``
    statement, appends, alone or as an item of the tuple it appends."""
    if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) and
            isinstance(s.value.func, gast.Attribute) and s.value.func.attr == "append" and
            len(s.value.args) == 1):
        return []
    holders = [s.value.args]
    if isinstance(s.value.args[0], gast.Tuple):
        holders.append(s.value.args[0].elts)
    return [(h, k) for h in holders for k, e in enumerate(h)
            if isinstance(e, gast.Name) and e.id == name]


def read_by_item_only(body: list, names: set[str]) -> set[str]:
    """The ``names`` every mention of which is a read by item ``x[k]`` (and one binding)."""
    parents = parent_map(body)
    out = set(names)
    bound: dict[str, int] = {}
    for n in name_nodes(body):
        if n.id not in out:
            continue
        if not isinstance(n.ctx, gast.Load):
            bound[n.id] = bound.get(n.id, 0) + 1
            continue
        up = parents.get(id(n))
        if not (isinstance(up, gast.Subscript) and up.value is n and
                isinstance(up.ctx, gast.Load)):
            out.discard(n.id)
    return {n for n in out if bound.get(n) == 1}


def popped(s: gast.Assign) -> bool:
    """``d, last = list_pop_last(d, v)``: ``d`` holds what the list held (popped in
    place, or a view of an array adjoint), ``last`` an item."""
    t = s.targets[0]
    return len(s.targets) == 1 and isinstance(t, gast.Tuple) and len(t.elts) == 2 and \
        all(isinstance(n, gast.Name) for n in t.elts) and \
        call_named(s.value, "list_pop_last") and len(s.value.args) == 2

