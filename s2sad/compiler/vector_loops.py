"""Part of the late pass ``invariants``: a loop whose trips are independent, each reading
elements and adding one number into its own element of an adjoint, run for all trips at
once as array operations over the counter.

The reverse of an element loop that scatters into an array (a stiffness matrix assembled
element by element, ``K[e, e + 1] -= k``) gathers: ``dk = dK[e + 1, e + 1] - dK[e + 1, e]
- ...; dE[e] += dk * n``, a trip per element, each a few NumPy scalar operations
(~0.1 us each).  No trip reads what another writes, so with ``e = np.arange(n)`` the same
statements gather every trip's elements at once, and ``dE[0:n] += dk * n`` adds them:
the same IEEE operations on the same numbers, element by element.

Only where it is proved: a ``range`` loop of one or two bounds (its counter and every
name the body binds not read after it, nor read in a trip before the trip binds it); a
body of assignments of ``+``, ``-``, ``*`` and negation (no division: Python's floats
raise where NumPy's give inf) of literals, numbers bound outside the loop (shape ``()``),
names the body bound, and elements ``a[i, j]`` of arrays of known rank the loop does not
write, at indices of the same kinds; adding by ``d = add_at(d, None, e, v)`` into vectors
``d`` at the counter itself, read nowhere else in the loop; the counter from ``range(n)``
or ``range(k, n)`` of a literal ``k >= 0``: distinct trips add into distinct elements,
so ``d[e_all] += v`` adds as the trips did (an index out of range raises alike).

The same for the trips of a stencil, here or nested in a time loop: a trip may add at
its counter plus a literal (``d = add_at(d, None, k, v)`` with ``k = e - 1``, never
negative from the range's start: no ``d[-1]`` that is also ``d[n - 1]``), each statement
into distinct elements (the sums of one element taken in another order: the same
derivative to rounding); read its own element of an adjoint and clear it (``g = du[e];
du = zero_at(du, e)``, ``du`` read nowhere else in the loop); or write its own element
(``u = setitem(u, k, v)``, once a trip, ``u`` not read in the loop: the forward sweep of
``u[i] = un[i] + c * (un[i + 1] - ...)``).

A trip may also read a matrix's column ``col = X[:, e]`` (``X`` not written in the loop)
and contract it with a vector ``u`` bound outside, ``u @ col``: the reverse of a score
built feature by feature, ``z = z + w[j] * X[:, j]``.  At once that is ``u @ X[:,
e_all]``, one matrix-vector product for all trips (its sums in BLAS's order: the same
derivative to rounding, not the same operations); a column used any other way keeps
the loop.  A row ``X[e]`` likewise: ``X[e_all] @ u`` at once (the rows' axis first, the
product's operands in that order, whichever order the trip had).
"""
from __future__ import annotations

from collections import Counter

import gast

from s2sad import runtime
from s2sad.compiler import counter_slices, dims, shape_classes
from s2sad.compiler.liveness import exposed, live_after
from s2sad.compiler.names import Namer, copy_origin, load, np_attr, origin, store
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes, nodes

_OPS = (gast.Add, gast.Sub, gast.Mult)


def vectorise(body: list, facts: dims.Facts, namer: Namer, after: dict | None = None
              ) -> bool:
    """Each such loop of ``body``'s top level rewritten; whether one was (of a real
    program only: ``add_at`` takes a complex value's real part); ``after``: the liveness
    of ``body`` as it is, when worked out already (else worked out here, and left there
    where no loop was rewritten)."""
    after = {} if after is None else after
    if not after:
        live_after(body, after)
    if _vectorise_in(body, body, facts, namer, after, False):
        after.clear()  # (not the liveness of the body as it is now)
        return True
    return False


def _vectorise_in(stmts: list, body: list, facts: dims.Facts, namer: Namer,
                  after: dict[int, frozenset], nested: bool) -> bool:
    """The loops of ``stmts`` and of the blocks nested in them (an element loop inside
    a time loop: a stencil's sweep per step), there only a loop proved long (a few
    trips, the lags of an AR model or the three coordinates of a point, run faster
    trip by trip than as array operations, whose overhead each outer trip pays)."""
    changed = False
    for s in list(stmts):
        if s.__class__ is gast.For and _independent(s, facts, after[id(s)]) and (
                not nested or _long(s, facts)):
            at = stmts.index(s)
            stmts[at:at + 1] = _at_once(s, body, facts, namer)
            changed = True
        elif s.__class__ in (gast.For, gast.While, gast.If):
            inner = nested or s.__class__ is not gast.If
            changed |= _vectorise_in(s.body, body, facts, namer, after, inner)
            changed |= _vectorise_in(s.orelse, body, facts, namer, after, inner)
    return changed


