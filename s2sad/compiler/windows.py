"""Lengths of slices for the shape facts of :mod:`dims`: ``x[lo:hi]`` is
``max(0, hi - lo)`` long when its bounds provably lie in ``x`` (``0 <= lo``,
``0 <= hi <= len(x)``), as an affine form (:mod:`affine`) over the shape symbols.

A bound is often index arithmetic on a loop's counter: ``add = j + n; x[j:add]``
inside ``for j in range(k)``.  Its value depends on the trip, so it is worked out where
the slice is read, from a :class:`Scope`: the int names bound earlier in the same block
that still hold that value (``env``: no statement since has bound a name they read) and
the counters of the enclosing ``range`` loops that only their loop header binds, each
between the ends of its range.  The two ``j`` of ``x[j:j + n]`` are then one value and
cancel (length ``n``); the range ``0 <= j <= k - 1`` proves the bounds.  Names outside
the scope have the value the facts give them whatever the trip (:attr:`dims.Facts.sizes`,
which never holds a counter).  Everything else about a slice stays unknown.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from s2sad.compiler import affine
from s2sad.compiler.affine import CLAMPED, EXACT, GUARDED, Lin
from s2sad.compiler.node_scans import contains, nodes_of
from s2sad.compiler.walks import name_nodes, nodes

Size = Callable[[gast.expr], Any]  # the facts' value of an int expression


@dataclass
class Counter:
    """A loop counter: ``range(start, stop)``'s, read in ``scope`` (at the loop)."""

    start: gast.expr | None
    stop: gast.expr
    scope: Scope
    depth: int


@dataclass
class Scope:
    """What the int names mean at one statement (see the module docstring)."""

    env: dict[str, gast.expr] = field(default_factory=dict)
    counters: dict[str, Counter] = field(default_factory=dict)


EMPTY = Scope()


def scopes(body: list) -> dict[int, tuple[gast.AST, Scope]]:
    """id of each subscript with a slice whose bounds read a name -> (the subscript, the
    scope it is read in); a slice of constant bounds (``x[1:]``, ``x[:-1]``) has the same
    length in every scope (:func:`slice_length` reads the scope only for names)."""
    out: dict[int, tuple[gast.AST, Scope]] = {}
    if not _slices(body):
        return out  # (no slice of names to find a length for: an element loop, an integrator)
    _READS.clear()
    _ASSIGNED.clear()
    _block(body, Scope(), 0, out)
    _READS.clear()
    _ASSIGNED.clear()
    return out


_READS: dict[int, tuple[gast.AST, set[str]]] = {}  # id of an expression -> its names
# id of a statement -> the names it binds (kept while ``scopes`` runs: a loop's are asked
# at each enclosing level, and a nested statement's again for its own block)
_ASSIGNED: dict[int, tuple[gast.AST, set[str]]] = {}


def _block(stmts: list, scope: Scope, depth: int, out: dict) -> None:
    """The scopes of the slices ``stmts`` read.  ``users``: name -> the int names of
    ``env`` whose value reads it, so that a statement forgets what it changes without a
    look at every name of ``env`` (a long block of arithmetic, the product of a chain of
    quaternions, binds hundreds: that was quadratic in the block's length)."""
    env, counters = dict(scope.env), dict(scope.counters)
    users: dict[str, dict[str, None]] = {}
    for name, v in env.items():
        for r in _reads(v):
            users.setdefault(r, {})[name] = None
    here: Scope | None = None  # the scope of the last slices, while it is current
    for st in stmts[:_through_last_slice(stmts)]:
        compound = not _BLOCK_FIELDS.isdisjoint(st._fields)
        own = _own_nodes(st) if compound else None
        sliced = [n for n in (nodes_of(st, (gast.Subscript,)) if own is None else own)
                  if isinstance(n, gast.Subscript) and
                  any(_is_named_slice(p) for p in _parts(n.slice))]
        if sliced:  # (one scope for the slices of statements that change neither)
            here = here or Scope(dict(env), dict(counters))
            out.update((id(n), (n, here)) for n in sliced)
        if compound or env or counters:  # (else nothing to forget: the names it binds
            assigned = _assigned(st, own)  # need not be known)
            if isinstance(st, (gast.For, gast.While, gast.If)):
                _nested(st, Scope(env, counters), assigned, depth, out)
            sizes = len(env), len(counters)
            _forget(env, counters, assigned, users)
            here = here if sizes == (len(env), len(counters)) else None  # (only removes)
        if isinstance(st, gast.Assign) and len(st.targets) == 1 and \
                isinstance(st.targets[0], gast.Name) and _arithmetic(st.value) and \
                st.targets[0].id not in _reads(st.value):
            env[st.targets[0].id] = st.value
            here = None
            for r in _reads(st.value):
                users.setdefault(r, {})[st.targets[0].id] = None


