"""Which names surely hold NumPy arrays of an integer or bool dtype, for the activity
stage: Python rounds what it stores in one (``y = np.zeros(3, dtype=int); y[0] = 2.7 * a``
stores 2, as do ``np.array([a, b], dtype=int)`` and ``np.full(n, a, dtype=bool)``), a step
function of the value, so no derivative flows into such an array: it is never active.

Proved from how every definition of the name makes it (SSA form: a loop-carried name has
one definition per path): a NumPy call given an integer or bool ``dtype`` (a constructor,
or a reduction computing in ints: ``np.sum(x, dtype=int)``); ``np.array`` of a display of
int constants (``np.array([1, 2, 3])``), ``np.full`` of one (``np.full(3, 2)``);
``np.arange`` of ints (literals, ``len(x)``, sums of those); and a write (``setitem``),
copy or ``zeros_like`` of such an array, which keeps its dtype; a parameter the call
gives an integer or bool array (``Known.integers``; never a differentiated one: refused at
the call).  Anything else (a library result) is not known, and stays as it was.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.function_scan import assignments
from s2sad.compiler.primitives import evaluate_ref

# constructors that take the result's dtype as a positional argument too (its position)
_DTYPE_AT = {np.zeros: 1, np.ones: 1, np.empty: 1, np.full: 2, np.zeros_like: 1,
             np.ones_like: 1, np.empty_like: 1, np.full_like: 2, np.array: 1, np.asarray: 1,
             np.arange: 3, np.eye: 3, np.identity: 1}
# the result has its first argument's dtype (writes, copies, and ``*_like`` without dtype)
_KEEPS_FIRST = {runtime.setitem, runtime.write_at, runtime.copy_value, np.copy,
                np.zeros_like, np.ones_like, np.empty_like, np.full_like}


def integer_arrays(node: gast.FunctionDef, namespace: dict[str, Any],
                   given: frozenset[str] = frozenset()) -> set[str]:
    """The names every definition of which makes an integer or bool array (the largest
    such set: a loop's ``y = setitem(y, i, v)`` keeps ``y`` one); ``given``: parameters
    the call passes integer or bool arrays (``np.zeros_like(k)`` of one is one too)."""
    defs: dict[str, list[gast.expr]] = {}
    for s in assignments(node):
        defs.setdefault(s.targets[0].id, []).append(s.value)
    int_lists = {n for n, values in defs.items() if all(map(_int_display, values))}
    ints = _largest(defs, lambda v, found: _int_number(v, found, namespace))
    return _largest(defs, lambda v, found: _integer(v, found, int_lists, ints, namespace),
                    given)


def _largest(defs: dict[str, list[gast.expr]], proves: Any,
             given: frozenset[str] = frozenset()) -> set[str]:
    """The largest set of names every definition of which ``proves(value, set)``
    (``given``: names known without a definition here, the parameters)."""
    found = set(defs) | (given - set(defs))
    changed = True
    while changed:
        changed = False
        for name in sorted(found & set(defs)):
            if not all(proves(v, found) for v in defs[name]):
                found.discard(name)
                changed = True
    return found


def _int_number(v: gast.expr, found: set[str], namespace: dict) -> bool:
    """A Python int: a literal, ``len(...)``, a sum, difference, product or floor quotient
    of those (``n = len(x) - 1``)."""
    if isinstance(v, gast.Constant):
        return type(v.value) is int
    if isinstance(v, gast.Name):
        return v.id in found
    if isinstance(v, gast.BinOp) and isinstance(v.op, (gast.Add, gast.Sub, gast.Mult,
                                                       gast.FloorDiv)):
        return _int_number(v.left, found, namespace) and _int_number(v.right, found, namespace)
    return isinstance(v, gast.Call) and evaluate_ref(v.func, namespace) is len


def _int_display(v: gast.expr) -> bool:
    return isinstance(v, (gast.List, gast.Tuple)) and bool(v.elts) and all(
        isinstance(e, gast.Constant) and type(e.value) in (int, bool) for e in v.elts)


def _integer(v: gast.expr, found: set[str], int_lists: set[str], ints: set[str],
             namespace: dict) -> bool:
    if isinstance(v, gast.Name):
        return v.id in found
    if not isinstance(v, gast.Call):
        return False
    try:
        fn = evaluate_ref(v.func, namespace)
        hash(fn)
    except (TypeError, KeyError, AttributeError):
        return False  # (an unhashable callable: none of the functions here)
    dtype = next((k.value for k in v.keywords if k.arg == "dtype"), None)
    at = _DTYPE_AT.get(fn)
    if dtype is None and at is not None and len(v.args) > at:
        dtype = v.args[at]
    if dtype is not None:  # (np.sum(x, dtype=int) too: a NumPy function computing in ints)
        return _numpy(fn) and _integer_dtype(dtype, namespace)
    first = v.args[0] if v.args else None
    if fn in (runtime.astype, np.astype) and len(v.args) > 1:
        return _integer_dtype(v.args[1], namespace)
    if fn in _KEEPS_FIRST:
        return isinstance(first, gast.Name) and first.id in found
    if fn in (np.array, np.asarray):
        return isinstance(first, gast.Name) and first.id in int_lists
    if fn is np.full and len(v.args) > 1:  # np.full(3, 2): the fill value's int dtype
        fill = v.args[1]
        return isinstance(fill, gast.Constant) and type(fill.value) in (int, bool)
    return fn is np.arange and bool(v.args) and all(
        isinstance(a, gast.Constant) and type(a.value) is int or
        isinstance(a, gast.Name) and a.id in ints for a in v.args)


def _numpy(fn: Any) -> bool:
    module = getattr(fn, "__module__", None) or type(fn).__module__ or ""
    return module.split(".")[0] in ("numpy", "scipy")


def _integer_dtype(e: gast.expr, namespace: dict) -> bool:
    """``int``, ``bool``, ``np.int32``, ``"uint8"``: a dtype that rounds what it stores."""
    try:
        value = e.value if isinstance(e, gast.Constant) else evaluate_ref(e, namespace)
        dtype = np.dtype(value)
    except (TypeError, KeyError, AttributeError, ValueError):
        return False
    return bool(np.issubdtype(dtype, np.integer) or dtype == np.bool_)
