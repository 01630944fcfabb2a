"""Part of the late passes ``ranks`` and ``shapes``: adjoint helpers of whole calls
(builtin ``max``/``min``, ``np.linalg.norm``, ``np.einsum``) written plainly where the
shape facts prove what the generic helper would find out at run time.  The generic
helpers parse, inspect and dispatch on every call: on numbers and small arrays in a
loop that costs ten to fifty times the arithmetic.

- ``extremum_args_adjoint(g, (a, b), 0, ans)`` of numbers: ``(g if b != ans else
  0.5 * g) if a == ans else 0.0`` (the same split, 1/2 on a tie, without lists of hits
  or a call); of more numbers ``g * arg_share(a, ans, b, c)``;
- ``max_share(a, b)`` of numbers (``np.maximum``'s): ``1.0 if a > b else 0.5 if a == b
  else 0.0``;
- ``norm_partial(x, None, None)`` of a real ``x`` (the 2-norm of a vector, Frobenius of
  anything): ``x / (np.linalg.norm(x) or 1.0)`` (a zero norm is of zeros: 0 there, as
  the helper's, without a guard); over an int ``axis`` divided by the norms kept as
  dims, 1.0 where they are 0 (``or_one``: no NaN at a zero vector, so no fallback to
  the guarded derivative); the 1-norm of a vector ``np.sign(x)``;
- ``sign_adjoint(g, x, s)`` of a real ``x``: zeros (``np.sign``'s slope, off the complex
  plane);
- ``einsum_adjoint(g, 'i,ij,j->', (x, A, x), 0)`` of letters each operand has once and
  shapes known equal where letters meet: the einsum of ``g`` with the other operands
  (a matrix product ``A @ x`` where it is one: :func:`contract_plan.contraction`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims, dtypes, inexact
from s2sad.compiler.contract_plan import Operand, contraction
from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref


def _call(name: str, args: list[gast.expr]) -> gast.Call:
    return gast.Call(func=load(name), args=args, keywords=[])


def _np(path: str, args: list[gast.expr], keywords: list | None = None) -> gast.Call:
    func: gast.expr = load("np")
    for attr in path.split("."):
        func = gast.Attribute(value=func, attr=attr, ctx=gast.Load())
    return gast.Call(func=func, args=args, keywords=keywords or [])


def const_value(e: gast.expr) -> object:
    """The value of a literal (``-1`` written as a negation too); ``...`` for others."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and \
            isinstance(e.operand, gast.Constant) and type(e.operand.value) in (int, float):
        return -e.operand.value
    return e.value if isinstance(e, gast.Constant) else ...


PLAIN_CALLS = frozenset({"extremum_args_adjoint", "norm_partial", "einsum_adjoint",
                         "abs_slope", "reverse_cumsum", "max_share", "min_share",
                         "centered", "reduced_size", "std_share", "untrace", "only_real",
                         "sign_adjoint"})


def plain_call(name: str | None, node: gast.Call, facts: dims.Facts,
               real: Callable[[gast.expr], bool]) -> gast.expr | None:
    """``node`` written plainly, or None to keep the helper (``real(e)``: ``e`` is surely
    real, so a helper's real case is the case)."""
    if node.keywords:
        return None
    args = node.args
    if name is None:
        return _numpy_call(node, facts, real)
    if name in ("only_real", "sign_adjoint") and len(args) == 3 and real(args[1]):
        return _real_case(name, args, facts)
    if name == "extremum_args_adjoint" and len(args) == 4:
        return _extremum(args, facts)
    if name == "norm_partial" and len(args) in (3, 6) and real(args[0]):
        return _norm(args, facts)
    if name == "einsum_adjoint" and len(args) == 4 and real(args[0]) and \
            isinstance(args[2], gast.Tuple) and all(map(real, args[2].elts)):
        return _einsum(args, facts)
    if name in ("max_share", "min_share") and len(args) == 2 and all(
            facts.of(a) == () and real(a) for a in args):  # np.maximum of numbers
        return _share(name, *args)
    if name == "untrace" and len(args) == 5:
        return _untrace(args, facts)
    if name in ("centered", "reduced_size") or name == "std_share" and real(args[0]):
        return _spread(name, args, facts)
    if name == "abs_slope" and len(args) == 1 and real(args[0]):
        rank = facts.rank_of(args[0])
        return None if rank is None else _call("number_sign", args) if rank == 0 \
            else _np("sign", args)
    if name == "reverse_cumsum" and len(args) == 3 and const_value(args[2]) is None \
            and facts.rank_of(args[0]) == 1 and facts.rank_of(args[1]) == 1:
        return _reversed(_np("cumsum", [_reversed(args[0])]))
    return None


