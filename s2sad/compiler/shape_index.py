"""Part of the shape facts (:mod:`dims`): the shape of an indexed value.  A basic index
(ints, slices, ``None``) of a known shape; an item of a tuple, a list or a dict of str
keys; one vector among slices (a mask or integers: one axis there, of the index's length
where it is surely of integers, ``np.argsort(x)``; else of a length not known here,
which may be 1, as a mask's count of true items is)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import windows
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import (
    NO,
    UNKNOWN,
    Dim,
    Elements,
    Items,
    Keyed,
    broadcast_all,
    is_none,
    join_all,
    literal,
    whole_slice,
)

# calls whose value is surely an array of integers (an index vector picks as many items)
_INTEGER_VECTORS = (np.argsort, np.argpartition, np.searchsorted, np.digitize, np.arange,
                    np.argmax, np.argmin, np.flatnonzero,
                    np.lexsort)
_COUNTS = (np.sum, np.count_nonzero)  # of a mask: how many items hold, integers
_BOOLEAN_CALLS = (np.isnan, np.isfinite, np.isinf, np.logical_and, np.logical_or,
                  np.logical_not, np.logical_xor, np.greater, np.greater_equal, np.less,
                  np.less_equal, np.equal, np.not_equal, np.signbit)


class IndexShapes:
    """The indexing part of :class:`dims.Facts` (which gives ``of``, ``size``, ``defs``,
    ``scopes`` and ``namespace``)."""

    namespace: dict[str, Any]
    defs: dict[str, list]
    scopes: dict[int, Any]
    indices: frozenset = frozenset()  # parameters given integer arrays (never rebound)
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
    def _held(self, s: Any, e: gast.Subscript) -> Any:
        """An item of a list, dict or tuple (None where not known)."""
        if isinstance(s, Elements):  # an item of the list: its items' shape; a slice:
            if isinstance(e.slice, gast.Slice):  # a list of such items again
                return s
            return s.shape if isinstance(s.shape, (tuple, Elements, Items)) else None
        if isinstance(s, Keyed):
            key = e.slice.value if isinstance(e.slice, gast.Constant) else NO
            return next((shape for k, shape in s.items if k == key and
                         type(k) is type(key)), None)
        return self._item(s, e.slice) if isinstance(s, Items) else None

    def _index(self, e: gast.Subscript) -> Any:
        s = self.of(e.value)
        if not isinstance(s, tuple):
            return self._held(s, e)
        parts = _without_ellipsis([self._as_slice(p) for p in (
            e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice])], len(s))
        if parts is None:
            return None
        gathered = self._gathered(parts, s)
        return self._of_array(e, parts, s) if gathered is NO else gathered

    def _of_array(self, e: gast.Subscript, parts: list, s: tuple) -> Any:
        """An array's basic index, or one vector among slices."""
        picked = self._one_vector_index(parts)
        if picked is None:
            joint = self._integer_indices(parts, s)
            if joint is not None:
                return joint
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
    def _gathered(self, parts: list, s: tuple) -> Any:
        """``img[y0, x0]``: an integer array for each of the leading axes (two or more),
        broadcast together: their shape, then the axes not indexed; else NO."""
        if not 2 <= len(parts) <= len(s):
            return NO
        shapes = [self.of(p) for p in parts]
        if not all(isinstance(v, tuple) and v and self._integers(p)
                   for p, v in zip(parts, shapes)):
            return NO
        found = broadcast_all(shapes)
        return found + s[len(parts):] if isinstance(found, tuple) else None

    def _integer_indices(self, parts: list, s: tuple) -> tuple | None:
        """``W[[0, 2], [3, 0]]``, ``W[i, j, :]``, ``W[idx, 3]``: integer vectors of one
        known length (and ints) side by side: one axis of that length in their place;
        apart (a slice between them), first, as NumPy puts it."""
        if any(isinstance(p, gast.Constant) and p.value is None for p in parts) or \
                len(parts) > len(s):
            return None
        picks = [k for k, p in enumerate(parts) if not isinstance(p, gast.Slice)]
        lengths = {self._integer_length(parts[k]) for k in picks
                   if not self._int_index(parts[k])}
        if not lengths or len(lengths) != 1 or None in lengths:
            return None
        rest = [s[k] if whole_slice(p) else None for k, p in enumerate(parts)
                if isinstance(p, gast.Slice)] + list(s[len(parts):])
        if any(d is None for d in rest[:len(parts) - len(picks)]):
            return None  # (a part slice: its length is not followed here)
        n = lengths.pop()
        if picks != list(range(picks[0], picks[-1] + 1)):
            return (n, *rest)
        return (*s[:picks[0]], n, *rest[picks[0]:])

    def _int_index(self, p: gast.expr) -> bool:
        """An int (a number's name among indices is one, as for a basic index)."""
        return isinstance(p, gast.Constant) and type(p.value) is int or \
            not isinstance(p, gast.Constant) and self.of(p) == ()

    def _integer_length(self, p: gast.expr) -> Any:
        """The length of an index vector surely of integers (:meth:`_integers`): the
        gather's; None for any other (a mask's length is its count of true items)."""
        if not self._integers(p):
            return None
        listed = self._single_def(p)
        if isinstance(listed, (gast.List, gast.Tuple)):
            return len(listed.elts)
        s = self.of(p)
        return s[0] if isinstance(s, tuple) and len(s) == 1 else None

    def surely_integers(self, p: gast.expr) -> bool:
        """Is ``p`` surely an array of integers (never a mask)?"""
        return self._integers(p)

    def _integers(self, p: gast.expr) -> bool:
        """Is ``p`` surely an array of integers (``np.argsort(x)``, ``np.arange(n)``,
        ``x.astype(int)``; ``j + 1``, ``np.clip(j, 0, n)`` or ``np.minimum(j, n - 1)`` of
        one)?"""
        p = self._single_def(p)
        if isinstance(p, gast.Name):  # (a parameter the variant is made for integers)
            return p.id in self.indices and p.id not in self.defs
        if isinstance(p, gast.BinOp) and isinstance(p.op, (gast.Add, gast.Sub)) and \
                isinstance(p.right, gast.Constant) and type(p.right.value) is int:
            return self._integers(p.left)
        if isinstance(p, gast.Subscript) and isinstance(p.slice, gast.Constant):
            p = self._single_def(p.value)  # (a grid of np.meshgrid of integer vectors)
            return isinstance(p, gast.Call) and p.args and \
                evaluate_ref(p.func, self.namespace) is np.meshgrid and \
                all(self._integers(a) for a in p.args)
        if isinstance(p, (gast.List, gast.Tuple)):  # ([0, 2]: its ints)
            return bool(p.elts) and all(isinstance(v, gast.Constant) and
                                        type(v.value) is int for v in p.elts)
        fn = evaluate_ref(p.func, self.namespace) if isinstance(p, gast.Call) else None
        if fn in (np.array, np.asarray) and len(p.args) == 1 and not p.keywords:
            return self._integers(p.args[0])  # (np.array([0, 2]): the list's ints)
        if fn is np.clip and len(p.args) == 3 and not p.keywords and \
                self.of(p.args[1]) == self.of(p.args[2]) == ():
            return self._integers(p.args[0])  # (bounded: integers still, or floats,
            # which NumPy refuses as indices; never a mask)
        if fn in (np.minimum, np.maximum) and len(p.args) == 2 and not p.keywords:
            return any(self.of(p.args[bound]) == () and self._integers(p.args[j])
                       for j, bound in ((0, 1), (1, 0)))  # (np.minimum(j, n - 1))
        if fn is runtime.astype and len(p.args) == 2 and not p.keywords:
            try:
                return np.issubdtype(evaluate_ref(p.args[1], self.namespace), np.integer)
            except TypeError:  # (not a dtype known here)
                return False
        if fn in _COUNTS and p.args and {k.arg for k in p.keywords} <= {"axis", "keepdims"}:
            return fn is np.count_nonzero or self._booleans(p.args[0])  # (a mask's count)
        return fn in _INTEGER_VECTORS

    def _booleans(self, p: gast.expr) -> bool:
        """Is ``p`` surely an array of bools (a comparison, ``~m``, ``m & n``, ``np.isnan``
        and the like of one): its sum counts, an integer (``k = np.sum(z > t, axis=1)``,
        ``zs[rows, k - 1]``)?"""
        p = self._single_def(p)
        if isinstance(p, gast.Compare):
            return True
        if isinstance(p, gast.UnaryOp) and isinstance(p.op, gast.Invert):
            return self._booleans(p.operand)
        if isinstance(p, gast.BinOp) and isinstance(p.op, (gast.BitAnd, gast.BitOr,
                                                           gast.BitXor)):
            return self._booleans(p.left) and self._booleans(p.right)
        fn = evaluate_ref(p.func, self.namespace) if isinstance(p, gast.Call) else None
        return fn in _BOOLEAN_CALLS and not p.keywords

    def _single_def(self, p: gast.expr) -> gast.expr:
        """The value a name is bound to once (and so on, up to eight names back)."""
        seen = 0
        while isinstance(p, gast.Name) and len(self.defs.get(p.id, ())) == 1 and seen < 8:
            p, seen = self.defs[p.id][0], seen + 1
        return p

    def _as_slice(self, p: gast.expr) -> gast.expr:
        """``slice(1, -1)`` (an adjoint's index) read as ``1:-1``; also through a name
        bound once to one of constant bounds (``s = slice(1, None)``: an adjoint's index
        taken out by a second derivative's normal form)."""
        made = self._single_def(p) if isinstance(p, gast.Name) else p
        if made is not p and isinstance(made, gast.Call) and all(
                isinstance(a.operand if isinstance(a, gast.UnaryOp) else a, gast.Constant)
                for a in made.args):
            p = made
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

def _without_ellipsis(parts: list, rank: int) -> list | None:
    """``x[..., None]``, ``x[0, ...]``: the ``...`` as the whole slices it stands for
    (None: more than one, or more indices than axes)."""
    at = [k for k, p in enumerate(parts) if isinstance(p, gast.Constant) and p.value is ...]
    if not at:
        return parts
    taking = sum(1 for p in parts if not (isinstance(p, gast.Constant) and (
        p.value is None or p.value is ...)))
    if len(at) > 1 or taking > rank:
        return None
    whole = [gast.Slice(lower=None, upper=None, step=None) for _ in range(rank - taking)]
    return parts[:at[0]] + whole + parts[at[0] + 1:]
