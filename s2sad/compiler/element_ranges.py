"""What the rewritten trip of an element loop knows of its index values (a mixin of
:class:`s2sad.compiler.element_masks.Trip`): whether a value varies trip by trip (a
read at an index that does not is read at ``np.full(len(i), k)``: in no trip when there
is none), and a length a value is an index into in every trip (a read under a branch at
such an index needs no guard: Python would read it in range too).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.names import call_named
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes

_MAKERS = {np.zeros, np.ones, np.empty, np.full}


class IndexFacts:
    """Facts of the names a trip binds, kept as it is rewritten."""

    counter: str
    trip_count: str | None
    facts: dims.Facts
    varying: set[str]  # names of values that differ trip by trip (the counter's first)
    within: dict[str, Any]  # a name -> a length its values are indices into
    namespace: dict[str, Any]

    def _note(self, name: str, value: gast.expr) -> None:
        """What is known of the values ``name`` is bound to: whether they vary trip by
        trip, and a length they are all indices into (``_within``)."""
        if self.varies(value):
            self.varying.add(name)
        length = self._length_of_indices(value)
        if length is not None:
            self.within[name] = length

    def varies(self, value: gast.expr) -> bool:
        return any(n.id in self.varying for n in name_nodes(value))

    def _length_of_indices(self, value: gast.expr) -> Any:
        """A length ``d`` with ``-d <= value < d`` in every trip: of ``j % n``, ``n``'s
        (the trip count, at least 1 in a trip, or a length of at least 2: never 0, where
        NumPy's ints give 0); of ``i - 1`` (``i - 0``), the trips'."""
        if not isinstance(value, gast.BinOp):
            return None
        right = value.right
        if isinstance(value.op, gast.Mod):
            if isinstance(right, gast.Constant):
                return right.value if type(right.value) is int and right.value > 0 else None
            if not isinstance(right, gast.Name):
                return None
            size = self.facts.sizes.get(right.id)  # (not 0: the trip count, or a symbol)
            return size if right.id == self.trip_count or isinstance(size, str) else None
        if isinstance(value.op, gast.Sub) and isinstance(right, gast.Constant) and \
                right.value in (0, 1) and type(right.value) is int and \
                isinstance(value.left, gast.Name) and value.left.id == self.counter:
            return self._trips()
        return None

    def _trips(self) -> Any:
        """The trip count's length (a ``range`` from 0 or more: the counter is in
        ``[0, n)``), or None."""
        return self.facts.sizes.get(self.trip_count) if self.trip_count else None

    def _within(self, index: gast.expr, length: Any) -> bool:
        """Is ``index`` (rewritten) in ``[-length, length)`` in every trip?"""
        if length is None or type(length) is int and length < 1:
            return False
        if isinstance(index, gast.Constant):
            if type(index.value) is not int:
                return False
            if isinstance(length, str):  # (a symbol: a length of at least 2)
                return -2 <= index.value < 2
            return type(length) is int and -length <= index.value < length
        if not isinstance(index, gast.Name):
            return False
        known = self._trips() if index.id == self.counter else self.within.get(index.id)
        return known is not None and dims.same((known,), (length,))

    def _in_range(self, array: str, index: list) -> bool:
        """Is every trip's read ``array[index]`` (rewritten) in range?"""
        shape = self.facts.shapes.get(array)
        return isinstance(shape, tuple) and len(index) <= len(shape) and \
            all(self._within(p, d) for p, d in zip(index, shape))

    def _sized(self, array: str) -> bool:
        """Whether the written array has as many elements as trips at least: made by
        ``np.zeros(n)`` (``ones``, ``empty``, ``full``) of the trip count ``n``."""
        seen, names, made = set(), [array], False
        while names:  # (through copies, ``s_1 = s``, and writes, each binding so made)
            name = names.pop()
            seen.add(name)
            for d in self.facts.defs.get(name, []):
                if isinstance(d, gast.Name) or call_named(d, "setitem") and d.args and \
                        isinstance(d.args[0], gast.Name):
                    source = d if isinstance(d, gast.Name) else d.args[0]
                    if source.id not in seen:
                        names.append(source.id)
                elif isinstance(d, gast.Call) and d.args and \
                        isinstance(d.args[0], gast.Name) and \
                        d.args[0].id == self.trip_count and \
                        among(evaluate_ref(d.func, self.namespace), _MAKERS):
                    made = True
                else:
                    return False
        return made


def among(fn: Any, functions: set) -> bool:
    return any(fn is f for f in functions)
