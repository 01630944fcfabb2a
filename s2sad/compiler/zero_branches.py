"""Late pass ``branches``: the adjoint a reversed ``if`` zeroes carried only where it is not.

The reverse of ``if err < tol: y = half`` (an accept/reject step) sets the adjoint of
``half`` in both branches: ``dhalf = dy`` where the step was taken, ``dhalf =
zeros_like(half)`` where it was not.  The statements after the ``if`` then propagate
``dhalf`` through the whole step, with zeros on every rejected trip.  While ``dhalf``
is zero, a statement that only carries it changes nothing that is read
(:mod:`zero_values`): it binds a zero that only the moved statements after it read,
or adds a zero to an accumulator (``dk``).

Such statements move into the branch where the adjoint is not zero.  Statements that
do not take part and commute with the ``if`` (a tape pop, a parameter's item) move in
front of it; one that does not commute but leaves the zeros and the branch flag alone
stays where it is, and the moved statements after it go into an ``if flag:`` of their
own; anything else ends the move.  A zero binding read after the move stays where it
is.  The zeros the other branch binds that nothing reads any more are dropped.  A
rejected trip then costs nothing in the reverse sweep.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import gast

from s2sad.compiler import dims
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import written_names
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.simplify import _known_pure
from s2sad.compiler.walks import name_nodes, nodes
from s2sad.compiler.zero_values import Known, carries, is_zero, root, single_target

_MUTATING = {"pop", "append", "extend", "insert", "clear", "update", "setdefault"}


def move(body: list, namespace: dict, keep: set[str], shapes: dims.Facts | None) -> list:
    """``body`` with the statements after each reversed ``if`` that only carry an
    adjoint zero in one branch moved into the other branch."""
    ctx = _Context(body, namespace, keep, shapes)
    _blocks(body, ctx)
    return body


class _Context(Known):
    """What the pass reads of the whole function."""

    def __init__(self, body: list, namespace: dict, keep: set[str],
                 shapes: dims.Facts | None) -> None:
        self.body, self.namespace, self.keep, self.shapes = body, namespace, keep, shapes
        self._after: dict[int, frozenset] | None = None
        self._names: dict[int, set[str]] = {}
        self.written: dict[int, set[str] | None] = {}  # statement -> its _writes

    def live_after(self, s: gast.stmt) -> frozenset:
        """Names a later statement may read after ``s``."""
        if self._after is None:
            self._after = {}
            live_after(self.body, self._after)
        return self._after[id(s)]

    def changed(self) -> None:
        self._after = None
        self._names.clear()
        self.written.clear()

    def loads(self, s: gast.stmt) -> set[str]:
        """Every name ``s`` reads."""
        key = id(s)
        if key not in self._names:
            self._names[key] = {n.id for n in name_nodes(s)
                                if not isinstance(n.ctx, gast.Store)}
        return self._names[key]

    def reads(self, t: gast.stmt) -> set[str]:
        """The names an assignment reads (an augmented one its target's too)."""
        key = -id(t)
        if key not in self._names:
            found = {n.id for n in name_nodes(t.value)}
            if isinstance(t, gast.AugAssign):
                found |= {n.id for n in name_nodes(t.target)}
            self._names[key] = found
        return self._names[key]


def _blocks(block: list, ctx: _Context) -> None:
    """Every block of ``block`` (nested ones first), each ``if`` in turn."""
    for s in block:
        for part in ("body", "orelse"):
            inner = getattr(s, part, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                _blocks(inner, ctx)
    i = 0
    while i < len(block):
        if isinstance(block[i], gast.If):
            i = _at_if(block, i, ctx)
        i += 1


def _at_if(block: list, i: int, ctx: _Context) -> int:
    """Move what follows ``block[i]`` where it can; the index of the last statement
    the move placed."""
    s = block[i]
    for zero_side in ("orelse", "body"):
        seeds = _zero_at_end(getattr(s, zero_side), ctx)
        plan = _best_plan(s, block[i + 1:], seeds, ctx) if seeds else None
        if plan is None:
            continue
        segments, used = plan
        other = "body" if zero_side == "orelse" else "orelse"
        getattr(s, other).extend(segments[0].moved)
        placed = [*segments[0].hoisted, s]
        for seg in segments[1:]:
            placed += [seg.stay, *seg.hoisted]
            if seg.moved:
                placed.append(_guard(s.test, zero_side, seg.moved))
        if zero_side == "orelse":
            _drop_unread_seeds(s, seeds, block[i + 1:i + 1 + used], segments, ctx)
        block[i:i + 1 + used] = placed
        ctx.changed()
        return i + len(placed) - 1
    return i


def _drop_unread_seeds(s: gast.If, seeds: set[str], span: list, segments: list,
                       ctx: _Context) -> None:
    """The zeros the ``else`` branch binds that only the moved statements read (which
    that branch now skips) dropped."""
    moved = [t for seg in segments for t in seg.moved]
    ids = {id(m) for m in moved}
    others = [t for t in span if id(t) not in ids]
    read = {n.id for n in name_nodes([s.test, *s.orelse, *others])
            if not isinstance(n.ctx, gast.Store)}
    unread = seeds - read - ctx.live_after(span[-1])
    s.orelse = [t for t in s.orelse if single_target(t) not in unread]


def _guard(test: gast.expr, zero_side: str, moved: list) -> gast.If:
    """``if flag:`` (or ``if not flag:``) around statements after a staying one."""
    flag = gast.Name(id=test.id, ctx=gast.Load(), annotation=None, type_comment=None)
    cond = flag if zero_side == "orelse" else gast.UnaryOp(op=gast.Not(), operand=flag)
    return gast.If(test=cond, body=moved, orelse=[])


def _zero_at_end(branch: list, ctx: _Context) -> set[str]:
    """Names ``branch`` leaves bound to a zero."""
    zero: set[str] = set()
    for s in branch:
        target = single_target(s)
        if target is not None and is_zero(s.value, set(), ctx):
            zero.add(target)
        else:
            zero -= _writes(s, ctx) or set()
    return zero


@dataclass
class _Segment:
    """A statement that stays (None for the first segment, whose guard is the ``if``
    itself), the statements hoisted above the guard, those moved into it."""

    stay: gast.stmt | None
    hoisted: list = field(default_factory=list)
    moved: list = field(default_factory=list)


def _best_plan(s: gast.If, rest: list, seeds: set[str], ctx: _Context
               ) -> tuple[list[_Segment], int] | None:
    """The segments of ``rest`` (and how many statements they hold): a zero binding
    something else reads is not moved (the plan made again without it), and when no
    such binding is to blame the prefix planned is shortened."""
    limit = len(rest)
    blocked: set[int] = set()
    while limit:
        segments, used, defined = _plan(s, rest[:limit], seeds, ctx, blocked)
        moved = [t for seg in segments for t in seg.moved]
        if not moved:
            return None
        bad = _offending(s, rest[:used], moved, defined, ctx)
        if not bad:
            for seg in segments:
                _sink_helpers(s, seg, rest[:used], ctx)
            return segments, used
        culprits = {id(t) for t in moved if single_target(t) in bad} - blocked
        if culprits:
            blocked |= culprits
            continue
        ids = {id(m) for m in moved}
        limit = max(k for k, t in enumerate(rest) if id(t) in ids)
    return None


def _sink_helpers(s: gast.If, seg: _Segment, span: list, ctx: _Context) -> None:
    """Hoisted values only the moved statements read (``k[2]`` for a product) moved in
    with them, where they were: not computed on the trips that skip them."""
    inside = list(seg.moved)
    for h in reversed(seg.hoisted):
        name = single_target(h)
        if name is None or _writes(h, ctx) != {name} or \
                not any(name in ctx.reads(t) for t in inside):
            continue
        if _unread_elsewhere(s, span, [*inside, h], {name}, ctx):
            inside.append(h)
    ids = {id(t) for t in inside}
    seg.hoisted = [h for h in seg.hoisted if id(h) not in ids]
    seg.moved = _in_order(span, inside)


def _in_order(span: list, chosen: list) -> list:
    ids = {id(c) for c in chosen}
    return [t for t in span if id(t) in ids]


def _plan(s: gast.If, rest: list, seeds: set[str], ctx: _Context, blocked: set[int]
          ) -> tuple[list[_Segment], int, set[str]]:
    """One pass over ``rest``: each statement moved in, hoisted above its guard, staying
    (after it the moved statements go into a new ``if flag:``), or the stop."""
    zero, defined = set(seeds), set()
    segments = [_Segment(None)]
    guard = _effects([s], ctx)
    flag = s.test.id if isinstance(s.test, gast.Name) else None
    for used, t in enumerate(rest):
        seg = segments[-1]
        kind = None if id(t) in blocked else carries(t, zero, ctx)
        if kind is not None:
            seg.moved.append(t)
            if isinstance(kind, str):
                zero.add(kind)
                defined.add(kind)
            guard = _joined(guard, _effects([t], ctx))
            continue
        mine = _effects([t], ctx)
        if mine is None or guard is None:
            return segments, used, defined
        if isinstance(t, gast.Assign) and not _conflict(mine, guard):
            seg.hoisted.append(t)
            zero -= mine[1]  # (a zero it binds again may not be zero any more)
        elif flag is not None and not mine[1] & (zero | {flag}):
            segments.append(_Segment(t))
            guard = _effects([s.test], ctx)
        else:
            return segments, used, defined
    return segments, len(rest), defined


def _unread_elsewhere(s: gast.If, span: list, inside: list, defined: set[str],
                      ctx: _Context) -> bool:
    return not _offending(s, span, inside, defined, ctx)


def _offending(s: gast.If, span: list, inside: list, defined: set[str],
               ctx: _Context) -> set[str]:
    """Which of the names ``defined`` (bound by the statements ``inside``, which move
    into ``s``) are read elsewhere: by ``s``, by the other statements of ``span``,
    after it (so the branch that skips them would need them), or among the moved
    statements before one binds them (the value from before, which liveness over the
    loop proves for the rest)."""
    bad = defined & (ctx.keep | ctx.live_after(span[-1]))
    ids = {id(c) for c in inside}
    for t in [s, *span]:
        if id(t) not in ids:
            bad |= ctx.loads(t) & defined
    bound = _bound_on_both_paths(s)
    for t in span:
        if id(t) in ids:
            bad |= (ctx.reads(t) & defined) - bound
            bound |= written_names(t) & defined
    return bad


def _bound_on_both_paths(s: gast.If) -> set[str]:
    """Names both branches of ``s`` bind (a zero seed): a moved statement may read them
    before a moved statement binds them again."""
    def bound(branch: list) -> set[str]:
        return {t for t in map(single_target, branch) if t is not None}
    return bound(s.body) & bound(s.orelse)


def _effects(stmts: list, ctx: _Context) -> tuple[set[str], set[str]] | None:
    """(names read, names written) by ``stmts``; None when a call may do anything."""
    reads: set[str] = set()
    writes: set[str] = set()
    for s in stmts:
        w = _writes(s, ctx)
        if w is None:
            return None
        writes |= w
        reads |= ctx.loads(s)
    return reads, writes


def _writes(s: gast.stmt, ctx: _Context) -> set[str] | None:
    """Names ``s`` binds or changes (a list it pops); None for unknown calls (found
    once per statement while the function does not change: the plans ask again)."""
    key = id(s)
    if key not in ctx.written:
        ctx.written[key] = _writes_of(s, ctx)
    return ctx.written[key]


_WRITING = (gast.Assign, gast.AugAssign, gast.For, gast.Delete, gast.Call)  # (_writes_of)


def _writes_of(s: gast.stmt, ctx: _Context) -> set[str] | None:
    found: set[str] = set()
    for n in nodes_of(s, _WRITING):
        if isinstance(n, (gast.Assign, gast.AugAssign)):
            found |= written_names(n)
        elif isinstance(n, (gast.For, gast.Delete)):
            found |= {m.id for t in ([n.target] if isinstance(n, gast.For) else n.targets)
                      for m in nodes(t) if isinstance(m, gast.Name)}
        elif isinstance(n, gast.Call):
            if isinstance(n.func, gast.Attribute) and n.func.attr in _MUTATING:
                base = root(n.func.value)
                if base is None:
                    return None
                found.add(base)
            elif not _known_pure(evaluate_ref(n.func, ctx.namespace)):
                return None
    return found


def _joined(a: tuple[set[str], set[str]] | None, b: tuple[set[str], set[str]] | None
            ) -> tuple[set[str], set[str]] | None:
    """The effects of two pieces of code run one after the other."""
    return None if a is None or b is None else (a[0] | b[0], a[1] | b[1])


def _conflict(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> bool:
    """Two pieces of code that do not commute: one writes what the other touches."""
    return bool(a[1] & (b[0] | b[1]) or b[1] & a[0])
