"""Part of stage 3b: the NumPy calls that write into a named array by its flat
positions, as item writes the alias stage follows (:func:`assignments.assign_item`):

- ``a.flat[i] = v`` is ``at = flat_positions(a, i); a[at] = cycled(v, at)``;
- ``np.put(a, ind, v, mode)`` the same, ``mode`` ("wrap", "clip") applied to ``ind``;
- ``np.fill_diagonal(a, v, wrap)`` the same at ``diagonal_positions(a, wrap)``;
- ``np.copyto(dst, src)`` is ``dst[...] = src``; with ``where=m``,
  ``dst[...] = np.where(m, src, dst)``;
- ``np.put_along_axis(a, ind, v, axis)`` is ``a[at] = np.broadcast_to(v, ...)`` at
  ``along_axis_positions(a, ind, axis)`` (``v`` broadcast, not repeated).

``cycled`` repeats ``v`` in turn to the number of positions, as NumPy's flat writes do.
Positions written twice keep the last value, in both.  Other keywords (``casting=``)
stay refused at the line (:func:`primitives.refuse_hidden_write`).
"""
from __future__ import annotations

import copy
import inspect
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.names import const

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

# library function -> the helper giving its positions, and its parameters past the array
_POSITIONS: dict[Any, tuple[Any, tuple[str, ...], str]] = {
    np.put: (runtime.flat_positions, ("ind", "mode"), "v"),
    np.fill_diagonal: (runtime.diagonal_positions, ("wrap",), "val"),
}


def library_written(norm: Normalizer, s: gast.stmt, call: gast.expr) -> bool:
    """Emit ``np.put``, ``np.fill_diagonal`` or ``np.copyto`` of a named local array as an
    item write; False for any other call (or one with arguments these do not read)."""
    fn = norm.resolve(call.func) if isinstance(call, gast.Call) else None
    if fn is None or fn not in _POSITIONS and fn not in (np.copyto, np.put_along_axis) or \
            any(isinstance(a, gast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return False
    try:
        bound = inspect.signature(fn).bind(*call.args, **{k.arg: k.value
                                                          for k in call.keywords})
    except TypeError:
        return False
    given = dict(bound.arguments)
    array = given.pop("a", given.pop("dst", given.pop("arr", None)))
    if fn is np.copyto and _item_of_local(norm, array):  # np.copyto(B[0], v)
        return _copied(norm, s, array, given)
    if not norm.is_local(array):
        return False
    if fn is np.put_along_axis:
        return _put_along(norm, s, array, given)
    helper, params, value = _POSITIONS[fn]
    extra = [given[p] for p in params if p in given]
    if len(extra) != len(given) - 1 or not all(p in given for p in params[:len(extra)]):
        return False
    write_at(norm, s, array, helper, extra, given[value])
    return True


def _put_along(norm: Normalizer, s: gast.stmt, array: gast.Name, given: dict) -> bool:
    """``np.put_along_axis(a, ind, v, axis)`` as ``a[at] = np.broadcast_to(v, ...)``,
    ``at = along_axis_positions(a, ind, axis)``: ``v`` broadcast to the positions."""
    from s2sad.compiler.assignments import assign_item
    if set(given) != {"indices", "values", "axis"}:
        return False
    where = norm.temp(_at(gast.Call(func=norm.ref(runtime.along_axis_positions), args=[
        norm.atom(array), norm.atom(given["indices"]), norm.atom(given["axis"])],
        keywords=[]), s), "at", s)
    first = gast.Subscript(value=copy.deepcopy(where), slice=const(0), ctx=gast.Load())
    shape = gast.Call(func=norm.ref(np.shape), args=[first], keywords=[])
    values = norm.temp(_at(gast.Call(func=norm.ref(np.broadcast_to), args=[
        norm.atom(given["values"]), shape], keywords=[]), s), "values", s)
    target = gast.Subscript(value=copy.deepcopy(array), slice=where, ctx=gast.Store())
    assign_item(norm, _at(target, s), _at(values, s), s)
    return True


def _item_of_local(norm: Normalizer, e: Any) -> bool:
    """A local array or an item of one (``B``, ``B[0]``, ``B[:, 1:]``)."""
    while isinstance(e, gast.Subscript):
        e = e.value
    return norm.is_local(e)


def write_at(norm: Normalizer, s: gast.stmt, array: gast.Name, helper: Any, extra: list,
             value: gast.expr) -> None:
    """``array[at] = cycled(value, at)``, ``at = helper(array, *extra)``."""
    from s2sad.compiler.assignments import assign_item
    where = norm.temp(_at(gast.Call(func=norm.ref(helper), args=[
        norm.atom(array)] + [norm.atom(e) for e in extra], keywords=[]), s), "at", s)
    values = norm.temp(gast.Call(func=norm.ref(runtime.cycled), args=[
        norm.atom(value), copy.deepcopy(where)], keywords=[]), "values", s)
    target = gast.Subscript(value=copy.deepcopy(array), slice=where, ctx=gast.Store())
    assign_item(norm, _at(target, s), _at(values, s), s)


def _copied(norm: Normalizer, s: gast.stmt, dst: gast.Name, given: dict) -> bool:
    """``np.copyto(dst, src[, where=m])`` as ``dst[...] = src`` (``np.where(m, src, dst)``)."""
    from s2sad.compiler.assignments import assign_item
    if set(given) - {"src", "where"}:
        return False  # (casting=: refused at the line)
    value = given["src"]
    if "where" in given:
        value = gast.Call(func=norm.ref(np.where), args=[given["where"], value,
                                                          copy.deepcopy(dst)], keywords=[])
    every = gast.Subscript(value=copy.deepcopy(dst), slice=const(Ellipsis), ctx=gast.Store())
    assign_item(norm, _at(every, s), _at(value, s), s)
    return True


def _at(node: gast.AST, s: gast.stmt) -> gast.AST:
    """The nodes made here placed at the user's statement (errors name its line)."""
    for n in gast.walk(node):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            gast.copy_location(n, s)
    return node


def flat_target(norm: Normalizer, target: gast.expr) -> gast.Name | None:
    """The named local array of an ``a.flat[i]`` assignment target, or None."""
    base = target.value if isinstance(target, gast.Subscript) else None
    if isinstance(base, gast.Attribute) and base.attr == "flat" and norm.is_local(base.value):
        return base.value
    return None


def flat_index(index: gast.expr) -> gast.expr:
    """``a.flat[1:7:2]``'s index as an argument: ``slice(1, 7, 2)``."""
    if not isinstance(index, gast.Slice):
        return index
    parts = [const(None) if p is None else p for p in (index.lower, index.upper, index.step)]
    return gast.Call(func=gast.Name(id="slice", ctx=gast.Load(), annotation=None,
                                    type_comment=None), args=parts, keywords=[])


def flat_read(norm: Normalizer, node: gast.Subscript) -> gast.expr | None:
    """``a.flat[i]`` read, of an array: ``np.ravel(a)[i]``, copied where that is a view
    (``a.flat[1:3]`` is a new array); None for any other item."""
    base = node.value
    if not isinstance(base, gast.Attribute) or base.attr != "flat" or \
            norm.resolve(base) is not None:
        return None
    item = gast.Subscript(value=gast.Call(func=norm.ref(np.ravel), args=[base.value],
                                          keywords=[]), slice=node.slice, ctx=gast.Load())
    if isinstance(node.slice, gast.Slice):
        item = gast.Call(func=norm.ref(np.copy), args=[item], keywords=[])
    return _at(item, node)
