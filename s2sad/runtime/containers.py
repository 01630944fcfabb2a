"""The user's lists, tuples and dicts as values the derivative can follow: their
literals, ``append``, ``pop``, ``insert``, ``+`` and ``*`` as new containers (the
caller's is never changed), with the adjoints that undo them, and a named tuple's
fields.  Apart from :mod:`core` (adjoints of any structure, array updates) because the
Python containers of the user's code are a job of their own."""
from __future__ import annotations

from typing import Any

from s2sad.runtime.core import add_grads, zeros_like
from s2sad.runtime.writes import add_at

__all__ = [
    "object_is",
    "list_append", "list_init", "tuple_init", "dict_init", "list_drop_last", "list_last",
    "list_remove", "list_insert_zero", "list_concat", "list_repeat", "list_repeat_adjoint",
    "list_insert", "copy_value", "field_add", "field_of", "dict_get", "list_append_owned",
    "list_pop_last", "named_tuple", "dict_of_adjoint", "dict_tangent", "field_set",
    "field_cleared", "try_completes", "set_added", "set_discarded", "global_value",
    "global_stored",
]


def global_value(module: dict, name: str) -> Any:
    """The module variable ``name`` a function declares ``global`` and changes, read
    where the function starts (``compiler/global_writes.py``)."""
    return module[name]


def global_stored(module: dict, name: str, value: Any) -> None:
    """The module variable ``name`` set to ``value``, as the function's ``global``
    statement has its binding do."""
    module[name] = value


def set_added(items: set, v: object) -> set:
    """``items.add(v)`` as a value: a new set (``compiler/sets.py``); any other object
    with an ``add`` method changed as the user's code changes it."""
    if not isinstance(items, set):
        items.add(v)  # type: ignore[attr-defined]
        return items
    return items | {v}


def set_discarded(items: set, v: object) -> set:
    """``items.discard(v)`` as a value (a new set)."""
    if not isinstance(items, set):
        items.discard(v)  # type: ignore[attr-defined]
        return items
    return items - {v}



def try_completes(probe: Any, caught: tuple, *values: Any) -> int:
    """-1 where ``probe(*values)`` (a try block) completes, else the index of the first
    handler whose exceptions (``caught``: one entry per handler) it raised; any other
    exception raised on, as Python raises it (``compiler/try_blocks.py``)."""
    try:
        probe(*values)
    except BaseException as error:
        for k, kinds in enumerate(caught):
            if isinstance(error, kinds):
                return k
        raise
    return -1


def list_init(*items: Any) -> list:
    """A new list (the list literal of the user's code)."""
    return list(items)


def tuple_init(*items: Any) -> tuple:
    """A new tuple (the tuple literal of the user's code)."""
    return items


def object_is(x: Any, kinds: Any) -> bool:
    """``isinstance(x, kinds)`` as for the object a record of the user's class stands
    for (``isinstance(v, tuple)`` of a ``Vec2``: False, though the record is a tuple)."""
    cls = getattr(type(x), "_s2sad_class", None)
    return isinstance(x, kinds) if cls is None else issubclass(cls, kinds)


def named_tuple(*items: Any, kind: type) -> tuple:
    """A new named tuple of the class ``kind`` (``Point(x, y)`` in the user's code)."""
    return kind(*items)


def dict_of_adjoint(g: Any, x: Any) -> Any:
    """Adjoint of ``dict(x)``: ``g`` itself for a mapping ``x``; for ``(key, value)``
    pairs, the pairs' adjoints (a key's none, a value's its key's item of ``g``, zeros for
    a value a later pair of the same key replaced)."""
    if isinstance(x, dict):
        return g
    pairs = list(x)
    last = {k: i for i, (k, _) in enumerate(pairs)}  # (a key given twice: the last value kept)
    return [(None, g[k] if g is not None and k in g and last[k] == i else zeros_like(v))
            for i, (k, v) in enumerate(pairs)]


def dict_tangent(t: Any, x: Any) -> Any:
    """Tangent of ``dict(x)`` from the tangent ``t`` of ``x`` (a mapping's, or the
    pairs'): the values' tangents under ``x``'s keys."""
    if isinstance(x, dict):
        return dict(t)
    return {k: pair[1] for (k, _), pair in zip(x, t)}


def dict_init(*values: Any, keys: tuple) -> dict:
    """A new dict (the dict literal of the user's code)."""
    return dict(zip(keys, values))


def list_append(xs: list, v: Any) -> list:
    """``xs.append(v)`` as a value: the caller's list is left alone."""
    if not isinstance(xs, (list, tuple)):  # some other object with an append method
        xs.append(v)
        return xs
    return [*xs, v]


def list_drop_last(g: Any, xs: list) -> list:
    """Reverse of ``list_append`` for the list: the adjoint without its last entry."""
    if g is None:
        return zeros_like(xs)
    return g[:-1] if type(g) is list else list(g[:-1])  # (a list's slice is a new list)


