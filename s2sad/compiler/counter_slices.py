"""A loop counter's every value at once as a slice, where the shapes prove the slice
takes the same elements: for the passes that run a ``range`` loop for all trips at once
(:mod:`vector_loops`, :mod:`column_sums`).

With ``e_all = np.arange(k, n)``, ``X[:, e_all]`` gathers the columns ``k .. n - 1`` into
a new matrix (a copy of ``X`` when they are all of them).  Where ``X``'s axis is proved
``n`` long, ``X[:, k:]`` is the same columns as a view, and ``X`` itself when ``k`` is 0:
no copy.  Only an index that is the counter itself, alone among plain slices and ints
(``X[:, e]``, ``w[e]``, ``A[2, e]``: basic indexing, the counter's axis where it
stands); ``K[e, e]`` or ``x[e + 1]`` keep the ``arange``.  The proof is a fact of the
variant (the shape class of the call: ``w`` of ``X.shape[1]`` elements): an index out of
range raised in the loop and raises alike with the ``arange``; with a slice it cannot
happen.
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import load
from s2sad.compiler.walks import nodes


def whole_axis(shape: object, axis: int, bounds: list, facts: dims.Facts) -> bool:
    """Whether axis ``axis`` of ``shape`` is proved as long as the range's stop."""
    if not isinstance(shape, tuple) or not 0 <= axis < len(shape) or shape[axis] is None:
        return False
    return facts.size(bounds[-1]) == shape[axis]


def counter_slice(bounds: list) -> gast.Slice:
    """``k:`` of ``range(k, n)`` (``:`` of ``range(n)`` or ``range(0, n)``)."""
    start = bounds[0] if len(bounds) == 2 else None
    if isinstance(start, gast.Constant) and start.value == 0:
        start = None
    return gast.Slice(lower=start, upper=None, step=None)


def index_axis(sub: gast.Subscript, e: str) -> int | None:
    """The axis the counter ``e`` indexes in ``sub``, when it is the only index that is
    not a plain slice or an int literal."""
    elts = sub.slice.elts if isinstance(sub.slice, gast.Tuple) else [sub.slice]
    at = [i for i, x in enumerate(elts) if isinstance(x, gast.Name) and x.id == e]
    if len(at) != 1:
        return None
    plain = all(i == at[0] or isinstance(x, gast.Slice) or
                isinstance(x, gast.Constant) and type(x.value) is int
                for i, x in enumerate(elts))
    return at[0] if plain else None


def sliced(sub: gast.Subscript, e: str, bounds: list, facts: dims.Facts) -> gast.expr | None:
    """``sub`` with the counter ``e`` as the slice of all its values (the array itself
    where that leaves nothing but ``:``), or None when not proved the same."""
    axis = index_axis(sub, e)
    if axis is None or not whole_axis(facts.of(sub.value), axis, bounds, facts):
        return None
    elts = list(sub.slice.elts) if isinstance(sub.slice, gast.Tuple) else [sub.slice]
    elts[axis] = counter_slice(bounds)
    if all(isinstance(x, gast.Slice) and x.lower is None and x.upper is None and
           x.step is None for x in elts):
        return sub.value
    index = elts[0] if len(elts) == 1 else gast.Tuple(elts=elts, ctx=gast.Load())
    return gast.Subscript(value=sub.value, slice=index, ctx=sub.ctx)


def slice_reads(stmts: list, e: str, bounds: list, facts: dims.Facts) -> None:
    """Each read ``A[.., e, ..]`` of ``stmts`` proved to take the slice's elements
    written with the slice (in place)."""
    for node in [n for s in stmts for n in nodes(s)]:
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.Subscript) and isinstance(value.ctx, gast.Load):
                new = sliced(value, e, bounds, facts)
                if new is not None:
                    setattr(node, field, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, gast.Subscript) and isinstance(item.ctx, gast.Load):
                        new = sliced(item, e, bounds, facts)
                        if new is not None:
                            value[i] = new


def arange(bounds: list) -> gast.Call:
    """``np.arange(...)`` of the loop's bounds: every counter value, for what a slice
    cannot stand for."""
    return gast.Call(func=gast.Attribute(value=load("np"), attr="arange", ctx=gast.Load()),
                     args=list(bounds), keywords=[])


def reads_counter(stmts: list, e: str) -> bool:
    return any(isinstance(n, gast.Name) and n.id == e for s in stmts for n in nodes(s))

