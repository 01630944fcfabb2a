"""Late pass ``finite``: drop the NaN guards that cannot fire.

``safe_mul(g, d)`` exists for the ``0 * inf`` of a gradient under an
``np.where`` guard (``p * log(p)`` at ``p == 0``); ``safe_div(g, d)`` for a
zero denominator.  Each costs an extra pass over the array.  This pass proves,
from the forward definitions, which values are finite and which are positive
(``1 + x * x``, ``np.sum(np.exp(z))``, ``np.cos(b) + 2``), and writes
``g * d`` and ``g / d`` there.  What a call's result is, each function's rules
declare (:mod:`s2sad.rules.facts`).  Inputs are taken to be finite; overflow of
products is ignored (``exp`` is not: softplus guards its overflow).
"""
from __future__ import annotations

import math
from collections import deque

import gast
import numpy as np

from s2sad.compiler.finite_facts import ExprFacts, literal_value
from s2sad.compiler.names import Transformer, origin, root_name
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_ids, name_nodes, nodes, same
from s2sad.rules.facts import ALL, FINITE, POS


def drop_guards(body: list, namespace: dict, params: set[str],
                numbers: frozenset | set = frozenset(),
                adjoints: frozenset | set = frozenset(),
                optimistic: list | None = None, checked: bool = False) -> list:
    """``numbers``: names holding Python numbers; ``adjoints``: names of adjoints (the
    statements of the reverse sweep, where partials of numbers use ``math``);
    ``optimistic``: drop every guard, the ones not proved too (a list: one item is added
    per guard dropped unproved; the caller runs the guarded derivative instead whenever
    the result has a NaN, :mod:`s2sad.fallback`); ``checked``: the caller found
    :func:`candidates` (not looked for again)."""
    if not checked and not candidates(body, numbers, adjoints):
        return body  # (no guard, no partial of a number: the facts need not be worked out)
    facts, single = _facts(body, namespace, params)
    rewrite = _Rewrite(facts, single, namespace, numbers)
    rewrite.optimistic = optimistic
    for s in body:
        _visit(rewrite, s, adjoints)
    return body


def candidates(body: list, numbers: frozenset | set, adjoints: frozenset | set) -> bool:
    """A guarded call, or in the reverse sweep a call that may be a partial of a number
    (one walk of the statements, one of each candidate's expressions)."""
    for s in statement_nodes(body):
        compound = isinstance(s, (gast.If, gast.For, gast.While))  # (its header only:
        reverse = None  # its statements come next; reverse: at its first math call)
        for n in nodes_of(s if not compound else s.iter if isinstance(s, gast.For)
                          else s.test, (gast.Call,)):
            f = n.func
            if f.__class__ is gast.Name and f.id in ("safe_mul", "safe_div"):
                return True
            if _maybe_math(f) and len(n.args) == 1 and _number_expr(n.args[0], numbers):
                if reverse is None:
                    reverse = not compound and _in_reverse(s, adjoints)
                if reverse:
                    return True
    return False


def _number_expr(e: gast.expr, numbers: frozenset | set, powers: bool = False) -> bool:
    """A number: a name holding one, a numeric literal, or arithmetic of those (a power
    only of an int, unless ``powers``: a float's may be a complex number)."""
    if e.__class__ is gast.Name:
        return e.id in numbers
    if e.__class__ is gast.BinOp:
        return _number_expr(e.left, numbers, powers) and \
            _number_expr(e.right, numbers, powers) and (
                powers or e.op.__class__ is not gast.Pow or
                e.right.__class__ is gast.Constant and type(e.right.value) is int)
    if e.__class__ is gast.UnaryOp:
        return _number_expr(e.operand, numbers, powers)
    return e.__class__ is gast.Constant and type(e.value) in (int, float)


