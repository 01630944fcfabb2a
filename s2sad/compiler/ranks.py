"""Stage 8d: with the ranks of the array arguments known (each rank signature gets
its own generated function), infer the rank of every value and write the matmul
adjoints of plain matrices and vectors as the products themselves:
``matmul_lhs_adjoint(g, A, x)`` of a matrix ``A`` and a vector ``x`` is
``np.multiply.outer(g, x)``, ``matmul_rhs_adjoint(g, A, x)`` is ``A.T @ g``.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.primitives import evaluate_ref

_REDUCTIONS = {np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod}
# runtime helpers (and functions) whose result has the rank of their first / second argument
_SAME_AS_FIRST = {np.zeros_like, np.ones_like, np.tanh, np.exp, np.copy, runtime.copy_value,
                  runtime.zeros_like,
                  runtime.fresh, runtime.setitem, runtime.write_at, runtime.zero_at,
                  runtime.clear_at, runtime.add_at}
_SAME_AS_SECOND = {runtime.unbroadcast, runtime.cast_like, runtime.repeat_to}
_UNKNOWN = -1  # a name whose definitions disagree or cannot be followed


def specialise(body: list, params: dict[str, int], numbers: set[str],
               namespace: dict[str, Any]) -> list:
    """``params``: array parameter -> its rank."""
    if not params:
        return body
    ranks = infer(body, params, numbers, namespace)
    _Products(ranks).visit(gast.Module(body=body, type_ignores=[]))
    return body


def infer(body: list, params: dict[str, int], numbers: set[str], namespace: dict) -> dict:
    """The rank of every name that follows from the parameters' ranks."""
    defs: dict[str, list] = {}
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name):
            defs.setdefault(node.targets[0].id, []).append(node.value)
    ranks: dict[str, int] = {**dict.fromkeys(numbers, 0), **params}
    changed = True
    while changed:  # optimistic: a definition not yet known does not disagree
        changed = False
        for name, values in defs.items():
            if name in params or name in numbers or ranks.get(name) == _UNKNOWN:
                continue
            found = {rank_of(v, ranks, namespace) for v in values} - {None}
            new = found.pop() if len(found) == 1 else _UNKNOWN if found else None
            if new is not None and new != ranks.get(name):
                ranks[name], changed = new, True
    changed = True
    while changed:  # then sure: every definition has that rank (none is unknown)
        changed = False
        for name, values in defs.items():
            if name in params or name in numbers or ranks.get(name, _UNKNOWN) == _UNKNOWN:
                continue
            if any(rank_of(v, ranks, namespace) != ranks[name] for v in values
                   if not _restores(v)):
                ranks[name], changed = _UNKNOWN, True
    return {k: v for k, v in ranks.items() if v != _UNKNOWN}


def _restores(value: gast.expr) -> bool:
    """``stack.pop()``: a value of the same name pushed earlier, no new information."""
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
        value.func.attr == "pop" and not value.args


def rank_of(e: gast.expr, ranks: dict, namespace: dict) -> int | None:
    """The rank of ``e`` if it follows from known ranks (a pop restores a value defined
    elsewhere: no information)."""
    if isinstance(e, gast.Constant):
        return 0 if isinstance(e.value, (int, float)) else None
    if isinstance(e, gast.Name):
        r = ranks.get(e.id)
        return None if r == _UNKNOWN else r
    if isinstance(e, gast.UnaryOp):
        return rank_of(e.operand, ranks, namespace)
    if isinstance(e, gast.BinOp):
        a, b = rank_of(e.left, ranks, namespace), rank_of(e.right, ranks, namespace)
        if a is None or b is None:
            return None
        if isinstance(e.op, gast.MatMult):
            return {(2, 2): 2, (2, 1): 1, (1, 2): 1, (1, 1): 0}.get((a, b))
        return max(a, b)
    if isinstance(e, gast.Attribute) and e.attr == "T":
        return rank_of(e.value, ranks, namespace)
    if isinstance(e, gast.Subscript):
        return _index_rank(e, ranks, namespace)
    if isinstance(e, gast.Call):
        return _call_rank(e, ranks, namespace)
    return None


def _index_rank(e: gast.Subscript, ranks: dict, namespace: dict) -> int | None:
    """``x[i]``, ``x[:, 0]``, ``x[None, :]``: basic indexing by numbers, slices, None."""
    r = rank_of(e.value, ranks, namespace)
    parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
    for p in parts:
        if isinstance(p, gast.Slice):
            continue
        if isinstance(p, gast.Constant) and p.value is None:
            r = None if r is None else r + 1
        elif rank_of(p, ranks, namespace) == 0 and not isinstance(p, gast.Constant) or \
                isinstance(p, gast.Constant) and type(p.value) is int:
            r = None if r is None else r - 1
        else:
            return None
    return r


