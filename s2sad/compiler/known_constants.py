"""Part of stage 3b: the tests an inlined function's literal arguments decide.

A library's closed form (``np.gradient``'s reference reads ``isinstance(axis, (tuple,
list))``, ``axis is not None``, ``np.ndim(f) == 1``, ``np.ndim(spacing) == 1``) and a
user's helper called with options (``mode=None``, ``edge_order=2``) test those options.
A parameter bound to a literal (None, a bool, int, float or text), by the call or by
its default, and never bound again in the function, is known by its final name (the
map is shared by the functions inlined into one derivative, as ``lengths`` is); so is
the number of dimensions of an array parameter of the variant (``np.ndim(f)``).  A
comparison, ``isinstance``, ``not`` or ``np.ndim`` of known values is then the literal
result, and ``Normalizer.stmt_If`` reads only the branch taken: nothing of the other
branches is normalized, differentiated or optimized (a vector's ``np.gradient``: 2,316
normalized lines before).
"""
from __future__ import annotations

import builtins
import operator
import types
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad.compiler.names import const

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

LITERALS = (type(None), bool, int, float, str)
_OPS = {gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Lt: operator.lt,
        gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge}


def bind(norm: Normalizer, name: str, value: gast.expr) -> None:
    """``name`` (a final name bound once) holds the literal ``value``, if it is one (or
    a tuple of literals: ``axis=(0, 1)``)."""
    if isinstance(value, gast.Constant) and type(value.value) in LITERALS:
        norm.constants[name] = value.value
    elif isinstance(value, gast.Tuple) and all(
            isinstance(e, gast.Constant) and type(e.value) in LITERALS for e in value.elts):
        norm.constants[name] = tuple(e.value for e in value.elts)


def truth(norm: Normalizer, test: gast.expr) -> gast.Constant | None:
    """``if flag:`` of a known ``flag``: its truth as a literal."""
    is_known, value = known(norm, test)
    return const(bool(value)) if is_known and not isinstance(test, gast.Constant) else None


def known(norm: Normalizer, e: gast.expr) -> tuple[bool, Any]:
    """(True, its value) for a literal or a name known to hold one (or a function given
    to a helper: ``local_functions.given_as_value``); (False, None)."""
    if isinstance(e, gast.Constant) and type(e.value) in LITERALS:
        return True, e.value
    if isinstance(e, gast.Name) and e.id in norm.constants:
        return True, norm.constants[e.id]
    return False, None


def compared(norm: Normalizer, left: gast.expr, op: gast.cmpop, right: gast.expr
             ) -> gast.Constant | None:
    """``a op b`` of two known values, decided; ``is`` only of None and bools (singletons:
    the identity of equal ints and texts is CPython's choice)."""
    (a_known, a), (b_known, b) = known(norm, left), known(norm, right)
    if not (a_known and b_known):
        return None
    if isinstance(op, (gast.Is, gast.IsNot)):
        if not (a is None or b is None or type(a) is bool and type(b) is bool):
            return None
        return const((a is b) == isinstance(op, gast.Is))
    fn = _OPS.get(type(op))
    if fn is None:
        return None
    try:
        return const(bool(fn(a, b)))
    except TypeError:  # (None < 1: Python raises; so does the code left as it is)
        return None


def negation(norm: Normalizer, operand: gast.expr) -> gast.Constant | None:
    """``not a`` of a known ``a``."""
    is_known, value = known(norm, operand)
    return const(not value) if is_known else None


def decided_call(norm: Normalizer, node: gast.Call) -> gast.Constant | None:
    """``isinstance(a, (tuple, list))`` of builtin classes, ``callable(a)`` and
    ``np.ndim(a)`` of a known ``a`` (a literal, or a function given), ``hasattr`` of a
    module and a literal name, decided."""
    if len(node.args) not in (1, 2) or node.keywords or \
            not isinstance(node.args[0], (gast.Name, gast.Constant)):
        return None
    fn = norm.resolve(node.func) if isinstance(node.func, (gast.Name, gast.Attribute)) \
        else None
    if fn is np.ndim and len(node.args) == 1:
        arg = norm.atom(node.args[0])
        if isinstance(arg, gast.Name) and arg.id in norm.ndims:
            return const(norm.ndims[arg.id])  # (an array parameter of the variant's rank)
        is_known, value = known(norm, arg)
        return const(0) if is_known and type(value) in (bool, int, float) else \
            const(1) if is_known and type(value) is tuple and value and all(
                type(v) in (bool, int, float) for v in value) else None
    if fn is builtins.hasattr and len(node.args) == 2:  # (version checks: np's trapz)
        module = norm.resolve(node.args[0]) if isinstance(node.args[0], gast.Name) else None
        is_known, attr = known(norm, node.args[1])
        return const(hasattr(module, attr)) if isinstance(module, types.ModuleType) and \
            is_known and type(attr) is str else None
    if fn is builtins.callable and len(node.args) == 1:
        is_known, value = known(norm, norm.atom(node.args[0]))
        return const(callable(value)) if is_known else None
    if fn is not builtins.isinstance or len(node.args) != 2:
        return None
    classes = node.args[1].elts if isinstance(node.args[1], gast.Tuple) else [node.args[1]]
    kinds = [norm.resolve(c) if isinstance(c, (gast.Name, gast.Attribute)) else None
             for c in classes]
    if not kinds or not all(k in _BUILTIN_CLASSES for k in kinds):
        return None
    is_known, value = known(norm, norm.atom(node.args[0]))
    classes_given = tuple(k for k in kinds if isinstance(k, type))
    return const(isinstance(value, classes_given)) if is_known else None


_BUILTIN_CLASSES = (tuple, list, dict, set, str, int, float, bool, complex, type(None),
                    slice, range, bytes, frozenset, np.ndarray, np.generic, np.integer,
                    np.floating, np.number)
