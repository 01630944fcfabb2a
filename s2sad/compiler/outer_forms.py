"""Part of the late pass ``share``: a rank-one matrix multiplied on kept as its two vectors.

The adjoint of ``Q.T @ b`` (a matrix ``Q``, a vector ``b``) for ``Q`` is
``np.multiply.outer(b, g)``, an m x k array, and the rules after it multiply it by
matrices: ``np.linalg.qr``'s adjoint forms ``Q.T @ gQ`` and ``gQ R^-T``, m k^2 each,
where a hand-written gradient forms ``Q.T @ b`` (m k) and solves with a vector.  Exact
identities for ``O = np.multiply.outer(u, v)`` of vectors ``u``, ``v``:

* ``O.T`` (``np.transpose``, ``np.matrix_transpose``) is ``outer(v, u)``, ``-O`` is
  ``outer(-u, v)``, ``fresh(O)`` is ``O`` (an outer product is a new array anyway);
* ``M @ O`` is ``outer(M @ u, v)`` and ``O @ M`` is ``outer(u, v @ M)`` for a matrix ``M``;
* ``tri_solve(a, O, lower, trans)`` is ``outer(tri_solve(a, u, lower, trans), v)`` (each
  column of ``O`` is a multiple of ``u``); ``pad_last(O, n)`` is ``outer(u, pad_last(v, n))``;
* ``O[..., :, s]`` is ``outer(u, v[s])`` and ``O[..., s, :]`` is ``outer(u[s], v)`` for a
  slice ``s``.

A name bound (once) to such a product of two names stands for it at a read that one of
these consumes, in the same block, when no statement in between binds a name it reads
or writes into anything (no in-place write, no impure call); the binding read by
nothing after that is dropped.  The result of a chain is one ``np.multiply.outer`` of
vectors, formed only where something other than these reads it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.names import Transformer
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import pure_call
from s2sad.compiler.rank_products import outer
from s2sad.compiler.shared_matmuls import _written
from s2sad.compiler.shared_products import bound_names
from s2sad.compiler.walks import blocks, clone, name_ids, nodes
from s2sad.runtime import arrays, core, linalg, triangular

Form = tuple[gast.expr, gast.expr]  # (u, v): the value is np.multiply.outer(u, v)
_SIMPLE_SIDE = (gast.Name, gast.Constant)


def keep_rank_one(body: list, namespace: dict, shapes: Callable[[], dims.Facts]) -> bool:
    """Rewrites ``body`` in place (see the module docstring; ``shapes`` works out the
    shape facts); whether it changed."""
    if not any(n.attr == "outer" for n in nodes_of(body, (gast.Attribute,))):
        return False  # (most bodies: no outer product at all)
    stores = Counter(name_ids(body, gast.Store))
    forms = _Forms(namespace, shapes(), stores)
    for block in blocks(body):
        forms.block, forms.named, forms.lists = block, {}, {}
        for at, s in enumerate(list(block)):
            forms.at = at
            if isinstance(s, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)) and \
                    s.value is not None:
                s.value = forms.visit(s.value)
                forms.name_form(s)
    if forms.changed:
        _drop_unread(body, forms.touched, namespace)
    return forms.changed


class _Forms(Transformer):
    """Marks each node whose value is an outer product of vectors (``s2sad_outer``) and
    rewrites the nodes that consume one."""

    def __init__(self, namespace: dict, shapes: dims.Facts, stores: Counter) -> None:
        self.namespace, self.shapes, self.stores = namespace, shapes, stores
        self.block: list = []
        self.at = 0
        self.named: dict[str, tuple[Form, int]] = {}  # name -> (form, where it is bound)
        self.lists: dict[str, tuple[list, int]] = {}  # name -> (items, where it is bound)
        self.changed = False
        self.touched: set[str] = set()

    def rank(self, e: gast.expr) -> int | None:
        s = self.shapes.of(e)
        return len(s) if isinstance(s, tuple) else None

    def name_form(self, s: gast.stmt) -> None:
        """``n = <outer of two names>``: ``n`` stands for it in the statements after;
        ``n = [a, b]`` (a tuple output's adjoint): ``pick_adjoint(n, ans, 0)`` is ``a``."""
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.List) and \
                self.stores[s.targets[0].id] == 1:
            self.lists[s.targets[0].id] = (s.value.elts, self.at)
        form = getattr(s.value, "s2sad_outer", None)
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and form is not None and
                isinstance(s.value, gast.Call) and
                self.stores[s.targets[0].id] == 1 and all(_side(e) for e in form)):
            return
        self.named[s.targets[0].id] = (form, self.at)

    def visit_Name(self, node: gast.Name) -> gast.expr:
        found = self.named.get(node.id) if isinstance(node.ctx, gast.Load) else None
        if found is not None and self._unchanged_since(found):
            node.s2sad_outer = tuple(clone(e) for e in found[0])
            node.s2sad_name = node.id
        return node

    def _unchanged_since(self, found: tuple[Form, int]) -> bool:
        """No statement from the binding up to this one rebinds what the form reads or
        writes into anything (this one: its value is pure)."""
        form, at = found
        reads = {n.id for e in form for n in nodes(e) if isinstance(n, gast.Name)}
        for s in self.block[at + 1:self.at]:
            if bound_names(s) & reads or _writes(s, self.namespace):
                return False
        here = self.block[self.at]
        return all(pure_call(c, self.namespace) for c in nodes(here.value)
                   if isinstance(c, gast.Call))

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        fn = _function(node.func, self.namespace)
        args = node.args
        if node.keywords:
            return node
        if fn is arrays.pick_adjoint and len(args) == 3:
            return self._picked(node)
        if _is_outer(node.func) and len(args) == 2 and \
                all(self.rank(a) == 1 for a in args):
            node.s2sad_outer = (args[0], args[1])
            return node
        form = getattr(args[0], "s2sad_outer", None) if len(args) == 1 else None
        if fn is core.fresh and form is not None:
            return self._made(args[0], *form)
        if (fn is np.transpose or fn is np.matrix_transpose) and form is not None:
            return self._made(args[0], form[1], form[0])
        form = getattr(args[0], "s2sad_outer", None) if len(args) == 2 else None
        if fn is linalg.pad_last and form is not None:
            return self._made(args[0], form[0], _call(node.func, form[1], args[1]))
        form = getattr(args[1], "s2sad_outer", None) if len(args) in (3, 4) else None
        if fn is triangular.tri_solve and form is not None and self.rank(args[0]) == 2:
            solved = _call(node.func, form[0], args[0], *args[2:], first_second=True)
            return self._made(args[1], solved, form[1])
        return node

    def _picked(self, node: gast.Call) -> gast.expr:
        """``pick_adjoint(n, ans, k)`` of ``n = [..]`` bound in this block: item ``k``
        when it is a name bound once and nothing in between wrote into anything."""
        listed, k = node.args[0], node.args[2]
        if isinstance(listed, gast.List) and isinstance(k, gast.Constant) and \
                type(k.value) is int and 0 <= k.value < len(listed.elts) and \
                isinstance(listed.elts[k.value], gast.Name) and all(
                    pure_call(c, self.namespace) for c in nodes(listed)
                    if isinstance(c, gast.Call)):
            self.changed = True  # (a display made here: its item, the others pure)
            return listed.elts[k.value]
        found = self.lists.get(listed.id) if isinstance(listed, gast.Name) else None
        if found is None or not isinstance(k, gast.Constant) or type(k.value) is not int or \
                not 0 <= k.value < len(found[0]):
            return node
        item = found[0][k.value]
        if not isinstance(item, gast.Name) or self.stores[item.id] != 1 or \
                not self._unchanged_since(((item, listed), found[1])):
            return node
        self.changed = True
        self.touched.add(listed.id)
        return self.visit_Name(gast.Name(id=item.id, ctx=gast.Load(), annotation=None,
                                         type_comment=None))

    def visit_Attribute(self, node: gast.Attribute) -> gast.expr:
        self.generic_visit(node)
        form = getattr(node.value, "s2sad_outer", None)
        if node.attr == "T" and isinstance(node.ctx, gast.Load) and form is not None:
            return self._made(node.value, form[1], form[0])
        return node

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        form = getattr(node.operand, "s2sad_outer", None)
        if isinstance(node.op, gast.USub) and form is not None:
            return self._made(node.operand, gast.UnaryOp(op=gast.USub(), operand=form[0]),
                              form[1])
        return node

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        if not isinstance(node.op, gast.MatMult):
            return node
        left, right = (getattr(e, "s2sad_outer", None) for e in (node.left, node.right))
        if right is not None and left is None and self.rank(node.left) == 2:
            return self._made(node.right, _matmul(node.left, right[0]), right[1])
        if left is not None and right is None and self.rank(node.right) == 2:
            return self._made(node.left, left[0], _matmul(left[1], node.right))
        return node

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        self.generic_visit(node)
        form = getattr(node.value, "s2sad_outer", None)
        picked = _sliced(node.slice) if form is not None and \
            isinstance(node.ctx, gast.Load) else None
        if picked is None or form is None:
            return node
        axis, s = picked
        sub = gast.Subscript(value=form[axis], slice=s, ctx=gast.Load())
        return self._made(node.value, *((sub, form[1]) if axis == 0 else (form[0], sub)))

    def _made(self, consumed: gast.expr, u: gast.expr, v: gast.expr) -> gast.expr:
        self.changed = True
        if hasattr(consumed, "s2sad_name"):
            self.touched.add(consumed.s2sad_name)
        return _made(u, v)


