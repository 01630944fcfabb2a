"""Part of the late passes ``ranks`` and ``shapes``: the pieces of a concatenation's
adjoint, ``unconcat(g, items, axis)``, as slices of ``g`` where the items' lengths along
the axis are known (no shapes pushed for the helper to measure, no call):
``(g[:1], g[1:-1], g[-1:])``.  A flattened join (``axis`` None, ``np.append(out, v)``)
of a vector and numbers or vectors is one along axis 0, a number's piece an element
(``g[-1]``).  One item's length may be unknown (a vector grown in a loop): the pieces
after it are cut from the end (``out = np.append(out, v)``: ``g[:-1]`` and ``g[-1]``).
A list of numbers is the vector NumPy makes of it (``np.concatenate(([0.0], u, [0.0]))``).
A bound that is a length of an argument's axis is read from it (a GRU's input joined to
its state, ``np.concatenate([xs[t], h], axis=1)``: ``g[:, np.shape(xs)[2]:]``)."""
from __future__ import annotations

from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler import affine, dims
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import is_none
from s2sad.compiler.tree_copies import clone


def pieces(call: gast.Call, facts: dims.Facts) -> gast.Tuple | None:
    """The pieces of ``unconcat(g, items, axis)`` as a tuple display, or None."""
    if len(call.args) == 4 and not call.keywords and isinstance(call.args[0], gast.Name) \
            and evaluate_ref(call.args[3], facts.namespace) is runtime.as_columns:
        return _columns(call, facts)
    if len(call.args) != 3 or call.keywords or not isinstance(call.args[2], gast.Constant) \
            or not isinstance(call.args[0], gast.Name):
        return None  # (an expression cut in pieces would be computed once per piece)
    g, items, axis = facts.of(call.args[0]), facts.of(call.args[1]), call.args[2].value
    if not isinstance(g, tuple) or not isinstance(items, dims.Items):
        return None
    items = dims.Items(tuple(_as_vector(s) for s in items.shapes))
    flat = is_none(call.args[2])
    if flat:  # (a vector of vectors and numbers only: the same pieces along axis 0)
        if len(g) != 1 or not all(isinstance(s, tuple) and len(s) <= 1 for s in items.shapes):
            return None
        axis = 0
    elif type(axis) is not int or not -len(g) <= axis < len(g) or not all(
            isinstance(s, tuple) and len(s) == len(g) and all(
                affine.same(a, b) for k, (a, b) in enumerate(zip(s, g)) if k != axis % len(g))
            for s in items.shapes):
        return None  # (a piece reshaped, or of a shape not known)
    axis %= len(g)
    spell = _spellings(facts) if axis == len(g) - 1 else None  # (an index of every axis:
    # array_api_strict reads no fewer, and the literal pieces keep their old form)
    ends = _ends([s[axis] if s else 1 for s in items.shapes], g[axis], spell)
    if ends is None:
        return None
    whole = gast.Slice(lower=None, upper=None, step=None)
    out = []
    for s, lo, hi in zip(items.shapes, ends, ends[1:]):
        at: gast.expr = gast.Slice(lower=_int(lo), upper=_int(hi), step=None) if s else \
            _int(lo if lo is not None else 0)
        out.append(gast.Subscript(value=clone(call.args[0]), slice=gast.Tuple(
            elts=[whole] * axis + [at], ctx=gast.Load()) if axis else at, ctx=gast.Load()))
    return gast.Tuple(elts=out, ctx=gast.Load())


def _columns(call: gast.Call, facts: dims.Facts) -> gast.Tuple | None:
    """The pieces of ``np.column_stack``'s adjoint, ``unconcat(g, items, 1,
    as_columns)``: a vector's is its column of ``g`` (``g[:, 1]``, the vector's shape),
    a matrix's its columns; each item as long as ``g``'s rows (a number's piece, a
    column only of a one-row ``g``, is left to the helper)."""
    g, items, axis = facts.of(call.args[0]), facts.of(call.args[1]), call.args[2]
    if not (isinstance(g, tuple) and len(g) == 2 and isinstance(items, dims.Items) and
            isinstance(axis, gast.Constant) and axis.value in (1, -1)):
        return None
    widths = []
    for s in items.shapes:
        if not (isinstance(s, tuple) and len(s) in (1, 2) and affine.same(s[0], g[0])):
            return None
        widths.append(s[1] if len(s) == 2 else 1)
    ends = _ends(widths, g[1], _spellings(facts))
    if ends is None:
        return None
    whole = gast.Slice(lower=None, upper=None, step=None)
    return gast.Tuple(elts=[gast.Subscript(value=clone(call.args[0]), slice=gast.Tuple(
        elts=[whole, _int(lo if lo is not None else 0) if len(s) == 1 else
              gast.Slice(lower=_int(lo), upper=_int(hi), step=None)], ctx=gast.Load()),
        ctx=gast.Load()) for s, lo, hi in zip(items.shapes, ends, ends[1:])],
        ctx=gast.Load())


