"""Which values are float64, for the in-place accumulations of the ``ownership`` pass.

``acc += e`` computes ``acc + e`` into ``acc``'s array: the same numbers only when the
sum has ``acc``'s dtype.  A variant knows which of its array arguments are float64
(``call_kinds.float_arrays``), so here a value is

- ``F64``: a NumPy array or scalar of dtype float64 (``np.zeros(n)``, a float64
  argument, arithmetic with one of those), or
- ``REAL``: anything whose dtype NumPy promotes into float64 unchanged (Python ints,
  floats and bools, NumPy ints and floats of at most 64 bits; a ufunc of those);

a float64 ``acc`` plus a ``REAL`` ``e`` is float64 again.  Anything else (a complex
value, ``np.longdouble``, an argument of another dtype, a call not listed) is unknown.
Python's ``float ** float`` may be complex (``(-8.0) ** 0.5``): a power is followed only
with a float64 base or an int literal exponent.
"""
from __future__ import annotations

import types
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dtype_builds
from s2sad.compiler.dtype_kinds import F64, FLOATS, ITEMS, KEYED, NUMBERS, REAL
from s2sad.compiler.dtype_kinds import RANKED as _RANK
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_defs import counts, pop_parts, popped, pops_last
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes
from s2sad.rules.facts import solve_operands

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod,
               gast.MatMult)
_REAL_CALLS = {np.sum, np.mean, np.dot, np.matmul, np.max, np.min, np.amax, np.amin,
               np.prod, np.cumsum, np.cumprod, np.trace, np.outer, np.diff, np.sort,
               np.linalg.det,
               np.linalg.inv, np.linalg.solve, np.linalg.norm,
               np.round, np.around, runtime.inverse, runtime.sum_last, runtime.max_last,
               runtime.min_last, runtime.max_axes, runtime.min_axes, runtime.running_sum,
               runtime.running_product,
               runtime.roll_axis,
               runtime.cumprod_adjoint,  # (g times the products of a: both promote)
               np.clip, np.arange}  # real in, real out
_METHODS = {"sum": np.sum, "max": np.max, "min": np.min, "prod": np.prod}  # an array's
_AXES = {"axis", "keepdims"}  # keywords that do not change a reduction's dtype


