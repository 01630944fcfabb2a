"""Part of the late pass ``share``: the sine and cosine of a difference of two
rearrangements of one array made from the sine and cosine of the array.

Pairwise and neighbour energies take ``np.cos(theta - np.roll(theta, -1, axis=1))``,
``np.sin(theta[None, :] - theta[:, None])`` or ``np.cos(x[i] - x[j])``; their adjoints
take the sine (cosine) of the same difference again.  NumPy's float64 sine and cosine
are scalar libm calls (~7 ns an element, several multiplies), so those calls are most
of such a gradient.  With ``s = np.sin(x)``, ``c = np.cos(x)`` taken once and the
rearrangement applied to them,

    cos(a - b) = ca * cb + sa * sb,        sin(a - b) = sa * cb - ca * sb,

two calls over ``x`` replace every call over the difference: an ``n x n`` pairwise
matrix needs ``n`` sines and cosines, a neighbour energy and its gradient two per site
instead of four or five.

Done for ``d = L - R`` (a statement of its own) where ``L`` and ``R`` are each ``x``
itself or a rearrangement of one name ``x`` with as many elements or more (a view by
slices of literals and ``None``, ``np.roll``, ``np.transpose``, ``.T``, a gather by an
integer array parameter, ``x[i]`` or ``np.take(x, i)``; inline, or through a name bound
to it once in the block with no write to ``x`` in between: two elements' difference,
``x[0] - x[1]``, would cost the sines of all of ``x``), when ``d`` is read only as the
argument of ``np.sin``/``np.cos`` calls (and as an item of one tape push whose pop's
name is read only so), no complex value is in the function, and it saves calls: two or
more sines and cosines of ``d``, or one of a pairwise difference (views adding an axis
on both sides: more elements than ``x``).  The sides' sines and cosines are bound where ``d`` was
(views stay inline); a push of ``d`` pushes them instead (``2 n`` numbers a trip
instead of ``n x n``).  A sine or cosine of ``x`` the block takes anyway is read where
nothing writes into ``x``.  A gather is taken to have as many pairs as ``x`` has
elements or more (a graph's edges outnumber its nodes); the shapes do not say, and a
few pairs of a long array would take more calls, not fewer.

Numerics: each identity is within a few ulps of the call *absolutely* (terms of size
one), not relatively: where ``a`` is close to ``b`` the sine is tiny and its relative
error large.  That is what sums of O(1) terms (energies, their gradients, Euler steps)
tolerate anyway, so the rule is: the rewrite is kept off where a sine or cosine of the
difference reaches, through ``+ - *``, negation, reductions, reshapes, other calls and
names bound to such values, a division (but of it by a number), a power other than a
positive integer one, a comparison or a branch's test, or a call that amplifies small
values or reads their sign (``log*``, ``sqrt``, ``reciprocal``, ``arcsin``, ``arctan2``,
``sign``, ``floor``, ...: :mod:`angle_uses`), at the tape's pop too.  The walk stops at
a return and a read of a shape.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad.compiler import angle_uses, tape
from s2sad.compiler.names import assign, load, np_attr, store, written_names
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shared_factors import Swap
from s2sad.compiler.transcendentals import _named
from s2sad.compiler.walks import clone, name_nodes, nodes, parent_map, statement_nodes

_REARRANGE = {"roll": "rolled", "take": "at", "transpose": "t"}  # (stems of the names)


@dataclass
class _Side:
    """One side of the difference: ``x`` itself, a view of it to apply inline to the
    sine and cosine, or a rearrangement of it to apply to them and bind."""

    kind: str  # "base", "view" or "bound"
    expr: gast.expr | None = None
    stem: str = ""  # the name the bound sine and cosine are named for
    binding: gast.stmt | None = None  # ``T = R(x)`` read through ``T``


@dataclass(frozen=True)
class _Known:
    """What the rewrite reads of the function: its namespace, its integer array
    parameters."""

    namespace: dict
    indices: frozenset


@dataclass
class _Found:
    """A difference the rewrite applies to."""

    at: int  # its statement's place in ``block``
    block: list
    base: str
    sides: tuple
    calls: list  # the sin/cos calls of ``d`` (and of the name its pop binds)
    push: gast.stmt | None = None
    pop: gast.stmt | None = None
    place: int = 0  # ``d``'s place in the push


def share_differences(body: list, namespace: dict, namer: Any, numbers: set,
                      indices: frozenset) -> bool:
    """Rewrites ``body`` in place; True if it changed (call only for real functions);
    ``numbers``: names holding numbers, ``indices``: integer array parameters."""
    taken = {n.args[0].id for n in nodes(body) if n.__class__ is gast.Call and
             n.func.__class__ is gast.Attribute and n.func.attr in ("sin", "cos") and
             len(n.args) == 1 and n.args[0].__class__ is gast.Name}
    if not taken & _differences(body):
        return False  # (no sine or cosine of a name a difference binds: the usual case)
    changed = False
    while _first(body, _Known(namespace, indices), namer, numbers):
        changed = True  # (one at a time: the walks read the body as it is now)
    return changed


def _first(body: list, known: _Known, namer: Any, numbers: set) -> bool:
    """The first difference the rewrite applies to rewritten; whether there was one."""
    stores = Counter(n.id for n in name_nodes(body) if n.ctx.__class__ is not gast.Load)
    parents = parent_map(body)
    pops, pushes = tape.pairs(body)
    uses = angle_uses.Uses(body, parents, numbers, pops)
    for block in _blocks(body):
        for s in block:
            found = _difference(s, block, known, stores, parents, uses, pops, pushes)
            if found is not None:
                _rewrite(body, found, known.namespace, namer, stores)
                return True
    return False


def _differences(body: list) -> set[str]:
    """The names statements bind to a difference, a pop's names too (cheap: no
    evaluation of calls)."""
    out = set()
    for s in nodes(body):
        if s.__class__ is gast.Assign and len(s.targets) == 1 and (
                s.value.__class__ is gast.BinOp and s.value.op.__class__ is gast.Sub or
                getattr(s, "s2sad_slot", None) is not None):
            out |= {n.id for n in name_nodes(s.targets)}
    return out


def _blocks(body: list) -> list[list]:
    out = [body]
    for s in body:
        for f in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                out += _blocks(getattr(s, f))
    return out


def _difference(s: gast.stmt, block: list, known: _Known, stores: Counter,
                parents: dict, uses: Any, pops: dict, pushes: dict) -> _Found | None:
    """What rewriting ``s`` takes, or None where it does not apply."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and
            isinstance(s.value.op, gast.Sub)):
        return None
    d, at = s.targets[0].id, next(k for k, t in enumerate(block) if t is s)
    left, right = (_side(e, block, at, known, stores) for e in (s.value.left, s.value.right))
    namespace = known.namespace
    if left is None or right is None or left[0] != right[0]:
        return None  # (not rearrangements of one array)
    found = _Found(at, block, left[0], (left[1], right[1]), [])
    names = {d}
    for n in uses.readers.get(d, []):
        call = parents.get(id(n))
        if _trig(call, namespace) is not None:
            found.calls.append(call)
        elif not _pushed(n, d, found, block, parents, pops, pushes, names):
            return None
    if stores[d] != (2 if found.pop is not None and d in _pop_names(found) else 1):
        return None
    for other in names - {d}:
        readers = uses.readers.get(other, [])
        found.calls += [parents.get(id(n)) for n in readers]
        if stores[other] != 1 or any(_trig(parents.get(id(n)), namespace) is None
                                     for n in readers):
            return None
    pairwise = all(side.kind == "view" and any(isinstance(e, gast.Constant) and e.value is None
                                               for e in nodes(side.expr)) for side in found.sides)
    if len(found.calls) < 2 and not (found.calls and pairwise):
        return None  # (no call saved)
    return found if all(uses.safe(c) for c in found.calls) else None


