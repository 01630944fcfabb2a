"""Late pass ``contract``: a sum over axes of a product, written as the contraction it
is, without the product's array.

``np.sum(X, axis=..)`` whose ``X`` is a product of broadcast views of smaller arrays
(``np.expand_dims(W, -1) * (2 * diff)``, ``diff = P[:, None, :] - Q[None, :, :]``: the
adjoint of a pairwise difference in n-body, kernel and distance code) is summed without
making ``X``: a difference or sum among the factors is distributed, and each term is a
contraction of the arrays the views read (``np.sum(W, axis=1)[:, None] * P - W @ Q``,
:mod:`contract_plan`); ``np.sum(x * y)`` of two vectors is ``x @ y``.

Only where it is proved: every shape known, the values read through bound at the top
of the function and nothing they read bound or written into again before the sum (so
each holds there the value it had), and in each term an operand surely inexact (``@`` keeps an
int32 or bool type that ``np.sum`` would widen: :mod:`inexact`).  No
``np.einsum``: the array API has none, and a derivative called with another library's
arrays runs this code rewritten to that library (:mod:`portable`).  Float
rounding may differ (another order of summation); nothing else does.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.algebra_terms import product_factors
from s2sad.compiler.contract_plan import (
    Operand,
    contraction,
    int_literal,
    is_expand_dims,
    placed,
    view,
)
from s2sad.compiler.inexact import inexact_names, is_inexact
from s2sad.compiler.names import Namer, Transformer, assign, load
from s2sad.compiler.new_axes import new_axes_of, shape_argument
from s2sad.compiler.node_scans import nodes_of, written_names
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import blocks
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_ids, nodes, walk

MAX_TERMS = 2


def contract(body: list, facts: dims.Facts, namespace: dict,
             floats: frozenset = frozenset()) -> bool:
    """Each provable sum of a product in ``body`` contracted (in each block: a loop's
    body read within one trip); whether one was (``floats``: the float64 array
    parameters)."""
    inexact = _Inexact(body, namespace, floats)
    changed = False
    for block in blocks(body):
        ctx: _Context | None = None
        for index, s in enumerate(block):
            if isinstance(s, (gast.Assign, gast.AugAssign, gast.Return)) and \
                    _rewritable(s, namespace):
                if ctx is None:  # (the facts worked out for a block with a statement to
                    # look at, before any of its statements is rewritten: as up front)
                    ctx = _Context(block, facts, namespace, inexact)
                sums = _Sums(ctx, index)
                sums.visit(s)
                changed |= sums.changed
    return changed


def _rewritable(s: gast.stmt, namespace: dict) -> bool:
    """Does ``s`` call ``np.sum`` or ``np.reshape``, the calls :class:`_Sums` rewrites
    (most statements do not: they are not visited)?"""
    return any(n.__class__ is gast.Call and _rewritten(evaluate_ref(n.func, namespace))
               for n in nodes(s))


def _rewritten(fn: object) -> bool:
    return fn is np.sum or fn is np.reshape


def has_sums(body: list, namespace: dict) -> bool:
    """Whether ``body`` calls ``np.sum`` of a product at all (most bodies do not: the
    pass is then free)."""
    return any(n.args and isinstance(n.args[0], (gast.BinOp, gast.Name)) and
               evaluate_ref(n.func, namespace) is np.sum for n in nodes_of(body, (gast.Call,)))


def weights_named(body: list, namespace: dict, namer: Namer) -> bool:
    """``g = np.expand_dims(-(dK * K), -1) * d`` read only by sums: the spread weights
    bound first (``g_weight = -(dK * K)``), so that the sums, contracted, read them
    rather than compute them again."""
    reads = Counter(name_ids(body, gast.Load))
    sums = Counter(n.args[0].id for n in nodes_of(body, (gast.Call,)) if
                   evaluate_ref(n.func, namespace) is np.sum and n.args and
                   isinstance(n.args[0], gast.Name))
    named = False
    for k in range(len(body) - 1, -1, -1):
        s = body[k]
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name)) or \
                sums[s.targets[0].id] != reads[s.targets[0].id]:
            continue
        for f in product_factors(s.value)[0]:
            if isinstance(f, gast.Call) and is_expand_dims(f) and \
                    not isinstance(f.args[0], gast.Name) and _plain(f.args[0], _GUARDS):
                name = namer.fresh(s.targets[0].id + "_weight")
                body.insert(k, assign(name, f.args[0], s))
                f.args[0] = load(name)
                named = True
                break
    return named


class _Inexact:
    """The body's inexact names (:func:`inexact_names`), worked out when a term first
    asks, or before the first rewrite (of the body as it was up front either way): a
    body with sums none of which is a product of views needs no dtypes."""

    def __init__(self, body: list, namespace: dict, floats: frozenset) -> None:
        self.body, self.namespace, self.floats = body, namespace, floats
        self._names: set[str] | None = None

    @property
    def names(self) -> set[str]:
        if self._names is None:
            self._names = inexact_names(self.body, self.namespace, self.floats)
        return self._names


class _Context:
    """What the rewrite needs: shapes, what each top-level statement binds or writes
    into, which names are inexact."""

    def __init__(self, body: list, facts: dims.Facts, namespace: dict,
                 inexact: _Inexact) -> None:
        self.facts, self.namespace, self.body = facts, namespace, body
        self.writes = [written_names(s) for s in body]
        self.inexact = inexact

    def fixed(self, e: gast.expr, start: int, end: int) -> bool:
        """No name ``e`` reads is bound or written into by statements ``start`` to
        ``end`` (excluded): ``e`` has the same value before either."""
        names = {n.id for n in walk(e) if isinstance(n, gast.Name)}
        return not any(names & self.writes[k] for k in range(start, end))

    def definition(self, name: str, at: int, end: int) -> tuple[int, gast.expr] | None:
        """The value ``name`` holds at statement ``at`` (and the index of the statement
        that bound it, at the top of the function), when the names it reads hold their
        values from there to statement ``end``."""
        for d in range(at - 1, -1, -1):
            if name not in self.writes[d]:
                continue
            s = self.body[d]
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                    isinstance(s.targets[0], gast.Name) and self.fixed(s.value, d, end):
                return d, s.value
            return None
        return None


@dataclass
class _Product:
    """A product: sign, number factors, array operands, and at most one sum of two
    operands (``P[:, None, :] - Q[None, :, :]``) still to distribute."""

    negative: bool
    numbers: list
    operands: list
    split: tuple | None = None  # (operand, operand, subtracted) of the one sum


class _Sums(Transformer):
    """Rewrites the provable ``np.sum`` calls of one top-level statement."""

    def __init__(self, ctx: _Context, index: int) -> None:
        self.ctx, self.index = ctx, index
        self.changed = False  # a call rewritten

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        fn = evaluate_ref(node.func, self.ctx.namespace)
        new = _unreshaped(node, self.ctx.facts) if fn is np.reshape else \
            self.contracted(node) if fn is np.sum else None
        if new is not None:
            _ = self.ctx.inexact.names  # (worked out of the body not rewritten yet)
        self.changed |= new is not None
        return new or node

    def contracted(self, node: gast.Call) -> gast.expr | None:
        keywords = {k.arg: k.value for k in node.keywords}
        if not 1 <= len(node.args) <= 2 or set(keywords) - {"axis", "keepdims"} or \
                len(node.args) == 2 and "axis" in keywords:
            return None
        axis = node.args[1] if len(node.args) == 2 else keywords.get("axis")
        keep = keywords.get("keepdims", gast.Constant(value=False, kind=None))
        if not isinstance(keep, gast.Constant) or type(keep.value) is not bool:
            return None
        value, at = node.args[0], self.index
        if isinstance(value, gast.Name):
            found = self.ctx.definition(value.id, at, self.index)
            if found is None:
                return None
            at, value = found
        divisor = None
        if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Div) and \
                self.ctx.facts.of(value.right) == () and _plain(value.right) and \
                self.ctx.fixed(value.right, at, self.index):
            value, divisor = value.left, value.right  # np.sum(x * y / c): (x @ y) / c
        frame = self.ctx.facts.of(value)
        if not dims.known(frame) or not frame:
            return None
        reduced = _axes(axis, len(frame))
        product = self.product(value, frame, at)
        if reduced is None or product is None:
            return None
        out = self.written(product, frame, reduced, keep.value)
        return out if out is None or divisor is None else \
            gast.BinOp(left=out, op=gast.Div(), right=clone(divisor))

    def product(self, e: gast.expr, frame: tuple, at: int) -> _Product | None:
        """``e`` as a product of numbers and array views over ``frame``."""
        factors, signs = product_factors(e)
        seen = Counter(gast.dump(f) for f in factors)
        out = _Product(signs % 2 == 1, [], [])
        for f in factors:
            if self.ctx.facts.of(f) == () and _plain(f) and self.ctx.fixed(f, at, self.index):
                out.numbers.append(f)
                continue
            split = self.sum_of_views(f, frame, at) if out.split is None else None
            if split is not None and seen[gast.dump(f)] == 1:
                out.split = split
                continue
            operand = self.operand(f, frame, at)
            if operand is None:
                return None
            out.operands.append(operand)
        return out

    def operand(self, f: gast.expr, frame: tuple, at: int) -> Operand | None:
        """``f`` as a view, or a name bound to one (``w_item = w[:, :, None]``)."""
        operand = view(f, frame, self.ctx.facts)
        if operand is None and isinstance(f, gast.Name):
            found = self.ctx.definition(f.id, at, self.index)
            if found is not None:
                at, f = found
                operand = view(f, frame, self.ctx.facts)
        if operand is None or not self.ctx.fixed(operand.expr, at, self.index):
            return None
        return operand

    def sum_of_views(self, f: gast.expr, frame: tuple, at: int) -> tuple | None:
        """``A - B`` or ``A + B`` of two views, written in ``f`` or the value of a name."""
        if isinstance(f, gast.Name):
            found = self.ctx.definition(f.id, at, self.index)
            if found is None:
                return None
            at, f = found
        if not (isinstance(f, gast.BinOp) and isinstance(f.op, (gast.Add, gast.Sub))):
            return None
        a, b = view(f.left, frame, self.ctx.facts), view(f.right, frame, self.ctx.facts)
        if a is None or b is None or not self.ctx.fixed(f, at, self.index):
            return None
        return a, b, isinstance(f.op, gast.Sub)

    def terms(self, product: _Product, rank: int) -> list[tuple[bool, list]] | None:
        """(subtracted, operands) of each term: the sum distributed where every term is
        then of views smaller than the frame; else one term (the sum a whole array)."""
        if product.split is None:
            return [(False, product.operands)]
        a, b, minus = product.split
        terms = [(False, [*product.operands, a]), (minus, [*product.operands, b])]
        if all(len(op.labels) < rank for _, ops in terms for op in ops):
            return terms
        return None

    def written(self, product: _Product, frame: tuple, reduced: set[int],
                keep: bool) -> gast.expr | None:
        terms = self.terms(product, len(frame))
        if terms is None or len(terms) > MAX_TERMS:
            return None
        if len(terms) == 1 and len(terms[0][1]) < 2:
            return None  # one array: nothing to contract
        spans = {x for _, ops in terms for op in ops for x in op.labels}
        if any(frame[x] != 1 and x not in spans for x in range(len(frame))):
            return None  # an axis no operand spans: its length would be lost
        out = tuple(range(len(frame))) if keep else \
            tuple(x for x in range(len(frame)) if x not in reduced)
        made = []
        for minus, ops in terms:
            if not any(self.inexact(op.expr) for op in ops):
                return None
            if any(x in reduced and frame[x] != 1 and not any(x in op.labels for op in ops)
                   for x in range(len(frame))):
                return None  # a term constant along a summed axis (times its length)
            found = contraction(ops, reduced)
            if found is None:
                return None
            made.append((minus, *found))
        return _combined(made, product, out)

    def inexact(self, e: gast.expr) -> bool:
        """``e`` is surely inexact: by its name, or by the value bound to it in the block
        (a name the reverse sweep also pops is not inexact everywhere)."""
        while isinstance(e, gast.Attribute) or isinstance(e, gast.Subscript):
            e = e.value
        if is_inexact(e, self.ctx.inexact.names, self.ctx.namespace):
            return True
        found = self.ctx.definition(e.id, self.index, self.index) \
            if isinstance(e, gast.Name) else None
        return found is not None and is_inexact(found[1], self.ctx.inexact.names,
                                                    self.ctx.namespace)


def _combined(made: list, product: _Product, out: tuple) -> gast.expr:
    """The terms added (or subtracted), times the numbers, placed in the output axes."""
    same = len({labels for _, _, labels in made}) == 1
    total = None
    for minus, e, labels in made:
        e = e if same else placed(e, labels, out)
        if total is None:
            total = gast.UnaryOp(op=gast.USub(), operand=e) if minus else e
        else:
            total = gast.BinOp(left=total, op=gast.Sub() if minus else gast.Add(), right=e)
    for n in product.numbers[::-1]:
        total = gast.BinOp(left=n, op=gast.Mult(), right=total)
    if product.negative:
        total = gast.UnaryOp(op=gast.USub(), operand=total)
    return placed(total, made[0][2], out) if same else total


def _axes(axis: gast.expr | None, rank: int) -> set[int] | None:
    """The axes an ``axis=`` argument names (None: all), or None when not literal."""
    if axis is None or isinstance(axis, gast.Constant) and axis.value is None:
        return set(range(rank))
    elts = [int_literal(a) for a in (axis.elts if isinstance(axis, gast.Tuple) else [axis])]
    if not all(a is not None and -rank <= a < rank for a in elts):
        return None
    return {a % rank for a in elts}  # type: ignore[operator]


def _plain(e: gast.expr, calls: frozenset = frozenset()) -> bool:
    """Names, literals and arithmetic of them (and calls of the helpers ``calls`` names):
    safe to evaluate elsewhere."""
    return all(isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp,
                              gast.expr_context, gast.operator, gast.unaryop)) or
               n.__class__ is gast.Call and n.func.__class__ is gast.Name and
               n.func.id in calls and not n.keywords for n in walk(e))


_GUARDS = frozenset({"safe_div", "safe_mul", "or_one"})  # (guarded arithmetic: pure)


def _unreshaped(node: gast.Call, facts: dims.Facts) -> gast.expr | None:
    """``np.reshape(e[:, None, :], np.shape(x))`` of an expression ``e`` (not a name)
    of ``x``'s shape: ``e`` (new axes only added, then taken away); ``-e`` alike."""
    if len(node.args) != 2 or node.keywords:
        return None
    value, negative = node.args[0], False
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        value, negative = value.operand, True
    inner, like = new_axes_of(value, facts), shape_argument(node.args[1])
    if inner is None or like is None or facts.of(inner) != facts.of(like):
        return None
    return gast.UnaryOp(op=gast.USub(), operand=inner) if negative else inner
