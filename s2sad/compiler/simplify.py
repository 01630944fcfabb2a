"""Late passes ``simplify`` and ``fuse``: tidy the generated function without
changing what it computes.

- copy propagation: ``a = b`` outside loops, where ``a`` is assigned only
  there and ``b`` never again afterwards, is dropped and ``a`` read as ``b``;
- ``t = e; v = t`` becomes ``v = e`` (loop-carried updates, the copies that join
  the branches of an ``if``), and a copy whose reads all follow it in its block is
  read through;
- a pure temporary read once, by the next statement of the same source line, is
  written into that statement (``mul = a * b; add = mul + c`` -> ``add = a * b + c``);
- dead code: assignments of pure values to names nothing reads are dropped
  (stack pops and calls of unknown functions always stay), to a fixpoint.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad import runtime
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import nodes, origin, written_names
from s2sad.compiler.primitives import evaluate_ref

_IMPURE_METHODS = {"pop", "append"}


def simplify(body: list, namespace: dict, keep: set[str]) -> list:
    """``keep``: names that must survive (parameters)."""
    _drop_repeated_bindings(body, namespace)
    body = _propagate_copies(body, keep)
    body = _fold_copies(body, keep)
    body = _drop_dead(body, namespace, keep)
    _fuse_single_uses(body, namespace, keep, *_counts(body))
    return _drop_stale_deletes(body, set(keep), set(_loads(body)))


def _drop_repeated_bindings(block: list, namespace: dict) -> None:
    """``v = e`` again, where the block already bound ``v = e`` and nothing in between
    changed ``v`` or what ``e`` reads (``add = i + 1`` for an index read, then for the
    adjoint added at it): the second goes.  (What each statement writes is found once:
    the backward scans would otherwise walk a long block once per assignment.)"""
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                _drop_repeated_bindings(getattr(s, field), namespace)
    writes: dict[int, set[str]] = {}  # id of a statement -> _written (none is changed here)
    for j in range(len(block) - 1, 0, -1):
        s = block[j]
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and _pure(s.value, namespace)):
            continue
        name, reads = s.targets[0].id, {n.id for n in nodes(s.value) if isinstance(n, gast.Name)}
        for k in range(j - 1, -1, -1):
            written = writes.get(id(block[k]))
            if written is None:
                written = writes[id(block[k])] = _written(block[k])
            if name in written:
                if isinstance(block[k], gast.Assign) and len(block[k].targets) == 1 and \
                        gast.dump(block[k].value) == gast.dump(s.value) and name not in reads:
                    del block[j]
                break
            if written & reads:
                break


def _written(s: gast.stmt) -> set[str]:
    return {n.id for n in nodes(s) if isinstance(n, gast.Name) and
            not isinstance(n.ctx, gast.Load)} | set(written_names(s))


def fuse(body: list, namespace: dict, keep: set[str]) -> list:
    """Only the copies folded and the single-use temporaries written into their reader
    (after passes that made new readers, such as the in-place updates of
    :mod:`ownership`, or copies, where it found no copy needed: a copy folded names
    the same object either way)."""
    body = _fold_copies(body, keep)
    _fuse_single_uses(body, namespace, keep, *_counts(body))
    return _without_self_copies(body)


def _without_self_copies(block: list) -> list:
    """``v = v`` (an update in place leaves it) does nothing."""
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, field, _without_self_copies(getattr(s, field)))
    return [s for s in block if not (_is_copy(s) and s.targets[0].id == s.value.id)]


def drop_dead_code(body: list, namespace: dict, keep: set[str]) -> list:
    """Dead code and the ``del`` statements of what it assigned (no other tidying)."""
    body = _drop_dead(body, namespace, keep)
    return _drop_stale_deletes(body, set(keep), set(_loads(body)))


def _drop_stale_deletes(block: list, bound: set[str], read: set[str] | None = None) -> list:
    """A ``del`` of a name no statement before it binds any more (dead code elimination
    removed the assignment it freed; the name may still be bound later, as the reverse
    sweep binds a forward value again) goes too."""
    for s in list(block):
        if isinstance(s, gast.Delete):
            s.targets = [t for t in s.targets if not isinstance(t, gast.Name)
                         or t.id in bound]
            bound -= {t.id for t in s.targets if isinstance(t, gast.Name)}
            if not s.targets:
                block.remove(s)
            continue
        for inner in ("body", "orelse"):
            if isinstance(getattr(s, inner, None), list) and not isinstance(s, gast.FunctionDef):
                _drop_stale_deletes(getattr(s, inner), set(bound), read)
        if isinstance(s, (gast.For, gast.If)) and not s.body and not s.orelse and (
                isinstance(s, gast.If) or read is not None and
                isinstance(s.target, gast.Name) and s.target.id not in read):
            block.remove(s)  # nothing left to run (nor a loop variable read elsewhere)
            continue
        bound |= set(_stores([s]))
    return block


def _stores(stmts: list) -> Counter:
    return Counter(n.id for s in stmts for n in nodes(s)
                   if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store))


def _counts(stmts: list) -> tuple[Counter, Counter]:
    """``_stores`` and ``_loads`` of ``stmts`` in one walk."""
    stored, loaded = [], []
    for s in stmts:
        for n in nodes(s):
            if isinstance(n, gast.Name):
                if isinstance(n.ctx, gast.Store):
                    stored.append(n.id)
                elif isinstance(n.ctx, gast.Load):
                    loaded.append(n.id)
    return Counter(stored), Counter(loaded)


def _loads(stmts: list) -> Counter:
    return Counter(n.id for s in stmts for n in nodes(s)
                   if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load))


def _flatten(stmts: list, in_loop: bool = False):
    """(statement, enclosing block, inside a loop) in textual order."""
    for s in stmts:
        yield s, stmts, in_loop
        if isinstance(s, gast.If):
            yield from _flatten(s.body, in_loop)
            yield from _flatten(s.orelse, in_loop)
        elif isinstance(s, (gast.For, gast.While)):
            yield from _flatten(s.body, True)


def _propagate_copies(body: list, keep: set[str]) -> list:
    stores = _stores(body)
    order = list(_flatten(body))
    last_store: dict[str, int] = {}
    for i, (s, _, _) in enumerate(order):
        for n in nodes(s) if not isinstance(s, (gast.If, gast.For, gast.While)) else \
                _header_names(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                last_store[n.id] = i
    renames: dict[str, str] = {}
    for i, (s, block, in_loop) in enumerate(order):
        if in_loop or not (isinstance(s, gast.Assign) and isinstance(s.value, gast.Name)):
            continue
        a, b = s.targets[0].id, s.value.id
        if a in keep or stores[a] != 1 or last_store.get(b, -1) > i:
            continue
        block.remove(s)
        renames[a] = b
    for s, _, _ in order:
        for n in nodes(s) if not isinstance(s, (gast.If, gast.For, gast.While)) else \
                _header_names(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                while n.id in renames:
                    n.id = renames[n.id]
    return body


_Names = dict[int, tuple[gast.stmt, list]]  # id of a statement -> it, its Name nodes


def _fold_copies(body: list, keep: set[str]) -> list:
    """Sweeps until nothing changes; the name counts are kept up to date by each fold."""
    stores, loads = _counts(body)
    names: _Names = {}  # statement -> its Name nodes (folds rename them in place)
    changed = True
    while changed:
        changed = False
        for s, block, _ in list(_flatten(body)):
            if _is_copy(s) and any(x is s for x in block):
                changed |= _fold_copy(s, block, stores, loads, keep, names)
    return body


def _names_in(st: gast.stmt, cache: _Names) -> list:
    found = cache.get(id(st))
    if found is None or found[0] is not st:
        found = cache[id(st)] = (st, [n for n in nodes(st) if isinstance(n, gast.Name)])
    return found[1]


def _is_copy(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
        isinstance(s.value, gast.Name)


def _fold_copy(s: gast.Assign, block: list, stores: Counter, loads: Counter,
               keep: set[str], names: _Names) -> bool:
    """Remove the copy ``v = t`` at ``block[j]`` if one of three safe rewrites applies."""
    j = next(i for i, x in enumerate(block) if x is s)
    v, t = s.targets[0].id, s.value.id
    if v in keep:
        return False
    if t in keep:  # (a parameter is never renamed: only read for the copy)
        return _fold_until_rebound(block, j, stores, loads, names)
    before = block[j - 1] if j else None
    stores[v] -= 1  # the copy goes in each of the rewrites below
    loads[t] -= 1
    if before is not None and _is_copy(before) and before.targets[0].id == t and \
            before.value.id == v:  # t = v; v = t
        del block[j]
        return True
    k = next((i for i in range(j - 1, -1, -1) if isinstance(block[i], gast.Assign)
              and isinstance(block[i].targets[0], gast.Name) and block[i].targets[0].id == t),
             None)
    if k is not None and stores[t] == 1 and not _mentions(block[k + 1:j], v, names=names) \
            and not (_is_copy(block[k]) and block[k].value.id == v) and \
            _same_sweep(block[k], s):
        between = _reads_of(block[k + 1:j], t, names)
        after: list | None = [] if len(between) == loads[t] else \
            _reads_until_stored(block[j + 1:], t, v, names)
        reads = between + (after or [])
        if after is not None and len(reads) == loads[t]:
            block[k].targets[0].id = v  # t = e; ...; v = t  ->  v = e (t read as v)
            for n in reads:
                n.id = v
            stores[t], stores[v], loads[v], loads[t] = 0, stores[v] + 1, \
                loads[v] + len(reads), 0
            del block[j]
            return True
    later = _reads_until_stored(block[j + 1:], v, t, names) if stores[v] == 0 else None
    if later is not None and len(later) == loads[v]:  # read only after it, t unchanged
        for n in later:
            n.id = t
        loads[t], loads[v] = loads[t] + loads[v], 0
        del block[j]
        return True
    stores[v] += 1  # kept
    loads[t] += 1
    return _fold_until_rebound(block, j, stores, loads, names)


def _fold_until_rebound(block: list, j: int, stores: Counter, loads: Counter,
                        names: _Names) -> bool:
    """``v = t; ...v...; v = f(v)``: ``t`` read until ``v`` is bound again."""
    v, t = block[j].targets[0].id, block[j].value.id
    until = _reads_until_rebound(block, j, v, t, names)
    if until is None or not _line_stays(block, j):
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
    k = next((i for i in range(j + 1, len(block))
              if _mentions([block[i]], v, loads=False, names=names)), None)
    if k is None or not (isinstance(block[k], gast.Assign) and len(block[k].targets) == 1 and
                         isinstance(block[k].targets[0], gast.Name)) or \
            _mentions(block[j + 1:k + 1], t, loads=False, names=names):
        return None
    return _reads_of(block[j + 1:k], v, names) + _reads_of([block[k].value], v, {})


def _reads_until_stored(stmts: list, name: str, other: str, names: _Names) -> list | None:
    """The reads of ``name`` in ``stmts`` up to the first store of ``other`` (its value
    included); None if ``name`` is read after that or ``other`` is stored in a block."""
    reads: list = []
    for st in stmts:
        found = _names_in(st, names)
        if any(n.id == other and not isinstance(n.ctx, gast.Load) for n in found):
            if not isinstance(st, gast.Assign):
                return None
            in_value = _reads_of([st.value], name, {})
            rest = _reads_of(stmts[stmts.index(st) + 1:], name, names)
            return None if rest or len(in_value) != len(_reads_of([st], name, names)) \
                else reads + in_value
        reads += [n for n in found if n.id == name and isinstance(n.ctx, gast.Load)]
    return reads


def _fuse_single_uses(block: list, namespace: dict, keep: set[str], stores: Counter,
                      loads: Counter) -> None:
    for s in block:
        for inner in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                _fuse_single_uses(getattr(s, inner), namespace, keep, stores, loads)
    i = 0
    while i < len(block) - 1:
        s = block[i]
        t = s.targets[0].id if isinstance(s, gast.Assign) and \
            isinstance(s.targets[0], gast.Name) else None
        reader = _single_reader(block, i, t, namespace) \
            if t is not None and t not in keep and stores[t] == 1 and loads[t] == 1 else None
        if reader is not None and t is not None and _substitute(reader, t, s.value):
            del block[i]
            i = max(i - 1, 0)
        else:
            i += 1


_FUSED_SIZE = 18  # nodes: a longer expression reads worse than its parts


def _single_reader(block: list, i: int, name: str, namespace: dict) -> gast.stmt | None:
    """The later statement of ``block`` (same source line) that reads ``name``, when the
    pure value of ``block[i]`` can be moved into it: nothing in between writes what the
    value reads, and the result stays short."""
    s = block[i]
    if not _pure(s.value, namespace):
        return None
    reads = {n.id for n in nodes(s.value) if isinstance(n, gast.Name)}
    for nxt in block[i + 1:]:
        if origin(nxt) != origin(s) or not isinstance(
                nxt, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)):
            return None
        if any(isinstance(n, gast.Name) and n.id == name for n in nodes(nxt)):
            fits = sum(1 for _ in nodes(s.value)) + sum(1 for _ in nodes(nxt.value)) <= \
                _FUSED_SIZE or nxt is block[i + 1]
            return nxt if not isinstance(nxt, gast.Expr) and nxt.value is not None and \
                _pure(nxt.value, namespace) and fits else None
        if written_names(nxt) & reads or isinstance(nxt, gast.Expr):  # not past a push either
            return None
    return None


def _substitute(stmt: gast.stmt, name: str, value: gast.expr) -> bool:
    """Replace the one read of ``name`` in ``stmt``'s value by ``value``."""
    for node in nodes(stmt.value):
        for field, child in gast.iter_fields(node):
            items = child if isinstance(child, list) else [child]
            for k, c in enumerate(items):
                if isinstance(c, gast.Name) and c.id == name and isinstance(c.ctx, gast.Load):
                    if isinstance(child, list):
                        child[k] = value
                    else:
                        setattr(node, field, value)
                    return True
    if isinstance(stmt.value, gast.Name) and stmt.value.id == name:
        stmt.value = value
        return True
    return False