def _maybe_math(f: gast.expr) -> bool:
    """``np.sin`` (or ``sin`` imported from NumPy), not ``math.sin`` already."""
    if f.__class__ is gast.Attribute:
        return f.attr in _MATH_NAMES and not (f.value.__class__ is gast.Name and
                                             f.value.id == "math")
    return f.__class__ is gast.Name and f.id in _MATH_NAMES


def _in_reverse(s: gast.stmt, adjoints: frozenset | set) -> bool:
    """A statement of the reverse sweep (or a value the sweep recomputes)."""
    targets = s.targets if isinstance(s, gast.Assign) else \
        [s.target] if isinstance(s, gast.AugAssign) else []
    return any(root_name(t) in adjoints for t in targets) or bool(
        targets and (origin(s) or "").startswith("adjoint"))


def _visit(rewrite: _Rewrite, s: gast.stmt, adjoints: frozenset | set) -> None:
    rewrite.in_reverse = _in_reverse(s, adjoints)
    if isinstance(s, (gast.If, gast.For, gast.While)):
        for inner in s.body + s.orelse:
            _visit(rewrite, inner, adjoints)
        rewrite.in_reverse = False
        rewrite.visit(s.test if not isinstance(s, gast.For) else s.iter)
        return
    rewrite.visit(s)


def _facts(body: list, namespace: dict, params: set[str]) -> tuple[dict, dict]:
    """The greatest assignment of facts consistent with every definition of a name."""
    defs, opaque = _definitions(body)
    facts = {name: ALL for name in defs if name not in opaque}
    facts.update({c: frozenset({FINITE}) for c in _counters(body) - opaque - set(defs)})
    facts.update({p: frozenset({FINITE}) for p in params})
    single = {k: v[0] for k, v in defs.items() if len(v) == 1 and k not in opaque}
    of = ExprFacts(facts, single, namespace).of
    readers: dict[str, list[str]] = {}  # name -> the names whose values read it
    for name, values in defs.items():
        for r in set(name_ids(values, gast.Load)):
            readers.setdefault(r, []).append(name)
    todo = deque(name for name in defs if name in facts and name not in params)
    queued = set(todo)
    while todo:  # (a name's facts looked at again only when a name it reads lost some)
        name = todo.popleft()
        queued.discard(name)
        new = facts[name].intersection(*(of(v) for v in defs[name]))
        if new != facts[name]:
            facts[name] = new
            for r in readers.get(name, ()):
                if r not in queued and r in facts and r not in params:
                    todo.append(r)
                    queued.add(r)
    return facts, single


def _definitions(body: list) -> tuple[dict[str, list], set[str]]:
    """Each name's assigned values; ``opaque``: names also set in ways not followed."""
    defs: dict[str, list] = {}
    opaque: set[str] = set()
    for node in statement_nodes(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Assign) and not _is_pop(node.value):  # a pop restores
            for t in node.targets:                                     # values set elsewhere
                if isinstance(_element_of(t), gast.Name):  # x = v, x[i] = v: x holds v
                    defs.setdefault(_element_of(t).id, []).append(node.value)
                else:
                    opaque |= {n.id for n in name_nodes(t)}
        elif isinstance(node, gast.AugAssign) and isinstance(_element_of(node.target),
                                                             gast.Name):
            base = _element_of(node.target)  # x += v, x[i] += v: x holds x + v
            defs.setdefault(base.id, []).append(gast.BinOp(
                left=gast.Name(id=base.id, ctx=gast.Load(), annotation=None, type_comment=None),
                op=node.op, right=node.value))
        elif isinstance(node, gast.For) and not _counted(node):
            opaque |= {n.id for n in name_nodes(node.target)}
    return defs, opaque


def _element_of(target: gast.expr) -> gast.expr:
    """The array a target writes into: ``x`` of ``x[i]`` (``x`` itself for a name)."""
    return target.value if isinstance(target, gast.Subscript) and \
        isinstance(target.value, gast.Name) else target