def dtypes(body: list, floats: set[str], real: set[str], namespace: dict,
           float_numbers: frozenset = frozenset(), numbers: bool = False) -> dict[str, str]:
    """name -> F64, REAL or ITEMS, for the names every definition of which proves it
    (``floats``: float64 array parameters; ``real``: parameters that are Python or NumPy
    real numbers; ``float_numbers``: those of them that are Python floats or NumPy
    float64s, read as such only as the value ``np.full`` fills with, whose array is then
    float64: a Python float times a NumPy float32 is a float32): the largest such
    assignment (a loop's ``acc = acc + e`` keeps ``acc`` float64); ``numbers``: F64 also
    stands for a Python float, where the caller asks of numbers alone (not of what they
    make with arrays: ``0.5 * s`` of a float32 array is float32): a name bound to a float
    literal, an item of ``as_floats`` of a float64 array, ``number_as_float`` of a
    float64 (``v = 0.0`` then ``v = v + a`` of a float64 ``a``: float64 throughout)."""
    defs: dict[str, list] = {}
    unknown: set[str] = set()
    written: set[str] = set()  # names written into by an item (``d[i, j] = v``)
    pops: list = []  # (a pop of the tape restores the values pushed at its place)
    pushed: dict[int, list] = {}
    for node in statement_nodes(body):  # (only statements are looked at)
        slot = getattr(node, "s2sad_slot", None)
        if slot is not None and isinstance(node, gast.Expr):
            pushed.setdefault(slot, []).append(node.value.args[0])
        if isinstance(node, gast.Assign) and slot is not None:
            pops.append(node)
            continue
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name):
            defs.setdefault(node.targets[0].id, []).append(
                _FILLED if _filled_with(node.value, float_numbers, namespace) or
                numbers and dtype_builds.float_literal(node.value) else node.value)
        elif (bound := _bound_as(node)) is not None:
            defs.setdefault(bound[0], []).append(bound[1])
        elif isinstance(node, gast.Assign) and pops_last(node):
            pop_parts(node, defs)  # (``d[:-1]``, ``d[-1]``: a list's items or an array's)
        elif _item_write(node):  # (an array keeps its dtype: the value is cast into it)
            written.add(_item_written(node))
        elif isinstance(node, (gast.Assign, gast.AugAssign, gast.For)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            unknown |= {n.id for t in targets for n in name_nodes(t)}
    restored: dict[str, list] = {}
    for pop in pops:  # (a name only a pop binds: as what was pushed there; a name bound
        popped(pop, pushed.get(pop.s2sad_slot, []), restored)  # elsewhere too, as that)
    defs.update({name: values for name, values in restored.items() if name not in defs})
    known = {**{n: REAL for n in real}, **{n: F64 for n in floats}}
    if numbers:
        known[NUMBERS] = F64
    kinds = _swept(defs, known, unknown, namespace)
    containers = {n for n in written if n in kinds and kinds[n] not in _RANK}
    if containers:  # (a list or dict written into by an item: its items' kinds change)
        kinds = _swept(defs, known, unknown | containers, namespace)
    kinds.pop(NUMBERS, None)
    return kinds


def _swept(defs: dict[str, list], known: dict[str, str], unknown: set[str],
           namespace: dict) -> dict[str, str]:
    """The kinds the sweeps leave, from ``known`` and a first guess for the others."""
    kinds = {**known, **{n: _start(v) for n, v in defs.items()
                         if n not in known and n not in unknown}}
    _sweep(defs, known, kinds, namespace)
    return kinds


def _bound_as(node: gast.stmt) -> tuple[str, gast.expr] | None:
    """``acc += e`` as ``acc = acc + e``; a counter of ``for i in range(n)`` as an int."""
    if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
        return node.target.id, gast.BinOp(
            left=gast.Name(id=node.target.id, ctx=gast.Load(), annotation=None,
                           type_comment=None), op=node.op, right=node.value)
    if isinstance(node, gast.For) and isinstance(node.target, gast.Name) and \
            counts(node.iter):
        return node.target.id, gast.Constant(value=0, kind=None)
    return None


def _start(values: list) -> str:
    """The kind a name is taken to have before the sweeps: float64, or a list of float64
    arrays where one of its values is a list display (``hs = []``, appended to in a
    loop: the sweeps keep it only where every value is such a list)."""
    return KEYED if any(isinstance(v, gast.List) or isinstance(v, gast.Call) and
                        isinstance(v.func, gast.Name) and v.func.id in _APPEND_NAMES
                        for v in values) else F64


def _item_written(node: gast.stmt) -> str:
    return (node.targets[0] if isinstance(node, gast.Assign) else node.target).value.id


def _item_write(node: gast.stmt) -> bool:
    """``d[i] = v``, ``d[i, j] += v`` of a name ``d`` (its dtype, if an array's, stays)."""
    target = node.targets[0] if isinstance(node, gast.Assign) and len(node.targets) == 1 \
        else node.target if isinstance(node, gast.AugAssign) else None
    return isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)


def _sweep(defs: dict[str, list], known: dict[str, str], kinds: dict[str, str],
           namespace: dict) -> None:
    """Sweep the definitions in order until a sweep changes no kind.  A name's kind
    follows from the kinds of the names its values read: it is worked out again only
    when one of those changed since (the same sweeps and kinds as working out every
    name every sweep, without the names that would give what they gave)."""
    readers: dict[str, list[str]] = {}  # name -> the names whose values read it
    for name, values in defs.items():
        if name not in known and name in kinds:
            for read in {n.id for n in name_nodes(values)}:
                readers.setdefault(read, []).append(name)
    dirty = set(kinds)
    changed = True
    while changed:
        changed = False
        for name, values in defs.items():
            if name in known or name not in kinds or name not in dirty:
                continue
            dirty.discard(name)
            kind = _join([of(v, kinds, namespace) for v in values])
            if kind != kinds[name]:
                changed = True
                dirty.update(readers.get(name, ()))
                if kind is None:
                    del kinds[name]
                else:
                    kinds[name] = kind


