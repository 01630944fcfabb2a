"""Shape facts: the shape of every value, as far as the argument shapes decide it.

A derivative is generated per *shape class* of its array arguments: which of their
axes have length 1 and which lengths are equal (``F`` of (4, 4) and ``H`` of (2, 4)
give ``F: (a, a)``, ``H: (b, a)``).  From these symbols a shape follows through
arithmetic (broadcasting), products, indexing, reductions and constructors, and
loops (to a fixpoint).  A dimension is an int, a symbol (a length that is not 1), or
None (unknown); a shape is a tuple of dimensions, ``Items`` of a tuple of values, or
absent (unknown rank).  The late passes use them to drop helpers that would do
nothing (``unbroadcast`` of an adjoint that already has its value's shape).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.primitives import evaluate_ref
from s2sad.rules.facts import shape_kind

Dim = Any  # int | str | None
_UNKNOWN = "?"  # a name whose definitions disagree or cannot be followed
_NO = object()


@dataclass(frozen=True)
class Items:
    """A tuple of values (``np.linalg.slogdet``'s result, a tuple display)."""

    shapes: tuple


@dataclass(frozen=True)
class Elements:
    """A list grown by appends whose items all have one shape (None: no item yet), such
    as the tape of shapes a reverse sweep pops."""

    shape: Any


def symbolic(shapes: list[tuple[int, ...]]) -> list[tuple]:
    """Shape classes of concrete shapes: 1 stays 1, equal lengths share a symbol."""
    symbols: dict[int, str] = {}
    return [tuple(1 if n == 1 else symbols.setdefault(n, "abcdefghijklmnopqrstuvwxyz"[
        len(symbols) % 26] + ("" if len(symbols) < 26 else str(len(symbols))))
        for n in shape) for shape in shapes]


# the compiler's own helpers; what a user's function's result is shaped like, its rules
# declare (rules.facts.defshape)
_SAME_AS_FIRST = {runtime.copy_value, runtime.zeros_like, runtime.fresh, runtime.setitem,
                  runtime.write_at, runtime.zero_at, runtime.clear_at, runtime.shape_of,
                  runtime.triangle_read_adjoint, runtime.symmetrized, runtime.triangle_read}
_SAME_AS_SECOND = {runtime.unbroadcast, runtime.cast_like, runtime.repeat_to,
                   runtime.matmul_lhs_adjoint, runtime.dot_lhs_adjoint,
                   runtime.inner_lhs_adjoint, runtime.solve_lhs_adjoint,
                   runtime.cholesky_adjoint, runtime.undiagonal, runtime.untrace,
                   runtime.diag_adjoint}
_SAME_AS_THIRD = {runtime.matmul_rhs_adjoint, runtime.dot_rhs_adjoint,
                  runtime.inner_rhs_adjoint, runtime.solve_rhs_adjoint}
_SAME_AS_ARG: tuple[set[Any], ...] = (_SAME_AS_FIRST, _SAME_AS_SECOND, _SAME_AS_THIRD)
_ELEMENTWISE = {runtime.safe_mul, runtime.safe_div}
_CONSTRUCTORS = {np.zeros, np.ones, np.empty, np.full}


class Facts:
    """Shapes of names (and lengths held by int names) in a body of statements."""

    def __init__(self, body: list, params: dict[str, Any], numbers: set[str],
                 namespace: dict, alike: dict[str, gast.expr] | None = None) -> None:
        """``alike``: a parameter shaped like an expression of the body (a vjp's
        cotangent: like the output, which the caller checks it is)."""
        self.namespace = namespace
        self.shapes: dict[str, Any] = {**dict.fromkeys(numbers, ()), **params}
        self.sizes: dict[str, Dim] = {}
        self.learned: dict[str, int] = {}  # symbol -> the int it must equal (broadcasting)
        self._fixed = set(params) | set(numbers)
        self.defs = _definitions(body)
        for name, like in (alike or {}).items():
            self.defs.setdefault(name, []).append(like)
        start = dict(self.shapes)
        for _ in range(3):  # again while broadcasting teaches what a symbol's length is
            known = dict(self.learned)
            self._solve()
            if self.learned == known:
                break
            self.shapes, self.sizes = dict(start), {}

    @classmethod
    def over(cls, shapes: dict[str, Any], namespace: dict) -> Facts:
        """Facts of expressions over names whose shapes (or ranks) are given."""
        facts = cls.__new__(cls)
        facts.namespace, facts.shapes, facts.sizes, facts.defs = namespace, shapes, {}, {}
        facts.learned = {}
        return facts

    def rank(self, name: str) -> int | None:
        s = self.shapes.get(name)
        return len(s) if isinstance(s, tuple) else None

    def _solve(self) -> None:
        # optimistic: a definition not yet known does not disagree; then sure: every
        # definition gives a shape (a name with one that does not is unknown)
        self._iterate(optimistic=True)
        self._iterate(optimistic=False)
        self.shapes = {k: v for k, v in self.shapes.items() if v != _UNKNOWN}
        self.sizes = {k: v for k, v in self.sizes.items() if v is not None}

    def _iterate(self, optimistic: bool) -> None:
        changed = True
        while changed:
            changed = False
            for name, values in self.defs.items():
                if name in self._fixed:
                    if self.shapes.get(name) == ():  # a number: maybe a known length
                        size = _join_dims([self.size(v) for v in values])
                        changed |= size != self.sizes.get(name)
                        self.sizes[name] = size
                    continue
                if self.shapes.get(name) == _UNKNOWN:
                    continue
                found = [self.of(v) for v in values]
                if not optimistic and any(f is None for f in found):
                    new = _UNKNOWN
                else:
                    new = _join_all([f for f in found if f is not None])
                size = _join_dims([self.size(v) for v in values]) if new == () else None
                if new is not None and (new != self.shapes.get(name) or
                                        size != self.sizes.get(name)):
                    self.shapes[name], self.sizes[name], changed = new, size, True

    def of(self, e: gast.expr) -> Any:
        """The shape of ``e`` (None: unknown)."""
        return self.canon(self._of(e))

    def _of(self, e: gast.expr) -> Any:
        if isinstance(e, gast.Constant):
            return () if isinstance(e.value, (int, float, bool)) else None
        if isinstance(e, gast.Name):
            s = self.shapes.get(e.id)
            return (None,) * s if type(s) is int else None if s == _UNKNOWN else s
        if isinstance(e, gast.UnaryOp):
            return self.of(e.operand)
        if isinstance(e, gast.BinOp):
            return self._binop(e)
        if isinstance(e, gast.Attribute) and e.attr == "shape":
            s = self.of(e.value)
            return (len(s),) if isinstance(s, tuple) else None
        if isinstance(e, gast.Attribute) and e.attr == "T":
            s = self.of(e.value)
            return s[::-1] if isinstance(s, tuple) else None
        if isinstance(e, gast.Subscript):
            return self._index(e)
        if isinstance(e, gast.List) and not e.elts:
            return Elements(None)
        if isinstance(e, (gast.Tuple, gast.List)):
            return Items(tuple(self.of(x) for x in e.elts))
        if isinstance(e, gast.Call):
            return self._call(e)
        return None

    def canon(self, s: Any) -> Any:
        """``s`` with each symbol whose length broadcasting fixed replaced by it."""
        if isinstance(s, tuple) and self.learned:
            return tuple(self.learned.get(d, d) if isinstance(d, str) else d for d in s)
        return s

    def size(self, e: gast.expr) -> Dim:
        """The value of an int expression that is a known length (``x.shape[0]``)."""
        if isinstance(e, gast.Constant) and type(e.value) is int:
            return e.value
        if isinstance(e, gast.Name):
            return self.sizes.get(e.id)
        if isinstance(e, gast.Subscript) and isinstance(e.slice, gast.Constant) and \
                type(e.slice.value) is int:
            v = e.value
            if isinstance(v, gast.Name) and len(self.defs.get(v.id, ())) == 1:
                v = self.defs[v.id][0]  # shape = np.shape(x); n = shape[0]
            of = v.value if isinstance(v, gast.Attribute) and v.attr == "shape" else \
                v.args[0] if isinstance(v, gast.Call) and len(v.args) == 1 and \
                evaluate_ref(v.func, self.namespace) is np.shape else None
            s = self.of(of) if of is not None else None
            if isinstance(s, tuple) and -len(s) <= e.slice.value < len(s):
                return s[e.slice.value]
        if isinstance(e, gast.Call) and len(e.args) == 1 and \
                evaluate_ref(e.func, self.namespace) is len:
            s = self.of(e.args[0])
            return s[0] if isinstance(s, tuple) and s else None
        return None

    def _binop(self, e: gast.BinOp) -> Any:
        a, b = self.of(e.left), self.of(e.right)
        if not isinstance(a, tuple) or not isinstance(b, tuple):
            return None
        if isinstance(e.op, gast.MatMult):
            return _matmul(a, b)
        return broadcast(a, b, self.learned)

    def _index(self, e: gast.Subscript) -> Any:
        s = self.of(e.value)
        if isinstance(s, Elements):  # an item of the list: its items' shape
            return s.shape if isinstance(s.shape, tuple) and not isinstance(
                e.slice, gast.Slice) else None
        if isinstance(s, Items):
            i = e.slice.value if isinstance(e.slice, gast.Constant) else None
            return s.shapes[i] if type(i) is int and -len(s.shapes) <= i < len(s.shapes) \
                else None
        if not isinstance(s, tuple):
            return None
        parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        out: list[int | None] = []
        axis = 0
        for p in parts:
            if isinstance(p, gast.Constant) and p.value is None:
                out.append(1)
                continue
            if axis >= len(s):
                return None
            if isinstance(p, gast.Slice):
                out.append(s[axis] if _whole(p) else None)
            elif self.of(p) != () or isinstance(p, gast.Constant) and type(p.value) is not int:
                return None  # an array or a non-int index
            axis += 1
        return tuple(out) + s[axis:]

    def _call(self, e: gast.Call) -> Any:
        fn = evaluate_ref(e.func, self.namespace)
        try:
            special = self._by_argument(fn, e)
            if special is not _NO:
                return special
            args = [self.of(a) for a in e.args]
            if not args:
                return None
            if isinstance(args[0], Elements):
                return _grown(fn, args)
            if fn in (np.array, np.asarray) and isinstance(args[0], Items) and \
                    not e.keywords and len(args) == 1:
                return _stacked(args[0].shapes)
            kind = shape_kind(fn)
            if kind == "first":
                return args[0]
            for position, fns in enumerate(_SAME_AS_ARG):
                if fn in fns and len(args) > position:
                    return args[position]
            if (isinstance(fn, np.ufunc) and len(args) == fn.nin or fn in _ELEMENTWISE or
                    kind == "elementwise") and not e.keywords:
                return _broadcast_all(args, self.learned)
            if kind == "reduction":
                return _reduced_call(args[0], e)
            rule = _SHAPE_RULES.get(fn) or (_outer if fn == np.multiply.outer else None)
            if rule is not None and isinstance(args[0], tuple):
                return rule(args, e)
        except TypeError:  # an unhashable callable
            return None
        return None

    def _by_argument(self, fn: Any, e: gast.Call) -> Any:
        """Calls whose shape follows from an argument's value, not its shape."""
        if fn in _CONSTRUCTORS and e.args:
            return self._constructed(e.args[0])
        if fn is np.eye and len(e.args) == 1 and not e.keywords:
            n = self.size(e.args[0])
            return (n, n)
        if fn is runtime.add_at and len(e.args) == 4:  # into acc, or zeros like x
            return self.of(e.args[1] if _is_none(e.args[0]) else e.args[0])
        if fn is runtime.lse_weights and (len(e.args) < 5 or _is_none(e.args[4])) and \
                not e.keywords:  # (weights b broadcast with a)
            return self.of(e.args[0])
        if fn is runtime.pick_adjoint and len(e.args) == 3:
            return self._index(gast.Subscript(value=e.args[1], slice=e.args[2],
                                              ctx=gast.Load()))
        return _NO

    def _constructed(self, shape: gast.expr) -> Any:
        if isinstance(shape, (gast.Tuple, gast.List)):
            return tuple(self.size(x) for x in shape.elts)
        if self.of(shape) == ():
            return (self.size(shape),)
        return None


def _reduced_call(shape: Any, e: gast.Call) -> Any:
    """A reduction's result: over ``axis`` (second or by keyword), ``keepdims``; any other
    keyword (``b=``, ``return_sign=``, ``dtype=``) is not followed."""
    keywords = {k.arg: k.value for k in e.keywords}
    if set(keywords) - {"axis", "keepdims", "ddof", "dtype"} or len(e.args) > 2:
        return None
    return _reduced(shape, keywords.get("axis", e.args[1] if len(e.args) > 1 else None),
                    keywords.get("keepdims"))


def _definitions(body: list) -> dict[str, list]:
    """name -> the expressions assigned to it (``for t in range(..)``: a number);
    ``stack.pop()`` restores a value defined elsewhere: no information."""
    defs: dict[str, list] = {}
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name) and not _restores(node.value):
            defs.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name) and \
                _counts(node.iter):
            defs.setdefault(node.target.id, []).append(gast.Constant(value=0, kind=None))
    return defs


