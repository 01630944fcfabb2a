"""Late pass ``tape_rows``: the arrays a time-step loop puts on the tape kept as the rows of
one array per value, not as one new array per trip.

``for t in range(steps)`` over vectors of 2000 paths pushes ``(S, e)`` every trip: 100
arrays of 16 kB, freed one by one as the reverse sweep pops them.  glibc gives the top
of its heap back to the system as soon as more than 128 kB of it is free, so the tape's
memory is returned during every reverse sweep and faulted in again, page by page, by the
next forward sweep: a fifth of a Monte-Carlo gradient's time went to the kernel.  One
array of ``steps`` rows per value is one allocation, which glibc serves from the heap
again after the first call (its threshold for returning memory grows with the largest
block freed); the forward sweep copies each trip's value into its row, ``S_rows[t] =
S``, and the reversed loop reads the row back, ``S = S_rows[t]`` (a view: the row is
read only by that trip's adjoint).

Done for a loop ``for t in range(n)`` of the function's body (``max(n, 0)`` rows where
the shapes do not know ``n`` a length), without ``break`` or ``continue``, whose reversed loop
``for t in reversed(range(n))`` follows in the body, where every push of the loop is a
statement of its body (once per trip) popped by a statement of the reversed loop's body
and neither loop touches the tape otherwise; for the pushed values that are float64
arrays (:mod:`dtypes`) of one shape in every trip (:mod:`dims`), equal to the shape of
a name bound before the loop (which the row array is made like); values of other kinds
stay on the list.  Only in the optimistic variant (:mod:`s2sad.fallback`), marked as
such so that it has its guarded twin: the one a second derivative reads (``out=`` and
writes into rows are not differentiated again), which keeps its list.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gast

from s2sad.compiler import dims
from s2sad.compiler.dtypes import F64
from s2sad.compiler.names import assign, copy_origin, load, np_attr, store, written_names
from s2sad.compiler.recompute import reversed_of
from s2sad.compiler.walks import nodes

SMALL = 512  # elements: an array of literal lengths smaller than this stays on the list


def rows(body: list, shapes: dims.Facts, kinds: Mapping[str, str], params: set[str],
         namer: Any) -> bool:
    """Rewrites ``body`` in place; True if it changed (a tape no longer read not made)."""
    changed = False
    for k, forward in enumerate(list(body)):
        if not isinstance(forward, gast.For):
            continue
        reverse = next((r for r in body[k + 1:] if isinstance(r, gast.For) and
                        reversed_of(r, forward)), None)
        if reverse is not None and _counted(forward):
            before = [s for s in body[:body.index(forward)]]
            changed |= _rewrite(body, forward, reverse, shapes, kinds,
                                _witnesses(before, params), namer)
    if changed:
        _drop_unread_tapes(body)
    return changed


def candidates(body: list) -> bool:
    """Is there a loop :func:`rows` would look into: a ``for t in range(n)`` of the body
    pushing onto one tape, its reversed loop after it (no facts asked: the dtypes need
    not be worked out for a body without)?"""
    return any(isinstance(forward, gast.For) and _tape_name(forward.body) is not None and
               any(isinstance(r, gast.For) and reversed_of(r, forward) for r in body[k + 1:])
               and _counted(forward) for k, forward in enumerate(body))


def _drop_unread_tapes(body: list) -> None:
    """``stack = []`` of a tape no statement reads any more."""
    for s in list(body):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.List) and \
                not s.value.elts and _touches(body, s.targets[0].id) == 0:
            body.remove(s)


def _counted(loop: gast.For) -> bool:
    """``for t in range(n)``, no ``break`` or ``continue``."""
    it = loop.iter
    return isinstance(loop.target, gast.Name) and isinstance(it, gast.Call) and \
        isinstance(it.func, gast.Name) and it.func.id == "range" and len(it.args) == 1 and \
        not it.keywords and \
        not any(isinstance(n, (gast.Break, gast.Continue)) for n in nodes(loop.body))


def _witnesses(before: list, params: set[str]) -> list[str]:
    """Names bound by the statements before the loop (at the top), and the parameters:
    the names a row array may be made like."""
    bound = [s.targets[0].id for s in before if isinstance(s, gast.Assign) and
             len(s.targets) == 1 and isinstance(s.targets[0], gast.Name)]
    return bound + sorted(params)


def _rewrite(body: list, forward: gast.For, reverse: gast.For, shapes: dims.Facts,
             kinds: Mapping[str, str], witnesses: list[str], namer: Any) -> bool:
    stack = _tape_name(forward.body)
    if stack is None:
        return False
    pushes = {s.s2sad_slot: s for s in forward.body if _slot(s) is not None}
    pops = {s.s2sad_slot: s for s in reverse.body if _slot(s) is not None}
    if set(pushes) != set(pops) or _touches(forward.body, stack) != len(pushes) or \
            _touches(reverse.body, stack) != len(pops) or \
            not all(_is_push(s, stack) for s in pushes.values()) or \
            not all(_is_pop(s, stack) for s in pops.values()):
        return False
    groups, again = _places(forward.body, pushes, pops, shapes, kinds, witnesses)
    if not groups:
        return False
    binders = _binders(forward.body)  # (the rewrite below binds no name: current throughout)
    if not _pays(forward.body, pushes, groups, binders):
        return False
    _name_the_trip(forward, reverse, namer)
    rows = {like: namer.fresh("rows") for like in groups}
    where = {value: (rows[like], j if len(values) > 1 else None)
             for like, values in groups.items() for j, value in enumerate(values)}
    where.update({value: where[first] for value, first in again.items()})
    for slot in pushes:
        _split(slot, pushes[slot], pops[slot], forward, reverse, where, set(again), binders)
    count = forward.iter.args[0]
    if shapes.size(count) is None:  # (not a length: range(n) of a negative n is empty)
        count = gast.Call(func=load("max"), args=[count, gast.Constant(value=0, kind=None)],
                          keywords=[])
    body[body.index(forward):body.index(forward)] = [
        copy_origin(assign(rows[like], _empty(count, len(values), like)), forward.body[0])
        for like, values in groups.items()]
    return True


def _places(block: list, pushes: dict, pops: dict, shapes: dims.Facts,
            kinds: Mapping[str, str], witnesses: list[str]) -> tuple[dict, dict]:
    """(the name a row array is made like -> the values (slot, place in the push) it
    holds; a value pushed again unchanged -> the place that holds it already)."""
    groups: dict[str, list[tuple]] = {}
    again: dict[tuple, tuple] = {}
    held: dict[str, tuple] = {}  # name -> the place holding its value as it is now
    for s in block:
        slot = _slot(s)
        pair = _pairs(pushes[slot], pops[slot]) if slot in pushes else None
        for at, x in enumerate(pair[0] if pair is not None else []):
            if x.id in held:
                again[slot, at] = held[x.id]
                continue
            like = _like(x, shapes, kinds, witnesses)
            if like is not None:
                groups.setdefault(like, []).append((slot, at))
                held[x.id] = (slot, at)
        if slot is None:
            for name in _binds(s):
                held.pop(name, None)
    return groups, again


def _binds(s: gast.stmt) -> set[str]:
    return {n.id for n in nodes(s) if isinstance(n, gast.Name) and
            not isinstance(n.ctx, gast.Load)} | written_names(s) | \
        {name for n in nodes(s) if isinstance(n, gast.stmt) for name in written_names(n)}


def _pays(block: list, pushes: dict, groups: dict, binders: dict[str, list]) -> bool:
    """Whether the copies into rows are few: at most one more than the values made in
    their rows (a copy costs a pass over the value, which a list of references does not:
    an LSTM step's seven small gates stay on the list)."""
    made = copied = 0
    for values in groups.values():
        for slot, at in values:
            pushed = pushes[slot].value.args[0]
            item = pushed.elts[at] if isinstance(pushed, gast.Tuple) else pushed
            if _made_in_row(block, pushes[slot], item.id, binders) is not None:
                made += 1
            else:
                copied += 1
    return copied <= made + 1


def _name_the_trip(forward: gast.For, reverse: gast.For, namer: Any) -> None:
    """``for t in range(n)`` for the user's ``for _ in range(n)`` (the rows are read at
    ``t``), where neither loop reads ``_``."""
    if forward.target.id != "_" or any(isinstance(n, gast.Name) and n.id == "_" for n in
                                        nodes(forward.body + reverse.body)):
        return
    forward.target = reverse.target = store(namer.fresh("t"))
    reverse.target = store(forward.target.id)


def _pairs(push: gast.Expr, pop: gast.Assign) -> tuple[list, list] | None:
    """(values pushed, names popped into), names all, or None."""
    pushed = push.value.args[0]
    items = pushed.elts if isinstance(pushed, gast.Tuple) else [pushed]
    targets = pop.targets[0].elts if isinstance(pop.targets[0], gast.Tuple) else \
        [pop.targets[0]]
    if len(items) != len(targets) or not all(isinstance(x, gast.Name) for x in items) or \
            not all(isinstance(x, gast.Name) for x in targets):
        return None
    return items, targets


def _split(slot: Any, push: gast.Expr, pop: gast.Assign, forward: gast.For,
           reverse: gast.For, where: dict[tuple, tuple[str, int | None]],
           again: set[tuple], binders: dict[str, list]) -> None:
    """The push and its pop rewritten for the values that go into rows (``where``: (slot,
    place in the push) -> (its row array, its place in a row); ``again``: the values a
    row holds already, read back from there, not written again)."""
    pair = _pairs(push, pop)
    if pair is None or not any((slot, at) in where for at in range(len(pair[0]))):
        return
    writes, reads, kept, kept_targets = [], [], [], []
    for at, (x, target) in enumerate(zip(*pair)):
        if (slot, at) not in where:
            kept.append(x)
            kept_targets.append(target)
            continue
        rows, j = where[slot, at]
        row = _row(rows, j, forward, gast.Load())
        if (slot, at) not in again and \
                not _computed_into(forward.body, push, x.id, row, binders):
            writes.append(copy_origin(gast.Assign(
                targets=[_row(rows, j, forward, gast.Store())], value=load(x.id),
                type_comment=None), push))
        reads.append(copy_origin(assign(target.id, _row(rows, j, reverse, gast.Load())), pop))
    _replace(forward.body, push, _kept_push(push, kept) + writes)
    _replace(reverse.body, pop, _kept_pop(pop, kept_targets) + reads)


def _computed_into(block: list, push: gast.stmt, name: str, row: gast.expr,
                   binders: dict[str, list]) -> bool:
    """``x = np.exp(u)`` (a NumPy ufunc of one output) bound once in ``block``, before
    ``push``, written ``x = np.exp(u, out=row)``: the value made in its row, no copy
    (``x`` is then a view of the row, as the pushed ``x`` was the object on the tape)."""
    made = _made_in_row(block, push, name, binders)
    if made is None:
        return False
    made.value.keywords = [gast.keyword(arg="out", value=row)]
    return True


def _binders(block: list) -> dict[str, list]:
    """name -> the statements of ``block`` binding it, once per binding (one walk of the
    block: a walk per value pushed was quadratic in a long loop's length)."""
    out: dict[str, list] = {}
    for s in block:
        for n in nodes(s):
            if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
                out.setdefault(n.id, []).append(s)
    return out


def _made_in_row(block: list, push: gast.stmt, name: str, binders: dict[str, list]
                 ) -> gast.Assign | None:
    """The statement ``x = np.exp(u)`` of ``block`` binding ``name``, once, before
    ``push``: a NumPy ufunc of one output, which can write into a row (``binders``:
    :func:`_binders` of ``block``)."""
    defs = binders.get(name, [])
    if len(defs) != 1 or not isinstance(defs[0], gast.Assign) or \
            not isinstance(defs[0].targets[0], gast.Name) or \
            [id(s) for s in block].index(id(defs[0])) > [id(s) for s in block].index(id(push)):
        return None
    value = defs[0].value
    if not (isinstance(value, gast.Call) and not value.keywords and value.args and
            _ufunc(value.func)):
        return None
    return defs[0]


def _ufunc(func: gast.expr) -> bool:
    """``np.exp``-like: an attribute of ``np`` that is a ufunc of one output."""
    import numpy as np
    return isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and \
        func.value.id == "np" and isinstance(getattr(np, func.attr, None), np.ufunc) and \
        getattr(np, func.attr).nout == 1


def _like(x: gast.Name, shapes: dims.Facts, kinds: Mapping[str, str],
          witnesses: list[str]) -> str | None:
    """A name bound before the loop of the shape of the float64 array ``x``."""
    shape = shapes.of(x)
    if kinds.get(x.id) != F64 or not dims.known(shape) or not shape or _small(shape):
        return None
    return next((w for w in witnesses if dims.same(shapes.of(load(w)), shape)), None)


def _small(shape: tuple) -> bool:
    size = 1
    for d in shape:
        if not isinstance(d, int):
            return False
        size *= d
    return size < SMALL


def _empty(count: gast.expr, k: int, like: str) -> gast.expr:
    """``np.empty((n, k) + np.shape(like))`` (``(n,)`` for one value a row)."""
    lead = [count] if k == 1 else [count, gast.Constant(value=k, kind=None)]
    shape = gast.BinOp(left=gast.Tuple(elts=lead, ctx=gast.Load()), op=gast.Add(),
                       right=_np_call("shape", load(like)))
    return _np_call("empty", shape)


def _np_call(name: str, arg: gast.expr) -> gast.Call:
    return gast.Call(func=np_attr(name),
                     args=[arg], keywords=[])


def _row(rows: str, j: int | None, loop: gast.For, ctx: gast.AST) -> gast.Subscript:
    """``rows[t]``, or ``rows[t, j]`` for the ``j``-th value of a row."""
    at: gast.expr = load(loop.target.id)
    if j is not None:
        at = gast.Tuple(elts=[at, gast.Constant(value=j, kind=None)], ctx=gast.Load())
    return gast.Subscript(value=load(rows), slice=at, ctx=ctx)


def _kept_push(push: gast.Expr, kept: list) -> list:
    if not kept:
        return []
    push.value.args[0] = kept[0] if len(kept) == 1 else gast.Tuple(elts=kept, ctx=gast.Load())
    return [push]


def _kept_pop(pop: gast.Assign, kept: list) -> list:
    if not kept:
        return []
    pop.targets[0] = store(kept[0].id) if len(kept) == 1 else \
        gast.Tuple(elts=[store(t.id) for t in kept], ctx=gast.Store())
    return [pop]


def _replace(block: list, old: gast.stmt, new: list) -> None:
    at = next(i for i, s in enumerate(block) if s is old)
    block[at:at + 1] = new


def _slot(s: gast.stmt) -> Any:
    return getattr(s, "s2sad_slot", None)


def _tape_name(block: list) -> str | None:
    names = {s.value.func.value.id for s in block if _slot(s) is not None and
             isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) and
             isinstance(s.value.func, gast.Attribute) and
             isinstance(s.value.func.value, gast.Name)}
    return next(iter(names)) if len(names) == 1 else None


def _is_push(s: gast.stmt, stack: str) -> bool:
    return isinstance(s, gast.Expr) and _method_of(s.value, stack) == "append" and \
        len(s.value.args) == 1


def _is_pop(s: gast.stmt, stack: str) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        _method_of(s.value, stack) == "pop" and not s.value.args


def _method_of(e: Any, stack: str) -> str | None:
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
            isinstance(e.func.value, gast.Name) and e.func.value.id == stack:
        return e.func.attr
    return None


def _touches(block: list, stack: str) -> int:
    """How many times the statements (nested ones too) read the tape."""
    return sum(1 for n in nodes(block) if isinstance(n, gast.Name) and n.id == stack and
               isinstance(n.ctx, gast.Load))