def _pushed(n: gast.Name, d: str, found: _Found, block: list, parents: dict, pops: dict,
            pushes: dict, names: set) -> bool:
    """``n`` is ``d`` as an item of the one push of its block pairing one pop with a
    name in its place (recorded in ``found``)."""
    holder = parents.get(id(n))
    push = parents.get(id(parents.get(id(holder)))) if isinstance(holder, gast.Tuple) \
        else parents.get(id(holder))
    slot = getattr(push, "s2sad_slot", None)
    if push is None or found.push is not None or slot is None or isinstance(push, gast.Assign) or \
            slot not in pops or len(pushes.get(slot, [])) != 1 or \
            not any(t is push for t in block[found.at:]):
        return False
    items = tape.items_of(push.value.args[0])
    targets = tape.items_of(pops[slot].targets[0])
    place = [k for k, v in enumerate(items) if isinstance(v, gast.Name) and v.id == d]
    if len(place) != 1 or len(targets) != len(items) or \
            not isinstance(targets[place[0]], gast.Name):
        return False
    found.push, found.pop, found.place = push, pops[slot], place[0]
    names.add(targets[place[0]].id)
    return True


def _pop_names(found: _Found) -> set:
    assert found.pop is not None
    return {t.id for t in tape.items_of(found.pop.targets[0]) if isinstance(t, gast.Name)}


