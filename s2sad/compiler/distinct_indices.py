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
_UPDATES = {fn.__name__ for fn in _INDEX_AT}


def distinct(arrays: list[gast.expr], body: list, namespace: dict,
             shapes: Callable[[], dims.Facts | None] | None) -> bool:
    """Whether an index whose parts other than numbers and basic slices are ``arrays``
    picks no element twice, by an ``arange`` among them (see the module)."""
    if not arrays or not all(isinstance(a, gast.Name) for a in arrays) or shapes is None:
        return False
    facts = shapes()
    if facts is None:
        return False
    made = {a.id: facts.defs.get(a.id, []) for a in arrays}  # (to look at aranges only)
    counting = [a for a in arrays if len(made[a.id]) == 1 and
                _arange(made[a.id][0], namespace) and _arange_index(a.id, body, namespace)]
    if not counting or len(arrays) == 1:  # (one index array: nothing broadcasts it)
        return bool(counting)
    shape = facts.of(counting[0])
    return all(dims.same(facts.of(a), shape) for a in arrays)


def _arange_index(name: str, body: list, namespace: dict) -> bool:
    """``name`` is bound once, to an ``np.arange`` of distinct positions >= 0, and read
    only as (a part of) an index."""
    made: list[gast.expr] = []
    allowed: set[int] = set()  # ids of the Name nodes read as an index
    stores, reads = 0, []
    for node in walk(gast.Module(body=body, type_ignores=[])):
        cls = node.__class__
        if cls is gast.Name and node.id == name:
            stores += isinstance(node.ctx, gast.Store)
            if isinstance(node.ctx, gast.Load):
                reads.append(node)
        elif cls is gast.Assign and any(
                isinstance(t, gast.Name) and t.id == name for t in node.targets):
            made.append(node.value)
        elif cls is gast.Subscript:
            allowed.update(map(id, _index_parts(node.slice)))
        elif cls is gast.BinOp:  # (arithmetic makes a new array: no alias of the arange)
            allowed.update((id(node.left), id(node.right)))
        elif cls is gast.Call and node.func.__class__ is gast.Name and \
                node.func.id in _UPDATES:  # (only a runtime update is looked up)
            at = _index_at(node.func, namespace)
            if at is not None and len(node.args) > at:
                allowed.update(map(id, _index_parts(node.args[at])))
    return stores == 1 and len(made) == 1 and _arange(made[0], namespace) and \
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
