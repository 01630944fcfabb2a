"""Part of the late pass ``share``: a product of ``np.sin(y)`` and ``np.cos(y)`` taken
for it alone is half of ``np.sin(2 * y)``: one transcendental call instead of two.

The adjoint of ``np.sin(y) ** 2`` (an energy, a pendulum's potential) is ``2 * g *
sin(y) * cos(y)``; with the sine taken in the forward sweep for that adjoint only
(``grad`` does not compute the value it does not return), the gradient takes a sine and a
cosine of the whole array where a hand-written one takes ``np.sin(2 * y)``.  NumPy's
float64 sine and cosine are scalar libm calls (about 7 ns an element, many times a
multiply), so the second call is most of such a gradient's elementwise time.

A product (of ``*`` alone) in a statement's value with a factor ``np.sin(y)`` and one
``np.cos(y)`` (each a call there, or a name bound to one by a statement of the same
block and read nowhere else), where the function takes ``sin(y)`` and ``cos(y)``
nowhere else (so nothing else needs either; ``transcendentals``' double angles, the
reverse rewrite, stays off) and ``y`` is a name bound at most once, becomes the product
of the other factors and ``0.5 * np.sin(2.0 * y)`` (the half folded into a leading
number, exactly).  ``2.0 * y`` is exact in binary floating point; ``sin(2y)`` correctly
rounded and the product of two rounded values are within a few ulps of each other. The
bindings no longer read go.
"""
from __future__ import annotations

from collections import Counter

import gast
import numpy as np

from s2sad.compiler.names import const, load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes, nodes

_PAIR = (np.sin, np.cos)


def halve_products(body: list, namespace: dict) -> bool:
    """Rewrites ``body`` in place, every block of it; True if it changed."""
    calls = [(n, fn) for n in nodes_of(body, (gast.Call,))
             if (fn := _trig(n, namespace)) is not None]
    if not calls:
        return False
    takes = Counter((fn, n.args[0].id) for n, fn in calls)
    stores = Counter(n.id for n in name_nodes(body) if not isinstance(n.ctx, gast.Load))
    reads = Counter(n.id for n in name_nodes(body) if isinstance(n.ctx, gast.Load))
    return _block(body, namespace, takes, stores, reads)


def _block(stmts: list, namespace: dict, takes: Counter, stores: Counter,
           reads: Counter) -> bool:
    """The products of this block and of the blocks nested in it rewritten."""
    changed = False
    bound = {s.targets[0].id: s for s in stmts if _binding(s, namespace, stores, reads)}
    for s in list(stmts):
        if isinstance(s, (gast.Assign, gast.AugAssign, gast.Return)) and s.value is not None:
            gone = _rewrite(s, namespace, bound, takes, stores)
            if gone is not None:
                stmts[:] = [t for t in stmts if not any(t is b for b in gone)]
                changed = True
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                changed |= _block(getattr(s, field), namespace, takes, stores, reads)
    return changed


def _binding(s: gast.stmt, namespace: dict, stores: Counter, reads: Counter) -> bool:
    """``s`` binds a name, once and read once, to ``np.sin(y)`` or ``np.cos(y)``."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1 and \
        reads[s.targets[0].id] == 1 and _trig(s.value, namespace) is not None


def _rewrite(s: gast.stmt, namespace: dict, bound: dict, takes: Counter,
             stores: Counter) -> list | None:
    """The first product of ``s`` with a sine and a cosine of one ``y`` halved; the
    bindings it read those through (to go now), or None where none was."""
    for product in [n for n in nodes([s.value]) if _is_product(n)]:
        factors = _factors(product)
        found = _pair(factors, namespace, bound, takes, stores)
        if found is None:
            continue
        sine, cosine, y, func = found
        rest = [f for f in factors if f is not sine and f is not cosine]
        doubled = gast.Call(func=func, args=[gast.BinOp(left=const(2.0), op=gast.Mult(),
                                                        right=load(y))], keywords=[])
        new = _times(rest, doubled)
        product.left, product.op, product.right = new.left, new.op, new.right
        return [bound[f.id] for f in (sine, cosine) if isinstance(f, gast.Name)]
    return None


def _pair(factors: list, namespace: dict, bound: dict, takes: Counter, stores: Counter
          ) -> tuple | None:
    """(the sine factor, the cosine factor, ``y``, the ``np.sin`` reference) of one
    ``y`` taken nowhere else, or None."""
    seen: dict[tuple, gast.expr] = {}
    for f in factors:
        call = bound[f.id].value if isinstance(f, gast.Name) and f.id in bound else f
        fn = _trig(call, namespace)
        if fn is not None:
            seen.setdefault((fn, call.args[0].id), f)
            y = call.args[0].id
            if len({(np.sin, y), (np.cos, y)} & set(seen)) == 2 and stores[y] <= 1 and \
                    takes[np.sin, y] == 1 and takes[np.cos, y] == 1:
                sine, cosine = seen[np.sin, y], seen[np.cos, y]
                ref = (bound[sine.id].value if isinstance(sine, gast.Name) else sine).func
                return sine, cosine, y, clone(ref)
    return None


def _times(rest: list, doubled: gast.expr) -> gast.BinOp:
    """``rest`` times ``0.5 * doubled``, the half folded into a leading number."""
    if rest and isinstance(rest[0], gast.Constant) and type(rest[0].value) in (int, float):
        rest = [const(rest[0].value * 0.5)] + rest[1:]
    else:
        rest = [const(0.5)] + rest
    out: gast.expr = rest[0]
    for f in rest[1:] + [doubled]:
        out = gast.BinOp(left=out, op=gast.Mult(), right=f)
    assert isinstance(out, gast.BinOp)
    return out


def _is_product(n: object) -> bool:
    return isinstance(n, gast.BinOp) and isinstance(n.op, gast.Mult)


def _factors(e: gast.expr) -> list:
    """The factors of a product of ``*`` alone, left to right."""
    if _is_product(e):
        return _factors(e.left) + _factors(e.right)
    return [e]


def _trig(e: object, namespace: dict) -> object:
    """``np.sin`` or ``np.cos`` where ``e`` calls it on a name, else None."""
    if not (isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords and
            isinstance(e.args[0], gast.Name)):
        return None
    fn = evaluate_ref(e.func, namespace)
    return fn if any(fn is f for f in _PAIR) else None