_FILLED = gast.Constant(value=None, kind=None)  # (a float64 array np.full made, a float)


def _filled_with(e: gast.expr, float_numbers: frozenset, namespace: dict) -> bool:
    """``np.full(shape, x)`` of a float parameter ``x``: a float64 array."""
    return bool(float_numbers) and isinstance(e, gast.Call) and len(e.args) == 2 and \
        not e.keywords and isinstance(e.args[1], gast.Name) and \
        e.args[1].id in float_numbers and evaluate_ref(e.func, namespace) is np.full


def _join(found: list) -> str | None:
    if all(k == ITEMS for k in found):
        return ITEMS
    if all(k == KEYED for k in found):
        return KEYED
    if all(k == FLOATS for k in found):
        return FLOATS
    if not all(k in _RANK for k in found):
        return None
    return REAL if REAL in found else F64


def of(e: gast.expr, kinds: dict[str, str], namespace: dict) -> str | None:
    """F64, REAL, ITEMS or None (unknown) for an expression."""
    if e is _FILLED:
        return F64
    if isinstance(e, gast.Constant):
        return REAL if type(e.value) in (bool, int, float) else None
    if isinstance(e, gast.Name):
        return kinds.get(e.id)
    if isinstance(e, gast.UnaryOp):
        return of(e.operand, kinds, namespace) if isinstance(
            e.op, (gast.USub, gast.UAdd)) else None
    if isinstance(e, gast.Attribute) and e.attr == "T":
        return of(e.value, kinds, namespace)
    if isinstance(e, gast.Attribute) and e.attr in ("shape", "size", "ndim"):
        return ITEMS if e.attr == "shape" else REAL  # (ints: x.shape[0] is REAL)
    if isinstance(e, gast.Attribute):
        return _module_number(e, namespace)  # (``np.pi``: a Python float)
    if isinstance(e, (gast.BinOp, gast.Compare)):
        return _binop(e, kinds, namespace)
    if isinstance(e, (gast.Subscript, gast.Dict, gast.Tuple, gast.List)):
        return _items_kind(e, kinds, namespace)
    if isinstance(e, gast.Call):
        return _call(e, kinds, namespace)
    if isinstance(e, (gast.BoolOp, gast.IfExp)):  # (the value is one of the operands)
        picked = e.values if isinstance(e, gast.BoolOp) else [e.body, e.orelse]
        return _join([of(v, kinds, namespace) for v in picked])
    return None


def _module_number(e: gast.Attribute, namespace: dict) -> str | None:
    """REAL for a module's number read by attribute (``np.pi``, ``math.e``): a
    Python float, int or bool, as a literal would be."""
    root: gast.expr = e
    while isinstance(root, gast.Attribute):
        root = root.value
    if not (isinstance(root, gast.Name) and
            isinstance(evaluate_ref(root, namespace), types.ModuleType)):
        return None
    return REAL if type(evaluate_ref(e, namespace)) in (bool, int, float) else None


def _items_kind(e: gast.expr, kinds: dict[str, str], namespace: dict) -> str | None:
    """An item read (``x[i]``, ``params["W1"]``) or a tuple or dict display."""
    if isinstance(e, gast.Subscript):
        inner = of(e.value, kinds, namespace)
        if inner == KEYED:  # (``params["W1"]``: an item; a slice, of float64 arrays too)
            return F64 if isinstance(e.slice, gast.Constant) else \
                KEYED if isinstance(e.slice, gast.Slice) else None
        return REAL if inner == ITEMS else F64 if inner == FLOATS else \
            inner if inner in (F64, REAL) else None
    items = _display_items(e)
    if items or isinstance(e, gast.List):  # (``hs = []``: a list appended to later)
        return KEYED if all(of(v, kinds, namespace) == F64 for v in items or ()) else None
    return None


