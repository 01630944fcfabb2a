"""Late pass ``algebra``: arithmetic identities that are exact in floating point.

- a number assigned once at the top level (the seed ``dout = 1.0``) is read
  as that number, and ``1.0 * x`` / ``x * 1.0`` / ``x / 1.0`` of a Python
  number ``x`` is ``x`` (arrays keep the product: it is a fresh array, and an
  integer array becomes float), and so is ``1.0 * (a / b)`` (already both);
- ``repeat_to(a, x, axis, True) * y`` (or ``+ - /``; or ``axis=None``) with ``y`` of
  ``x``'s shape is ``a * y`` (broadcasting spreads ``a`` in the product, no spread array is made);
- ``x ** 2`` of a name is ``x * x`` (numpy squares either way; for numbers a
  product is faster than a power);
- ``a + -b`` is ``a - b``, ``a + -b * c`` is ``a - b * c``, ``--b`` is ``b``,
  ``-(2 * b)`` is ``-2 * b`` and ``-(f(-a) * b)`` is ``f(a) * b`` of a helper ``f``
  linear in ``a`` (``unbroadcast``)
  (IEEE negation is exact, so these are the same numbers with a pass fewer);
- in a derivative's statement (an adjoint or a tangent: floats, never booleans),
  ``e + e`` (and ``x * y + y * x``) is ``2 * e`` (doubling is exact; ``e`` computed
  once);
- ``unbroadcast(unbroadcast(g, x), x)`` is ``unbroadcast(g, x)``;
- ``fresh(e) * y`` is ``e * y`` (arithmetic makes a new array: the copy is waste);
- numbers of a product that multiply to ``1.0`` dropped where two arrays remain, one of
  them of floats (``0.5 * dy * (2 * x)`` is ``dy * x``: the product is a new float array
  either way).
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import gast

from s2sad.compiler.algebra_facts import ValueFacts
from s2sad.compiler.algebra_terms import (
    divided,
    is_minus_one,
    is_one,
    negated,
    number_literal,
    outer_product,
    plain,
    product_factors,
    sign_outside,
    spread_quotient,
    swapped,
    unbroadcast_to,
    unfreshed,
)
from s2sad.compiler.folded_coefficients import fold_coefficients, fold_in_loops
from s2sad.compiler.names import root_name, written_names
from s2sad.compiler.negations import fold_negations
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_ids, name_nodes, same


def simplify_arithmetic(body: list, numbers: set[str], shapes: dict[str, str],
                        real: bool = False, derivatives: frozenset = frozenset(),
                        dims: Any = None, params: frozenset | set = frozenset(),
                        floats: frozenset = frozenset(), ranks: dict | None = None,
                        float_numbers: frozenset = frozenset()) -> list:
    """``real``: no value is complex (``unbroadcast`` also takes the real part);
    ``derivatives``: the names of adjoints or tangents; ``dims``: shape facts;
    ``params``: the parameters (bound on entry: a later ``p = 0.0`` is not all of ``p``);
    ``floats``: the parameters that are float64 arrays (an element of one is a number);
    ``ranks``: the array parameters' shape classes (what an element of one is, before
    the shape facts are worked out); ``float_numbers``: the parameters given a Python
    float or a NumPy float64."""
    stores: Counter | None = None  # (counted only for a body binding a float literal)
    while True:  # a copy of a constant is a constant too
        if stores is None and any(s.__class__ is gast.Assign and s.value.__class__ is
                                  gast.Constant for s in body):
            stores = Counter(name_ids(body, gast.Store))
            stores.update(params)
        found = _single_constants(body, stores) if stores is not None else {}
        if not found:
            break
        body = [s for s in body if not (isinstance(s, gast.Assign) and
                                        isinstance(s.targets[0], gast.Name) and
                                        s.targets[0].id in found)]
        for s in statement_nodes(body):
            if isinstance(s, gast.Delete):
                s.targets = [t for t in s.targets if getattr(t, "id", None) not in found]
        body = [s for s in body if not (isinstance(s, gast.Delete) and not s.targets)]
        replace = _Identities(found, set(), {})
        for s in body:
            replace.visit(s)
    body = fold_negations(body, params)
    rewrite = _Identities({}, numbers, shapes)
    rewrite.real, rewrite.derivatives, rewrite.dims = real, derivatives, dims
    rewrite.floats, rewrite.ranks = floats, ranks or {}
    rewrite.quotients = _quotients(body) | _float_numbers(body, float_numbers)
    fold_coefficients(body, rewrite)
    fold_in_loops(body, rewrite)
    for s in body:
        rewrite.visit(s)
    return body


def tidy_statements(stmts: list, numbers: set[str], shapes: dict[str, str], real: bool,
                    derivatives: frozenset, dims: Any) -> None:
    """The identities of :func:`simplify_arithmetic` applied to some statements of a body
    alone (no constants folded: only a whole body says which names are bound once): a
    pass that made a name a number tidies its readers at once, not in another round."""
    rewrite = _Identities({}, numbers, shapes)
    rewrite.real, rewrite.derivatives, rewrite.dims = real, derivatives, dims
    for s in stmts:
        rewrite.visit(s)


def _negative_of_literal(node: gast.Call) -> bool:
    return isinstance(node.func, gast.Attribute) and node.func.attr == "negative" and \
        isinstance(node.func.value, gast.Name) and node.func.value.id == "np" and \
        len(node.args) == 1 and not node.keywords and \
        isinstance(node.args[0], gast.Constant) and type(node.args[0].value) in (int, float)


def _quotients(body: list) -> set[str]:
    """The names every assignment of the body binds to a true division (``k = dt / dx``:
    floats, never an int or a bool, so a product's sign may go on them)."""
    found: set[str] = set()
    other: set[str] = set()
    for s in statement_nodes(body):
        if isinstance(s, gast.For):
            other |= {n.id for n in name_nodes(s.target)}
        for t in written_names(s):
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                    isinstance(s.targets[0], gast.Name) and divided(s.value):
                found.add(t)
            else:
                other.add(t)
    return found - other


def _float_numbers(body: list, given: frozenset) -> set[str]:
    """The parameters given a float number never bound again: floats all along (a sign
    on one is a sign on a number, not on an array)."""
    return set(given) - set(name_ids(body, gast.Store)) if given else set()


def _single_constants(body: list, stores: Counter) -> dict[str, gast.Constant]:
    return {s.targets[0].id: s.value for s in body
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1 and
            isinstance(s.value, gast.Constant) and type(s.value.value) is float}


class _Identities(ValueFacts):
    def visit_Assign(self, node: gast.Assign) -> gast.stmt:
        self.in_derivative = any(root_name(t) in self.derivatives for t in node.targets)
        self.generic_visit(node)
        self.in_derivative = False
        return node

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if isinstance(node.ctx, gast.Load) and node.id in self.constants:
            return gast.Constant(value=self.constants[node.id].value, kind=None)
        return node

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        inner = node.operand
        if isinstance(node.op, gast.USub) and isinstance(inner, gast.UnaryOp) and \
                isinstance(inner.op, gast.USub):
            return inner.operand  # --x is x
        if isinstance(node.op, gast.USub) and isinstance(inner, gast.Constant) and \
                type(inner.value) is float:
            return gast.Constant(value=-inner.value, kind=None)
        if isinstance(node.op, gast.USub) and isinstance(inner, gast.BinOp) and \
                isinstance(inner.op, gast.Mult) and number_literal(inner.left):
            return gast.BinOp(left=gast.Constant(value=-inner.left.value, kind=None),
                              op=inner.op, right=inner.right)  # -(2 * x) is -2 * x
        if isinstance(node.op, gast.USub) and isinstance(inner, (gast.BinOp, gast.Call)):
            cancelled = negated(inner)  # -(f(-a) * b), -(-a @ b): the signs cancel
            if cancelled is not None:
                return cancelled
        return node

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        node.left, node.right = unfreshed(node.left), unfreshed(node.right)
        left, right = node.left, node.right
        simpler = self.by_one(node)
        if simpler is not None:
            return simpler
        if isinstance(node.op, gast.Pow) and isinstance(left, gast.Name) and \
                isinstance(right, gast.Constant) and type(right.value) is int and right.value == 2:
            return gast.BinOp(left=left, op=gast.Mult(), right=gast.Name(
                id=left.id, ctx=gast.Load(), annotation=None, type_comment=None))
        if isinstance(node.op, (gast.Mult, gast.Add, gast.Sub, gast.Div)):
            for spread, other in ((left, right), (right, left)):
                if self.broadcasts_itself(spread, other):
                    a = unfreshed(spread.args[0])
                    node = gast.BinOp(left=a, op=node.op, right=other) \
                        if spread is left else gast.BinOp(left=other, op=node.op, right=a)
                    left, right = node.left, node.right
                    break
                scaled = self.scaled_spread(spread) if isinstance(node.op, gast.Mult) \
                    else None  # (repeat_to(a, x, ..) * 2) * y: (a * 2) * y
                if scaled is not None and self.broadcasts_itself(scaled[1], other):
                    setattr(scaled[0], scaled[2], unfreshed(scaled[1].args[0]))
                    break
        if isinstance(node.op, gast.Mult) and number_literal(left) and \
                isinstance(right, gast.BinOp) and isinstance(right.op, gast.Mult) and \
                is_one(right.left):  # 2 * (1.0 * y) is 2.0 * y
            return gast.BinOp(left=gast.Constant(value=float(left.value), kind=None),
                              op=node.op, right=right.right)
        if isinstance(node.op, gast.Mult) and number_literal(left) and \
                negated(right) is not None:  # 2 * (-a * b) is -2 * (a * b)
            return gast.BinOp(left=gast.Constant(value=-left.value, kind=None), op=node.op,
                              right=negated(right))
        if isinstance(node.op, (gast.Add, gast.Sub)):  # 1.0 * X + Y of a float X: X + Y
            node.left, node.right = self.unscaled(left), self.unscaled(right)
            left, right = node.left, node.right
        if isinstance(node.op, gast.Add) and negated(right) is not None:
            return gast.BinOp(left=left, op=gast.Sub(), right=negated(right))
        if isinstance(node.op, gast.Mult):
            return self.scaled_outer(node) or spread_quotient(node, self.same_rank) or \
                self.numbers_first(node) or node
        return node

    def scaled_outer(self, node: gast.BinOp) -> gast.expr | None:
        """``np.multiply.outer(a, b) * c`` of a number ``c``: ``np.multiply.outer(c * a,
        b)``, the number over a vector, not over the matrix (a product reordered, as
        :meth:`numbers_first` does)."""
        for outer, c in ((node.left, node.right), (node.right, node.left)):
            if outer_product(outer) and self.number(c):
                a = gast.BinOp(left=c, op=gast.Mult(), right=outer.args[0])
                return gast.Call(func=outer.func, args=[self.visit(a), outer.args[1]],
                                 keywords=[])
        return None

    def unscaled(self, e: gast.expr) -> gast.expr:
        """``X`` for ``1.0 * X`` of floats read by a sum (the sum makes the new array the
        product was kept for, of the same dtype)."""
        if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult) and is_one(e.left) and \
                self.inexact(e.right):
            return e.right
        return e

    def by_one(self, node: gast.BinOp) -> gast.expr | None:
        """``1.0 * x``, ``x * 1.0``, ``x / 1.0``, ``-1.0 * x`` of a number; ``e + e`` in a
        derivative."""
        left, right = node.left, node.right
        if isinstance(node.op, gast.Mult) and is_one(left) and (
                self.number(right) or divided(right)):
            return right
        if isinstance(node.op, gast.Mult) and is_minus_one(left) and self.number(right):
            return gast.UnaryOp(op=gast.USub(), operand=right)
        if isinstance(node.op, (gast.Mult, gast.Div)) and is_one(right) and self.number(left):
            return left
        if isinstance(node.op, (gast.Add, gast.Sub)) and isinstance(right, gast.Constant) \
                and type(right.value) is int and right.value == 0 and self.number(left):
            return left  # (n - ddof of ddof=0)
        if isinstance(node.op, (gast.Add, gast.Sub)) and self.adds_zeros(left, right):
            return left  # (dz + zeros_like(z): the slope of np.sign, of a real z)
        if isinstance(node.op, gast.Add) and self.adds_zeros(right, left):
            return right
        if isinstance(node.op, gast.Add) and self.in_derivative and plain(left) and \
                (same(left, right) or swapped(left, right)):
            return gast.BinOp(left=gast.Constant(value=2, kind=None), op=gast.Mult(),
                              right=left)
        return None

    def visit_AugAssign(self, node: gast.AugAssign) -> gast.stmt:
        """``d += -e`` is ``d -= e`` (no pass to negate ``e``)."""
        self.in_derivative = root_name(node.target) in self.derivatives
        self.generic_visit(node)
        self.in_derivative = False
        if isinstance(node.op, gast.Add) and negated(node.value) is not None:
            node.op, node.value = gast.Sub(), negated(node.value)
        if isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)) and \
                isinstance(node.target, gast.Name) and \
                self.broadcasts_itself(node.value, node.target):
            node.value = unfreshed(node.value.args[0])  # (d += spread: d has its shape)
        return node

    def numbers_first(self, node: gast.BinOp) -> gast.expr | None:
        """``dg * theta * (3 * (x * x))``: the numbers multiplied first, then the arrays
        (``3 * theta * dg * (x * x)``): one pass over memory per array factor, not per
        factor (and a sign folds into the number)."""
        factors, signs = product_factors(node)
        numbers = [f for f in factors if self.number(f)]
        arrays = [f for f in factors if not self.number(f)]
        unit = len(numbers) == 1 and is_one(numbers[0]) and len(arrays) > 1  # (1.0 * a * b)
        if not arrays or len(numbers) + signs < 2 and not unit or not numbers:
            return None
        literals = [f for f in numbers if number_literal(f)]
        if len(literals) > 1:  # 1.0 * 2.0 * x: 2.0 * x
            value = literals[0].value
            for f in literals[1:]:
                value = value * f.value
            numbers = [gast.Constant(value=value, kind=None)] + \
                [f for f in numbers if not number_literal(f)]
        if len(numbers) == 1 and is_one(numbers[0]) and not signs % 2 and \
                len(arrays) > 1 and any(self.inexact(f) for f in arrays):
            out = arrays[0]  # 0.5 * dy * (2 * x): dy * x (the product is new and inexact)
            for f in arrays[1:]:
                out = gast.BinOp(left=out, op=gast.Mult(), right=f)
            return out
        if signs % 2 and not any(number_literal(f) or self.inexact(f) for f in numbers):
            signs = self.sign_on_an_array(arrays)
            if signs:
                return None  # (no factor known to take the sign: the product as written)
        coefficient = numbers[0]
        for f in numbers[1:]:
            coefficient = gast.BinOp(left=coefficient, op=gast.Mult(), right=f)
        if signs % 2:
            coefficient = gast.UnaryOp(op=gast.USub(), operand=coefficient)
        out = coefficient
        for f in arrays:
            out = gast.BinOp(left=out, op=gast.Mult(), right=f)
        return out

    def sign_on_an_array(self, arrays: list) -> int:
        """Put the product's sign on its first float factor (``not_value * -dx * s``, not
        ``-not_value * dx * s``): a number factor may be a NumPy bool (``~np.isnan(x)``
        of a float ``x``), which has no ``-``.  The signs left over (1: no float factor)."""
        for i, f in enumerate(arrays):
            if self.inexact(f):
                arrays[i] = gast.UnaryOp(op=gast.USub(), operand=f)
                return 0
        return 1

    def visit_Call(self, node: gast.Call) -> gast.expr:
        """``safe_mul(repeat_to(c, x, ...), y)`` with a literal ``c`` other than 0 is
        ``c * y`` (no zero to guard); ``unbroadcast(e, x)`` with ``e`` of ``x``'s shape
        is ``e``; ``add_at(acc, x, idx, repeat_to(c, y, None, False))`` of a number ``c``
        is ``add_at(acc, x, idx, c)`` (the adjoint of ``x[idx]`` has its shape: adding
        ``c`` there spreads it alike)."""
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, gast.Name) else None
        if _negative_of_literal(node):  # np.negative(1) (a roll's shift reversed): -1
            return gast.Constant(value=-node.args[0].value, kind=None)
        outside = sign_outside(node, self.rank_of)  # (diag_adjoint(-dA, v, 1) of a vector)
        if outside is not None:
            return outside
        if name == "safe_mul" and len(node.args) == 2:
            spread, other = node.args
            if self.broadcasts_itself(spread, other) and number_literal(spread.args[0]) \
                    and spread.args[0].value != 0:
                if is_one(spread.args[0]):
                    return gast.BinOp(left=gast.Constant(value=1.0, kind=None),
                                      op=gast.Mult(), right=other)
                return gast.BinOp(left=spread.args[0], op=gast.Mult(), right=other)
        if name == "add_at" and len(node.args) == 4 and \
                self.spread_number(unfreshed(node.args[3])):
            node.args[3] = unfreshed(node.args[3]).args[0]  # add_at spreads it alike
        if name == "unbroadcast" and len(node.args) == 2 and unbroadcast_to(
                node.args[0], node.args[1]):  # unbroadcast(unbroadcast(g, x), x)
            return node.args[0]
        if name == "unbroadcast" and len(node.args) == 2 and self.real and \
                isinstance(node.args[1], gast.Name):
            root = self.shape_root(node.args[0])
            if root is not None and root == self.shapes.get(node.args[1].id, node.args[1].id):
                return node.args[0]
        return node

    def number(self, e: gast.expr) -> bool:
        """``e`` is a Python number (arithmetic of known numbers and float literals)."""
        if isinstance(e, gast.BinOp):
            return self.number(e.left) and self.number(e.right)
        if isinstance(e, gast.UnaryOp):
            return self.number(e.operand)
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
                isinstance(e.func.value, gast.Name) and e.func.value.id in ("np", "math"):
            return bool(e.args) and not e.keywords and all(self.number(a) for a in e.args)
        if isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
                e.func.id in ("reduced_size", "len") or isinstance(e, gast.Subscript) and \
                isinstance(e.value, gast.Attribute) and e.value.attr == "shape":
            return True  # counts (x.shape[0] too)
        if isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name) and \
                e.value.id in self.floats:  # an element of a float64 array
            if self.dims is not None:
                return self.dims.of(e) == ()
            index = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
            return len(index) == len(self.ranks.get(e.value.id, ())) and \
                all(isinstance(i, gast.Name) and i.id in self.numbers or
                    isinstance(i, gast.Constant) and type(i.value) is int for i in index)
        return (isinstance(e, gast.Name) and e.id in self.numbers) or \
            (isinstance(e, gast.Constant) and type(e.value) in (float, int))
