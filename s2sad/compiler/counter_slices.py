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

An element of a matrix at a row that is the same every trip (``u[i, j_all]``, ``i`` an
outer counter) is taken as the row's element (``u[i][j_all]``, ``u[i][1:]``: NumPy's
mixed int-and-array indexing costs ~4x the row's); writes, clears and adds at the
counter likewise as slices where the shapes prove it (:func:`slice_writes`).
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler import dims, shape_defs
from s2sad.compiler.names import load, np_attr, store
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


def slice_reads(stmts: list, e: str, bounds: list, facts: dims.Facts,
                keep: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Each read ``A[.., e, ..]`` of ``stmts`` proved to take the slice's elements
    written with the slice (in place); but of the arrays ``keep`` (written in the loop:
    a view would see the write)."""
    for node in [n for s in stmts for n in nodes(s)]:
        for field, value in gast.iter_fields(node):
            if _read(value, keep):
                new = sliced(value, e, bounds, facts)
                if new is not None:
                    setattr(node, field, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if _read(item, keep):
                        new = sliced(item, e, bounds, facts)
                        if new is not None:
                            value[i] = new


def _read(value: object, keep: set[str]) -> bool:
    return isinstance(value, gast.Subscript) and isinstance(value.ctx, gast.Load) and \
        not (isinstance(value.value, gast.Name) and value.value.id in keep)


def arange(bounds: list) -> gast.Call:
    """``np.arange(...)`` of the loop's bounds: every counter value, for what a slice
    cannot stand for."""
    return gast.Call(func=np_attr("arange"),
                     args=list(bounds), keywords=[])


def reads_counter(stmts: list, e: str) -> bool:
    return any(isinstance(n, gast.Name) and n.id == e for s in stmts for n in nodes(s))


def rows_taken(stmts: list, inside: Counter, facts: dims.Facts, cleared: set[str]) -> None:
    """``u[i, j_all]`` of an int ``i`` the loop does not bind as ``u[i][j_all]``: the same
    elements (an int index, a view of a row, then the trips' elements of it), without
    NumPy's slower path for ints mixed with an index array (~4x a trip); of an array
    the loop clears, ``np.copy(u[i][j_all])`` (what a later pass sees as no view of
    ``u``: cleared in place)."""
    for node in nodes(stmts):
        for field, value in gast.iter_fields(node):
            if value.__class__ is gast.Subscript:
                setattr(node, field, _row_taken(value, inside, facts, cleared))
            elif value.__class__ is list:
                value[:] = [_row_taken(v, inside, facts, cleared)
                            if v.__class__ is gast.Subscript else v for v in value]


def _row_taken(sub: gast.Subscript, inside: Counter, facts: dims.Facts,
               cleared: set[str]) -> gast.expr:
    if sub.slice.__class__ is not gast.Tuple or sub.value.__class__ is not gast.Name or \
            _rank(facts.of(sub.value)) != len(sub.slice.elts):
        return sub
    elts = sub.slice.elts
    k = 0
    while k < len(elts) - 1 and (
            elts[k].__class__ is gast.Constant and type(elts[k].value) is int or
            elts[k].__class__ is gast.Name and elts[k].id not in inside and
            _int_name(elts[k].id, facts)):
        k += 1
    if not k:
        return sub
    row = gast.Subscript(value=sub.value, slice=elts[0] if k == 1 else gast.Tuple(
        elts=elts[:k], ctx=gast.Load()), ctx=gast.Load())
    rest = elts[k:]
    taken = gast.Subscript(value=row, slice=rest[0] if len(rest) == 1 else
                           gast.Tuple(elts=rest, ctx=gast.Load()), ctx=sub.ctx)
    if sub.value.id not in cleared or sub.ctx.__class__ is not gast.Load:
        return taken
    return gast.Call(func=np_attr("copy"),
                     args=[taken], keywords=[])


def slice_writes(stmts: list, e: str, bounds: list, facts: dims.Facts) -> None:
    """Adds, clears and writes at the counter where the shapes prove its slice takes the
    same elements (``dx[i][1:] += g``, ``clear_at(du, (i, slice(1, None)))``): basic
    indexing, no index array."""
    for s in stmts:
        if s.__class__ is gast.AugAssign and s.target.__class__ is gast.Subscript:
            new = sliced(s.target, e, bounds, facts)
            if isinstance(new, gast.Name):
                s.target = store(new.id)
            elif new is not None:
                new.ctx = gast.Store()
                s.target = new
        elif s.__class__ is gast.Assign and s.value.__class__ is gast.Call and \
                len(s.value.args) in (2, 3) and s.value.args[0].__class__ is gast.Name:
            index = s.value.args[1]
            elts = index.elts if index.__class__ is gast.Tuple else [index]
            at = [k for k, x in enumerate(elts) if x.__class__ is gast.Name and x.id == e]
            if len(at) == 1 and whole_axis(
                    facts.of(s.value.args[0]), at[0], bounds, facts):
                whole = counter_slice(bounds)
                elts[at[0]] = gast.Call(func=load("slice"), args=[
                    whole.lower or gast.Constant(value=None, kind=None),
                    gast.Constant(value=None, kind=None)], keywords=[])
                if index.__class__ is not gast.Tuple:
                    s.value.args[1] = elts[0]


def _int_name(name: str, facts: dims.Facts, seen: frozenset = frozenset()) -> bool:
    """Every definition of ``name`` a ``range`` counter, or one plus or minus an int."""
    defs = facts.defs.get(name) or []
    return bool(defs) and name not in seen and all(
        v is shape_defs.COUNTER or v.__class__ is gast.BinOp and
        v.op.__class__ in (gast.Add, gast.Sub) and v.left.__class__ is gast.Name and
        v.right.__class__ is gast.Constant and type(v.right.value) is int and
        _int_name(v.left.id, facts, seen | {name}) for v in defs)


def _rank(shape: object) -> int | None:
    return len(shape) if isinstance(shape, tuple) else None
