"""Part of the shape facts (:mod:`dims`): the shape of a call.  A constructor's from
its arguments' values (``np.zeros(n)``, ``np.eye(n)``, ``np.linspace(a, b, num)``), a
reshape's from the new shape, a concatenation's and its adjoint's pieces', NumPy's
ufuncs and elementwise functions by broadcasting, reductions by their axes, the rules of
:mod:`call_shapes`, and a shape-static library call tried on stand-ins
(:mod:`shape_probe`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.call_shapes import SHAPE_RULES, outer
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.recursive_results import Recursion, cotangent_shapes, result_shape
from s2sad.compiler.shape_probe import probe
from s2sad.compiler.shape_rules import (
    APPENDS,
    CONSTRUCTORS,
    ELEMENTWISE,
    NO,
    Dim,
    Elements,
    Items,
    broadcast_all,
    concatenated,
    grown,
    is_none,
    literal,
    reduced_call,
    same_as_argument,
    stacked,
)
from s2sad.recursion_tape import taped_value
from s2sad.rules.facts import shape_kind

# containers of the language and of s2sad's runtime: shaped by their items, never probed
_BUILT_CONTAINERS = frozenset({list, tuple, dict, runtime.array_to_list})


class CallShapes:
    """The call part of :class:`dims.Facts` (which gives ``of``, ``size``, ``rank_of``,
    ``_index``, ``defs``, ``learned``, ``recursion`` and ``namespace``)."""

    namespace: dict[str, Any]
    learned: dict[str, int]
    recursion: Recursion | None
    defs: dict[str, list]
    if TYPE_CHECKING:
        def of(self, e: gast.expr) -> Any: ...
        def size(self, e: gast.expr) -> Dim: ...
        def rank_of(self, e: gast.expr) -> int | None: ...
        def _index(self, e: gast.Subscript) -> Any: ...

    def _call(self, e: gast.Call) -> Any:
        fn = evaluate_ref(e.func, self.namespace)
        try:
            special = self._by_argument(fn, e)
            if special is not NO:
                return special
            args = [self.of(a) for a in e.args]
            if not args:
                return None
            if fn in (np.array, np.asarray) and len(args) <= 2 and \
                    {k.arg for k in e.keywords} <= {"dtype", "copy", "order"}:
                # (a grown list: of any length; a dtype, a copy, an order change no shape)
                return args[0] if isinstance(args[0], tuple) else \
                    stacked(args[0].shapes) if isinstance(args[0], Items) else \
                    (None,) + args[0].shape if isinstance(args[0], Elements) and \
                    isinstance(args[0].shape, tuple) else None
            if isinstance(args[0], Elements) or fn in APPENDS and isinstance(args[0], Items):
                return grown(fn, args)
            kind = shape_kind(fn)
            if kind in ("first", "flagged", "chosen", "cotangents"):
                return _of_arguments(kind, args, e)
            if (kind == "probe" or kind == "container" and fn not in _BUILT_CONTAINERS) \
                    and fn not in SHAPE_RULES:  # (a rule knows affine lengths)
                return self._probed(fn, e, args)  # (a library's tuple: Items, or None)
            same = same_as_argument(fn, args)
            if same is not NO:
                return same
            if (isinstance(fn, np.ufunc) and fn.signature is None and len(args) == fn.nin or
                    fn in ELEMENTWISE or
                    kind == "elementwise") and not e.keywords:
                return broadcast_all(args, self.learned)
            if kind == "reduction" and fn not in SHAPE_RULES:
                return None if _kept_by_a_library(fn, args[0], e) else \
                    reduced_call(args[0], self._axes_written(e))
            rule = SHAPE_RULES.get(fn) or (outer if fn == np.multiply.outer else None)
            if rule is not None and (isinstance(args[0], tuple) or fn is np.einsum):
                return rule(args, e)  # (einsum's first: its subscripts, a str)
        except TypeError:  # an unhashable callable
            return None
        return None

    def _by_argument(self, fn: Any, e: gast.Call) -> Any:
        """Calls whose shape follows from an argument's value, not its shape (or from
        nothing: ``np.size`` is a number)."""
        if shape_kind(fn) == "number":
            return ()
        if fn is taped_value and len(e.args) == 1 and self.recursion is not None:
            return result_shape(self, e.args[0])
        if fn is runtime.iteration_items and 1 <= len(e.args) <= 2:
            return self._unpacked(self.of(e.args[0]), e.args[1:])
        sized = self._sized(fn, e)
        if sized is not NO:
            return sized
        joined = self._pieces(fn, e)
        if joined is not NO:
            return joined
        if fn is runtime.add_at and len(e.args) == 4:  # into acc, or zeros like x
            return self.of(e.args[1] if is_none(e.args[0]) else e.args[0])
        if fn is runtime.lse_weights and (len(e.args) < 5 or is_none(e.args[4])) and \
                not e.keywords:  # (weights b broadcast with a)
            return self.of(e.args[0])
        if fn is runtime.as_floats and len(e.args) == 1 and \
                self.rank_of(e.args[0]) in (1, 2):  # a vector's floats, or the vector
            return Elements(()) if self.rank_of(e.args[0]) == 1 else Elements(Elements(()))
        if fn in (np.reshape, runtime.reshape_method, np.ravel):
            return self._reshaped(fn, e)
        if fn is runtime.pick_adjoint and len(e.args) == 3:
            return self._index(gast.Subscript(value=e.args[1], slice=e.args[2],
                                              ctx=gast.Load()))
        if fn is runtime.take_rows and len(e.args) == 2:  # x[idx] (``row_gathers``)
            return self._index(gast.Subscript(value=e.args[0], slice=e.args[1],
                                              ctx=gast.Load()))
        return NO

    def _unpacked(self, s: Any, count: list) -> Any:
        """``iteration_items(x)``: a list or tuple goes through itself, a dict its keys.
        ``iteration_items(x, n)``, ``x`` unpacked into ``n`` names: raises unless ``x``
        holds ``n`` items, so its first axis is ``n`` long (a state carried by a loop,
        ``s = s0`` joined with ``np.array`` of four numbers, is four long from here), and
        a parameter's length symbol there is ``n`` (as broadcasting teaches it)."""
        n = count[0].value if count and isinstance(count[0], gast.Constant) else None
        if type(n) is not int or not isinstance(s, tuple) or not s:
            return s if isinstance(s, (Items, Elements, tuple)) else None
        first = self.learned.get(s[0], s[0]) if isinstance(s[0], str) else s[0]
        if isinstance(first, str):
            self.learned[first] = n
        return (n,) + s[1:] if first is None or isinstance(first, str) or first == n \
            else s

    def _sized(self, fn: Any, e: gast.Call) -> Any:
        """Constructors whose lengths are their arguments' values (``np.zeros(n)``,
        ``np.eye(n)``, ``np.arange(n)``, ``np.linspace(a, b, n)``); else NO."""
        if fn in CONSTRUCTORS and e.args:
            return self._constructed(e.args[0])
        if fn in (np.eye, np.identity) and 1 <= len(e.args) <= (2 if fn is np.eye else 1) \
                and {k.arg for k in e.keywords} <= {"k", "dtype"}:
            n = self.size(e.args[0])
            return (n, self.size(e.args[1]) if len(e.args) == 2 else n)
        if fn is range:  # (its items are ints: i = range_value[k] of a reversed loop)
            return Elements(())
        if fn is np.arange and len(e.args) == 1 and not e.keywords and \
                self.size(e.args[0]) is not None:  # (an int length: np.arange(n))
            return (self.size(e.args[0]),)
        return self._linspace(e) if fn is np.linspace else NO

    def _linspace(self, e: gast.Call) -> Any:
        """``np.linspace(a, b, num)`` of two numbers: ``num`` points (an int the shapes
        know, or a length not known here); else not followed (NO)."""
        given = {k.arg: k.value for k in e.keywords}
        if not 2 <= len(e.args) <= 3 or set(given) - {"num", "endpoint", "dtype"} or \
                len(e.args) == 3 and "num" in given or \
                any(self.of(a) != () for a in e.args[:2]):
            return NO
        num = e.args[2] if len(e.args) == 3 else given.get("num")
        return (50,) if num is None else (self.size(num),)

    def _pieces(self, fn: Any, e: gast.Call) -> Any:
        """Sequences joined and taken apart: ``np.concatenate`` of items, the pieces of
        its adjoint (``unconcat``), a list's last item's adjoint."""
        if fn is np.concatenate and 1 <= len(e.args) <= 2 and \
                {k.arg for k in e.keywords} <= ({"axis"} if len(e.args) == 1 else set()):
            axis = literal(e.args[1] if len(e.args) == 2 else e.keywords[0].value) \
                if len(e.args) == 2 or e.keywords else 0
            return concatenated(self.of(e.args[0]), axis) if type(axis) is int else NO
        if fn is runtime.unconcat and len(e.args) == 3 and not e.keywords:
            s = self.of(e.args[1])  # (pieces shaped like the items, flattened or not)
            return s if isinstance(s, Items) else None
        if fn in (runtime.list_last, runtime.list_pop_last) and len(e.args) == 2:
            return self.of(e.args[1])  # (an item's adjoint: the item's shape)
        if fn is np.stack and e.args and first_axis(e):
            s = self.of(e.args[0])  # (a grown list's items stacked: its rows)
            if isinstance(s, Elements) and isinstance(s.shape, tuple):
                return (None,) + s.shape
        return NO

    def _probed(self, fn: Any, e: gast.Call, shapes: list) -> Any:
        """A shape-static call tried on stand-ins (``shape_probe``); every argument an
        array, a tuple of arrays, a number or a constant."""
        args: list[tuple] = []
        for a, s in zip(e.args, shapes):
            const = literal(a)
            if const is not NO:
                args.append(("const", const))
            elif s == ():
                args.append(("number",))
            elif isinstance(s, tuple):
                args.append(("array", s))
            elif isinstance(s, Items) and all(isinstance(x, tuple) for x in s.shapes):
                args.append(("items", s.shapes))
            else:
                return None
        keywords = tuple((k.arg, literal(k.value)) for k in e.keywords)
        if any(k is None or v is NO for k, v in keywords):
            return None
        return probe(fn, tuple(args), keywords)

    def _axes_written(self, e: gast.Call) -> gast.Call:
        """``e`` with an ``axis=`` name bound once to a literal written as that literal
        (``items = (0,)``; ``np.sum(g, axis=items)``: the core form of a derivative's)."""
        axis = next((k for k in e.keywords if k.arg == "axis"), None)
        if axis is None or not isinstance(axis.value, gast.Name) or \
                len(self.defs.get(axis.value.id, ())) != 1 or \
                not isinstance(self.defs[axis.value.id][0], (gast.Tuple, gast.Constant)):
            return e
        keywords = [gast.keyword(arg="axis", value=self.defs[axis.value.id][0])
                    if k is axis else k for k in e.keywords]
        return gast.Call(func=e.func, args=e.args, keywords=keywords)

    def _reshaped(self, fn: Any, e: gast.Call) -> Any:
        """``a.reshape(n, -1)``, ``np.reshape(a, (2, n))``: the rank the new shape gives,
        each length where it is known (a ``-1`` worked out by NumPy: not known here)."""
        if not {k.arg for k in e.keywords} <= {"order"}:
            return NO
        if fn is np.ravel:
            return (None,) if len(e.args) == 1 else NO
        if len(e.args) < 2:
            return NO
        like = e.args[1] if fn is np.reshape and len(e.args) == 2 and not e.keywords \
            else None
        if isinstance(like, gast.Name) and len(self.defs.get(like.id, ())) == 1:
            like = self.defs[like.id][0]  # (shape = np.shape(d): the core form)
        if isinstance(like, gast.Call) and len(like.args) == 1 and not like.keywords and \
                evaluate_ref(like.func, self.namespace) is np.shape:
            return self.of(like.args[0])  # reshaped like another array
        parts = e.args[1:] if fn is runtime.reshape_method else e.args[1:2]
        found = self._constructed(parts[0]) if len(parts) == 1 else \
            tuple(self.size(p) for p in parts)
        return NO if found is None else \
            tuple(None if isinstance(d, int) and d < 0 else d for d in found)

    def _constructed(self, shape: gast.expr) -> Any:
        if isinstance(shape, gast.Name) and len(self.defs.get(shape.id, ())) == 1 and \
                isinstance(self.defs[shape.id][0], (gast.Tuple, gast.List, gast.Call,
                                                     gast.Attribute)):
            shape = self.defs[shape.id][0]  # (items = 3, 6; np.zeros(items): the core form)
        like = shape.value if isinstance(shape, gast.Attribute) and shape.attr == "shape" \
            else shape.args[0] if isinstance(shape, gast.Call) and len(shape.args) == 1 and \
            not shape.keywords and evaluate_ref(shape.func, self.namespace) is np.shape \
            else None
        if like is not None:  # (np.zeros(shape) of shape = np.shape(x): x's shape)
            found = self.of(like)
            return found if isinstance(found, tuple) else None
        if isinstance(shape, (gast.Tuple, gast.List)):
            return tuple(self.size(x) for x in shape.elts)
        if self.of(shape) == ():
            return (self.size(shape),)
        return None