def _header_names(s: gast.stmt) -> list:
    """The names in a compound statement's own header (its blocks are visited apart)."""
    head = s.test if isinstance(s, (gast.If, gast.While)) else gast.Tuple(
        elts=[s.target, s.iter], ctx=gast.Load())
    return list(nodes(head))


def _pure(value: gast.expr, namespace: dict) -> bool:
    for n in nodes(value):
        if isinstance(n, gast.Call):
            if isinstance(n.func, gast.Attribute) and n.func.attr in _IMPURE_METHODS:
                return False
            fn = evaluate_ref(n.func, namespace)
            if not _known_pure(fn):
                return False
    return True


def _real(stmts: list) -> bool:
    return any(not isinstance(s, gast.Pass) for s in stmts)


def _known_pure(fn: object) -> bool:
    if fn in runtime.HELPERS.values() or fn in (range, len, reversed, min, max, abs, float,
                                                  slice):
        return True
    module = (getattr(fn, "__module__", None) or "").split(".")[0]
    return module in ("numpy", "math", "_operator", "operator") or type(fn).__name__ == "ufunc"


def _drop_dead(body: list, namespace: dict, keep: set[str]) -> list:
    """Assignments nothing reads later (by liveness), and a value only its own updates
    read (``s = s + x`` in a loop, ``s`` unused): all its assignments, or none."""
    changed = True
    while changed:
        changed = False
        after: dict[int, frozenset] = {}
        live_after(body, after)
        for s, block, _ in list(_flatten(body)):
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
                    s.targets[0].id not in after[id(s)] | keep and \
                    _pure(s.value, namespace) or isinstance(s, (gast.If, gast.For)) and \
                    isinstance(getattr(s, "test", None), gast.Name) | _ranged(s, namespace) \
                    and not _real(s.body + s.orelse):
                block.remove(s)  # (an if or a range loop left with nothing to do goes too)
                changed = True
        changed |= _drop_self_fed(body, namespace, keep)
    return body


