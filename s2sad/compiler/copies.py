"""Copy folding, part of the late passes ``simplify`` and ``fuse``: the copies the
stages write (the joins of an ``if``, loop-carried values, an adjoint handed on) go.

- ``a = b`` outside loops, where ``a`` is assigned only there and ``b`` never again
  afterwards, is dropped and ``a`` read as ``b``;
- ``t = e; v = t`` becomes ``v = e``, and a copy whose reads all follow it in its block
  is read through (until its source changes);
- ``v = t`` read only until ``v`` is bound again in its block is read as ``t`` there,
  where its line keeps another statement (so its comment stays).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import gast

from s2sad.compiler.names import origin
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import _NO_NAMES, name_ids, name_nodes, nodes, store_and_load_ids

# set by the tests: the counts :func:`counted_folds` keeps up to date checked against a
# count of the body it leaves (its callers read them instead of counting again)
CHECK_COUNTS = False


def store_counts(stmts: list) -> Counter:
    return Counter(_ids(stmts, gast.Store))


def counts(stmts: list) -> tuple[Counter, Counter]:
    """``store_counts`` and ``load_counts`` of ``stmts`` (one walk)."""
    stores: list[str] = []
    loads: list[str] = []
    for s in stmts:
        store_and_load_ids(s, stores, loads)
    return Counter(stores), Counter(loads)


def load_counts(stmts: list) -> Counter:
    return Counter(_ids(stmts, gast.Load))


def _ids(stmts: list, ctx: type) -> list[str]:
    """The names in context ``ctx``, statement after statement (the counts' order)."""
    out: list[str] = []
    for s in stmts:
        name_ids(s, ctx, out)
    return out


def _own_names(s: gast.stmt) -> Iterator[gast.Name]:
    """The Name nodes of a statement, of only its header when it is compound."""
    if isinstance(s, (gast.If, gast.While)):
        return name_nodes(s.test)
    if isinstance(s, gast.For):
        return name_nodes([s.target, s.iter])
    return name_nodes(s)


def propagate_copies(body: list, keep: set[str]) -> list:
    order = list(block_statements(body))
    if not any(not in_loop and isinstance(s, gast.Assign) and isinstance(s.value, gast.Name)
               for s, _, in_loop in order):
        return body  # (no copy outside a loop: nothing to propagate, no names to walk)
    own = [list(_own_names(s)) for s, _, _ in order]  # (walked once, looked at thrice)
    stores, last_store = _stores(order, own)
    renames: dict[str, str] = {}
    for i, (s, block, in_loop) in enumerate(order):
        if in_loop or not (isinstance(s, gast.Assign) and isinstance(s.value, gast.Name)):
            continue
        a, b = s.targets[0].id, s.value.id
        if a in keep or stores[a] != 1 or last_store.get(b, -1) > i:
            continue
        block.remove(s)
        renames[a] = b
    if not renames:
        return body
    load = gast.Load
    for found in own:  # (a removed copy's names renamed too: no matter, it is gone)
        for n in found:
            if n.ctx.__class__ is load:
                while n.id in renames:
                    n.id = renames[n.id]
    return body


def _stores(order: list, own: list[list]) -> tuple[Counter, dict[str, int]]:
    """``store_counts(body)`` (a loop's else, not among the statements ``order`` lists,
    walked apart) and name -> the place in ``order`` of its last store, from the names of
    each statement (``own``)."""
    last: dict[str, int] = {}
    stored: list[str] = []
    store = gast.Store
    for i, found in enumerate(own):
        for n in found:
            if n.ctx.__class__ is store:
                last[n.id] = i
                stored.append(n.id)
        s = order[i][0]
        if isinstance(s, (gast.For, gast.While)) and s.orelse:
            name_ids(s.orelse, store, stored)
    return Counter(stored), last


_Names = dict[int, tuple[gast.stmt, list]]  # id of a statement -> it, its Name nodes
_COMPOUND = frozenset({gast.For, gast.While, gast.If, gast.Try, gast.With})


def fold_copies(body: list, keep: set[str]) -> list:
    """Sweeps until nothing changes; the name counts are kept up to date by each fold."""
    return counted_folds(body, keep)[0]


def counted_folds(body: list, keep: set[str]) -> tuple[list, Counter, Counter]:
    """:func:`fold_copies`, and the store and load counts of the body it leaves (kept up
    to date by each fold: :func:`counts` of it, but for names counted zero times)."""
    stores, loads = counts(body)
    names: _Names = {}  # statement -> its Name nodes (folds rename them in place)
    stored: _Stored = {}  # block -> names its statements may store
    changed = True
    while changed:
        changed = False
        for s, block, _ in list(block_statements(body)):
            if is_copy(s) and s in block:  # (nodes compare by identity: in C)
                changed |= _fold_copy(s, block, stores, loads, keep, names, stored)
    if CHECK_COUNTS and (counts(body) != (+stores, +loads)):
        raise AssertionError(f"fold_copies: counts kept {+stores}, {+loads}; "
                             f"of the body {counts(body)}")
    return body, stores, loads


_Stored = dict[int, tuple[list, dict[str, gast.stmt]]]  # id of a block -> it, last stores


def _stored_later(block: list, j: int, name: str, names: _Names, stored: _Stored) -> bool:
    """Whether a statement of ``block`` after ``block[j]`` (or one nested in it) may
    store ``name``: false when the last statement storing it is ``block[j]`` itself (one
    scan per block, not one per copy; a fold that renames a store forgets the scans)."""
    found = stored.get(id(block))
    if found is None or found[0] is not block:
        last = {n.id: st for st in block for n in _names_in(st, names)
                if n.ctx.__class__ is not gast.Load}
        found = stored[id(block)] = (block, last)
    return found[1].get(name) is not block[j]


def _names_in(st: gast.stmt, cache: _Names) -> list:
    """``st``'s Name nodes, kept for a simple statement (a fold renames them in place);
    a loop's or an if's are put together again each time (a fold inside it deletes
    some) from those of its header and of its statements."""
    if st.__class__ in _COMPOUND:
        return _compound_names(st, cache)
    found = cache.get(id(st))
    if found is None or found[0] is not st:
        found = cache[id(st)] = (st, list(name_nodes(st)))
    return found[1]


def _compound_names(st: gast.stmt, cache: _Names) -> list:
    """``list(name_nodes(st))`` of a compound statement, in its order (the fields last
    first, a list's items last first, each item whole), its statements' names taken
    from ``cache``: a loop holding most of the body is not walked again whole for each
    copy folded in the block around it."""
    fields = _FIELDS.get(st.__class__)
    if fields is None:
        fields = _FIELDS[st.__class__] = tuple(
            f for f in reversed(st._fields) if f not in _NO_NAMES)
    out: list = []
    for f in fields:
        v = getattr(st, f, None)
        if v.__class__ is not list:
            out += name_nodes(v)
            continue
        for item in reversed(v):
            out += _names_in(item, cache) if isinstance(item, gast.stmt) else \
                name_nodes(item)
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}  # compound statement class -> its fields, reversed


