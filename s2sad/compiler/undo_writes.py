"""Late pass ``undo``: an array written element by element in a loop is taped by the
element it overwrites, not by a snapshot of the whole array.

A Cholesky factorisation written as loops writes ``L[i, j] = s / L[j, j]`` and reads
``L[i, k]`` in the same loops; the reverse sweep reads those elements as they were, so
the reverse stage pushes the array before every write and the write copies it
(``stack.append(L); L = setitem(L, (i, j), div)``): an n x n copy per element, O(n^4)
for an O(n^3) loop.  Here the push keeps the element the write overwrites instead, and
the pop that paired with it writes it back (an undo log, as a person would tape a
factorisation)::

    stack.append(L[i, j])                    L_old = stack.pop()
    L = setitem(L, (i, j), div)              L = setitem(L, (i, j), L_old)

``ownership`` then makes both writes in place where nothing else holds the array.

Sound because the name then holds, at every point of the reverse sweep, what it held
at the mirrored point of the forward one: it is bound once before any push (at the
function's top level), then only by writes each taped by the push just before it
(nothing between binds the name or the index), and in the reverse sweep only by the
pops of those pushes, which come in the opposite order.  The index is pushed with the
element unless it is made of literals and counters of loops that enclose the push
whose reversed loops enclose the pop.  Only element writes (as many int indices as
the array has axes): the element read is then a number, not a view.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dims
from s2sad.compiler.carried import reversed_of
from s2sad.compiler.names import Namer, call_named, copy_origin, load, store
from s2sad.compiler.walks import clone, name_nodes, nodes, walk_statements


def log_writes(body: list, shapes: Callable[[], dims.Facts], namer: Namer) -> list:
    """``body`` with the snapshots of arrays written element by element replaced by
    the elements they overwrite (in place)."""
    writes = [s for s in _statements(body) if _self_write(s) is not None]
    if not writes:
        return body
    facts = shapes()
    statements = list(_statements(body))
    counters = {s.target.id for s in statements if isinstance(s, gast.For) and
                isinstance(s.target, gast.Name)} - {
        n for s in statements if not isinstance(s, gast.For) for n in _header_bound(s)}
    for name in dict.fromkeys(str(_self_write(s)) for s in writes):
        plan = _plan(body, name, facts)
        if plan is not None:
            _apply(name, plan, namer, counters)
    return body


def _statements(body: list) -> list:
    """Every statement of ``body``, nested ones too."""
    return [s for s in walk_statements(gast.Module(body=body, type_ignores=[]))
            if isinstance(s, gast.stmt)]


def _self_write(s: gast.AST) -> str | None:
    """``x`` of ``x = setitem(x, idx, v)``."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and call_named(s.value, "setitem") and \
            len(s.value.args) == 3 and isinstance(s.value.args[0], gast.Name) and \
            s.value.args[0].id == s.targets[0].id:
        return s.targets[0].id
    return None


def _plan(body: list, name: str, facts: dims.Facts) -> list | None:
    """[(push, write, pop, loops around the push, loops around the pop)] of every write
    of ``name``, or None where the rewrite would not be sound."""
    place = _places(body)
    pushes: list = []
    pops: dict[int, list] = {}
    other: list = []
    for s in _statements(body):
        slot = getattr(s, "s2sad_slot", None)
        if slot is not None and isinstance(s, gast.Expr) and _holds(s.value.args[0], name):
            pushes.append(s)
        elif slot is not None and isinstance(s, gast.Assign) and _holds(s.targets[0], name):
            pops.setdefault(slot, []).append(s)
        elif name in _header_bound(s) and _self_write(s) != name:
            other.append(s)
    if len(other) != 1 or other[0] not in body:
        return None
    first = body.index(other[0])
    plan = []
    for push in pushes:
        write = _taped_write(push, name, place)
        found = pops.pop(push.s2sad_slot, [])
        if write is None or len(found) != 1 or not _element(write, name, facts) or \
                any(body.index(_top(s, place)) <= first for s in (push, found[0])):
            return None
        plan.append((push, write, found[0], place[id(push)][2], place[id(found[0])][2],
                     place[id(found[0])][0]))
    writes = [s for s in _statements(body) if _self_write(s) == name]
    if pops or not plan or len(writes) != len(plan):
        return None  # a pop of no such push, or a write no push tapes
    return plan


