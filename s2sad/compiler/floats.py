"""Late pass ``floats``: a float64 vector or matrix read element by element in a loop, as
floats.

``x[i]`` of a NumPy array is a NumPy scalar, and arithmetic on NumPy scalars costs
three to four times what it costs on Python floats.  Where a vector argument is only
ever read element by element (and for its shape), with the loop that reads it going
over its length (or over a vector's of the same length), the derivative reads the
elements from ``x.tolist()`` instead
(``as_floats``: a float64 vector, or a matrix as a list of lists, ``A[i, j]`` read as
``A_items[i][j]``; anything else is used as it is).  For ``+``,
``-``, ``*``, comparisons and NumPy functions Python floats compute exactly what NumPy
scalars do; division (by anything but a nonzero literal), powers and ``%`` differ
(Python raises at zero or overflow, or goes complex), so a function using them keeps
the array; except the derivative a call runs first (``optimistic``), which
:mod:`s2sad.fallback` runs again as the guarded variant, on NumPy scalars, when it
raises: there divisions and powers of int literals (never complex) read floats too.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dims, int_names
from s2sad.compiler.algebra_terms import added_into
from s2sad.compiler.names import Namer, Transformer, call_named, load, set_origin
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import SCALAR_FIELDS, walk

_SHAPE_READS = {"shape_of", "zeros_like", "cast_like", "unbroadcast", "repeat_to", "len"}
_SHAPE_ATTRS = {"shape", "size", "ndim", "dtype"}


def elements_as_floats(body: list, params: set[str], shapes: Callable[[], dims.Facts],
                       namer: Namer, optimistic: list | None = None) -> list:
    """``shapes`` works out the shape facts (only for a body with a loop to look at);
    ``optimistic``: the variant runs under :mod:`s2sad.fallback`, which runs the
    guarded variant (NumPy scalars) again when an arithmetic error is raised: there a
    division, or a power of an int literal, by floats is taken too (Python raises at a
    zero divisor or an overflowing power where NumPy gives inf; the marker added to the
    list makes sure the fallback is there)."""
    if not params or not any(isinstance(s, (gast.For, gast.While))
                             for s in statement_nodes(body)):
        return body
    safe = _float_safe(body)
    if not safe and (optimistic is None or not _float_safe(body, True)):
        return body
    facts = shapes()
    found = list(walk(gast.Module(body=body, type_ignores=[])))  # (read by each test)
    bound = _bound_once(body, found)
    vectors = [p for p in sorted(params | set(bound)) if facts.rank(p) in (1, 2)]
    if not vectors:
        return body
    parents = _parents(found)
    defs = _definitions(found)
    read = [p for p in vectors if _read_by_element(p, found, parents, facts, bound.get(p))]
    ranks = {p: facts.rank(p) for p in read}
    looped = [p for p in read if _looped_over(p, found, defs)]
    lengths = [facts.of(load(p))[0] for p in looped]
    chosen = [p for p in read if p in looped or any(  # (x[i] * y[i], the loop over x)
        dims.affine.same(facts.of(load(p))[0], n) for n in lengths)]
    if not chosen:
        return body
    renames = {p: namer.fresh(p + "_items") for p in chosen}
    if not safe and optimistic is not None:
        optimistic.append("floats")  # (Python raises where NumPy gives inf: fall back)
    for p in chosen:  # (first: the facts know the shapes of ``x[i]``, not of ``x_items[i]``)
        _adjoint_as_list(p, body, facts, ranks[p])
    _ReadItems(renames, facts).visit(gast.Module(body=body, type_ignores=[]))
    out = [_as_floats(p, renames[p]) for p in chosen if p not in bound]
    for s in body:
        out.append(s)
        out += [_as_floats(p, renames[p]) for p in chosen if bound.get(p) is s]
    return out


def _as_floats(p: str, items: str) -> gast.stmt:
    return set_origin(gast.Assign(
        targets=[gast.Name(id=items, ctx=gast.Store(), annotation=None, type_comment=None)],
        value=gast.Call(func=load("as_floats"), args=[load(p)], keywords=[]), type_comment=None),
        f"{p} is read element by element: as Python floats")


def _bound_once(body: list, found: list) -> dict[str, gast.stmt]:
    """Names bound by one assignment of the top level and nowhere else (``pred = X @ w``
    before an element loop): one value all along, whose floats are taken after it
    (``found``: the body's nodes, as ``walk`` yields them)."""
    stores: dict[str, int] = {}
    for n in found:
        if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
            stores[n.id] = stores.get(n.id, 0) + 1
    return {s.targets[0].id: s for s in body if isinstance(s, gast.Assign) and
            len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
            stores[s.targets[0].id] == 1}


def _float_safe(body: list, raising: bool = False) -> bool:
    """No arithmetic where Python floats and NumPy scalars part ways (``raising``:
    none but where Python raises an ``ArithmeticError``: a division, a power of an int
    literal, which never makes a complex number); ``//`` and ``%`` of ints
    (:mod:`int_names`) compute ints, as they do around NumPy scalars."""
    ints: set[str] | None = None  # (the int names, worked out at the first ``//`` or ``%``)
    for n in nodes_of(body, (gast.BinOp, gast.AugAssign)):
        op = n.op
        if isinstance(op, (gast.Mod, gast.FloorDiv)) and isinstance(n, gast.BinOp):
            if ints is None:
                statements = list(statement_nodes(body))
                ints = int_names.int_names(statements, int_names.counters(statements))
            if int_names.int_expr(n, ints):
                continue  # (a week of a day: ``t // 7``, the same int either way)
        if raising and isinstance(op, gast.Pow):
            right = n.right if isinstance(n, gast.BinOp) else n.value
            if isinstance(right, gast.Constant) and type(right.value) is int:
                continue
        if isinstance(op, (gast.Pow, gast.Mod, gast.FloorDiv)):
            return False
        if isinstance(op, gast.Div) and not raising:
            right = n.right if isinstance(n, gast.BinOp) else n.value
            if not (isinstance(right, gast.Constant) and type(right.value) in (int, float)
                    and right.value != 0):
                return False
    return True


def _parents(found: list) -> dict[int, gast.AST]:
    """id of each name and subscript -> the node holding it (the last one, as
    ``found`` lists them: the nodes of the body, as ``walk`` yields them); only those
    are asked for (a map of every node's children cost more than the rest of the pass)."""
    out: dict[int, gast.AST] = {}
    fields_of = _HOLDING
    asked = (gast.Name, gast.Subscript)
    for n in found:
        fields = fields_of.get(n.__class__)
        if fields is None:
            fields = fields_of[n.__class__] = tuple(
                f for f in n._fields if f not in SCALAR_FIELDS and f != "ctx")
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                for c in v:
                    if c.__class__ in asked:
                        out[id(c)] = n
            elif v.__class__ in asked:
                out[id(v)] = n
    return out


_HOLDING: dict[type, tuple[str, ...]] = {}  # node class -> its fields that may hold a node


def _read_by_element(p: str, nodes: list, parents: dict, facts: dims.Facts,
                     binding: gast.stmt | None = None) -> bool:
    """``p`` read at a number ``p[i]`` somewhere, never bound again (but by its
    ``binding``), read otherwise only whole by a call (``np.var(r)``, ``len(r)``) or for
    its shape: those reads keep the array, the element reads take the floats (``nodes``:
    the body's, as ``walk`` yields them)."""
    found = False
    for n in nodes:
        if not (isinstance(n, gast.Name) and n.id == p) or \
                binding is not None and n is binding.targets[0]:
            continue
        if not isinstance(n.ctx, gast.Load):
            return False
        up = parents.get(id(n))
        if isinstance(up, gast.Subscript) and up.value is n and \
                isinstance(up.ctx, gast.Load) and \
                element_at(up.slice, facts.rank(p), facts) is not None and \
                not isinstance(parents.get(id(up)), (gast.AugAssign, gast.Delete)):
            found = True
        elif isinstance(up, gast.Subscript) or \
                not (isinstance(up, gast.Call) and n in up.args) and \
                not (isinstance(up, gast.Attribute) and up.attr in _SHAPE_ATTRS):
            return False  # (a slice or a gather of it, a name bound to it: an array)
    return found


def element_at(index: gast.expr, rank: int | None, facts: dims.Facts) -> list | None:
    """The numbers ``index`` is made of, where it picks one element of an array of
    ``rank`` 1 (``x[i]``) or 2 (``A[i, j]``)."""
    if rank == 1 and facts.of(index) == ():
        return [index]
    if rank == 2 and isinstance(index, gast.Tuple) and len(index.elts) == 2 and \
            all(facts.of(e) == () for e in index.elts):
        return list(index.elts)
    return None


def _nested(base: gast.expr, at: list, ctx: gast.AST) -> gast.Subscript:
    """``base[i][j]``: an element of a list of lists of floats."""
    for k, i in enumerate(at):
        base = gast.Subscript(value=base, slice=i,
                              ctx=ctx if k == len(at) - 1 else gast.Load())
    return base  # type: ignore[return-value]


def _shape_read(call: gast.Call, arg: gast.Name) -> bool:
    f = call.func
    name = f.id if isinstance(f, gast.Name) else f.attr if isinstance(f, gast.Attribute) \
        else None
    return name in _SHAPE_READS or name == "shape" and call.args and call.args[0] is arg


def _definitions(found: list) -> dict[str, gast.expr]:
    """name -> the value its last assignment (in ``walk``'s order) gives it."""
    defs: dict[str, gast.expr] = {}
    for n in found:
        if isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], gast.Name):
            defs[n.targets[0].id] = n.value
    return defs


