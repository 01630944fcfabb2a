"""Part of stage 3c (:mod:`alias`): a name used again for another view, one name per use.

People reuse a short name for a view: ``view = a[1:]; view *= 2; ...; view = b[::2];
view -= 1``.  The view analysis (:func:`views.views`) knows a name as a view only when
one statement binds it, and so a write through ``view`` was refused, though each
binding's reads see that binding only.  Here each such binding after the first, with
the reads and writes it reaches, gets a fresh name (``view_1``): then every name is a
view of one array, written back into its base like any other.

A binding is given a name of its own only where that is surely what Python does: the
name is bound again later in the same block, or is not live at the block's end, and no
statement in between (inside an ``if`` or loop too) binds it otherwise or leaves the
loop (``break``, ``continue``); only names that
are written in place and bound to a view somewhere are looked at, so a function
without that pattern is left as it is.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.array_names import _bound_otherwise, assignments
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import Namer
from s2sad.compiler.views import _loop_counters, _view_of
from s2sad.compiler.walks import name_nodes, walk


def split_reused_views(node: gast.FunctionDef, namespace: dict[str, Any],
                       written: set[str]) -> None:
    """Rename the later bindings of each reused view name (``written``: the names an
    in-place write binds) and what they reach, in place."""
    stores = assignments(node, namespace)
    loops = _loop_counters(node)
    skip = _bound_otherwise(node) | _read_in_nested(node)
    names = [n for n, bound in stores.items() if n in written and n not in skip and
             len(bound) > 1 and any(isinstance(s.targets[0], gast.Name) and
                                    _view_of(s.value, namespace, loops, set()) is not None
                                    for s in bound)]
    if not names:
        return
    after: dict[int, frozenset] = {}
    live_after(node.body, after)
    namer = Namer(Namer.names_in(node))
    for name in names:
        binding = {id(s) for s in stores[name] if isinstance(s.targets[0], gast.Name)}
        for block, k, j in _webs(node.body, name, binding, stores[name], after):
            if block[k] is not stores[name][0]:  # (the first binding keeps the name)
                _rename(block, k, j, name, namer.fresh(name))


def _webs(body: list, name: str, binding: set[int], bound: list,
          after: dict[int, frozenset]) -> list[tuple[list, int, int | None]]:
    """(block, index of a binding, index of the next binding in the block or None):
    every binding of ``name`` whose reads and writes can take a name of their own, in
    the order of the function."""
    out = []
    every = {id(s) for s in bound}
    for block in _blocks(body):
        at = [k for k, s in enumerate(block) if id(s) in binding]
        for i, k in enumerate(at):
            j = at[i + 1] if i + 1 < len(at) else None
            between = block[k + 1:j] if j is not None else block[k + 1:]
            if any(id(s) in every for inner in between for s in _statements(inner)) or \
                    _leaves(between):
                continue  # (bound again inside an if or a loop, or left early: webs meet)
            if j is None and name in after.get(id(block[-1]), frozenset()):
                continue  # (read after the block, or in the next trip of its loop)
            out.append((block, k, j))
    return out


def _rename(block: list, k: int, j: int | None, old: str, new: str) -> None:
    """``old`` as ``new`` from the binding ``block[k]`` (its target) up to the next
    binding ``block[j]`` (its value)."""
    _swap(block[k].targets, old, new)
    for s in block[k + 1:j]:
        _swap([s], old, new)
    if j is not None:
        _swap([block[j].value], old, new)


def _swap(trees: list, old: str, new: str) -> None:
    for tree in trees:
        for n in name_nodes(tree):
            if n.id == old:
                n.id = new


def _blocks(body: list) -> list[list]:
    out = [body]
    for s in body:
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                out += _blocks(inner)
    return out


def _statements(s: gast.stmt) -> list[gast.stmt]:
    """``s`` and every statement inside it."""
    out = [s]
    for field in ("body", "orelse"):
        for inner in getattr(s, field, None) or []:
            if isinstance(inner, gast.stmt):
                out += _statements(inner)
    return out


def _leaves(stmts: list) -> bool:
    """A ``break`` or ``continue`` of the loop around ``stmts`` (not of one inside)."""
    return any(isinstance(s, (gast.Break, gast.Continue)) or
               isinstance(s, gast.If) and (_leaves(s.body) or _leaves(s.orelse))
               for s in stmts)


def _read_in_nested(node: gast.FunctionDef) -> set[str]:
    """Names a nested function or lambda reads: left alone (it reads the latest)."""
    out: set[str] = set()
    for n in walk(node):
        if n is not node and isinstance(n, (gast.FunctionDef, gast.Lambda)):
            out |= {x.id for x in name_nodes(n)}
    return out
