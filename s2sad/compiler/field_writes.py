"""Part of stage 3b: writes into the attributes of an object built inside the function.

An object of the user's class made here is a record (:mod:`class_records`,
:mod:`dataclass_built`), so a method storing into ``self`` (``self.total += v``,
``self.cache['h'] = h``, ``self.history.append(y)``) is a new record with that field
replaced: ``m = field_set(m, 'total', t)``, which the alias stage treats as it treats
``append`` (every other name holding the record is bound to the new one; the objects
the record holds are not changed by it).  A field written in place (``self.x *= k`` of
an array, ``self.items.append(v)``) is taken out first and written as any local is
(the array's other holders see it), then stored back.  An object that is not built
here (an argument, a global model) is refused: Python changes the caller's object."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

import gast

from s2sad import runtime
from s2sad.compiler.class_records import record_fields
from s2sad.compiler.container_calls import CONTAINER_CHANGES
from s2sad.compiler.names import assign, const, load
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def built_record(norm: Normalizer, node: gast.expr) -> str | None:
    """The name (as the user wrote it) of the record built inside that ``node`` holds."""
    if not isinstance(node, gast.Name):
        return None
    if node.id in norm.built:
        return node.id
    return next((p for p in norm.built if norm.rename.get(p) == node.id), None)


def record_bound(norm: Normalizer, name: str, made: gast.expr, s: gast.AST) -> None:
    """``v = make(w)``, ``v = v.scaled(k)`` of calls returning a record built in them:
    ``v`` known as a record of that class, bound once, or at every binding (each checked
    here as it is normalized, their number by :func:`bindings_checked` at the end: the
    methods of ``v`` inlined before a later binding are right only if it is one too)."""
    record = norm.instances.get(made.id) if isinstance(made, gast.Name) and \
        made.id in norm.built else None
    tentative = norm.tentative.get(name)
    if tentative is not None and tentative[0] is not record:
        _not_one_class(norm, name, s)
    elif tentative is not None:
        tentative[1] += 1
    elif record is not None and name not in norm.instances:
        norm.instances[name] = record
        norm.built.add(name)
        if norm.stores[name] > 1:
            norm.tentative[name] = [record, 1, False]  # (class, bindings, methods read)


def _not_one_class(norm: Normalizer, name: str, node: gast.AST) -> None:
    """``name`` is not always a record of one class: refused where its methods were read
    as that class's, else no longer known as one."""
    cls, _, read = norm.tentative.pop(name)
    if read:
        raise norm.error(node, f"{name} bound to an object of class {cls.__name__} and, "
                         "elsewhere, to another value", f"keep one kind of value in "
                         f"{name}, or use another name")
    norm.instances.pop(name, None)
    norm.built.discard(name)


def bindings_checked(norm: Normalizer) -> None:
    """Every binding of a name :func:`record_bound` took for a record at its first was
    one (a loop's target, or a binding made another way, is not checked: refused); the
    bindings of a branch decided not to run (``Normalizer.stmt_If``) need no check."""
    for name, (_, seen, _) in list(norm.tentative.items()):
        if seen + norm.dropped[name] != norm.stores[name]:  # (a branch decided: its
            # bindings never run; a loop unrolled reads its branches again: not equal)
            _not_one_class(norm, name, norm.src.node)


def fields_stored(node: gast.FunctionDef) -> list[str]:
    """Parameters a helper stores attributes of (``self.total = v``, ``self.cache[k] =
    v``, ``self.items.append(v)``): given a record the caller built, a new one replaces
    it there after the call."""
    params = [a.id for a in node.args.args + node.args.kwonlyargs]
    found: set[str] = set()
    for n in walk(node):
        targets = n.targets if isinstance(n, gast.Assign) else \
            [n.target] if isinstance(n, gast.AugAssign) else []
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in CONTAINER_CHANGES:
            targets = [n.func.value]
        for t in targets:
            while isinstance(t, gast.Subscript):
                t = t.value
            if isinstance(t, gast.Attribute) and isinstance(t.value, gast.Name):
                found.add(t.value.id)
    return [p for p in params if p in found]


def field_written(norm: Normalizer, target: gast.Attribute, value: gast.expr,
                  s: gast.AST) -> None:
    """``r.a = v`` (``r.a += v``: in place where ``r.a`` is an array) of a record ``r``
    built here: ``r = field_set(r, 'a', v)``; any other object's attribute refused."""
    record = _record_of(norm, target, s)
    if getattr(s, "s2sad_augmented", False) and isinstance(value, gast.BinOp):
        item = _taken_out(norm, target, s)  # r.a += v: the field's array written in place
        changed = assign(item.id, norm.expr(gast.BinOp(left=item, op=value.op,
                                                       right=value.right)))
        changed.s2sad_augmented = True
        changed.s2sad_written_back = (norm.name(record),)
        norm.emit(changed, s)
        value = item
    _stored_back(norm, record, target.attr, norm.atom(value), s)


