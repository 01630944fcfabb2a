"""Late passes ``reuse`` and ``share``: values the generated code would compute twice.

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
from s2sad.compiler.names import Transformer, assign
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.simplify import _known_pure
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_ids, name_nodes, nodes, structure, walk

_APPEND = "append"
# NumPy functions that write into an argument (and any call given out=)
_WRITERS = {"shuffle", "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis",
            "at", "fill", "sort", "resize", "itemset", "setfield",
            # runtime helpers that update their first argument in place
            "add_at", "write_at", "clear_at", "scatter_add", "scatter_subtract"}


# deterministic calls costly enough to compute once when two adjoints need them
_COSTLY = {"tri_solve", "solve", "inv", "cholesky", "pinv", "cho_solve", "eigh"}


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
                _call_name(s.value) in _COSTLY and len(defs.get(s.targets[0].id, ())) == 1 \
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


# ----- a costly call made twice in one block -----

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
                seen[key] = (s, frozenset(_names(call)), None)
                continue
            first, reads, shared = seen[key]
            if shared is None:
                shared = namer.fresh(_call_name(call))
                at = next(i for i, x in enumerate(stmts) if x is first)
                stmts.insert(at, assign(shared, call, like=first))
                ReplaceCall(key, shared).visit(first)
                seen[key] = (first, reads, shared)
            ReplaceCall(key, shared).visit(s)
        if not seen:  # (nothing to forget: what s writes does not matter)
            continue
        stored = _stored(s)
        if stored is not None and isinstance(s, (gast.Assign, gast.AugAssign)) and \
                not _pure(s.value, namespace):
            stored = _written_in_place(s, namespace)
        if stored is None:
            seen.clear()
            continue
        for key, (_, reads, _) in list(seen.items()):
            if reads & stored:
                del seen[key]


def _costly_calls(s: gast.stmt, namespace: dict) -> list:
    if not isinstance(s, (gast.Assign, gast.AugAssign)) or not any(
            _call_name(n) in _COSTLY for n in nodes_of(s.value, (gast.Call,))):
        return []  # (most statements: no costly call at all, pure or not)
    values = [s.value]
    if not _pure(s.value, namespace):
        if _written_in_place(s, namespace) is None:
            return []
        values = s.value.args[1:]  # (evaluated before the write)
    return [n for v in values for n in always_evaluated(v) if isinstance(n, gast.Call) and
            _call_name(n) in _COSTLY and not n.keywords and
            all(_plain_argument(a) for a in n.args)]


def _written_in_place(s: gast.stmt, namespace: dict) -> set[str] | None:
    """The names ``x = add_at(x, None, k, v)`` (a runtime helper writing into its first
    argument, its other arguments pure) binds or writes; None for any other impure
    statement."""
    call = s.value
    if not (isinstance(s, gast.Assign) and isinstance(call, gast.Call) and
            isinstance(call.func, gast.Name) and call.func.id in _WRITERS and call.args and
            isinstance(call.args[0], gast.Name) and not call.keywords and
            all(_pure(a, namespace) for a in call.args[1:])):
        return None
    stored = _stored(s)
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


def always_evaluated(e: gast.AST) -> list:
    """The nodes of ``e`` outside the branches of ``a if c else b``, ``and``/``or`` and
    lambdas and comprehensions: moved before the statement, those would run when the
    statement does not run them (``inv(x)`` where ``x`` is not square)."""
    out, todo = [], [e]
    while todo:
        n = todo.pop()
        out.append(n)
        if isinstance(n, gast.IfExp):
            todo.append(n.test)
        elif isinstance(n, gast.BoolOp):
            todo.append(n.values[0])
        elif not isinstance(n, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp,
                                gast.GeneratorExp)):
            todo.extend(gast.iter_child_nodes(n))
    return out


def _call_name(call: gast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, gast.Attribute) else f.id if isinstance(f, gast.Name) \
        else "value"


def _stored(s: gast.stmt) -> set[str] | None:
    """Names ``s`` assigns (None: it may write anything)."""
    if isinstance(s, (gast.Assign, gast.AugAssign, gast.Delete)):
        targets = s.targets if not isinstance(s, gast.AugAssign) else [s.target]
        return set().union(*(_names(t) for t in targets))
    if isinstance(s, gast.Expr) and _is_append(s.value):
        return _names(s.value.func.value)
    return None


class ReplaceCall(Transformer):
    def __init__(self, key: tuple, name: str) -> None:
        self.key, self.name = key, name

    def visit_Call(self, node: gast.Call) -> gast.expr:
        if structure(node) == self.key:
            return gast.Name(id=self.name, ctx=gast.Load(), annotation=None,
                             type_comment=None)
        self.generic_visit(node)
        return node


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
            stored = set().union(*(_names(t) for t in targets))
        elif isinstance(s, gast.Expr) and _is_append(s.value):
            stored = _names(s.value.func.value)
        known.forget(stored)
        if not (isinstance(s, gast.Delete) or isinstance(s, gast.Expr) and
                _is_append(s.value) or stored and _pure(s.value, namespace)):
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
    elif not _pure(s.value, namespace):
        known.clear()
        return False
    if isinstance(s.value, gast.Name) and s.value.id == target:
        return True
    known.forget({target})
    if isinstance(s.value, gast.Name):
        known.copy(target, s.value.id)
    elif key is not None and key not in known.table:
        reads = _names(s.value)
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


def _names(e: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(e)}


def _is_append(e: gast.expr) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
        e.func.attr == _APPEND and isinstance(e.func.value, gast.Name)


def _pure(e: gast.expr, namespace: dict) -> bool:
    return all(pure_call(n, namespace) for n in nodes_of(e, (gast.Call,)))


def pure_call(n: gast.Call, namespace: dict) -> bool:
    """A call that writes into nothing and draws nothing (its arguments' calls aside)."""
    if isinstance(n.func, gast.Attribute) and n.func.attr in ("pop", _APPEND) or \
            any(k.arg == "out" or (k.arg or "").startswith("overwrite_")
                for k in n.keywords):  # (scipy's overwrite_a=True)
        return False
    name = n.func.attr if isinstance(n.func, gast.Attribute) else \
        n.func.id if isinstance(n.func, gast.Name) else None
    if name in _WRITERS:
        return False
    try:
        fn = evaluate_ref(n.func, namespace)
    except TypeError:
        return False
    return _known_pure(fn) or isinstance(getattr(fn, "__self__", None),
                                         np.ufunc)  # np.multiply.outer