def _long(loop: gast.For, facts: dims.Facts) -> bool:
    bounds = loop_bounds(loop)
    return bounds is not None and shape_classes.long(facts.size(bounds[-1]))


def loop_bounds(loop: gast.For) -> list | None:
    """The bounds of ``range(n)`` or ``range(k, n)`` of a literal ``k >= 0`` (or of
    ``reversed`` of one): counters distinct and not negative, elements apart."""
    it = loop.iter
    if _called(it, "reversed") and len(it.args) == 1:
        it = it.args[0]
    if not _called(it, "range") or len(it.args) not in (1, 2) or len(it.args) == 2 and not (
            it.args[0].__class__ is gast.Constant and type(it.args[0].value) is int and
            it.args[0].value >= 0):
        return None
    return it.args


def _called(e: gast.expr, name: str) -> bool:
    return e.__class__ is gast.Call and e.func.__class__ is gast.Name and \
        e.func.id == name and not e.keywords


def _independent(loop: gast.For, facts: dims.Facts, live: frozenset) -> bool:
    if loop.orelse or loop.target.__class__ is not gast.Name or loop_bounds(loop) is None or \
            not loop.body:
        return False
    e = loop.target.id
    bound = {e}
    columns: set[str] = set()  # names of ``X[:, e]``: a column a trip, a matrix at once
    sums: set[str] = set()
    kept: dict[str, tuple[str, str]] = {}  # cleared or written at the counter: how, where
    at = _Elements(e, _first(loop), bound, facts)
    for s in loop.body:
        if s.__class__ is not gast.Assign or len(s.targets) != 1 or \
                s.targets[0].__class__ is not gast.Name or \
                getattr(s, "s2sad_slot", None) is not None:
            return False
        target = s.targets[0].id
        if _column(s.value, e, bound | columns, facts) and target not in bound | sums:
            columns.add(target)
            continue
        kind = _update(s.value, target, facts)
        if target in columns or target in kept or kind is not None and target in bound or \
                kind is None and target in sums:
            return False
        if kind == "add_at" and (at.apart(target, s.value.args[2]) or at.fixed(
                target, s.value.args[2]) and at.varies(s.value.args[3])):
            sums.add(target)
            value = s.value.args[3]
        elif kind in ("zero_at", "setitem") and target not in sums and \
                at.apart(target, s.value.args[1], exact=kind == "zero_at"):
            kept[target] = (kind, gast.dump(s.value.args[1]))
            value = s.value.args[2] if kind == "setitem" else load(e)
        elif kind is not None:
            return False
        else:
            bound.add(target)
            value = s.value
            at.note(target, value)
            if at.varies(value):
                at.varying.add(target)
            else:  # (bound again to the same number every trip)
                at.varying.discard(target)
        if not _elementwise(value, bound, facts, columns):
            return False
    made = bound | columns
    return bool(sums or kept) and not made & live and not (made - {e}) & exposed(loop.body) \
        and not any(_reads_sum(s, sums) for s in loop.body) and \
        all(_fresh_sum(d, facts) for d in sums) and _kept_reads(loop.body, kept)


