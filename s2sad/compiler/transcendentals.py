"""Part of the late pass ``share``: elementwise transcendental functions of arrays taken
once where the derivative would take them twice.

NumPy's float64 sine and cosine are scalar libm calls (about 7 ns an element where
``exp`` or ``tanh`` take 1-2), so on large arrays such calls are most of an elementwise
gradient's time.  Two mechanisms, each in a block, for a ``y`` bound at most once:

- *repeated calls*: ``np.cos(x)`` of the forward sweep and ``np.cos(x)`` of ``sin``'s
  adjoint (``np.sin``, ``np.cos``, ``np.tan``, ``np.arctan``, ``np.log``, ``np.log1p``,
  ``np.exp``, ``np.expm1``, ``np.tanh``, ``np.sinh``, ``np.cosh``, ``np.sqrt``) are one
  value: the first, where the block always takes it, gets a name, which the others read.
- *double angles*: ``np.sin(2 * y)`` in a block that takes ``np.sin(y)`` and
  ``np.cos(y)`` anyway is ``2 * sin(y) * cos(y)``: a function of ``sin(x)`` and
  ``cos(2 * x)`` has ``cos(x)`` and ``sin(2 * x)`` in its adjoint.  ``2 * y`` is exact
  in binary floating point, and the product of the two correctly rounded values is
  within a few ulps of ``sin(2 * y)`` relative to it everywhere (no cancellation:
  ``cos(2 * y) = 1 - 2 sin(y)^2`` would lose the relative accuracy near its zeros, and
  is left alone).

A call a later statement of the block makes is bound to a name in front of the first use
(these functions raise nothing, so taking one earlier changes no error); the value lives
from there to its last reader.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import gast
import numpy as np

from s2sad.compiler.costly_calls import ReplaceCall
from s2sad.compiler.names import Transformer, assign, load, origin
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import always_evaluated
from s2sad.compiler.shared_factors import Swap, stored
from s2sad.compiler.walks import name_nodes, nodes, structure

_NAMES = {"sin", "cos", "tan", "arctan", "log", "log1p", "exp", "expm1", "tanh", "sinh",
          "cosh", "sqrt"}


_FUNCTIONS = (np.sin, np.cos, np.tan, np.arctan, np.log, np.log1p, np.exp, np.expm1,
              np.tanh, np.sinh, np.cosh, np.sqrt)


def share_transcendentals(body: list, namespace: dict, namer: Any) -> bool:
    """Rewrites ``body`` in place; True if it changed."""
    calls = [n for n in nodes_of(body, (gast.Call,)) if len(n.args) == 1 and
             n.args[0].__class__ is gast.Name and n.func.__class__ is gast.Attribute and
             n.func.attr in _NAMES]
    pairs = Counter((n.func.attr, n.args[0].id) for n in calls)
    if not any(count > 1 or attr == "sin" and ("cos", y) in pairs
               for (attr, y), count in pairs.items()):
        return False  # (no call made twice, no sine beside its cosine: nothing to share)
    stores = Counter(n.id for n in name_nodes(body) if n.ctx.__class__ is not gast.Load)
    repeated = _repeated(body, namespace, namer, stores)
    return _double_angles(body, namespace, namer, stores) or repeated


def _repeated(stmts: list, namespace: dict, namer: Any, stores: Counter) -> bool:
    """Each function of a name the block always takes, and takes again, taken once."""
    changed = False
    seen: dict[tuple, int] = {}  # (function, name) -> how many calls in the block
    for s in stmts:
        for fn, y in _keys(s, namespace, stores):
            seen[fn, y] = seen.get((fn, y), 0) + 1
    nested = set().union(*(stored(s) for s in stmts if isinstance(s, (gast.If, gast.For,
                                                                     gast.While))))
    for (fn, y), count in seen.items():
        if count > 1 and y not in nested:  # (bound in a loop: one value per trip there)
            at = next(k for k, s in enumerate(stmts) if (fn, y) in _keys(s, namespace, stores))
            name = _named(stmts, at, fn, y, namespace, namer, stores)
            if name is not None:
                for s in stmts:
                    _Calls(fn, y, namespace, name, s).visit(s)
                changed = True
    for s in stmts:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                changed |= _repeated(getattr(s, field), namespace, namer, stores)
    return changed


def _keys(s: gast.stmt, namespace: dict, stores: Counter) -> list[tuple]:
    return [(fn, n.args[0].id) for n in nodes_of([s], (gast.Call,)) if
            len(n.args) == 1 and not n.keywords and n.args[0].__class__ is gast.Name and
            stores[n.args[0].id] <= 1 and n.func.__class__ is gast.Attribute and
            n.func.attr in _NAMES and (fn := evaluate_ref(n.func, namespace)) in _FUNCTIONS]


class _Calls(Transformer):
    """``fn(y)`` read as ``name`` (not in the statement binding ``name`` itself)."""

    def __init__(self, fn: Any, y: str, namespace: dict, name: str, s: gast.stmt) -> None:
        self.fn, self.y, self.namespace, self.name = fn, y, namespace, name
        self.skip = isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and s.targets[0].id == name

    def visit_Call(self, node: gast.Call) -> gast.expr:
        if not self.skip and _is_call(node, self.fn, self.y, self.namespace):
            return load(self.name)
        self.generic_visit(node)
        return node


def _double_angles(body: list, namespace: dict, namer: Any, stores: Counter) -> bool:
    """Each ``np.sin(2 * y)`` of a block that takes ``sin(y)`` and ``cos(y)`` anyway as
    their product."""
    doubles = {s.targets[0].id: y for s in body if isinstance(s, gast.Assign) and
               len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
               stores[s.targets[0].id] == 1 and (y := _halved(s.value, stores)) is not None}
    if not _block(body, namespace, namer, doubles, stores):
        return False
    read = {n.id for n in name_nodes(body) if n.ctx.__class__ is gast.Load}
    body[:] = [s for s in body if not (  # (the double angle no statement reads any more)
        isinstance(s, gast.Assign) and len(s.targets) == 1 and
        isinstance(s.targets[0], gast.Name) and s.targets[0].id in set(doubles) - read)]
    return True


def _block(stmts: list, namespace: dict, namer: Any, doubles: dict[str, str],
           stores: Counter) -> bool:
    changed = False
    for i in range(len(stmts)):
        for call in _calls(stmts[i], namespace, np.sin):
            arg = call.args[0]
            y = doubles.get(arg.id) if isinstance(arg, gast.Name) else \
                _halved(arg, stores)
            if y is None or not any(n is call for n in always_evaluated(stmts[i].value)):
                continue
            sine, cosine = (_named(stmts, i, fn, y, namespace, namer, stores)
                            for fn in (np.sin, np.cos))
            if sine is None or cosine is None:
                continue
            at = next(k for k, s in enumerate(stmts) if any(n is call for n in nodes([s])))
            product = gast.BinOp(left=gast.BinOp(left=gast.Constant(value=2.0, kind=None),
                                                 op=gast.Mult(), right=load(sine)),
                                 op=gast.Mult(), right=load(cosine))
            Swap({id(call): product}).visit(stmts[at])
            changed = True
    for s in stmts:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                changed |= _block(getattr(s, field), namespace, namer, doubles, stores)
    return changed


def _named(stmts: list, i: int, fn: Any, y: str, namespace: dict, namer: Any,
           stores: Counter) -> str | None:
    """The name holding ``fn(y)``: bound by a statement of the block, or given to the
    first such call the block always makes (bound in front of it, or of statement
    ``i`` where that comes later); None if the block does not always take it."""
    for k, s in enumerate(stmts):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and _is_call(s.value, fn, y, namespace) \
                and stores[s.targets[0].id] == 1:
            if k > i:  # (bound once, from a value bound before: it may move up)
                stmts.insert(i, stmts.pop(k))
            return s.targets[0].id
    first = next((k for k, s in enumerate(stmts) if isinstance(s, (gast.Assign, gast.AugAssign))
                  and any(_is_call(n, fn, y, namespace) for n in always_evaluated(s.value))),
                 None)
    if first is None:
        return None
    call = next(n for n in always_evaluated(stmts[first].value)
                if _is_call(n, fn, y, namespace))
    name = namer.fresh(f"{fn.__name__}_{y}")
    key = structure(call)
    for s in stmts[first:]:
        ReplaceCall(key, name).visit(s)
    at = min(first, i)
    while at > 0 and origin(stmts[at - 1]) == origin(stmts[at]) and \
            y not in stored(stmts[at - 1]):
        at -= 1  # (in front of the line's statements: they stay one run to merge)
    stmts.insert(at, assign(name, call, like=stmts[first]))
    return name


def _is_call(e: object, fn: Any, y: str, namespace: dict) -> bool:
    return isinstance(e, gast.Call) and not e.keywords and len(e.args) == 1 and \
        isinstance(e.args[0], gast.Name) and e.args[0].id == y and \
        evaluate_ref(e.func, namespace) is fn


def _calls(s: gast.stmt, namespace: dict, fn: Any) -> list[gast.Call]:
    if not isinstance(s, (gast.Assign, gast.AugAssign)):
        return []
    return [n for n in nodes([s.value]) if n.__class__ is gast.Call and not n.keywords and
            len(n.args) == 1 and evaluate_ref(n.func, namespace) is fn]


def _halved(e: gast.expr, stores: Counter) -> str | None:
    """``y`` of ``2 * y``, ``2.0 * y``, ``y * 2`` or ``y + y`` of a name bound at most
    once."""
    if not isinstance(e, gast.BinOp):
        return None
    if isinstance(e.op, gast.Add) and isinstance(e.left, gast.Name) and \
            isinstance(e.right, gast.Name) and e.left.id == e.right.id:
        y: gast.expr = e.left
    elif isinstance(e.op, gast.Mult) and _two(e.left):
        y = e.right
    elif isinstance(e.op, gast.Mult) and _two(e.right):
        y = e.left
    else:
        return None
    return y.id if isinstance(y, gast.Name) and stores[y.id] <= 1 else None


def _two(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float) and e.value == 2
