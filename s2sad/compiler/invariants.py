"""Late pass ``invariants``: what a loop of the generated code computes the same in every
trip is computed once, in front of the loop.

Stage 4b (:mod:`hoist`) moves the user's invariant arithmetic out of loops before the
derivative exists; the reverse sweep then writes loops of its own with invariants in
them: the adjoint of ``s = s - L[i, k] * L[j, k]`` negates the ``s`` adjoint once per
``k`` (``dmul = -ds``), and a step reading ``np.sqrt(dt)`` takes the square root again
in every reversed trip.  Here a statement ``x = e`` at the top of a loop body moves in
front of the loop where

- ``e`` reads no name the loop binds or writes into (the loop's target, anything a
  statement inside assigns, an array written in place), nor one bound by a statement
  moved out before it stays in the loop;
- the loop binds ``x`` there only, and reads it nowhere before that statement (the
  first trip would see the value of before the loop);
- ``x`` is not live after the loop (a loop that runs zero times leaves it as it was);
- ``e`` raises nothing: names, numbers, ``+ - *``, unary minus, and NumPy's
  one-argument ufuncs of those (which, under NumPy's default error handling, return a
  NaN and warn rather than raise: a loop that runs zero times may then warn).

Inner loops first, so an invariant of two loops rises in front of both.
"""
from __future__ import annotations

from collections import Counter

import gast
import numpy as np

from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import written_names
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes

_SAFE_OPS = (gast.Add, gast.Sub, gast.Mult)


def move_invariants(body: list, namespace: dict, after: dict | None = None) -> list:
    """``body`` with the invariant statements of its loops in front of them (no
    liveness worked out where no loop has a statement that could move); ``after``,
    when given empty, is left holding the liveness worked out where nothing moved (of
    the body as it still is: the next loop rewrites read it)."""
    if not any(s.__class__ in (gast.For, gast.While) and _movable(s, namespace)
               for s in statement_nodes(body)):
        return body
    after = {} if after is None else after
    live_after(body, after)
    if _block(body, namespace, after):
        after.clear()  # (statements moved: not the liveness of the body as it is now)
    return body


def _block(stmts: list, namespace: dict, after: dict) -> bool:
    changed = False
    at = 0
    while at < len(stmts):
        s = stmts[at]
        if isinstance(s, gast.If):
            changed |= _block(s.body, namespace, after) | _block(s.orelse, namespace, after)
        elif isinstance(s, (gast.For, gast.While)):
            changed |= _block(s.body, namespace, after)
            moved = _invariants(s, namespace, after.get(id(s), frozenset()))
            if moved:
                stmts[at:at] = moved
                at += len(moved)
                changed = True
        at += 1
    return changed


def _movable(loop: gast.For | gast.While, namespace: dict) -> bool:
    """Has the loop a statement at its top level that could move: ``x = e``, ``e``
    raising nothing (what it reads, what else binds ``x`` and which function a call
    calls are looked at only then)?
    Or no statement at all (it gets a ``pass``)?"""
    return not loop.body or any(_target(s) is not None and
                                _cannot_raise(s.value, namespace, resolve=False)
                                for s in loop.body)


def _invariants(loop: gast.For | gast.While, namespace: dict, live: frozenset) -> list:
    """Take out and return the loop's invariant statements, in order."""
    if not _movable(loop, namespace):
        return []
    varying, bindings = _bound_in(loop.body)
    if isinstance(loop, gast.For):
        varying |= {n.id for n in name_nodes(loop.target)}
    moved: list = []
    read_before = {n.id for n in name_nodes(loop.test)} if isinstance(loop, gast.While) \
        else set()
    for s in list(loop.body):
        target = _target(s)
        if target is not None and target not in read_before and target not in live and \
                bindings[target] == 1 and _cannot_raise(s.value, namespace) and \
                not {n.id for n in name_nodes(s.value)} & varying:
            loop.body.remove(s)
            moved.append(s)
            varying.discard(target)
            continue
        read_before |= {n.id for n in name_nodes(s) if isinstance(n.ctx, gast.Load)}
    if not loop.body:
        loop.body = [gast.Pass()]
    return moved


def _target(s: gast.stmt) -> str | None:
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name):
        return s.targets[0].id
    return None


def _bound_in(stmts: list) -> tuple[set[str], Counter]:
    """Every name the statements bind or write into, nested ones too; and name -> how
    many statements of ``stmts`` (nested ones too) bind or write into it (counted once
    for the loop: a moved statement binds its target alone); in one walk."""
    out: set[str] = set()
    counts: Counter = Counter()
    for s in stmts:
        for node in nodes(s):
            if isinstance(node, gast.stmt):
                written = written_names(node)
                out |= written
                names = set(written)
                if isinstance(node, gast.For):
                    names |= {n.id for n in name_nodes(node.target)}
                counts.update(names)
            elif isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
                out.add(node.id)
    return out, counts


def _cannot_raise(e: gast.expr, namespace: dict, resolve: bool = True) -> bool:
    """``resolve`` False: a call of one argument is taken for a ufunc's, unlooked-up
    (the cheap test of ``_movable``: true wherever the whole test is)."""
    if isinstance(e, gast.Name):
        return True
    if isinstance(e, gast.Constant):
        return isinstance(e.value, (int, float)) and not isinstance(e.value, bool)
    if isinstance(e, gast.UnaryOp):
        return isinstance(e.op, (gast.USub, gast.UAdd)) and \
            _cannot_raise(e.operand, namespace, resolve)
    if isinstance(e, gast.BinOp):
        return isinstance(e.op, _SAFE_OPS) and _cannot_raise(e.left, namespace, resolve) \
            and _cannot_raise(e.right, namespace, resolve)
    if isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords:
        fn = evaluate_ref(e.func, namespace) if resolve else None
        return (not resolve or isinstance(fn, np.ufunc) and fn.nin == 1 and
                fn.nout == 1) and _cannot_raise(e.args[0], namespace, resolve)
    return False
