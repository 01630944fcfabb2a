"""Part of late pass ``algebra``: what its rewrites ask of a value before they apply, the
facts of the derivative they rewrite: its rank, whether it is a float array for sure
(``inexact``), a number spread to a shape (``repeat_to``) and the shape it is spread
to, whether a spread broadcasts against another value by itself."""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import dims
from s2sad.compiler.algebra_terms import divided
from s2sad.compiler.names import Transformer, call_named
from s2sad.compiler.shape_rules import is_none, literal


class ValueFacts(Transformer):
    """The facts ``algebra``'s rewrites read (set by :func:`algebra.simplify_arithmetic`):
    the numbers assigned once, the shapes and ranks of values, the float parameters."""

    def __init__(self, constants: dict, numbers: set[str], shapes: dict[str, str]) -> None:
        self.constants, self.numbers, self.shapes = constants, numbers, shapes
        self.real = False
        self.derivatives: frozenset = frozenset()
        self.in_derivative = False
        self.dims: Any = None  # every value's shape (dims.Facts), once worked out
        self.floats: frozenset = frozenset()  # parameters that are float64 arrays
        self.quotients: set[str] = set()  # names only ever bound to a true division, and
        # float number parameters never bound again: floats for sure
        self.ranks: dict = {}  # array parameter -> its shape class

    def rank_of(self, e: gast.expr) -> int | None:
        return self.dims.rank_of(e) if self.dims is not None else None

    def same_rank(self, a: gast.expr, b: gast.expr) -> bool:
        rank = self.dims.rank_of(a) if self.dims is not None else None
        return rank is not None and rank == self.dims.rank_of(b)

    def spread_number(self, e: gast.expr) -> bool:
        """``repeat_to(c, y, None, False)`` of a number ``c``: ``c`` in ``y``'s shape."""
        return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
            e.func.id == "repeat_to" and len(e.args) == 4 and not e.keywords and \
            is_none(e.args[2]) and isinstance(e.args[3], gast.Constant) and \
            e.args[3].value is False and self.number(e.args[0])

    def shape_root(self, e: gast.expr) -> str | None:
        """The name whose shape an elementwise expression of names and numbers has."""
        if isinstance(e, gast.Name):
            return None if e.id in self.numbers else self.shapes.get(e.id, e.id)
        if isinstance(e, gast.UnaryOp):
            return self.shape_root(e.operand)
        if isinstance(e, gast.BinOp) and not isinstance(e.op, gast.MatMult):
            left, right = self.shape_root(e.left), self.shape_root(e.right)
            if self.number(e.left):
                return right
            if self.number(e.right):
                return left
            return left if left is not None and left == right else None
        return None

    def scaled_spread(self, e: gast.expr) -> tuple | None:
        """(the product, the ``repeat_to`` call, its side) of ``repeat_to(..) * c`` or
        ``c * repeat_to(..)`` of a number ``c``."""
        if not (isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult)):
            return None
        for side, factor, other in (("left", e.left, e.right), ("right", e.right, e.left)):
            if call_named(factor, "repeat_to") and self.number(other):
                return e, factor, side
        return None

    def broadcasts_itself(self, spread: gast.expr, other: gast.expr) -> bool:
        """``repeat_to(a, x, axis, True) * b`` with ``b`` of ``x``'s shape: ``a`` has
        ``x``'s shape with the reduced axes kept as 1, so ``a * b`` broadcasts alike; so
        does an ``a`` summed over leading axes (``repeat_to(a, x, 0, False)`` of a column
        sum: NumPy puts the missing axes in front)."""
        if not (isinstance(spread, gast.Call) and isinstance(spread.func, gast.Name) and
                spread.func.id == "repeat_to" and len(spread.args) == 4 and
                (any(isinstance(a, gast.Constant) and a.value is v
                     for a, v in ((spread.args[3], True), (spread.args[2], None))) or
                 self.leading(spread)) and
                isinstance(spread.args[1], gast.Name)):
            return False  # (keepdims, or a full reduction: a number spreads by itself)
        shape = spread.args[1].id
        if isinstance(other, gast.Name) and \
                self.shapes.get(shape, shape) == self.shapes.get(other.id, other.id):
            return True
        if self.shape_root(other) == self.shapes.get(shape, shape):  # 2 * x, like x
            return True
        return self.dims is not None and dims.same(self.dims.of(spread.args[1]),
                                                   self.dims.of(other))

    def leading(self, spread: gast.Call) -> bool:
        """``repeat_to(a, x, axis, False)`` spreading over the first axes of ``x`` (of
        known rank), ``a`` of the rank of the axes left (or a number)."""
        axes = literal(spread.args[2])
        rank = self.dims.rank_of(spread.args[1]) if self.dims is not None else None
        if not (isinstance(spread.args[3], gast.Constant) and spread.args[3].value is False
                and rank is not None):
            return False
        axes = (axes,) if type(axes) is int else axes
        if not (isinstance(axes, tuple) and axes and all(type(a) is int for a in axes)):
            return False
        if sorted(a % rank if -rank <= a < rank else -1 for a in axes) != \
                list(range(len(axes))):
            return False
        return self.dims.rank_of(spread.args[0]) in (0, rank - len(axes))

    def inexact(self, e: gast.expr) -> bool:
        """``e`` holds floats (or complex numbers), never integers: a derivative, a
        float64 argument, a true division, or ``np.where`` choosing between a float
        literal or a derivative."""
        if isinstance(e, gast.Name):
            return e.id in self.derivatives or e.id in self.floats or e.id in self.quotients
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
                e.func.attr == "where" and isinstance(e.func.value, gast.Name) and \
                e.func.value.id == "np" and len(e.args) == 3 and not e.keywords:
            return any(isinstance(a, gast.Constant) and type(a.value) is float or
                       self.inexact(a) for a in e.args[1:])
        return divided(e)

    def adds_zeros(self, e: gast.expr, zeros: gast.expr) -> bool:
        """``zeros`` is ``zeros_like(x)`` added to ``e`` in a derivative of real values,
        ``e`` and ``x`` of one known shape: the sum is ``e`` (a float array or number
        already; adding zeros neither broadcasts nor changes a value)."""
        if not (self.in_derivative and self.real and self.dims is not None and
                call_named(zeros, "zeros_like") and len(zeros.args) == 1 and
                not zeros.keywords):
            return False
        shape = self.dims.of(e)
        return dims.known(shape) and shape == self.dims.of(zeros.args[0]) and \
            self.inexact_value(e)

    def inexact_value(self, e: gast.expr) -> bool:
        """``e`` holds floats: :meth:`inexact`, or arithmetic with a derivative in it."""
        if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Add, gast.Sub,
                                                             gast.Div)):
            return self.inexact_value(e.left) or self.inexact_value(e.right)
        return self.inexact(e)
