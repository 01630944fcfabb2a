"""Part of stage 3b: the calls that change a local list, dict or array in place, emitted
as assignments (:mod:`assignments` writes them in core form).

``xs.append(v)`` is ``xs = list_append(xs, v)``; ``d[k].append(v)`` takes the item out,
appends, writes it back; ``xs.sort()`` and ``xs.reverse()`` write every item;
``d.update({...})`` writes its keys; ``np.add.at(a, i, b)`` is ``a = scatter_add(a, i, b)``;
``y.sort()``, ``a.fill(v)`` and ``np.add(a, b, out=c)`` write every item
(:mod:`in_place_methods`); any other change in place of a local list or dict is refused,
a list or dict from outside the function where the function reads it back.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import field_writes, inner_tapes, sets
from s2sad.compiler.assignments import assign_item, assign_target
from s2sad.compiler.container_calls import (
    CONTAINER_CHANGES,
    default_written,
    is_set_default,
    named_receiver,
)
from s2sad.compiler.flat_writes import library_written
from s2sad.compiler.in_place_methods import array_written
from s2sad.compiler.local_functions import passed_function
from s2sad.compiler.names import assign, const, load
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

LIST_METHODS = (("append", "list_append"), ("extend", "list_concat"), ("insert", "list_insert"))


def in_place_call(norm: Normalizer, s: gast.Expr) -> bool:
    """A call statement that changes a local list or array, emitted as an assignment
    (``xs.append(v)``: ``xs = list_append(xs, v)``); False for any other call."""
    call = named_receiver(norm, s.value)
    if _changes_local(norm, s, call):
        return True
    if call is not s.value:  # its receiver named first: called as it is
        norm.emit(gast.Expr(value=norm.expr(call)), s)
    return call is not s.value


def _changes_local(norm: Normalizer, s: gast.Expr, call: gast.expr) -> bool:
    """A change of a local list, item, array or dict, emitted as assignments."""
    if _field_changed(norm, s, call):
        return True
    for method, helper in LIST_METHODS:
        if norm.method_of_local(call, method):
            xs = norm.name(call.func.value.id)
            value = gast.Call(func=load(helper), args=[load(xs)] + [
                _appended(norm, a) for a in call.args],
                keywords=[])  # (fs.append(lambda t: ...): the lambda's local def)
            changed = assign(xs, value)
            changed.s2sad_augmented = True  # (in place: xs.extend(ys) is xs += ys)
            inner_tapes.carried(call, changed)
            norm.emit(changed, s)
            return True
    return _list_reordered(norm, s, call) or _item_changed(norm, s, call) or \
        sets.set_changed(norm, s, call) or \
        array_written(norm, s, call) or \
        library_written(norm, s, call) or _rewritten_mutation(norm, s, call) or \
        _ufunc_at(norm, s, call)


def _appended(norm: Normalizer, a: gast.expr) -> gast.expr:
    """What ``xs.append(a)`` puts in: a def of the function's reading none of its
    variables as the module-level function it equals (its calls through the list then
    known, or made at run time), another one as its name; else the value."""
    made = passed_function(norm, a)
    if made is None:
        return norm.atom(a)
    return norm.closed_value(made.id) or made if made.id in norm.local_defs else made


def _field_changed(norm: Normalizer, s: gast.Expr, call: gast.expr) -> bool:
    """``r.items.append(v)`` of a record ``r`` built here: the list taken out, appended
    to, stored back (:mod:`field_writes`)."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and
            isinstance(call.func.value, gast.Attribute) and
            field_writes.built_record(norm, call.func.value.value) is not None and
            call.func.attr in CONTAINER_CHANGES):
        return False
    method = call.func.attr
    if method not in dict(LIST_METHODS):
        raise norm.error(s, f".{method}() of an object's attribute changes it in place",
                         "build the new value and store it: self.a = ...")

    def append(item: gast.Name) -> None:
        changed = assign(item.id, gast.Call(func=load(dict(LIST_METHODS)[method]), args=[
            load(item.id)] + [norm.atom(a) for a in call.args], keywords=[]))
        changed.s2sad_augmented = True
        norm.emit(changed, s)
    field_writes.through_field(norm, call.func.value, s, append)
    return True