def _counters(body: list) -> set[str]:
    """Names only a ``for`` over a ``range`` binds: ints, finite."""
    return {n.target.id for n in statement_nodes(gast.Module(body=body, type_ignores=[]))
            if isinstance(n, gast.For) and _counted(n)}


def _counted(loop: gast.For) -> bool:
    it = loop.iter
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1:
        it = it.args[0]
    return isinstance(loop.target, gast.Name) and isinstance(it, gast.Call) and \
        isinstance(it.func, gast.Name) and it.func.id == "range"


def _is_pop(v: gast.expr) -> bool:
    return isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute) and \
        v.func.attr == "pop"


_MATH = {np.sin: "sin", np.cos: "cos"}
_MATH_NAMES = frozenset(_MATH.values())  # (the functions' own names: np.sin is "sin")


class _Rewrite(Transformer):
    """``safe_mul(g, d)`` -> ``g * d`` for a finite ``d``; ``safe_div(g, d)`` -> ``g / d``
    for a positive ``d`` (``g / d if d else safe_div(g, d)`` between numbers: a call only
    at a pole); in the reverse sweep, ``np.cos(x)`` of a finite number ->
    ``math.cos(x)`` (a partial derivative: four times cheaper, and never raising on a
    finite argument; the forward sweep keeps the user's own calls)."""

    def __init__(self, facts: dict, single: dict, namespace: dict,
                 numbers: frozenset | set) -> None:
        self.of = ExprFacts(facts, single, namespace).of
        self.single = single
        self.namespace, self.numbers, self.in_reverse = namespace, numbers, False
        self.optimistic: list | None = None

    def math_call(self, node: gast.Call) -> gast.expr | None:
        fn = evaluate_ref(node.func, self.namespace) if self.in_reverse else None
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if fn not in _MATH or arg is None or not _number_expr(arg, self.numbers) \
                or FINITE not in self.of(arg):
            return None
        math_ = gast.Name(id="math", ctx=gast.Load(), annotation=None, type_comment=None)
        return gast.Call(func=gast.Attribute(value=math_, attr=_MATH[fn], ctx=gast.Load()),
                         args=[arg], keywords=[])

    def visit_IfExp(self, node: gast.IfExp) -> gast.expr:
        """``g / d if d else safe_div(g, d)`` is guarded already (the pass runs again to
        a fixpoint): its call stays."""
        call = node.orelse
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and \
                call.func.id == "safe_div" and isinstance(node.body, gast.BinOp):
            node.test, node.body = self.visit(node.test), self.visit(node.body)
            return node
        self.generic_visit(node)
        return node

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        try:
            cheaper = self.math_call(node)
        except TypeError:  # an unhashable callee
            cheaper = None
        if cheaper is not None:
            return cheaper
        name = node.func.id if isinstance(node.func, gast.Name) else None
        if name not in ("safe_mul", "safe_div") or len(node.args) != 2 or node.keywords:
            return node
        g, d = node.args
        if name == "safe_mul" and FINITE in self.of(d):
            return gast.BinOp(left=g, op=gast.Mult(), right=d)
        if name == "safe_div" and POS in self.of(d):  # g / inf is 0 too
            return gast.BinOp(left=g, op=gast.Div(), right=d)
        if _nonzero_spread(g) or name == "safe_mul" and _nonzero_literal(g):
            return gast.BinOp(left=g, op=gast.Mult() if name == "safe_mul" else gast.Div(),
                              right=d)  # (the guard changes only what g == 0 gives)
        if name == "safe_div" and self.number(g) and self.number(d):  # no call per number
            return gast.IfExp(test=d, body=gast.BinOp(left=g, op=gast.Div(), right=d),
                              orelse=node)
        if self.optimistic is not None and self.root(d if name == "safe_div" else
                                                     _divisor(d, self.single)):
            return node  # a masked self-distance: the guard, not a fallback every call
        if self.optimistic is not None:  # (a NaN where the guard would give 0 is caught)
            self.optimistic.append(name)
            return gast.BinOp(left=g, op=gast.Mult() if name == "safe_mul" else gast.Div(),
                              right=d)
        return node

    def root(self, d: gast.expr | None) -> bool:
        """``d`` is ``np.sqrt(..)`` of a sum of squares of pairwise differences of one
        array with itself, ``x[:, None] - x[None, :]`` (``2 * sqrt``: its adjoint's
        divisor): 0 where a point meets itself, pairs the user masks, so ``g`` is 0 there
        and the unguarded ``g / d`` would be NaN at every call, falling back to the
        guarded derivative (``fallback.py``) at every call; the guard costs one pass."""
        if d is None:
            return False
        if isinstance(d, gast.BinOp) and isinstance(d.op, gast.Mult):
            d = d.right if literal_value(d.left) is not None else \
                d.left if literal_value(d.right) is not None else d
        v = _bound(d, self.single)
        if _power(v, 1):  # (``r ** 6``: 0 where ``r`` is)
            v = _bound(v.left, self.single)
        return isinstance(v, gast.Call) and len(v.args) == 1 and \
            evaluate_ref(v.func, self.namespace) is np.sqrt and self.self_pairs(v.args[0], 3)

    def self_pairs(self, e: gast.expr, depth: int) -> bool:
        """``e`` reads (through names bound once, ``depth`` deep) ``x[i] - x[j]`` of one
        name ``x`` at two indices that insert a new axis each."""
        for n in nodes(e):
            if isinstance(n, gast.BinOp) and isinstance(n.op, gast.Sub) and \
                    _new_axis_of(n.left) is not None and \
                    _new_axis_of(n.left) == _new_axis_of(n.right) and \
                    not same(n.left.slice, n.right.slice):
                return True
            if depth and isinstance(n, gast.Name) and n.id in self.single and \
                    self.self_pairs(self.single[n.id], depth - 1):
                return True
        return False

    def number(self, e: gast.expr) -> bool:
        """``e`` is arithmetic of names holding numbers and number literals."""
        return _number_expr(e, self.numbers, powers=True)