def _real_case(name: str, args: list[gast.expr], facts: dims.Facts) -> gast.expr | None:
    """A helper's case for a real argument: ``only_real``'s formula is the value;
    ``np.sign``'s adjoint zeros (the sign is flat off the complex plane)."""
    if name == "only_real":
        return args[0]
    rank = facts.rank_of(args[1])
    return None if rank is None else gast.Constant(value=0.0, kind=None) if rank == 0 \
        else _call("zeros_like", [args[1]])


def _share(name: str, a: gast.expr, b: gast.expr) -> gast.expr:
    """``1.0 if a > b else 0.5 if a == b else 0.0`` (``<`` for the minimum)."""
    wins = _compare(a, gast.Gt() if name == "max_share" else gast.Lt(), b)
    tie = gast.IfExp(test=_compare(a, gast.Eq(), b), body=gast.Constant(value=0.5, kind=None),
                     orelse=gast.Constant(value=0.0, kind=None))
    return gast.IfExp(test=wins, body=gast.Constant(value=1.0, kind=None), orelse=tie)


def _untrace(args: list[gast.expr], facts: dims.Facts) -> gast.expr | None:
    """The adjoint of a square matrix's trace: ``g * np.eye(n)`` (``np.eye(n)`` for 1.0)."""
    g, a, offset, axis1, axis2 = args
    shape = facts.of(a)
    if facts.of(g) != () or const_value(offset) != 0 or \
            (const_value(axis1), const_value(axis2)) != (0, 1) or \
            not dims.known(shape) or len(shape) != 2 or \
            not dims.affine.same(shape[0], shape[1]):
        return None
    eye = _np("eye", [_length(a, 0)])
    return eye if const_value(g) == 1.0 else gast.BinOp(left=g, op=gast.Mult(), right=eye)


def _spread(name: str, args: list[gast.expr], facts: dims.Facts) -> gast.expr | None:
    """The helpers of ``np.var``/``np.std``'s adjoints over all axes or one, written
    out: ``x - np.mean(x)``, ``x.shape[0]``, and std's share ``(x - np.mean(x)) /
    (n * (std or 1.0))`` (over all axes, ddof 0: a zero std is of equal values, whose
    centred values are 0: 0 there, as the helper's guard gives, without the guard)."""
    at = 2 if name == "std_share" else 1  # (std_share(x, std, axis, ddof, keepdims))
    if len(args) <= at or not isinstance(facts.of(args[0]), tuple):
        return None
    x, axis = args[0], const_value(args[at])
    rank = len(facts.of(x))
    if not (axis is None and rank or type(axis) is int and -rank <= axis < rank):
        return None
    lengths = [_length(x, k) for k in (range(rank) if axis is None else [axis])]
    size = lengths[0]
    for n in lengths[1:]:
        size = gast.BinOp(left=size, op=gast.Mult(), right=n)
    if name == "reduced_size" and len(args) == 2:
        return size
    mean = _np("mean", [x], [] if axis is None else [
        gast.keyword(arg="axis", value=args[at]),
        gast.keyword(arg="keepdims", value=gast.Constant(value=True, kind=None))])
    centred = gast.BinOp(left=x, op=gast.Sub(), right=mean)
    if name == "centered" and len(args) == 2:
        return centred
    if name != "std_share" or len(args) != 5 or axis is not None or const_value(args[3]) != 0 \
            or facts.of(args[1]) != ():
        return None
    spread = gast.BoolOp(op=gast.Or(), values=[args[1], gast.Constant(value=1.0, kind=None)])
    return gast.BinOp(left=centred, op=gast.Div(),
                      right=gast.BinOp(left=size, op=gast.Mult(), right=spread))