def _looped_over(p: str, found: list, defs: dict[str, gast.expr]) -> bool:
    """Some loop's length is computed from ``p``'s (it goes through its elements)."""
    for n in found:
        if isinstance(n, (gast.For, gast.While)) and \
                _mentions(n.iter if isinstance(n, gast.For) else n.test, p, defs, 4):
            return True
    return False


def _mentions(e: gast.expr, p: str, defs: dict, depth: int) -> bool:
    for n in walk(e):
        if isinstance(n, gast.Name):
            if n.id == p:
                return True
            if depth and n.id in defs and _mentions(defs[n.id], p, defs, depth - 1):
                return True
    return False


def _adjoint_as_list(p: str, body: list, facts: dims.Facts, rank: int | None) -> None:
    """Each ``dp = zeros_like(p)`` only added into element by element (``add_at(dp,
    None, i, e)`` at a number ``i``, or ``(i, j)`` of a matrix), read by the element
    (``dp[i]``), cleared by the element (``dp = zero_at(dp, i)``: a reversed loop's
    adjoint of ``cp[i] = ...``) and returned: a list of floats (of lists of floats),
    ``dp[i] += e``, ``dp[i] = 0.0`` (an element of a list is updated in a fortieth of
    the time of an array's)."""
    tree = gast.Module(body=body, type_ignores=[])
    starts = [s for s in walk(tree) if isinstance(s, gast.Assign) and
              isinstance(s.targets[0], gast.Name) and call_named(s.value, "zeros_like") and
              len(s.value.args) == 1 and isinstance(s.value.args[0], gast.Name) and
              s.value.args[0].id == p]
    for start in starts:
        _list_adjoint(start, p, tree, facts, rank)