def _places(body: list) -> dict[int, tuple]:
    """id(statement) -> (its block, the top-level statement holding it, its loops)."""
    out: dict[int, tuple] = {}

    def visit(block: list, top: gast.stmt | None, loops: tuple) -> None:
        for s in block:
            out[id(s)] = (block, top or s, loops)
            inner = loops + (s,) if isinstance(s, (gast.For, gast.While)) else loops
            for field in ("body", "orelse"):
                sub = getattr(s, field, None)
                if isinstance(sub, list) and sub and isinstance(sub[0], gast.stmt):
                    visit(sub, top or s, inner)
    visit(body, None, ())
    return out


def _top(s: gast.stmt, place: dict) -> gast.stmt:
    return place[id(s)][1]


def _taped_write(push: gast.Expr, name: str, place: dict) -> gast.Assign | None:
    """The write of ``name`` the push is the last one before, in its block, with nothing
    between binding the name or the write's index; None if there is none."""
    block = place[id(push)][0]
    for s in block[block.index(push) + 1:]:
        if _self_write(s) == name:
            index = {n.id for n in name_nodes(s.value.args[1])}
            between = block[block.index(push) + 1:block.index(s)]
            if any((_bound(b) & (index | {name})) for b in between):
                return None
            return s
        if name in _bound(s) or any(isinstance(n, gast.Expr) and
                                    getattr(n, "s2sad_slot", None) is not None and
                                    _holds(n.value.args[0], name) for n in nodes(s)):
            return None
    return None


def _element(write: gast.Assign, name: str, facts: dims.Facts) -> bool:
    """The write is of one element: an int index per axis of the array."""
    index = write.value.args[1]
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    shape = facts.shapes.get(name)
    return isinstance(shape, tuple) and len(shape) == len(parts) and all(
        isinstance(p, gast.Name) and facts.shapes.get(p.id) == () or
        isinstance(p, gast.Constant) and type(p.value) is int for p in parts)


def _holds(e: gast.expr, name: str) -> bool:
    """``e`` is the name, or a tuple with the name as one of its items."""
    items = e.elts if isinstance(e, gast.Tuple) else [e]
    return sum(isinstance(i, gast.Name) and i.id == name for i in items) == 1


def _bound(s: gast.AST) -> set[str]:
    """The names a statement binds, in its nested blocks too."""
    return {n.id for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)}


def _header_bound(s: gast.stmt) -> set[str]:
    """The names a statement binds itself (a loop: its target, not its body's)."""
    if isinstance(s, gast.For):
        return _bound(s.target)
    return set() if isinstance(s, (gast.If, gast.While)) else _bound(s)


def _apply(name: str, plan: list, namer: Namer, counters: set[str]) -> None:
    for push, write, pop, push_loops, pop_loops, block in plan:
        index = write.value.args[1]
        counted = _counted(index, push_loops, pop_loops, counters)
        old = namer.fresh(f"{name}_old")
        at = "" if counted else namer.fresh(f"{name}_at")
        element = gast.Subscript(value=load(name), slice=clone(index), ctx=gast.Load())
        push.value.args[0] = _spliced(push.value.args[0], name, [element] + (
            [] if counted else [clone(index)]))
        pop.targets[0] = _spliced(pop.targets[0], name, [store(old)] + (
            [store(at)] if at else []))
        back = gast.Call(func=load("setitem"), args=[load(name), clone(index) if counted
                                                     else load(at), load(old)], keywords=[])
        block.insert(block.index(pop) + 1,
                     copy_origin(gast.Assign(targets=[store(name)], value=back), pop))


def _spliced(e: gast.expr, name: str, items: list) -> gast.expr:
    """``e`` (the name, or a tuple holding it) with the name replaced by ``items``."""
    ctx = type(items[0].ctx)() if isinstance(items[0], gast.Name) else gast.Load()
    old = e.elts if isinstance(e, gast.Tuple) else [e]
    new = [x for i in old for x in (items if isinstance(i, gast.Name) and i.id == name
                                    else [i])]
    return new[0] if len(new) == 1 else gast.Tuple(elts=new, ctx=ctx)


def _counted(index: gast.expr, push_loops: tuple, pop_loops: tuple,
             counters: set[str]) -> bool:
    """The index is literals and counters of loops around the push whose reversed loops
    are around the pop (so the counter holds the same int there)."""
    names = {n.id for n in name_nodes(index)}
    plain = (gast.Name, gast.Constant, gast.Tuple, gast.Load)
    if not names <= counters or not all(isinstance(n, plain) for n in nodes(index)):
        return False
    return all(any(isinstance(f, gast.For) and isinstance(f.target, gast.Name) and
                   f.target.id == n and any(reversed_of(r, f) for r in pop_loops)
                   for f in push_loops) for n in names)

