"""Part of stage 3b: assignments in core form, and the calls that assign in place.

``a, b = pair`` binds each name (from the tuple's items when they are known);
``x[i] = v`` is ``x = setitem(x, i, v)`` (done in place later: see :mod:`alias`);
``xs.append(v)`` is ``xs = list_append(xs, v)``; ``np.add.at(a, i, b)`` is
``a = scatter_add(a, i, b)``; ``y.sort()``, ``a.fill(v)`` and ``np.add(a, b, out=c)`` write
every item (``y[...] = np.sort(y)``: :mod:`in_place_methods`); ``dg = s2sad.grad(g)`` makes
calls of ``dg`` use the derivative.
"""
from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import field_writes, lazy_reads, sequences, sets
from s2sad.compiler.container_calls import (
    CONTAINER_CHANGES,
    default_written,
    is_set_default,
    named_receiver,
)
from s2sad.compiler.flat_writes import flat_index, flat_target, library_written, write_at
from s2sad.compiler.frozen_distributions import frozen_made
from s2sad.compiler.in_place_methods import array_written
from s2sad.compiler.local_functions import passed_function
from s2sad.compiler.loops import keys_if_dict
from s2sad.compiler.names import assign, const, load, root_name
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


def normalize_assign(norm: Normalizer, s: gast.Assign) -> None:
    """``target = value``; ``f = lambda ...`` assigned once is a nested def."""
    if isinstance(s.value, gast.Lambda) and isinstance(s.targets[0], gast.Name) and \
            norm.stores[s.targets[0].id] == 1:  # f = lambda y: ...: as a nested def
        from s2sad.compiler.inlining import nested_function
        norm.local_defs[s.targets[0].id] = nested_function(norm, s)
        return
    if isinstance(s.value, gast.Lambda):
        raise norm.error(s, "a lambda bound to a name more than once, or returned on more "
                         "than one path", "define each function with a def of its own name, "
                         "and call the one you need")
    if isinstance(s.value, gast.Name) and s.value.id in norm.local_defs and \
            isinstance(s.targets[0], gast.Name) and \
            _another_name(norm, s.targets[0].id, s.value.id, s):  # g = f of a local def
        return
    if _partial_made(norm, s) or frozen_made(norm, s):
        return
    lazy_reads.refuse_bound_iterator(norm, s)
    assign_target(norm, s.targets[0], s.value, s)


def _partial_made(norm: Normalizer, s: gast.Assign) -> bool:
    """``k = functools.partial(f, a, b=c)`` bound once: its calls ``k(x)`` become
    ``f(a, x, b=c)`` (:mod:`calls`), the bound values taken here, as ``partial`` takes
    them; the name is not otherwise a value."""
    value, target = s.value, s.targets[0]
    if not (isinstance(value, gast.Call) and isinstance(target, gast.Name) and value.args
            and norm.resolve(value.func) is functools.partial and
            norm.stores[target.id] == 1 and
            not any(isinstance(a, gast.Starred) for a in value.args) and
            all(k.arg is not None for k in value.keywords)):
        return False
    taken = [held_now(norm, a) for a in value.args[1:]]
    keywords = [gast.keyword(arg=k.arg, value=held_now(norm, k.value)) for k in value.keywords]
    norm.partials[target.id] = (value.args[0], taken, keywords)
    return True


def held_now(norm: Normalizer, value: gast.expr) -> gast.expr:
    """``value`` as an object holds it when made (a partial's arguments, a frozen
    distribution's parameters): a variable read through a name of its own, so binding
    the variable again later does not change it (``k = partial(f, mu); mu = 10.0;
    k(x)`` reads the old ``mu``; it read the new one); other values are new temps."""
    atom = norm.atom(value)
    if isinstance(value, gast.Name) and isinstance(atom, gast.Name):
        return norm.temp(atom, f"{value.id}_held", value)
    return atom


