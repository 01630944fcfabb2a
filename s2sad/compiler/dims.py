"""Shape facts: the shape of every value, as far as the argument shapes decide it.

A derivative is generated per *shape class* of its array arguments: which of their
axes have length 1, which lengths are equal (``F`` of (5, 5) and ``H`` of (3, 5)
give ``F: (a, a)``, ``H: (b, a)``), and which axis of an array is 2, 3 or 4 times
another (``U`` of (32, 128): ``(a, "4*a")``).  From these symbols a shape follows through
arithmetic (broadcasting), products, indexing, reductions and constructors, and
loops (to a fixpoint).  A dimension is an int, a symbol (a length of at least 2), or
None (unknown); a shape is a tuple of dimensions, ``Items`` of a tuple of values, or
absent (unknown rank); how shapes combine and which shape each function gives is in
:mod:`shape_rules` (a call's in :mod:`call_facts`, an index's in :mod:`shape_index`;
the fixpoint in :mod:`shape_solve`).
The late passes use them to drop helpers that would do nothing (``unbroadcast`` of an
adjoint that already has its value's shape).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import affine, inner_tapes, shape_defs, shape_solve, windows
from s2sad.compiler.call_facts import CallShapes
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.recursive_results import Recursion
from s2sad.compiler.shape_index import IndexShapes
from s2sad.compiler.shape_rules import (
    UNKNOWN,
    Dim,
    Elements,
    Items,
    Keyed,
    broadcast,
    matmul,
    module_number,
)
from s2sad.compiler.walks import walk


class Facts(CallShapes, IndexShapes):
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
        self.body: list = body
        self.bound: frozenset[str] | None = None  # (:meth:`_global_number`)
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
        inner_tapes.restored(body, self.shape_defs)  # (a derivative's tape, read back)
        for name, like in (alike or {}).items():
            self.shape_defs.setdefault(name, []).append(like)
        shape_solve.solve(self)

    @classmethod
    def over(cls, shapes: dict[str, Any], namespace: dict) -> Facts:
        """Facts of expressions over names whose shapes (or ranks) are given."""
        facts = cls.__new__(cls)
        facts.namespace, facts.shapes, facts.sizes, facts.defs = namespace, shapes, {}, {}
        facts.learned, facts.scopes, facts.shape_defs = {}, {}, {}
        facts.body, facts.bound = [], None
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
        if s is None and name not in self.shape_defs and self._global_number(name):
            return ()
        return (None,) * s if type(s) is int else None if s == UNKNOWN else s

    def _global_number(self, name: str) -> bool:
        """A module global holding an int or float (``GRAVITY = 9.8``) is a number, as
        the activity stage takes it (``activity._is_scalar``), unless the body binds the
        name itself (the names it binds looked for once, only when such a global is
        read)."""
        if type(self.namespace.get(name)) not in (int, float):
            return False
        if self.bound is None:
            self.bound = bound_names(self.body)
        return name not in self.bound

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
            return matmul(a, b, self.learned)
        return broadcast(a, b, self.learned)


def bound_names(body: list) -> frozenset[str]:
    """The names a body binds anywhere (assigned, loop targets, a pop's, ``del``-ed)."""
    return frozenset(n.id for n in walk(gast.Module(body=body, type_ignores=[]))
                     if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load))


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