def _list_adjoint(start: gast.Assign, p: str, tree: gast.Module, facts: dims.Facts,
                  rank: int | None) -> None:
    found = element_uses(start, tree, facts, rank)
    if found is None:
        return
    d = start.targets[0].id
    adds, clears, reads, uses = found
    mentions = sum(1 for n in walk(tree) if isinstance(n, gast.Name) and n.id == d and
                   isinstance(n.ctx, gast.Load))
    if not adds or mentions != len(adds) + len(clears) + len(reads) + uses:
        return  # (read anywhere else: an array it stays)
    start.value = gast.Call(func=load("floats_zeros"), args=[load(p)], keywords=[])
    as_list(d, adds, clears, reads, facts, rank)


def element_uses(start: gast.Assign, tree: gast.Module, facts: dims.Facts,
                  rank: int | None) -> tuple[list, list, list, int] | None:
    """The statements adding into ``start``'s adjoint by the element, those clearing an
    element, its element reads and its ``cast_like`` count (None: bound otherwise)."""
    d = start.targets[0].id
    adds: list = []
    clears: list = []
    reads: list = []
    uses = 0
    for s in walk(tree):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and s.targets[0].id == d and \
                s is not start:
            call = s.value
            cleared = _cleared(call, d, rank, facts)
            if cleared is not None:
                clears.append((s, cleared))
                continue
            if not (call_named(call, "add_at") and len(call.args) == 4 and
                    isinstance(call.args[0], gast.Name) and call.args[0].id == d and
                    isinstance(call.args[1], gast.Constant) and call.args[1].value is None
                    and element_at(call.args[2], rank, facts) is not None and
                    facts.of(call.args[3]) == ()):
                return None
            adds.append(s)
        elif isinstance(s, gast.Call) and call_named(s, "cast_like") and \
                isinstance(s.args[0], gast.Name) and s.args[0].id == d:
            uses += 1
        elif isinstance(s, gast.Subscript) and isinstance(s.ctx, gast.Load) and \
                isinstance(s.value, gast.Name) and s.value.id == d and \
                element_at(s.slice, rank, facts) is not None:
            reads.append(s)
        elif isinstance(s, gast.Name) and s.id == d and not isinstance(s.ctx, gast.Load) \
                and s is not start.targets[0] and not any(s is a.targets[0] for a in adds):
            if not any(s is c.targets[0] for c, _ in clears):
                return None  # (bound otherwise: a for target, a del)
    return adds, clears, reads, uses


