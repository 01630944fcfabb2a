"""Windows picked by index arrays in an element loop (see :mod:`element_windows`):
``dofs = conn[e]; K[dofs[:, None], dofs] += k[e] * ke`` or ``K[np.ix_(conn[e],
conn[e])] += ...``, the assembly of element matrices by a connectivity table.

The index of the window read and of the one written are the same when the trees they
are made of are (names the loop binds replaced by their values): rows of arrays the
loop does not bind read at the counter, ``[:, None]`` of those, ``np.ix_`` of them.
For every trip at once each gets the trips' axis first: ``conn[e]`` is ``conn[e]`` of
``e = np.arange(n)``, ``dofs[:, None]`` is ``dofs[:, :, None]``, ``np.ix_(a, b)`` is
``a[:, :, None], b[:, None, :]``; then each is given the axes of length 1 the trip's
broadcasting would (``dofs`` beside ``dofs[:, None]``: ``dofs[:, None, :]``).  A trip's
index may repeat a position: Python's ``+=`` keeps the last element written there,
which ``runtime.last_writes`` marks (the scatter-add adds only those).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.names import const, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import broadcast_all
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes

_ALL = gast.Slice(lower=None, upper=None, step=None)


def same_picks(read: gast.expr, written: gast.expr, defs: dict, bound: set,
               counter: str, namespace: dict, ints: frozenset[str]
               ) -> tuple[list, set] | None:
    """The index parts (trees over names the loop does not bind and the counter) when the
    window read and the one written are picked alike, and the names they are made of;
    else None.  The arrays they are read from are parameters given integer arrays
    (``ints``: a bool one would pick by mask, a float one raise)."""
    used: set[str] = set()
    trees = [_expanded(e, defs, bound - {counter}, used) for e in (read, written)]
    if None in trees or gast.dump(trees[0]) != gast.dump(trees[1]):
        return None
    parts = trees[0].elts if isinstance(trees[0], gast.Tuple) else [trees[0]]
    if not all(_allowed(p, counter, namespace, ints) for p in parts) or \
            not any(counter in {n.id for n in name_nodes(p)} for p in parts):
        return None  # (the same positions every trip: no trips' axis to add along)
    return parts, used


def picked_shape(parts: list, array: str, facts: dims.Facts) -> tuple | None:
    """The shape of ``array[parts]`` in a trip (``parts`` from :func:`same_picks`): its
    index arrays broadcast, one for each axis of the array."""
    shapes: list = []
    for p in parts:
        if _is_ix(p, facts.namespace):
            args = [facts.of(a) for a in p.args]
            if not all(isinstance(a, tuple) and len(a) == 1 for a in args):
                return None
            shapes += [(1,) * k + a + (1,) * (len(args) - 1 - k) for k, a in enumerate(args)]
        else:
            shapes.append(facts.of(p))
    if len(shapes) != facts.rank(array):
        return None
    return broadcast_all(shapes)


def _expanded(e: gast.expr, defs: dict, bound: set, used: set) -> gast.expr | None:
    """``e`` with each name the loop binds once at its top level replaced by its value;
    None where it reads a name the loop binds otherwise."""
    if isinstance(e, gast.Name):
        if e.id in defs:
            used.add(e.id)
            return _expanded(defs[e.id].value, defs, bound, used)
        return None if e.id in bound else load(e.id)
    e = clone(e)
    for field, value in gast.iter_fields(e):
        if isinstance(value, gast.expr) and not isinstance(value, gast.Constant):
            inner = _expanded(value, defs, bound, used)
            if inner is None:
                return None
            setattr(e, field, inner)
        elif isinstance(value, list):
            items = [_expanded(v, defs, bound, used) if isinstance(v, gast.expr) else v
                     for v in value]
            if any(i is None for i in items):
                return None
            setattr(e, field, items)
    return e


def _is_ix(e: gast.expr, namespace: dict) -> bool:
    return isinstance(e, gast.Call) and not e.keywords and \
        evaluate_ref(e.func, namespace) is np.ix_


def _allowed(e: gast.expr, counter: str, namespace: dict, ints: frozenset[str]) -> bool:
    """A row of an integer array read at the counter, ``[:, None]`` of one, the counter,
    an integer array, ``np.ix_`` of rows."""
    if isinstance(e, gast.Name):
        return e.id == counter or e.id in ints
    if _is_ix(e, namespace):
        return all(_allowed(a, counter, namespace, ints) for a in e.args)
    if not isinstance(e, gast.Subscript):
        return False
    if isinstance(e.slice, gast.Name) and e.slice.id == counter:
        return isinstance(e.value, gast.Name) and e.value.id in ints
    parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
    return all(_is_all(p) or isinstance(p, gast.Constant) and p.value is None
               for p in parts) and _allowed(e.value, counter, namespace, ints)


def _is_all(p: gast.expr) -> bool:
    return isinstance(p, gast.Slice) and p.lower is None and p.upper is None and \
        p.step is None


def at_once(parts: list, t: Any, facts: dims.Facts) -> list | None:
    """The index parts for every trip (named by ``t``, an ``element_masks.Trip``), each
    with the trips' axis first and the trip's broadcasting made explicit; None where a
    rank is not known."""
    made: list = []
    for p in parts:
        got = _part(p, t, facts)
        if got is None:
            return None
        made += got
    rank = max(r for _, r, _ in made)
    out = []
    for value, r, tripped in made:
        if tripped and r < rank:
            value = t.named(gast.Subscript(value=value, slice=gast.Tuple(
                elts=[_ALL] + [const(None)] * (rank - r), ctx=gast.Load()),
                ctx=gast.Load()), "picks")
        out.append(value)
    return out


def _part(e: gast.expr, t: Any, facts: dims.Facts) -> list | None:
    """[(value for every trip, rank in a trip, whether it has the trips' axis)]."""
    if isinstance(e, gast.Name):
        if e.id == t.counter:
            return [(load(e.id), 0, True)]
        rank = facts.rank(e.id)
        return None if rank is None else [(load(e.id), rank, False)]
    if _is_ix(e, t.namespace):
        out = []
        for k, a in enumerate(e.args):
            got = _part(a, t, facts)
            if got is None or got[0][1] != 1:
                return None
            value, _, tripped = got[0]
            axes = [const(None)] * k + [_ALL] + [const(None)] * (len(e.args) - 1 - k)
            out.append((t.named(gast.Subscript(value=value, slice=gast.Tuple(
                elts=[_ALL] * tripped + axes, ctx=gast.Load()), ctx=gast.Load()), "picks"),
                len(e.args), tripped))
        return out
    if isinstance(e.slice, gast.Name):  # x[e]: its rows
        rank = facts.rank(e.value.id)
        if rank is None or rank < 1:
            return None
        return [(t.named(gast.Subscript(value=load(e.value.id), slice=load(t.counter),
                                        ctx=gast.Load()), "picks"), rank - 1, True)]
    got = _part(e.value, t, facts)
    if got is None or len(got) != 1:
        return None
    value, rank, tripped = got[0]
    parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
    added = sum(not _is_all(p) for p in parts)
    if sum(_is_all(p) for p in parts) > rank:
        return None
    return [(t.named(gast.Subscript(value=value, slice=gast.Tuple(
        elts=[_ALL] * tripped + [clone(p) for p in parts], ctx=gast.Load()),
        ctx=gast.Load()), "picks"), rank + added, tripped)]
