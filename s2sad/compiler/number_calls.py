"""Part of the late pass ``floats``: NumPy functions of float64 numbers in a loop give
Python floats.

``np.sqrt(x)`` of a Python float is a NumPy float64, and every operation its value
reaches then costs two to three times a float's (a float with a NumPy float64: more):
an integrator written on Python floats (``speed = np.sqrt(vx * vx + vy * vy)``, ``vx =
v0 * np.cos(angle)`` before the loop) runs its whole loop, both sweeps, on NumPy
scalars.  Where a loop calls a NumPy ufunc with a float64 loop (``np.exp``, ``np.sqrt``,
``np.arctan2``) of float64 numbers (and number literals), or a statement before the
loop does and the loop reads its result, the derivative takes the result as a Python float:

- ``math.sqrt(a)`` where ``a`` is never negative (a sum of squares, by the facts of
  :mod:`finite_facts`): square roots are correctly rounded, the same number;
- ``abs(a)`` for ``np.abs(a)`` (the same number, of ``a``'s type);
- ``float(np.exp(a))`` for the others: NumPy's ``exp``, ``log``, ``tanh`` differ from
  ``math``'s in the last bit on some machines, so the user's own function is kept.

A float64 number here is a Python float or a NumPy float64 (:func:`dtypes.dtypes` with
the float parameters and float literals as float64), of shape ``()``.  The same
conditions as :mod:`scalar_floats`: no arithmetic where floats and NumPy scalars part
ways, or the variant runs optimistic (a division by zero raises on floats where NumPy
gives inf: :mod:`s2sad.fallback` runs the guarded variant, which keeps NumPy scalars);
and no attribute of a number read (``x.dtype`` has no float's spelling).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims, dtypes, finite, floats
from s2sad.compiler.finite_facts import ExprFacts, literal_value
from s2sad.compiler.names import Namer, assign, load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_ids, parent_map, replace_child
from s2sad.rules.facts import NONNEG

_ABS = (np.abs, np.fabs)
_NUMBER_ATTRS = frozenset({"real", "imag"})  # (a float has them too)


def calls_as_floats(body: list, shapes: Callable[[], dims.Facts], namespace: dict,
                    params: set[str], float64s: frozenset, namer: Namer,
                    optimistic: list | None = None) -> bool:
    """Rewrites ``body`` in place, the NumPy calls of numbers in its loops giving Python
    floats (see the module's docstring); True if a vector's ufunc was taken before its
    loop (a new name: the shape facts are then out of date; a call of a number written
    as a float's keeps every name's shape).  ``float64s``: the parameters that are
    float64 arrays, Python floats or NumPy float64s."""
    sites = _sites(body, namespace)
    if not sites:
        return False
    safe = floats._float_safe(body)
    if not safe and (optimistic is None or not floats._float_safe(body, True)):
        return False
    facts = shapes()
    if any(facts.of(a.value) == () for a in nodes_of(body, (gast.Attribute,))
           if a.attr not in _NUMBER_ATTRS and isinstance(a.value, gast.Name)):
        return False  # (``x.dtype`` of a number: a float has none)
    kinds = dtypes.dtypes(body, set(float64s), set(), namespace, numbers=True)
    lists = _float_lists(body, namespace, facts)
    wholes = {**lists, **_float_vectors(body, params & float64s, facts)}
    at = {id(c): k for k, st in enumerate(body) for c in nodes_of([st], (gast.Call,))}
    sites.sort(key=lambda c: at.get(id(c), 0))  # (in order: a later loop reads the earlier's)
    kept = [c for c in sites if not _whole(c, body, wholes, namespace, namer)]
    chosen = [c for c in kept if any(_float64(a, kinds, namespace, facts, lists)
                                     for a in c.args) and
              all(literal_value(a) is not None or _float64(a, kinds, namespace, facts, lists)
                  for a in c.args)]  # (``np.maximum(v, 0.0)``: a literal beside one)
    if chosen:
        signs = ExprFacts(*finite._facts(body, namespace, params), namespace).of
        for call in chosen:
            _rewrite(call, evaluate_ref(call.func, namespace), signs)
    hoisted = len(kept) < len(sites)
    if (chosen or hoisted) and not safe and optimistic is not None and \
            "floats" not in optimistic:
        optimistic.append("floats")  # (Python raises where NumPy gives inf: fall back)
    return hoisted


def _sites(body: list, namespace: dict) -> list[gast.Call]:
    """The ufunc calls of the top-level loops, and of the statements before the last
    loop whose results a loop reads (``vx = v0 * np.cos(angle)``: also through other
    statements)."""
    loops = [k for k, s in enumerate(body) if isinstance(s, (gast.For, gast.While))]
    if not loops:
        return []
    read = {i for k in loops for i in name_ids([body[k]], gast.Load)}
    picked = []
    for s in reversed(body[:loops[-1]]):
        if isinstance(s, gast.Assign) and any(i in read for t in s.targets
                                              for i in name_ids(t, gast.Store)):
            picked.append(s)
            read.update(name_ids(s.value, gast.Load))
    statements = picked + [body[k] for k in loops]
    return [c for c in nodes_of(statements, (gast.Call,)) if _ufunc_call(c, namespace)]


def _ufunc_call(c: gast.Call, namespace: dict) -> bool:
    """``np.f(a, ...)`` of a NumPy ufunc with a float64 loop, positional arguments."""
    if c.keywords or not c.args or c.func.__class__ is not gast.Attribute:
        return False
    fn = evaluate_ref(c.func, namespace)
    return isinstance(fn, np.ufunc) and fn.nout == 1 and fn.nin == len(c.args) and \
        "d" * fn.nin + "->d" in fn.types and \
        not any(isinstance(a, gast.Starred) for a in c.args)


def _float64(e: gast.expr, kinds: dict, namespace: dict, facts: dims.Facts,
             lists: dict[str, int]) -> bool:
    """A float64 number: a Python float or a NumPy float64, never an array (an item of
    ``as_floats`` of a float64 array read with as many indices as the array has axes)."""
    if dtypes.of(e, kinds, namespace) != dtypes.F64:
        return False
    depth = 0
    inner = e
    while isinstance(inner, gast.Subscript):
        inner, depth = inner.value, depth + 1
    if depth and isinstance(inner, gast.Name) and inner.id in lists:
        return lists[inner.id] == depth
    return facts.of(e) == ()


def _float_lists(body: list, namespace: dict, facts: dims.Facts) -> dict[str, int]:
    """name -> rank, for the names bound to ``as_floats(x)`` of an array ``x``."""
    out: dict[str, int] = {}
    for s in body:
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
                evaluate_ref(s.value.func, namespace) is runtime.as_floats and \
                len(s.value.args) == 1 and isinstance(s.value.args[0], gast.Name):
            rank = facts.rank(s.value.args[0].id)
            if rank:
                out[s.targets[0].id] = rank
                out[_SOURCE + s.targets[0].id] = s.value.args[0].id  # type: ignore
    return out


def _float_vectors(body: list, params: set[str], facts: dims.Facts) -> dict[str, Any]:
    """The float64 vector parameters nothing binds or writes into, as :func:`_float_lists`
    gives its lists (``w[k]`` a NumPy float64: ``np.exp(w[k])`` over every ``k`` is
    ``np.exp(w)`` once before the loop, read at ``k``)."""
    vectors = {p for p in params if facts.rank(p) == 1}
    if not vectors:
        return {}
    written = {n.id for n in nodes_of(body, (gast.Name,)) if not isinstance(n.ctx, gast.Load)}
    written |= {t.value.id for t in nodes_of(body, (gast.Subscript,))
                if not isinstance(t.ctx, gast.Load) and isinstance(t.value, gast.Name)}
    out: dict[str, Any] = {}
    for p in sorted(vectors - written):
        out[p], out[_SOURCE + p] = 1, p
    return out


_SOURCE = "<of> "  # (not a name: the key of the array a list of floats was made of)


def _whole(call: gast.Call, body: list, lists: dict, namespace: dict, namer: Namer) -> bool:
    """``np.tanh(x_items[k])`` in a loop ``for k in range(n)`` over every element of the
    vector ``x`` (``n = np.shape(x)[0]``, no ``break``): the call of the whole vector,
    once before the loop (``tanh_items = as_floats(np.tanh(x))``), read at ``k`` (the
    same numbers: a ufunc's value of an element does not depend on its neighbours, and
    the loop calls it at every element anyway).  Also ``np.exp(w[k])`` of a float64 vector
    parameter ``w`` (:func:`_float_vectors`) where every trip calls it (not under an
    ``if``: no ``np.log`` of the elements a branch skips); a later loop (the reverse
    sweep's, ``reversed(range(n))``) reads the same list.  True when rewritten so, in place."""
    if len(call.args) != 1:
        return False
    for at, s in enumerate(body):
        if isinstance(s, gast.For) and isinstance(s.target, gast.Name) and \
                call in nodes_of([s], (gast.Call,)):
            arg = _element(call.args[0], s)
            if not (isinstance(arg, gast.Subscript) and isinstance(arg.value, gast.Name) and
                    lists.get(arg.value.id) == 1 and isinstance(arg.slice, gast.Name) and
                    arg.slice.id == s.target.id):
                return False
            vector = lists[_SOURCE + arg.value.id]
            if not _over(s, vector, body[:at], namespace) or nodes_of(s.body, (gast.Break,)):
                return False
            holder = [st for st in s.body if call in nodes_of([st], (gast.Call,))][0]
            if vector == arg.value.id and isinstance(holder, (gast.If, gast.For, gast.While)):
                return False  # (an array's elements a branch may skip: no np.log of them)
            whole = gast.Call(func=load("as_floats"), args=[gast.Call(
                func=call.func, args=[load(vector)], keywords=[])], keywords=[])
            made = _made_before(body[:at], whole, vector)
            name = made or namer.fresh(f"{getattr(call.func, 'attr', 'call')}_items")
            read = gast.Subscript(value=load(name), slice=load(s.target.id), ctx=gast.Load())
            replace_child(parent_map([s])[id(call)], call, read)
            if made is None:
                body.insert(at, assign(name, whole, holder))
            _drop_unread(body, arg.value.id)
            if isinstance(call.args[0], gast.Name):
                _drop_element(s, call.args[0].id, body)
            return True
    return False


def _made_before(before: list, whole: gast.Call, vector: str) -> str | None:
    """The name a statement of ``before`` bound to the same ``whole`` call, neither it
    nor ``vector`` bound again since (the forward loop's, read again by the reverse's)."""
    text = gast.dump(whole)
    for k in range(len(before) - 1, -1, -1):
        s = before[k]
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and gast.dump(s.value) == text:
            name = s.targets[0].id
            later = set(name_ids(before[k + 1:], gast.Store))
            return name if not later & {name, vector} else None
    return None


def _drop_element(loop: gast.For, name: str, body: list) -> None:
    """The loop's ``x_item = x_items[k]`` dropped when the loop reads ``x_item`` no more
    and every other statement that reads it binds it first (the reverse sweep's loop)."""
    if name in name_ids(loop, gast.Load):
        return
    for t in body:
        if t is not loop and name in name_ids(t, gast.Load) and not (
                isinstance(t, gast.For) and _bound_first(t.body, name)):
            return
    loop.body[:] = [st for st in loop.body if not (isinstance(st, gast.Assign) and any(
        isinstance(x, gast.Name) and x.id == name for x in st.targets))]


def _bound_first(statements: list, name: str) -> bool:
    """The first of ``statements`` that mentions ``name`` binds it from other names."""
    for st in statements:
        if name in name_ids(st, gast.Load) or name in name_ids(st, gast.Store):
            return isinstance(st, gast.Assign) and name not in name_ids(st.value, gast.Load) \
                and any(isinstance(x, gast.Name) and x.id == name for x in st.targets)
    return False


def _element(e: gast.expr, loop: gast.For) -> gast.expr:
    """``e``, or the value of the name ``e`` where the loop's body binds it once (``x_item =
    x_items[i]``)."""
    if not isinstance(e, gast.Name):
        return e
    values = [st.value for st in loop.body if isinstance(st, gast.Assign) and
              any(isinstance(t, gast.Name) and t.id == e.id for t in st.targets)]
    return values[0] if len(values) == 1 else e


def _drop_unread(body: list, name: str) -> None:
    """The top-level binding of ``name`` dropped when nothing reads it any more."""
    if name not in name_ids(body, gast.Load):
        body[:] = [s for s in body if not (isinstance(s, gast.Assign) and any(
            isinstance(t, gast.Name) and t.id == name for t in s.targets))]


def _over(loop: gast.For, vector: str, before: list, namespace: dict) -> bool:
    """``range(n)`` (or ``reversed(range(n))``) with ``n`` bound before to
    ``np.shape(vector)[0]`` (or ``len``)."""
    it = loop.iter
    if isinstance(it, gast.Call) and evaluate_ref(it.func, namespace) is reversed and \
            len(it.args) == 1:
        it = it.args[0]  # (the reverse sweep's loop: the same elements)
    if not (isinstance(it, gast.Call) and evaluate_ref(it.func, namespace) is range and
            len(it.args) == 1 and isinstance(it.args[0], gast.Name)):
        return False
    n = it.args[0].id
    values = [s.value for s in before if isinstance(s, gast.Assign) and
              any(isinstance(t, gast.Name) and t.id == n for t in s.targets)]
    if len(values) != 1:
        return False
    v = values[0]
    if isinstance(v, gast.Subscript) and isinstance(v.slice, gast.Constant) and \
            v.slice.value == 0:
        v = v.value
    elif not (isinstance(v, gast.Call) and evaluate_ref(v.func, namespace) is len):
        return False
    return isinstance(v, gast.Call) and len(v.args) == 1 and \
        isinstance(v.args[0], gast.Name) and v.args[0].id == vector and \
        evaluate_ref(v.func, namespace) in (np.shape, len)


def _rewrite(call: gast.Call, fn: np.ufunc, signs: Callable) -> None:
    """The call, in place, as one giving a Python float (or ``abs``)."""
    if fn in _ABS:
        call.func = load("abs")
    elif fn is np.sqrt and NONNEG in signs(call.args[0]):
        call.func = gast.Attribute(value=load("math"), attr="sqrt", ctx=gast.Load())
    else:
        inner = gast.Call(func=call.func, args=call.args, keywords=[])
        call.func, call.args = load("float"), [inner]