def _of_arguments(kind: str, args: list, e: gast.Call) -> Any:
    """The shape of a call the shape kind of which says is an argument's: the first's
    (``"first"``), it and a flag (``"flagged"``), one of them (``"chosen"``,
    ``max(a, b)``: known where they all have it), or theirs (a recursive call's
    ``"cotangents"``)."""
    if kind == "cotangents":
        return cotangent_shapes(e, args)
    if kind == "first":
        return args[0]
    if kind == "flagged":
        return Items((args[0], ()))
    return args[0] if len(args) > 1 and isinstance(args[0], tuple) and \
        all(a == args[0] for a in args) else None


def _kept_by_a_library(fn: Any, shape: Any, e: gast.Call) -> bool:
    """A reduction not NumPy's of a number with ``keepdims``: scipy's logsumexp keeps an
    axis there (shape (1,), where NumPy's keep none), so the shape is not known."""
    return shape == () and any(k.arg == "keepdims" for k in e.keywords) and \
        not getattr(fn, "__module__", "").startswith("numpy")


def first_axis(e: gast.Call) -> bool:
    """``np.stack(xs)``, ``np.stack(xs, 0)``, ``np.stack(xs, axis=0)``."""
    axis = e.args[1:] + [k.value for k in e.keywords if k.arg == "axis"]
    return len(e.args) <= 2 and all(k.arg == "axis" for k in e.keywords) and \
        all(isinstance(a, gast.Constant) and a.value == 0 and type(a.value) is int
            for a in axis)
