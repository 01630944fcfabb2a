"""Stage 3 helper: arithmetic between a list (or tuple) and a NumPy value.

In Python ``[a, b] + [c]`` joins and ``[a] * 3`` repeats, but when the other operand is
a NumPy array or scalar NumPy reads the list as an array: ``y + x`` of an array ``y``
and a list ``x`` adds elementwise, and so do ``x * y``, ``x - y`` and ``x / y`` (a list
has no ``-`` or ``/`` of its own: only an array on the other side runs).  Such an
operand is read as ``np.asarray(x)``, whose rules give a list argument its gradient as a
list and take its tangent as an array; read as a join or a repetition, the derivative
of ``x * y`` missed ``y``'s part and that of ``y + x`` had twice the items.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler.array_names import _ARRAY_MAKERS
from s2sad.compiler.names import load
from s2sad.compiler.sequences import is_sequence_operand
from s2sad.compiler.user_code import own_nodes

# methods of an array whose result is an array or a NumPy scalar
_ARRAY_METHODS = frozenset({
    "copy", "sum", "mean", "prod", "max", "min", "reshape", "ravel", "flatten",
    "transpose", "dot", "astype", "cumsum", "cumprod", "clip", "squeeze", "conj", "std",
    "var", "round", "swapaxes"})


def with_sequence(norm: Any, node: gast.BinOp, lists: list[bool]) -> gast.expr | None:
    """``node`` with a list or tuple operand (``lists``) normalized: the join
    ``list_concat``, the repetition ``list_repeat`` (``[0.0] * n``, ``n * [0.0]``), or
    elementwise arithmetic of the list as an array; None when no operand is one."""
    if elementwise(norm, node, lists):  # y + x of an array and a list
        left, right = (as_array(norm, n) if lst else norm.atom(n)
                       for n, lst in zip((node.left, node.right), lists))
        return gast.BinOp(left=left, op=node.op, right=right)
    if any(lists) and isinstance(node.op, gast.Add):  # ys + [v], t + (v,): concatenation
        return gast.Call(func=load("list_concat"), args=[
            norm.atom(node.left), norm.atom(node.right)], keywords=[])
    if isinstance(node.op, gast.Mult) and (lists[0] or lists[1] and _count(norm, node.left)):
        left, right = norm.atom(node.left), norm.atom(node.right)  # [0.0] * n, 2 * [v]
        return gast.Call(func=load("list_repeat"), args=[left, right] if lists[0] else
                         [right, left], keywords=[])
    return None


def _count(norm: Any, node: gast.expr) -> bool:
    """``node`` surely an int (``2``, ``len(xs)``, sums and products of those): its
    product with a list repeats the list."""
    if isinstance(node, gast.Constant):
        return type(node.value) is int
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Mult, gast.Sub)):
        return _count(norm, node.left) and _count(norm, node.right)
    return isinstance(node, gast.Call) and norm.resolve(node.func) is len


def elementwise(norm: Any, node: gast.BinOp, lists: list[bool]) -> bool:
    """Is ``node``, one of whose operands is a list or tuple (``lists``), arithmetic of
    arrays: an operator lists lack, or ``+`` / ``*`` with a NumPy value on one side?"""
    if not any(lists) or all(lists):
        return False
    if not isinstance(node.op, (gast.Add, gast.Mult)):
        return True
    other = node.right if lists[0] else node.left
    return numpy_value(norm, other)


def numpy_value(norm: Any, node: gast.expr) -> bool:
    """``node`` surely evaluates to a NumPy array or scalar (not a list or tuple)."""
    names = getattr(norm, "numpy_names", None)
    if names is None:
        names = norm.numpy_names = _numpy_names(norm)
    return _is_numpy(norm, node, names)


def _numpy_names(norm: Any) -> set[str]:
    """The names all of whose bindings are NumPy values (dropped until none changes):
    the parameters given arrays at this call, and locals bound only by assignments of
    NumPy values (a NumPy call, arithmetic with one, an item of one)."""
    stores: dict[str, list] = {}
    plain: set[int] = set()  # the name nodes the assignments read here bind
    for n in own_nodes(norm.src.node):
        if isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], gast.Name):
            stores.setdefault(n.targets[0].id, []).append(n.value)
            plain.add(id(n.targets[0]))
        elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
            plain.add(id(n.target))
            stores.setdefault(n.target.id, []).append(n.value if isinstance(
                n.op, (gast.Add, gast.Mult)) else gast.Name(id=n.target.id, ctx=gast.Load(),
                                                            annotation=None,
                                                            type_comment=None))
    for n in own_nodes(norm.src.node):  # bound some other way: a loop, unpacking, with
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) and \
                id(n) not in plain:
            stores.setdefault(n.id, []).append(None)
    for a in norm.src.node.args.args + norm.src.node.args.kwonlyargs:
        stores.setdefault(a.id, []).append(None)
    names = {n for n in stores if n not in norm.sequences}
    changed = True
    while changed:
        kept = {n for n in names if all(
            v is not None and _is_numpy(norm, v, names) for v in stores[n])}
        changed, names = kept != names, kept
    return names | set(getattr(norm, "array_params", ()))


def _is_numpy(norm: Any, value: gast.expr, names: set[str]) -> bool:
    if isinstance(value, gast.Name):
        return value.id in names or value.id in getattr(norm, "array_params", ())
    if isinstance(value, gast.BinOp):  # (an array on either side makes an array)
        return _is_numpy(norm, value.left, names) or _is_numpy(norm, value.right, names)
    if isinstance(value, gast.UnaryOp):
        return _is_numpy(norm, value.operand, names)
    if isinstance(value, gast.Subscript):
        return _is_numpy(norm, value.value, names)
    if isinstance(value, gast.Attribute) and value.attr in ("T", "real", "imag"):
        return _is_numpy(norm, value.value, names)
    if isinstance(value, gast.IfExp):
        return _is_numpy(norm, value.body, names) and _is_numpy(norm, value.orelse, names)
    if not isinstance(value, gast.Call):
        return False
    if isinstance(value.func, gast.Attribute) and value.func.attr in _ARRAY_METHODS and \
            _is_numpy(norm, value.func.value, names):
        return True
    fn = norm.resolve(value.func)
    return isinstance(fn, np.ufunc) or fn in _ARRAY_MAKERS or fn in _NUMPY_RESULTS


_NUMPY_RESULTS = frozenset({
    np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.std, np.var, np.trace,
    np.exp, np.tanh, np.reshape, np.ravel, np.transpose, np.where, np.inner, np.einsum,
    np.asarray, np.atleast_1d, np.squeeze, np.expand_dims})


def ufunc_operands(norm: Any, fn: Any, given: list, args: list) -> list:
    """The normalized operands ``args`` of a call of ``fn`` (``given``: as written); of a
    ufunc, a list or tuple among them read as ``np.asarray`` of it, as NumPy reads it
    (``np.cos(xs)``: the rules' arithmetic on the operand, ``-dx * np.sin(x)``, is an
    array's)."""
    if not isinstance(fn, np.ufunc) or len(given) != len(args) or any(
            isinstance(a, gast.Starred) for a in given):
        return args
    return [_of_atom(norm, a) if is_sequence_operand(norm, g) else a
            for g, a in zip(given, args)]


def _of_atom(norm: Any, atom: gast.expr) -> gast.expr:
    return norm.temp(gast.Call(func=norm.ref(np.asarray), args=[atom], keywords=[]),
                     "asarray")


def as_array(norm: Any, operand: gast.expr) -> gast.expr:
    """``np.asarray(operand)``, normalized (a list operand of elementwise arithmetic)."""
    return norm.temp(gast.Call(func=norm.ref(np.asarray), args=[norm.atom(operand)],
                               keywords=[]), "asarray")