def _as_vector(s: Any) -> Any:
    """A list or tuple of numbers (``[0.0]`` joined to a vector) as the vector NumPy
    makes of it; any other shape as it is."""
    if isinstance(s, dims.Items) and all(v == () for v in s.shapes):
        return (len(s.shapes),)
    return s


def _spellings(facts: dims.Facts) -> dict[str, gast.expr]:
    """symbol -> how the code reads it: ``np.shape(x)[k]`` of an array argument ``x``
    no statement binds whose axis ``k`` has that length (``np.shape(x)[k] // 4`` where
    only a multiple of it is an axis: the variant is made for that shape class)."""
    axes = []  # (the multiple, the argument, the axis, the symbol)
    for name in sorted(getattr(facts, "fixed", ())):
        shape = facts.shapes.get(name)
        if isinstance(shape, tuple) and name not in facts.defs:
            for k, d in enumerate(shape):
                f = affine.form(d)
                if f is not None and len(f.terms) == 1 and not f.const and f.terms[0][1] > 0:
                    axes.append((f.terms[0][1], name, k, f.terms[0][0]))
    out: dict[str, gast.expr] = {}
    for times, name, k, symbol in sorted(axes):  # (an axis of the symbol itself first)
        if symbol in out:
            continue
        read: gast.expr = gast.Subscript(value=gast.Call(
            func=gast.Attribute(value=gast.Name(id="np", ctx=gast.Load(), annotation=None,
                                                type_comment=None), attr="shape",
                                ctx=gast.Load()),
            args=[gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)],
            keywords=[]), slice=gast.Constant(value=k, kind=None), ctx=gast.Load())
        out[symbol] = read if times == 1 else gast.BinOp(
            left=read, op=gast.FloorDiv(), right=gast.Constant(value=times, kind=None))
    return out


def _ends(lengths: list, total: Any, spell: dict | None = None) -> list | None:
    """The slice bounds of pieces of these lengths along an axis of length ``total``
    (None at both ends), counted from the start up to an unknown length, from the end
    after it; None when neither is known, or a piece at the end is empty."""
    front: list = [affine.Lin((), 0)]
    for n in lengths:
        front.append(affine.add(front[-1], affine.form(n)))
    back: list = [affine.Lin((), 0)]
    for n in reversed(lengths):
        back.append(affine.add(back[-1], affine.form(n)))
    back.reverse()  # back[k]: the length after the first k pieces
    ends: list = []
    for k in range(1, len(lengths) + 1):
        at = _index_of(front[k], total)
        if at is False and k < len(lengths) and front[k] is not None and front[k].terms \
                and front[k].const >= 0 and all(v in (spell or {}) and c > 0
                                                for v, c in front[k].terms):
            at = _spelled(front[k], spell or {})  # (lengths of arguments' axes)
        if at is False:  # (after an unknown length: from the end, a literal)
            after = back[k]
            at = False if after is None or after.terms else -after.const or None
        ends.append(at)
    if any(e is False for e in ends) or ends[-1] is not None or None in ends[:-1]:
        return None  # (an empty piece at the end: left to the helper)
    return [None, *ends]


def _index_of(bound: Any, length: Any) -> Any:
    """A place along an axis of ``length`` as a slice bound: an int from the start, a
    negative int from the end, None for the end itself; False if neither is known."""
    if bound is None:
        return False
    back = affine.add(affine.form(length), bound, -1)
    if back is not None and not back.terms and back.const >= 0:
        return -back.const if back.const else None
    return bound.const if not bound.terms and bound.const >= 0 else False


def _spelled(bound: affine.Lin, spell: dict[str, gast.expr]) -> gast.expr:
    """``const + sum(c * symbol)`` in the code's terms."""
    out: gast.expr | None = gast.Constant(value=bound.const, kind=None) if bound.const \
        else None
    for v, c in bound.terms:
        term = spell[v] if c == 1 else gast.BinOp(
            left=gast.Constant(value=c, kind=None), op=gast.Mult(), right=spell[v])
        out = term if out is None else gast.BinOp(left=out, op=gast.Add(), right=term)
    return out  # type: ignore[return-value]


def _int(k: int | None | gast.expr) -> gast.expr | None:
    """A slice bound as the parser writes it (``-1`` a negation, as the shape facts read;
    a spelled length as it is)."""
    if isinstance(k, gast.expr):
        return clone(k)
    return None if k is None else gast.Constant(value=k, kind=None) if k >= 0 else \
        gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=-k, kind=None))
