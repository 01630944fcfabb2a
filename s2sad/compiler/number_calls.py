"""Part of the late pass ``floats``: NumPy functions of float64 numbers in a loop give
Python floats.

``np.sqrt(x)`` of a Python float is a NumPy float64, and every operation its value
reaches then costs two to three times a float's (a float with a NumPy float64: more):
an integrator written on Python floats (``speed = np.sqrt(vx * vx + vy * vy)``, ``vx =
v0 * np.cos(angle)`` before the loop) runs its whole loop, both sweeps, on NumPy
scalars.  Where a loop calls a NumPy ufunc with a float64 loop (``np.exp``, ``np.sqrt``,
``np.arctan2``) of float64 numbers, or a statement before the loop does and the loop
reads its result, the derivative takes the result as a Python float:

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

import gast
import numpy as np

from s2sad.compiler import dims, dtypes, finite, floats
from s2sad.compiler.finite_facts import ExprFacts
from s2sad.compiler.names import load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_ids
from s2sad.rules.facts import NONNEG

_ABS = (np.abs, np.fabs)
_NUMBER_ATTRS = frozenset({"real", "imag"})  # (a float has them too)


def calls_as_floats(body: list, shapes: Callable[[], dims.Facts], namespace: dict,
                    params: set[str], float64s: frozenset,
                    optimistic: list | None = None) -> list:
    """``body`` with the NumPy calls of numbers in its loops giving Python floats (see
    the module's docstring); ``float64s``: the parameters that are float64 arrays,
    Python floats or NumPy float64s."""
    sites = _sites(body, namespace)
    if not sites:
        return body
    safe = floats._float_safe(body)
    if not safe and (optimistic is None or not floats._float_safe(body, True)):
        return body
    facts = shapes()
    if any(facts.of(a.value) == () for a in nodes_of(body, (gast.Attribute,))
           if a.attr not in _NUMBER_ATTRS and isinstance(a.value, gast.Name)):
        return body  # (``x.dtype`` of a number: a float has none)
    kinds = dtypes.dtypes(body, set(float64s), set(), namespace,
                          numbers=True)
    chosen = [c for c in sites if all(_float64(a, kinds, namespace, facts) for a in c.args)]
    if not chosen:
        return body
    signs = ExprFacts(*finite._facts(body, namespace, params), namespace).of
    for call in chosen:
        _rewrite(call, evaluate_ref(call.func, namespace), signs)
    if not safe and optimistic is not None and "floats" not in optimistic:
        optimistic.append("floats")  # (Python raises where NumPy gives inf: fall back)
    return body


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


def _float64(e: gast.expr, kinds: dict, namespace: dict, facts: dims.Facts) -> bool:
    """A float64 number: a Python float or a NumPy float64, never an array."""
    return dtypes.of(e, kinds, namespace) == dtypes.F64 and facts.of(e) == ()


def _rewrite(call: gast.Call, fn: np.ufunc, signs: Callable) -> None:
    """The call, in place, as one giving a Python float (or ``abs``)."""
    if fn in _ABS:
        call.func = load("abs")
    elif fn is np.sqrt and NONNEG in signs(call.args[0]):
        call.func = gast.Attribute(value=load("math"), attr="sqrt", ctx=gast.Load())
    else:
        inner = gast.Call(func=call.func, args=call.args, keywords=[])
        call.func, call.args = load("float"), [inner]
