"""Late pass ``reuse``: values the generated code would compute twice (a costly call made
twice: :mod:`costly_calls`, which the pass ``share`` runs too).

The reverse sweep takes cheap values again rather than recording them (an element
``x[i]``, index arithmetic ``i + 1``), so one block often reads the same element or
does the same arithmetic two or three times; and a seed ``1.0`` carried around a
loop (``d = 1.0`` before it, ``d_new = d; d = d_new`` inside) is a constant the
arithmetic passes cannot see.  Here the second computation reads the first name
(copy propagation then removes it), and a name that only ever holds one literal is
that literal.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler.copies import propagate_copies
from s2sad.compiler.costly_calls import share_costly_calls
from s2sad.compiler.names import Transformer
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import is_append, names_in, pure
from s2sad.compiler.walks import name_ids, nodes, structure, walk, walk_statements


def reuse(body: list, namespace: dict, keep: set[str], namer: Any = None) -> list:
    """``keep``: the parameters (never replaced by a literal); ``namer`` names the
    values of costly calls made twice (a solve both adjoints of ``solve(a, b)`` need).
    Copies made once are read through first: three inlined calls that each bind the
    same argument to a name of their own (``rk4_step_k_1 = k``) read one name, whose
    element reads are then made once."""
    body = propagate_copies(body, keep)
    _fold_constants(body, keep)
    _number_values(body, namespace)
    if namer is not None:
        share_costly_calls(body, namespace, namer)
    return body


# ----- a costly call the forward sweep already made -----


# ----- a costly call made twice in one block -----


# ----- names that only ever hold one literal -----

def _fold_constants(body: list, keep: set[str]) -> None:
    defs: dict[str, list] = {}
    other: set[str] = set(keep)
    tree = gast.Module(body=body, type_ignores=[])
    for node in walk_statements(tree):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name):
            defs.setdefault(node.targets[0].id, []).append(node.value)
            continue
        targets = node.targets if isinstance(node, gast.Assign) else \
            [node.target] if isinstance(node, (gast.AugAssign, gast.For)) else []
        for t in targets:
            other |= {n.id for n in walk(t) if isinstance(n, gast.Name)}
    values = _literal_values(defs, other)
    if values:
        _Literal(values).visit(tree)


def _literal_values(defs: dict[str, list], other: set[str]) -> dict[str, gast.Constant]:
    """Optimistic: a copy of a name not yet known does not disagree."""
    candidates = {n for n, vs in defs.items() if n not in other and all(
        isinstance(v, gast.Name) or isinstance(v, gast.Constant) and
        type(v.value) in (int, float) for v in vs)}
    value: dict[str, tuple] = {}
    changed = True
    while changed:
        changed = False
        for name in list(candidates):
            found: set[tuple | None] = set()  # (type, value), or None: not a literal
            for v in defs[name]:
                if isinstance(v, gast.Constant):
                    found.add((type(v.value), v.value))
                elif v.id not in candidates:
                    found.add(None)
                elif v.id in value:
                    found.add(value[v.id])
            first = next(iter(found), None)
            if None in found or len(found) > 1:
                candidates.discard(name)
                value.pop(name, None)
                changed = True
            elif first is not None and value.get(name) != first:
                value[name] = first
                changed = True
    return {n: gast.Constant(value=v[1], kind=None) for n, v in value.items()
            if n in candidates}


class _Literal(Transformer):
    def __init__(self, values: dict[str, gast.Constant]) -> None:
        self.values = values

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if isinstance(node.ctx, gast.Load) and node.id in self.values:
            return gast.Constant(value=self.values[node.id].value, kind=None)
        return node


# ----- the same element read or arithmetic done again in one block -----

def _number_values(stmts: list, namespace: dict) -> None:
    known = _Known()  # expression -> its holder; copies -> the name copied
    for s in list(stmts):
        if isinstance(s, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                _number_values(getattr(s, field), namespace)
            known.clear()
            continue
        copies = known.copies
        if isinstance(s, gast.Delete):  # a copy's reads now read the original: the copy
            s.targets = [t for t in s.targets  # may go as dead code, so it is not deleted
                         if not (isinstance(t, gast.Name) and t.id in copies)]
            if not s.targets:
                stmts.remove(s)
                continue
        if copies and not copies.keys().isdisjoint(name_ids(s, gast.Load)):
            _Rename(copies).visit(s)
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name):
            if _assign(s, known, namespace):
                stmts.remove(s)  # x = x
            continue
        stored = set()
        if isinstance(s, (gast.Assign, gast.AugAssign, gast.Delete)):
            targets = s.targets if not isinstance(s, gast.AugAssign) else [s.target]
            stored = set().union(*(names_in(t) for t in targets))
        elif isinstance(s, gast.Expr) and is_append(s.value):
            stored = names_in(s.value.func.value)
        known.forget(stored)
        if not (isinstance(s, gast.Delete) or isinstance(s, gast.Expr) and
                is_append(s.value) or stored and pure(s.value, namespace)):
            known.clear()  # a call that may write any array


class _Known:
    """The values one block has computed so far: expression -> the name holding it, and
    copies; indexed by the names each reads, so a store forgets only what it changes
    (a scan of every entry per statement was quadratic in a long block)."""

    def __init__(self) -> None:
        self.table: dict[tuple, tuple[str, set[str]]] = {}  # expression -> holder, reads
        self.copies: dict[str, str] = {}  # name -> the name it was copied from
        self.by_name: dict[str, list] = {}  # name -> entries (key or copy) mentioning it

    def clear(self) -> None:
        self.table.clear()
        self.copies.clear()
        self.by_name.clear()

    def add(self, key: tuple, holder: str, reads: set[str]) -> None:
        self.table[key] = (holder, reads)
        for name in reads | {holder}:
            self.by_name.setdefault(name, []).append(("value", key))

    def copy(self, target: str, original: str) -> None:
        self.copies[target] = original
        for name in (target, original):
            self.by_name.setdefault(name, []).append(("copy", target))

    def forget(self, names: set[str]) -> None:
        """Entries whose holder, copy or reads are among ``names`` (an index entry left
        from an earlier holder of the same expression, or copy, is checked first)."""
        for name in names:
            for kind, entry in self.by_name.pop(name, ()):
                if kind == "value":
                    now = self.table.get(entry)
                    if now is not None and (now[0] == name or name in now[1]):
                        del self.table[entry]
                elif entry in self.copies and name in (entry, self.copies[entry]):
                    del self.copies[entry]


def _assign(s: gast.Assign, known: _Known, namespace: dict) -> bool:
    """Number one assignment; True when it copies a name to itself (drop it)."""
    target = s.targets[0].id
    key = _key(s.value, namespace)
    if key is not None and key in known.table:
        s.value = gast.Name(id=known.table[key][0], ctx=gast.Load(), annotation=None,
                            type_comment=None)
    elif not pure(s.value, namespace):
        known.clear()
        return False
    if isinstance(s.value, gast.Name) and s.value.id == target:
        return True
    known.forget({target})
    if isinstance(s.value, gast.Name):
        known.copy(target, s.value.id)
    elif key is not None and key not in known.table:
        reads = names_in(s.value)
        if target not in reads:
            known.add(key, target, reads)
    return False


class _Rename(Transformer):
    """Reads of a copy read the original (the copy may then be dead)."""

    def __init__(self, copies: dict[str, str]) -> None:
        self.copies = copies

    def visit_Name(self, node: gast.Name) -> gast.Name:
        if isinstance(node.ctx, gast.Load) and node.id in self.copies:
            return gast.Name(id=self.copies[node.id], ctx=gast.Load(), annotation=None,
                             type_comment=None)
        return node


def _key(e: gast.expr, namespace: dict) -> tuple | None:
    """A cheap expression worth reading again: an element, or arithmetic of names,
    numbers and elements, and NumPy's elementwise functions of those (``np.sin(y[0])``
    in two inlined calls of one helper: deterministic, a new value each time)."""
    if not isinstance(e, (gast.Subscript, gast.BinOp, gast.UnaryOp, gast.Call)):
        return None
    for n in nodes(e):  # (contexts left out: any context is cheap)
        if isinstance(n, gast.Call):
            if n.keywords or not isinstance(n.func, gast.Attribute) or \
                    not isinstance(_function(n.func, namespace), np.ufunc):
                return None
        elif not isinstance(n, (gast.Subscript, gast.BinOp, gast.UnaryOp, gast.Name,
                                gast.Constant, gast.Slice, gast.Tuple, gast.operator,
                                gast.unaryop, gast.expr_context, gast.Attribute)):
            return None
    return structure(e)


def _function(func: gast.Attribute, namespace: dict) -> Any:
    try:
        return evaluate_ref(func, namespace)
    except Exception:  # (an attribute of a value, not of a module)
        return None


