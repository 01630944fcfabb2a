"""Outputs that may be truth values (``np.allclose(x, y)``, ``np.sum(x) > 0``): grad
has nothing to differentiate there, and raises, as JAX's and autograd's grad do (a
``TypeError``, their suites' ``test_nograd``).  Only whether the output *may* be one is
decided here: grad's first call then runs the variant that returns the output, and
:func:`s2sad.call_checks.check_scalar` looks at the value itself."""
from __future__ import annotations

import operator
from typing import Any

import gast
import numpy as np

from s2sad.compiler.function_scan import assignments, local_names
from s2sad.compiler.primitives import primitive

# functions whose result is a truth value whatever their arguments
TRUTH_FUNCTIONS = {np.allclose, np.array_equal, np.array_equiv, np.any, np.all,
                   np.isscalar, np.iscomplexobj, np.isrealobj, np.shares_memory,
                   np.may_share_memory, np.isclose, np.isfinite, np.isnan, np.isinf,
                   np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
                   np.greater, np.less, np.equal, np.not_equal, np.greater_equal,
                   np.less_equal, bool, isinstance, callable, hasattr,
                   operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                   operator.ne, operator.not_, operator.contains}


def may_be_truth(node: gast.FunctionDef, result: gast.expr, namespace: dict[str, Any]) -> bool:
    """Is the value returned (a name of the SSA form) made by a comparison, a ``not``,
    ``and`` / ``or``, or a function of :data:`TRUTH_FUNCTIONS`?"""
    if not isinstance(result, gast.Name):
        return isinstance(result, (gast.Compare, gast.BoolOp))
    local = local_names(node)
    for s in assignments(node):
        if s.targets[0].id != result.id:
            continue
        value = s.value
        if isinstance(value, (gast.Compare, gast.BoolOp)) or \
                isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.Not):
            return True
        prim = primitive(value, namespace, local)
        if prim is not None and _truth_key(prim.key):
            return True
    return False


def _truth_key(key: Any) -> bool:
    try:
        return key in TRUTH_FUNCTIONS
    except TypeError:  # (an unhashable key)
        return False
