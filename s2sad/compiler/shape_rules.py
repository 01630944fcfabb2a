"""How shapes combine, for the shape facts of :mod:`dims`: broadcasting (a symbol against
an int other than 1 learns it), matrix products, reductions, ``expand_dims``, stacking,
the join of a name's definitions (loops), and the table of which shape each function
gives (the same as one argument, elementwise, reduced, constructed, or a rule of its own).
"""
from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import affine
from s2sad.compiler.primitives import evaluate_ref

Dim = Any  # int | str | None
UNKNOWN = "?"  # a name whose definitions disagree or cannot be followed
NO = object()  # not a literal, not a helper shaped like an argument
_REPLACE_ITEMS = {runtime.setitem, runtime.write_at}  # (an array's element keeps its shape)


@dataclass(frozen=True)
class Keyed:
    """A dict of values: (key, shape) pairs (a parameter dict of arrays)."""

    items: tuple


@dataclass(frozen=True)
class Items:
    """A tuple of values (``np.linalg.slogdet``'s result, a tuple display)."""

    shapes: tuple


@dataclass(frozen=True)
class Elements:
    """A list grown by appends whose items all have one shape (None: no item yet), such
    as the tape of shapes a reverse sweep pops."""

    shape: Any


# the compiler's own helpers; what a user's function's result is shaped like, its rules
# declare (rules.facts.defshape: reductions, same shape as the first argument, elementwise)
_SAME_AS_FIRST = {runtime.copy_value, runtime.zeros_like, runtime.fresh, runtime.setitem,
                  runtime.write_at, runtime.zero_at, runtime.clear_at, runtime.shape_of,
                  runtime.triangle_read_adjoint, runtime.symmetrized, runtime.triangle_read,
                  runtime.or_one, runtime.scatter_add, runtime.scatter_subtract}
_SAME_AS_SECOND = {runtime.unbroadcast, runtime.cast_like, runtime.repeat_to,
                   runtime.broadcast_like, runtime.matmul_lhs_adjoint, runtime.dot_lhs_adjoint,
                   runtime.inner_lhs_adjoint, runtime.solve_lhs_adjoint,
                   runtime.cholesky_adjoint, runtime.undiagonal, runtime.untrace,
                   runtime.diag_adjoint, runtime.extremum_adjoint, runtime.array_adjoint,
                   runtime.list_last, runtime.list_drop_last, runtime.shaped_like,
                   runtime.cumprod_adjoint, runtime.reverse_cumsum}
_SAME_AS_THIRD = {runtime.matmul_rhs_adjoint, runtime.dot_rhs_adjoint,
                  runtime.inner_rhs_adjoint, runtime.solve_rhs_adjoint}
SAME_AS_ARG: tuple[set[Any], ...] = (_SAME_AS_FIRST, _SAME_AS_SECOND, _SAME_AS_THIRD)
ELEMENTWISE = {runtime.safe_mul, runtime.safe_div}
CONSTRUCTORS = {np.zeros, np.ones, np.empty, np.full}


