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

from s2sad.compiler import dims, int_names
from s2sad.compiler.carried import reversed_of
from s2sad.compiler.int_names import INT_OPS, header_bound, int_expr
from s2sad.compiler.int_names import bound as _binds
from s2sad.compiler.names import Namer, call_named, copy_origin, load, store
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes, nodes, substituted


def log_writes(body: list, shapes: Callable[[], dims.Facts], namer: Namer) -> list:
    """``body`` with the snapshots of arrays written element by element replaced by
    the elements they overwrite (in place)."""
    writes = [s for s in _statements(body) if _self_write(s) is not None]
    if not writes:
        return body
    facts = shapes()
    statements = list(_statements(body))
    counters = int_names.counters(statements)
    ints = int_names.int_names(statements, counters)
    for name in dict.fromkeys(str(_self_write(s)) for s in writes):
        plan = _plan(body, name, facts, ints)
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


def _plan(body: list, name: str, facts: dims.Facts, ints: set[str]) -> list | None:
    """[(push, the write's index there, pop, loops around the push, loops around the pop,
    the pop's block)] of every write of ``name``, or None where the rewrite would not be
    sound."""
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
        elif name in header_bound(s) and _self_write(s) != name:
            other.append(s)
    if len(other) != 1 or other[0] not in body:
        return None
    first = body.index(other[0])
    plan = []
    for push in pushes:
        taped = _taped_write(push, name, place)
        found = pops.pop(push.s2sad_slot, [])
        if taped is None or len(found) != 1 or not _element(taped[0], name, facts, ints) or \
                any(body.index(_top(s, place)) <= first for s in (push, found[0])):
            return None
        plan.append((push, taped[1], found[0], place[id(push)][2], place[id(found[0])][2],
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


def _taped_write(push: gast.Expr, name: str, place: dict) -> tuple | None:
    """The write of ``name`` the push is the last one before, in its block, with nothing
    between binding the name, nor the write's index but for an int computed there
    (``add = i + 1``, read as its value: :func:`_index_at_push`); None if there is none."""
    block = place[id(push)][0]
    for s in block[block.index(push) + 1:]:
        if _self_write(s) == name:
            between = block[block.index(push) + 1:block.index(s)]
            index = _index_at_push(s.value.args[1], between)
            if any(name in _binds(b) for b in between) or index is None:
                return None
            return s, index
        if name in _binds(s) or any(isinstance(n, gast.Expr) and
                                    getattr(n, "s2sad_slot", None) is not None and
                                    _holds(n.value.args[0], name) for n in nodes(s)):
            return None
    return None


def _index_at_push(index: gast.expr, between: list) -> gast.expr | None:
    """The index as an expression of names bound before the push: a name the statements
    between bind once, ``add = i + 1`` (of names they do not bind), read as its value."""
    bound = [n for b in between for n in _binds(b)]
    out = clone(index)
    for node in list(nodes(out)):
        if not isinstance(node, gast.Name) or node.id not in bound:
            continue
        defs = [b for b in between if node.id in _binds(b)]
        d = defs[0]
        if len(defs) != 1 or bound.count(node.id) != 1 or not isinstance(d, gast.Assign) \
                or len(d.targets) != 1 or not int_expr(d.value, set(_names(d.value))) \
                or set(_names(d.value)) & set(bound):
            return None
        out = substituted(out, node, clone(d.value))
    return out


def _names(e: gast.expr) -> list[str]:
    return [n.id for n in name_nodes(e)]


def _element(write: gast.Assign, name: str, facts: dims.Facts, ints: set[str]) -> bool:
    """The write is of one element: an int index per axis of the array (a bool or a
    0-d array would select a view, which the write would then change)."""
    index = write.value.args[1]
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    shape = facts.shapes.get(name)
    return isinstance(shape, tuple) and len(shape) == len(parts) and all(
        isinstance(p, gast.Name) and p.id in ints or
        isinstance(p, gast.Constant) and type(p.value) is int for p in parts)


def _holds(e: gast.expr, name: str) -> bool:
    """``e`` is the name, or a tuple with the name as one of its items."""
    items = e.elts if isinstance(e, gast.Tuple) else [e]
    return sum(isinstance(i, gast.Name) and i.id == name for i in items) == 1


def _apply(name: str, plan: list, namer: Namer, counters: set[str]) -> None:
    for push, index, pop, push_loops, pop_loops, block in plan:
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
    plain = (gast.Name, gast.Constant, gast.Tuple, gast.Load, gast.BinOp, gast.UnaryOp,
             gast.USub, *INT_OPS)
    if not names <= counters or not all(isinstance(n, plain) for n in nodes(index)):
        return False
    return all(any(isinstance(f, gast.For) and isinstance(f.target, gast.Name) and
                   f.target.id == n and any(reversed_of(r, f) for r in pop_loops)
                   for f in push_loops) for n in names)

