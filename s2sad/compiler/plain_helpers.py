"""Part of the late passes ``ranks`` and ``shapes``: the rewriting itself.  With the
shape of every value known (:mod:`ranks` works them out), the runtime helpers the shapes
make plain are written as plain code: ``unbroadcast(g, x)`` of a ``g`` shaped like ``x``
is ``g``, ``repeat_to(1.0, x, ..) * e`` is ``e``, ``written_part(g, i)`` of a basic index
is ``g[i]``, ``zeros_like`` of a number is ``0.0``; the products are in
:mod:`rank_products`."""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import concat_pieces, dims
from s2sad.compiler.names import Transformer, root_name
from s2sad.compiler.plain_calls import PLAIN_CALLS, Kinds, plain_call
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.rank_products import (
    contracted,
    matmul_adjoint,
    transposed,
    triangular_solve,
)
from s2sad.compiler.shape_rules import Elements, Items, is_none
from s2sad.compiler.spreads import Spreads
from s2sad.compiler.summed_adjoints import plain_sum, plain_unbroadcast
from s2sad.compiler.symmetric import simpler_transpose


def _basic_index(idx: gast.expr, products: PlainHelpers) -> bool:
    """An index that cannot repeat a position: a number, a slice, or a tuple of them."""
    if isinstance(idx, gast.Tuple):
        return all(_basic_index(e, products) for e in idx.elts)
    if isinstance(idx, gast.Constant):
        return type(idx.value) is int or idx.value is None
    if isinstance(idx, gast.Call) and isinstance(idx.func, gast.Name) and idx.func.id == "slice":
        return True
    return products.facts.of(idx) == ()


