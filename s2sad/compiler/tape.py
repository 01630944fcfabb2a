"""Tape pruning: a value pushed for the reverse sweep that no later statement reads.

The reverse stage pushes what the adjoint templates read; the late passes then
make some reads unnecessary (``unbroadcast(g, x)`` of a ``g`` already shaped like
``x`` no longer reads ``x``).  A popped name dead after its pop is dropped from the
pop and from the push that pairs with it (``s2sad_slot``), and the pair goes when
nothing is left; the forward work only the push needed is then dead code.  A branch
flag pushed on each path out of an ``if`` (one push per path, one pop) goes whole.
"""
from __future__ import annotations

import itertools

import gast

from s2sad.compiler import liveness
from s2sad.compiler.names import assign, load
from s2sad.compiler.statement_walks import statement_nodes, walk_statements
from s2sad.compiler.walks import walk

SLOTS = itertools.count()  # pairs pushes with their pop (``s2sad_slot``)


def prune(body: list) -> list:
    pops, pushes = _slots(body)
    body = deduplicated(body, (pops, pushes))  # (changes pops and pushes in place)
    if not pops or _all_read(body, pops):
        return body  # (no tape, or every popped value read next: no liveness to work out)
    after: dict[int, frozenset] = {}
    liveness.live_after(body, after)
    dead: dict[int, set[int]] = {}
    for slot, pop in pops.items():
        targets = _items(pop.targets[0])
        live = after.get(id(pop), frozenset())
        drop = {i for i, t in enumerate(targets) if isinstance(t, gast.Name) and
                t.id not in live}
        paired = pushes.get(slot, [])
        whole = len(drop) == len(targets)  # several pushes (one per path): all or none
        if drop and paired and (len(paired) == 1 or whole) and \
                all(len(_items(p.value.args[0])) == len(targets) for p in paired):
            dead[slot] = drop
    if not dead:
        return body
    for slot, drop in dead.items():
        pop = pops[slot]
        pop.targets = _kept(pop.targets[0], drop, gast.Store())
        for push in pushes[slot]:
            push.value.args = _kept(push.value.args[0], drop, gast.Load())
    return _without_empty(body, {id(pops[s]) for s in dead} |
                          {id(p) for s in dead for p in pushes[s]})


def without_constants(body: list, numbers: set[str]) -> list:
    """Numbers pushed and popped under their own name that the body binds once, at its
    top level (one the ``invariants`` pass moved out of the loop that pushes it:
    ``sqrt = np.sqrt(dt)``), neither pushed nor popped: every trip pushes the value
    the name holds anyway (``numbers``: names holding numbers, which nothing writes
    into; an array could be written into after its push, and its push copied)."""
    pops, pushes = _slots(body)
    if not pops:
        return body
    popped = {id(t) for pop in pops.values() for t in _items(pop.targets[0])}
    stores: dict[str, int] = {}
    for n in walk(gast.Module(body=body, type_ignores=[])):  # (gast.walk's nodes, faster)
        if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load) and \
                id(n) not in popped:
            stores[n.id] = stores.get(n.id, 0) + 1
    once = {t.id for s in body if isinstance(s, gast.Assign) for t in s.targets
            if isinstance(t, gast.Name) and stores.get(t.id) == 1}
    dropped: dict[int, set[int]] = {}
    for slot, pop in pops.items():
        paired = pushes.get(slot, [])
        if len(paired) != 1:
            continue
        items, targets = _items(paired[0].value.args[0]), _items(pop.targets[0])
        drop = {i for i, (v, t) in enumerate(zip(items, targets))
                if isinstance(v, gast.Name) and isinstance(t, gast.Name) and
                v.id == t.id and v.id in once and v.id in numbers}
        if drop and len(items) == len(targets):
            pop.targets = _kept(pop.targets[0], drop, gast.Store())
            paired[0].value.args = _kept(paired[0].value.args[0], drop, gast.Load())
            dropped[slot] = drop
    if not dropped:
        return body
    return _without_empty(body, {id(pops[s]) for s in dropped} |
                          {id(pushes[s][0]) for s in dropped})


def _all_read(body: list, pops: dict[int, gast.Assign]) -> bool:
    """Whether every name each pop binds is surely live after it, so that nothing can be
    pruned: a statement after the pop reads the name before any statement, in the text
    between, binds it (one in a branch or a loop too: an under-estimate of what is live).
    The reverse sweep reads what it pops soon after, so this usually answers for the
    whole tape at a fraction of :func:`liveness.live_after`, and the same way where it
    answers: a name read by a later statement is live after the ones before it that
    bind it nowhere (a block's end flows on after its ``if`` or loop, a loop body's end
    to its head too)."""
    where: dict[int, tuple] = {}
    _places(body, None, where)
    known: dict[int, tuple[frozenset, frozenset]] = {}
    for pop in pops.values():
        place = where.get(id(pop))
        if place is None:
            return False  # (not in a block the liveness looks at: a loop's else)
        wanted: set[str] | None = {t.id for t in _items(pop.targets[0])
                                   if isinstance(t, gast.Name)}
        while wanted and place is not None:
            block, i, place = place
            wanted = _unread(block[i + 1:], wanted, known)
            if wanted and place is not None and not isinstance(place[0][place[1]], gast.If):
                wanted = wanted - _head_reads(place[0][place[1]])
        if wanted is None or wanted:
            return False
    return True


def _places(block: list, parent: tuple | None, where: dict[int, tuple]) -> None:
    """id of a statement -> (its block, its index, the same of the statement holding the
    block or None), in the blocks the liveness follows (an ``if``'s two, a loop's body)."""
    for i, s in enumerate(block):
        here = where[id(s)] = (block, i, parent)
        if isinstance(s, gast.If):
            _places(s.body, here, where)
            _places(s.orelse, here, where)
        elif isinstance(s, (gast.For, gast.While)):
            _places(s.body, here, where)


