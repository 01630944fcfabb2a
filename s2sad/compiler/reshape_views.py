"""Part of stage 3c (aliases, :mod:`views`): which reshapes are views.

``x.reshape(...)``, ``np.reshape(x, shape)`` and ``np.ravel(x)`` return a view of a
C-ordered ``x`` and a copy of a Fortran-ordered or strided one; a vector's reshape is a
view whatever its strides (a ravel is not).  Here: the reshapes and ravels that may be
views (:func:`reshaped`, their shape arguments the same whenever the view is taken
again), and the names surely C-ordered (:func:`c_ordered`); ``alias._Aliases.is_view``
takes the one for a view where the other, or the base's rank, proves it."""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.primitives import evaluate_ref


def bound_once(stores: dict[str, list], other: set[str]) -> set[str]:
    """Names bound by one statement only (a parameter never bound again counts)."""
    return {n for n, assigned in stores.items() if len(assigned) == 1 and n not in other} | \
        {n for n in other if n not in stores}


def reshaped(value: gast.expr, namespace: dict, once: set[str]) -> tuple[str, str] | None:
    """``x.reshape(3, 4)``, ``np.reshape(x, shape)``, ``np.ravel(x)`` of a name, the
    shape given by numbers or names bound once (the same when the view is taken
    again): (``x``, "reshape" or "ravel"), else None."""
    if not (isinstance(value, gast.Call) and value.args and not value.keywords and
            isinstance(value.args[0], gast.Name)):
        return None
    try:
        fn = evaluate_ref(value.func, namespace)
    except TypeError:
        return None
    fixed = all(isinstance(a, gast.Constant) or isinstance(a, gast.Name) and a.id in once
                for a in value.args[1:])
    if fn is np.ravel and len(value.args) == 1:
        return value.args[0].id, "ravel"
    if (fn is np.reshape or fn is runtime.reshape_method) and len(value.args) >= 2 and fixed:
        return value.args[0].id, "reshape"
    return None


# makers whose result is a new C-ordered array (without an ``order`` keyword), whatever
# their arguments' layout (not np.concatenate nor np.stack: of Fortran-ordered arrays,
# Fortran-ordered)
_C_MAKERS: frozenset[Any] = frozenset({
    np.zeros, np.ones, np.empty, np.full, np.eye, np.identity, np.arange, np.linspace,
    np.outer, runtime.copy_value})


def c_ordered(name: str, stores: dict[str, list], namespace: dict) -> bool:
    """Is every binding of ``name`` a new C-ordered array (``x.copy()``, ``np.zeros``;
    not ``np.copy(x)`` nor arithmetic, which keep ``x``'s order)?"""
    def made_c(value: gast.expr) -> bool:
        if not isinstance(value, gast.Call) or any(k.arg == "order" for k in value.keywords):
            return False
        try:
            return evaluate_ref(value.func, namespace) in _C_MAKERS
        except TypeError:
            return False
    assigned = stores.get(name, [])
    return bool(assigned) and all(isinstance(s.targets[0], gast.Name) and made_c(s.value)
                                  for s in assigned)
