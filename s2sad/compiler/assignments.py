"""Part of stage 3b: assignments in core form (the calls that assign in place, such as
``xs.append(v)``: :mod:`in_place_calls`).

``a, b = pair`` binds each name (from the tuple's items when they are known);
``x[i] = v`` is ``x = setitem(x, i, v)`` (done in place later: see :mod:`alias`);
``dg = s2sad.grad(g)`` makes calls of ``dg`` use the derivative.
"""
from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING

import gast

from s2sad import runtime
from s2sad.compiler import field_writes, lazy_reads, sequences
from s2sad.compiler.flat_writes import flat_index, flat_target, write_at
from s2sad.compiler.frozen_distributions import frozen_made
from s2sad.compiler.loops import keys_if_dict
from s2sad.compiler.names import assign, const, load, root_name
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


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
        whole = keys_if_dict(norm, value, whole, len(target.elts))  # (``a, b = d``: a
        # dict's keys; as many as the names, or Python raises)
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
