"""Part of the late pass ``invariants``: a loop that adds, trip by trip, a number times a
matrix's column (or row) into one vector, done as one matrix-vector product::

    for j in range(X.shape[1]):                  z = z + X @ w
        z = z + w[j] * X[:, j]

(a score built feature by feature; a mixture of rows ``z = z + c[k] * B[k]`` is ``c @ B``).
The loop reads a strided column and makes two arrays a trip; the product reads ``X``
once, in BLAS.  ``sum_j w[j] * X[:, j]`` is ``X[:, J] @ w[J]`` over the counter's values
``J``: the same sums in another order (rounding may differ, as in :mod:`contractions`),
added to ``z`` once.

Only where it is proved: a ``range`` loop of one or two bounds (:func:`vector_loops.
loop_bounds`) whose body is reads of elements, columns or rows at the counter (``X_item =
X[:, j]``: arrays the loop does not bind) and one ``acc = acc + a * b`` (or ``a * b +
acc``, ``acc - a * b``) of such reads, one of them a number ``w[j]`` of a vector, the
other a column or a row of a matrix, with ``acc`` read nowhere else in the loop; the
counter and the reads not read after it; ``acc`` already of the column's shape (with no
trip it keeps its value and shape); ``acc`` and the matrix float64 and the vector real
(:mod:`dtypes`: ``@`` of the float64 matrix gives what the trips' float64 products
gave).  The counter's values index as a slice where the shapes prove it
(:mod:`counter_slices`), else by ``np.arange``.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import counter_slices, dims, dtypes
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import Namer, copy_origin, load, origin, store
from s2sad.compiler.vector_loops import loop_bounds
from s2sad.compiler.walks import name_nodes


def as_products(body: list, facts: dims.Facts, kinds: Callable[[], dict[str, str]],
                namer: Namer, after: dict | None = None) -> bool:
    """Each such loop of ``body``'s top level rewritten; whether one was (``kinds``:
    the :mod:`dtypes` of the body, worked out when a loop is a candidate; ``after``:
    the liveness of ``body`` as it is, when worked out already)."""
    after = {} if after is None else after
    changed = False
    for s in list(body):
        if s.__class__ is not gast.For:
            continue
        if not after:
            live_after(body, after)
        found = _summed(s, facts, after[id(s)])
        if found is not None and _real(found, kinds()):
            at = body.index(s)
            body[at:at + 1] = _product(s, found, facts, namer)
            changed = True
    return changed


class _Sum:
    """``acc = acc + number * vector`` of a loop: the statement and the two reads."""

    def __init__(self, stmt: gast.Assign, acc: str, number: gast.Subscript,
                 vector: gast.Subscript, column: bool) -> None:
        self.stmt, self.acc, self.number, self.vector = stmt, acc, number, vector
        self.column = column  # ``X[:, j]`` (else a row ``X[j]``)


def _summed(loop: gast.For, facts: dims.Facts, live: frozenset) -> _Sum | None:
    if loop.orelse or loop.target.__class__ is not gast.Name or \
            loop_bounds(loop) is None:
        return None
    e = loop.target.id
    reads: dict[str, gast.Subscript] = {}
    sums = []
    for s in loop.body:
        if s.__class__ is not gast.Assign or len(s.targets) != 1 or \
                s.targets[0].__class__ is not gast.Name or \
                getattr(s, "s2sad_slot", None) is not None:
            return None
        if _read(s.value, e, facts) is not None:
            reads[s.targets[0].id] = s.value
        else:
            sums.append(s)
    if len(sums) != 1 or live & (set(reads) | {e}):
        return None
    found = _accumulation(sums[0], e, reads, facts)
    if found is None or found.acc in reads or any(
            n.id == found.acc for s in loop.body if s is not found.stmt
            for n in name_nodes(s)) or any(
            n.id in reads or n.id == found.acc for r in reads.values() for n in name_nodes(r)):
        return None
    return found


def _read(v: gast.expr, e: str, facts: dims.Facts) -> str | None:
    """``"number"`` for ``w[e]`` of a vector, ``"column"`` for ``X[:, e]``, ``"row"`` for
    ``X[e]`` or ``X[e, :]`` of a matrix; None for anything else."""
    if v.__class__ is not gast.Subscript or v.value.__class__ is not gast.Name or \
            v.value.id == e:
        return None
    elts = v.slice.elts if v.slice.__class__ is gast.Tuple else [v.slice]
    if not all(x.__class__ is gast.Slice and x.lower is None and x.upper is None and
               x.step is None or x.__class__ is gast.Name and x.id == e for x in elts):
        return None
    axis = counter_slices.index_axis(v, e)
    rank = facts.rank_of(v.value)
    if axis is None or rank != len(elts) and not (rank == 2 and len(elts) == 1):
        return None
    if rank == 1:
        return "number"
    return None if rank != 2 else "column" if axis == 1 else "row"


def _accumulation(s: gast.Assign, e: str, reads: dict[str, gast.Subscript],
                  facts: dims.Facts) -> _Sum | None:
    """``acc = acc + a * b`` (``a * b + acc``, ``acc - a * b``) of a number and a
    column or row read at the counter."""
    acc, v = s.targets[0].id, s.value
    if v.__class__ is not gast.BinOp or v.op.__class__ not in (gast.Add, gast.Sub):
        return None
    sides = [v.left, v.right]
    if not (sides[0].__class__ is gast.Name and sides[0].id == acc) and \
            v.op.__class__ is gast.Add:
        sides.reverse()
    first, term = sides
    if first.__class__ is not gast.Name or first.id != acc or \
            term.__class__ is not gast.BinOp or term.op.__class__ is not gast.Mult:
        return None
    factors = [reads.get(f.id) if f.__class__ is gast.Name else f
               for f in (term.left, term.right)]
    kinds = [_read(f, e, facts) if f is not None else None for f in factors]
    if "number" not in kinds or not {"column", "row"} & set(kinds):
        return None
    number, vector = factors[kinds.index("number")], factors[1 - kinds.index("number")]
    assert number is not None and vector is not None  # (each a read: it has a kind)
    if acc in (number.value.id, vector.value.id):
        return None
    shape = facts.of(load(acc))
    if not isinstance(shape, tuple) or len(shape) != 1 or not dims.same(shape, facts.of(vector)):
        return None
    return _Sum(s, acc, number, vector, "column" in kinds)


def _real(found: _Sum, kinds: dict[str, str]) -> bool:
    return kinds.get(found.acc) == dtypes.F64 and \
        kinds.get(found.vector.value.id) == dtypes.F64 and \
        kinds.get(found.number.value.id) in (dtypes.F64, dtypes.REAL)


def _product(loop: gast.For, found: _Sum, facts: dims.Facts, namer: Namer) -> list:
    """``acc = acc + X[:, J] @ w[J]`` (``w[J] @ X[J]`` of rows) for the counter's values
    ``J``: a slice where proved, else ``e_all = np.arange(...)`` before it."""
    bounds = loop_bounds(loop)
    assert bounds is not None
    e = loop.target.id
    every = namer.fresh(e + "_all")
    operands = []
    for read in (found.vector, found.number):
        sub = counter_slices.sliced(read, e, bounds, facts)
        if sub is None:
            sub = gast.Subscript(value=read.value, slice=_renamed(read.slice, e, every),
                                 ctx=gast.Load())
        operands.append(sub)
    if not found.column:
        operands.reverse()
    product = gast.BinOp(left=operands[0], op=gast.MatMult(), right=operands[1])
    stmt = found.stmt
    sign = stmt.value.op if stmt.value.op.__class__ is gast.Sub else gast.Add()
    total = gast.Assign(targets=[store(found.acc)], value=gast.BinOp(
        left=load(found.acc), op=sign, right=product), type_comment=None)
    gast.copy_location(total, stmt)
    copy_origin(total, stmt)
    if not counter_slices.reads_counter([total], every):
        return [total]
    first = gast.Assign(targets=[store(every)], value=counter_slices.arange(bounds),
                        type_comment=None)
    gast.copy_location(first, loop)
    copy_origin(first, stmt if origin(loop) is None else loop)
    return [first, total]


def _renamed(index: gast.expr, e: str, every: str) -> gast.expr:
    if index.__class__ is gast.Name and index.id == e:
        return load(every)
    if index.__class__ is gast.Tuple:
        return gast.Tuple(elts=[_renamed(x, e, every) for x in index.elts], ctx=gast.Load())
    return index