def _divisor(d: gast.expr, single: dict) -> gast.expr | None:
    """``r`` of a factor ``d`` that is ``c / r``, ``r ** -k`` or ``pow_dbase(r, k)`` of
    ``k < 1`` (through a name bound once): infinite where ``r`` is 0 (``safe_mul(g, 1 /
    r)`` of a masked self-distance ``r`` is NaN there unguarded, as ``safe_div(g, r)``
    is)."""
    v = _bound(d, single)
    if isinstance(v, gast.BinOp) and isinstance(v.op, gast.Div):
        return v.right
    if isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and \
            v.func.id == "pow_dbase" and len(v.args) == 2 and not v.keywords:
        k = literal_value(v.args[1])
        return v.args[0] if k is not None and k < 1 else None
    return v.left if _power(v, -1) else None


def _bound(e: gast.expr, single: dict) -> gast.expr:
    return single.get(e.id, e) if isinstance(e, gast.Name) else e


def _power(e: gast.expr, sign: int) -> bool:
    """``e`` is ``r ** k`` of a literal ``k`` of that sign."""
    k = literal_value(e.right) if isinstance(e, gast.BinOp) and \
        isinstance(e.op, gast.Pow) else None
    return k is not None and k * sign > 0


def _new_axis_of(e: gast.expr) -> str | None:
    """The name ``x`` of ``x[..., None, ...]`` (an index inserting an axis), else None."""
    if not (isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name)):
        return None
    index = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
    return e.value.id if any(isinstance(i, gast.Constant) and i.value is None
                             for i in index) else None


def _nonzero_literal(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float) and \
        e.value != 0 and math.isfinite(e.value)


def _nonzero_spread(e: gast.expr) -> bool:
    """``repeat_to(c, x, ..)`` of a nonzero literal ``c``: an array, nowhere 0."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "repeat_to" and bool(e.args) and _nonzero_literal(e.args[0])