class _Elements:
    """The indices each trip takes apart from every other trip's: the counter, or a name
    holding it plus a literal (``add = i + 1``, never negative from the range's start: no
    ``x[-1]`` that is also ``x[n - 1]``), alone or beside numbers the loop does not bind
    (``u[i, j]`` of a loop over ``j``: a row's elements)."""

    def __init__(self, e: str, first: int, bound: set[str], facts: dims.Facts) -> None:
        self.offsets = {e: 0}
        self.varying = {e}  # the names that differ from trip to trip: vectors at once
        self.e, self.first, self.bound, self.facts = e, first, bound, facts

    def varies(self, value: gast.expr) -> bool:
        return any(n.id in self.varying for n in name_nodes(value))

    def fixed(self, target: str, index: gast.expr) -> bool:
        """An element every trip adds into (``dw[i, 0]``): the trips' sum at once."""
        elts = index.elts if index.__class__ is gast.Tuple else [index]
        return _rank(self.facts.of(load(target))) == len(elts) and all(
            self._fixed(x) for x in elts)

    def note(self, name: str, value: gast.expr) -> None:
        if value.__class__ is gast.BinOp and value.op.__class__ in (gast.Add, gast.Sub) and \
                value.left.__class__ is gast.Name and value.left.id == self.e and \
                value.right.__class__ is gast.Constant and type(value.right.value) is int:
            k = value.right.value if value.op.__class__ is gast.Add else -value.right.value
            if self.first + k >= 0:
                self.offsets[name] = k

    def apart(self, target: str, index: gast.expr, exact: bool = False) -> bool:
        elts = index.elts if index.__class__ is gast.Tuple else [index]
        at = [x for x in elts if x.__class__ is gast.Name and (
            x.id == self.e if exact else x.id in self.offsets)]
        return len(at) == 1 and _rank(self.facts.of(load(target))) == len(elts) and all(
            x is at[0] or self._fixed(x) for x in elts)

    def _fixed(self, x: gast.expr) -> bool:
        """An int literal, or a number the loop does not bind: the same every trip."""
        return x.__class__ is gast.Constant and type(x.value) is int or \
            x.__class__ is gast.Name and x.id not in self.bound and self.facts.of(x) == ()


def _first(loop: gast.For) -> int:
    bounds = loop_bounds(loop)
    assert bounds is not None
    return bounds[0].value if len(bounds) == 2 else 0


def _update(v: gast.expr, target: str, facts: dims.Facts) -> str | None:
    """``d = add_at(d, None, i, g)``, ``d = zero_at(d, i)``, ``d = setitem(d, i, v)``
    (the index and ``d``'s rank checked by the caller): which, else None."""
    if v.__class__ is not gast.Call or v.keywords or not v.args or \
            v.args[0].__class__ is not gast.Name or v.args[0].id != target:
        return None
    fn = evaluate_ref(v.func, facts.namespace)
    kind = {runtime.add_at: "add_at", runtime.zero_at: "zero_at",
            runtime.setitem: "setitem"}.get(fn)
    if kind is None or len(v.args) != {"add_at": 4, "zero_at": 2, "setitem": 3}[kind]:
        return None
    if kind == "add_at" and not (v.args[1].__class__ is gast.Constant and v.args[1].value is None):
        return None
    return kind


def _kept_reads(stmts: list, kept: dict[str, tuple[str, str]]) -> bool:
    """An array cleared at the counter read only where it is cleared (``du[e]``: each
    trip its own element, before or after it clears it); one written, not read in the
    loop (no trip reads what another writes)."""
    cleared = {d: where for d, (kind, where) in kept.items() if kind == "zero_at"}
    for s in stmts:
        value = s.value.args[1:] if s.targets[0].id in kept else [s.value]
        own = {id(n.value) for n in nodes(value) if n.__class__ is gast.Subscript and
               n.value.__class__ is gast.Name and n.value.id in cleared and
               gast.dump(n.slice) == cleared[n.value.id]}
        if any(n.id in kept and id(n) not in own for n in name_nodes(value)):
            return False
    return True


def _column(v: gast.expr, e: str, bound: set[str], facts: dims.Facts) -> bool:
    """``X[:, e]`` (or a row ``X[e]``, ``X[e, :]``) of a matrix ``X`` the loop does not
    bind: the trip's column (all trips' columns, ``X[:, e_all]``, once the counter is
    a vector)."""
    if v.__class__ is not gast.Subscript or v.value.__class__ is not gast.Name or \
            v.value.id in bound or _rank(facts.of(v.value)) != 2:
        return False
    elts = v.slice.elts if v.slice.__class__ is gast.Tuple else [v.slice]
    return counter_slices.index_axis(v, e) is not None and all(
        x.__class__ is gast.Name or x.__class__ is gast.Slice and x.lower is None and
        x.upper is None and x.step is None for x in elts)