def as_list(d: str, adds: list, clears: list, reads: list, facts: dims.Facts,
            rank: int | None) -> None:
    """The adds, clears and reads of ``d`` (:func:`element_uses`) as those of a list."""
    for s in adds:
        call = s.value
        s.__class__ = gast.AugAssign  # d = add_at(d, None, i, e)  ->  d[i] += e
        s.target = _nested(load(d), element_at(call.args[2], rank, facts) or [],
                           gast.Store())
        added = added_into(s.target, call.args[3])  # (d[i] -= e of -e)
        s.op, s.value = added.op, added.value
        del s.targets
    for s, at in clears:  # d = zero_at(d, i)  ->  d[i] = 0.0
        s.targets = [_nested(load(d), at, gast.Store())]
        s.value = gast.Constant(value=0.0, kind=None)
    for n in reads:  # d[i, j]  ->  d[i][j]
        at = element_at(n.slice, rank, facts) or []
        if len(at) == 2:
            n.value, n.slice = _nested(load(d), at[:1], gast.Load()), at[1]


def _cleared(call: gast.expr, d: str, rank: int | None, facts: dims.Facts) -> list | None:
    """The element ``zero_at(d, i)`` (``fresh(zero_at(d, i))``) clears."""
    if call_named(call, "fresh") and len(call.args) == 1:
        call = call.args[0]
    if call_named(call, "zero_at") and len(call.args) == 2 and \
            isinstance(call.args[0], gast.Name) and call.args[0].id == d:
        return element_at(call.args[1], rank, facts)
    return None


class _ReadItems(Transformer):
    def __init__(self, renames: dict[str, str], facts: dims.Facts) -> None:
        self.renames, self.facts = renames, facts

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        self.generic_visit(node)
        if isinstance(node.value, gast.Name) and node.value.id in self.renames and \
                isinstance(node.ctx, gast.Load):
            items = load(self.renames[node.value.id])
            if isinstance(node.slice, gast.Tuple):  # A[i, j] -> A_items[i][j]
                return _nested(items, node.slice.elts, gast.Load())
            node.value = items
        return node


def number_list_adds(body: list, shapes: Callable[[], dims.Facts]) -> list:
    """``d = add_at(d, None, i, e)`` into the adjoint of a list of numbers (a list of
    numbers itself), at an int ``i``, of a number ``e``: ``d[i] += e`` (what ``add_at``
    does to such a list in place, without its three calls)."""
    adds = [s for s in statement_nodes(body) if isinstance(s, gast.Assign) and
            len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
            call_named(s.value, "add_at") and len(s.value.args) == 4 and
            isinstance(s.value.args[0], gast.Name) and
            s.value.args[0].id == s.targets[0].id and
            isinstance(s.value.args[1], gast.Constant) and s.value.args[1].value is None]
    if not adds:
        return body
    facts = shapes()
    for s in adds:
        d, _, i, e = s.value.args
        if facts.of(d) == dims.Elements(()) and facts.of(i) == () and facts.of(e) == ():
            s.__class__ = gast.AugAssign
            s.target = gast.Subscript(value=load(d.id), slice=i, ctx=gast.Store())
            s.op, s.value = gast.Add(), e
            del s.targets
    return body
