"""The tape of a derivative differentiated again: what its pops restore.

A generated gradient pushes values onto its tape list (``stack.append((r, total))``) and
its reverse sweep pops them (``r, total = stack.pop()``); the generator pairs each pop
with its pushes (``s2sad_slot``), and the shape facts (:mod:`shape_defs`) give a popped
name the shapes of what was pushed there.  Differentiated again (a Hessian, ``grad`` of
a function calling ``grad``), the gradient is read back from its source, where the
pairing is gone: a popped value was of unknown shape, and so was every adjoint it
touched, so an element read from one (``dmul = dr[-2]; dr[-2] = 0.0``) might have been
a view of a row, and the write after it was refused.

So a generated function keeps the slots of its pushes and pops, in the order a walk of
its statements meets them (``s2sad_tape``, set by :func:`generated.loaded`); when it is
inlined (:mod:`inlining`), the calls ``stack.append(e)`` and ``stack.pop()`` of its
parsed source are marked with a key per slot (:data:`KEY`), the normalizer carries the
key to ``stack = list_append(stack, e)`` and ``item = stack[-1]``, and the shape facts
take the pushed values for the popped item (:func:`restored`).  Only where sure: every
push and pop of the tape has a slot, each slot one pop and only ``append``/``pop``
statements, the tape list read by nothing else, and the source's pushes and pops those
recorded, name for name.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.tape import SLOTS
from s2sad.compiler.walks import name_nodes, walk

KEY = "s2sad_inner_slot"  # the mark on a pushing or popping call (kept by copies)


def order(body: list) -> tuple | None:
    """The tape's pushes and pops in walk order, each ``(slot, names)`` (``names``: the
    names pushed or popped, a check of the source read back), a slot None where it is
    not sure; None when the body has no tape, or a push or pop without a slot."""
    pushes: list = []
    pops: list = []
    forms: dict[int, list] = {}  # slot -> the kinds of statement carrying it
    for s in walk_statements(gast.Module(body=body, type_ignores=[])):
        slot = getattr(s, "s2sad_slot", None)
        kind = _form(s)
        if kind is not None and slot is None:
            return None  # (a push or pop the pairing does not cover: trust none)
        if slot is not None:
            forms.setdefault(slot, []).append(kind)
        if kind is not None:
            (pushes if kind == "push" else pops).append([slot, _names(s)])
    if not pops:
        return None
    for row in pushes + pops:
        kinds = forms[row[0]]
        if None in kinds or kinds.count("pop") != 1:
            row[0] = None
    return tuple(map(tuple, pushes)), tuple(map(tuple, pops))


def tag(fn: Any, node: gast.FunctionDef) -> None:
    """Mark the pushing and popping calls of ``node``, the parsed source of the generated
    ``fn``, with a fresh key per slot (an inlining of its own)."""
    recorded = getattr(fn, "s2sad_tape", None)
    if recorded is None:
        return
    pushes: list = []
    pops: list = []
    for s in walk_statements(node):
        kind = _form(s)
        if kind is not None:
            (pushes if kind == "push" else pops).append(s)
    if [_names(s) for s in pushes] != [n for _, n in recorded[0]] or \
            [_names(s) for s in pops] != [n for _, n in recorded[1]] or \
            not _only_pushed_and_popped(node, pushes + pops):
        return
    keys: dict[int, int] = {}
    for s, (slot, _) in zip(pushes + pops, recorded[0] + recorded[1]):
        if slot is not None:
            setattr(s.value, KEY, keys.setdefault(slot, next(SLOTS)))


def carried(call: gast.Call, into: gast.AST) -> None:
    """The mark of a pushing or popping call kept on the call written again, or on the
    statement lowering it."""
    key = getattr(call, KEY, None)
    if key is not None:
        setattr(into, KEY, key)


def restored(body: list, shape_defs: dict[str, list]) -> None:
    """The shape definitions of each item a marked pop reads (``item = stack[-1]``): the
    values its pushes pushed (``stack = list_append(stack, e)`` of the same key), in
    place of the read of the list."""
    pushed: dict[int, list] = {}
    reads: list = []
    for s in walk_statements(gast.Module(body=body, type_ignores=[])):
        key = getattr(s, KEY, None)
        if key is None or not isinstance(s, gast.Assign) or \
                not isinstance(s.targets[0], gast.Name):
            continue
        v = s.value
        if isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and \
                v.func.id == "list_append" and len(v.args) == 2:
            pushed.setdefault(key, []).append(v.args[1])
        elif isinstance(v, gast.Subscript):
            reads.append((s.targets[0].id, v, key))
    for name, read, key in reads:
        if key in pushed and name in shape_defs:
            shape_defs[name] = [d for d in shape_defs[name] if d is not read] + pushed[key]


def _form(s: gast.AST) -> str | None:
    """"push" for ``L.append(e)``, "pop" for ``targets = L.pop()``, else None."""
    if isinstance(s, gast.Expr):
        call, method = s.value, "append"
    elif isinstance(s, gast.Assign) and len(s.targets) == 1:
        call, method = s.value, "pop"
    else:
        return None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and
            call.func.attr == method and isinstance(call.func.value, gast.Name) and
            not call.keywords and len(call.args) == (method == "append")):
        return None
    return "push" if method == "append" else "pop"


def _names(s: gast.AST) -> tuple:
    """The tape list's name, then the names pushed (or popped), in order."""
    inner = s.value.args[0] if isinstance(s, gast.Expr) else s.targets[0]
    return (s.value.func.value.id,) + tuple(n.id for n in name_nodes(inner))


def _only_pushed_and_popped(node: gast.FunctionDef, stmts: list) -> bool:
    """The tape lists are read by their pushes and pops only (not passed to a helper
    that pushes or pops with them)."""
    lists = {s.value.func.value.id for s in stmts}
    receivers = {id(s.value.func.value) for s in stmts}
    return not any(isinstance(n, gast.Name) and n.id in lists and
                   isinstance(n.ctx, gast.Load) and id(n) not in receivers for n in walk(node))
