"""Late passes ``simplify`` and ``fuse``: tidy the generated function without
changing what it computes.

- copies folded (:mod:`s2sad.compiler.copies`);
- a pure temporary read once, by the next statement of the same source line, is
  written into that statement (``mul = a * b; add = mul + c`` -> ``add = a * b + c``);
- dead code: assignments of pure values to names nothing reads are dropped
  (stack pops and calls of unknown functions always stay), to a fixpoint.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad import runtime
from s2sad.compiler.copies import (
    counted_folds,
    is_copy,
    load_counts,
    propagate_copies,
)
from s2sad.compiler.decide import decide
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import IN_PLACE_HELPERS, origin, written_names
from s2sad.compiler.node_scans import mentions, nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import block_statements, statement_nodes
from s2sad.compiler.walks import name_ids, name_nodes, nodes, same

_IMPURE_METHODS = {"pop", "append"}


def simplify(body: list, namespace: dict, keep: set[str]) -> list:
    """``keep``: names that must survive (parameters)."""
    decide(body, keep)
    _drop_repeated_bindings(body, namespace)
    body = propagate_copies(body, keep)
    body, stores, loads = counted_folds(body, keep)
    gone: list = []
    body = _drop_dead(body, namespace, keep, gone)
    if gone:  # (a copy whose other binding was dead code folds now: one round, not two)
        body, stores, loads = counted_folds(body, keep)
    _fuse_single_uses(body, namespace, keep, stores, loads)  # (the counts still current)
    return _without_stale_deletes(body, keep, loads)


def _drop_repeated_bindings(block: list, namespace: dict) -> None:
    """``v = e`` again, where the block already bound ``v = e`` and nothing in between
    changed ``v`` or what ``e`` reads (``add = i + 1`` for an index read, then for the
    adjoint added at it): the second goes.  The statement to compare with is the last
    one before that writes ``v`` or a name ``e`` reads: one forward walk keeps, for
    each name, the last statement that wrote it (a backward scan per assignment was
    quadratic in a long block; removing a later statement changes no earlier one's
    answer, so all are found first and removed after).  A repeated binding changes no
    value, so it is not the last write of its name: a chain of them goes at once
    (``sub = i - 1``, ``item = cp[sub]``, ``m = b_i - a_i * item`` computed again for a
    second adjoint)."""
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                _drop_repeated_bindings(getattr(s, field), namespace)
    last: dict[str, int] = {}  # name -> index of the last statement so far writing it
    writes: list[set[str]] = []
    repeated: list[int] = []
    for j, s in enumerate(block):
        if j and isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and s.targets[0].id in last:
            name = s.targets[0].id  # (bound before in the block: maybe the same binding)
            reads = {n.id for n in name_nodes(s.value)}
            k = max([last[name]] + [last.get(r, -1) for r in reads])
            if name in writes[k] and name not in reads and \
                    isinstance(block[k], gast.Assign) and len(block[k].targets) == 1 and \
                    _pure(s.value, namespace) and \
                    same(block[k].value, s.value):
                repeated.append(j)
        written = _written(s)
        writes.append(written)
        if repeated and repeated[-1] == j:
            continue  # (binds the value the name holds: what reads it sees no change)
        for name in written:
            last[name] = j
    for j in reversed(repeated):
        del block[j]


def _written(s: gast.stmt) -> set[str]:
    if isinstance(s, (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)):
        return written_names(s)  # (their values bind nothing: no walk of the values)
    return {n.id for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)} | set(written_names(s))


def fuse(body: list, namespace: dict, keep: set[str]) -> list:
    """Only the copies folded and the single-use temporaries written into their reader
    (after passes that made new readers, such as the in-place updates of
    :mod:`ownership`, or copies, where it found no copy needed: a copy folded names
    the same object either way)."""
    body, stores, loads = counted_folds(body, keep)
    _fuse_single_uses(body, namespace, keep, stores, loads)
    _without_display_copies(body)
    return _without_self_copies(body)


def _without_display_copies(body: list) -> None:
    """``fresh([da, db])`` (a display written into its copy) is ``[da, db]``: ``fresh``
    copies a list or dict shallowly, a new one holding the same items.  (Most bodies
    call no ``fresh``: one scan that stops at the first, not a look at every child.)"""
    if not mentions(body, ids=_FRESH):
        return
    for node in nodes(body):
        for field, child in gast.iter_fields(node):
            if _display_copy(child):
                setattr(node, field, child.args[0])
            elif isinstance(child, list):
                child[:] = [c.args[0] if _display_copy(c) else c for c in child]


_FRESH = frozenset({"fresh"})


def _display_copy(e: object) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "fresh" and len(e.args) == 1 and not e.keywords and \
        isinstance(e.args[0], (gast.List, gast.Dict))


def _without_self_copies(block: list) -> list:
    """``v = v`` (an update in place leaves it) does nothing."""
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, field, _without_self_copies(getattr(s, field)))
    return [s for s in block if not (is_copy(s) and s.targets[0].id == s.value.id)]


def drop_dead_code(body: list, namespace: dict, keep: set[str]) -> list:
    """Dead code and the ``del`` statements of what it assigned (no other tidying)."""
    body = _drop_dead(body, namespace, keep)
    return _without_stale_deletes(body, keep)


def _without_stale_deletes(body: list, keep: set[str], loads: Counter | None = None
                           ) -> list:
    """:func:`_drop_stale_deletes` of the body, what it binds followed only where it has
    a ``del``, what it reads counted only where it has a ``for`` loop (most have
    neither: two walks of the body saved).  ``loads``: the load counts copy folding
    kept, when given (current but for the temporaries fused into their one reader since,
    which no loop has for its target: a loop's target is stored a second time)."""
    kinds = {s.__class__ for s in statement_nodes(body)}
    read = None if gast.For not in kinds else set(load_counts(body)) if loads is None else \
        {name for name, count in loads.items() if count > 0}
    if gast.Delete not in kinds:
        return _drop_stale_deletes(body, None, read)
    return _drop_stale_deletes(body, set(keep), read)


def _drop_stale_deletes(block: list, bound: set[str] | None,
                        read: set[str] | None = None) -> list:
    """A ``del`` of a name no statement before it binds any more (dead code elimination
    removed the assignment it freed; the name may still be bound later, as the reverse
    sweep binds a forward value again) goes too (``bound``: None where there is no
    ``del``: then no need to follow what is bound)."""
    for s in list(block):
        if isinstance(s, gast.Delete) and bound is not None:
            s.targets = [t for t in s.targets if not isinstance(t, gast.Name)
                         or t.id in bound]
            bound -= {t.id for t in s.targets if isinstance(t, gast.Name)}
            if not s.targets:
                block.remove(s)
            continue
        for inner in ("body", "orelse"):
            if isinstance(getattr(s, inner, None), list) and not isinstance(s, gast.FunctionDef):
                _drop_stale_deletes(getattr(s, inner), None if bound is None else set(bound),
                                    read)
        if isinstance(s, (gast.For, gast.If)) and not s.body and not s.orelse and (
                isinstance(s, gast.If) or read is not None and
                isinstance(s.target, gast.Name) and s.target.id not in read):
            block.remove(s)  # nothing left to run (nor a loop variable read elsewhere)
            continue
        if bound is not None:
            bound.update(name_ids(s, gast.Store))
    return block


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
    reads = {n.id for n in name_nodes(s.value)}
    for nxt in block[i + 1:]:
        if origin(nxt) != origin(s) or not isinstance(
                nxt, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)):
            return None
        if any(n.id == name for n in name_nodes(nxt)):
            if _writes_in_place(s.value) and not isinstance(nxt.value, gast.Name):
                return None  # (the ownership pass sees an in-place helper as a statement)
            fits = sum(1 for _ in nodes(s.value)) + sum(1 for _ in nodes(nxt.value)) <= \
                _FUSED_SIZE or nxt is block[i + 1]
            return nxt if not isinstance(nxt, gast.Expr) and nxt.value is not None and \
                _pure(nxt.value, namespace) and fits else None
        if written_names(nxt) & reads or isinstance(nxt, gast.Expr):  # not past a push either
            return None
    return None


