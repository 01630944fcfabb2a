"""Stage 4b (after SSA and hoist): an element loop run for all its trips at once.

Users write stencils cell by cell: ``for i in range(n): a = u[i] - u[i - 1]; b =
u[(i + 1) % n] - u[i]; if a * b > 0.0: s[i] = a if abs(a) < abs(b) else b`` (a slope
limiter; upwinding, min/max fluxes, Godunov fluxes are the same kind).  Kept as a loop,
each trip is a dozen NumPy scalar operations (~0.1 us each) forward, and as many again
with the branch flags popped in the reverse sweep.  No trip reads what another writes,
so with ``i = np.arange(n)`` the same statements run every trip at once: ``u[i - 1]``
gathers (negative indices wrap as they did), ``abs`` is ``np.abs``, each ``if`` is a
mask (``np.where`` of the values both branches bind; a write ``s[i] = v`` under a mask
keeps the element where the mask is off), and the derivative of that code is array code
too.  The same IEEE operations on the same numbers, element by element: the values and
derivatives are those of the loop (the statements are rewritten in :mod:`element_masks`).

Only where it is proved (otherwise the loop stays as it is): a ``range`` loop of one or
two bounds (no ``else``, no literal bound under 16 trips: arrays that short are slower
than numbers) whose body is assignments and ``if`` statements; every name it binds a
number (the shape facts of :mod:`dims`), bound in each trip before the trip reads it
(nothing carried from trip to trip) and read nowhere after the loop, the counter too;
arrays read only by element (``u[j]`` of numbers ``j``, a number per trip) and not
written in the loop; the arrays written, vectors, written only at the counter itself
(``s[i] = v``: distinct trips write distinct elements) and read only there.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import dims, element_windows, hoist
from s2sad.compiler.element_masks import Keep, Trip, arange_of
from s2sad.compiler.names import Namer, call_named
from s2sad.compiler.walks import name_nodes

_FEWEST_TRIPS = 16  # a literal bound below this keeps its loop


def vectorize(node: gast.FunctionDef, namer: Namer, namespace: dict[str, Any],
              shapes: dict[str, tuple], numbers: set[str],
              indices: frozenset[str] = frozenset()) -> gast.FunctionDef:
    """``node`` with each element loop it holds (innermost ones, as the docstring says)
    run for all trips at once; ``shapes``: the array parameters' shape classes,
    ``numbers``: the number parameters (the facts are worked out from them);
    ``indices``: the parameters given integer arrays (rows of them pick windows)."""
    if not any(_candidate(s) for s in _statements(node.body)):
        return node
    facts = dims.Facts(node.body, {k: v for k, v in shapes.items()}, set(numbers), namespace)
    reads = _read_counts(node)
    if _rewrite_blocks(node.body, _Context(facts, namer, namespace, reads, indices)):
        hoist.hoist(node)  # (the counters and index arithmetic out of time loops)
    return node


class _Context:
    def __init__(self, facts: dims.Facts, namer: Namer, namespace: dict[str, Any],
                 reads: dict[str, int], indices: frozenset[str]) -> None:
        self.facts, self.namer, self.namespace, self.reads = facts, namer, namespace, reads
        self.indices = indices


def _statements(body: list) -> list:
    out = []
    for s in body:
        out.append(s)
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                out += _statements(inner)
    return out


def _candidate(s: gast.stmt) -> bool:
    """The cheap test: a ``range`` loop of assignments and ``if`` statements only."""
    if not (isinstance(s, gast.For) and isinstance(s.target, gast.Name) and not s.orelse
            and isinstance(s.iter, gast.Call) and isinstance(s.iter.func, gast.Name)
            and s.iter.func.id == "range" and 1 <= len(s.iter.args) <= 2
            and not s.iter.keywords):
        return False
    bound = s.iter.args[-1]
    if isinstance(bound, gast.Constant) and (type(bound.value) is not int
                                             or bound.value < _FEWEST_TRIPS):
        return False
    return _plain(s.body) and not _carried(s.body)


def _carried(body: list) -> bool:
    """Whether a statement reads a name the loop binds before any binding of it in
    the trip's order (a value carried from the trip before: a running sum, a state),
    the written arrays' own names aside (looked at again when the trip is rewritten;
    this is the cheap test that spares the shape facts of scalar loops)."""
    flat = _flat(body)
    bound_in_loop = {t.targets[0].id for t in flat}
    written = {t.value.args[0].id for t in flat if call_named(t.value, "setitem") and
               t.value.args and isinstance(t.value.args[0], gast.Name)}
    bound: set[str] = set()
    for t in flat:
        for n in name_nodes(t.value):
            if n.id in bound_in_loop and n.id not in bound and n.id not in written:
                return True
        bound.add(t.targets[0].id)
    return False


def _plain(body: list) -> bool:
    for s in body:
        if isinstance(s, gast.If):
            if not (_plain(s.body) and _plain(s.orelse)):
                return False
        elif not (isinstance(s, gast.Assign) and len(s.targets) == 1
                  and isinstance(s.targets[0], gast.Name)):
            return False
    return True


def _read_counts(node: gast.AST) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n in name_nodes(node):
        if isinstance(n.ctx, gast.Load):
            counts[n.id] = counts.get(n.id, 0) + 1
    return counts


def _rewrite_blocks(body: list, ctx: _Context) -> bool:
    """Replace each element loop of ``body`` (in place), looking into the others;
    whether one was."""
    k, changed = 0, False
    while k < len(body):
        s = body[k]
        if _candidate(s):
            new = _vectorized(s, ctx)
            if new is not None:
                body[k:k + 1] = new
                k += len(new)
                changed = True
                continue
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                changed = _rewrite_blocks(inner, ctx) or changed
        k += 1
    return changed


def _vectorized(loop: gast.For, ctx: _Context) -> list | None:
    """The statements that run every trip of ``loop`` at once, or None (kept)."""
    counter = loop.target.id
    inside = _read_counts(gast.Module(body=loop.body, type_ignores=[]))
    window = element_windows.find(loop, ctx.facts, inside, ctx.indices)
    body = loop.body if window is None else window.rest  # (the window's statements aside)
    bound = {t.id for t in _assigned(loop.body)}
    written = _written_arrays(body)
    if counter in bound or written is None or \
            not all(ctx.facts.rank(w) == 1 for w in written.values()):
        return None
    locals_ = bound - set(written.values()) - ({window.array} if window else set())
    if any(ctx.reads.get(n, 0) > inside.get(n, 0) for n in locals_ | {counter}):
        return None  # (a name the loop binds read after it: its last trip's value)
    locals_ = {t.id for t in _assigned(body)} - set(written) - set(written.values())
    if not all(ctx.facts.shapes.get(n) == () for n in locals_):
        return None
    counts: dict[str, int] = {}
    for t in _assigned(body):
        counts[t.id] = counts.get(t.id, 0) + 1
    trip = Trip(counter, ctx.facts, ctx.namer, ctx.namespace, written, counts,
                _trip_count(loop))
    try:
        trip.block(body, None)
        done = trip.finish(loop) if window is None else element_windows.emit(window, trip)
        return [arange_of(counter, loop)] + done
    except Keep:
        return None


def _assigned(body: list) -> list[gast.Name]:
    out = []
    for s in body:
        if isinstance(s, gast.If):
            out += _assigned(s.body) + _assigned(s.orelse)
        else:
            out.append(s.targets[0])
    return out


def _written_arrays(body: list) -> dict[str, str] | None:
    """``X = setitem(W, i, v)`` results -> ``W`` (each followed by ``W = X``, the only
    bindings of ``W`` in the loop); None where an array is rebound otherwise."""
    flat = _flat(body)
    results: dict[str, str] = {}
    for k, s in enumerate(flat):
        v = s.value
        if call_named(v, "setitem"):
            if not (len(v.args) == 3 and isinstance(v.args[0], gast.Name)
                    and k + 1 < len(flat) and isinstance(flat[k + 1].value, gast.Name)
                    and flat[k + 1].value.id == s.targets[0].id
                    and flat[k + 1].targets[0].id == v.args[0].id):
                return None
            results[s.targets[0].id] = v.args[0].id
    arrays = set(results.values())
    for s in flat:
        name = s.targets[0].id
        if name in arrays and not (isinstance(s.value, gast.Name)
                                   and s.value.id in results):
            return None
    return results


def _flat(body: list) -> list[gast.Assign]:
    out = []
    for s in body:
        out += _flat(s.body) + _flat(s.orelse) if isinstance(s, gast.If) else [s]
    return out


def _trip_count(loop: gast.For) -> str | None:
    """The name bounding a one- or two-bound ``range`` from a start of at least 0 (it is
    at least 1 in any trip: a safe divisor)."""
    args = loop.iter.args
    start_ok = len(args) == 1 or (isinstance(args[0], gast.Constant)
                                  and type(args[0].value) is int and args[0].value >= 0)
    return args[-1].id if start_ok and isinstance(args[-1], gast.Name) else None
