"""Part of stage 3c (aliases), for :mod:`views` and the alias stages: how each name is
bound (the assignments binding it, not the writes into it; parameters and the targets
of ``for`` and ``with``, which may hold anything), and which names surely hold an
ndarray or a NumPy scalar (slices, what NumPy functions that never return a number
make, arithmetic of those)."""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes, walk_statements
from s2sad.compiler.walks import nodes


def bindings(node: gast.FunctionDef, namespace: dict) -> dict[str, int]:
    """name -> how many statements bind it (not writes into it; a parameter, or a name a
    ``for`` or ``with`` binds, counts as bound once more)."""
    out = {name: len(assigned) for name, assigned in _stores(node, namespace).items()}
    for name in _bound_otherwise(node):
        out[name] = out.get(name, 0) + 1
    return out


def bound_values(node: gast.FunctionDef, namespace: dict,
                 stores: dict[str, list] | None = None) -> dict[str, list]:
    """name -> the values its bindings give it (None for an item of an unpacking)."""
    stores = _stores(node, namespace) if stores is None else stores
    return {name: [s.value if isinstance(s.targets[0], gast.Name) else None
                   for s in assigned] for name, assigned in stores.items()}


def assignments(node: gast.FunctionDef, namespace: dict) -> dict[str, list]:
    """:func:`_stores`, for a caller asking several questions of one unchanged node."""
    return _stores(node, namespace)


def _stores(node: gast.FunctionDef, namespace: dict) -> dict[str, list]:
    """name -> the assignments binding it (not the writes into it)."""
    stores: dict[str, list] = {}
    for n in walk_statements(node):  # (walk's order: statements only are looked at)
        if isinstance(n, gast.Assign) and not _updates_itself(n, namespace):
            for t in n.targets:
                for name in nodes(t):
                    if isinstance(name, gast.Name):
                        stores.setdefault(name.id, []).append(n)
    return stores


def surely_arrays(node: gast.FunctionDef, namespace: dict,
                  stores: dict[str, list] | None = None) -> tuple[set[str], set[str]]:
    """Names that hold an ndarray or, where NumPy gives one for numbers, a NumPy scalar
    (see :func:`_surely_arrays`); and of those the ones surely an ndarray, written in
    place by ``+=``: slices (``w = v[1:]``; of a scalar, the slice raises) and what a
    NumPy function that never returns a scalar makes (``v = np.array(out)``), names
    written by item (``r[0] = v``: a number would raise) and names bound to those."""
    stores = _stores(node, namespace) if stores is None else stores
    arrays = _surely_arrays(stores, namespace, _bound_otherwise(node))
    indexed = {s.targets[0].id for s in walk_statements(node) if isinstance(s, gast.Assign) and
               getattr(s, "s2sad_item_write", False) and isinstance(s.targets[0], gast.Name)}
    ndarrays = {n for n in arrays if n in indexed or all(  # (a number takes no r[0] = v)
        isinstance(s.value, gast.Subscript) or isinstance(s.value, gast.Call) and
        _never_scalar(s.value, namespace) for s in stores[n])}
    while True:  # (c = r of such an r, or its copy)
        more = {n for n in arrays - ndarrays if all(
            isinstance(s.value, gast.Name) and s.value.id in ndarrays or
            _copy_of(s.value, ndarrays, namespace) for s in stores[n])}
        if not more:
            return arrays, ndarrays
        ndarrays |= more


def zero_dim_arrays(node: gast.FunctionDef, ndarrays: set[str]) -> set[str]:
    """The names that may hold an ndarray of rank 0 (``q = np.where(c, a, b)`` of numbers,
    and ``z = q``): objects, not numbers, for this stage: ``q += 1.0`` writes the array
    ``z`` names too."""
    copies = [(s.targets[0].id, s.value.id) for s in statement_nodes(node)
              if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and
              isinstance(s.value, gast.Name)]
    held = set(ndarrays)
    while True:
        more = {a for a, b in copies if b in held} - held
        if not more:
            return held
        held |= more


def _never_scalar(value: gast.Call, namespace: dict) -> bool:
    fn = evaluate_ref(value.func, namespace)
    try:
        return fn in _NDARRAY_MAKERS or fn is np.where and len(value.args) == 3
    except TypeError:  # (an unhashable callable)
        return False


def _surely_arrays(stores: dict[str, list], namespace: dict, other: set[str]) -> set[str]:
    """Names every binding of which makes an ndarray (or, for numbers, a number: never
    a list, whose slice would be a copy): a NumPy function that always returns one,
    arithmetic of one, such a name (``c = where``: a helper's result), a slice of one
    (``w = v[1:]``) or an item of a tuple of such names (``u, v = v, u``).  The greatest
    fixpoint: names bound from each other (a swap) are arrays when every value that
    comes into the cycle is one."""
    arrays = {name for name in stores if name not in other}
    changed = True
    while changed:
        changed = False
        for name in sorted(arrays):
            if not all(_array_binding(s, arrays, stores, namespace) for s in stores[name]):
                arrays.discard(name)
                changed = True
    return arrays


