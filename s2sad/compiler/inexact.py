"""Which names surely hold inexact (float or complex) values, for the late passes.

A sum of products written as ``np.einsum`` or ``@`` keeps NumPy's result dtype only
when the operands' common type is inexact: ``np.sum`` of an int32 or bool product
widens to the platform int, ``einsum`` and ``@`` do not.  The arguments' dtypes are not
known when code is generated (one variant serves every dtype), so a value is inexact
only by how it is made: a true division, a float literal in arithmetic, a function
whose every result type is inexact (``np.exp``), or arithmetic, indexing and reshaping
of an inexact value.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import gast
import numpy as np

from s2sad.compiler import tape
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes, nodes

_INEXACT_CODES = set("efdgFDG")
# results like their first argument's kind (shape functions, reductions, adjoint helpers)
_LIKE_FIRST = {np.expand_dims, np.reshape, np.transpose, np.squeeze, np.moveaxis,
               np.sum, np.negative, np.swapaxes, np.ravel, np.matrix_transpose, np.round,
               np.around}
_HELPERS_LIKE_FIRST = {"unbroadcast", "repeat_to", "fresh", "extremum_adjoint", "sum_axes",
                      "max_axes", "min_axes"}
_HELPERS = _HELPERS_LIKE_FIRST | {"safe_div", "safe_mul"}
_FLOAT_MADE = {np.eye, np.ones, np.zeros, np.identity, np.mean}  # (without dtype=)


def inexact_names(body: list, namespace: dict, floats: frozenset = frozenset()) -> set[str]:
    """The names every assignment of which gives an inexact value (names also bound
    otherwise than by ``name = value``, as by a tuple or a loop, are left out; a pop of
    the tape binds its names to what the pushes paired with it push), and the float64
    array parameters ``floats`` the body never binds again.  A name
    is looked at again only when a name its values read is found inexact (the names
    found only grow, and an expression is inexact for more names if for fewer)."""
    defs: dict[str, list] = {}
    stores: Counter = Counter()
    popped = _popped(body)
    for n in nodes(body):
        if id(n) in popped:
            for name, values in popped[id(n)].items():
                if values:
                    defs.setdefault(name, []).extend(values)
                stores[name] += len(values) - 1  # (the pop is one store)
        elif isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], gast.Name):
            if isinstance(n.value, gast.Name) and n.value.id == n.targets[0].id:
                stores[n.value.id] -= 1  # (``x = x`` keeps the value: no definition)
            else:
                defs.setdefault(n.targets[0].id, []).append(n.value)
        elif isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
            stores[n.id] += 1
    candidates = {k: v for k, v in defs.items() if stores[k] == len(v)}
    readers: dict[str, list[str]] = {}
    for name, values in candidates.items():
        for read in {n.id for v in values for n in name_nodes(v)}:
            readers.setdefault(read, []).append(name)
    found = {p for p in floats if not stores[p]}
    todo = list(candidates)
    while todo:
        name = todo.pop()
        if name not in found and all(is_inexact(v, found, namespace)
                                     for v in candidates[name]):
            found.add(name)
            todo += readers.get(name, [])
    return found


def _popped(body: list) -> dict[int, dict[str, list]]:
    """id of a pop of the tape -> each name it binds -> the values the pushes paired
    with it push there: a pop restores what was pushed (``qi`` popped is inexact where
    the ``qi`` pushed is)."""
    pops, pushes = tape.pairs(body)
    out: dict[int, dict[str, list]] = {}
    for slot, pop in pops.items():
        targets = tape.items_of(pop.targets[0])
        paired = [tape.items_of(p.value.args[0]) for p in pushes.get(slot, [])]
        if not paired or any(len(items) != len(targets) for items in paired):
            continue
        out[id(pop)] = {t.id: [items[j] for items in paired if not (
            isinstance(items[j], gast.Name) and items[j].id == t.id)]  # (the name's own
            for j, t in enumerate(targets) if isinstance(t, gast.Name)}  # values anyway)
    return out


def is_inexact(e: gast.expr, names: set[str], namespace: dict) -> bool:
    """``e`` surely evaluates to an inexact number or array (``names``: such names)."""
    if isinstance(e, gast.Constant):
        return type(e.value) in (float, complex)
    if isinstance(e, gast.Name):
        return e.id in names
    if isinstance(e, gast.BinOp):
        if isinstance(e.op, gast.Div):
            return True
        if isinstance(e.op, (gast.Add, gast.Sub, gast.Mult, gast.Pow, gast.MatMult)):
            return is_inexact(e.left, names, namespace) or \
                is_inexact(e.right, names, namespace)
        return False
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, (gast.USub, gast.UAdd)):
        return is_inexact(e.operand, names, namespace)
    if isinstance(e, gast.Subscript) or isinstance(e, gast.Attribute) and e.attr == "T":
        return is_inexact(e.value, names, namespace)
    if isinstance(e, gast.Call):
        return _call(e, names, namespace)
    return False


def _call(e: gast.Call, names: set[str], namespace: dict) -> bool:
    if isinstance(e.func, gast.Name) and e.func.id == "add_at" and len(e.args) > 1:
        start = e.args[0]  # added into it, or into zeros like the second (None first)
        return is_inexact(e.args[1] if isinstance(start, gast.Constant) and
                          start.value is None else start, names, namespace)
    if isinstance(e.func, gast.Name) and e.func.id in _HELPERS and e.args:
        if e.func.id == "safe_div":
            return True
        args = e.args if e.func.id == "safe_mul" else e.args[:1]
        return any(is_inexact(a, names, namespace) for a in args)
    fn: Any = evaluate_ref(e.func, namespace)
    if any(k.arg == "dtype" for k in e.keywords):
        return False
    try:
        if fn is np.where and len(e.args) == 3:  # (the values' common type)
            return any(is_inexact(a, names, namespace) for a in e.args[1:])
        if fn in _LIKE_FIRST:
            return bool(e.args) and is_inexact(e.args[0], names, namespace)
        if fn in _FLOAT_MADE:
            return True
    except TypeError:  # an unhashable callable
        return False
    if isinstance(fn, np.ufunc) and fn.nout == 1 and not e.keywords:
        return all(t.split("->")[1] in _INEXACT_CODES for t in fn.types if "O" not in t)
    return False