def _length(x: gast.expr, k: int) -> gast.expr:
    """``x.shape[k]`` (a popped ``shape_of`` has its shape too)."""
    return gast.Subscript(value=gast.Attribute(value=x, attr="shape", ctx=gast.Load()),
                          slice=gast.Constant(value=k, kind=None), ctx=gast.Load())


def _reversed(e: gast.expr) -> gast.Call:
    """``np.flip(e)`` (a view, as ``e[::-1]``, which torch has no counterpart of)."""
    return _np("flip", [e])


def _numpy_call(node: gast.Call, facts: dims.Facts,
                real: Callable[[gast.expr], bool]) -> gast.expr | None:
    """``np.reshape(e, np.shape(x))`` of an ``e`` shaped like ``x`` and ``np.ravel(v)`` of
    a vector (the adjoint of ``np.outer``), ``np.moveaxis(e, k, k)``: the array itself
    (views of it or copies no one writes); ``np.conj`` of a new real array (centred
    values)."""
    fn = evaluate_ref(node.func, facts.namespace)
    args = node.args
    if fn is np.reshape and len(args) == 2 and isinstance(args[1], gast.Call) and \
            evaluate_ref(args[1].func, facts.namespace) is np.shape and len(args[1].args) == 1:
        if dims.same(facts.of(args[0]), facts.of(args[1].args[0])):
            return args[0]
        return _sum_without_kept_axes(args[0], facts.of(args[1].args[0]), facts)
    if fn is np.ravel and len(args) == 1 and facts.rank_of(args[0]) == 1:
        return args[0]
    if fn is np.moveaxis and len(args) == 3 and not node.keywords and \
            _unmoved(const_value(args[1]), const_value(args[2]), facts.rank_of(args[0])):
        return args[0]  # (an axis moved where it is: a view of the same elements)
    if fn in (np.conj, np.conjugate) and len(args) == 1 and \
            isinstance(args[0], (gast.BinOp, gast.Call)) and real(args[0]):
        return args[0]
    if (fn is np.iscomplexobj or fn is np.isrealobj) and len(args) == 1 and real(args[0]):
        return gast.Constant(value=fn is np.isrealobj, kind=None)  # (a rule's real case)
    return None


def _unmoved(source: object, destination: object, rank: int | None) -> bool:
    """``np.moveaxis(e, k, k)`` of an axis ``k`` that ``e`` has."""
    return type(source) is int and source == destination and rank is not None and \
        -rank <= source < rank


def _sum_without_kept_axes(e: gast.expr, shape: Any, facts: dims.Facts) -> gast.expr | None:
    """``np.sum(x, axis=a)`` for ``np.reshape(np.sum(x, axis=a, keepdims=True),
    np.shape(v))`` where ``v`` has the shape of the sum without its kept axes (the
    adjoint of ``alpha[:, None]``): the same numbers, no reshape."""
    if not (isinstance(e, gast.Call) and evaluate_ref(e.func, facts.namespace) is np.sum and
            len(e.args) == 1 and {k.arg for k in e.keywords} == {"axis", "keepdims"} and
            any(k.arg == "keepdims" and isinstance(k.value, gast.Constant) and
                k.value.value is True for k in e.keywords)):
        return None
    axis = gast.Call(func=e.func, args=e.args,
                     keywords=[k for k in e.keywords if k.arg == "axis"])
    if not dims.known(shape) or not dims.same(facts.of(axis), shape):
        return None
    return axis