def _display_items(e: gast.expr) -> list | None:
    """The values of a tuple or list display or of a dict display without ``**``
    unpacking."""
    if isinstance(e, (gast.Tuple, gast.List)):
        return e.elts
    if isinstance(e, gast.Dict) and None not in e.keys:
        return e.values
    return None


def _binop(e: gast.BinOp | gast.Compare, kinds: dict[str, str], namespace: dict
           ) -> str | None:
    if isinstance(e, gast.Compare):  # (bools, of real values: a mask sums to ints)
        return REAL if all(of(v, kinds, namespace) in _RANK
                           for v in (e.left, *e.comparators)) else None
    a, b = of(e.left, kinds, namespace), of(e.right, kinds, namespace)
    if a not in _RANK or b not in _RANK:
        return None
    if isinstance(e.op, gast.Pow) and a != F64 and not (
            isinstance(e.right, gast.Constant) and type(e.right.value) is int):
        return None  # (-8.0) ** 0.5 of Python floats is complex
    if not isinstance(e.op, (*_ARITHMETIC, gast.Pow)):
        return None
    return F64 if F64 in (a, b) else REAL


def _callee(e: gast.Call, kinds: dict[str, str], namespace: dict) -> tuple[Any, list]:
    """The function a call applies and the kinds of its arguments; ``dx.sum(axis=0)``
    (the ``methods`` pass's ``np.sum(dx, axis=0)``) as ``np.sum`` of ``dx``."""
    fn = evaluate_ref(e.func, namespace)
    args = [of(a, kinds, namespace) for a in e.args]
    if e.func.__class__ is gast.Attribute and e.func.attr in _METHODS and isinstance(fn, str):
        return _METHODS[e.func.attr], [of(e.func.value, kinds, namespace)] + args
    return fn, args


def _call(e: gast.Call, kinds: dict[str, str], namespace: dict) -> str | None:
    fn, args = _callee(e, kinds, namespace)
    try:
        built = dtype_builds.built(fn, e, args, kinds, namespace)
        if built is not None:
            return built
        if fn in (runtime.as_floats, runtime.number_as_float, float, abs):
            return _as_floats(fn, args, kinds)
        operands = solve_operands(fn)
        if operands is not None and len(args) >= operands:
            return _promoted(args[:operands])
        if fn is np.shape and len(e.args) == 1 and not e.keywords:
            return ITEMS  # a tuple of ints
        if (fn in (runtime.unbroadcast, runtime.repeat_to, runtime.or_one, runtime.sum_axes,
                   runtime.reverse_cumsum) or fn in _MOVES) and e.args:
            return args[0] if args[0] in _RANK else None  # (summed, spread, moved: its dtype)
        if fn is runtime.add_at or fn in _WRITES:
            return _written(fn, e, args)
        if fn is runtime.reduced_size or fn in (len, np.ndim, np.size) and \
                len(e.args) == 1 and not e.keywords:
            return REAL
        keywords = {k.arg for k in e.keywords}
        if fn in _REAL_CALLS and keywords <= _AXES and all(
                of(k.value, kinds, namespace) in _RANK or isinstance(k.value, gast.Tuple)
                for k in e.keywords if k.arg == "axis"):
            keywords = set()  # (an axis, keepdims: the dtype stays)
        real = bool(args) and all(a in _RANK for a in args) and not keywords
        if real and F64 in args and (fn in _REAL_CALLS or fn in _LIKE or (
                isinstance(fn, np.ufunc) or fn == np.multiply.outer) and _float_loop(fn, args)):
            return F64  # a float64 operand: float64 out (a ufunc's float64 loop)
        if real and (isinstance(fn, np.ufunc) and fn.nin == len(args) or
                     fn in _REAL_CALLS or getattr(fn, "__module__", None) == "math"):
            return REAL
    except TypeError:  # an unhashable callable
        return None
    return None


