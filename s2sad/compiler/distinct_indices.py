"""Index tuples holding index arrays that still pick no element twice, for the late pass
``ownership`` (:mod:`inline_writes`): the adjoint of a gather at such an index is a
plain write, ``d = zeros_like(x)`` then ``d[idx] = e`` (or ``d[idx] += e``), not a
scatter-add (``np.add.at`` or a bincount, with its bounds checks: ten times the time
on the rows of a batch).

The pattern is cross-entropy's ``logp[np.arange(n), labels]``: one part is a name bound
once to ``np.arange(stop)`` (or ``np.arange(start, stop[, step])`` with a start of an
int literal >= 0 and a step of one > 0: distinct positions, none negative, so none two
spellings of one place), read nowhere but as an index (so no alias writes into it).
Every other part is a number, a basic slice, or an index array whose shape the shape
facts prove equal to that of the ``arange`` (from the call's arguments: a ``labels``
as long as the batch) (so broadcasting spreads no ``arange``
value over two elements): each element picked then has its own ``arange`` value, and
the positions are distinct.  Anything else is left to ``add_at``.
"""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import walk

# in-place runtime updates -> the position of their index argument
_INDEX_AT = {runtime.add_at: 2, runtime.write_at: 1, runtime.clear_at: 1,
             runtime.setitem: 1, runtime.zero_at: 1}


def distinct(arrays: list[gast.expr], body: list, namespace: dict,
             shapes: Callable[[], dims.Facts | None] | None) -> bool:
    """Whether an index whose parts other than numbers and basic slices are ``arrays``
    picks no element twice, by an ``arange`` among them (see the module)."""
    if not arrays or not all(isinstance(a, gast.Name) for a in arrays):
        return False
    counting = [a for a in arrays if _arange_index(a.id, body, namespace)]
    if not counting or len(arrays) == 1:  # (one index array: nothing broadcasts it)
        return bool(counting)
    facts = shapes() if shapes is not None else None
    if facts is None:
        return False
    shape = facts.of(counting[0])
    return all(dims.same(facts.of(a), shape) for a in arrays)


def _arange_index(name: str, body: list, namespace: dict) -> bool:
    """``name`` is bound once, to an ``np.arange`` of distinct positions >= 0, and read
    only as (a part of) an index."""
    tree = gast.Module(body=body, type_ignores=[])
    made: list[gast.expr] = []
    allowed: set[int] = set()  # ids of the Name nodes read as an index
    for node in walk(tree):
        if isinstance(node, gast.Assign) and any(
                isinstance(t, gast.Name) and t.id == name for t in node.targets):
            made.append(node.value)
        elif isinstance(node, gast.Subscript):
            allowed.update(map(id, _index_parts(node.slice)))
        elif isinstance(node, gast.Call):
            at = _index_at(node.func, namespace)
            if at is not None and len(node.args) > at:
                allowed.update(map(id, _index_parts(node.args[at])))
    uses = [n for n in walk(tree) if isinstance(n, gast.Name) and n.id == name]
    stores = [n for n in uses if isinstance(n.ctx, gast.Store)]
    reads = [n for n in uses if isinstance(n.ctx, gast.Load)]
    return len(stores) == 1 and len(made) == 1 and _arange(made[0], namespace) and \
        all(id(n) in allowed for n in reads)


def _index_parts(idx: gast.expr) -> list[gast.expr]:
    return list(idx.elts) if isinstance(idx, gast.Tuple) else [idx]


def _index_at(func: gast.expr, namespace: dict) -> int | None:
    """The position of the index argument of a runtime update ``func`` names, or None."""
    try:
        return _INDEX_AT.get(evaluate_ref(func, namespace))
    except TypeError:  # (an unhashable callee: no runtime update)
        return None


def _arange(e: gast.expr, namespace: dict) -> bool:
    """``np.arange(stop)``, or with a start of an int literal >= 0 and a step of one > 0."""
    if not (isinstance(e, gast.Call) and not e.keywords and 1 <= len(e.args) <= 3 and
            evaluate_ref(e.func, namespace) is np.arange):
        return False
    start = e.args[0] if len(e.args) > 1 else None
    step = e.args[2] if len(e.args) > 2 else None
    return (start is None or _int_literal(start) >= 0) and \
        (step is None or _int_literal(step) > 0)


def _int_literal(e: gast.expr) -> int:
    """The int a literal holds; -1 for anything else."""
    if isinstance(e, gast.Constant) and type(e.value) is int:
        return e.value
    return -1
