"""How shapes combine, for the shape facts of :mod:`dims`: broadcasting (a symbol against
an int other than 1 learns it), matrix products, reductions, ``expand_dims``, stacking,
the join of a name's definitions (loops), and which shape each function gives (the same
as one argument, elementwise, reduced, constructed; a rule of its own: :mod:`call_shapes`).
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


APPENDS = (runtime.list_append, runtime.list_append_owned)  # (a copy, or in place)


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
                   runtime.cumprod_adjoint, runtime.reverse_cumsum, runtime.unsort}
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


def matmul(a: tuple, b: tuple, learned: dict | None = None) -> tuple | None:
    """The shape of ``a @ b``; where ``learned`` is given, a symbol the product contracts
    against an int must equal it (or NumPy raises): recorded there, as broadcasting does."""
    if learned is not None and a and b:
        _contracted(a[-1], b[-2] if len(b) > 1 else b[0], learned)
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
    if len(a) > 2 and len(b) == 2:  # a stack of matrices times one matrix
        return a[:-1] + b[-1:]
    if len(a) == 2 and len(b) > 2:  # one matrix times a stack of matrices
        return b[:-2] + (a[0], b[-1])
    return None


def _contracted(a: Dim, b: Dim, learned: dict) -> None:
    a = learned.get(a, a) if isinstance(a, str) else a
    b = learned.get(b, b) if isinstance(b, str) else b
    for sym, n in ((a, b), (b, a)):
        if isinstance(sym, str) and type(n) is int:
            learned[sym] = n


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


def _int(e: gast.expr) -> int | None:
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        v = _int(e.operand)
        return None if v is None else -v
    return e.value if isinstance(e, gast.Constant) and type(e.value) is int else None


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
    if fn not in APPENDS or len(args) < 2 or args[1] is None:
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