def _through_last_slice(stmts: list) -> int:
    """How many of ``stmts`` to look at: up to the last holding a slice; what the ones
    after it bind no slice of the block reads (a long derivative often slices only near
    its start: the chain of products after it need not be followed name by name)."""
    for k in range(len(stmts) - 1, -1, -1):
        if _slices(stmts[k]):
            return k + 1
    return 0


def _is_slice(p: gast.expr) -> bool:
    """``lo:hi`` or ``slice(lo, hi)``: the reverse sweep's index of a slice read in the
    forward sweep (the shape facts read it as ``lo:hi`` where ``slice`` is the builtin)."""
    return isinstance(p, gast.Slice) or isinstance(p, gast.Call) and \
        isinstance(p.func, gast.Name) and p.func.id == "slice" and 1 <= len(p.args) <= 3


def _nested(st: gast.stmt, scope: Scope, assigned: set[str], depth: int, out: dict) -> None:
    """The blocks of a compound statement; a loop's body sees only what no trip of it
    changes, plus its own counter."""
    if isinstance(st, gast.If):
        _block(st.body, scope, depth, out)
        _block(st.orelse, scope, depth, out)
        return
    env, counters = dict(scope.env), dict(scope.counters)
    _forget(env, counters, assigned)
    _block(st.orelse, Scope(env, counters), depth, out)
    if isinstance(st, gast.For) and isinstance(st.target, gast.Name) and \
            st.target.id not in _assigned_in(st.body):
        ends = _range_ends(st.iter)
        if ends is not None:
            at = Scope(dict(scope.env), dict(scope.counters))
            counters[st.target.id] = Counter(ends[0], ends[1], at, depth + 1)
    _block(st.body, Scope(env, counters), depth + 1, out)


def _range_ends(it: gast.expr) -> tuple | None:
    """(start or None, stop) of ``range(..)`` or ``reversed(range(..))`` of step 1."""
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1 and not it.keywords:
        it = it.args[0]
    if not (isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and
            it.func.id == "range" and 1 <= len(it.args) <= 2 and not it.keywords):
        return None
    return (None, it.args[0]) if len(it.args) == 1 else (it.args[0], it.args[1])


def _forget(env: dict, counters: dict, assigned: set[str],
            users: dict[str, dict[str, None]] | None = None) -> None:
    """Drop the names ``assigned`` binds, and those whose value reads one of them
    (``users``: the index of :func:`_block`, kept up to date; else every name looked at)."""
    if users is None:
        gone = [k for k, v in env.items() if k in assigned or _reads(v) & assigned]
    else:
        gone = [k for a in assigned for k in (a, *users.get(a, ())) if k in env]
    for name in gone:
        if name in env:
            if users is not None:
                for r in _reads(env[name]):
                    users[r].pop(name, None)
            del env[name]
    for name in assigned & set(counters):
        del counters[name]


_BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers"})


def _own_nodes(st: gast.stmt) -> list:
    """The nodes of ``st`` outside its nested blocks."""
    found = []
    for name, child in gast.iter_fields(st):
        if name in _BLOCK_FIELDS:
            continue
        found += list(nodes(child)) if isinstance(child, (gast.AST, list)) else []
    return found


def _is_named_slice(p: gast.expr) -> bool:
    """A slice (either form) whose bounds read a name: its length may depend on where
    it is read."""
    return _is_slice(p) and contains(
        [p.lower, p.upper, p.step] if isinstance(p, gast.Slice) else p.args, (gast.Name,))


def _slices(node: object) -> bool:
    """Does ``node`` hold a slice (either form) whose bounds read a name?"""
    return any(_is_named_slice(n) for n in nodes_of(node, (gast.Slice, gast.Call)))


def _parts(index: gast.expr) -> list:
    return index.elts if isinstance(index, gast.Tuple) else [index]


def _assigned_in(stmts: list) -> set[str]:
    return set().union(*(_assigned(s) for s in stmts)) if stmts else set()


def _assigned(st: gast.stmt, own: list | None = None) -> set[str]:
    """Names ``st`` binds or deletes, in any of its blocks (``own``: its nodes outside
    them, when found already); worked out once per statement, from its own nodes and
    its nested statements'."""
    seen = _ASSIGNED.get(id(st))
    if seen is not None and seen[0] is st:
        return seen[1]
    if _BLOCK_FIELDS.isdisjoint(st._fields):
        names = _stored(name_nodes(st) if own is None else own)  # (its names: all it binds)
    else:
        names = _stored(_own_nodes(st) if own is None else own)
        for f in _BLOCK_FIELDS:
            for inner in getattr(st, f, None) or ():
                names |= _assigned(inner)
    _ASSIGNED[id(st)] = (st, names)
    return names