def _extremum(args: list[gast.expr], facts: dims.Facts) -> gast.expr | None:
    """The share of argument ``k`` of ``max(*items)`` or ``min(*items)`` of numbers."""
    g, items, k, ans = args
    index = const_value(k)
    if not isinstance(items, gast.Tuple) or len(items.elts) < 2 or type(index) is not int \
            or not 0 <= index < len(items.elts) or \
            any(facts.of(e) != () for e in (*items.elts, ans)):
        return None
    others = [e for j, e in enumerate(items.elts) if j != index]
    if len(others) == 1:  # (g if b != ans else 0.5 * g) if a == ans else 0.0: no call
        whole = gast.IfExp(test=_compare(others[0], gast.NotEq(), ans), body=g,
                           orelse=gast.BinOp(left=gast.Constant(value=0.5, kind=None),
                                             op=gast.Mult(), right=g))
        return gast.IfExp(test=_compare(items.elts[index], gast.Eq(), ans), body=whole,
                          orelse=gast.Constant(value=0.0, kind=None))
    share = _call("arg_share", [items.elts[index], ans, *others])
    return gast.BinOp(left=g, op=gast.Mult(), right=share)


def _compare(a: gast.expr, op: gast.cmpop, b: gast.expr) -> gast.Compare:
    return gast.Compare(left=a, ops=[op], comparators=[b])


def _norm(args: list[gast.expr], facts: dims.Facts) -> gast.expr | None:
    """The partials of a 2-norm (Frobenius without ``ord``), or of a vector's 1-norm."""
    x, order, axis = args[:3]
    value = args[4] if len(args) == 6 and const_value(args[5]) is False and \
        not isinstance(const_value(args[4]), type(None)) else None  # (the forward's norm)
    shape, ord_, ax = facts.of(x), const_value(order), const_value(axis)
    if not isinstance(shape, tuple) or not shape:
        return None
    if ord_ == 1 and ax is None and len(shape) == 1:
        return _np("sign", [x])
    if ord_ is None and ax is None or ord_ in (None, 2) and len(shape) == 1 and \
            ax in (None, 0, -1):
        norm = value or _np("sqrt", [gast.BinOp(left=x, op=gast.MatMult(), right=x)]) \
            if len(shape) == 1 else value or _np("linalg.norm", [x])  # (norm's own sum)
        whole = gast.BoolOp(op=gast.Or(), values=[norm, gast.Constant(value=1.0, kind=None)])
        return gast.BinOp(left=x, op=gast.Div(), right=whole)  # (0 at 0: x is 0 there)
    if ord_ in (None, 2) and type(ax) is int and -len(shape) <= ax < len(shape) and value:
        return gast.BinOp(left=x, op=gast.Div(), right=_np("expand_dims", [
            _call("or_one", [value]), axis]))  # (the forward's norms, the axis put back)
    if ord_ in (None, 2) and type(ax) is int and -len(shape) <= ax < len(shape):
        keep = [gast.keyword(arg="axis", value=axis),
                gast.keyword(arg="keepdims", value=gast.Constant(value=True, kind=None))]
        return gast.BinOp(left=x, op=gast.Div(), right=_call("or_one", [_np(
            "linalg.norm", [x], keep)]))  # (0 where the vector is 0: x is 0 there)
    return None


def _einsum(args: list[gast.expr], facts: dims.Facts) -> gast.expr | None:
    """Operand ``k``'s adjoint as one product of ``g`` and the other operands."""
    g, spec, operands, k = args
    text, index = const_value(spec), const_value(k)
    if type(text) is not str or "->" not in text or "." in text or \
            not isinstance(operands, gast.Tuple) or type(index) is not int or \
            not 0 <= index < len(operands.elts):
        return None
    ins, out = text.replace(" ", "").split("->")
    subs = ins.split(",")
    if len(subs) != len(operands.elts) or \
            not all(len(set(s)) == len(s) for s in (*subs, out)) or \
            not _consistent([*subs, out], [*operands.elts, g], facts):
        return None
    mine = subs[index]
    factors = [(out, g)] + [(s, e) for j, (s, e) in enumerate(zip(subs, operands.elts))
                            if j != index]
    numbers = [e for s, e in factors if not s and const_value(e) != 1.0]
    arrays = [(s, e) for s, e in factors if s]
    if not set(mine) <= set("".join(s for s, _ in arrays)):
        return None  # (a letter only operand k has: its adjoint is spread: the helper)
    made = _product(arrays, mine) if len(arrays) == 2 else _alone(arrays, mine, numbers) \
        if len(arrays) == 1 else None
    if made is None and len(arrays) > 1:
        made = _np("einsum", [gast.Constant(
            value=",".join(s for s, _ in arrays) + "->" + mine, kind=None),
            *[e for _, e in arrays]])
    if made is None:
        return None  # (one array: its own view; the helper copies)
    for number in numbers:
        made = gast.BinOp(left=number, op=gast.Mult(), right=made)
    return made