def _another_name(norm: Normalizer, name: str, def_name: str, s: gast.AST) -> bool:
    """``g = f`` of a local def, ``f = make(w)`` of a helper returning a function it made
    (:mod:`local_functions`): ``name`` another name of that def, if bound once (True);
    bound again, False where the def reads none of the function's variables (bound as
    the module-level function it equals), else refused."""
    if norm.stores[name] != 1:
        from s2sad.compiler.local_functions import closed
        if closed(norm.local_defs[def_name]) is not None:
            return False
        raise norm.error(s, f"{name}, bound to a function made inside the function and "
                         "bound again", "give each function a name of its own")
    norm.local_defs[name] = norm.local_defs[def_name]
    return True


def assign_target(norm: Normalizer, target: gast.expr, value: gast.expr, s: gast.AST) -> None:
    if isinstance(target, gast.Name):
        assign_name(norm, target.id, value, s)
    elif isinstance(target, (gast.Tuple, gast.List)) and any(
            isinstance(e, gast.Starred) for e in target.elts):
        _assign_starred(norm, target, value, s)
    elif isinstance(target, (gast.Tuple, gast.List)):
        whole = norm.atom(value)
        items = norm.literals.get(getattr(whole, "id", None))
        stored = {norm.name(n.id) for n in walk(target) if isinstance(n, gast.Name)}
        if items is not None and len(items) == len(target.elts) and not any(
                isinstance(i, gast.Name) and i.id in stored for i in items):
            for elt, item in zip(target.elts, items):  # a, b = (p, q): no tuple needed
                if isinstance(item, gast.Name) and item.id not in norm.locals:
                    norm.locals.add(item.id)  # a final name made by an inlined helper
                    norm.rename[item.id] = item.id
                assign_target(norm, elt, item, s)
            return
        whole = keys_if_dict(norm, value, whole)  # (``a, b = d``: a dict's keys)
        for i, elt in enumerate(target.elts):
            assign_target(norm, elt, gast.Subscript(value=whole, slice=const(i),
                                                   ctx=gast.Load()), s)
    elif flat_target(norm, target) is not None:  # a.flat[i] = v
        write_at(norm, s, flat_target(norm, target), runtime.flat_positions,
                 [flat_index(target.slice)], value)
    elif isinstance(target, gast.Subscript):
        assign_item(norm, target, value, s)
    elif isinstance(target, gast.Attribute):
        field_writes.field_written(norm, target, value, s)
    else:
        raise norm.error(s, "assignment target", "assign to a name, a tuple or x[index]")


def _assign_starred(norm: Normalizer, target: gast.Tuple | gast.List, value: gast.expr,
                    s: gast.AST) -> None:
    """``a, *rest, z = xs``: ``a = xs[0]``, ``rest = list(xs[1:-1])``, ``z = xs[-1]``."""
    whole = keys_if_dict(norm, value, norm.atom(value))
    at = next(i for i, e in enumerate(target.elts) if isinstance(e, gast.Starred))
    after = len(target.elts) - at - 1
    for i, elt in enumerate(target.elts):
        if i == at:
            part = gast.Subscript(value=copy.copy(whole), slice=gast.Slice(
                lower=const(at), upper=const(-after) if after else None, step=None),
                ctx=gast.Load())
            assign_target(norm, elt.value, gast.Call(func=load("list"), args=[part],
                                                     keywords=[]), s)
        else:
            place = const(i) if i < at else const(i - len(target.elts))
            assign_target(norm, elt, gast.Subscript(value=copy.copy(whole), slice=place,
                                                    ctx=gast.Load()), s)