def _writes_in_place(value: gast.expr) -> bool:
    """``add_at(d, ..)`` and the like change ``d``: moved into a longer expression that
    also reads ``d`` (``da + add_at(da, ..)``) the change would show in that read, and the
    ownership pass, which copies ``d`` where another name sees it, looks at statements."""
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and \
        value.func.id in IN_PLACE_HELPERS and bool(value.args) and \
        isinstance(value.args[0], gast.Name)  # (add_at(None, ..) makes a new one)


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


def _pure(value: gast.expr, namespace: dict) -> bool:
    for n in nodes_of(value, (gast.Call,)):
        if isinstance(n.func, gast.Attribute) and n.func.attr in _IMPURE_METHODS or \
                any(k.arg == "out" or (k.arg or "").startswith("overwrite_")
                    for k in n.keywords):
            return False
        fn = evaluate_ref(n.func, namespace)
        if not _known_pure(fn):
            return False
    return True


def _real(stmts: list) -> bool:
    return any(not isinstance(s, gast.Pass) for s in stmts)


def _known_pure(fn: object) -> bool:
    """A runtime helper, one of a few builtins, or a function of NumPy, ``math``,
    ``operator``, ``scipy.linalg`` or ``scipy.special`` (asked thousands of times per
    transform of a few dozen functions: the helpers found by identity, not by comparing
    with each of two hundred)."""
    module = getattr(fn, "__module__", None) or ""
    if module.startswith(("numpy.random", "s2sad.runtime.draws")):  # (a draw moves its
        return False  # generator: never dropped, merged, moved nor run again)
    if id(fn) in _HELPER_IDS or fn in (range, len, reversed, min, max, abs, float, slice):
        return True
    return module.split(".")[0] in ("numpy", "math", "_operator", "operator") or \
        type(fn).__name__ == "ufunc" or module.startswith(("scipy.linalg", "scipy.special"))