def _array_binding(s: gast.Assign, arrays: set[str], stores: dict[str, list],
                   namespace: dict) -> bool:
    """Does the binding ``s`` surely give its name an ndarray, the names of ``arrays``
    taken for arrays?"""
    value = s.value
    if not isinstance(s.targets[0], gast.Name):  # (unpacked from one)
        return False
    if _makes_array(value, namespace) or _arithmetic(value, arrays) or \
            isinstance(value, gast.Name) and value.id in arrays or _copy_of(value, arrays,
                                                                         namespace):
        return True
    if not isinstance(value, gast.Subscript) or not isinstance(value.value, gast.Name):
        return False
    base = value.value.id
    if base in arrays and _slices_only(value.slice) or _array_index(value.slice):
        return True
    index = value.slice  # t[k] of t = (u, v), every binding of t such a tuple
    return isinstance(index, gast.Constant) and type(index.value) is int and \
        base in stores and all(
            isinstance(t.value, gast.Tuple) and -len(t.value.elts) <= index.value <
            len(t.value.elts) and isinstance(t.value.elts[index.value], gast.Name) and
            t.value.elts[index.value].id in arrays for t in stores[base])


def _array_index(index: gast.expr) -> bool:
    """An index only an array takes: a tuple holding a slice, ``...`` or ``None``
    (``A[:, j]``; a list or tuple raises, a dict's key a slice is not hashable)."""
    return isinstance(index, gast.Tuple) and any(
        isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and
        (p.value is Ellipsis or p.value is None) for p in index.elts)


def _copy_of(value: gast.expr, names: set[str], namespace: dict) -> bool:
    """``v.copy()`` (``copy_value(v)``) of a name of ``names``: the same kind of object."""
    return isinstance(value, gast.Call) and len(value.args) == 1 and \
        isinstance(value.args[0], gast.Name) and value.args[0].id in names and \
        evaluate_ref(value.func, namespace) is runtime.copy_value


# NumPy functions whose result is always an ndarray, never a scalar (np.where of one
# argument, a tuple, is not among them); and with those that give a number for numbers
# (ufuncs too), an ndarray or a number: a slice of it is a view whatever its rank
_NDARRAY_MAKERS: frozenset[Any] = frozenset({
    np.array, np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
    np.empty_like, np.full_like, np.arange, np.linspace, np.concatenate, np.stack,
    np.vstack, np.hstack, np.column_stack, np.outer, np.cumsum, np.cumprod, np.copy,
    np.sort, np.diff, np.tile, np.repeat, np.roll, np.eye, np.diag, np.convolve,
    np.correlate})


_ARRAY_MAKERS: frozenset[Any] = _NDARRAY_MAKERS | {np.asarray, np.dot, np.matmul, np.clip,
                                                   np.flip}


def _makes_array(value: gast.expr | None, namespace: dict) -> bool:
    if not isinstance(value, gast.Call) or any(isinstance(a, gast.Starred) for a in value.args):
        return False
    fn = evaluate_ref(value.func, namespace)
    if fn is np.where:
        return len(value.args) == 3
    try:
        return isinstance(fn, np.ufunc) or fn in _ARRAY_MAKERS
    except TypeError:  # (an unhashable callable)
        return False


def _arithmetic(value: gast.expr, arrays: set[str]) -> bool:
    """``x * 1.0``, ``a / b``, ``v + 0.5``, ``-v`` of an array: an ndarray, or a number
    (whose slice raises); never a list (a list times a float, or divided, raises)."""
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        return isinstance(value.operand, gast.Name) and value.operand.id in arrays
    if not isinstance(value, gast.BinOp) or not isinstance(
            value.op, (gast.Mult, gast.Add, gast.Sub, gast.Div, gast.Pow)):
        return False
    parts = (value.left, value.right)
    return isinstance(value.op, gast.Div) or any(
        isinstance(p, gast.Constant) and type(p.value) is float or
        isinstance(p, gast.Name) and p.id in arrays for p in parts)


def _slices_only(idx: gast.expr) -> bool:
    parts = idx.elts if isinstance(idx, gast.Tuple) else [idx]
    return bool(parts) and all(isinstance(p, gast.Slice) for p in parts)


def _bound_otherwise(node: gast.FunctionDef) -> set[str]:
    """Parameters, and names a ``for`` or a ``with`` binds: they may hold anything."""
    out = {a.id for a in node.args.args + node.args.kwonlyargs}
    for n in walk_statements(node):
        for t in [n.target] if isinstance(n, gast.For) else \
                [i.optional_vars for i in n.items if i.optional_vars is not None] \
                if isinstance(n, gast.With) else []:
            out |= {x.id for x in nodes(t) if isinstance(x, gast.Name)}
    return out


def _updates_itself(s: gast.Assign, namespace: dict) -> bool:
    """``v = setitem(v, i, x)``, ``v += x``: a write into the view, not a new binding."""
    target = s.targets[0]
    if not isinstance(target, gast.Name):
        return False
    if getattr(s, "s2sad_augmented", False):
        return True
    value = s.value
    return isinstance(value, gast.Call) and bool(value.args) and \
        isinstance(value.args[0], gast.Name) and value.args[0].id == target.id and (
            evaluate_ref(value.func, namespace) is runtime.write_at or
            evaluate_ref(value.func, namespace) is runtime.setitem and
            getattr(s, "s2sad_item_write", False))  # (a setitem call: a copy)
