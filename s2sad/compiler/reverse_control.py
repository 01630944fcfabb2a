"""Stage 6, control flow: the reverse of ``if``, ``for``, ``while`` and ``break``.

- ``if``: the reverse runs the adjoint of the branch taken.  Outside loops
  the test is an SSA name that still holds; inside loops it is pushed where
  each path of the ``if`` ends (also just before a ``break``) and popped
  before the reversed ``if``.  An adjoint given a value in one branch only
  is set to zero in the other.
- ``for i in range(...)`` without ``break``: reversed as
  ``for i in reversed(range(...))``; ``i`` is never recorded.
- other loops count their trips; the reverse runs that many reversed bodies.
- adjoints that cross iterations (of values read in the loop and made
  before it, or carried from one iteration to the next) are zero before the
  reverse loop when they have no value yet, and hold one at the end of
  every reversed iteration.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import tape
from s2sad.compiler.liveness import exposed, reads_in
from s2sad.compiler.names import assign, const, load, store
from s2sad.compiler.reverse_context import Bound, Ctx, Loop, same_flag_bound, unconditional
from s2sad.compiler.ssa import assigned_names
from s2sad.compiler.walks import name_nodes

if TYPE_CHECKING:
    from s2sad.compiler.activity import Activity
    from s2sad.compiler.names import Namer


def _has_break(stmts: list) -> bool:
    for s in stmts:
        if isinstance(s, gast.Break):
            return True
        if isinstance(s, gast.If) and (_has_break(s.body) or _has_break(s.orelse)):
            return True
    return False


class ControlMixin:
    """The control-flow statements of :class:`~s2sad.compiler.reverse.Reverse`."""

    # The attributes and methods of ``Reverse`` (reverse.py) that the mixin uses:
    namer: Namer
    activity: Activity
    bound: set[str]  # names assigned on every path of the function
    in_place: set[str]  # adjoints a loop owns: contributions use +=
    flag: str | None  # the branch flag an if just pushed
    shapes_for_zeros: list[str]  # set by reverse_loop, read by close_loop

    if TYPE_CHECKING:
        def block(self, stmts: list, ctx: Ctx) -> tuple[list, list]: ...
        def push(self, names: list[str], like: gast.AST,
                 shapes: set[str] | frozenset[str] = ...) -> gast.stmt: ...
        def pop(self, names: list[str], like: gast.AST) -> gast.stmt: ...
        def mark(self, node: gast.stmt, like: gast.AST) -> gast.stmt: ...
        def zero(self, name: str, like: gast.AST) -> gast.stmt: ...
        def recomputable(self, name: str, ctx: Ctx) -> bool: ...
        def in_order(self, names: list[str], ctx: Ctx) -> list[str]: ...
        views: dict
        bound_here: Any
        block_at: tuple[list, int]

    def stmt_Break(self, s: gast.Break, ctx: Ctx) -> tuple[list, list]:
        flags = ctx.loops[-1].flags if ctx.loops else []
        return [_slotted(self.push([f], s), slot) for f, slot in reversed(flags)] + [s], []

    def stmt_If(self, s: gast.If, ctx: Ctx) -> tuple[list, list]:
        test = s.test
        recorded = bool(ctx.loops) and isinstance(test, gast.Name) and \
            test.id in ctx.recorded()
        breaks = recorded and _has_break([s])
        slot = next(tape.SLOTS)
        if breaks:
            ctx.loops[-1].flags.append((test.id, slot))
        branches = []
        stmts, k = self.block_at
        outer = self.bound_here
        for block, also in zip((s.body, s.orelse), same_flag_bound(stmts[:k], test)):
            sub = ctx.fork()
            self.bound_here = Bound(outer, dict.fromkeys(also, -1), 0) if also else outer
            branches.append((*self.block(block, sub), sub.defined))
        self.bound_here = outer
        if breaks:
            ctx.loops[-1].flags.pop()
        (fwd_t, rev_t, def_t), (fwd_e, rev_e, def_e) = branches
        for fwd, rev, missing in ((fwd_t, rev_t, def_e - def_t), (fwd_e, rev_e, def_t - def_e)):
            kept = [] if breaks else self.kept_for_zeros(sorted(missing), ctx)
            if kept:  # (this trip's values as the if found them, read back for their
                kept_slot = next(tape.SLOTS)  # zeros' shapes)
                fwd.insert(0, _slotted(self.push(kept, s), kept_slot))
                rev.append(_slotted(self.pop(kept, s), kept_slot))
            rev.extend(self.branch_zeros(sorted(missing), ctx, s))
        ctx.defined = def_t | def_e
        if not rev_t and not rev_e and not breaks:
            return [gast.If(test=test, body=fwd_t, orelse=fwd_e)], []
        fwd_if = gast.If(test=test, body=fwd_t, orelse=fwd_e)
        rev_if = self.mark(gast.If(test=test, body=rev_t, orelse=rev_e), s)
        rev_ifs = [rev_if] if rev_t or rev_e else []
        if not recorded:
            return [fwd_if], [rev_if]
        if breaks:
            for block in (fwd_t, fwd_e):
                if not (block and isinstance(block[-1], gast.Break)):
                    block.append(_slotted(self.push([test.id], s), slot))
            return [fwd_if], [_slotted(self.pop([test.id], s), slot)] + rev_ifs
        self.flag = test.id  # block() may push it with the record of the run after the if
        return [fwd_if, _slotted(self.push([test.id], s), slot)], \
            [_slotted(self.pop([test.id], s), slot), rev_if]

    def kept_for_zeros(self, names: list[str], ctx: Ctx) -> list[str]:
        """The values a loop changes, bound before the ``if``, that a branch's zero
        adjoints are made like and that cannot be taken again (``s = np.tanh(x[:k])``,
        another shape each trip): the branch pushes them (the arrays themselves, which
        the tape holds already) and its reverse pops them, so the zero has this trip's
        shape, not that of the value the sweep last held."""
        return [n for n in names if ctx.loops and n in ctx.recorded() and
                n in self.bound_here and not self.recomputable(n, ctx)]

    def branch_zeros(self, names: list[str], ctx: Ctx, s: gast.If) -> list:
        """The zero adjoints of a branch that does not reach ``names``.  A zero made like
        a value a loop changes needs this trip's value (another trip's may have another
        shape: ``for s in [x[:2], x]``): taken again first where it can be (``s =
        items[i]``); a value that cannot be is made like the one the sweep holds, of the
        same shape on every trip in the loops seen so far (an integrator's state)."""
        varying = [n for n in names if n in ctx.recorded() and n in self.bound_here]
        again = self.in_order([n for n in varying if self.recomputable(n, ctx)], ctx)
        out = [self.mark(assign(n, copy.deepcopy(self.views[n])), s) for n in again]
        return out + [self.zero(n, s) for n in names]

    def loop_adjoints(self, body: list, assigned: set[str], ctx: Ctx) -> set[str]:
        reads = reads_in(body)
        carried = (reads - assigned) | exposed(body) | (ctx.defined & (assigned | reads))
        return {n for n in carried if self.activity.is_active(n)}

    def reverse_loop(self, s: gast.stmt, loop: Loop, ctx: Ctx) -> tuple[list, list, list]:
        """Forward body, reversed body, and the zero adjoints to set before it."""
        crossing = self.loop_adjoints(s.body, loop.assigned, ctx)
        inits = [self.zero(n, s) for n in sorted(crossing - ctx.defined)]
        # a zero made from a value an enclosing loop changes needs that value's shape as it
        # was after this loop ran: recorded with the loop (see ``close_loop``); so is every
        # zero ``zero`` makes like a value, one bound only in the branch the loops are in
        # too (was: only values bound on every path; others got the last trip's shape)
        shapes = sorted(n for n in crossing - ctx.defined
                        if n in self.bound_here and n in ctx.recorded())
        # zeroed here and never reassigned by the loop: only this loop holds the array,
        # so contributions add in place (no new array per iteration)
        owned = {n for n in crossing - ctx.defined - loop.assigned if n in self.bound}
        ctx.defined |= crossing
        sub = Ctx(set(ctx.defined), ctx.loops + [loop])
        self.in_place |= owned
        fwd, rev = self.block(s.body, sub)
        for record in loop.records:
            record.keep_values(loop.finals)
        self.in_place -= owned
        outer = self.bound_here  # (at a trip's end the forward loop ran: what its body
        # surely binds is bound, so its zero is made like it, not the 0.0 stand-in)
        self.bound_here = Bound(outer, dict.fromkeys(unconditional(s.body), -1), 0)
        rev += [self.zero(n, s) for n in sorted(crossing - sub.defined)]
        self.bound_here = outer
        self.shapes_for_zeros = shapes  # read by close_loop, right after (nested loops done)
        return fwd, rev, inits

    def stmt_For(self, s: gast.For, ctx: Ctx) -> tuple[list, list]:
        target = s.target.id
        reversible = not _has_break(s.body) and target not in assigned_names(s.body)
        loop = Loop(assigned_names(s.body) | {target}, target if reversible else None,
                    node=s if reversible else None)
        saved = set(ctx.defined)
        fwd, rev, inits = self.reverse_loop(s, loop, ctx)
        if not rev:  # nothing to reverse: its zero adjoints are not made either
            ctx.defined.intersection_update(saved)
            return [gast.For(target=s.target, iter=s.iter, body=fwd, orelse=[])], []
        if reversible:
            bounds = sorted({n.id for n in name_nodes(s.iter)}
                            & ctx.recorded())
            back = gast.Call(func=load("reversed"), args=[s.iter], keywords=[])
            rev_loop = self.mark(gast.For(target=store(target), iter=back, body=rev,
                                          orelse=[]), s)
            fwd_loop = gast.For(target=s.target, iter=s.iter, body=fwd, orelse=[])
            return self.close_loop(fwd_loop, bounds + sorted(loop.kept), inits + [rev_loop], s)
        return self.counted(gast.For(target=s.target, iter=s.iter, body=fwd, orelse=[]),
                            rev, inits, s, ctx, sorted(loop.kept))

    def stmt_While(self, s: gast.While, ctx: Ctx) -> tuple[list, list]:
        loop = Loop(assigned_names(s.body))
        saved = set(ctx.defined)
        fwd, rev, inits = self.reverse_loop(s, loop, ctx)
        if not rev:
            ctx.defined.intersection_update(saved)
            return [gast.While(test=s.test, body=fwd, orelse=[])], []
        return self.counted(gast.While(test=s.test, body=fwd, orelse=[]), rev, inits, s, ctx,
                            sorted(loop.kept))

    def counted(self, fwd_loop: gast.stmt, rev: list, inits: list, s: gast.stmt,
                ctx: Ctx, kept: list) -> tuple[list, list]:
        """A loop whose reverse runs as many times as the forward loop did."""
        trips = self.namer.fresh("trips")
        step = gast.BinOp(left=load(trips), op=gast.Add(), right=const(1))
        fwd_loop.body.insert(0, assign(trips, step, like=s))
        count = gast.Call(func=load("range"), args=[load(trips)], keywords=[])
        rev_loop = self.mark(gast.For(target=store("_"), iter=count, body=rev, orelse=[]), s)
        fwd, rev = self.close_loop(fwd_loop, ([trips] if ctx.loops else []) + kept,
                                   inits + [rev_loop], s)
        return [assign(trips, const(0), like=s)] + fwd, rev

    def close_loop(self, fwd_loop: gast.stmt, kept: list, rev: list, s: gast.stmt
                   ) -> tuple[list, list]:
        """Record what the reversed loop needs from after the forward loop: its bounds or
        trip count, and the shapes its zero adjoints are made from."""
        shapes = set(self.shapes_for_zeros) - set(kept)
        names = sorted(set(kept) | shapes)
        if not names:
            return [fwd_loop], rev
        slot = next(tape.SLOTS)
        return [fwd_loop, _slotted(self.push(names, s, shapes), slot)], \
            [_slotted(self.pop(names, s), slot)] + rev


def _slotted(stmt: gast.stmt, slot: int) -> gast.stmt:
    """A push or pop (a branch flag, a loop's bounds), paired with the others of its
    slot (tape.prune, recompute)."""
    stmt.s2sad_slot = slot
    return stmt