def _name(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _whole_slice(e: gast.expr) -> bool:
    """``slice(None, None)`` (``:``)."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "slice" and len(e.args) == 2 and all(is_none(a) for a in e.args) \
        or isinstance(e, gast.Slice) and e.lower is None and e.upper is None and e.step is None


def _is_np_solve(node: gast.Call) -> bool:
    f = node.func
    return isinstance(f, gast.Attribute) and f.attr == "solve" and \
        isinstance(f.value, gast.Attribute) and f.value.attr == "linalg" and \
        isinstance(f.value.value, gast.Name) and f.value.value.id == "np" and \
        len(node.args) == 2 and not node.keywords


def _picked(g: gast.expr, ans: gast.expr, i: gast.expr) -> gast.expr | None:
    """``pick_adjoint(add_at(None, ans, i, v), ans, i)``: ``v`` (what was put there)."""
    if isinstance(g, gast.Call) and isinstance(g.func, gast.Name) and \
            g.func.id == "add_at" and len(g.args) == 4 and is_none(g.args[0]) and \
            isinstance(i, gast.Constant) and isinstance(g.args[2], gast.Constant) and \
            g.args[2].value == i.value and isinstance(g.args[3], (gast.Name, gast.Constant)) and \
            isinstance(ans, gast.Name) and isinstance(g.args[1], gast.Name) and \
            g.args[1].id == ans.id:
        return g.args[3]
    return None


def _truth(e: gast.expr) -> bool | None:
    """The truth of a bool or None constant; None for anything else."""
    if isinstance(e, gast.Constant) and (type(e.value) is bool or e.value is None):
        return bool(e.value)
    return None


def _number_grid(s: Any) -> tuple | None:
    """The shape ``np.array`` makes of a list of numbers, or of such lists of one
    length; None for anything else."""
    if not isinstance(s, dims.Items) or not s.shapes:
        return None
    if all(x == () for x in s.shapes):
        return (len(s.shapes),)
    inner = [_number_grid(x) for x in s.shapes]
    return (len(s.shapes),) + inner[0] if inner[0] is not None and \
        all(x == inner[0] for x in inner) else None


class PlainHelpers(Spreads, Transformer):
    """Rewrites, bottom up, each helper call whose arguments' shapes make it plain."""

    def __init__(self, facts: dims.Facts, real: bool, indexed_only: set[str]) -> None:
        self.facts, self.real, self.indexed_only = facts, real, indexed_only
        self.lower: dict[str, bool] = {}  # triangular matrices: is it the lower triangle
        self.symmetric: set[str] = set()  # names of symmetric matrices (S.T is S)
        self.arguments: set[str] = set()  # the array arguments
        self.numbers: set[str] = set()  # names that always hold a number (not a 0-d array)
        self.kinds = Kinds([], frozenset(), frozenset(), facts.namespace)  # dtypes
        self.derivatives: frozenset = frozenset()  # the adjoints' names
        self.in_derivative = False  # in a statement assigning an adjoint

    def visit_Assign(self, node: gast.Assign) -> gast.stmt:
        """``d = array_adjoint(g, [a, b])`` of numbers ``a``, ``b``, ``d`` only read as
        ``d[0]``, ``d[1]``: ``d = g`` (its items are the same numbers); so too of rows of
        numbers (``[[c, -s], [s, c]]``: ``d[0]`` is a row of ``g``)."""
        target = node.targets[0]
        call = node.value
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and \
                call.func.id == "fresh" and len(call.args) == 1:
            call = call.args[0]
        if isinstance(target, gast.Name) and target.id in self.indexed_only and \
                isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and \
                call.func.id == "array_adjoint" and len(call.args) == 2:
            grid = _number_grid(self.facts.of(call.args[1]))
            if grid is not None and self.facts.of(call.args[0]) == grid:
                node.value = call.args[0]
        if isinstance(target, gast.Name) and target.id in self.indexed_only and \
                isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and \
                call.func.id == "unconcat":
            node.value = self.pieces(call) or node.value
        self.in_derivative = any(root_name(t) in self.derivatives for t in node.targets)
        self.generic_visit(node)
        self.in_derivative = False
        return node

    def visit_IfExp(self, node: gast.IfExp) -> gast.expr:
        """``a if True else b`` (a rule's real case, ``np.iscomplexobj`` of a float64
        array made ``False``): ``a``."""
        self.generic_visit(node)
        test = _truth(node.test)
        return node if test is None else node.body if test else node.orelse

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        test = _truth(node.operand) if isinstance(node.op, gast.Not) else None
        return node if test is None else gast.Constant(value=not test, kind=None)

    def visit_BoolOp(self, node: gast.BoolOp) -> gast.expr:
        """Constants that decide ``or``/``and`` (``True or x`` is ``True``) or drop out
        (``False or x`` is ``x``)."""
        self.generic_visit(node)
        deciding = isinstance(node.op, gast.Or)
        values = list(node.values)
        while len(values) > 1 and _truth(values[0]) is not None:
            if _truth(values[0]) == deciding:
                return values[0]
            values.pop(0)
        if len(values) == 1:
            return values[0]
        node.values = values
        return node

    def pieces(self, call: gast.Call) -> gast.Tuple | None:
        return concat_pieces.pieces(call, self.facts)

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        """``unconcat(g, items, None)[k]`` of pieces known: the ``k``-th of them (of a
        ``fresh`` copy of the list of them too: the same view of ``g``)."""
        self.generic_visit(node)
        call, k = node.value, node.slice
        copied = isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and \
            call.func.id == "fresh" and len(call.args) == 1 and not call.keywords
        if copied:
            call = call.args[0]  # type: ignore[union-attr]
        if isinstance(call, gast.Tuple) and isinstance(k, gast.Constant) and \
                type(k.value) is int and -len(call.elts) <= k.value < len(call.elts) and \
                all(isinstance(e, (gast.Name, gast.Subscript, gast.Constant))
                    for e in call.elts):
            return call.elts[k.value]  # (pieces already cut: the one read)
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and \
                call.func.id == "unconcat" and isinstance(k, gast.Constant) and \
                type(k.value) is int:
            parts = self.pieces(call)
            if parts is not None and -len(parts.elts) <= k.value < len(parts.elts):
                return parts.elts[k.value]
        return node

    def rank(self, e: gast.expr) -> int | None:
        s = self.facts.of(e)
        return len(s) if isinstance(s, tuple) else None

    def t(self, e: gast.expr) -> gast.expr:
        """``e.T``, simplified as ``visit_Attribute`` does."""
        return self.visit_Attribute(transposed(e))

    def visit_Attribute(self, node: gast.Attribute) -> gast.expr:
        """``t.T`` of ``t = np.transpose(A)`` with ``A`` an argument no statement
        assigns: ``A`` itself (``t`` need not be kept for the reverse sweep); ``S.T`` of
        a symmetric ``S``, and the others ``symmetric.simpler_transpose`` makes."""
        self.generic_visit(node)
        simpler = simpler_transpose(node, self.symmetric, self.facts, self.t) \
            if node.attr == "T" else None
        if simpler is not None:
            return simpler
        if node.attr != "T" or not isinstance(node.value, gast.Name):
            return node
        values = self.facts.defs.get(node.value.id, ())
        if len(values) != 1 or not isinstance(values[0], gast.Call) or \
                len(values[0].args) != 1 or values[0].keywords:
            return node
        call = values[0]
        inner = call.args[0]
        if isinstance(call.func, gast.Attribute) and call.func.attr == "transpose" and \
                isinstance(inner, gast.Name) and inner.id in self.arguments and \
                inner.id not in self.facts.defs and self.rank(inner) == 2:
            return gast.Name(id=inner.id, ctx=gast.Load(), annotation=None, type_comment=None)
        return node


    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, gast.Name) else None
        if name in ("safe_mul", "safe_div") and len(node.args) == 2 and not node.keywords:
            simpler = self.spread_guarded(name, node)
            if simpler is not None:
                return simpler
        plain = plain_call(name, node, self.facts, self.kinds.real) \
            if name in PLAIN_CALLS or name is None else None
        plain = plain if plain is not None else self.plain(name, node)
        if plain is not None:
            return plain
        if name is None and self.in_derivative and node.args and \
                isinstance(node.args[0], gast.BinOp):
            summed = plain_sum(node, self.facts)
            if summed is not None:
                return summed
        if name in ("dot_lhs_adjoint", "dot_rhs_adjoint") and len(node.args) == 3 and \
                not node.keywords and all(self.rank(a) in (1, 2) for a in node.args[1:]):
            name = name.replace("dot", "matmul")  # (np.dot of vectors and matrices is @)
            node.func = gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
        if name not in ("matmul_lhs_adjoint", "matmul_rhs_adjoint") or len(node.args) != 3:
            return node
        return matmul_adjoint(name, node, self.rank, self.t)

    def plain(self, name: str | None, node: gast.Call) -> gast.expr | None:
        """Helpers that the ranks make plain: an index, the array itself, the number."""
        if name == "written_part" and len(node.args) == 2 and _basic_index(node.args[1], self):
            return gast.Subscript(value=node.args[0], slice=node.args[1], ctx=gast.Load())
        if name in ("iteration_items", "items_adjoint") and node.args and \
                (items := self.items(name, node)) is not None:
            return items
        if name == "unbroadcast" and len(node.args) == 2 and not node.keywords:
            return plain_unbroadcast(node.args[0], node.args[1], self.facts, self.real,
                                     self.numbers)
        if name == "add_at" and len(node.args) == 4 and not node.keywords:
            return self.reshaped_add(*node.args)
        if name == "pick_adjoint" and len(node.args) == 3:
            return _picked(*node.args)
        if getattr(node, "s2sad_contract", False) and len(node.args) == 1:
            dot = contracted(node.args[0], self.facts)
            return dot if isinstance(dot, gast.BinOp) else None
        if name in ("solve_rhs_adjoint", "solve_lhs_adjoint"):
            return triangular_solve(name, node, self.lower, self.facts, self.symmetric)
        solved = self.triangular(node) if _is_np_solve(node) else None
        if solved is not None:
            return solved
        if self.own_triangle(node):
            return node.args[0]  # np.tril of a lower factor: the factor
        if name == "axes_inverse" and len(node.args) == 1 and is_none(node.args[0]):
            return node.args[0]
        if name is None and self.is_transpose(node):
            return self.t(node.args[0])
        return self.plain_value(name, node)

    def items(self, name: str, node: gast.Call) -> gast.expr | None:
        """An array, a list or tuple (not a dict: its keys) is gone through as it is (the
        adjoint of a list or tuple's: ``g``).  ``iteration_items(x, n)``, ``x`` unpacked
        into ``n`` names: ``x`` where it is a tuple or list of ``n`` known items; an
        array's length stays checked (the shape facts learn it there)."""
        if name == "iteration_items" and len(node.args) == 2:
            shape, n = self.facts.of(node.args[0]), node.args[1]
            return node.args[0] if isinstance(shape, Items) and \
                isinstance(n, gast.Constant) and len(shape.shapes) == n.value else None
        last = node.args[-1]
        return node.args[0] if (self.rank(last) or 0) >= 1 or \
            isinstance(self.facts.of(last), (Items, Elements)) else None

    def triangular(self, node: gast.Call) -> gast.Call | None:
        """``np.linalg.solve(T, b)`` (or of ``T.T``) of a matrix ``T`` known triangular,
        ``b`` a vector or a matrix: ``tri_solve``, the same x by O(n^2) per column."""
        a = node.args[0]
        trans = isinstance(a, gast.Attribute) and a.attr == "T"
        m = a.value if trans else a
        if not (isinstance(m, gast.Name) and m.id in self.lower and self.rank(m) == 2 and
                self.rank(node.args[1]) in (1, 2)):
            return None
        flags = [gast.Constant(value=self.lower[m.id], kind=None)]
        if trans:
            flags.append(gast.Constant(value=True, kind=None))
        return gast.Call(func=_name("tri_solve"), args=[m, node.args[1], *flags],
                         keywords=[])

    def own_triangle(self, node: gast.Call) -> bool:
        """``np.tril(L)`` of an ``L`` known to be lower triangular (``np.triu`` of an
        upper one), the diagonal kept."""
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], gast.Name) \
                or node.args[0].id not in self.lower:
            return False
        fn = evaluate_ref(node.func, self.facts.namespace)
        return (fn is np.tril) if self.lower[node.args[0].id] else (fn is np.triu)

    def is_transpose(self, node: gast.Call) -> bool:
        """``np.transpose(m)`` (``axes`` None) or ``np.matrix_transpose(m)`` of a matrix
        ``m``: ``m.T`` is the same view without a NumPy function call (~0.5 us each, the
        cost of a 4x4 product, in a loop of small matrices)."""
        fn = evaluate_ref(node.func, self.facts.namespace)
        if fn is not np.transpose and fn is not np.matrix_transpose or node.keywords or \
                not 1 <= len(node.args) <= (2 if fn is np.transpose else 1):
            return False
        return (len(node.args) == 1 or is_none(node.args[1])) and \
            self.rank(node.args[0]) == 2

    def plain_value(self, name: str | None, node: gast.Call) -> gast.expr | None:
        """Helpers that hand back their argument, or a number's zero; ``add_grads`` of
        two arrays (a value that might have been a container, an item of a swapped
        tuple, is known an array) ``+``."""
        number = len(node.args) == 1 and (
            isinstance(node.args[0], gast.Constant) and
            not isinstance(node.args[0].value, (str, bytes)) or  # (a text's zero: items)
            isinstance(node.args[0], gast.Name) and node.args[0].id in self.numbers)
        if name == "broadcast_like" and len(node.args) == 2 and \
                dims.same(self.facts.of(node.args[0]), self.facts.of(node.args[1])):
            return node.args[0]  # a tangent of the output's shape already
        if name == "zeros_like" and number and self.real:
            return gast.Constant(value=0.0, kind=None)
        if name == "fresh" and number:
            return node.args[0]  # a number is never written in place: no copy
        if name == "add_grads" and len(node.args) == 2 and not node.keywords and \
                all(self.rank(a) is not None for a in node.args):
            return gast.BinOp(left=node.args[0], op=gast.Add(), right=node.args[1])  # (arrays)
        if name is None and len(node.args) == 1 and not node.keywords and \
                self.rank(node.args[0]) is not None and \
                evaluate_ref(node.func, self.facts.namespace) is np.ndim:
            return gast.Constant(value=self.rank(node.args[0]), kind=None)  # (a rule's test)
        return None

    def reshaped_add(self, acc: gast.expr, x: gast.expr, idx: gast.expr,
                     g: gast.expr) -> gast.expr | None:
        """The adjoint of ``x[None, :, :]`` (new axes and whole slices only) is ``g``
        with ``x``'s shape: ``add_at`` of it is a reshape (and an add)."""
        parts = idx.elts if isinstance(idx, gast.Tuple) else [idx]
        whole = [p for p in parts if not is_none(p)]
        if not all(_whole_slice(p) for p in whole) or len(whole) == len(parts):
            return None
        like = x if is_none(acc) else acc
        rank = self.rank(like)  # (whole axes after the index's may be left implicit)
        if not isinstance(like, gast.Name) or rank is None or rank < len(whole):
            return None
        np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
        shape = gast.Call(func=gast.Attribute(value=np_, attr="shape", ctx=gast.Load()),
                          args=[like], keywords=[])
        part = gast.Call(func=gast.Attribute(value=np_, attr="reshape", ctx=gast.Load()),
                         args=[g, shape], keywords=[])
        return part if is_none(acc) else gast.BinOp(left=acc, op=gast.Add(), right=part)
