"""Part of stage 3b: NumPy calls that change a named array in place, as writes of every
item of it (``y[...] = value``), which the alias stage follows like any item write (the
other names surely holding the array bound again, a view written back into its base, or
refused at the line):

- ``y.sort(axis)`` is ``y[...] = np.sort(y, axis)`` (the same sort: NumPy's, same kind);
- ``a.fill(v)`` is ``a[...] = v`` (the array's dtype rounds ``v`` as ``fill`` does);
- ``np.multiply(a, b, out=c)`` (a ufunc given ``out``) is ``c[...] = np.multiply(a, b)``:
  the ufunc broadcasts its inputs to ``out``'s shape, as the write does; so is
  ``np.clip(y, 0, 1, out=y)`` and the other functions of ``OUT_WRITERS``; where the
  call's value is used (``y = np.exp(x, out=z)``), it is ``z`` itself.

Only where the result is exactly Python's: an ``order=`` sort (of structured arrays), a
sort of no axis (``ndarray.sort(axis=None)`` raises), a ufunc with ``where=``, ``dtype=``
or ``casting=`` stays refused (:mod:`calls`).
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import gast
import numpy as np

from s2sad.rules import registry
from s2sad.runtime import arrays

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

SORT_KEYWORDS = {"axis", "kind", "stable"}


def array_written(norm: Normalizer, s: gast.stmt, call: gast.expr) -> bool:
    """Emit ``y.sort()``, ``a.fill(v)`` or ``ufunc(..., out=c)`` as a write of every item
    of the named array (:func:`assignments.assign_item`); False for any other call."""
    if not isinstance(call, gast.Call):
        return False
    written = _method_written(norm, call) or _ufunc_written(norm, call)
    if written is None:
        return False
    array, value = written
    _every_item(norm, array, value, s)
    return True


def _every_item(norm: Normalizer, array: gast.expr, value: gast.expr, like: gast.AST) -> None:
    """Emit ``array[...] = value`` (:func:`assignments.assign_item`)."""
    from s2sad.compiler.assignments import assign_item
    every = gast.Subscript(value=copy.deepcopy(array), slice=gast.Constant(
        value=Ellipsis, kind=None), ctx=gast.Store())
    assign_item(norm, every, value, like)


def _named_array(e: gast.expr, norm: Normalizer) -> bool:
    """A name (not one whose items are followed: it may be a list, whose ``sort`` is
    another), or an item of one (``B[1]``, ``B[:, 0]``: the write goes back into it)."""
    if isinstance(e, gast.Name):
        return e.id not in norm.tracked
    while isinstance(e, gast.Subscript):
        e = e.value
    return isinstance(e, gast.Name)


def _method_written(norm: Normalizer, call: gast.Call) -> tuple | None:
    """(array, its new value) of ``y.sort(...)`` or ``a.fill(v)`` of a named array."""
    func = call.func
    if not isinstance(func, gast.Attribute) or not _named_array(func.value, norm) or \
            norm.resolve(func) is not None:
        return None
    array = func.value
    if func.attr == "fill" and len(call.args) == 1 and not call.keywords:
        return array, call.args[0]
    if func.attr != "sort" or len(call.args) > 2 or \
            any(k.arg not in SORT_KEYWORDS for k in call.keywords):
        return None  # (order=: structured arrays)
    axis = call.args[0] if call.args else next(
        (k.value for k in call.keywords if k.arg == "axis"), None)
    if isinstance(axis, gast.Constant) and axis.value is None:
        return None  # (ndarray.sort(axis=None) raises; np.sort flattens)
    return array, gast.Call(func=norm.ref(np.sort), args=[copy.deepcopy(array)] + call.args,
                            keywords=call.keywords)


# functions (not ufuncs) whose ``out=`` array gets the value they return, as a write of
# every item of it: broadcast and cast to ``out``'s shape and dtype as the write does
OUT_WRITERS = {np.clip, np.cumsum, np.cumprod, np.around, np.round, np.sum, np.prod, np.mean,
               np.amax, np.amin, np.max, np.min, np.dot, np.take, np.trace}


def _ufunc_written(norm: Normalizer, call: gast.Call) -> tuple | None:
    """(``out`` array, the value without it) of a ufunc call given ``out=c`` (or
    ``out=(c,)``) for a named array or an item of one, with no other keyword; or of a
    function in ``OUT_WRITERS`` (``np.clip(y, 0, 1, out=y)``, ``y.clip(0, 1, out=y)``)."""
    fn, args = norm.resolve(call.func), list(call.args)
    if fn is None and isinstance(call.func, gast.Attribute):
        fn = registry.METHODS.get(call.func.attr)
        if fn is arrays.clip_method and len(call.keywords) == 1:
            fn = np.clip  # (y.clip(lo, hi, out=y): the method spells its bounds min, max)
        args = [call.func.value] + args
    out = [k.value for k in call.keywords if k.arg == "out"]
    if len(out) != 1 or any(k.arg is None for k in call.keywords) or \
            any(isinstance(a, gast.Starred) for a in args):
        return None
    if isinstance(fn, np.ufunc):
        if fn.nout != 1 or len(args) != fn.nin or len(call.keywords) != 1:
            return None  # (where=, dtype=, casting=: refused)
    elif fn not in OUT_WRITERS:
        return None
    target = out[0].elts[0] if isinstance(out[0], gast.Tuple) and len(out[0].elts) == 1 \
        else out[0]
    if not _named_array(target, norm):
        return None
    rest = [k for k in call.keywords if k.arg != "out"]
    return target, gast.Call(func=norm.ref(fn), args=args, keywords=rest)


def out_written(norm: Normalizer, call: gast.Call) -> gast.expr | None:
    """``y = np.clip(x, 0, 1, out=z)``: the write ``z[...] = np.clip(x, 0, 1)`` emitted,
    and ``z`` the call's value (the very array, as NumPy returns it); None for a call
    :func:`_ufunc_written` does not take."""
    written = _ufunc_written(norm, call)
    if written is None:
        return None
    array, value = written
    _every_item(norm, array, value, call)
    result = copy.deepcopy(array)
    for n in gast.walk(result):
        if hasattr(n, "ctx"):
            n.ctx = gast.Load()
    return norm.expr(result)
