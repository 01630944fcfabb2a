"""Part of the late passes ``reuse`` and ``share`` (and of the reverse sweep): a costly
call (a solve, an inverse, a factorisation) computed once.

The reverse sweep reads the name the forward sweep bound a costly call to instead of
calling again (``forward_values``: ``Sinv = np.linalg.inv(S)`` read by an adjoint that
needs ``inv(S)``); of two equal costly calls in one block with no write in between, the
second reads the first's value, which gets a name of its own (``share_costly_calls``).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import Transformer, assign
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.pure_calls import (
    WRITERS,
    always_evaluated,
    call_name,
    names_in,
    pure,
    stored_names,
)
from s2sad.compiler.walks import structure

# deterministic calls costly enough to compute once when two adjoints need them
_COSTLY = {"tri_solve", "solve", "inv", "cholesky", "pinv", "cho_solve", "eigh"}


def forward_values(stmts: list, defs: dict[str, list]) -> list[dict[tuple, str]]:
    """Per statement of a block: call -> name, for the costly calls assigned before it in
    the block to a name assigned once (``Sinv = np.linalg.inv(S)``): an adjoint that
    needs ``inv(S)`` reads ``Sinv`` (the tape keeps it) instead of inverting again."""
    out: list[dict[tuple, str]] = []
    known: dict[tuple, str] = {}
    for s in stmts:
        out.append(dict(known))
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
                call_name(s.value) in _COSTLY and len(defs.get(s.targets[0].id, ())) == 1 \
                and all(isinstance(a, gast.Name) and len(defs.get(a.id, ())) <= 1
                        for a in s.value.args) and not s.value.keywords:
            known[structure(s.value)] = s.targets[0].id
    return out


def with_forward_values(expr: gast.expr, known: dict[tuple, str]) -> gast.expr:
    if not known:
        return expr
    for key, name in known.items():
        expr = ReplaceCall(key, name).visit(expr)
    return expr


def share_costly_calls(stmts: list, namespace: dict, namer: Any) -> None:
    """The second of two equal costly calls (no write in between) reads the first's
    value, which gets a name of its own."""
    seen: dict[tuple, tuple] = {}  # call -> (first statement, names it reads, shared name)
    for s in list(stmts):
        if isinstance(s, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                share_costly_calls(getattr(s, field), namespace, namer)
            seen.clear()
            continue
        for call in _costly_calls(s, namespace):
            key = structure(call)
            if key not in seen:
                seen[key] = (s, frozenset(names_in(call)), None)
                continue
            first, reads, shared = seen[key]
            if shared is None:
                shared = namer.fresh(call_name(call))
                at = next(i for i, x in enumerate(stmts) if x is first)
                stmts.insert(at, assign(shared, call, like=first))
                ReplaceCall(key, shared).visit(first)
                seen[key] = (first, reads, shared)
            ReplaceCall(key, shared).visit(s)
        if not seen:  # (nothing to forget: what s writes does not matter)
            continue
        stored = stored_names(s)
        if stored is not None and isinstance(s, (gast.Assign, gast.AugAssign)) and \
                not pure(s.value, namespace):
            stored = _written_in_place(s, namespace)
        if stored is None:
            seen.clear()
            continue
        for key, (_, reads, _) in list(seen.items()):
            if reads & stored:
                del seen[key]


def _costly_calls(s: gast.stmt, namespace: dict) -> list:
    if not isinstance(s, (gast.Assign, gast.AugAssign)) or not any(
            call_name(n) in _COSTLY for n in nodes_of(s.value, (gast.Call,))):
        return []  # (most statements: no costly call at all, pure or not)
    values = [s.value]
    if not pure(s.value, namespace):
        if _written_in_place(s, namespace) is None:
            return []
        values = s.value.args[1:]  # (evaluated before the write)
    return [n for v in values for n in always_evaluated(v) if isinstance(n, gast.Call) and
            call_name(n) in _COSTLY and not n.keywords and
            all(_plain_argument(a) for a in n.args)]


def _written_in_place(s: gast.stmt, namespace: dict) -> set[str] | None:
    """The names ``x = add_at(x, None, k, v)`` (a runtime helper writing into its first
    argument, its other arguments pure) binds or writes; None for any other impure
    statement."""
    call = s.value
    if not (isinstance(s, gast.Assign) and isinstance(call, gast.Call) and
            isinstance(call.func, gast.Name) and call.func.id in WRITERS and call.args and
            isinstance(call.args[0], gast.Name) and not call.keywords and
            all(pure(a, namespace) for a in call.args[1:])):
        return None
    stored = stored_names(s)
    return None if stored is None else stored | {call.args[0].id}


def _plain_argument(a: gast.expr) -> bool:
    """A name, a literal, a name's transpose (``solve(S.T, g)``: the adjoint's) or a
    module function of such, a triangle read (``tri_solve(np.tril(L), g, True, True)``:
    the ``solve_triangular`` adjoint's, which both adjoints spell)."""
    if isinstance(a, gast.Call):
        return isinstance(a.func, gast.Attribute) and isinstance(a.func.value, gast.Name) \
            and not a.keywords and all(_plain_argument(x) for x in a.args)
    return isinstance(a, (gast.Name, gast.Constant)) or isinstance(a, gast.Attribute) and \
        a.attr == "T" and isinstance(a.value, gast.Name)


class ReplaceCall(Transformer):
    def __init__(self, key: tuple, name: str) -> None:
        self.key, self.name = key, name

    def visit_Call(self, node: gast.Call) -> gast.expr:
        if structure(node) == self.key:
            return gast.Name(id=self.name, ctx=gast.Load(), annotation=None,
                             type_comment=None)
        self.generic_visit(node)
        return node