def _side(e: gast.expr, block: list, at: int, known: _Known, stores: Counter
          ) -> tuple[str, _Side] | None:
    """(``x``, the side) of ``x``, a rearrangement of ``x``, or a name bound to one."""
    if isinstance(e, gast.Name):
        for k in range(at - 1, -1, -1):
            t = block[k]
            if isinstance(t, gast.Assign) and len(t.targets) == 1 and \
                    isinstance(t.targets[0], gast.Name) and t.targets[0].id == e.id:
                found = _rearranged(t.value, known)
                if found is None or stores[e.id] != 1 or \
                        any(found[0] in written_names(u) for u in block[k + 1:at]):
                    break
                return found[0], _Side("bound", t.value, e.id, t)
        return e.id, _Side("base")
    found = _rearranged(e, known)
    if found is None:
        return None
    x, stem = found
    return x, _Side("view" if stem == "view" else "bound", e, f"{x}_{stem}")


def _rearranged(e: gast.expr, known: _Known) -> tuple[str, str] | None:
    """(``x``, a stem for names, "view" for a view) of a rearrangement of a name ``x``
    as long as ``x`` or longer (the base's calls are then no more than the
    difference's): a subscript by slices of literals and ``None``, a gather by an
    integer array parameter (``np.take`` too), ``np.roll``, ``np.transpose``, ``.T``."""
    if isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name):
        parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        if all(isinstance(p, gast.Slice) and all(
                isinstance(n, (gast.Constant, gast.UnaryOp)) for n in nodes(p) if n is not p)
               or isinstance(p, gast.Constant) and p.value in (None, Ellipsis) for p in parts):
            return e.value.id, "view"
        return (e.value.id, "at") if _index(e.slice, known) else None
    if isinstance(e, gast.Attribute) and e.attr == "T" and isinstance(e.value, gast.Name):
        return e.value.id, "t"
    if isinstance(e, gast.Call) and e.args and isinstance(e.args[0], gast.Name):
        x = e.args[0].id
        fn = evaluate_ref(e.func, known.namespace)
        if fn is np.take and len(e.args) == 2 and _index(e.args[1], known) or \
                (fn is np.roll or fn is np.transpose) and not any(
                    n.id == x for a in e.args[1:] + e.keywords for n in name_nodes(a)):
            return x, _REARRANGE[fn.__name__]
    return None


def _index(e: gast.expr, known: _Known) -> bool:
    """``e`` is an integer array parameter (a graph's pairs outnumber its nodes)."""
    return isinstance(e, gast.Name) and e.id in known.indices


def _applied(side: _Side, base: str) -> gast.expr:
    """``side``'s rearrangement of ``base`` instead of its array."""
    assert side.expr is not None
    new = clone(side.expr)
    if isinstance(new, gast.Call):
        new.args[0] = load(base)
    else:
        new.value = load(base)  # type: ignore[attr-defined]
    return new


