"""Part of the late pass ``share``: a value a block bound to a name, made again by a
later statement of the block, read through that name.

The reverse sweep of ``M = logA + logB[:, o] + beta`` sums ``dM`` down its rows twice,
once for ``beta``'s adjoint and once for the column of ``logB``'s, and the ``rows`` pass
writes both sums as ``np.ones(n) @ dM``: ``dbeta = np.ones(n) @ dM`` then ``dlogB[:, o]
+= np.ones(n) @ dM``, two products and two arrays of ones per trip of a time loop.  In
a block, after ``x = e`` (``e`` a pure operation, or a call of a ufunc or a reduction,
not reading ``x``; never a constructor's fresh array, which a later write may fill), a
later ``e`` of the block (the whole value or a part of one, same structure) reads ``x``
while nothing in between binds or writes into ``x`` or a name ``e`` reads (a nested loop
or branch counts as binding every name it binds; blocks nested in it are worked on
alone).  The numbers are the same: the same pure operations on the same values.

A value made first as a part of a statement and bound to a name only later (the
``recompute`` pass makes a branch flag ``cmp = abs(X[i] @ w - y[i]) <= delta`` and then
``r = X[i] @ w - y[i]``) has its binding moved up before that statement, when nothing
between them (that statement included) reads or binds ``r`` or binds a name ``e`` reads;
it is then read through ``r`` as above.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shared_products import bound_names
from s2sad.compiler.simplify import _pure
from s2sad.compiler.walks import nodes, structure

_WALKED = (gast.If, gast.For, gast.While)
_SIMPLE = (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)
_NEAR = 4  # statements looked back over for a value made as a part (a linear scan)
_MADE = (gast.Call, gast.BinOp)  # values worth reading through a name
# calls shared: a NumPy ufunc's or one of these reductions (never a constructor, whose
# fresh array a later write may fill: ``dA = zeros_like(x)`` and ``dB = zeros_like(x)``
# are two arrays)
_REDUCTIONS = (np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod, np.dot,
               np.matmul, np.vdot, np.inner, np.outer)


def share_values(body: list, namespace: dict) -> bool:
    """Rewrites every block of ``body`` in place; True if it changed."""
    made: dict[int, tuple | None] = {}  # id of a statement -> its :func:`_made`, while kept
    changed = _moved_up(body, namespace, made)
    seen: dict[tuple, tuple[str, frozenset]] = {}  # structure of e -> (x, names e reads)
    heads: set[tuple] = set()  # the heads (:func:`_head`) of the values seen, and of more
    for s in body:
        if isinstance(s, _WALKED):
            for field in ("body", "orelse"):
                changed |= share_values(getattr(s, field), namespace)
        elif seen and isinstance(s, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)) \
                and _read_through(s, seen, heads):
            changed = True
            made.pop(id(s), None)  # (its value changed: made again below)
        bound = bound_names(s)
        if seen and bound:
            seen = {k: v for k, v in seen.items() if v[0] not in bound and not v[1] & bound}
        found = made[id(s)] if id(s) in made else _made(s, namespace)
        if found is not None:
            seen.setdefault(*found)
            heads.add(_head(s.value))
    return changed


def _moved_up(block: list, namespace: dict, made: dict[int, tuple | None]) -> bool:
    """Each ``x = e`` moved up before an earlier statement of ``block`` (one of the
    ``_NEAR`` before it) of which ``e`` is a part, where that is right (see the module's
    docstring).  ``made``: each statement's :func:`_made` recorded (moving a statement
    changes none; the sharing after reads it again)."""
    changed = False
    for j in range(1, len(block)):
        made[id(block[j])] = found = _made(block[j], namespace)
        if found is None:
            continue
        key, (x, reads) = found
        head = type(block[j].value)
        for i in range(j - 1, max(j - _NEAR, 0) - 1, -1):
            s = block[i]
            if not isinstance(s, _SIMPLE) or _touches(s, x, reads):
                break
            if s.value is not None and any(type(n) is head and structure(n) == key
                                           for n in nodes(s.value)):
                block.insert(i, block.pop(j))
                changed = True
                break
    return changed


def _touches(s: gast.stmt, x: str, reads: frozenset) -> bool:
    """Whether ``s`` reads or binds ``x``, or binds a name ``reads`` holds."""
    bound = bound_names(s)
    return x in bound or bool(bound & reads) or \
        any(isinstance(n, gast.Name) and n.id == x for n in nodes(s))


def _made(s: gast.stmt, namespace: dict) -> tuple[tuple, tuple[str, frozenset]] | None:
    """(the structure of ``e``, (x, the names ``e`` reads)) of ``x = e`` worth sharing:
    an operation, or a call of a ufunc or a reduction."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, _MADE)):
        return None
    if isinstance(s.value, gast.Call) and not _computes(s.value, namespace):
        return None
    x = s.targets[0].id
    reads = frozenset(n.id for n in nodes(s.value) if isinstance(n, gast.Name))
    if x in reads or not _pure(s.value, namespace):
        return None
    return structure(s.value), (x, reads)


def _computes(call: gast.Call, namespace: dict) -> bool:
    fn = evaluate_ref(call.func, namespace)
    return isinstance(fn, np.ufunc) or any(fn is r for r in _REDUCTIONS)


def _read_through(s: gast.stmt, seen: dict, heads: set) -> bool:
    """Each part of ``s``'s value made already replaced by the name holding it.  A
    part's structure is made only when its head is among ``heads`` (equal structures
    have equal heads): a long expression's parts were each walked whole, under every
    one of their ancestors."""
    if s.value is None:
        return False
    if _shared(s.value, heads, seen):
        s.value = load(seen[structure(s.value)][0])
        return True
    changed = False
    for node in list(nodes(s.value)):
        for field, value in gast.iter_fields(node):
            if _shared(value, heads, seen):
                setattr(node, field, load(seen[structure(value)][0]))
                changed = True
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if _shared(item, heads, seen):
                        value[i] = load(seen[structure(item)][0])
                        changed = True
    return changed


def _shared(e: object, heads: set, seen: dict) -> bool:
    return isinstance(e, _MADE) and _head(e) in heads and structure(e) in seen


def _head(e: gast.expr) -> tuple:
    """A part of ``structure(e)`` cheap to make: the class, a BinOp's operator, a call's
    numbers of arguments and keywords."""
    if e.__class__ is gast.BinOp:
        return gast.BinOp, e.op.__class__
    return e.__class__, len(e.args), len(e.keywords)