def _drop_self_fed(body: list, namespace: dict, keep: set[str]) -> bool:
    """Values only their own updates read, directly or around a cycle (``a = t + x;
    t = a * y`` in a loop, ``t`` unused after it): all their assignments go."""
    assigns: dict[str, list] = {}
    for s, block, _ in _flatten(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            assigns.setdefault(s.targets[0].id, []).append((s, block))
    dead = {name for name, found in assigns.items() if name not in keep and
            all(len(s.targets) == 1 and _pure(s.value, namespace) for s, _ in found)}
    loads = _loads(body)
    reads = {name: Counter(n.id for s, _ in found for n in nodes(s.value)
                           if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load))
             for name, found in assigns.items() if name in dead}
    # a name read by anything but the assignments of dead names is live; one found live
    # takes its reads out, and only the names it read are looked at again (the same
    # largest set as sweeping every name until none changes, without the sweeps)
    inside: Counter[str] = Counter()
    for name in dead:
        inside.update(reads[name])
    todo = [name for name in dead if loads[name] != inside[name]]
    while todo:
        name = todo.pop()
        if name not in dead:
            continue
        dead.discard(name)
        inside.subtract(reads[name])
        todo += [r for r in reads[name] if r in dead and loads[r] != inside[r]]
    for name in dead:
        for s, block in assigns[name]:
            block.remove(s)
    return bool(dead)


def _ranged(s: gast.stmt, namespace: dict) -> bool:
    return isinstance(s, gast.For) and isinstance(s.iter, gast.Call) and \
        evaluate_ref(s.iter.func, namespace) in (range, reversed) and \
        all(isinstance(a, (gast.Name, gast.Constant)) for a in s.iter.args)