def _promoted(args: list) -> str | None:
    """The dtype of a solve of real operands of ``args``' kinds: float64 with one."""
    if not all(a in _RANK for a in args):
        return None
    return F64 if F64 in args else REAL


def _as_floats(fn: object, args: list, kinds: dict[str, str]) -> str | None:
    """``as_floats(x)``: ITEMS (a shape's ints as they are), or FLOATS of a float64 array
    asked with ``numbers``; ``number_as_float`` of a float64: F64 then; ``float(a)`` of
    a real number a Python float (REAL; F64 with ``numbers``), ``abs(a)`` of ``a``'s."""
    numbers = NUMBERS in kinds and args == [F64]
    if fn is abs:
        return args[0] if len(args) == 1 and args[0] in _RANK else None
    if fn is float:
        return (F64 if numbers else REAL) if len(args) == 1 and args[0] in _RANK else None
    if fn is runtime.number_as_float:
        return F64 if numbers else None
    return FLOATS if numbers else ITEMS if args in ([F64], [ITEMS]) else None


_APPEND_NAMES = {"list_append", "list_append_owned"}
# the first argument's elements moved (the others: axes and shapes)
_MOVES = {np.transpose, np.swapaxes, np.moveaxis, np.reshape, np.expand_dims,
          runtime.take_rows, runtime.take_flat, np.take_along_axis, runtime.reshape_method,
          runtime.transpose_method,  # (``x.reshape(B, h, 2, w, 2)``: x's elements moved)
          np.diag, np.diagonal, np.tril, np.triu}  # (a diagonal, a triangle: zeros around it)
# writes (in place or into a copy): the array written, the index, the value
_WRITES = {runtime.setitem, runtime.write_at, runtime.scatter_add, runtime.scatter_subtract}
_LIKE = {np.zeros_like, np.ones_like, np.copy, np.transpose, runtime.zeros_like,
         np.pad, np.asarray, runtime.copy_value}  # (``np.pad(x, p)``: zeros of x's dtype around it)


def _written(fn: object, e: gast.Call, args: list) -> str | None:
    """An array written: ``add_at`` adds in place (a complex value's real part), so a
    float64 array (or the zeros it makes like a float64 one) stays float64; ``setitem``
    of a real value into a float64 array is float64, and so is ``scatter_add`` of one
    into a copy of it (of their common dtype)."""
    if fn is runtime.add_at:
        return F64 if len(args) == 4 and (
            args[0] == F64 or _none(e.args[0]) and args[1] == F64) else None
    return F64 if len(args) == 3 and args[0] == F64 and args[-1] in _RANK else None


def _none(e: gast.expr) -> bool:
    """``None``: no adjoint yet (``add_at`` makes zeros like its second argument)."""
    return isinstance(e, gast.Constant) and e.value is None


def _float_loop(fn: object, args: list) -> bool:
    """A ufunc (or its ``outer``) whose loop for float64 operands gives float64
    (``np.exp``, ``np.add``; not ``np.isnan`` nor ``np.greater``)."""
    ufunc = getattr(fn, "__self__", fn)
    return isinstance(ufunc, np.ufunc) and ufunc.nin == len(args) and \
        "d" * ufunc.nin + "->d" in ufunc.types


def promotes_into_float64(acc: str, e: gast.expr, kinds: dict[str, str],
                          namespace: dict) -> bool:
    """``acc`` is float64 and ``acc`` with ``e`` is float64 again."""
    return kinds.get(acc) == F64 and of(e, kinds, namespace) in _RANK

