"""Part of stage 3b: NumPy's other spellings of a primitive, rewritten into the usual
one before a call is normalized, so that one rule serves both.

- ``np.r_[a, b, 0:3]`` is ``np.concatenate([np.atleast_1d(a), np.atleast_1d(b),
  np.arange(0, 3, 1)])``;
- ``np.c_[a, b]`` is ``np.column_stack([a, b])``;
- ``np.einsum(a, [0, 1], b, [1, 2], [0, 2])`` (operands and sublists of axis
  numbers) is ``np.einsum("ab,bc->ac", a, b)``;
- ``np.where(c)`` (the condition alone) is ``np.nonzero(c)``, a tuple of index arrays
  (NumPy's documentation says so): not the elementwise choice ``np.where(c, a, b)``
  whose shape is the broadcast of its arguments';
- ``np.atleast_1d(a, b)`` (several arrays) is ``(np.atleast_1d(a), np.atleast_1d(b))``,
  so the one-array rule serves (``atleast_2d``, ``atleast_3d`` alike);
- ``list(reversed(xs))``, ``tuple(reversed(xs))`` are ``list(xs)[::-1]``,
  ``tuple(xs)[::-1]`` (the iterator ``reversed`` makes is used up right there).
"""
from __future__ import annotations

import string
from typing import TYPE_CHECKING

import gast
import numpy as np

from s2sad.compiler.names import const

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def index_trick(norm: Normalizer, node: gast.Subscript) -> gast.expr | None:
    """``np.r_[...]`` / ``np.c_[...]`` as a call of the joining function, or None."""
    obj = norm.resolve(node.value)
    if obj is not np.r_ and obj is not np.c_:
        return None
    items = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
    if items and isinstance(items[0], gast.Constant) and isinstance(items[0].value, str):
        raise norm.error(node, "np.r_ / np.c_ with a directive string",
                         "join with np.concatenate, np.stack or np.column_stack instead")
    if obj is np.c_:
        return _np_call(norm, "column_stack", [gast.List(elts=list(items), ctx=gast.Load())])
    pieces = [_np_call(norm, "arange", _range_of(norm, i)) if isinstance(i, gast.Slice)
              else _np_call(norm, "atleast_1d", [i]) for i in items]
    return _np_call(norm, "concatenate", [gast.List(elts=pieces, ctx=gast.Load())])


def _range_of(norm: Normalizer, s: gast.Slice) -> list:
    """``np.r_[a:b:c]`` is ``np.arange(a, b, c)`` (a complex step means linspace: refused)."""
    if isinstance(s.step, gast.Constant) and isinstance(s.step.value, complex) or \
            s.upper is None:
        raise norm.error(s, "np.r_ with a slice of a complex step or no end",
                         "write np.linspace(start, stop, num) or np.arange(start, stop)")
    return [s.lower or const(0), s.upper, s.step or const(1)]


def einsum_sublists(norm: Normalizer, node: gast.Call) -> gast.Call | None:
    """``np.einsum(a, [0, 1], [1, 0])`` as ``np.einsum("ab->ba", a)``, or None."""
    if norm.resolve(node.func) is not np.einsum or len(node.args) < 2 or \
            not isinstance(node.args[1], (gast.List, gast.Tuple)):
        return None  # (subscripts as a string, or a name holding it)
    args = list(node.args)
    operands, subscripts = [], []
    while len(args) >= 2 and (axes := _axes(args[1])) is not None:
        operands.append(args.pop(0))
        subscripts.append(_letters(axes))
        del args[0]
    output = _axes(args[0]) if args else []
    if not operands or len(args) > 1 or output is None:
        raise norm.error(node, "np.einsum with sublists of axes",
                         "give the axes as a string (np.einsum('ij->ji', a)); sublists "
                         "must be lists of integers written in the call")
    text = ",".join(subscripts) + ("->" + _letters(output) if args else "")
    return gast.Call(func=node.func, args=[const(text), *operands], keywords=node.keywords)


def where_alone(norm: Normalizer, node: gast.Call) -> gast.Call | None:
    """``np.where(c)`` as ``np.nonzero(c)``, or None."""
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], gast.Starred) or \
            norm.resolve(node.func) is not np.where:
        return None
    return _np_call(norm, "nonzero", list(node.args))


_ATLEAST = (np.atleast_1d, np.atleast_2d, np.atleast_3d)


def atleast_each(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``np.atleast_1d(a, b)`` as ``(np.atleast_1d(a), np.atleast_1d(b))``, or None."""
    if len(node.args) < 2 and not any(isinstance(a, gast.Starred) for a in node.args) or \
            norm.resolve(node.func) not in _ATLEAST:
        return None
    if node.keywords or any(isinstance(a, gast.Starred) for a in node.args):
        raise norm.error(node, "np.atleast_1d / 2d / 3d of a starred list of arrays",
                         "call it once per array: [np.atleast_1d(a) for a in arrays]")
    return gast.Tuple(elts=[gast.Call(func=node.func, args=[a], keywords=[])
                            for a in node.args], ctx=gast.Load())


def reversed_copy(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``list(reversed(xs))`` as ``list(xs)[::-1]`` (``tuple`` alike), or None."""
    if len(node.args) != 1 or node.keywords or norm.resolve(node.func) not in (list, tuple):
        return None
    inner = node.args[0]
    if not (isinstance(inner, gast.Call) and len(inner.args) == 1 and not inner.keywords
            and not isinstance(inner.args[0], gast.Starred)
            and norm.resolve(inner.func) is reversed):
        return None
    whole = gast.Call(func=node.func, args=list(inner.args), keywords=[])
    backwards = gast.Slice(lower=None, upper=None, step=const(-1))
    return gast.Subscript(value=whole, slice=backwards, ctx=gast.Load())


def _axes(node: gast.expr) -> list | None:
    if not isinstance(node, (gast.List, gast.Tuple)):
        return None
    out = []
    for e in node.elts:
        if isinstance(e, gast.Constant) and (type(e.value) is int or e.value is Ellipsis):
            out.append(e.value)
        else:
            return None
    return out


def _letters(axes: list) -> str:
    return "".join("..." if a is Ellipsis else string.ascii_letters[a] for a in axes)


def _np_call(norm: Normalizer, name: str, args: list) -> gast.Call:
    return gast.Call(func=norm.ref(getattr(np, name)), args=args, keywords=[])
