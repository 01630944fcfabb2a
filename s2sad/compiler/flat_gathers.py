"""Part of the late pass ``accumulate``: a gather by one index array per axis whose
adjoint is scattered at the same index works the elements' flat positions out once.

``v = img[y0, x0]`` (bilinear sampling, a lookup table of two keys) makes NumPy check
and combine the two index arrays at the gather, and the adjoint ``dimg = add_at(dimg,
None, (y0, x0), g)`` (a bincount over flat positions) works them out and checks them
again; an image warp gathers four such corners.  Here

    img_at = flat_index(img, (y0, x0))
    v = take_flat(img, img_at)
    ...
    dimg = add_flat(dimg, None, img_at, g)

(:mod:`s2sad.runtime.flat_gathers`: where the index is not one integer array per axis,
the helpers index and scatter as before).  Only where a statement always makes the
gather ``x[i, j]`` (not in a branch of ``a if c else b``: the positions are worked out
in front of it), the one gather at that index in the function, every ``add_at`` at it
is a statement of the same block after it scattering into an adjoint of ``x``
(``add_at(d, x, ..)`` or ``add_at(d, None, ..)``), and ``x`` and each index name are
bound at most once and never written into (run after ``ownership``: a name read later
holds its value), so the positions of the gather are those of every scatter.
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad import runtime
from s2sad.compiler.names import assign, copy_origin, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import always_evaluated
from s2sad.compiler.walks import nodes

_IN_PLACE = (runtime.write_at, runtime.clear_at, runtime.add_at)
_IN_PLACE_NAMES = {fn.__name__ for fn in _IN_PLACE}


def by_flat_positions(body: list, namespace: dict, namer) -> bool:
    """Rewrites ``body`` in place; True if it changed."""
    scatters = [n for n in nodes(body) if _scatter(n, namespace) is not None]
    if not scatters:
        return False
    keys = Counter(_key(n.slice) for n in nodes(body) if isinstance(n, gast.Subscript) and
                   isinstance(n.ctx, gast.Load))
    keys.update(("scattered",) + (_scatter(n, namespace) or ()) for n in scatters)
    fixed = _fixed_names(body, namespace)
    return _block(body, namespace, namer, keys, fixed)


def _block(stmts: list, namespace: dict, namer, keys: Counter, fixed: set[str]) -> bool:
    """``keys``: how many gathers the function makes at each index, and (keyed
    ``("scattered", *names)``) how many scatters."""
    changed = False
    k = 0
    while k < len(stmts):
        s = stmts[k]
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                changed |= _block(getattr(s, field), namespace, namer, keys, fixed)
        key = _gather(s)
        if key is not None and keys[key[1]] == 1 and {key[0], *key[1]} <= fixed and \
                _rewrite(stmts, k, key, namespace, namer, keys):
            changed = True
            k += 1  # (the positions' statement went in front of it)
        k += 1
    return changed


def _rewrite(stmts: list, k: int, key: tuple, namespace: dict, namer, keys: Counter
             ) -> bool:
    """The gather ``stmts[k]`` and the scatters after it at its index by positions;
    False (nothing done) where a scatter at the index is elsewhere or of another array."""
    x, parts, node = key
    later = [s.value for s in stmts[k + 1:] if isinstance(s, gast.Assign) and
             _scatter(s.value, namespace) == parts]  # (statements of the block)
    if not later or len(later) != keys[("scattered",) + parts] or \
            not all(_of(c.args[1], x) for c in later):
        return False  # (a scatter at the index elsewhere, or into another adjoint)
    at = namer.fresh(f"{x}_at")
    gather = stmts[k]
    index = gast.Tuple(elts=[load(p) for p in parts], ctx=gast.Load())
    made = assign(at, gast.Call(func=load("flat_index"), args=[load(x), index], keywords=[]))
    _replace(gather, node, gast.Call(func=load("take_flat"), args=[load(x), load(at)],
                                     keywords=[]))
    for call in later:
        call.func, call.args[2] = load("add_flat"), load(at)
    stmts.insert(k, copy_origin(made, gather))
    return True


def _gather(s: gast.stmt) -> tuple | None:
    """(``x``, the index names, the node) of the first gather ``x[i, j, ...]`` by two or
    more names that the statement ``s`` always makes, or None."""
    if not isinstance(s, (gast.Assign, gast.AugAssign, gast.Return)) or s.value is None:
        return None
    for n in always_evaluated(s.value):
        if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and \
                isinstance(n.ctx, gast.Load) and _key(n.slice):
            return n.value.id, _key(n.slice), n
    return None


def _replace(s: gast.stmt, old: gast.expr, new: gast.expr) -> None:
    """The node ``old`` of the statement ``s`` replaced by ``new``."""
    for parent in nodes([s]):
        for field, value in gast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
            elif isinstance(value, list) and any(v is old for v in value):
                value[[id(v) for v in value].index(id(old))] = new


def _key(idx: gast.expr) -> tuple:
    """The names of an index of two or more names, else ()."""
    if isinstance(idx, gast.Tuple) and len(idx.elts) >= 2 and \
            all(isinstance(e, gast.Name) for e in idx.elts):
        return tuple(e.id for e in idx.elts)
    return ()


def _scatter(n: object, namespace: dict) -> tuple | None:
    """The index names of ``add_at(acc, x, (i, j, ...), g)``, or None."""
    if isinstance(n, gast.Call) and len(n.args) == 4 and not n.keywords and \
            isinstance(n.func, gast.Name) and n.func.id == "add_at" and \
            evaluate_ref(n.func, namespace) is runtime.add_at:
        return _key(n.args[2]) or None
    return None


def _of(e: gast.expr, x: str) -> bool:
    """``add_at``'s second argument for a scatter into the adjoint of ``x``."""
    return isinstance(e, gast.Constant) and e.value is None or \
        isinstance(e, gast.Name) and e.id == x


def _fixed_names(body: list, namespace: dict) -> set[str]:
    """The names bound at most once and never written into."""
    stores: Counter = Counter()
    written, reads = set(), set()
    for n in nodes(body):
        cls = n.__class__
        if cls is gast.Name:
            reads.add(n.id)
            if not isinstance(n.ctx, gast.Load):
                stores[n.id] += 1
        elif cls is gast.Subscript and isinstance(n.ctx, gast.Store) and \
                isinstance(n.value, gast.Name):
            written.add(n.value.id)
        elif cls is gast.AugAssign and isinstance(n.target, gast.Name):
            written.add(n.target.id)
        elif cls is gast.Call and n.args and isinstance(n.args[0], gast.Name) and \
                isinstance(n.func, gast.Name) and n.func.id in _IN_PLACE_NAMES and \
                any(evaluate_ref(n.func, namespace) is f for f in _IN_PLACE):
            written.add(n.args[0].id)
    return {name for name in reads if stores[name] <= 1} - written