_HELPER_IDS = frozenset(map(id, runtime.HELPERS.values()))  # (they live as long as s2sad)


def _drop_dead(body: list, namespace: dict, keep: set[str], gone: list | None = None
               ) -> list:
    """Assignments nothing reads later (by strong liveness: a dead assignment's reads
    keep nothing alive), and a value only its own updates read (``s = s + x`` in a
    loop, ``s`` unused): all its assignments, or none.  An ``if`` or a range loop left
    with nothing to do goes too (its statements are looked at first), which may leave
    its test dead: then again.  What a statement reads and whether its value is pure
    are found once (``memo``, ``pure``; ``gone`` keeps removed statements alive, so no
    other node takes their ids; the caller's list, when given)."""
    changed = True
    memo: dict = {}
    pure: dict[int, bool] = {}
    gone = [] if gone is None else gone

    def removable(s: gast.stmt) -> bool:
        return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
            s.targets[0].id not in keep and _pure_once(s.value, namespace, pure)

    while changed:
        changed = False
        after: dict[int, frozenset] = {}
        live_after(body, after, memo=memo, faint=removable)
        for s, block, _ in reversed(list(block_statements(body))):  # (inner ones first)
            if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
                    s.targets[0].id not in after[id(s)] and removable(s):
                block.remove(s)
                gone.append(s)
            elif isinstance(s, (gast.If, gast.For)) and isinstance(
                    getattr(s, "test", None), gast.Name) | _ranged(s, namespace) and \
                    not _real(s.body + s.orelse):
                if isinstance(s, gast.For) and after[id(s)].intersection(
                        name_ids(s.target, gast.Store)):
                    s.body = s.body or [gast.Pass()]  # (its variable read after it)
                    continue
                block.remove(s)  # (its test may now be dead: again)
                gone.append(s)
                changed = True
        changed |= _drop_self_fed(body, namespace, keep, pure, gone)
    return body


def _pure_once(value: gast.expr, namespace: dict, pure: dict[int, bool]) -> bool:
    known = pure.get(id(value))
    if known is None:
        known = pure[id(value)] = _pure(value, namespace)
    return known


def _drop_self_fed(body: list, namespace: dict, keep: set[str], pure: dict[int, bool],
                   gone: list) -> bool:
    """Values only their own updates read, directly or around a cycle (``a = t + x;
    t = a * y`` in a loop, ``t`` unused after it): all their assignments go.  A name is
    live when a statement other than a pure assignment of a candidate reads it, or the
    value assigned to a live candidate does: the names reached from those reads (one
    walk of the body; the candidates not reached are dead; whether their values are
    pure is asked of those only: one that is not is live, and what it reads)."""
    assigns, feeds, roots = _assignments_and_reads(body)
    dead = {name for name, found in assigns.items() if name not in keep and
            all(len(getattr(s, "targets", ())) < 2 for s, _ in found)}
    reads: dict[str, list[str]] = {}
    for name, read in feeds:
        if name in dead:
            reads.setdefault(name, []).extend(read)
        else:
            roots += read
    todo = [name for name in set(roots) if name in dead]
    while True:  # (purity asked only of the names not reached: an impure one is a root)
        while todo:
            name = todo.pop()
            if name in dead:
                dead.discard(name)
                todo += [r for r in reads[name] if r in dead]
        todo = [name for name in dead if not all(
            _pure_once(s.value, namespace, pure) for s, _ in assigns[name])]
        if not todo:
            break
    for name in dead:
        for s, block in assigns[name]:
            block.remove(s)
            gone.append(s)
    return bool(dead)


def _assignments_and_reads(body: list) -> tuple[dict[str, list], list, list[str]]:
    """name -> its (assignment, block); (name assigned, names its value reads) per
    assignment to a name; the names every other statement (or loop header) reads."""
    assigns: dict[str, list] = {}
    feeds: list[tuple[str, list[str]]] = []
    roots: list[str] = []
    load = gast.Load
    for s, block, _ in block_statements(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            assigns.setdefault(s.targets[0].id, []).append((s, block))
            feeds.append((s.targets[0].id, name_ids(s.value, load)))
            name_ids(s.targets[1:], load, roots)
        elif isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Name):
            name = s.target.id  # (``x += e``: an update of ``x`` that reads ``x``)
            assigns.setdefault(name, []).append((s, block))
            feeds.append((name, [name, *name_ids(s.value, load)]))
        elif isinstance(s, (gast.If, gast.While, gast.For)):
            name_ids(s.iter if isinstance(s, gast.For) else s.test, load, roots)
            if not isinstance(s, gast.If):
                name_ids(s.orelse, load, roots)  # (a loop's else: not among the statements)
        else:
            name_ids(s, load, roots)
    return assigns, feeds, roots


def _ranged(s: gast.stmt, namespace: dict) -> bool:
    return isinstance(s, gast.For) and isinstance(s.iter, gast.Call) and \
        evaluate_ref(s.iter.func, namespace) in (range, reversed) and \
        all(isinstance(a, (gast.Name, gast.Constant)) for a in s.iter.args)