def _made(u: gast.expr, v: gast.expr) -> gast.Call:
    made = outer(u, v)
    made.s2sad_outer, made.s2sad_made = (u, v), True
    return made


def _side(e: gast.expr) -> bool:
    """A vector a name's form may read again later: a name, a constant, minus a name."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        e = e.operand
    return isinstance(e, _SIMPLE_SIDE)


def _is_outer(f: gast.expr) -> bool:
    return isinstance(f, gast.Attribute) and f.attr == "outer" and \
        isinstance(f.value, gast.Attribute) and f.value.attr == "multiply" and \
        isinstance(f.value.value, gast.Name) and f.value.value.id == "np"


def _function(f: gast.expr, namespace: dict) -> Any:
    try:
        return evaluate_ref(f, namespace)
    except (TypeError, KeyError, AttributeError):
        return None


def _call(func: gast.expr, *args: gast.expr, first_second: bool = False) -> gast.Call:
    """``func(*args)``; with ``first_second`` the first two swapped (``tri_solve(a, u,
    ...)`` from ``u, a, ...``)."""
    items = [args[1], args[0], *args[2:]] if first_second else list(args)
    return gast.Call(func=clone(func), args=items, keywords=[])


def _matmul(a: gast.expr, b: gast.expr) -> gast.BinOp:
    return gast.BinOp(left=a, op=gast.MatMult(), right=b)


def _full(e: gast.expr) -> bool:
    return isinstance(e, gast.Slice) and e.lower is None and e.upper is None and e.step is None


def _sliced(idx: gast.expr) -> tuple[int, gast.expr] | None:
    """(the axis a slice picks from, the slice) of ``[..., :, s]``, ``[:, s]``,
    ``[..., s, :]``, ``[s, :]``, ``[s]`` on a matrix; None for any other index."""
    items = list(idx.elts) if isinstance(idx, gast.Tuple) else [idx]
    if items and isinstance(items[0], gast.Constant) and items[0].value is Ellipsis:
        items = items[1:]
        if len(items) != 2:
            return None
    if not 1 <= len(items) <= 2 or not all(isinstance(e, gast.Slice) for e in items):
        return None
    if len(items) == 1 or _full(items[1]):
        return 0, items[0]
    return (1, items[1]) if _full(items[0]) else None


def _writes(s: gast.stmt, namespace: dict) -> bool:
    """Whether ``s`` may write into an array: an element or attribute store, ``+=``,
    ``out=``, an impure call."""
    if _written(s) - {t.id for t in getattr(s, "targets", []) if isinstance(t, gast.Name)}:
        return True
    return any(isinstance(c, gast.Call) and not pure_call(c, namespace) for c in nodes(s))


def _drop_unread(body: list, names: set[str], namespace: dict) -> None:
    """The bindings of ``names`` that nothing reads any more (their values are pure;
    dropping ``n = [dQ, dR]`` may leave ``dQ`` unread: again)."""
    while True:
        loads = Counter(name_ids(body, gast.Load))
        dropped = False
        for block in blocks(body):
            kept = [s for s in block if not (
                isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and s.targets[0].id in names and
                not loads[s.targets[0].id] and
                all(pure_call(c, namespace) for c in nodes(s.value)
                    if isinstance(c, gast.Call)))]
            dropped |= len(kept) != len(block)
            block[:] = kept
        if not dropped:
            return
