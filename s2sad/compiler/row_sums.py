"""Late pass ``rows``: a sum (or mean, or 2-norm; or a max or min, ``max_last``) over the
last axis of a float64 array of
rank two or more, written as a product with a vector of ones (``r2 = d * d @
np.ones(3)``, ``np.sqrt(d * d @ np.ones(3))``); a sum or mean over the first axis of a
float64 matrix (a bias's adjoint, ``np.sum(dz, axis=(0,))``) as ``np.ones(n) @ dz``; the
2-norm of a float64 vector as ``np.sqrt(x @ x)`` (NumPy's own formula, without its
checks); the flat dot of two arrays the first of which is real,
``np.reshape(a, (-1,)) @ np.reshape(b, (-1,))``, as ``np.vdot(a, b)`` (no copy of a
strided ``b``, a convolution's tap: two thirds of the time; for a real ``a`` its
conjugate is ``a``).

NumPy reduces along a short contiguous last axis with an inner loop per output element:
``np.sum(d * d, axis=-1)`` of a (128, 128, 3) array of pairwise differences takes ten
times as long as the matrix-vector product, and no measured length is slower as a
product (pairwise distances, per-row losses, layer norms); but OpenBLAS's product is
slow for a last axis of 2 or 3 (five times adding the columns), so a length not known
to be 4 or more is summed by ``sum_last`` (runtime), which picks at the call.  Down
the first axis NumPy adds row after row, as fast as the product only for a few long
rows (a (1000, 10) array: four times as long; (5000, 3): ten times).  Only where it is proved:
the array's rank known and its dtype float64 (``@`` keeps a float32 or integer dtype
that the ones would change, or that ``np.sum`` would widen); the ones' length a literal
or an argument's length.  Float rounding may differ (another order of summation).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import gast
import numpy as np

from s2sad.compiler import dims, dtypes
from s2sad.compiler.names import Transformer, load, np_attr
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes

_REDUCTIONS = (np.sum, np.mean)
_EXTREMA = {np.max: "max_last", np.amax: "max_last", np.min: "min_last", np.amin: "min_last"}
_CALLS = (*_REDUCTIONS, np.linalg.norm, *_EXTREMA)


def candidates(body: list, namespace: dict) -> bool:
    """Whether ``body`` sums or averages along an axis at all (most do not: the pass is
    then free)."""
    return any((n.keywords or len(n.args) > 1 or getattr(n.func, "attr", None) == "norm")
               and evaluate_ref(n.func, namespace) in (*_CALLS, np.reshape)
               for n in nodes_of(body, (gast.Call,)))


def as_products(body: list, facts: dims.Facts, kinds: Callable[[], dict[str, str]],
                namespace: dict, arrays: list[str]) -> bool:
    """Each provable last-axis sum of ``body`` rewritten; whether one was (``kinds``:
    the dtypes, worked out on first need; ``arrays``: the array parameters, whose
    lengths name a symbolic length)."""
    rows = _Rows(facts, kinds, namespace, arrays)
    for s in body:
        rows.visit(s)
    return rows.changed


class _Rows(Transformer):
    def __init__(self, facts: dims.Facts, kinds: Callable[[], dict[str, str]],
                 namespace: dict, arrays: list[str]) -> None:
        self.facts, self.kinds, self.namespace = facts, kinds, namespace
        self.arrays, self.changed = arrays, False
        self._kinds: dict[str, str] | None = None

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        """``np.reshape(a, (-1,)) @ np.reshape(b, (-1,))`` of a float64 ``a`` as
        ``np.vdot(a, b)``."""
        self.generic_visit(node)
        a, b = _flattened(node.left, self.namespace), _flattened(node.right, self.namespace)
        if node.op.__class__ is not gast.MatMult or a is None or b is None or \
                not self.real(a):
            return node
        self.changed = True
        return gast.Call(func=np_attr("vdot"),
                         args=[a, b], keywords=[])

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        fn = evaluate_ref(node.func, self.namespace)
        if fn is np.sum:
            run = self.adjacent_run(node)
            if run is not None:
                return run
        if fn in _EXTREMA:
            return self.extreme(node, _EXTREMA[fn])
        found = _norm_axis(node) if fn is np.linalg.norm else \
            _axis(node) if fn in _REDUCTIONS else None
        if found is None or found[0] is None and fn is not np.linalg.norm or not node.args:
            return node
        axis, keep = found
        if keep and fn is np.mean:
            return node  # (a layer norm's mean, kept: the ``share`` pass's ``var`` reads it)
        x = node.args[0]
        shape = self.facts.of(x)
        if fn is np.linalg.norm and axis is None and not keep and _rank_is(shape, 1) and \
                isinstance(x, gast.Name) and self.float64(x):  # (NumPy's own formula)
            self.changed = True
            return _np("sqrt", gast.BinOp(left=x, op=gast.MatMult(), right=clone(x)))
        if fn in _REDUCTIONS and _rank_is(shape, 2) and axis in (0, -2) and not keep:
            return self.first_axis(node, fn, x, shape)
        if not isinstance(shape, tuple) or len(shape) < 2 or axis not in (-1, len(shape) - 1):
            return node
        length = self.length(shape[-1], x)
        if length is None or not self.float64(x) or \
                fn is np.linalg.norm and not isinstance(x, gast.Name):
            return node
        self.changed = True
        ones = gast.Call(func=np_attr("ones"),
                         args=[length], keywords=[])
        if fn is np.linalg.norm:  # (NumPy's own formula for real vectors: sqrt of the sum)
            squares = gast.BinOp(left=x, op=gast.Mult(), right=clone(x))
            total = _np("sqrt", _summed(squares, ones, shape[-1]))
            return _kept(total) if keep else total
        total = _summed(x, ones, shape[-1])
        if fn is np.mean:
            total = gast.BinOp(left=total, op=gast.Div(), right=clone(length))
        return _kept(total) if keep else total

    def extreme(self, node: gast.Call, helper: str) -> gast.expr:
        """``np.max(x, axis=-1)`` (``np.min``, ``keepdims``) of a float64 array of rank
        two or more as ``max_last(x)``, which takes the columns' ``np.maximum`` where the
        last axis is short (the same numbers)."""
        found = _axis(node)
        shape = self.facts.of(node.args[0]) if node.args else None
        if found is None or found[0] is None:
            return self.window(node, helper.replace("_last", "_axes"), shape)
        if not isinstance(shape, tuple) or len(shape) < 2 or \
                found[0] not in (-1, len(shape) - 1) or not self.float64(node.args[0]):
            return node
        self.changed = True
        keep = [gast.Constant(value=True, kind=None)] if found[1] else []
        return gast.Call(func=load(helper), args=[node.args[0], *keep], keywords=[])

    def window(self, node: gast.Call, helper: str, shape: object) -> gast.expr:
        """``np.max(x, axis=(2, 4))`` (``np.min``, ``keepdims``; the axes literal or a
        name bound once to them) of a float64 array over a few axes of literal lengths,
        not the last alone (a pooling window of ``x.reshape(B, h, 2, w, 2)``) as
        ``max_axes(x, (2, 4))``, which takes the window's slices' ``np.maximum``."""
        found = _axes_keep(node, self.facts)
        if found is None or not isinstance(shape, tuple) or isinstance(shape, dims.Items):
            return node
        axes = sorted({a % len(shape) for a in found[0] if -len(shape) <= a < len(shape)})
        sizes = [shape[a] for a in axes if type(shape[a]) is int]
        if len(sizes) != len(found[0]) or not 2 <= math.prod(sizes) <= 16 or \
                axes == [len(shape) - 1] or not self.float64(node.args[0]):
            return node
        self.changed = True
        args = [node.args[0], gast.Tuple(elts=[gast.Constant(value=a, kind=None)
                                               for a in axes], ctx=gast.Load())]
        if found[1]:
            args.append(gast.Constant(value=True, kind=None))
        return gast.Call(func=load(helper), args=args, keywords=[])

    def adjacent_run(self, node: gast.Call) -> gast.Call | None:
        """``np.sum(x, axis=(0, 1))`` of a float64 array of rank three or more over
        adjacent axes (not the last alone: ``sum_last``; not all) as ``sum_axes(x, (0,
        1))``, which takes a product with ones at the call where NumPy's reduction is
        slow (the adjoint of a bias broadcast over pairs)."""
        found = _axes_keep(node)
        shape = self.facts.of(node.args[0]) if node.args else None
        if found is None or not isinstance(shape, tuple) or len(shape) < 3:
            return None
        axes, keep = found
        axes = sorted(a % len(shape) for a in axes if -len(shape) <= a < len(shape))
        if len(axes) != len(found[0]) or axes != list(range(axes[0], axes[-1] + 1)) or \
                len(axes) == len(shape) or axes == [len(shape) - 1] or \
                not self.float64(node.args[0]):
            return None
        self.changed = True
        args = [node.args[0], gast.Tuple(elts=[gast.Constant(value=a, kind=None)
                                               for a in axes], ctx=gast.Load())]
        if keep:
            args.append(gast.Constant(value=True, kind=None))
        return gast.Call(func=load("sum_axes"), args=args, keywords=[])

    def first_axis(self, node: gast.Call, fn: object, x: gast.expr, shape: tuple
                   ) -> gast.expr:
        """``np.sum(x, axis=0)`` (``np.mean``) of a float64 matrix as ``np.ones(n) @ x``."""
        length = self.length(shape[0], x)
        if length is None or not self.float64(x):
            return node
        self.changed = True
        ones = gast.Call(func=np_attr("ones"),
                         args=[length], keywords=[])
        total = gast.BinOp(left=ones, op=gast.MatMult(), right=x)
        return total if fn is np.sum else gast.BinOp(left=total, op=gast.Div(),
                                                     right=clone(length))

    def float64(self, e: gast.expr) -> bool:
        return self.dtype(e) == dtypes.F64

    def real(self, e: gast.expr) -> bool:
        return self.dtype(e) in (dtypes.F64, dtypes.REAL)

    def dtype(self, e: gast.expr) -> str | None:
        if self._kinds is None:
            self._kinds = self.kinds()
        return dtypes.of(e, self._kinds, self.namespace)

    def length(self, dim: object, summed: gast.expr) -> gast.expr | None:
        """The length as an expression: a literal, or ``np.shape(v)[j]`` of an array of
        that length that the sum reads (``x`` of ``np.sum(x * x, axis=-1)``), else of
        an array parameter."""
        if type(dim) is int:
            return gast.Constant(value=dim, kind=None) if dim > 0 else None
        read = [n.id for n in name_nodes(summed)]
        for p in [*dict.fromkeys(read), *self.arrays]:
            shape = self.facts.of(load(p))
            if isinstance(shape, tuple) and dim in shape:
                shape_of = gast.Call(func=np_attr("shape"),
                                     args=[load(p)], keywords=[])
                at = len(shape) - 1 - shape[::-1].index(dim)  # (a last axis if it is one)
                return gast.Subscript(value=shape_of, slice=gast.Constant(
                    value=at, kind=None), ctx=gast.Load())
        return None


def _summed(x: gast.expr, ones: gast.Call, length: object) -> gast.expr:
    """The last-axis sum: ``x @ np.ones(n)`` of a literal length of 4 or more,
    ``sum_last(x)`` otherwise (it adds 2 or 3 columns, which OpenBLAS's product does
    five times slower, and takes the product for the other lengths)."""
    if type(length) is int and length >= 4:
        return gast.BinOp(left=x, op=gast.MatMult(), right=ones)
    return gast.Call(func=load("sum_last"), args=[x], keywords=[])


def _kept(total: gast.expr) -> gast.Subscript:
    """``total[..., None]``: the summed last axis kept, of length 1 (``keepdims``)."""
    return gast.Subscript(value=total, slice=gast.Tuple(elts=[
        gast.Constant(value=Ellipsis, kind=None), gast.Constant(value=None, kind=None)],
        ctx=gast.Load()), ctx=gast.Load())


def _rank_is(shape: object, rank: int) -> bool:
    return isinstance(shape, tuple) and len(shape) == rank


def _np(name: str, arg: gast.expr) -> gast.Call:
    return gast.Call(func=np_attr(name),
                     args=[arg], keywords=[])


def _norm_axis(node: gast.Call) -> tuple[int | None, bool] | None:
    """(axis, keepdims) of ``np.linalg.norm(x, ord, axis, keepdims)``, the 2-norm along
    one literal axis (``ord`` None or 2) with a literal ``keepdims``."""
    params = ("x", "ord", "axis", "keepdims")
    given = dict(zip(params, node.args))
    given.update({k.arg: k.value for k in node.keywords})
    if len(node.args) > 4 or set(given) - set(params):
        return None
    ord_, axis = given.get("ord"), given.get("axis")
    keep = given.get("keepdims", gast.Constant(value=False, kind=None))
    if ord_ is not None and not (isinstance(ord_, gast.Constant) and ord_.value in (None, 2)) \
            or not (isinstance(keep, gast.Constant) and type(keep.value) is bool):
        return None
    return _literal_int(axis), keep.value


def _flattened(e: gast.expr, namespace: dict) -> gast.expr | None:
    """``a`` of ``np.reshape(a, (-1,))``."""
    if e.__class__ is not gast.Call or len(e.args) != 2 or e.keywords or \
            evaluate_ref(e.func, namespace) is not np.reshape:
        return None
    shape = e.args[1]
    if not (isinstance(shape, gast.Tuple) and len(shape.elts) == 1 and
            _literal_int(shape.elts[0]) == -1):
        return None
    return e.args[0]


def _literal_int(axis: gast.expr | None) -> int | None:
    if isinstance(axis, gast.Tuple) and len(axis.elts) == 1:  # (``axis=(0,)``)
        axis = axis.elts[0]
    if isinstance(axis, gast.UnaryOp) and isinstance(axis.op, gast.USub) and \
            isinstance(axis.operand, gast.Constant) and type(axis.operand.value) is int:
        return -axis.operand.value
    return axis.value if isinstance(axis, gast.Constant) and type(axis.value) is int else None


def _axes_keep(node: gast.Call, facts: dims.Facts | None = None
               ) -> tuple[list[int], bool] | None:
    """(the literal int axes, keepdims) of ``np.sum(x, axis=(j, k))`` (one axis alike;
    with ``facts``, also a name every definition of which is that tuple), with nothing
    else passed but a literal ``keepdims``."""
    keywords = {k.arg: k.value for k in node.keywords}
    keep = keywords.pop("keepdims", gast.Constant(value=False, kind=None))
    axis = node.args[1] if len(node.args) == 2 and not keywords else \
        keywords.get("axis") if len(node.args) == 1 and list(keywords) == ["axis"] else None
    if axis is None or not (isinstance(keep, gast.Constant) and type(keep.value) is bool):
        return None
    if facts is not None and isinstance(axis, gast.Name):
        values = facts.defs.get(axis.id, ())
        axis = values[0] if len(values) == 1 and isinstance(values[0], gast.Tuple) else axis
    parts = [_literal_int(a) for a in (axis.elts if isinstance(axis, gast.Tuple) else [axis])]
    if not parts or any(a is None for a in parts):
        return None
    return [a for a in parts if a is not None], keep.value


def _axis(node: gast.Call) -> tuple[int | None, bool] | None:
    """(the literal int axis, keepdims) of ``f(x, axis=k)`` or ``f(x, k)`` with nothing
    else passed but a literal ``keepdims``."""
    keywords = {k.arg: k.value for k in node.keywords}
    keep = keywords.pop("keepdims", gast.Constant(value=False, kind=None))
    if not (isinstance(keep, gast.Constant) and type(keep.value) is bool):
        return None
    if len(node.args) == 2 and not keywords:
        axis = node.args[1]
    elif len(node.args) == 1 and list(keywords) == ["axis"]:
        axis = keywords["axis"]
    else:
        return None
    return _literal_int(axis), keep.value
