"""Liveness over structured statements: which names a later statement may read.

Shared by the stages that decide whether an object may be changed in place
(:mod:`alias` before SSA, :mod:`ownership` on the generated code).  Loops are
run to a fixpoint; ``break`` and ``continue`` are covered because the live
set after every statement of a loop body includes what is live after the loop.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.walks import name_ids, name_nodes


def live_after(body: list, after: dict[int, frozenset], values_only: bool = False,
               memo: dict | None = None,
               faint: Callable[[gast.stmt], bool] | None = None) -> frozenset:
    """Fill ``after`` (id of statement -> names live after it); the names live on entry.
    ``values_only``: a read of a name for its shape alone (``zeros_like(r)``) does not
    keep its value live (an in-place write never changes a shape).  ``memo``: what each
    simple statement stores and reads, kept from an earlier call (it holds the statement
    and its value: one replaced since is looked at again; the caller's promise: no
    change inside a value since changed what it reads).  ``faint``: the statements
    that may go when nothing reads what they store (pure assignments): such a statement
    keeps what it reads live only when what it stores is live (strong liveness: one
    fixpoint finds what dead code elimination finds round after round)."""
    return _live(body, frozenset(), after, {} if memo is None else memo,
                 _value_reads if values_only else _reads, faint)


def _live(stmts: list, live: frozenset, after: dict[int, frozenset], memo: dict,
          reads: Callable, faint: Callable | None = None) -> frozenset:
    """The names live before ``stmts``; records the names live after each statement.
    ``memo``: what each simple statement stores and reads (loops go round again)."""
    compound = _COMPOUND
    for s in reversed(stmts):
        after[id(s)] = live
        if s.__class__ in compound:
            live = _live_before(s, live, after, memo, reads, faint)
            continue
        known = memo.get(id(s))  # (a simple statement: inline, no call of _live_before)
        value = getattr(s, "value", None)
        if known is None or known[2] is not s or known[3] is not value:
            known = memo[id(s)] = (*_gen_kill(s, reads), s, value)
        if faint is not None and known[0] and known[0].isdisjoint(live) and faint(s):
            continue  # (what it stores is dead: its reads keep nothing alive)
        live = (live - known[0]) | known[1]
    return live


_COMPOUND = frozenset({gast.If, gast.For, gast.While})


def _live_before(s: gast.stmt, live: frozenset, after: dict, memo: dict,
                 reads: Callable, faint: Callable | None) -> frozenset:
    if isinstance(s, gast.If):
        return _live(s.body, live, after, memo, reads, faint) | \
            _live(s.orelse, live, after, memo, reads, faint) | reads(s.test)
    if isinstance(s, (gast.For, gast.While)):
        head = reads(s.iter if isinstance(s, gast.For) else s.test)
        loop = live | head
        while True:  # the body's end flows to the loop head (and, by break, out)
            inner = _live(s.body, loop, after, memo, reads, faint)
            if isinstance(s, gast.For):
                inner = inner - _reads(s.target, gast.Store)
            new = live | head | inner
            if new == loop:
                return loop
            loop = new
    known = memo.get(id(s))
    value = getattr(s, "value", None)
    if known is None or known[2] is not s or known[3] is not value:
        known = memo[id(s)] = (*_gen_kill(s, reads), s, value)
    if faint is not None and known[0] and known[0].isdisjoint(live) and faint(s):
        return live  # (what it stores is dead: its reads keep nothing alive)
    return (live - known[0]) | known[1]


def _gen_kill(s: gast.stmt, reads: Callable) -> tuple[frozenset, frozenset]:
    """(names ``s`` stores, names it reads) of a statement without a body."""
    if isinstance(s, gast.Assign):
        if len(s.targets) == 1 and s.targets[0].__class__ is gast.Name and \
                s.targets[0].ctx.__class__ is gast.Store:  # (most: nothing else to read)
            return frozenset((s.targets[0].id,)), reads(s.value)
        stored = frozenset(n.id for t in s.targets for n in name_nodes(t)
                           if isinstance(n.ctx, gast.Store))
        return stored, reads(s.value) | frozenset().union(*(reads(t) for t in s.targets))
    if isinstance(s, gast.Delete):
        return frozenset(t.id for t in s.targets if isinstance(t, gast.Name)), frozenset()
    if isinstance(s, gast.AugAssign) and s.target.__class__ is gast.Name:
        return frozenset(), reads(s.value) | {s.target.id}  # (``x += e`` reads ``x``)
    return frozenset(), reads(s)


def stores_and_reads(s: gast.stmt) -> tuple[frozenset, frozenset]:
    """(names ``s`` binds, names it reads), as the liveness takes them, of a statement
    that is not an ``if`` or a loop."""
    return _gen_kill(s, _reads)


# the runtime helpers that read an argument for its shape (and dtype) only
SHAPE_ARGUMENTS = {"unbroadcast": (1,), "repeat_to": (1,), "zeros_like": (0,),
                   "reduced_size": (0,), "shape_of": (0,)}


def _value_reads(node: gast.AST) -> frozenset:
    """The names ``node`` reads for their values (not those read for a shape only): one
    walk, a call met before its arguments."""
    shape: set[int] = set()  # ids of the arguments read for their shapes
    out: set[str] = set()
    load, call, name = gast.Load, gast.Call, gast.Name
    for n in nodes_of(node, (call, name)):
        if n.__class__ is call:
            if n.func.__class__ is name and n.func.id in SHAPE_ARGUMENTS:
                args = n.args
                shape.update(id(args[i]) for i in SHAPE_ARGUMENTS[n.func.id] if i < len(args))
        elif n.ctx.__class__ is load and id(n) not in shape:
            out.add(n.id)
    return frozenset(out)


def _reads(node: gast.AST, ctx: type = gast.Load) -> frozenset:
    return frozenset(name_ids(node, ctx))


def reads_in(stmts: list) -> set[str]:
    """Names the statements read."""
    return {n.id for s in stmts for n in name_nodes(s)
            if isinstance(n.ctx, gast.Load)}


def exposed(stmts: list, written: set[str] | None = None) -> set[str]:
    """Names a loop body may read before it assigns them (carried in)."""
    written = set() if written is None else written
    found: set[str] = set()
    for s in stmts:
        if isinstance(s, gast.If):
            found |= reads_in([s.test]) - written
            then_written, else_written = set(written), set(written)
            found |= exposed(s.body, then_written) | exposed(s.orelse, else_written)
            written |= then_written & else_written
            continue
        if isinstance(s, (gast.For, gast.While)):  # what the inner loop reads before it writes
            head = [s.iter] if isinstance(s, gast.For) else [s.test]
            inner = set(written) | ({s.target.id} if isinstance(s, gast.For) else set())
            found |= (reads_in(head) | exposed(s.body, inner)) - written
            continue
        found |= reads_in([s]) - written
        if isinstance(s, gast.Assign):
            written.add(s.targets[0].id)
    return found
