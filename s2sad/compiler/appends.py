"""Late pass ``appends``: a list a loop appends to, built and taken apart in place.

``out = []; for ...: out.append(v)`` is differentiated with lists as values: each
step makes a new list one longer (``list_append``), pushes the one it started from,
and the reversed step drops the last adjoint from a copy of the adjoint list: a copy
per step each way, every prefix on the tape, time and memory quadratic in the steps.
Where the list is new before the loop (``out = []``), the loop only appends to it, and
the reversed loop only takes its last adjoint off, the list is appended to in place
(``list_append_owned``: what the user's ``append`` does) and the reversed step pops
the adjoint in place (``d, d_last = list_pop_last(d, v)``; an adjoint that is an array,
from ``np.mean(out)``, is cut as before); the prefix the tape keeps is then never read.
Anything else about the list (another read in either loop, a read after the reversed
loop, a second append) leaves the code as it is.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import tape
from s2sad.compiler.carried import reversed_of
from s2sad.compiler.names import Namer, call_named, copy_origin, load, store
from s2sad.compiler.walks import name_nodes, nodes


def rewrite(body: list, namer: Namer) -> list:
    """``body`` with each such list built and taken apart in place (nested blocks too)."""
    for s in body:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, field, rewrite(getattr(s, field), namer))
    changed = False
    for forward in [s for s in body if isinstance(s, gast.For)]:
        reverse = next((r for r in body if reversed_of(r, forward)), None)
        if reverse is None:
            continue
        for at, s in enumerate(forward.body):
            if _appended(s) is not None:
                changed |= _in_place(body, forward, reverse, at, namer)
    return tape.prune(body) if changed else body  # (the prefixes pushed: read no more)


def _appended(s: gast.stmt) -> tuple[str, str] | None:
    """``n = list_append(x, v)``: (n, x)."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and _call(s.value, "list_append", 2) and \
            isinstance(s.value.args[0], gast.Name):
        return s.targets[0].id, s.value.args[0].id
    return None


def _in_place(block: list, forward: gast.For, reverse: gast.For, at: int,
              namer: Namer) -> bool:
    new, old = _appended(forward.body[at])  # type: ignore[misc]
    here = block.index(forward)
    start = _new_list_before(block, here, old)
    dropped = next(((k, s) for k, s in enumerate(reverse.body) if _drop_of(s, old)), None)
    if start is None or dropped is None or not _forward_only_appends(forward, at, new, old):
        return False
    k, drop = dropped
    d_old, d_new = drop.targets[0].id, _drop_call(drop.value).args[0].id
    copy = next((j for j, s in enumerate(reverse.body[:k]) if _copy_of(s, d_new, d_old)),
                None)
    lasts = [n for s in reverse.body[k + 1:] for n in nodes(s) if _call(n, "list_last", 2)
             and isinstance(n.args[0], gast.Name) and n.args[0].id == d_new]
    adds = sum(_adds_at_item(s, d_old) for s in reverse.body[k + 1:])
    if copy is None or len(lasts) != 1 or _mentions(reverse.body, d_new) != 3 or \
            _mentions(reverse.body, d_old) != 2 + adds or \
            _mentions(reverse.body, old) != 2 or _mentions(block[block.index(reverse) + 1:],
                                                           old) or \
            not _ready(lasts[0], reverse.body, k):
        return False  # (the adjoint list or the list read otherwise, or the value not made)
    forward.body[at].value.func.id = "list_append_owned"
    last = namer.fresh(d_old + "_last")
    reverse.body[k] = copy_origin(gast.Assign(targets=[gast.Tuple(
        elts=[store(d_old), store(last)], ctx=gast.Store())], value=gast.Call(
        func=load("list_pop_last"), args=[load(d_old), lasts[0].args[1]], keywords=[]),
        type_comment=None), drop)
    _replace(reverse.body, lasts[0], load(last))
    del reverse.body[copy]
    if not _owned_before(block, block.index(reverse), d_old):  # (popped in place: a copy)
        block.insert(block.index(reverse), copy_origin(gast.Assign(
            targets=[store(d_old)], value=gast.Call(func=load("fresh"), args=[load(d_old)],
                                                    keywords=[]), type_comment=None), reverse))
    return True


def _owned_before(block: list, here: int, name: str) -> bool:
    """``name = fresh(...)`` binds ``name`` last before ``block[here]``, nothing between
    mentioning it: a copy no other name holds (the reversed loop may pop it in place)."""
    for k in range(here - 1, -1, -1):
        s = block[k]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and s.targets[0].id == name:
            return _call(s.value, "fresh", 1) and not _mentions(block[k + 1:here], name)
    return False