def _list_reordered(norm: Normalizer, s: gast.Expr, call: gast.expr) -> bool:
    """``xs.sort(key=..., reverse=...)`` of a name surely holding a list, or given those
    keywords (an array's ``sort`` is another: :mod:`in_place_methods`) is
    ``xs[:] = sorted(xs, ...)``, a write of every item, which the names sharing the list
    see (as ``xs.reverse()``)."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and
            call.func.attr == "sort" and isinstance(call.func.value, gast.Name) and
            (call.func.value.id in norm.sequences or _list_keywords(call)) and
            norm.is_local(call.func.value) and not call.args):
        return False
    name = call.func.value
    value = gast.Call(func=norm.ref(sorted), args=[copy.copy(name)], keywords=call.keywords)
    every = gast.Slice(lower=None, upper=None, step=None)
    assign_target(norm, gast.Subscript(value=copy.copy(name), slice=every, ctx=gast.Store()),
                  gast.copy_location(value, call), s)
    return True


def _list_keywords(call: gast.Call) -> bool:
    """``v.sort(reverse=True)``, ``v.sort(key=abs)``: keywords only a list's sort takes."""
    return bool(call.keywords) and all(k.arg in ("key", "reverse") for k in call.keywords)


def _item_changed(norm: Normalizer, s: gast.Expr, call: gast.expr) -> bool:
    """``d[k].append(v)`` of a local ``d``: the list it holds changes, and ``d`` with it,
    as ``item = d[k]; item = list_append(item, v); d[k] = item``. The append may skip
    ``d`` when the alias stage looks for the names sharing the list (``d`` is written
    right after); any other name holding it is refused there."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and
            isinstance(call.func.value, gast.Subscript)):
        return False
    root = call.func.value
    while isinstance(root, gast.Subscript):
        root = root.value
    helper = dict(LIST_METHODS).get(call.func.attr)
    if helper is None or not norm.is_local(root):
        return False
    place = call.func.value
    item = norm.temp(norm.expr(copy.deepcopy(place)), "item", s)
    changed = assign(item.id, gast.Call(func=load(helper), args=[load(item.id)] + [
        norm.atom(a) for a in call.args], keywords=[]))
    changed.s2sad_written_back = (norm.name(root.id),)
    changed.s2sad_augmented = True
    norm.emit(changed, s)
    target = copy.deepcopy(place)
    target.ctx = gast.Store()
    assign_item(norm, target, load(item.id), s)
    return True


# methods that change a local list or dict in place, and what to write instead
CHANGED_IN_PLACE = {"remove": "xs = [v for v in xs if ...]", "clear": "xs = [] (or {})",
                    "update": "d[k] = v", "popitem": "v = d[k]", "discard": "a new set",
                    "add": "a new set"}


def _rewritten_mutation(norm: Normalizer, s: gast.stmt, call: gast.expr) -> bool:
    """``xs.reverse()`` is ``xs[:] = xs[::-1]``; ``d.update({'k': v}, m=w)`` of keys written
    there is ``d['k'] = v; d['m'] = w``; ``d.setdefault(k, v)`` is ``if k not in d: d[k] =
    v``.  Any other change in place of a local list or
    dict is refused: the derivative would read the items it had before."""
    if not isinstance(call, gast.Call) or not isinstance(call.func, gast.Attribute):
        return False
    if not norm.is_local(call.func.value):
        _outside_changed(norm, s, call)
        return False
    name, method = call.func.value, call.func.attr
    if method == "reverse" and not call.args and not call.keywords:  # a write of every
        back = gast.Slice(lower=None, upper=None, step=const(-1))  # item: names sharing
        every = gast.Slice(lower=None, upper=None, step=None)  # the list see it
        assign_target(norm, gast.Subscript(value=copy.copy(name), slice=every,
                                           ctx=gast.Store()),
                      gast.Subscript(value=copy.copy(name), slice=back, ctx=gast.Load()), s)
        return True
    written = _update_items(call) if method == "update" else None
    if written is not None:
        for key, value in written:
            target = gast.Subscript(value=copy.copy(name), slice=const(key), ctx=gast.Store())
            assign_target(norm, target, value, s)
        return True
    if is_set_default(norm, call):  # d.setdefault(k, v): if k not in d: d[k] = v
        default_written(norm, call)
        return True
    if method in CHANGED_IN_PLACE and name.id not in norm.instances:  # (else the user's)
        raise norm.error(s, f"{name.id}.{method}() changes {name.id} in place",
                         f"the derivative would read its old items; write "
                         f"{CHANGED_IN_PLACE[method]}")
    return False


def _outside_changed(norm: Normalizer, s: gast.stmt, call: gast.Call) -> None:
    """``LOG.append(v)``, ``self.acts.append(h)``: a list or dict that lives outside the
    function, changed in place.  Refused where the function reads it back (its items
    are a global's to the derivative: their adjoint would be lost), or where it is a
    model's (its other methods may read it); a log only written is left to run."""
    root, chain = call.func.value, gast.dump(call.func.value)
    while isinstance(root, (gast.Attribute, gast.Subscript)):
        root = root.value
    if call.func.attr not in CONTAINER_CHANGES or not isinstance(root, gast.Name):
        return
    nodes = list(walk(norm.src.node))
    uses = sum(isinstance(n, (gast.Name, gast.Attribute)) and isinstance(n.ctx, gast.Load)
               and gast.dump(n) == chain for n in nodes)
    changes = sum(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and
                  n.func.attr in CONTAINER_CHANGES and gast.dump(n.func.value) == chain
                  for n in nodes)
    read = uses > changes  # (read somewhere besides the changes themselves)
    if read or root.id in norm.objects:
        raise norm.error(s, f"{_spelled(call.func.value)}.{call.func.attr}() changes a list "
                         "or dict from outside the function", "the derivative cannot follow "
                         "it; build a local list (or dict) and return it")


def _spelled(node: gast.expr) -> str:
    if isinstance(node, gast.Attribute):
        return f"{_spelled(node.value)}.{node.attr}"
    return node.id if isinstance(node, gast.Name) else "..."


def _update_items(call: gast.Call) -> list | None:
    """(key, value) of ``d.update({...}, k=v)`` when every key is written there."""
    items: list = []
    for arg in call.args:
        if not isinstance(arg, gast.Dict) or not all(
                isinstance(k, gast.Constant) for k in arg.keys):
            return None
        items += [(k.value, v) for k, v in zip(arg.keys, arg.values)]
    if len(call.args) > 1 or any(k.arg is None for k in call.keywords):
        return None
    return items + [(k.arg, k.value) for k in call.keywords]


def _ufunc_at(norm: Normalizer, s: gast.stmt, call: gast.expr) -> bool:
    """``np.add.at(a, idx, b)`` changes ``a`` in place: ``a = scatter_add(a, idx, b)``
    (``np.subtract.at`` alike), a value the derivative goes through."""
    fn = norm.resolve(call.func) if isinstance(call, gast.Call) else None
    ufunc = getattr(fn, "__self__", None)
    if getattr(fn, "__name__", None) != "at" or not isinstance(ufunc, np.ufunc):
        return False
    helpers: dict[np.ufunc, Any] = {np.add: runtime.scatter_add,
                                    np.subtract: runtime.scatter_subtract}
    helper = helpers.get(ufunc)
    if helper is None or len(call.args) != 3 or not norm.is_local(call.args[0]):
        raise norm.error(s, f"np.{ufunc.__name__}.at", "it changes its array in place; "
                         "np.add.at and np.subtract.at of a local array are differentiated, "
                         "write this one out of place (a = a.copy(); ...)")
    target = norm.name(call.args[0].id)
    value = gast.Call(func=norm.ref(helper), args=[load(target), norm.index_value(
        call.args[1]), norm.atom(call.args[2])], keywords=[])
    norm.emit(assign(target, value), s)
    return True
