"""Part of the late pass ``shapes``: the adjoint of a full sum or mean kept as the number
it spreads, where every reader would broadcast the number to that shape anyway.

``dloss = repeat_to(1.0 / n, loss, None, False)`` is an array of ``loss``'s shape holding
one number.  When each read of ``dloss`` is arithmetic or ``np.where`` whose other operands
already have ``loss``'s shape (``np.where(cmp, dloss, 0.0)`` of a ``cmp`` like ``loss``,
``dloss * e``, ``dm[:, 0] += dloss``), broadcasting spreads the number the same way:
``dloss = 1.0 / n`` makes the same values without filling an array, and ``loss`` itself
may then no longer be needed (its shape is read from an argument, :mod:`shape_reads`).
A read of one element, ``dc[i]`` (an array filled element by element, then summed), is
the number itself, whatever the shape (:mod:`dead_clears` drops the clears that kept
such an adjoint from being bound once).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import affine, dims
from s2sad.compiler.names import Namer, load
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.spread_reads import Parents, negated_copies, number_spread, spread_uses, summed
from s2sad.compiler.walks import clone, name_nodes, nodes, parent_map, replace_child

_SPREAD = frozenset({"repeat_to"})


def keep_numbers(body: list, facts: dims.Facts, arrays: list[str], numbers: set[str],
                 namer: Namer | None = None) -> list:
    """A spread whose name the next statement binds again (``dmu = repeat_to(..); dmu =
    dmu - dmu * y / mu``: copies folded into one name) is given a name of its own first
    (``namer``), kept only where the spread then becomes a number; see ``_keep``."""
    split = _split_rebound(body, facts, namer) if namer is not None else []
    readers = _keep(body, facts, arrays, numbers)
    for fresh, old, renamed in split:
        if facts.shapes.get(fresh) != ():  # (not made a number: the one name again)
            for n in renamed:
                n.id = old
            facts.defs[old] = facts.defs.pop(fresh) + facts.defs[old]
            facts.shapes.pop(fresh, None)
    return readers


def _split_rebound(body: list, facts: dims.Facts, namer: Namer) -> list:
    """``d = repeat_to(..)`` (or its negation ``t = -d`` of a spread ``d`` bound once,
    the adjoint of ``-x`` or ``a - x``) in a block of ``body`` with ``d`` bound again by
    a later statement of that block, ``d = e``: the spread and its reads up to ``e``
    named afresh (the facts told); (fresh name, old name, the name nodes renamed) of
    each."""
    out = []
    for block in _blocks(body):
        for i, s in enumerate(block):
            spread = _spread_or_negation(s, facts)
            if spread is None or len(facts.defs.get(s.targets[0].id, ())) < 2:
                continue
            old = s.targets[0].id
            after = next((j for j in range(i + 1, len(block)) if old in _stores(block[j])),
                         None)
            if after is None or not (block[after].__class__ is gast.Assign and
                                     len(block[after].targets) == 1):
                continue
            fresh = namer.fresh(old)
            reads = [n for t in block[i + 1:after] + [block[after].value]
                     for n in name_nodes([t]) if n.id == old]
            for n in [s.targets[0], *reads]:
                n.id = fresh
            facts.defs[fresh] = [s.value]
            facts.defs[old] = [v for v in facts.defs[old] if v is not s.value]
            facts.shapes[fresh] = facts.of(spread.args[1])
            out.append((fresh, old, [s.targets[0], *reads]))
    return out


def _blocks(body: list) -> list[list]:
    """``body`` and the statement lists nested in it (loop and branch bodies)."""
    found, todo = [], [body]
    while todo:
        block = todo.pop()
        found.append(block)
        for s in block:
            todo += [getattr(s, f) for f in ("body", "orelse", "finalbody")
                     if isinstance(getattr(s, f, None), list) and
                     not isinstance(s, (gast.FunctionDef, gast.Lambda))]
    return found


def _spread_or_negation(s: gast.stmt, facts: dims.Facts) -> gast.Call | None:
    """The spread ``s`` binds to a name: ``d = repeat_to(..)``, or ``t = -d`` (negated
    any number of times) of a name ``d`` bound once to one."""
    if not (s.__class__ is gast.Assign and len(s.targets) == 1 and
            s.targets[0].__class__ is gast.Name):
        return None
    value = s.value
    while isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        value = value.operand
    if value is not s.value and isinstance(value, gast.Name):
        defs = facts.defs.get(value.id, ())
        value = defs[0] if len(defs) == 1 else None
    return value if number_spread(value, facts) else None


def _stores(s: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes([s]) if n.ctx.__class__ is not gast.Load}


def _keep(body: list, facts: dims.Facts, arrays: list[str], numbers: set[str]) -> list:
    """Rewrite ``d = repeat_to(g, v, None, False)`` of a number ``g`` as ``d = g`` where
    every read of ``d`` broadcasts ``g`` to ``v``'s shape by itself, the lengths ``g``
    reads (``1.0 / v.shape[0]``) read from the array arguments ``arrays`` where one has
    them; the statements reading the numbers so made (for the arithmetic identities to
    tidy at once).  A read of one element (``d[i]``) is the number whatever the shape.
    A name now holding a Python number (arithmetic of literals, lengths and the names
    of ``numbers``) is added to ``numbers``."""
    spreads = {name: values[0] for name, values in facts.defs.items()
               if len(values) == 1 and number_spread(values[0], facts, any_shape=True)}
    # (of a shape not surely known, only reads of one element: the number whatever it is)
    loose = {name for name, e in spreads.items() if not number_spread(e, facts)}
    if not spreads and not _any_spread(body):
        return []
    parents = Parents(parent_map(body))
    for n in name_nodes(body):  # (the reads of each name: a copy ``t = -d`` is followed)
        if n.ctx.__class__ is gast.Load:
            parents.loads.setdefault(n.id, []).append(n)
    assigns, refused, read, direct, elements = spread_uses(body, spreads, loose, parents, facts)
    for spread in direct:
        replace_child(parents[id(spread)], spread, spread.args[0])
    for n in elements:
        read.setdefault(n.id, []).append(n)
    kept = [name for name in assigns if name in read and name not in refused]
    sums = {name: [n for n in read[name] if summed(n, parents, facts)]
            for name in kept}
    sizes = {name: _size(spreads[name].args[1], facts, arrays) for name in kept
             if any(not isinstance(parents[id(n)], gast.BinOp) for n in sums[name])}
    kept = [name for name in kept if sizes.get(name, True) is not None]
    readers = [_statement(n, parents) for n in direct] + [
        _statement(n, parents) for name in kept for n in read[name]]
    for n in elements:
        if n.id in kept:
            sub = parents[id(n)]
            replace_child(parents[id(sub)], sub, n)
    for name in kept:
        _number_summed(sums[name], sizes.get(name), parents)
    for name in kept:
        assigns[name].value = spreads[name].args[0]
        facts.shapes[name] = ()
        for n in read[name]:  # (``t = -d``: a number too now)
            facts.shapes.update({t: () for t in negated_copies(n, parents, facts)})
        assigns[name].value = _lengths_from_arguments(assigns[name].value, facts,
                                                      arrays)
        if _python_number(assigns[name].value, numbers):
            numbers.add(name)
    return list({id(s): s for s in readers if s is not None}.values())


def _statement(n: gast.AST, parents: dict) -> gast.stmt | None:
    """The statement holding ``n``."""
    while n is not None and not isinstance(n, gast.stmt):
        n = parents.get(id(n))
    return n


def _any_spread(body: list) -> bool:
    """Whether ``body`` calls ``repeat_to`` at all (most bodies do not: one walk)."""
    return mentions(body, ids=_SPREAD)


def _python_number(e: gast.expr, numbers: set[str]) -> bool:
    """``e`` is arithmetic of int and float literals, ``x.shape[k]`` and ``numbers``."""
    if isinstance(e, gast.BinOp):
        return _python_number(e.left, numbers) and _python_number(e.right, numbers)
    if isinstance(e, gast.UnaryOp):
        return _python_number(e.operand, numbers)
    if isinstance(e, gast.Subscript):
        return isinstance(e.value, gast.Attribute) and e.value.attr == "shape" and \
            isinstance(e.slice, gast.Constant) and type(e.slice.value) is int
    return isinstance(e, gast.Constant) and type(e.value) in (int, float) or \
        isinstance(e, gast.Name) and e.id in numbers


def _lengths_from_arguments(e: gast.expr, facts: dims.Facts, arrays: list[str]
                            ) -> gast.expr:
    """``e`` with each ``v.shape[k]`` read as ``p.shape[j]`` of an argument ``p`` of that
    length, or an affine form of such (``x.shape[0] - 1``): ``v`` need not be kept for
    its length alone."""
    lengths = {}
    for p in reversed(arrays):
        shape = facts.of(load(p))
        if isinstance(shape, tuple):
            lengths.update({d: (p, j) for j, d in reversed(list(enumerate(shape)))
                            if isinstance(d, str)})
    parents = parent_map([gast.Expr(value=e)])
    for n in list(nodes(e)):
        if n.__class__ is gast.Subscript and n.value.__class__ is gast.Attribute and \
                n.value.attr == "shape" and n.value.value.__class__ is gast.Name and \
                n.value.value.id not in arrays and n.slice.__class__ is gast.Constant and \
                type(n.slice.value) is int:
            shape = facts.of(n.value.value)
            k = n.slice.value
            if not (isinstance(shape, tuple) and -len(shape) <= k < len(shape)):
                continue
            if shape[k] in lengths:
                p, j = lengths[shape[k]]
                n.value.value, n.slice = load(p), gast.Constant(value=j, kind=None)
            elif (length := _length_of(shape[k], lengths)) is not None:
                if n is e:
                    return length
                replace_child(parents[id(n)], n, length)
    return e


def _length_of(d: Any, lengths: dict) -> gast.expr | None:
    """A length that is an exact affine form of the arguments' lengths (``x.shape[0] -
    1`` of ``x[1:] - x[:-1]``), written with them."""
    f = affine.form(d) if isinstance(d, affine.Lin) else None
    if f is None or not f.terms or any(v not in lengths for v, _ in f.terms):
        return None
    e: gast.expr | None = None
    for v, c in f.terms:
        p, j = lengths[v]
        term: gast.expr = gast.Subscript(
            value=gast.Attribute(value=load(p), attr="shape", ctx=gast.Load()),
            slice=gast.Constant(value=j, kind=None), ctx=gast.Load())
        if abs(c) != 1:
            term = gast.BinOp(left=gast.Constant(value=abs(c), kind=None), op=gast.Mult(),
                              right=term)
        e = term if e is None and c > 0 else gast.BinOp(
            left=e if e is not None else gast.Constant(value=0, kind=None),
            op=gast.Add() if c > 0 else gast.Sub(), right=term)
    if f.const:
        e = gast.BinOp(left=e, op=gast.Add() if f.const > 0 else gast.Sub(),
                       right=gast.Constant(value=abs(f.const), kind=None))
    return e


def _number_summed(sums: list, size: gast.expr | None, parents: dict) -> None:
    """The sums of a spread made a number written as products: ``np.sum(d)`` as ``d *
    size``, ``d @ v`` as ``d * np.sum(v)``."""
    for n in sums:
        call = parents[id(n)]
        if isinstance(call, gast.BinOp):
            other = call.right if call.left is n else call.left
            total: gast.expr = gast.Call(func=gast.Attribute(
                value=load("np"), attr="sum", ctx=gast.Load()), args=[other], keywords=[])
        else:
            assert size is not None  # (``_keep`` keeps no spread summed of unknown size)
            total = clone(size)
        replace_child(parents[id(call)], call, gast.BinOp(left=n, op=gast.Mult(), right=total))


def _size(like: gast.expr, facts: dims.Facts, arrays: list[str]) -> gast.expr | None:
    """The number of elements of ``like`` (a name of known shape), as an expression of
    its lengths (read from the arguments where they have them)."""
    shape = facts.of(like)
    if not isinstance(like, gast.Name) or not isinstance(shape, tuple):
        return None
    size: gast.expr = gast.Constant(value=1, kind=None)
    for k, d in enumerate(shape):
        length: gast.expr = gast.Constant(value=d, kind=None) if isinstance(d, int) else \
            gast.Subscript(value=gast.Attribute(value=load(like.id), attr="shape",
                                                ctx=gast.Load()),
                           slice=gast.Constant(value=k, kind=None), ctx=gast.Load())
        length = _lengths_from_arguments(length, facts, arrays)
        size = length if k == 0 else gast.BinOp(left=size, op=gast.Mult(), right=length)
    return size


