"""Shape facts: the shape of every value, as far as the argument shapes decide it.

A derivative is generated per *shape class* of its array arguments: which of their
axes have length 1, which lengths are equal (``F`` of (5, 5) and ``H`` of (3, 5)
give ``F: (a, a)``, ``H: (b, a)``), and which axis of an array is 2, 3 or 4 times
another (``U`` of (32, 128): ``(a, "4*a")``).  From these symbols a shape follows through
arithmetic (broadcasting), products, indexing, reductions and constructors, and
loops (to a fixpoint).  A dimension is an int, a symbol (a length of at least 2), or
None (unknown); a shape is a tuple of dimensions, ``Items`` of a tuple of values, or
absent (unknown rank); how shapes combine and which shape each function gives is in
:mod:`shape_rules`.  The late passes use them to drop helpers that would do
nothing (``unbroadcast`` of an adjoint that already has its value's shape).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import affine, shape_defs, shape_solve, windows
from s2sad.compiler.call_shapes import SHAPE_RULES, outer
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.recursive_results import Recursion, cotangent_shapes, result_shape
from s2sad.compiler.shape_index import IndexShapes
from s2sad.compiler.shape_probe import probe
from s2sad.compiler.shape_rules import (
    APPENDS,
    CONSTRUCTORS,
    ELEMENTWISE,
    NO,
    UNKNOWN,
    Dim,
    Elements,
    Items,
    Keyed,
    broadcast,
    broadcast_all,
    concatenated,
    grown,
    is_none,
    literal,
    matmul,
    module_number,
    reduced_call,
    same_as_argument,
    stacked,
)
from s2sad.recursion_tape import taped_value
from s2sad.rules.facts import shape_kind

# containers of the language and of s2sad's runtime: shaped by their items, never probed
_BUILT_CONTAINERS = frozenset({list, tuple, dict, runtime.array_to_list})


class Facts(IndexShapes):
    """Shapes of names (and lengths held by int names) in a body of statements."""

    reading: set[str] | None = None  # the names read, while a definition is worked out
    recursion: Recursion | None = None  # the recursive function the body is a derivative of

    def __init__(self, body: list, params: dict[str, Any], numbers: set[str],
                 namespace: dict, alike: dict[str, gast.expr] | None = None,
                 recursion: Recursion | None = None, indices: frozenset = frozenset()
                 ) -> None:
        """``alike``: a parameter shaped like an expression of the body (a vjp's
        cotangent: like the output, which the caller checks it is); ``recursion``: the
        function the body is a derivative of, when it calls itself (its calls' values
        are shaped like its own result: :mod:`recursive_results`); ``indices``: the
        parameters given integer arrays (the variant is made for that dtype: ``x[ei]``
        picks one row per entry of ``ei``)."""
        self.namespace, self.recursion, self.indices = namespace, recursion, indices
        self.shapes: dict[str, Any] = {**dict.fromkeys(numbers, ()), **params}
        self.sizes: dict[str, Dim] = {}
        self.learned: dict[str, int] = {}  # symbol -> the int it must equal (broadcasting)
        self.fixed = set(params) | set(numbers)  # their shapes are given
        self.defs = shape_defs.definitions(body)
        self.scopes = windows.scopes(body)  # where each slice is read
        # what the shapes are worked out from: a vjp's cotangent has the shape of the
        # output, but not its values (not symmetric, triangular, positive as it is), so
        # ``alike`` stays out of ``defs``, which the passes read as values
        self.shape_defs = {name: list(values) for name, values in self.defs.items()}
        for name, like in (alike or {}).items():
            self.shape_defs.setdefault(name, []).append(like)
        shape_solve.solve(self)

    @classmethod
    def over(cls, shapes: dict[str, Any], namespace: dict) -> Facts:
        """Facts of expressions over names whose shapes (or ranks) are given."""
        facts = cls.__new__(cls)
        facts.namespace, facts.shapes, facts.sizes, facts.defs = namespace, shapes, {}, {}
        facts.learned, facts.scopes, facts.shape_defs = {}, {}, {}
        return facts

    def rank_of(self, e: gast.expr) -> int | None:
        s = self.of(e)
        return len(s) if isinstance(s, tuple) else None

    def rank(self, name: str) -> int | None:
        s = self.shapes.get(name)
        return len(s) if isinstance(s, tuple) else None

    def of(self, e: gast.expr) -> Any:
        """The shape of ``e`` (None: unknown)."""
        return self.canon(self._of(e))

    def _of(self, e: gast.expr) -> Any:
        if isinstance(e, gast.Constant):
            return () if isinstance(e.value, (int, float, bool)) else None
        if isinstance(e, gast.Name):
            return self._named(e.id)
        if isinstance(e, gast.UnaryOp):
            return self.of(e.operand)
        if isinstance(e, (gast.BinOp, gast.Compare, gast.BoolOp, gast.IfExp)):
            return self._operation(e)
        if isinstance(e, gast.Attribute) and e.attr == "shape":
            s = self.of(e.value)
            return (len(s),) if isinstance(s, tuple) else None
        if isinstance(e, gast.Attribute) and e.attr == "T":
            s = self.of(e.value)
            return s[::-1] if isinstance(s, tuple) else None
        if isinstance(e, gast.Attribute) and module_number(e, self.namespace):
            return ()
        if isinstance(e, gast.Subscript):
            return self._index(e)
        if isinstance(e, (gast.Tuple, gast.List, gast.Dict)):
            return self._display(e)
        if isinstance(e, gast.Call):
            return self._call(e)
        return None

    def _display(self, e: gast.Tuple | gast.List | gast.Dict) -> Any:
        """A tuple, a list (``[]``: of items of any shape, none yet), a dict of str keys."""
        if isinstance(e, gast.Dict):
            return Keyed(tuple((k.value, self.of(v)) for k, v in zip(e.keys, e.values))) \
                if e.keys and all(isinstance(k, gast.Constant) and type(k.value) is str
                                  for k in e.keys) else None
        return Items(tuple(self.of(x) for x in e.elts)) if e.elts or \
            isinstance(e, gast.Tuple) else Elements(None)

    def _named(self, name: str) -> Any:
        if self.reading is not None:  # (working out a definition: it reads ``name``)
            self.reading.add(name)
        s = self.shapes.get(name)
        return (None,) * s if type(s) is int else None if s == UNKNOWN else s

    def canon(self, s: Any) -> Any:
        """``s`` with each symbol whose length broadcasting fixed replaced by it."""
        if isinstance(s, tuple) and self.learned:
            return tuple(self.learned.get(d, d) if isinstance(d, str) else
                         affine.substitute(d, self.learned) for d in s)
        return s

    def size(self, e: gast.expr) -> Dim:
        """The value of an int expression that is a known length (``x.shape[0]``), or
        int arithmetic of those (``x.shape[0] - k + 1``, an ``affine`` form); never a
        loop counter's (it changes trip by trip)."""
        if isinstance(e, gast.Constant) and type(e.value) is int and e is not shape_defs.COUNTER:
            return e.value
        if isinstance(e, (gast.BinOp, gast.UnaryOp)):
            return affine.value(windows.value(e, windows.EMPTY, self.size))
        if isinstance(e, gast.Name):
            if self.reading is not None:
                self.reading.add(e.id)
            return self.sizes.get(e.id)
        if isinstance(e, gast.Subscript) and isinstance(e.slice, gast.Constant) and \
                type(e.slice.value) is int:
            v = e.value
            if isinstance(v, gast.Name) and len(self.defs.get(v.id, ())) == 1:
                v = self.defs[v.id][0]  # shape = np.shape(x); n = shape[0]
            v = self._shape_read_as_floats(v)
            of = v.value if isinstance(v, gast.Attribute) and v.attr == "shape" else \
                v.args[0] if isinstance(v, gast.Call) and len(v.args) == 1 and \
                evaluate_ref(v.func, self.namespace) is np.shape else None
            s = self.of(of) if of is not None else None
            if isinstance(s, tuple) and -len(s) <= e.slice.value < len(s):
                return s[e.slice.value]
        if isinstance(e, gast.Call) and len(e.args) == 1 and \
                evaluate_ref(e.func, self.namespace) is len:
            s = self.of(e.args[0])
            return s[0] if isinstance(s, tuple) and s else None
        return None

    def _shape_read_as_floats(self, v: gast.expr) -> gast.expr:
        """``np.shape(x)`` for ``as_floats(shape)`` of ``shape = np.shape(x)`` (a shape
        read item by item: its ints as they are)."""
        if isinstance(v, gast.Call) and len(v.args) == 1 and \
                isinstance(v.args[0], gast.Name) and \
                len(self.defs.get(v.args[0].id, ())) == 1 and \
                evaluate_ref(v.func, self.namespace) is runtime.as_floats:
            return self.defs[v.args[0].id][0]
        return v

    def _operation(self, e: gast.BinOp | gast.Compare | gast.BoolOp | gast.IfExp) -> Any:
        """Arithmetic and a comparison broadcast (elementwise); ``a or b`` and ``a if t
        else b`` are one of their values: the shape they all have."""
        if isinstance(e, gast.BinOp):
            return self._binop(e)
        if isinstance(e, gast.Compare):
            if len(e.comparators) != 1:
                return None
            return self._binop(gast.BinOp(left=e.left, op=gast.Add(), right=e.comparators[0]))
        values = [e.body, e.orelse] if isinstance(e, gast.IfExp) else e.values
        shapes = [self.of(v) for v in values]
        return shapes[0] if all(same(shapes[0], s) for s in shapes) else None

    def _binop(self, e: gast.BinOp) -> Any:
        a, b = self.of(e.left), self.of(e.right)
        if isinstance(a, tuple) and a and getattr(e, "s2sad_augmented", False) and \
                not isinstance(e.op, gast.MatMult):
            return a  # (x *= v of an array x: in place, x's shape whatever v's)
        if not isinstance(a, tuple) or not isinstance(b, tuple):
            return None
        if isinstance(e.op, gast.MatMult):
            return matmul(a, b)
        return broadcast(a, b, self.learned)

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
            if rule is not None and isinstance(args[0], tuple):
                return rule(args, e)
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
        if fn is runtime.iteration_items and len(e.args) == 1:
            s = self.of(e.args[0])  # a list or tuple goes through itself, a dict its keys
            return s if isinstance(s, (Items, Elements, tuple)) else None
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


def known(s: Any) -> bool:
    """A shape whose every length is known (an int, a symbol, or a form surely at least
    2): each is surely 1 or surely not (another affine length may be 1 or not, see
    ``same``)."""
    return isinstance(s, tuple) and all(d is not None and (
        not isinstance(d, affine.Lin) or affine.long(d)) for d in s)


def same(a: Any, b: Any) -> bool:
    """Two shapes of values that exist together are surely equal (``affine.same``)."""
    return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and \
        all(affine.same(x, y) for x, y in zip(a, b))


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
