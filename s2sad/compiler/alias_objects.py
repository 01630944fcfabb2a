"""What the alias analysis (:mod:`alias`) knows of calls and objects: which library
functions return views of, or hold, their arguments, which write in place, and how
the objects a name may hold combine (a join of two paths, the one object surely
held whole).

An object is a pair (kind, key): ``("new", id(statement))`` made by a statement,
``("arg", name)`` an argument, ``("outer", name)`` from outside the function,
:data:`NOTHING` a constant; a name holds it ``SAME`` (the object itself) or ``PART`` (a
view, an element).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime

SAME, PART = "same", "part"
# a value that is no object of the analysis (a constant: ``t = 0.5``, ``t = None``): held
# beside an array on another path, it keeps that array from being surely held
NOTHING = ("value", "")
BOUND = "="  # state[BOUND + name]: the binding name has (see _Aliases.bind)
# state[VIEWED + name] of a view: its own statement's mark while its base is not bound
# again since it was taken (on every path: views.ViewWrites.through_every_path)
VIEWED = "^"
# functions whose result may be (a view of) their first argument
VIEWS = {
    np.reshape, np.transpose, np.ravel, np.squeeze, np.expand_dims, np.asarray,
    np.asanyarray, np.atleast_1d, np.atleast_2d, np.atleast_3d, np.swapaxes, np.moveaxis,
    np.diagonal, np.broadcast_to, np.real, np.imag, np.split, np.array_split, np.hsplit,
    np.vsplit, np.dsplit, np.ascontiguousarray, np.asfortranarray, np.flip, np.fliplr,
    np.flipud, np.rot90, np.matrix_transpose, np.conj, np.conjugate, runtime.unbroadcast,
    np.lib.stride_tricks.sliding_window_view, np.lib.stride_tricks.as_strided,
    np.rollaxis, np.trim_zeros, np.asarray_chkfinite, np.real_if_close, np.asmatrix,
    np.linalg.matrix_transpose, np.linalg.diagonal, np.unstack,
    getattr,  # (a record's field: the object it holds, p.x of p = Particle(y))
    runtime.cast_like, runtime.to_float, runtime.repeat_to,
    runtime.reshape_method, runtime.transpose_method,  # x.reshape(...), x.transpose(...)
}
# of those, the ones whose result is an ndarray whatever they are given (a list's
# reshape is an array): its ``.copy()`` is a new array holding nothing
ARRAY_VIEWS = {
    np.reshape, np.transpose, np.ravel, np.squeeze, np.expand_dims, np.asarray,
    np.asanyarray, np.atleast_1d, np.atleast_2d, np.atleast_3d, np.swapaxes, np.moveaxis,
    np.diagonal, np.broadcast_to, np.ascontiguousarray, np.asfortranarray, np.flip,
    np.fliplr, np.flipud, np.rot90, np.matrix_transpose, np.rollaxis, np.asarray_chkfinite,
    np.linalg.matrix_transpose, np.linalg.diagonal,
    runtime.reshape_method, runtime.transpose_method,
}
# functions that return their (array) argument itself
ITSELF = {runtime.iteration_items, runtime.stop_gradient}
# functions whose result holds their arguments (any other library function: a new object)
CONTAINERS = {list, tuple, dict, runtime.list_init, runtime.tuple_init, runtime.dict_init,
              runtime.named_tuple,
              runtime.list_append, runtime.list_concat, runtime.list_insert,
              runtime.list_repeat, runtime.user_cotangents, runtime.field_set}
# types whose call makes a new value that holds none of its arguments
NUMBER_TYPES = {float, int, complex, bool, str}
# functions whose result holds the items of their first argument (its other arguments,
# sorted's key, are not held): a dict's views, sorted lists, their adjoints
HOLDS_FIRST = {runtime.dict_items, runtime.dict_values, sorted, runtime.sorted_like,
               runtime.sorted_adjoint, runtime.items_to_dict, runtime.values_to_dict,
               runtime.items_tangent, runtime.without_keys}
# in-place by nature: ``x = f(x, ...)`` changes the object x holds
WRITES = {runtime.setitem, runtime.write_at, runtime.list_append, runtime.list_concat,
          runtime.list_insert, runtime.add_at, runtime.clear_at, runtime.scatter_add,
          runtime.scatter_subtract, runtime.field_set}
# in-place on a list: the list changes, not the objects it holds
LIST_WRITES = {runtime.list_append, runtime.list_concat, runtime.list_insert,
               runtime.list_repeat, runtime.list_remove, runtime.field_set}
LIBRARIES = ("numpy", "scipy", "math", "builtins", "s2sad")

State = dict[str, frozenset]
ITEM = "[]"  # state[ITEM + "<statement>.<i>"]: what item i of a tuple a statement made holds


def slot_items(s: gast.Assign) -> tuple[tuple, list[gast.expr]] | None:
    """The keys and items of ``t = (a, b)``, ``xs = [a, b]``, ``d = {'p': a}`` (items
    names and constants, keys constant ints or strings: the core form of a swap ``p, q =
    q, p`` and of the user's small containers), whose objects the alias stage keeps slot
    by slot: ``t[0]`` is ``a``'s object, not a part of any item (a list's or dict's slots
    while nothing writes into it: :meth:`alias._Aliases.slots_written`)."""
    value = s.value
    if isinstance(value, (gast.Tuple, gast.List)) and all(
            isinstance(e, (gast.Name, gast.Constant)) for e in value.elts):
        return tuple(range(len(value.elts))), list(value.elts)
    if isinstance(value, gast.Dict) and all(
            isinstance(k, gast.Constant) and type(k.value) in (int, str) for k in value.keys) \
            and all(isinstance(e, (gast.Name, gast.Constant)) for e in value.values):
        keys = tuple(k.value for k in value.keys)
        if len(set(keys)) == len(keys):
            return keys, list(value.values)
    return None


def slot_of(index: Any, keys: tuple) -> int | None:
    """The position of the slot a constant index names (``-1`` of three items: 2)."""
    if type(index) is int and keys == tuple(range(len(keys))):
        return index % len(keys) if -len(keys) <= index < len(keys) else None
    found = [p for p, k in enumerate(keys) if type(k) is type(index) and k == index]
    return found[0] if found else None


def record_items(s: gast.Assign, namespace: dict) -> list[gast.expr] | None:
    """The items of a record ``r = named_tuple(a, b, kind=K)`` (names and constants),
    which the alias stage keeps field by field: ``getattr(r, 'a')`` is ``a``'s object,
    not a part of the record (a record changes by ``field_set`` only)."""
    value = s.value
    if record_kind(value, namespace) is not None and all(
            isinstance(e, (gast.Name, gast.Constant)) for e in value.args):
        return list(value.args)
    return None


def record_kind(value: gast.expr, namespace: dict) -> Any:
    """The record class of ``named_tuple(..., kind=K)``, else None."""
    if not (isinstance(value, gast.Call) and len(value.keywords) == 1 and
            value.keywords[0].arg == "kind" and isinstance(value.keywords[0].value, gast.Name)):
        return None
    from s2sad.compiler.primitives import evaluate_ref
    try:
        fn = evaluate_ref(value.func, namespace)
    except TypeError:
        return None
    return namespace.get(value.keywords[0].value.id) if fn is runtime.named_tuple else None


def field_key(record: gast.expr, name: Any, state: State, fields: dict[int, tuple]
              ) -> str | None:
    """The state key of the field ``name`` of the record ``record`` surely holds (the
    newest of one ``named_tuple`` statement: ``fields``, statement -> its field names)."""
    whole = [o for o, how in state.get(record.id, ()) if how == SAME] \
        if isinstance(record, gast.Name) else []
    if len(whole) != 1 or whole[0][0] != "new" or name not in fields.get(whole[0][1], ()):
        return None
    key = f"{ITEM}{whole[0][1]}.{fields[whole[0][1]].index(name)}"
    return key if key in state else None


def item_key(e: gast.Subscript, state: State, sizes: dict[int, tuple]) -> str | None:
    """The state key of ``t[k]`` (a constant ``k``) where ``t`` surely holds the newest
    container of one statement that keeps its slots (``sizes``: statement -> keys)."""
    index = e.slice
    if not (isinstance(e.value, gast.Name) and isinstance(index, gast.Constant)):
        return None
    whole = [o for o, how in state.get(e.value.id, ()) if how == SAME]
    if len(whole) != 1 or whole[0][0] != "new" or whole[0][1] not in sizes:
        return None
    at = slot_of(index.value, sizes[whole[0][1]])
    if at is None:
        return None
    key = f"{ITEM}{whole[0][1]}.{at}"
    return key if key in state else None


def join(a: State, b: State) -> State:
    return {k: a.get(k, frozenset()) | b.get(k, frozenset()) for k in a.keys() | b.keys()}


def whole_object(held: frozenset) -> Any:
    """The one object a name surely holds whole (the newest made somewhere, or an
    argument), or None."""
    if len(held) != 1:
        return None
    (obj, how), = held
    return obj if how == SAME and obj[0] in ("new", "arg") else None


def same_object(a: frozenset, b: frozenset) -> bool:
    """Do two names surely hold one object (the newest made by one statement, or an
    argument)?  What the object holds (a list's items) does not matter."""
    whole_a = {o for o, how in a if how == SAME}
    whole_b = {o for o, how in b if how == SAME}
    if len(whole_a) != 1 or whole_a != whole_b:
        return False
    (obj,) = whole_a
    if {o for o, how in a if how == PART} != {o for o, how in b if how == PART}:
        return False  # one may be a view of something else (v = x[::-1] on another path)
    return obj[0] in ("new", "arg") and not any(o == obj for o, how in a | b if how == PART)


def repeats(parts: list[frozenset], repeated: bool = False) -> bool:
    """Does a container made of items holding ``parts`` hold one object in two slots
    (``[row, row]``; ``repeated``: ``[row] * n``, every item in n slots)?"""
    objects = [{o for o, _ in held if o != NOTHING} for held in parts]
    if repeated:
        return any(objects)
    return any(a & b for i, a in enumerate(objects) for b in objects[i + 1:])


def as_parts(held: frozenset) -> frozenset:
    return frozenset((o, PART) for o, _ in held)


def may_not_copy(e: gast.Call) -> bool:
    """``x.astype(t, copy=False)``, ``np.array(x, copy=None)``: ``x`` itself when no copy
    is needed (the dtype already matches), which depends on the call's arguments."""
    return any(k.arg == "copy" and not (isinstance(k.value, gast.Constant) and
                                        k.value.value is True) for k in e.keywords)


def einsum_view(e: gast.Call) -> bool:
    """``np.einsum("ii->i", a)`` and ``np.einsum("ij->ji", a)``: NumPy returns a writable
    view of a single operand when no axis is summed (every letter of the input is in the
    output); summing (``"ij->j"``, ``"ii"``) or two operands make a new array."""
    if len(e.args) != 2:
        return False
    spec = e.args[0]
    if not (isinstance(spec, gast.Constant) and isinstance(spec.value, str)):
        return True  # (subscripts not known here: it may be a view)
    inputs, _, output = spec.value.replace(" ", "").partition("->")
    letters = [c for c in inputs if c.isalpha()]
    if "->" not in spec.value:  # implicit output: the letters written once
        return all(letters.count(c) == 1 for c in letters)
    return set(letters) <= set(output)