def _contraction(v: gast.BinOp, bound: set[str], facts: dims.Facts,
                 columns: frozenset | set) -> bool:
    """``u @ col`` (or ``col @ u``) of a trip's column and a vector ``u`` (or ``-u``)
    the loop does not bind: a number a trip, ``u @ X[:, e_all]`` (a vector of them) at
    once."""
    sides = [v.left, v.right]
    col = [n for n in sides if n.__class__ is gast.Name and n.id in columns]
    other = [n.operand if n.__class__ is gast.UnaryOp and n.op.__class__ is gast.USub else n
             for n in sides if not (n.__class__ is gast.Name and n.id in columns)]
    return len(col) == 1 and len(other) == 1 and other[0].__class__ is gast.Name and \
        other[0].id not in bound and _rank(facts.of(other[0])) == 1


def _fresh_sum(d: str, facts: dims.Facts, seen: frozenset = frozenset()) -> bool:
    """Every binding of ``d`` is zeros made for it, the array an arithmetic operation
    made (``dw = 0.02 * w``, a vector), an ``add_at`` into it, or another name bound so
    (``du = dup``, the adjoints of ``up = u`` handed on): an array, never the ``None``
    or ``0.0`` that ``add_at`` replaces by zeros (``d[e_all] += v`` writes it in place,
    as ``add_at`` did)."""
    return all(v.__class__ is gast.Call and v.func.__class__ is gast.Name and (
        v.func.id == "zeros_like" or v.func.id == "add_at" and v.args and
        v.args[0].__class__ is gast.Name and v.args[0].id == d) or
        v.__class__ is gast.BinOp and v.op.__class__ in _OPS or
        v.__class__ is gast.Name and v.id not in seen and v.id != d and
        _fresh_sum(v.id, facts, seen | {d})
        for v in facts.defs.get(d, [None]))


def _reads_sum(s: gast.Assign, sums: set[str]) -> bool:
    """``s`` reads a sum but as its own ``add_at``'s first argument."""
    value = s.value.args[3] if s.targets[0].id in sums else s.value
    return any(n.id in sums for n in name_nodes(value))


def _rank(shape: object) -> int | None:
    return len(shape) if isinstance(shape, tuple) else None


def _elementwise(v: gast.expr, bound: set[str], facts: dims.Facts,
                 columns: frozenset | set = frozenset()) -> bool:
    """``v`` is ``+ - *`` and negation of literals, names the body bound, numbers bound
    outside, elements of arrays of known rank not bound in the loop, and contractions
    of the trip's ``columns`` with vectors bound outside."""
    if v.__class__ is gast.BinOp and v.op.__class__ is gast.MatMult:
        return _contraction(v, bound, facts, columns)
    if v.__class__ is gast.BinOp:
        return v.op.__class__ in _OPS and _elementwise(v.left, bound, facts, columns) and \
            _elementwise(v.right, bound, facts, columns)
    if v.__class__ is gast.UnaryOp:
        return v.op.__class__ is gast.USub and _elementwise(v.operand, bound, facts, columns)
    if v.__class__ is gast.Constant:
        return type(v.value) in (int, float)
    if v.__class__ is gast.Name:
        return v.id in bound or facts.of(v) == ()
    if v.__class__ is gast.Subscript:
        index = v.slice.elts if v.slice.__class__ is gast.Tuple else [v.slice]
        return v.value.__class__ is gast.Name and v.value.id not in bound and \
            _rank(facts.of(v.value)) == len(index) and facts.of(v) == () and \
            all(i.__class__ is not gast.Slice and _elementwise(i, bound, facts, columns)
                for i in index)
    return False


