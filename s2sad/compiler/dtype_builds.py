"""Part of :mod:`dtypes`: the dtype of an array made from values (``np.zeros(n)``,
``np.array`` of a display, ``np.full``, joins and appends of lists, ``min``/``max`` of
numbers, ``astype``, ``np.meshgrid``, ``np.einsum``, a recursive call's cotangents, the
factors of a float64 matrix)."""
from __future__ import annotations

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dtypes
from s2sad.compiler.dtype_kinds import F64, ITEMS, KEYED, RANKED, REAL
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.recursive_results import active_flags
from s2sad.rules.facts import factors_keywords, shape_kind

_CONSTRUCTED = {np.zeros, np.ones, np.empty, np.eye, np.identity}  # float64 without a dtype
_JOINS = {np.concatenate, np.stack, np.vstack, np.hstack, np.column_stack}
_APPENDS = {runtime.list_append, runtime.list_append_owned}


def built(fn: object, e: gast.Call, args: list, kinds: dict[str, str],
          namespace: dict) -> str | None:
    """Arrays made from values: ``np.zeros(n)``; ``np.array([a, b])`` of float64 values
    (of Python ints it would be int64); ``min``/``max`` of numbers (one of them); a
    recursive call's cotangents (cast like its arguments)."""
    if fn in _CONSTRUCTED and len(e.args) == 1 and not e.keywords or fn is runtime.clip_mask:
        return F64  # (a clip's mask: its comparisons as float64 ones and zeros)
    if shape_kind(fn) == "cotangents":
        return _cotangents(e, args)
    if fn is np.full and len(args) == 2 and not e.keywords and args[1] in RANKED:
        return F64 if args[1] == F64 or isinstance(e.args[1], gast.Constant) and \
            type(e.args[1].value) is float else REAL  # (the fill value's dtype)
    if fn is np.array and len(e.args) == 1 and not e.keywords and \
            isinstance(e.args[0], (gast.List, gast.Tuple)) and e.args[0].elts:
        leaves = _leaves(e.args[0])
        floats = [x for x in leaves if dtypes.of(x, kinds, namespace) == F64 or float_literal(x)]
        if floats and all(dtypes.of(x, kinds, namespace) in RANKED for x in leaves):
            return F64  # (``np.array([[12.0, a], [a, 4.0]])``: a Python float makes float64)
    if fn in _PICKED:
        return _PICKED[fn](e, args)
    if fn in _APPENDS or fn in _JOINS or factors_keywords(fn) is not None:
        return _listed(fn, e, args, kinds, namespace)
    if fn in (min, max) and len(args) >= 2 and not e.keywords and all(a in RANKED for a in args):
        return F64 if all(a == F64 for a in args) else REAL
    if fn is runtime.astype and len(e.args) == 2 and not e.keywords and args[0] in RANKED:
        return REAL if _real_dtype(e.args[1], namespace) else None  # (x.astype(int))
    if fn is np.meshgrid and args and all(a in RANKED for a in args) and \
            {k.arg for k in e.keywords} <= {"indexing"}:
        return ITEMS  # (grids of the vectors' values: real items)
    if fn is np.einsum and len(args) > 1 and isinstance(e.args[0], gast.Constant) and \
            isinstance(e.args[0].value, str) and not e.keywords and \
            all(a in RANKED for a in args[1:]):
        return F64 if F64 in args[1:] else REAL  # (the operands' type: real stays real)
    return None


def _where(e: gast.Call, args: list) -> str | None:
    """``np.where(mask, a, b)``: the values' dtype, whatever the mask."""
    if len(args) == 3 and not e.keywords and all(a in RANKED for a in args[1:]):
        return F64 if F64 in args[1:] else REAL
    return None


def _unsorted(e: gast.Call, args: list) -> str | None:
    """A sort's adjoint put back (``np.result_type(g, float)``): float64 of a real one."""
    return F64 if args and args[0] in RANKED else None


def _share(e: gast.Call, args: list) -> str | None:
    """Shares of 1, 1/2 and 0 (a bool mask or a float64 array)."""
    return REAL if args and all(a in RANKED for a in args) else None


# values placed or chosen: their dtype follows from the arguments' alone
_PICKED = {np.where: _where, runtime.unsort: _unsorted, runtime.max_share: _share,
           runtime.min_share: _share}


def _listed(fn: object, e: gast.Call, args: list, kinds: dict[str, str],
            namespace: dict) -> str | None:
    """A list appended to (``list_append_owned(hs, h)``: a list of float64 arrays where
    ``hs`` is one and ``h`` float64), arrays joined from a list of them or from a
    display (their common dtype), and the tuple of factors of a float64 matrix
    (``np.linalg.svd``'s: float64 arrays)."""
    factors = factors_keywords(fn)
    if factors is not None:
        return KEYED if args == [F64] and {k.arg for k in e.keywords} <= factors else None
    if fn in _APPENDS:
        return KEYED if args == [KEYED, F64] and not e.keywords else None
    if len(args) != 1 or not {k.arg for k in e.keywords} <= {"axis"}:
        return None
    if args[0] == KEYED and isinstance(e.args[0], gast.Name):
        return F64  # (``np.stack(hs)`` of a list built of float64 arrays)
    if isinstance(e.args[0], (gast.Tuple, gast.List)) and e.args[0].elts:
        parts = [dtypes.of(x, kinds, namespace) for x in e.args[0].elts]
        return (F64 if F64 in parts else REAL) if all(p in RANKED for p in parts) else None
    return None


def _leaves(display: gast.expr) -> list:
    """The values of a nested list (or tuple) display, ``[[a, b], [c, d]]``."""
    if isinstance(display, (gast.List, gast.Tuple)):
        return [leaf for x in display.elts for leaf in _leaves(x)]
    return [display]


def _real_dtype(e: gast.expr, namespace: dict) -> bool:
    """A dtype of real numbers of at most 64 bits (``int``, ``float``, ``np.int32``)."""
    try:
        dtype = np.dtype(evaluate_ref(e, namespace))
    except TypeError:  # (not a dtype known here)
        return False
    return dtype.kind in "biuf" and dtype.itemsize <= 8


def float_literal(e: gast.expr) -> bool:
    """A Python float written in the code (``-9.8`` too)."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
        e = e.operand
    return isinstance(e, gast.Constant) and type(e.value) is float


def _cotangents(e: gast.Call, args: list) -> str | None:
    """A recursive call's cotangents (shape kind ``"cotangents"``: each cast like its
    argument): KEYED, each item read float64, where every argument flagged active is."""
    flags = active_flags(e, len(args) - 2)
    active = [a for a, on in zip(args[2:], flags or ()) if on]
    return KEYED if active and all(a == F64 for a in active) else None