def _stored(found: Any) -> set[str]:
    return {n.id for n in found if isinstance(n, gast.Name) and
            isinstance(n.ctx, (gast.Store, gast.Del))}


def _reads(e: gast.expr) -> set[str]:
    """The names ``e`` reads (kept while ``scopes`` runs: the environment of int names
    is asked again after every assignment)."""
    seen = _READS.get(id(e))
    if seen is not None and seen[0] is e:
        return seen[1]
    names = {n.id for n in name_nodes(e)}
    _READS[id(e)] = (e, names)
    return names


def _arithmetic(e: gast.expr) -> bool:
    """Int arithmetic a name may be followed through: names, ints, ``+ - *``."""
    if isinstance(e, gast.BinOp):
        return isinstance(e.op, (gast.Add, gast.Sub, gast.Mult)) and \
            _arithmetic(e.left) and _arithmetic(e.right)
    if isinstance(e, gast.UnaryOp):
        return isinstance(e.op, (gast.USub, gast.UAdd)) and _arithmetic(e.operand)
    return isinstance(e, gast.Name) or isinstance(e, gast.Constant) and \
        type(e.value) is int


def value(e: gast.expr, scope: Scope, size: Size, depth: int = 0) -> Lin | None:
    """The exact value of the int expression ``e`` read in ``scope``, as a form."""
    if depth > 64:
        return None
    if isinstance(e, gast.Constant):
        return Lin((), e.value) if type(e.value) is int else None
    if isinstance(e, gast.Name):
        if e.id in scope.counters:
            return affine.counter(e.id)
        if e.id in scope.env:
            return value(scope.env[e.id], scope, size, depth + 1)
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
        return affine.scale(value(e.operand, scope, size, depth + 1),
                            -1 if isinstance(e.op, gast.USub) else 1)
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Add, gast.Sub, gast.Mult)):
        a, b = (value(x, scope, size, depth + 1) for x in (e.left, e.right))
        if isinstance(e.op, gast.Mult):
            return affine.scale(b, a.const) if a is not None and not a.terms else \
                affine.scale(a, b.const) if b is not None and not b.terms else None
        return affine.add(a, b, 1 if isinstance(e.op, gast.Add) else -1)
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.FloorDiv):
        return affine.divided(value(e.left, scope, size, depth + 1),
                              value(e.right, scope, size, depth + 1))
    if isinstance(e, (gast.BinOp, gast.UnaryOp)):
        return None
    return affine.form(size(e))


def slice_length(p: gast.Slice, axis: Any, scope: Scope, size: Size) -> Any:
    """The length of ``x[p]`` along an axis of length ``axis`` (None: unknown)."""
    n = affine.form(axis)
    if n is None or p.step is not None and not (
            isinstance(p.step, gast.Constant) and p.step.value == 1):
        return None
    bounds = _bounds(scope, size)
    lo = Lin((), 0) if p.lower is None else value(p.lower, scope, size)
    if lo is not None and not lo.terms and lo.const < 0:
        lo = affine.add(n, lo)  # from the end: python reads len + lo, least 0
    if lo is None or not affine.nonneg(lo, bounds):
        return None  # (len + lo may be below 0: the length is min(-lo, len), not affine)
    hi = n if p.upper is None else value(p.upper, scope, size)
    kind = EXACT
    if hi is not None and not hi.terms and hi.const < 0:
        hi, kind = affine.add(n, hi), CLAMPED  # from the end, least 0: max(0, len + hi)
    elif hi is not None and not affine.nonneg(hi, bounds):
        kind = GUARDED  # a negative hi would count from the end
    if hi is None or not affine.nonneg(affine.add(n, hi, -1), bounds):  # type: ignore
        return None
    f = affine.add(hi, lo, -1)
    if f is None:
        return None
    if affine.nonneg(f, bounds):
        kind = EXACT
    elif kind == EXACT:
        kind = CLAMPED
    return affine.length(f, kind)


def _bounds(scope: Scope, size: Size) -> affine.Bounds:
    def bounds(var: str) -> tuple | None:
        c = scope.counters.get(var[len(affine.COUNTER):])
        if c is None:
            return None
        lo = Lin((), 0) if c.start is None else value(c.start, c.scope, size)
        hi = affine.add(value(c.stop, c.scope, size), Lin((), 1), -1)
        return lo, hi, c.depth
    return bounds