def assign_item(norm: Normalizer, target: gast.Subscript, value: gast.expr, s: gast.AST,
                nested: bool = False) -> None:
    """``x[i] = v`` as ``x = setitem(x, i, v)`` (in place: see :mod:`alias`);
    ``nested``: ``v`` is ``x[i]`` written in place (``x[i][j] = w``)."""
    if isinstance(target.value, gast.Attribute) and \
            field_writes.built_record(norm, target.value.value) is not None:
        inner = copy.copy(target)  # r.cache['h'] = v: into the field taken out
        field_writes.through_field(norm, target.value, s, lambda item: assign_item(
            norm, gast.Subscript(value=item, slice=inner.slice, ctx=gast.Store()), value,
            s, nested))
        return
    base = copy.deepcopy(target.value)
    for n in walk(base):
        if hasattr(n, "ctx"):
            n.ctx = gast.Load()
    item = norm.atom(value)
    followed = isinstance(target.value, gast.Name) and target.value.id in norm.tracked
    if followed and isinstance(item, gast.Name) and norm.stores.get(item.id, 0) > 1:
        item = norm.temp(item, "item", s)  # the item as it is now
    call = gast.Call(func=load("setitem"), args=[
        norm.atom(base), norm.index_value(target.slice), item], keywords=[])
    if isinstance(target.value, gast.Name):
        stmt = assign(norm.name(target.value.id), call)
        # a list's item replaced, not written into (xs[0] += v writes into the item: an
        # array held there changes in place, for every name holding it)
        stmt.s2sad_item_replaced = not nested and not getattr(s, "s2sad_augmented", False)
        stmt.s2sad_item_write = True  # (x[i] = v: in place; a setitem call is a copy)
        norm.emit(stmt, s)
        if followed:
            sequences.written(norm, norm.name(target.value.id), target.slice, item)
    elif isinstance(target.value, gast.Subscript):
        assign_item(norm, target.value, norm.temp(call, "updated", s), s, nested=True)
    elif isinstance(target.value, gast.Attribute) and target.value.attr == "T":
        # a.T[1] = v: the transpose written, then all of a written from it (a[...] = .T)
        updated = norm.temp(call, "updated", s)
        whole = gast.Subscript(value=target.value.value, slice=const(Ellipsis),
                               ctx=gast.Store())
        assign_item(norm, whole, gast.Attribute(value=updated, attr="T", ctx=gast.Load()),
                    s, nested=True)
    else:
        assign_target(norm, target.value, norm.temp(call, "updated", s), s)


def _fixed(norm: Normalizer, e: gast.expr) -> bool:
    """A literal, a name bound once, or a global's attribute (``[np.sin, np.cos]``)."""
    if isinstance(e, gast.Attribute):
        root = root_name(e)
        return root is not None and root not in norm.locals
    return isinstance(e, gast.Constant) or isinstance(e, gast.Name) and \
        norm.stores.get(e.id, 0) <= 1


def assign_name(norm: Normalizer, name: str, value: gast.expr, s: gast.AST) -> None:
    from s2sad.compiler.inner_derivatives import derivative_made
    made = derivative_made(norm, value)
    if made is not None:  # dg = s2sad.grad(g): calls of dg use the derivative
        norm.callables[name] = made
        return
    items = sequences.copied_items(norm, value) if name in norm.tracked else None
    made = norm.expr(value, base=name)
    if isinstance(made, gast.Name) and made.id in norm.local_defs:
        if _another_name(norm, name, made.id, s):  # f = make(w): the function it made
            return
        made = norm.closed_value(made.id)  # (bound again: as the global it equals)
        assert made is not None  # (_another_name said so)
    stmt = assign(norm.name(name), made)
    field_writes.record_bound(norm, name, made, s)  # (v = make(w): known as a record)
    if name in norm.tracked:  # items known statement by statement, or not at all
        norm.literals.pop(stmt.targets[0].id, None)
        if items is not None:
            norm.literals[stmt.targets[0].id] = items
    if isinstance(stmt.value, (gast.Tuple, gast.List)) and \
            norm.stores.get(name, 0) == 1 and all(
                _fixed(norm, e) for e in stmt.value.elts):  # params = (w, b): its items
        norm.literals[stmt.targets[0].id] = stmt.value.elts
    stmt.s2sad_augmented = getattr(s, "s2sad_augmented", False)
    if stmt.s2sad_augmented and isinstance(stmt.value, gast.BinOp):
        stmt.value.s2sad_augmented = True  # (the shape facts: an array keeps its shape)
    norm.emit(stmt, s)