def through_field(norm: Normalizer, place: gast.Attribute, s: gast.AST,
                  write: Callable[[gast.Name], None]) -> None:
    """A write into the object field ``place`` of a record built here holds
    (``r.cache['h'] = v``, ``r.items.append(v)``): the field taken out, ``write`` run on
    it (a write of a local, checked by the alias stage), the field stored back."""
    record = _record_of(norm, place, s)
    item = _taken_out(norm, place, s)
    write(item)
    for stmt in reversed(norm.out):  # (the record is stored right after: not refused)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and \
                stmt.targets[0].id == item.id:
            stmt.s2sad_written_back = (norm.name(record),)
            break
    _stored_back(norm, record, place.attr, item, s)


def replaced(norm: Normalizer, node: gast.Call, class_of: Callable) -> gast.Name | None:
    """``dataclasses.replace(p, u=v)`` of a record (built here, or a dataclass argument):
    a new record, ``field_set(p, 'u', v)`` for each field given, known as one of its
    class; else None (the call as it is)."""
    cls = class_of(norm, node.args[0]) if len(node.args) == 1 else None
    fields = record_fields(cls) if cls is not None else None
    if cls is None or fields is None or not node.keywords or \
            any(k.arg not in fields for k in node.keywords):
        return None
    made: gast.expr = norm.atom(node.args[0])
    for k in node.keywords:
        made = norm.temp(gast.Call(func=norm.ref(runtime.field_set), args=[
            made, const(k.arg), norm.atom(k.value)], keywords=[]), "replaced", node)
    assert isinstance(made, gast.Name)
    norm.instances[made.id] = cls
    norm.built.add(made.id)
    return made


ARRAY_FIELDS = {  # an array's attributes a write changes in place, and the new-array form
    "shape": "y = np.reshape(y, shape)", "dtype": "y = y.view(dtype) or y.astype(dtype)",
    "real": "y = v + 1j * np.imag(y)", "imag": "y = np.real(y) + 1j * v",
    "flat": "y = np.full_like(y, v) or a reshaped copy", "strides": "np.lib.stride_tricks",
    "T": "y = np.transpose(v)",
}


def _record_of(norm: Normalizer, target: gast.Attribute, s: gast.AST) -> str:
    record = built_record(norm, target.value)
    if record is None and target.attr in ARRAY_FIELDS:
        raise norm.error(s, f"assignment to .{target.attr}: it changes the array (or "
                         "object) in place, for every name of it, which s2sad does not follow",
                         f"make a new array instead, {ARRAY_FIELDS[target.attr]}")
    if record is None:
        raise norm.error(s, "assignment to an attribute of an object passed in, or held in "
                         "a list or another object", "Python changes the object where it "
                         "is held, which s2sad does not follow there; keep the value in a "
                         "local variable and return it")
    if record in norm.tentative:  # (stored into as its class's: each binding must be one)
        norm.tentative[record][2] = True
    cls = norm.instances.get(record)
    params = getattr(cls, "__dataclass_params__", None)
    if params is not None and params.frozen:
        raise norm.error(s, f"assignment to .{target.attr} of a frozen dataclass",
                         "Python raises FrozenInstanceError here; build a new object "
                         "(dataclasses.replace) instead")
    fields = record_fields(cls) if cls is not None else None
    if fields is None or target.attr not in fields:
        raise norm.error(s, f"a method storing .{target.attr}, which __init__ does not "
                         "store", f"set self.{target.attr} in __init__ first")
    if target.attr in norm.fields.get(record, {}):
        raise norm.error(s, f"the function stored in .{target.attr} replaced",
                         "pass the function to __init__ instead")
    return record


def _taken_out(norm: Normalizer, place: gast.Attribute, s: gast.AST) -> gast.Name:
    read = copy.deepcopy(place)
    read.ctx = gast.Load()
    return norm.temp(norm.expr(read), place.attr, s)


def _stored_back(norm: Normalizer, record: str, field: str, value: gast.expr,
                 s: gast.AST) -> None:
    name = norm.name(record)
    stmt = assign(name, gast.Call(func=norm.ref(runtime.field_set),
                                  args=[load(name), const(field), value], keywords=[]))
    stmt.s2sad_augmented = True  # (the record changes for every name holding it)
    norm.emit(stmt, s)
