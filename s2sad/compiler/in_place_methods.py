"""Part of stage 3b: NumPy calls that change a named array in place, as writes of every
item of it (``y[...] = value``), which the alias stage follows like any item write (the
other names surely holding the array bound again, a view written back into its base, or
refused at the line):

- ``y.sort(axis)`` is ``y[...] = np.sort(y, axis)`` (the same sort: NumPy's, same kind);
- ``a.fill(v)`` is ``a[...] = v`` (the array's dtype rounds ``v`` as ``fill`` does);
- ``np.multiply(a, b, out=c)`` (a ufunc given ``out``, the call a statement of its own) is
  ``c[...] = np.multiply(a, b)``: the ufunc broadcasts its inputs to ``out``'s shape, as
  the write does.

Only where the result is exactly Python's: an ``order=`` sort (of structured arrays), a
sort of no axis (``ndarray.sort(axis=None)`` raises), a ufunc with ``where=``, ``dtype=``
or ``casting=``, or one whose value is used, stays refused (:mod:`calls`).
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import gast
import numpy as np

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
    from s2sad.compiler.assignments import assign_item
    array, value = written
    every = gast.Subscript(value=copy.deepcopy(array), slice=gast.Constant(
        value=Ellipsis, kind=None), ctx=gast.Store())
    assign_item(norm, every, value, s)
    return True


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


def _ufunc_written(norm: Normalizer, call: gast.Call) -> tuple | None:
    """(``out`` array, the ufunc's value without it) of a ufunc call given ``out=c`` (or
    ``out=(c,)``) for a named array or an item of one, with no other keyword."""
    ufunc = norm.resolve(call.func)
    if not isinstance(ufunc, np.ufunc) or ufunc.nout != 1 or len(call.args) != ufunc.nin:
        return None
    out = [k.value for k in call.keywords if k.arg == "out"]
    if len(call.keywords) != 1 or len(out) != 1:
        return None
    target = out[0].elts[0] if isinstance(out[0], gast.Tuple) and len(out[0].elts) == 1 \
        else out[0]
    if not _named_array(target, norm):
        return None
    return target, gast.Call(func=call.func, args=call.args, keywords=[])