def _call_rank(e: gast.Call, ranks: dict, namespace: dict) -> int | None:
    fn = evaluate_ref(e.func, namespace)
    if not e.args:
        return None
    if fn in (np.zeros, np.ones, np.empty):
        if isinstance(e.args[0], (gast.Tuple, gast.List)):
            return len(e.args[0].elts)
        return 1 if rank_of(e.args[0], ranks, namespace) == 0 else None
    first = rank_of(e.args[0], ranks, namespace)
    if fn in _SAME_AS_FIRST:
        return first
    if fn is np.outer:
        return 2
    if fn in _SAME_AS_SECOND and len(e.args) > 1:
        return rank_of(e.args[1], ranks, namespace)
    if isinstance(fn, np.ufunc) and len(e.args) == fn.nin and not e.keywords:
        ranks_ = [first] + [rank_of(a, ranks, namespace) for a in e.args[1:]]
        return None if None in ranks_ else max(ranks_)  # elementwise: broadcast
    try:
        if fn not in _REDUCTIONS or first is None:
            return None
    except TypeError:
        return None
    keywords = {k.arg: k.value for k in e.keywords}
    axis = keywords.get("axis", e.args[1] if len(e.args) > 1 else None)
    keep = keywords.get("keepdims")
    if isinstance(keep, gast.Constant) and keep.value is True:
        return first
    if axis is None or isinstance(axis, gast.Constant) and axis.value is None:
        return 0
    return first - 1 if isinstance(axis, gast.Constant) and isinstance(axis.value, int) else None


def _basic_index(idx: gast.expr, products: _Products) -> bool:
    """An index that cannot repeat a position: a number, a slice, or a tuple of them."""
    if isinstance(idx, gast.Tuple):
        return all(_basic_index(e, products) for e in idx.elts)
    if isinstance(idx, gast.Constant):
        return type(idx.value) is int or idx.value is None
    if isinstance(idx, gast.Call) and isinstance(idx.func, gast.Name) and idx.func.id == "slice":
        return True
    return rank_of(idx, products.ranks, {}) == 0


def _outer(*args: gast.expr) -> gast.Call:
    np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
    outer = gast.Attribute(value=gast.Attribute(value=np_, attr="multiply", ctx=gast.Load()),
                           attr="outer", ctx=gast.Load())
    return gast.Call(func=outer, args=list(args), keywords=[])


def _t(e: gast.expr) -> gast.expr:
    return gast.Attribute(value=e, attr="T", ctx=gast.Load())


def _matmul(a: gast.expr, b: gast.expr) -> gast.expr:
    return gast.BinOp(left=a, op=gast.MatMult(), right=b)


class _Products(gast.NodeTransformer):
    def __init__(self, ranks: dict[str, int]) -> None:
        self.ranks = ranks

    def rank(self, e: gast.expr) -> int | None:
        return self.ranks.get(e.id) if isinstance(e, gast.Name) else None

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, gast.Name) else None
        plain = self.plain(name, node)
        if plain is not None:
            return plain
        if name not in ("matmul_lhs_adjoint", "matmul_rhs_adjoint") or len(node.args) != 3:
            return node
        return self.product(name, node)

    def plain(self, name: str | None, node: gast.Call) -> gast.expr | None:
        """Helpers that the ranks make plain: an index, the array itself, the number."""
        if name == "written_part" and len(node.args) == 2 and _basic_index(node.args[1], self):
            return gast.Subscript(value=node.args[0], slice=node.args[1], ctx=gast.Load())
        if name == "iteration_items" and (self.rank(node.args[0]) or 0) >= 1:
            return node.args[0]  # an array is gone through as it is
        if name == "unbroadcast" and len(node.args) == 2 and all(
                rank_of(a, self.ranks, {}) == 0 for a in node.args):
            return node.args[0]  # a number's adjoint from a number
        return None

    def product(self, name: str, node: gast.Call) -> gast.expr:
        g, a, b = node.args
        shapes = (self.rank(a), self.rank(b))
        if name == "matmul_lhs_adjoint":
            if shapes == (2, 2):
                return _matmul(g, _t(b))
            if shapes == (2, 1):
                return _outer(g, b)
            if shapes == (1, 2):
                return _matmul(b, g)
            if shapes == (1, 1):
                return gast.BinOp(left=g, op=gast.Mult(), right=b)
        else:
            if shapes in ((2, 2), (2, 1)):
                return _matmul(_t(a), g)
            if shapes == (1, 2):
                return _outer(a, g)
            if shapes == (1, 1):
                return gast.BinOp(left=a, op=gast.Mult(), right=g)
        return node