def _alone(arrays: list[tuple[str, gast.expr]], mine: str,
           numbers: list[gast.expr]) -> gast.expr | None:
    """One array, in ``mine``'s order or transposed, times the numbers (``1.0`` if none:
    a new array, never the operand itself)."""
    (s, e), = arrays
    if s != mine and not (len(s) == 2 and s == mine[::-1]):
        return None
    if s != mine:
        e = gast.Attribute(value=e, attr="T", ctx=gast.Load())
    if not numbers:
        numbers.append(gast.Constant(value=1.0, kind=None))
    return e


def _consistent(subs: list[str], values: list[gast.expr], facts: dims.Facts) -> bool:
    """Every value's shape known, of its letters' rank, each letter one length
    everywhere (no length 1 broadcast against another)."""
    length: dict[str, object] = {}
    for s, e in zip(subs, values):
        shape = facts.of(e)
        if not dims.known(shape) or len(shape) != len(s):
            return False
        for c, n in zip(s, shape):
            if c in length and not dims.affine.same(length[c], n):
                return False
            length.setdefault(c, n)
    return True


def _product(arrays: list[tuple[str, gast.expr]], mine: str) -> gast.expr | None:
    """Two arrays' product summed to ``mine``'s letters as ``@`` or a broadcast ``*``
    (:func:`contract_plan.contraction`), in ``mine``'s order; None: not one of those."""
    letters = list(dict.fromkeys(mine + "".join(s for s, _ in arrays)))
    ops = [Operand(e, tuple(letters.index(c) for c in s)) for s, e in arrays]
    reduced = set(range(len(mine), len(letters)))
    if not set(ops[0].labels) & set(ops[1].labels) & reduced and \
            any(op.labels != tuple(sorted(op.labels)) for op in ops):
        return None  # (a broadcast product of transposed operands: einsum)
    made = contraction(ops, reduced)
    if made is None or made[1] != tuple(range(len(mine))):
        return None
    return made[0]


class Kinds:
    """Which values are surely real or float64 (:mod:`dtypes`, from the float64 array
    and real number parameters), worked out when first asked."""

    def __init__(self, body: list, floats: frozenset, numbers: frozenset,
                 namespace: dict) -> None:
        self.body, self.floats, self.numbers, self.namespace = body, floats, numbers, namespace
        self.kinds: dict[str, str] | None = None
        self.inexact_names: set[str] | None = None

    def of(self, e: gast.expr) -> str | None:
        if self.kinds is None:
            self.kinds = dtypes.dtypes(self.body, set(self.floats), set(self.numbers),
                                       self.namespace)
        return dtypes.of(e, self.kinds, self.namespace)

    def real(self, e: gast.expr) -> bool:
        return self.of(e) in (dtypes.F64, dtypes.REAL)

    def inexact(self, e: gast.expr) -> bool:
        """Surely float or complex (:mod:`inexact`), or float64 (:mod:`dtypes`)."""
        if self.of(e) == dtypes.F64:
            return True
        if self.inexact_names is None:
            self.inexact_names = inexact.inexact_names(self.body, self.namespace)
        return inexact.is_inexact(e, self.inexact_names, self.namespace)