def _at_once(loop: gast.For, body: list, facts: dims.Facts, namer: Namer) -> list:
    """``e_all = np.arange(...)`` of the loop's bounds, and the body reading it, its
    ``d = add_at(d, None, e, v)`` as ``d[e_all] += v`` (what ``add_at`` does at
    distinct indices, without ``np.add.at``'s unbuffered loop); a name the body binds
    that some other statement binds too named afresh (the shape facts see one shape per
    name: a number elsewhere, a vector here).  Where the shapes prove it, the counter
    indexes as the slice of all its values (:mod:`counter_slices`: ``X[:, e_all]``
    a view, ``X`` itself, not a copy; ``d += v``)."""
    bounds = loop_bounds(loop)
    assert bounds is not None
    e = loop.target.id
    sums = _sums(loop)
    cleared = {s.targets[0].id for s in loop.body if s.targets[0].id in sums and
               evaluate_ref(s.value.func, facts.namespace) is runtime.zero_at}
    _rows_first(loop.body, e)
    whole = {d for d in sums if counter_slices.whole_axis(facts.of(load(d)), 0, bounds, facts)}
    inside = Counter(n.id for n in name_nodes(loop.body) if n.ctx.__class__ is gast.Store)
    outside = Counter(n.id for n in name_nodes(body) if n.ctx.__class__ is gast.Store)
    renames = {e: namer.fresh(e + "_all")}
    renames.update({name: namer.fresh(name) for name in inside
                    if outside[name] > inside[name]})
    for n in name_nodes(loop.body):
        if n.id in renames and n.id not in sums:
            n.id = renames[n.id]
    varying = {renames[e]} | {n.id for n in name_nodes(loop.body) if
                              n.ctx.__class__ is gast.Store}
    for s in loop.body:
        if s.targets[0].id in sums and evaluate_ref(s.value.func, facts.namespace) is \
                runtime.add_at:  # d = add_at(d, None, e_all, v)  ->  d[e_all] += v
            d, _, at, v = s.value.args
            s.__class__ = gast.AugAssign
            s.target = gast.Subscript(value=d, slice=at, ctx=gast.Store())
            if d.id in whole and at.__class__ is gast.Name and at.id == renames[e]:
                s.target = store(d.id) if len(bounds) == 1 or _zero(bounds[0]) else \
                    gast.Subscript(value=d, slice=counter_slices.counter_slice(bounds),
                                   ctx=gast.Store())
            if not any(n.id in varying for n in name_nodes(at)):  # dw[i, 0] += np.sum(v)
                v = gast.Call(func=np_attr("sum"), args=[v], keywords=[])
            s.op, s.value = gast.Add(), v
            if v.__class__ is gast.UnaryOp and v.op.__class__ is gast.USub:
                s.op, s.value = gast.Sub(), v.operand  # (d[k] += -v as d[k] -= v)
            del s.targets
    counter_slices.rows_taken(loop.body, inside, facts, cleared)
    counter_slices.slice_reads(loop.body, renames[e], bounds, facts, keep=sums)
    counter_slices.slice_writes(loop.body, renames[e], bounds, facts)
    if not counter_slices.reads_counter(loop.body, renames[e]):
        return list(loop.body)
    first = gast.Assign(targets=[store(renames[e])], value=counter_slices.arange(bounds),
                        type_comment=None)
    gast.copy_location(first, loop)
    for like in (loop, *loop.body):  # (the user's line of the loop, or of its first trip)
        if origin(copy_origin(first, like)) is not None:
            break
    return [first, *loop.body]


def _rows_first(stmts: list, e: str) -> None:
    """``u @ row`` or ``row @ u`` of a trip's row ``X[e]`` as ``row @ u``, the column's
    ``col @ u`` as ``u @ col``: all trips' rows ``X[e_all] @ u``, columns ``u @ X[:,
    e_all]``, the trips' products along the counter."""
    axes = {s.targets[0].id: counter_slices.index_axis(s.value, e) for s in stmts
            if s.value.__class__ is gast.Subscript and s.value.value.__class__ is gast.Name}
    for node in nodes(stmts):
        if node.__class__ is gast.BinOp and node.op.__class__ is gast.MatMult and \
                node.right.__class__ is gast.Name and axes.get(node.right.id) == 0 or \
                node.__class__ is gast.BinOp and node.op.__class__ is gast.MatMult and \
                node.left.__class__ is gast.Name and axes.get(node.left.id) == 1:
            node.left, node.right = node.right, node.left


def _zero(e: gast.expr) -> bool:
    return e.__class__ is gast.Constant and e.value == 0


def _sums(loop: gast.For) -> set[str]:
    """The names the loop adds into, clears or writes (``d = add_at(d, ...)``, ``d =
    zero_at(d, e)``, ``d = setitem(d, e, v)``): kept as they are (the vector the trips
    share), never read as a view."""
    return {s.targets[0].id for s in loop.body if s.value.__class__ is gast.Call and
            s.value.args and s.value.args[0].__class__ is gast.Name and
            s.value.args[0].id == s.targets[0].id}