def list_last(g: Any, v: Any) -> Any:
    """Reverse of ``list_append`` for the value: the adjoint of the last entry."""
    return g[-1] if g is not None else zeros_like(v)


def list_append_owned(xs: list, v: Any) -> list:
    """``xs.append(v)`` in place, where nothing else holds ``xs`` (the ``appends`` pass
    proved it): what the user's own ``append`` does, in O(1)."""
    xs.append(v)
    return xs


def list_pop_last(g: Any, v: Any) -> tuple:
    """Reverse of an append in place: (the adjoint without its last entry, that entry):
    ``list_drop_last`` and ``list_last`` at once, a list (owned) popped in place in O(1);
    an array adjoint (``np.mean`` of the list's) cut, as ``list_drop_last`` cuts it."""
    if g is None:
        return None, zeros_like(v)
    if type(g) is list:
        last = g.pop()
        return g, last
    return g[:-1], g[-1]


def dict_get(d: Any, key: Any, default: Any = None) -> Any:
    """``d.get(key, default)``: the entry, or the default when the key is missing."""
    return d.get(key, default)


def list_remove(xs: Any, i: Any) -> Any:
    """``xs`` without its item ``i`` (what ``xs.pop(i)`` or ``del xs[i]`` leaves), as a
    new list; of a dict, a new dict without the key ``i`` (in its order)."""
    if isinstance(xs, dict):
        if i not in xs:
            raise KeyError(i)  # (as ``d.pop(i)`` and ``del d[i]`` raise)
        return {k: v for k, v in xs.items() if k != i}
    i = i % len(xs)
    return xs[:i] + xs[i + 1:]


def list_insert_zero(g: Any, i: Any, xs: Any) -> Any:
    """Reverse of ``list_remove``: a zero adjoint back in the removed slot (key)."""
    if isinstance(xs, dict):
        return {k: zeros_like(v) if k == i else g[k] for k, v in xs.items()}
    i = i % len(xs)
    return [*g[:i], zeros_like(xs[i]), *g[i:]]


def list_concat(a: list, b: list) -> list:
    """``a + b`` for lists (``ys + [v]``, ``ys.extend(zs)``), as a new list; of tuples
    (``t + (v,)``), a tuple."""
    return (*a, *b) if type(a) is tuple else [*a, *b]  # type: ignore[return-value]


def list_repeat(a: list, n: int) -> list:
    """``[0.0] * n``: ``a`` repeated, as a new list (of a tuple, a tuple)."""
    return tuple(a) * n if type(a) is tuple else list(a) * n  # type: ignore[return-value]


def list_repeat_adjoint(g: list, a: list, n: int) -> list:
    """Reverse of ``list_repeat``: each item's adjoint summed over its copies."""
    k = len(a)
    out = list(g[:k])
    for j in range(1, n):
        out = [add_grads(u, v) for u, v in zip(out, g[j * k:(j + 1) * k])]
    return out


def list_insert(xs: list, i: int, v: Any) -> list:
    """``xs.insert(i, v)`` as a value: a new list."""
    out = list(xs)
    out.insert(i, v)
    return out


def copy_value(x: Any, order: Any = None) -> Any:
    """``x.copy()`` of an array, list or dict: a copy of the same kind (an array's in
    the memory order asked for: ``ravel(order='A')`` of it reads that order)."""
    return x.copy() if order is None else x.copy(order=order)


def field_add(acc: Any, x: Any, name: str, g: Any) -> Any:
    """Adjoint of ``x.name`` for a named tuple: ``g`` added at that field's position."""
    return add_at(acc, x, _field_position(x, name), g)


def field_of(t: Any, x: Any, name: str) -> Any:
    """Tangent of ``x.name``: the field of ``t`` at that name's position in ``x``."""
    return getattr(t, name) if hasattr(t, "_fields") else t[_field_position(x, name)]


def field_set(x: Any, name: str, v: Any) -> Any:
    """``x.name = v`` of a record built inside the function, as a value: a new record
    (the alias stage binds every name sharing the old one to it, as for ``append``)."""
    items = list(x)
    items[_field_position(x, name)] = v
    return type(x)(*items)


def field_cleared(g: Any, x: Any, name: str) -> Any:
    """Adjoint of the record in :func:`field_set`: ``g`` without the replaced field's."""
    position = _field_position(x, name)
    out = list(g)
    out[position] = zeros_like(x[position])
    return type(g)(*out) if hasattr(g, "_fields") else out


def _field_position(x: Any, name: str) -> int:
    if not hasattr(x, "_fields"):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"<s2sad>:?: the attribute .{name} of a {type(x).__name__}: its derivative is "
            "known for the fields of named tuples only; write it with functions s2sad "
            "differentiates (for an array's .flat: np.ravel(x))")
    return int(x._fields.index(name))