def _new_list_before(block: list, here: int, name: str) -> int | None:
    """The index of ``name = []`` (or ``[v, ...]``: a new list too), the last binding of
    ``name`` before the loop, with nothing between reading it (a list nothing else
    holds)."""
    for k in range(here - 1, -1, -1):
        s = block[k]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and s.targets[0].id == name:
            new = isinstance(s.value, gast.List)
            return k if new and not any(_mentions([t], name) for t in block[k + 1:here]) \
                else None
    return None


def _forward_only_appends(loop: gast.For, at: int, new: str, old: str) -> bool:
    """The loop mentions the list only to append to it, to carry it (``old = new``) and
    to push it (the prefix the reversed loop no longer reads); ``new`` only there."""
    carried = [s for s in loop.body if isinstance(s, gast.Assign) and len(s.targets) == 1 and
               isinstance(s.targets[0], gast.Name) and s.targets[0].id == old and
               isinstance(s.value, gast.Name) and s.value.id == new]
    pushes = sum(1 for s in loop.body if _is_push(s) for n in name_nodes(s) if n.id == old)
    items = sum(1 for n in nodes(loop.body[:at]) if _item_of(n, old))
    return len(carried) == 1 and loop.body.index(carried[0]) > at and \
        _mentions(loop.body, new) == 2 and \
        _mentions(loop.body, old) == 2 + pushes + items and \
        not _mentions([loop.target, loop.iter], old) and not any(
            isinstance(n, (gast.Break, gast.Continue)) for n in nodes(loop.body))


def _item_of(n: gast.AST, name: str) -> bool:
    """``name[k]`` read at an int literal ``k``: before the step's append, the item the
    list built in place has there is the one the step's own list has."""
    return isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and \
        n.value.id == name and isinstance(n.ctx, gast.Load) and \
        isinstance(n.slice, gast.Constant) and type(n.slice.value) is int


def _adds_at_item(s: gast.stmt, d: str) -> int:
    """The mentions of ``d`` in ``d = add_at(d, None, k, e)`` or ``d[k] += e`` at an int
    literal ``k`` (after the pop, the adjoint list is as long as the step's own list:
    the same item); 0 for any other statement."""
    t = s.target if isinstance(s, gast.AugAssign) else None
    if isinstance(t, gast.Subscript) and isinstance(s.op, gast.Add) and \
            _item_of(gast.Subscript(value=t.value, slice=t.slice, ctx=gast.Load()), d) and \
            not _mentions([s.value], d):
        return 1
    return 2 if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == d and \
        _call(s.value, "add_at", 4) and isinstance(s.value.args[0], gast.Name) and \
        s.value.args[0].id == d and isinstance(s.value.args[1], gast.Constant) and \
        s.value.args[1].value is None and isinstance(s.value.args[2], gast.Constant) and \
        type(s.value.args[2].value) is int and not _mentions([s.value.args[3]], d) else 0


def _drop_of(s: gast.stmt, old: str) -> bool:
    """``d = list_drop_last(d_new, old)`` (maybe inside ``fresh``)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return False
    call = _drop_call(s.value)
    return call is not None and isinstance(call.args[0], gast.Name) and \
        isinstance(call.args[1], gast.Name) and call.args[1].id == old


def _drop_call(e: Any) -> Any:
    """The ``list_drop_last`` call of ``e`` (maybe inside ``fresh``), or None."""
    if _call(e, "fresh", 1):
        e = e.args[0]
    return e if _call(e, "list_drop_last", 2) else None


def _copy_of(s: gast.stmt, target: str, source: str) -> bool:
    """``target = fresh(source)`` or ``target = source``."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and s.targets[0].id == target):
        return False
    v = s.value.args[0] if _call(s.value, "fresh", 1) else s.value
    return isinstance(v, gast.Name) and v.id == source


def _ready(last: gast.Call, stmts: list, k: int) -> bool:
    """``last``'s value argument is the same at statement ``k`` as where ``last`` is
    (it is evaluated at ``k`` now): no name it reads is bound in between."""
    at = next(m for m in range(k, len(stmts)) if any(n is last for n in nodes(stmts[m])))
    reads = {n.id for n in name_nodes(last.args[1])}
    return not any(n.id in reads and not isinstance(n.ctx, gast.Load)
                   for s in stmts[k:at] for n in name_nodes(s))


def _replace(stmts: list, old: gast.AST, new: gast.expr) -> None:
    for node in nodes(stmts):
        for field, child in gast.iter_fields(node):
            if child is old:
                setattr(node, field, new)
                return
            if isinstance(child, list) and any(c is old for c in child):
                child[[id(c) for c in child].index(id(old))] = new
                return


def _mentions(stmts: list, name: str) -> int:
    return sum(1 for n in name_nodes(stmts) if n.id == name)


def _is_push(s: gast.stmt) -> bool:
    return isinstance(s, gast.Expr) and getattr(s, "s2sad_slot", None) is not None


def _call(e: Any, name: str, nargs: int) -> bool:
    return call_named(e, name) and len(e.args) == nargs and not e.keywords
