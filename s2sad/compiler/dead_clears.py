"""Part of the late pass ``simplify``: an adjoint's element cleared where no one reads it
again.

The reverse of ``c[i] = acc`` in a loop over ``i`` reads the written element's adjoint
and clears it (a write overwrites: the element's earlier value gets no share):

    for i in reversed(range(n)):
        dacc = dacc + dc[i]
        dc = zero_at(dc, i)

Where the loop reads ``dc`` only at ``[i]`` before the clear, binds it nowhere else, and
nothing reads it after the loop, the cleared element is never read: each trip has an
index of its own (``i`` runs over a ``range`` and the body does not bind it).  The clear
goes; ``dc`` is then bound once, and a spread of a number that it is (the adjoint of
``np.sum(c)``) becomes the number itself (:mod:`number_spreads`, its reads by element).
"""
from __future__ import annotations

import gast

from s2sad.compiler.liveness import live_after
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import name_nodes, parent_map


def drop(body: list) -> list:
    """``body`` with each such clear dropped (in place)."""
    loops = [s for s, _, _ in block_statements(body) if isinstance(s, gast.For) and
             isinstance(s.target, gast.Name) and
             any(_clear(t, s.target.id) for t in s.body) and _counted(s)]  # (cheap first)
    if not loops:
        return body
    after: dict[int, frozenset] = {}
    live_after(body, after)
    for loop in loops:
        i = loop.target.id
        for s in list(loop.body):
            clear = _clear(s, i)
            if clear and clear not in after[id(loop)] and _read_only_at(loop, s, clear, i):
                loop.body.remove(s)
        if not loop.body:
            loop.body.append(gast.Pass())
    return body


def _counted(s: gast.stmt) -> bool:
    """``for i in range(..)`` or ``reversed(range(..))`` whose body does not bind ``i``:
    each trip has an ``i`` of its own."""
    if not (isinstance(s, gast.For) and isinstance(s.target, gast.Name)):
        return False
    it = s.iter
    if _called(it, "reversed") and len(it.args) == 1:
        it = it.args[0]
    return _called(it, "range") and not any(
        n.id == s.target.id and not isinstance(n.ctx, gast.Load)
        for n in name_nodes(s.body))


def _called(e: gast.expr, fn: str) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == fn and not e.keywords


def _clear(s: gast.stmt, i: str) -> str | None:
    """The name ``d`` of ``d = zero_at(d, i)`` (or of ``fresh(zero_at(d, i))``)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    value = s.value
    if _called(value, "fresh") and len(value.args) == 1:
        value = value.args[0]
    if not (_called(value, "zero_at") and len(value.args) == 2):
        return None
    d, at = value.args
    name = s.targets[0].id
    ok = isinstance(d, gast.Name) and d.id == name and isinstance(at, gast.Name) and \
        at.id == i
    return name if ok else None


def _read_only_at(loop: gast.For, clear: gast.stmt, d: str, i: str) -> bool:
    """Every other mention of ``d`` in the loop is a read ``d[i]`` in a statement before
    ``clear`` (at the top of the body, or inside one)."""
    at = loop.body.index(clear)
    parents = parent_map(loop.body)
    for k, s in enumerate(loop.body):
        if s is clear:
            continue
        for n in name_nodes(s):
            if n.id != d:
                continue
            if not isinstance(n.ctx, gast.Load) or k > at:
                return False
            sub = parents.get(id(n))
            if not (isinstance(sub, gast.Subscript) and sub.value is n and
                    isinstance(sub.ctx, gast.Load) and isinstance(sub.slice, gast.Name) and
                    sub.slice.id == i):
                return False
    return True