def _rewrite(body: list, found: _Found, namespace: dict, namer: Any, stores: Counter) -> None:
    """``d``'s statement becomes the bindings of the sines and cosines; each call of it
    the identity; its push pushes what the identities read, its pop binds them."""
    block, site = found.block, found.block[found.at]
    x = found.base
    taped = found.push is not None
    at = found.at
    names = []
    for fn in (np.sin, np.cos):
        name = None if taped or _changed(body, x) else \
            _named(block, at, fn, x, namespace, namer, stores)
        if name is None:
            name = namer.fresh(f"{fn.__name__}_{x}")
            block.insert(at, assign(name, gast.Call(func=np_attr(fn.__name__),
                                                    args=[load(x)], keywords=[]), site))
            stores[name] += 1
        at = next(k for k, t in enumerate(block) if t is site)
        names.append(name)
    parts = [_parts(side, names, block, at, namer, site) for side in found.sides]
    at = next(k for k, t in enumerate(block) if t is site)
    del block[at]
    for side in found.sides:
        if side.binding is not None and side.stem not in _reads(body):
            block[:] = [t for t in block if t is not side.binding]
    swaps = {id(c): _identity(c, parts, namespace) for c in found.calls}
    for s in body:
        Swap(swaps).visit(s)
    if taped:
        _retape(found, parts)


def _parts(side: _Side, names: list, block: list, at: int, namer: Any,
           like: gast.stmt) -> tuple[gast.expr, gast.expr]:
    """(the sine, the cosine) of one side as expressions; bound in front of ``at``
    where the rearrangement is not a view."""
    if side.kind == "base":
        return load(names[0]), load(names[1])
    applied = [_applied(side, n) for n in names]
    if side.kind == "view":
        return applied[0], applied[1]
    out = []
    for fn, value in zip(("sin", "cos"), applied):
        name = namer.fresh(f"{fn}_{side.stem}")
        block.insert(at, assign(name, value, like))
        at += 1
        out.append(load(name))
    return out[0], out[1]


def _identity(call: gast.Call, parts: list, namespace: dict) -> gast.expr:
    """``sin(a - b)`` or ``cos(a - b)`` from the sides' sines and cosines."""
    (sa, ca), (sb, cb) = ([clone(e) for e in p] for p in parts)
    if _trig(call, namespace) is np.cos:
        return gast.BinOp(left=_mul(ca, cb), op=gast.Add(), right=_mul(sa, sb))
    return gast.BinOp(left=_mul(sa, cb), op=gast.Sub(), right=_mul(ca, sb))


def _retape(found: _Found, parts: list) -> None:
    """The push pushes the names the identities read in place of ``d``; the pop binds
    them again."""
    assert found.push is not None and found.pop is not None
    read = []
    for p in parts:
        for e in p:
            read += [n.id for n in name_nodes(e) if n.id not in read]
    items = tape.items_of(found.push.value.args[0])
    targets = tape.items_of(found.pop.targets[0])
    place = found.place
    kept = [getattr(v, "id", None) for k, v in enumerate(items) if k != place]
    new = [n for n in read if n not in kept]
    values = items[:place] + [load(n) for n in new] + items[place + 1:]
    bound = targets[:place] + [store(n) for n in new] + targets[place + 1:]
    found.push.value.args = [gast.Tuple(elts=values, ctx=gast.Load())]
    found.pop.targets = [gast.Tuple(elts=bound, ctx=gast.Store())]


def _changed(body: list, x: str) -> bool:
    """``x`` is bound or written into more than once (a sine of it taken elsewhere in
    the block may then be of another value)."""
    return sum(x in written_names(s) for s in statement_nodes(body)) > 1


def _reads(body: list) -> set:
    return {n.id for n in name_nodes(body) if n.ctx.__class__ is gast.Load}


def _mul(a: gast.expr, b: gast.expr) -> gast.BinOp:
    return gast.BinOp(left=a, op=gast.Mult(), right=b)


def _trig(e: object, namespace: dict) -> Any:
    """``np.sin`` or ``np.cos`` where ``e`` calls it on a name alone, else None."""
    if not (isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords and
            isinstance(e.args[0], gast.Name)):
        return None
    fn = evaluate_ref(e.func, namespace)
    return fn if fn is np.sin or fn is np.cos else None
