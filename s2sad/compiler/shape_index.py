"""Part of the shape facts (:mod:`dims`): the shape of an indexed value.  A basic index
(ints, slices, ``None``) of a known shape; an item of a tuple, a list or a dict of str
keys; one vector among slices (a mask or integers: one axis there, of the index's length
where it is surely of integers, ``np.argsort(x)``; else of a length not known here,
which may be 1, as a mask's count of true items is)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad.compiler import windows
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import (
    NO,
    UNKNOWN,
    Dim,
    Elements,
    Items,
    Keyed,
    is_none,
    join_all,
    literal,
    whole_slice,
)

# calls whose value is surely an array of integers (an index vector picks as many items)
_INTEGER_VECTORS = (np.argsort, np.argpartition, np.searchsorted, np.digitize, np.arange,
                    np.lexsort)


class IndexShapes:
    """The indexing part of :class:`dims.Facts` (which gives ``of``, ``size``, ``defs``,
    ``scopes`` and ``namespace``)."""

    namespace: dict[str, Any]
    defs: dict[str, list]
    scopes: dict[int, Any]
    if TYPE_CHECKING:
        def of(self, e: gast.expr) -> Any: ...
        def size(self, e: gast.expr) -> Dim: ...

    def _item(self, s: Items, index: gast.expr) -> Any:
        """An item of a tuple or short list, or a slice of it (``params[:-1]``)."""
        i = literal(index)
        if type(i) is int:
            return s.shapes[i] if -len(s.shapes) <= i < len(s.shapes) else None
        if isinstance(index, gast.Slice):  # the items it keeps
            bounds = [None if p is None else literal(p)
                      for p in (index.lower, index.upper, index.step)]
            return None if any(b is not None and type(b) is not int for b in bounds) or \
                bounds[2] == 0 else Items(s.shapes[slice(*bounds)])
        if isinstance(index, gast.Name) and self.of(index) == () and s.shapes:
            joined = join_all(list(s.shapes))  # xs[i]: what all its items have in common
            return None if joined == UNKNOWN else joined
        return None
    def _index(self, e: gast.Subscript) -> Any:
        s = self.of(e.value)
        if isinstance(s, Elements):  # an item of the list: its items' shape; a slice:
            if isinstance(e.slice, gast.Slice):  # a list of such items again
                return s
            return s.shape if isinstance(s.shape, (tuple, Elements, Items)) else None
        if isinstance(s, Keyed):
            key = e.slice.value if isinstance(e.slice, gast.Constant) else NO
            return next((shape for k, shape in s.items if k == key and
                         type(k) is type(key)), None)
        if isinstance(s, Items):
            return self._item(s, e.slice)
        if not isinstance(s, tuple):
            return None
        parts = [self._as_slice(p) for p in (
            e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice])]
        picked = self._one_vector_index(parts)
        out: list[int | None] = []
        axis = 0
        for p in parts:
            if isinstance(p, gast.Constant) and p.value is None:
                out.append(1)
                continue
            if axis >= len(s):
                return None
            if isinstance(p, gast.Slice):
                out.append(s[axis] if whole_slice(p) else self._sliced(e, p, s[axis]))
            elif p is picked:
                out.append(self._integer_length(p))  # (a mask: one axis of unknown length)
            elif self.of(p) != () or isinstance(p, gast.Constant) and type(p.value) is not int:
                return None  # an array or a non-int index
            axis += 1
        return tuple(out) + s[axis:]
    def _one_vector_index(self, parts: list) -> gast.expr | None:
        """The one index that is a vector (a mask or integers: either way one axis in
        its place) among slices and ``None``s, or None: with a second array or an int
        beside it NumPy's advanced indexing may move or join axes."""
        vectors = [p for p in parts if not isinstance(p, (gast.Slice, gast.Constant))
                   and isinstance(s := self.of(p), tuple) and len(s) == 1]
        rest = [p for p in parts if not isinstance(p, gast.Slice) and
                not (isinstance(p, gast.Constant) and p.value is None)]
        return vectors[0] if len(vectors) == 1 and rest == vectors else None
    def _integer_length(self, p: gast.expr) -> Any:
        """The length of an index vector surely of integers (``np.argsort(x)``,
        ``np.arange(n)``, ``j + 1``, ``np.clip(j, 0, n)`` or ``np.minimum(j, n - 1)`` of one):
        the gather's; None for any other (a mask's length is its count of true items)."""
        seen = 0
        while isinstance(p, gast.Name) and len(self.defs.get(p.id, ())) == 1 and seen < 8:
            p, seen = self.defs[p.id][0], seen + 1
        if isinstance(p, gast.BinOp) and isinstance(p.op, (gast.Add, gast.Sub)) and \
                isinstance(p.right, gast.Constant) and type(p.right.value) is int:
            return self._integer_length(p.left)
        fn = evaluate_ref(p.func, self.namespace) if isinstance(p, gast.Call) else None
        if fn is np.clip and len(p.args) == 3 and not p.keywords and \
                self.of(p.args[1]) == self.of(p.args[2]) == ():
            return self._integer_length(p.args[0])  # (bounded: integers still, or floats,
            # which NumPy refuses as indices; never a mask)
        if fn in (np.minimum, np.maximum) and len(p.args) == 2 and not p.keywords:
            for j, bound in ((0, 1), (1, 0)):  # (one bound: np.minimum(j, n - 1))
                if self.of(p.args[bound]) == ():
                    return self._integer_length(p.args[j])
        if fn not in _INTEGER_VECTORS:
            return None
        s = self.of(p)
        return s[0] if isinstance(s, tuple) and len(s) == 1 else None
    def _as_slice(self, p: gast.expr) -> gast.expr:
        """``slice(1, -1)`` (an adjoint's index) read as ``1:-1``."""
        if isinstance(p, gast.Call) and 1 <= len(p.args) <= 3 and not p.keywords and \
                evaluate_ref(p.func, self.namespace) is slice:
            bounds = [None if is_none(a) else a for a in p.args]
            if len(bounds) == 1:
                bounds = [None, bounds[0]]
            return gast.Slice(*(bounds + [None] * (3 - len(bounds))))
        return p
    def _sliced(self, e: gast.Subscript, p: gast.Slice, axis: Dim) -> Dim:
        """The length of a slice, read where ``e`` is (:mod:`windows`)."""
        at = self.scopes.get(id(e))
        scope = at[1] if at is not None and at[0] is e else windows.EMPTY
        return windows.slice_length(p, axis, scope, self.size)