def is_none(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and e.value is None


def _same(a: Dim, b: Dim) -> bool:
    return affine.same(a, b)


def _broadcast_dim(a: Dim, b: Dim, learned: dict | None = None) -> Dim:
    """The broadcast length; a symbol against an int other than 1 must equal it (or
    NumPy raises): ``learned`` records that."""
    if learned is not None:
        a = learned.get(a, a) if isinstance(a, str) else a
        b = learned.get(b, b) if isinstance(b, str) else b
        for sym, n in ((a, b), (b, a)):
            if isinstance(sym, str) and type(n) is int and n != 1:
                learned[sym] = n
                return n
    if a == 1:
        return b
    if b == 1:
        return a
    if isinstance(a, affine.Lin) or isinstance(b, affine.Lin):
        if a is None or b is None:  # (the other is not 1 when surely at least 2)
            return a if b is None and affine.long(a) else b if affine.long(b) else None
        return affine.broadcast(a, b)
    if _same(a, b):
        return a
    if a is None or b is None:  # the other is not 1: broadcasting keeps it (or fails)
        return a if b is None and isinstance(a, str) else b if isinstance(b, str) else None
    return None


def broadcast(a: tuple, b: tuple, learned: dict | None = None) -> tuple:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(_broadcast_dim(x, y, learned) for x, y in zip(a, b))


def broadcast_all(shapes: list, learned: dict | None = None) -> Any:
    if not all(isinstance(s, tuple) for s in shapes):
        return None
    out: tuple = ()
    for s in shapes:
        out = broadcast(out, s, learned)
    return out


def stacked(items: tuple) -> Any:
    """``np.array([a, b])`` of values of one shape: that shape with the count in front
    (``np.array([[c, -s], [s, c]])``: rows of numbers stacked first)."""
    items = tuple(stacked(s.shapes) if isinstance(s, Items) else s for s in items)
    if not items or not all(isinstance(s, tuple) for s in items):
        return None
    first = items[0]
    if not all(len(s) == len(first) and all(_same(x, y) for x, y in zip(s, first))
               for s in items):
        return None
    return (len(items),) + first


def concatenated(items: Any, axis: int) -> Any:
    """``np.concatenate(items, axis)``: the items' lengths along ``axis`` added (exact
    lengths only), the other axes as they share them; an item that is a list display
    is the array NumPy makes of it (``np.concatenate([[0.0], v])``)."""
    if isinstance(items, Items):
        items = Items(tuple(stacked(s.shapes) if isinstance(s, Items) else s
                            for s in items.shapes))
    if not isinstance(items, Items) or not items.shapes or not all(
            isinstance(s, tuple) and len(s) == len(items.shapes[0]) for s in items.shapes):
        return None
    rank = len(items.shapes[0])
    if not -rank <= axis < rank:
        return None
    axis %= rank
    total: affine.Lin | None = affine.Lin((), 0)
    for s in items.shapes:
        total = affine.add(total, affine.form(s[axis]))
    out = [join_dims([s[k] for s in items.shapes]) for k in range(rank)]
    out[axis] = affine.value(total)
    return tuple(out)


def matmul(a: tuple, b: tuple) -> tuple | None:
    if len(a) == 2 and len(b) == 2:
        return (a[0], b[1])
    if len(a) == 2 and len(b) == 1:
        return (a[0],)
    if len(a) == 1 and len(b) == 2:
        return (b[1],)
    if len(a) == 1 and len(b) == 1:
        return ()
    if len(a) > 2 and len(b) == 1:  # a stack of matrices times a vector
        return a[:-1]
    if len(a) == 1 and len(b) > 2:
        return b[:-2] + b[-1:]
    if len(a) > 2 and len(a) == len(b) and a[:-2] == b[:-2]:  # stacks of one shape
        return a[:-1] + b[-1:]
    return None


def reduced(s: Any, axis: gast.expr | None, keep: gast.expr | None) -> Any:
    if not isinstance(s, tuple):
        return None
    keepdims = isinstance(keep, gast.Constant) and keep.value is True
    if keep is not None and not isinstance(keep, gast.Constant):
        return None
    if axis is None or isinstance(axis, gast.Constant) and axis.value is None:
        return (1,) * len(s) if keepdims else ()
    parts = axis.elts if isinstance(axis, gast.Tuple) else [axis]
    wanted = [_int(p) for p in parts]  # (an adjoint sums over axis=(0, 2))
    ks = {a % len(s) for a in wanted if a is not None and -len(s) <= a < len(s)}
    if not parts or len(ks) != len(wanted):
        return None  # (an unknown axis, one out of range, or one twice: NumPy raises)
    out: list = []
    for k, length in enumerate(s):
        out += ([1] if keepdims else []) if k in ks else [length]
    return tuple(out)


def _expanded(s: Any, axes: gast.expr) -> Any:
    """``np.expand_dims(x, (-2, -1))``: 1s inserted."""
    parts = axes.elts if isinstance(axes, gast.Tuple) else [axes]
    wanted = [_int(p) for p in parts]
    if not isinstance(s, tuple) or None in wanted:
        return None
    n = len(s) + len(wanted)
    at = {a % n for a in wanted if a is not None}  # (none is: see above)
    rest = iter(s)
    return tuple(1 if i in at else next(rest) for i in range(n))


def _int(e: gast.expr) -> int | None:
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        v = _int(e.operand)
        return None if v is None else -v
    return e.value if isinstance(e, gast.Constant) and type(e.value) is int else None


def _slogdet(args: list, e: gast.Call) -> Any:
    return Items((args[0][:-2], args[0][:-2])) if len(args[0]) >= 2 else None


def _eigh(args: list, e: gast.Call) -> Any:
    """``(w, v)`` of a (stack of) square matrices: ``w`` without the last axis."""
    a = args[0] if args else None
    return Items((a[:-1], a)) if isinstance(a, tuple) and len(a) >= 2 else None


def _det(args: list, e: gast.Call) -> Any:
    return args[0][:-2] if len(args[0]) >= 2 else None


def _solve(args: list, e: gast.Call) -> Any:
    if len(args) != 2:
        return None
    a, b = args
    return (a[1],) + b[1:] if isinstance(b, tuple) and len(a) == 2 and len(b) in (1, 2) \
        else None


def _lu_solve(args: list, e: gast.Call) -> Any:
    """``lu_solve(factors, b, trans)``: as ``solve(a, b)`` of the matrix factored."""
    return _solve(args[:2], e) if len(args) in (2, 3) else None


def _add_grads(args: list, e: gast.Call) -> Any:
    """``add_grads(a, b)`` of two arrays of one shape (two adjoints of a value that
    might have been a container): that shape."""
    if len(args) == 2 and all(isinstance(a, tuple) for a in args) and \
            len(args[0]) == len(args[1]) and all(_same(x, y) for x, y in zip(*args)):
        return args[0]
    return None


def _transpose(args: list, e: gast.Call) -> Any:
    whole = len(args) == 1 or len(args) == 2 and is_none(e.args[1])
    if whole or not isinstance(args[0], tuple) or len(args) != 2 or \
            not isinstance(e.args[1], gast.Tuple):
        return args[0][::-1] if whole and isinstance(args[0], tuple) else None
    perm = [p.value for p in e.args[1].elts if isinstance(p, gast.Constant)]  # (literal axes)
    if sorted(perm) != list(range(len(args[0]))) or any(type(p) is not int for p in perm):
        return None
    return tuple(args[0][p] for p in perm)


def _matrix_transpose(args: list, e: gast.Call) -> Any:
    s = args[0]
    return s[:-2] + s[-1:] + s[-2:-1] if len(args) == 1 and len(s) >= 2 else None


def outer(args: list, e: gast.Call) -> Any:
    return args[0] + args[1] if len(args) == 2 and isinstance(args[1], tuple) and \
        len(args[0]) == len(args[1]) == 1 else None


def _diag(args: list, e: gast.Call) -> Any:
    """``np.diag(v)``, ``np.diag(v, k)`` of a vector: a square of its length plus
    ``|k|`` (the off-diagonals of a tridiagonal matrix); the diagonal of a square."""
    s = args[0]
    k = literal(e.args[1]) if len(e.args) == 2 else \
        literal(e.keywords[0].value) if len(e.keywords) == 1 and e.keywords[0].arg == "k" else 0
    if len(args) not in (1, 2) or len(e.args) + len(e.keywords) != len(args) or \
            type(k) is not int or not isinstance(s, tuple) or len(s) not in (1, 2):
        return None
    if len(s) == 1:
        side = s[0] if k == 0 else affine.value(affine.add(affine.form(s[0]),
                                                           affine.Lin((), abs(k))))
        return (side, side)
    return (s[0] if k == 0 and _same(s[0], s[1]) else None,)


def _diff(args: list, e: gast.Call) -> Any:
    """``np.diff(x, n, axis)``: the axis ``n`` shorter (``max(0, length - n)``)."""
    given = dict(zip(("a", "n", "axis"), e.args), **{k.arg: k.value for k in e.keywords})
    n, axis = (literal(given[k]) if k in given else d for k, d in (("n", 1), ("axis", -1)))
    shape = args[0]
    if set(given) - {"a", "n", "axis"} or type(n) is not int or type(axis) is not int or \
            not isinstance(shape, tuple) or not -len(shape) <= axis < len(shape):
        return None
    axis %= len(shape)
    shorter = affine.add(affine.form(shape[axis]), affine.Lin((), n), -1)
    return shape[:axis] + (affine.length(shorter, affine.CLAMPED),) + shape[axis + 1:]


def _append(args: list, e: gast.Call) -> Any:
    """``np.append(arr, values)`` (no axis): a vector of both sizes (items of rank at
    most 1: the length of a longer one's not followed)."""
    if len(args) != 2 or e.keywords or not all(isinstance(s, tuple) for s in args):
        return None
    if any(len(s) > 1 for s in args):
        return (None,)
    first, second = (affine.form(s[0] if s else 1) for s in args)
    return (affine.length(affine.add(first, second), affine.EXACT),)


def _norm(args: list, e: gast.Call) -> Any:
    """``np.linalg.norm(x, ord, axis, keepdims)``: a reduction over ``axis`` (all axes
    without one), whatever ``ord`` (the second argument, not an axis)."""
    given = dict(zip(("x", "ord", "axis", "keepdims"), e.args), **{k.arg: k.value
                                                                    for k in e.keywords})
    if set(given) - {"x", "ord", "axis", "keepdims"}:
        return None
    return reduced(args[0], given.get("axis"), given.get("keepdims"))


def _expand_dims(args: list, e: gast.Call) -> Any:
    return _expanded(args[0], e.args[1]) if len(args) == 2 else None


def _index_vectors(count: int) -> Items:
    """A tuple of ``count`` index vectors whose lengths are not known here."""
    return Items(tuple((None,) for _ in range(count)))


def _nonzero(args: list, e: gast.Call) -> Any:
    """``np.nonzero(x)``: one index vector per axis of ``x``, of the count of its nonzero
    items (its values': not known here)."""
    return _index_vectors(len(args[0])) if isinstance(args[0], tuple) and args[0] else None


def _meshgrid(args: list, e: gast.Call) -> Any:
    """``np.meshgrid`` of vectors: one grid per vector, each of their lengths (the first
    two swapped for ``indexing="xy"``, the default); sparse grids are not followed."""
    given = {k.arg: literal(k.value) for k in e.keywords}
    indexing = given.pop("indexing", "xy")
    if set(given) - {"copy"} or indexing not in ("xy", "ij") or \
            not all(isinstance(a, tuple) and len(a) == 1 for a in args):
        return None
    lengths = [a[0] for a in args]
    if indexing == "xy" and len(lengths) > 1:
        lengths[:2] = lengths[1::-1]
    return Items((tuple(lengths),) * len(args))


def _last_dropped(args: list, e: gast.Call) -> Any:
    """``max_last(x)``: ``x``'s shape without its last axis (kept as 1 with a literal
    ``True``)."""
    if not args or not isinstance(args[0], tuple) or not args[0] or e.keywords:
        return None
    keep = literal(e.args[1]) if len(e.args) > 1 else False
    return args[0][:-1] + (1,) if keep is True else args[0][:-1] if keep is False else None


SHAPE_RULES = {np.shape: lambda args, e: (len(args[0]),), len: lambda args, e: (),
                np.triu_indices: lambda args, e: _index_vectors(2),  # (of n and k)
                np.tril_indices: lambda args, e: _index_vectors(2), np.nonzero: _nonzero,
                np.digitize: lambda args, e: args[0],  # (a bin per value; its bins sorted)
                np.searchsorted: lambda args, e: args[1] if len(args) > 1 else None,
                runtime.reduced_size: lambda args, e: (),  # a count
                np.linalg.slogdet: _slogdet, np.linalg.det: _det, np.linalg.solve: _solve,
                np.linalg.eigh: _eigh, np.linalg.eigvalsh: lambda args, e: args[0][:-1]
                if len(args[0]) >= 2 else None,
                np.transpose: _transpose, np.matrix_transpose: _matrix_transpose,
                np.outer: outer, np.diag: _diag, np.expand_dims: _expand_dims, np.diff: _diff,
                np.linalg.norm: _norm, np.append: _append, np.meshgrid: _meshgrid,
                runtime.lu_solve: _lu_solve,
                runtime.tri_solve: lambda args, e: _solve(args[:2], e) if len(args) in (3, 4)
                else None,  # (a square a: it ran; a^-T b is as long as a^-1 b)
                runtime.add_grads: _add_grads,
                runtime.sum_last: lambda args, e: args[0][:-1] if len(args) == 1 and
                isinstance(args[0], tuple) and args[0] else None,
                runtime.max_last: _last_dropped, runtime.min_last: _last_dropped,
                runtime.sum_axes: lambda args, e: reduced(
                    args[0], e.args[1], e.args[2] if len(e.args) > 2 else None)
                if 2 <= len(e.args) <= 3 and not e.keywords else None,
                np.matmul: lambda args, e: matmul(*args) if len(args) == 2 and
                not e.keywords and all(isinstance(a, tuple) for a in args) else None}


def join_dims(dims: list) -> Dim:
    first = dims[0] if dims else None
    for d in dims[1:]:
        first = affine.join(first, d)
    return first


def grown(fn: Any, args: list) -> Any:
    """A list of items of one shape after ``list_append`` (joined) or ``list_remove``; its
    zeros, copies the same."""
    if isinstance(args[0], Items):  # a short list appended to: of any length now
        args = [_as_elements(args[0])] + args[1:]
        if args[0] is None:  # (items of shapes that differ: no one shape of an item)
            return None
    if fn in (runtime.list_remove, runtime.zeros_like, runtime.copy_value, runtime.fresh):
        return args[0]
    if fn in _REPLACE_ITEMS and len(args) == 3 and args[1] == () and \
            isinstance(args[0], Elements):  # (an item replaced: ``dr[i] = 0.0`` of floats)
        joined = join_all([args[0].shape, args[2]]) if args[0].shape is not None else args[2]
        return None if joined is None or joined == UNKNOWN else Elements(joined)
    if fn in _SAME_AS_SECOND and len(args) > 1:  # (an adjoint shaped like a value)
        return args[1]
    if fn is not runtime.list_append or len(args) < 2 or args[1] is None:
        return None
    joined = args[1] if args[0].shape is None else join_all([args[0].shape, args[1]])
    return None if joined == UNKNOWN else Elements(joined)


def _as_elements(s: Any) -> Any:
    """A short list's items as those of a list of any length (their shapes joined); None
    where they differ or one is unknown (``Elements(None)`` is a list with no item yet,
    which agrees with any: a tape of ``(n, seq)`` rows and lists of numbers is no list of
    numbers)."""
    if isinstance(s, Elements) or not s.shapes:
        return s if isinstance(s, Elements) else Elements(None)
    joined = join_all(list(s.shapes))
    return None if joined is None or joined == UNKNOWN else Elements(joined)


def join_all(found: list, optimistic: bool = False) -> Any:
    """The shape every one of ``found`` has; ``optimistic``: an item of a tuple, list or
    dict not yet known (None: a loop-carried ``w = [w[0] - e, w[1] - f]``, whose items
    are worked out from ``w``'s) does not disagree, as a whole definition not yet known
    does not (:mod:`shape_solve`)."""
    if not found:
        return None
    first = found[0]
    for s in found[1:]:
        if isinstance(first, Elements) != isinstance(s, Elements) and \
                isinstance(first, (Items, Elements)) and isinstance(s, (Items, Elements)):
            first, s = _as_elements(first), _as_elements(s)  # ([1.0], then appended to)
        if isinstance(first, Elements) and isinstance(s, Elements):
            inner = [x.shape for x in (first, s) if x.shape is not None]
            first = Elements(join_all(inner) if inner else None)
        elif isinstance(first, tuple) and isinstance(s, tuple) and len(first) == len(s):
            first = tuple(affine.join(x, y) for x, y in zip(first, s))
        elif isinstance(first, Items) and isinstance(s, Items) and \
                len(first.shapes) == len(s.shapes):  # (W, b) pairs: their items joined
            first = Items(_joined_items(first.shapes, s.shapes, optimistic))
        elif isinstance(first, Keyed) and isinstance(s, Keyed) and \
                [k for k, _ in first.items] == [k for k, _ in s.items]:
            joined = _joined_items(tuple(v for _, v in first.items),
                                   tuple(v for _, v in s.items), optimistic)
            first = Keyed(tuple(zip((k for k, _ in first.items), joined)))
        elif s != first:
            return UNKNOWN
    return first


def _joined_items(a: tuple, b: tuple, optimistic: bool) -> tuple:
    """Two containers' items joined position by position (None: unknown)."""
    inner = [join_all([x for x in (x, y) if x is not None] if optimistic else [x, y],
                      optimistic) for x, y in zip(a, b)]
    return tuple(None if x == UNKNOWN else x for x in inner)


def unsure(s: Any) -> bool:
    """Whether a shape is unknown, or a container with an item unknown."""
    if isinstance(s, Items):
        return any(unsure(x) for x in s.shapes)
    if isinstance(s, Keyed):
        return any(unsure(x) for _, x in s.items)
    return s is None


# ----- reading calls and literals (for dims.Facts) -----

def module_number(e: gast.Attribute, namespace: dict) -> bool:
    """``np.pi``, ``math.inf``: a number a module holds (a module's constants do not
    change between calls, unlike a user's global)."""
    return isinstance(evaluate_ref(e.value, namespace), types.ModuleType) and \
        type(evaluate_ref(e, namespace)) in (int, float)


def literal(e: gast.expr) -> Any:
    """The value of a literal (``0``, ``-1``, ``"valid"``, ``(0, 2)``), else ``NO``."""
    if isinstance(e, gast.Constant):
        return e.value
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and \
            isinstance(e.operand, gast.Constant) and type(e.operand.value) in (int, float):
        return -e.operand.value
    if isinstance(e, gast.Tuple):
        items = [literal(x) for x in e.elts]
        return NO if any(x is NO for x in items) else tuple(items)
    return NO


def same_as_argument(fn: Any, args: list) -> Any:
    """The shape of the argument a helper's result is shaped like (``NO``: not one);
    an item of a container replaced may have any shape."""
    for position, fns in enumerate(SAME_AS_ARG):
        if fn in fns and len(args) > position:
            if isinstance(args[position], (Keyed, Items)) and fn in _REPLACE_ITEMS:
                return None
            return args[position]
    return NO


def reduced_call(shape: Any, e: gast.Call) -> Any:
    """A reduction's result: over ``axis`` (second or by keyword), ``keepdims``; any other
    keyword (``b=``, ``return_sign=``, ``dtype=``) is not followed."""
    keywords = {k.arg: k.value for k in e.keywords}
    if set(keywords) - {"axis", "keepdims", "ddof", "dtype"} or len(e.args) > 2:
        return None
    return reduced(shape, keywords.get("axis", e.args[1] if len(e.args) > 1 else None),
                    keywords.get("keepdims"))


def whole_slice(p: gast.Slice) -> bool:
    """``:`` (or ``::-1``, any step of -1): every element, same length."""
    step = p.step
    return p.lower is None and p.upper is None and (
        step is None or isinstance(step, gast.UnaryOp) and isinstance(step.op, gast.USub)
        and isinstance(step.operand, gast.Constant) and step.operand.value == 1 or
        isinstance(step, gast.Constant) and type(step.value) is int and step.value == -1)