def _unread(stmts: list, wanted: set[str] | None,
            known: dict[int, tuple[frozenset, frozenset]]) -> set[str] | None:
    """``wanted`` less the names ``stmts`` read before binding them; None when one of
    them is bound first (``known``: what each simple statement binds and reads)."""
    for s in stmts:
        if not wanted:
            return wanted
        if isinstance(s, (gast.If, gast.For, gast.While)):
            wanted = wanted - _head_reads(s)
            if isinstance(s, gast.For) and not _bound(s.target).isdisjoint(wanted):
                return None
            for inner in (s.body, s.orelse) if isinstance(s, gast.If) else (s.body,):
                wanted = _unread(inner, wanted, known)
                if wanted is None:
                    return None
            continue
        stores, reads = _bound_and_read(s, known)
        wanted = wanted - reads
        if not stores.isdisjoint(wanted):
            return None
    return wanted


def _head_reads(s: gast.stmt) -> frozenset:
    return liveness.stores_and_reads(gast.Expr(value=s.iter if isinstance(s, gast.For)
                                               else s.test))[1]


def _bound(target: gast.expr) -> frozenset:
    return liveness.stores_and_reads(gast.Assign(targets=[target], value=gast.Constant(
        value=None, kind=None)))[0]


def _bound_and_read(s: gast.stmt, known: dict) -> tuple[frozenset, frozenset]:
    found = known.get(id(s))
    if found is None:
        found = known[id(s)] = liveness.stores_and_reads(s)
    return found


def has_slots(body: list) -> bool:
    """Does ``body`` push or pop anything (most loop-free bodies do not)?"""
    return any(getattr(s, "s2sad_slot", None) is not None for s in statement_nodes(body))


def pairs(body: list) -> tuple[dict[int, gast.Assign], dict[int, list]]:
    """slot -> its pop; slot -> the pushes it pairs with (for the passes that read a
    popped value as the value pushed)."""
    return _slots(body)


def items_of(e: gast.expr) -> list:
    """The values a push pushes, or the names a pop binds."""
    return _items(e)


def _slots(body: list) -> tuple[dict[int, gast.Assign], dict[int, list]]:
    """slot -> its pop; slot -> the pushes it pairs with."""
    pops: dict[int, gast.Assign] = {}
    pushes: dict[int, list] = {}
    for node in walk_statements(gast.Module(body=body, type_ignores=[])):
        slot = getattr(node, "s2sad_slot", None)
        if slot is not None and isinstance(node, gast.Assign):
            pops[slot] = node
        elif slot is not None:
            pushes.setdefault(slot, []).append(node)
    return pops, pushes


def deduplicated(body: list, slots: tuple | None = None) -> list:
    """A name pushed twice in one push (two recorded values the copy folding made one)
    pushed once: its second place in the pop becomes a copy of the first
    (``a_3 = a_1`` after the pop, which copy folding then removes); ``slots``: those
    of the body, when found already."""
    pops, pushes = slots or _slots(body)
    copies: dict[int, list] = {}
    for slot, pop in pops.items():
        paired = pushes.get(slot, [])
        if len(paired) == 1 and len(pop.targets) == 1:
            found = _repeated(paired[0].value.args[0], pop.targets[0])
            if found:
                pop.targets = _kept(pop.targets[0], set(found), gast.Store())
                paired[0].value.args = _kept(paired[0].value.args[0], set(found), gast.Load())
                copies[id(pop)] = list(found.values())
    return _with_copies(body, copies) if copies else body


def _repeated(pushed: gast.expr, popped: gast.expr) -> dict[int, tuple[str, str]]:
    """Place of each repeated name in a push -> (its pop name, the first one's)."""
    items, targets = _items(pushed), _items(popped)
    if len(items) != len(targets):
        return {}
    first: dict[str, str] = {}
    found = {}
    for j, (v, t) in enumerate(zip(items, targets)):
        if isinstance(v, gast.Name) and isinstance(t, gast.Name):
            if v.id in first:
                found[j] = (t.id, first[v.id])
            else:
                first[v.id] = t.id
    return found


def _with_copies(stmts: list, copies: dict[int, list]) -> list:
    """The statements with each pop's copies put right after it."""
    out = []
    for s in stmts:
        for field in ("body", "orelse"):
            if getattr(s, field, None):
                setattr(s, field, _with_copies(getattr(s, field), copies))
        out.append(s)
        out += [assign(t, load(src), s) for t, src in copies.get(id(s), [])]
    return out


def _items(e: gast.expr) -> list:
    return list(e.elts) if isinstance(e, gast.Tuple) else [e]


def _kept(items: gast.expr, drop: set[int], ctx: gast.expr_context) -> list:
    """What stays of a pop's target or a push's value: ``[]`` when nothing does."""
    left = [v for i, v in enumerate(_items(items)) if i not in drop]
    return [left[0] if len(left) == 1 else gast.Tuple(elts=left, ctx=ctx)] if left else []


def _without_empty(stmts: list, changed: set[int]) -> list:
    """The statements, with the pairs that hold nothing any more removed."""
    out = []
    for s in stmts:
        if id(s) in changed and (isinstance(s, gast.Assign) and not s.targets or
                                 isinstance(s, gast.Expr) and not s.value.args):
            continue
        for field in ("body", "orelse"):
            if getattr(s, field, None):
                setattr(s, field, _without_empty(getattr(s, field), changed) or
                        ([gast.Pass()] if field == "body" else []))
        out.append(s)
    return out