def is_copy(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
        isinstance(s.value, gast.Name)


def _fold_copy(s: gast.Assign, block: list, stores: Counter, loads: Counter,
               keep: set[str], names: _Names, stored: _Stored) -> bool:
    """Remove the copy ``v = t`` at ``block[j]`` if one of three safe rewrites applies."""
    j = block.index(s)  # (by identity: nodes define no ==)
    v, t = s.targets[0].id, s.value.id
    if v == t:  # v = v does nothing
        stores[v] -= 1
        loads[v] -= 1
        del block[j]
        return True
    if v in keep:
        return False
    if t in keep:  # (a parameter is never renamed: only read for the copy)
        return _fold_until_rebound(block, j, stores, loads, names, stored)
    before = block[j - 1] if j else None
    stores[v] -= 1  # the copy goes in each of the rewrites below
    loads[t] -= 1
    if before is not None and is_copy(before) and before.targets[0].id == t and \
            before.value.id == v:  # t = v; v = t
        del block[j]
        return True
    k = next((i for i in range(j - 1, -1, -1) if isinstance(block[i], gast.Assign)
              and isinstance(block[i].targets[0], gast.Name) and block[i].targets[0].id == t),
             None)
    if k is not None and stores[t] == 1 and not _mentions(block[k + 1:j], v, names=names) \
            and not (is_copy(block[k]) and block[k].value.id == v) and \
            _same_sweep(block[k], s):
        between = _reads_of(block[k + 1:j], t, names)
        after: list | None = [] if len(between) == loads[t] else \
            _reads_until_stored(block[j + 1:], t, v, names, loads[t] - len(between))
        reads = between + (after or [])
        if after is not None and len(reads) == loads[t]:
            block[k].targets[0].id = v  # t = e; ...; v = t  ->  v = e (t read as v)
            stored.clear()
            for n in reads:
                n.id = v
            stores[t], stores[v], loads[v], loads[t] = 0, stores[v] + 1, \
                loads[v] + len(reads), 0
            del block[j]
            return True
    later = _reads_until_stored(block[j + 1:], v, t, names, loads[v]) \
        if stores[v] == 0 else None
    if later is not None and len(later) == loads[v]:  # read only after it, t unchanged
        for n in later:
            n.id = t
        loads[t], loads[v] = loads[t] + loads[v], 0
        del block[j]
        return True
    stores[v] += 1  # kept
    loads[t] += 1
    return _fold_until_rebound(block, j, stores, loads, names, stored)


def _fold_until_rebound(block: list, j: int, stores: Counter, loads: Counter,
                        names: _Names, stored: _Stored) -> bool:
    """``v = t; ...v...; v = f(v)``: ``t`` read until ``v`` is bound again."""
    v, t = block[j].targets[0].id, block[j].value.id
    if stores[v] < 2 or not _line_stays(block, j):  # (never bound again; cheaper tests first)
        return False
    if not _stored_later(block, j, v, names, stored):  # (bound again elsewhere only)
        return False
    until = _reads_until_rebound(block, j, v, t, names)
    if until is None:
        return False
    for n in until:
        n.id = t
    loads[t], loads[v] = loads[t] + len(until) - 1, loads[v] - len(until)
    stores[v] -= 1
    del block[j]
    return True


def _mentions(stmts: list, name: str, loads: bool = True,
              names: _Names | None = None) -> bool:
    if names is not None:
        return any(n.id == name and (loads or not isinstance(n.ctx, gast.Load))
                   for st in stmts for n in _names_in(st, names))
    return any(isinstance(n, gast.Name) and n.id == name and
               (loads or not isinstance(n.ctx, gast.Load))
               for st in stmts for n in nodes(st))


def _same_sweep(first: gast.stmt, copy: gast.stmt) -> bool:
    """May ``first`` take over ``copy``'s work and keep its comment: both from one line,
    or both of the forward sweep (the copies that join branches and carry loop values);
    never an adjoint's copy merged into a forward value (its comment would be lost)."""
    a, b = origin(first) or "", origin(copy) or ""
    return a == b or not a.startswith("adjoint") and not b.startswith("adjoint")


def _reads_of(stmts: list, name: str, names: _Names) -> list:
    return [n for st in stmts for n in _names_in(st, names)
            if n.id == name and isinstance(n.ctx, gast.Load)]


def _line_stays(block: list, j: int) -> bool:
    """Another statement of the block comes from ``block[j]``'s line: its comment stays
    when ``block[j]`` goes (a line's adjoint never vanishes from the code)."""
    mark = origin(block[j])
    return any(origin(s) == mark for k, s in enumerate(block) if k != j)


def _reads_until_rebound(block: list, j: int, v: str, t: str, names: _Names) -> list | None:
    """The reads of ``v`` after the copy ``block[j]`` up to the value of the plain
    assignment that next binds it in the same block, where ``t`` is not stored: the
    only reads that can see the copy (in a loop, the next trip sees the new value)."""
    reads: list = []
    load = gast.Load
    for k in range(j + 1, len(block)):  # (one loop over each statement's names)
        mine, stores_v = [], False
        for n in _names_in(block[k], names):
            if n.id == v:
                if n.ctx.__class__ is load:
                    mine.append(n)
                else:
                    stores_v = True
            elif n.id == t and n.ctx.__class__ is not load:
                return None
        if stores_v:
            st = block[k]
            if not (isinstance(st, gast.Assign) and len(st.targets) == 1 and
                    isinstance(st.targets[0], gast.Name)):
                return None
            return reads + _reads_of([st.value], v, {})
        reads += mine
    return None


def _reads_until_stored(stmts: list, name: str, other: str, names: _Names,
                        wanted: int) -> list | None:
    """The reads of ``name`` in ``stmts`` up to the first store of ``other`` (its value
    included); None if ``name`` is read after that or ``other`` is stored in a block.
    ``wanted``: how many reads of ``name`` there are in all: once they are found, no
    later statement can read it (the scan stops there)."""
    reads: list = []
    load = gast.Load
    for k, st in enumerate(stmts):
        if len(reads) >= wanted:
            return reads
        mine = []
        for n in _names_in(st, names):  # (one loop: this runs over the rest of a block)
            if n.id == other and n.ctx.__class__ is not load:
                break
            if n.id == name and n.ctx.__class__ is load:
                mine.append(n)
        else:
            reads += mine
            continue
        if not isinstance(st, gast.Assign):  # st stores other
            return None
        in_value = _reads_of([st.value], name, {})
        rest = _reads_of(stmts[k + 1:], name, names)
        return None if rest or len(in_value) != len(_reads_of([st], name, names)) \
            else reads + in_value
    return reads