def _is_none(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and e.value is None


def _restores(value: gast.expr) -> bool:
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
        value.func.attr == "pop" and not value.args


def _counts(it: gast.expr) -> bool:
    """``range(..)`` or ``reversed(range(..))``: the loop goes through ints."""
    while isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1:
        it = it.args[0]
    return isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
        it.func.id == "range"


def _whole(p: gast.Slice) -> bool:
    """``:`` (or ``::-1``, any step of -1): every element, same length."""
    step = p.step
    return p.lower is None and p.upper is None and (
        step is None or isinstance(step, gast.UnaryOp) and isinstance(step.op, gast.USub)
        and isinstance(step.operand, gast.Constant) and step.operand.value == 1)


def _same(a: Dim, b: Dim) -> bool:
    return a is not None and a == b


def known(s: Any) -> bool:
    """A shape whose every length is known (an int or a symbol)."""
    return isinstance(s, tuple) and None not in s


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
    if _same(a, b):
        return a
    if a is None or b is None:  # the other is not 1: broadcasting keeps it (or fails)
        return a if b is None and isinstance(a, str) else b if isinstance(b, str) else None
    return None


def broadcast(a: tuple, b: tuple, learned: dict | None = None) -> tuple:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(_broadcast_dim(x, y, learned) for x, y in zip(a, b))


def _broadcast_all(shapes: list, learned: dict | None = None) -> Any:
    if not all(isinstance(s, tuple) for s in shapes):
        return None
    out: tuple = ()
    for s in shapes:
        out = broadcast(out, s, learned)
    return out


def _stacked(items: tuple) -> Any:
    """``np.array([a, b])`` of values of one shape: that shape with the count in front."""
    if not items or not all(isinstance(s, tuple) for s in items):
        return None
    first = items[0]
    if not all(len(s) == len(first) and all(_same(x, y) for x, y in zip(s, first))
               for s in items):
        return None
    return (len(items),) + first


def _matmul(a: tuple, b: tuple) -> tuple | None:
    if len(a) == 2 and len(b) == 2:
        return (a[0], b[1])
    if len(a) == 2 and len(b) == 1:
        return (a[0],)
    if len(a) == 1 and len(b) == 2:
        return (b[1],)
    if len(a) == 1 and len(b) == 1:
        return ()
    return None


def _reduced(s: Any, axis: gast.expr | None, keep: gast.expr | None) -> Any:
    if not isinstance(s, tuple):
        return None
    keepdims = isinstance(keep, gast.Constant) and keep.value is True
    if keep is not None and not isinstance(keep, gast.Constant):
        return None
    if axis is None or isinstance(axis, gast.Constant) and axis.value is None:
        return (1,) * len(s) if keepdims else ()
    if isinstance(axis, gast.UnaryOp) and isinstance(axis.op, gast.USub) and \
            isinstance(axis.operand, gast.Constant):
        axis = gast.Constant(value=-axis.operand.value, kind=None)
    if not isinstance(axis, gast.Constant) or type(axis.value) is not int or \
            not -len(s) <= axis.value < len(s):
        return None
    k = axis.value % len(s)
    return s[:k] + ((1,) if keepdims else ()) + s[k + 1:]


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


def _det(args: list, e: gast.Call) -> Any:
    return args[0][:-2] if len(args[0]) >= 2 else None


def _solve(args: list, e: gast.Call) -> Any:
    if len(args) != 2:
        return None
    a, b = args
    return (a[1],) + b[1:] if isinstance(b, tuple) and len(a) == 2 and len(b) in (1, 2) \
        else None


def _transpose(args: list, e: gast.Call) -> Any:
    whole = len(args) == 1 or len(args) == 2 and _is_none(e.args[1])
    return args[0][::-1] if whole else None


def _matrix_transpose(args: list, e: gast.Call) -> Any:
    s = args[0]
    return s[:-2] + s[-1:] + s[-2:-1] if len(args) == 1 and len(s) >= 2 else None


def _outer(args: list, e: gast.Call) -> Any:
    return args[0] + args[1] if len(args) == 2 and isinstance(args[1], tuple) and \
        len(args[0]) == len(args[1]) == 1 else None


def _diag(args: list, e: gast.Call) -> Any:
    s = args[0]
    if len(args) != 1 or e.keywords or len(s) not in (1, 2):
        return None
    return (s[0], s[0]) if len(s) == 1 else (s[0] if _same(s[0], s[1]) else None,)


def _expand_dims(args: list, e: gast.Call) -> Any:
    return _expanded(args[0], e.args[1]) if len(args) == 2 else None


_SHAPE_RULES = {np.shape: lambda args, e: (len(args[0]),), len: lambda args, e: (),
                np.linalg.slogdet: _slogdet, np.linalg.det: _det, np.linalg.solve: _solve,
                np.transpose: _transpose, np.matrix_transpose: _matrix_transpose,
                np.outer: _outer, np.diag: _diag, np.expand_dims: _expand_dims}


def _join_dims(dims: list) -> Dim:
    first = dims[0] if dims else None
    return first if all(_same(d, first) for d in dims) else None


def _grown(fn: Any, args: list) -> Any:
    """A list of items of one shape after ``list_append`` (joined) or ``list_remove``."""
    if fn is runtime.list_remove:
        return args[0]
    if fn is not runtime.list_append or len(args) < 2 or args[1] is None:
        return None
    return Elements(args[1] if args[0].shape is None else _join_all([args[0].shape, args[1]]))


def _join_all(found: list) -> Any:
    if not found:
        return None
    first = found[0]
    for s in found[1:]:
        if isinstance(first, Elements) and isinstance(s, Elements):
            inner = [x.shape for x in (first, s) if x.shape is not None]
            first = Elements(_join_all(inner) if inner else None)
        elif isinstance(first, tuple) and isinstance(s, tuple) and len(first) == len(s):
            first = tuple(x if _same(x, y) else None for x, y in zip(first, s))
        elif s != first:
            return _UNKNOWN
    return first
