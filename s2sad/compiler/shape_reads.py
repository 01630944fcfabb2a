"""Part of the late pass ``shapes``: a value read for its shape alone read from an
argument of that shape instead, so the value itself need not be kept.

The reverse sweep starts many adjoints as ``zeros_like(v)``; in a reversed loop ``v``
is then popped from the tape only for its shape (``dadd = zeros_like(add)`` of a
2-vector computed in every step of an integrator).  Where ``v`` and a float64 array
argument ``p`` have one shape class (equal lengths, :mod:`dims`) and ``v`` is float64
too (:mod:`dtypes`), ``zeros_like(p)`` is the same array of zeros, and the tape's
pruning drops ``v``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.dtypes import F64
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_ids, nodes


def candidates(body: list, params: set[str], namespace: dict) -> bool:
    """Whether ``body`` starts an adjoint as zeros like a value that is not an argument
    (most bodies do not: the pass then costs one walk)."""
    kept = (None, *params)
    return any(_shape_read(n, namespace) not in kept for n in nodes_of(body, (gast.Call,)))


def zeros_from_arguments(body: list, facts: dims.Facts, kinds: dict[str, str],
                         floats: frozenset[str], namespace: dict) -> bool:
    """``zeros_like(v)`` -> ``zeros_like(p)`` (and ``add_at(None, v, ..)``) for a float64
    ``v`` of the shape of a float64 array argument ``p``; whether one was rewritten."""
    shapes = [(p, facts.of(gast.Name(id=p, ctx=gast.Load(), annotation=None,
                                     type_comment=None))) for p in sorted(floats)]
    shapes = [(p, s) for p, s in shapes if dims.known(s) and s]
    changed = False
    for n in nodes(body):
        name = _shape_read(n, namespace)
        if name is None or name in floats or kinds.get(name) != F64:
            continue
        shape = facts.of(gast.Name(id=name, ctx=gast.Load(), annotation=None,
                                   type_comment=None))
        like = next((p for p, s in shapes if dims.known(shape) and dims.same(shape, s)), None)
        if like is not None:
            n.args[0 if n.func.id == "zeros_like" else 1] = gast.Name(
                id=like, ctx=gast.Load(), annotation=None, type_comment=None)
            changed = True
    return changed


def shapes_from_arguments(body: list, facts: dims.Facts, arrays: list[str],
                          namespace: dict) -> bool:
    """``np.shape(v)`` -> ``np.shape(p)`` for a ``v`` popped from the tape of the shape of
    an array argument ``p`` (the shape alone: any dtype), so that a reversed loop need
    not pop ``v`` for it (an HMM step's ``np.reshape(dalpha, np.shape(alpha))``);
    whether one was."""
    popped = {n.id for s in statement_nodes(body) if isinstance(s, gast.Assign) and
              getattr(s, "s2sad_slot", None) is not None
              for t in s.targets for n in nodes(t) if isinstance(n, gast.Name)}
    shapes = [(p, facts.of(gast.Name(id=p, ctx=gast.Load(), annotation=None,
                                     type_comment=None))) for p in arrays]
    shapes = [(p, s) for p, s in shapes if dims.known(s) and s]
    changed = False
    for n in nodes(body) if popped else ():
        if not (isinstance(n, gast.Call) and len(n.args) == 1 and not n.keywords and
                isinstance(n.args[0], gast.Name) and n.args[0].id in popped and
                evaluate_ref(n.func, namespace) is np.shape):
            continue
        shape = facts.of(n.args[0])
        like = next((p for p, s in shapes if dims.known(shape) and dims.same(shape, s)), None)
        if like is not None:
            n.args[0] = gast.Name(id=like, ctx=gast.Load(), annotation=None, type_comment=None)
            changed = True
    return changed


def _shape_read(n: gast.AST, namespace: dict) -> str | None:
    """The name ``zeros_like(v)`` or ``add_at(None, v, i, g)`` (zeros like ``v``, then
    ``g`` added at ``i``) reads for its shape and dtype alone."""
    if not (isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and not n.keywords):
        return None
    if n.func.id == "zeros_like" and len(n.args) == 1:
        v = n.args[0]
    elif n.func.id == "add_at" and len(n.args) == 4 and \
            isinstance(n.args[0], gast.Constant) and n.args[0].value is None:
        v = n.args[1]
    else:
        return None
    fn = evaluate_ref(n.func, namespace)
    return v.id if isinstance(v, gast.Name) and fn in (runtime.zeros_like, runtime.add_at) \
        else None


def shape_only_values(body: list, facts: dims.Facts, kinds: Callable[[], dict[str, str]],
                      arrays: list[str], floats: frozenset[str], namespace: dict) -> bool:
    """A value read for its shape alone (``v.shape``, ``np.shape(v)``, ``repeat_to(g, v)``,
    ``zeros_like(v)``, ``shape_of(v)``, ``add_at(None, v, i, g)``) read from another of
    that shape class instead, so that the value need not be computed or kept at all:
    the adjoint of ``np.mean(ll)`` spreads ``-1.0 / ll.shape[0]`` like ``ll``, and
    ``ll``'s terms (``gammaln(y + r)``, whose derivative does not need its value) are then
    dead; a resampled state popped only to scatter its adjoint into zeros like it is no
    longer pushed.  The other value is an array argument, else a value bound in the
    same block before the read, neither bound again nor deleted by then (in the
    function's own body also read again from there on: its life is not made longer).
    Only a value every load of which is such a read, or a value popped from the tape,
    is rewritten; the reads that also take the dtype (``zeros_like``, ``repeat_to``,
    ``shape_of``, ``add_at``) need float64 values on both sides (``kinds`` works out
    the dtypes, where there is a candidate).  Whether
    one was rewritten."""
    loads: Counter = Counter()
    sites: Counter = Counter()
    read_last = _read_last_for_shapes(body, namespace, loads, sites)
    if not sites:
        return False
    popped = {n.id for s in statement_nodes(body) if isinstance(s, gast.Assign) and
              getattr(s, "s2sad_slot", None) is not None
              for t in s.targets for n in nodes(t) if isinstance(n, gast.Name)}
    rewritable = {v for v, k in sites.items() if v not in arrays and
                  (v in popped or loads[v] == k)} | read_last
    rewritable -= set(arrays)
    if not rewritable:
        return False
    donors = _Donors(facts, kinds(), arrays, floats)
    donors.unread = {v for v in rewritable if v not in popped and loads[v] == sites[v]}
    return _in_block(body, rewritable, donors, namespace, top=True)


def _read_last_for_shapes(body: list, namespace: dict, loads: Counter, sites: Counter
                          ) -> set[str]:
    """Names of the function's body whose reads after some statement are all reads of
    their shape (a forward value's ``zeros_like(prev)`` after its last gather): read
    from another value there, they are dead from that statement on, not kept through
    the reverse sweep.  The same walk (one per statement) counts each name's loads and
    its reads for a shape in ``loads`` and ``sites``."""
    last_read: dict[str, int] = {}  # name -> the last statement reading its values
    first_site: dict[str, int] = {}  # name -> the first statement reading its shape
    for i, stmt in enumerate(body):
        values: Counter = Counter()
        for n in nodes_of([stmt], (gast.Name, gast.Attribute, gast.Call)):
            if n.__class__ is gast.Name:
                if isinstance(n.ctx, gast.Load):
                    values[n.id] += 1
                    loads[n.id] += 1
                continue
            site = _shape_site(n, namespace)
            if site is not None:
                sites[site[0].id] += 1
                values[site[0].id] -= 1
                first_site.setdefault(site[0].id, i)
        for name, k in values.items():
            if k > 0:
                last_read[name] = i
    return {v for v, i in first_site.items() if v in last_read and last_read[v] < i}


class _Donors:
    """Where a shape may be read from: the arguments, and the names of its shape class."""

    def __init__(self, facts: dims.Facts, kinds: dict[str, str], arrays: list[str],
                 floats: frozenset[str]) -> None:
        self.facts, self.kinds, self.arrays, self.floats = facts, kinds, arrays, floats
        # names read for their shape alone everywhere: once read from a donor they are
        # not made at all, so a donor held on to their read is no longer life (the same
        # shape held by another name), even one not read again after it
        self.unread: set[str] = set()

    def shape(self, name: str) -> object:
        return self.facts.of(gast.Name(id=name, ctx=gast.Load(), annotation=None,
                                       type_comment=None))

    def fits(self, name: str, shape: object, typed: bool) -> bool:
        s = self.shape(name)
        return dims.known(s) and dims.same(shape, s) and \
            (not typed or self.kinds.get(name) == F64)

    def argument(self, shape: object, typed: bool) -> str | None:
        pool = self.floats if typed else self.arrays
        return next((p for p in sorted(pool) if self.fits(p, shape, typed)), None)


def _in_block(block: list, rewritable: set[str], donors: _Donors, namespace: dict,
              top: bool = False) -> bool:
    """Rewrite the shape reads of ``rewritable`` names in the statements of ``block``
    (and, with the donors of their own blocks, in the blocks nested in it).  In a
    loop's body a donor is bound again in the next trip anyway; in the function's
    body it must be read again after the read (the ``del`` after its last read would
    come later)."""
    changed = False
    bound: list[tuple[str, int]] = []  # (name bound once here, its statement's index)
    for i, stmt in enumerate(block):
        for n in nodes(stmt):
            site = _shape_site(n, namespace)
            if site is None or site[0].id not in rewritable:
                continue
            ref, typed = site
            if typed and donors.kinds.get(ref.id) != F64:
                continue
            shape = donors.shape(ref.id)
            if not (dims.known(shape) and shape):
                continue
            like = donors.argument(shape, typed) or next(
                (m for m, j in bound if m not in rewritable and donors.fits(m, shape, typed) and
                 _live(block, j, i, m, top and ref.id not in donors.unread)), None)
            if like is not None:
                ref.id = like
                changed = True
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], gast.Name):
            bound.append((stmt.targets[0].id, i))
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                changed |= _in_block(inner, rewritable, donors, namespace,
                                     top and isinstance(stmt, gast.If))
    return changed


def _live(block: list, j: int, i: int, name: str, read_later: bool) -> bool:
    """``name``, bound by ``block[j]``, still holds that value at ``block[i]`` (neither
    bound again nor deleted in between), and is read there or later if asked."""
    for stmt in block[j + 1:i + 1]:
        if name in name_ids(stmt, gast.Store) or any(
                n.__class__ is gast.Delete and name in name_ids(n, gast.Del)
                for n in statement_nodes([stmt])):
            return False
    return not read_later or any(name in name_ids(stmt, gast.Load) for stmt in block[i:])


def _shape_site(n: gast.AST, namespace: dict) -> tuple[gast.Name, bool] | None:
    """The name a node reads for its shape alone, and whether it reads the dtype too."""
    if isinstance(n, gast.Attribute) and n.attr == "shape" and \
            isinstance(n.value, gast.Name) and isinstance(n.ctx, gast.Load):
        return n.value, False
    if not (isinstance(n, gast.Call) and not n.keywords and n.args):
        return None
    if len(n.args) == 1 and isinstance(n.args[0], gast.Name) and \
            isinstance(n.func, gast.Attribute) and n.func.attr == "shape" and \
            evaluate_ref(n.func, namespace) is np.shape:
        return n.args[0], False
    name = _shape_read(n, namespace)
    if name is not None:
        return n.args[0 if n.func.id == "zeros_like" else 1], True
    if isinstance(n.func, gast.Name) and n.func.id == "shape_of" and len(n.args) == 1 and \
            isinstance(n.args[0], gast.Name) and \
            evaluate_ref(n.func, namespace) is runtime.shape_of:
        return n.args[0], True
    if isinstance(n.func, gast.Name) and n.func.id == "repeat_to" and \
            2 <= len(n.args) <= 4 and isinstance(n.args[1], gast.Name) and \
            evaluate_ref(n.func, namespace) is runtime.repeat_to:
        return n.args[1], True
    return None


def _argument_like(facts: dims.Facts, name: str, arguments) -> str | None:
    """An argument among ``arguments`` surely of ``name``'s (non-scalar) shape."""
    shape = facts.of(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None))
    if not (dims.known(shape) and shape):
        return None
    for p in sorted(arguments):
        s = facts.of(gast.Name(id=p, ctx=gast.Load(), annotation=None, type_comment=None))
        if dims.known(s) and dims.same(shape, s):
            return p
    return None
