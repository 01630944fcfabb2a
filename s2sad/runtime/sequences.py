"""Python's dict views and ``sorted`` as values the derivative can follow: a dict's
``items()`` and ``values()`` as lists (``keys()`` as it is), and the permutation ``sorted``
applies, taken again in the reverse sweep to give each item's adjoint back to its place."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from s2sad.runtime.core import adjoint_items, sequence_adjoint, zeros_like

__all__ = ["array_to_list", "dict_items", "dict_values", "dict_keys", "items_to_dict",
           "values_to_dict", "without_keys", "items_tangent", "sort_order", "sorted_adjoint",
           "sorted_like", "index_of", "count_of", "keyed_position", "keyed_order"]


def array_to_list(x: Any) -> Any:
    """``x.tolist()``: an array's nested lists of Python numbers (a 0-d array's number)."""
    return x.tolist()


def dict_items(d: Any) -> list:
    """``d.items()``, as a list of (key, value) pairs."""
    return list(d.items())


def dict_values(d: Any) -> list:
    """``d.values()``, as a list."""
    return list(d.values())


def dict_keys(d: Any) -> Any:
    """``d.keys()``: the view itself (keys carry no gradient; ``&`` / ``|`` of two views
    and later changes of ``d`` behave as Python's)."""
    return d.keys()


def items_to_dict(g: Any, d: Any) -> dict:
    """Adjoint of :func:`dict_items`: each pair's value adjoint under its key."""
    adjoint_items(g, d)
    return {k: zeros_like(v) if g is None or g[i] is None or g[i][1] is None else g[i][1]
            for i, (k, v) in enumerate(d.items())}


def values_to_dict(g: Any, d: Any) -> dict:
    """Adjoint of :func:`dict_values`: the list's entries under the dict's keys."""
    adjoint_items(g, d)
    return {k: zeros_like(v) if g is None or g[i] is None else g[i]
            for i, (k, v) in enumerate(d.items())}


def without_keys(t: Any, x: Any) -> Any:
    """The tangent (or adjoint) of what iterating ``x`` gives, from ``t``, ``x``'s: of a
    dict, zeros, one per key (its tangent ``t`` is a dict of the same keys, which
    ``list(t)`` would hand on as the tangents of the keys themselves: ``k * v`` over
    ``d.items()`` got ``k`` for the derivative of ``k``); else ``t``."""
    return [zeros_like(k) for k in x] if isinstance(x, dict) else t


def items_tangent(t: Any, d: Any) -> list:
    """Tangent of :func:`dict_items` from ``t``, a dict of the values' tangents: the
    pairs (a zero for the key, the value's tangent); ``dict_items(t)`` would pair each
    key with itself as its tangent."""
    return [(zeros_like(k), t[k]) for k in d]


def sort_order(xs: Any, key: Callable | None = None, reverse: bool = False) -> list:
    """The positions of ``xs`` in the order ``sorted(xs, key=key, reverse=reverse)``
    returns them (stable, as ``sorted``)."""
    items = list(xs)
    by = (lambda i: items[i]) if key is None else (lambda i: key(items[i]))
    return sorted(range(len(items)), key=by, reverse=reverse)


def sorted_adjoint(g: Any, xs: Any, key: Callable | None = None,
                   reverse: bool = False) -> Any:
    """Adjoint of ``sorted(xs)``: the adjoint of output ``j`` goes back to the item it
    came from (``sorted`` of a dict sorts its keys: no adjoint for its values).  It has
    the kind of ``xs`` (an array's is an array): two of them are added, and a list's
    ``+`` would join them."""
    if isinstance(xs, dict):
        return zeros_like(xs)
    items = list(xs)
    out: list = [zeros_like(v) for v in items]
    if g is not None:
        adjoint_items(g, items)
        for j, i in enumerate(sort_order(items, key, reverse)):
            if g[j] is not None:
                out[i] = g[j]
    return sequence_adjoint(out, xs)


def sorted_like(t: Any, xs: Any, key: Callable | None = None, reverse: bool = False) -> list:
    """Tangent of ``sorted(xs)``: the tangents in the order the values were sorted."""
    tangents = list(without_keys(t, xs))
    return [tangents[i] for i in sort_order(xs, key, reverse)]


def index_of(seq: Any, value: Any, *bounds: Any) -> int:
    """``xs.index(v)`` of a list, tuple or str: a position (no gradient)."""
    return seq.index(value, *bounds)


def count_of(seq: Any, value: Any) -> int:
    """``xs.count(v)`` of a list, tuple or str: a count (no gradient)."""
    return seq.count(value)


def keyed_position(keys: list, how: str) -> int:
    """The position ``max(xs, key=f)`` (``how`` "max") or ``min`` picks, from the keys
    ``[f(x) for x in xs]``: the builtin over the positions, comparing the same keys in
    the same order (the same pick, ties and NaNs included)."""
    return (max if how == "max" else min)(range(len(keys)), key=keys.__getitem__)


def keyed_order(keys: list, reverse: bool = False) -> list:
    """The positions in the order ``sorted(xs, key=f, reverse=reverse)`` puts them."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)
