"""Stage 5: which values get derivatives.

Input: SSA core form, the ``wrt`` parameter names and the rule table of the
mode.  Output: :class:`Activity`: a value is *varied* when it depends on a
``wrt`` input through differentiable arguments, *useful* when the output
depends on it that way, and *active* when both.  Only active values get
adjoints (reverse) or tangents (forward).  The analysis ignores statement
order, which is exact outside loops (SSA) and safe inside them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast

from s2sad.compiler.primitives import IDENTITY, Prim, differentiable_args, primitive
from s2sad.rules import registry


@dataclass
class Activity:
    varied: set[str]
    useful: set[str]

    @property
    def active(self) -> set[str]:
        return self.varied & self.useful

    def is_active(self, name: str) -> bool:
        return name in self.varied and name in self.useful


def assignments(node: gast.AST) -> list[gast.Assign]:
    return [s for s in gast.walk(node) if isinstance(s, gast.Assign)]


def local_names(node: gast.FunctionDef) -> set[str]:
    names = {a.id for a in (node.args.args + node.args.kwonlyargs)}
    names |= {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    return names


def inputs_of(prim: Prim | None, lookup: Callable[[Any], Any]) -> set[str]:
    """Local names whose derivative flows into the value of ``prim``."""
    if prim is None or registry.is_nondiff(prim.key):
        return set()
    rule = None if prim.key == IDENTITY else lookup(prim.key)
    args = prim.args if prim.key == IDENTITY else differentiable_args(rule, prim)
    return {n.id for a in args for n in gast.walk(a) if isinstance(n, gast.Name)}


def analyze(node: gast.FunctionDef, wrt: list[str], namespace: dict[str, Any],
            lookup: Callable[[Any], Any]) -> Activity:
    """Fixpoints of 'depends on wrt' and 'output depends on it'."""
    local = local_names(node)
    edges = []  # (target, inputs)
    for s in assignments(node):
        prim = primitive(s.value, namespace, local)
        edges.append((s.targets[0].id, inputs_of(prim, lookup) & local))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for target, inputs in edges:
            if target not in varied and inputs & varied:
                varied.add(target)
                changed = True
    ret = node.body[-1]
    useful = {n.id for n in gast.walk(ret) if isinstance(n, gast.Name)}
    changed = True
    while changed:
        changed = False
        for target, inputs in edges:
            if target in useful and not inputs <= useful:
                useful |= inputs
                changed = True
    return Activity(varied, useful)


SCALAR_BUILTINS = {abs, min, max, pow, float, int, round, len, bool}


def _scalar_call(key: Any) -> bool:
    """Calls that map numbers to a number (a ufunc of NumPy scalars gives a NumPy scalar)."""
    import math

    import numpy as np
    try:
        return key in SCALAR_BUILTINS or isinstance(key, np.ufunc) or \
            getattr(math, getattr(key, "__name__", ""), None) is key
    except TypeError:
        return False


def _full_reduction(prim: Any) -> bool:
    """``np.sum(x)``, ``np.mean(x)``...: no axis, no keepdims, so one number."""
    import numpy as np
    reductions = {np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod, np.var, np.std}
    try:
        if prim.key not in reductions:
            return False
    except TypeError:
        return False
    extra = len(prim.args) > 1 or any(k in prim.keywords for k in ("axis", "keepdims", "out"))
    return not extra


def _is_scalar(v: gast.expr, scalar: set[str], local: set[str], namespace: dict) -> bool:
    """Is this right-hand side a number, given which names are numbers?"""
    if isinstance(v, gast.Constant):
        return isinstance(v.value, (int, float, bool))
    if isinstance(v, gast.Name):
        return v.id in scalar if v.id in local else False
    parts = {gast.BinOp: lambda: [v.left, v.right], gast.UnaryOp: lambda: [v.operand],
             gast.Compare: lambda: [v.left, v.comparators[0]]}.get(type(v))
    if parts is not None:
        return all(_is_scalar(p, scalar, local, namespace) for p in parts())
    if isinstance(v, gast.Call):
        prim = primitive(v, namespace, local)
        if prim is None:
            return False
        return _full_reduction(prim) or _scalar_call(prim.key) and all(
            _is_scalar(a, scalar, local, namespace) for a in v.args)
    return False


def scalar_names(node: gast.FunctionDef, scalar_params: set[str],
                 namespace: dict[str, Any]) -> set[str]:
    """Names that always hold a Python number: no broadcasting can touch them.

    The largest set consistent with every assignment (so a loop that adds
    floats to a float keeps it a float).
    """
    local = local_names(node)
    params = {a.id for a in (node.args.args + node.args.kwonlyargs)}
    defs: dict[str, list] = {}
    for s in assignments(node):
        defs.setdefault(s.targets[0].id, []).append(s.value)
    loop_targets = {s.target.id for s in gast.walk(node) if isinstance(s, gast.For)}
    scalar = (set(defs) - params) | set(scalar_params) | loop_targets

    def is_scalar(v: gast.expr) -> bool:
        return _is_scalar(v, scalar, local, namespace)

    changed = True
    while changed:
        changed = False
        for name in sorted(scalar - set(scalar_params) - loop_targets):
            if not all(is_scalar(v) for v in defs.get(name, [])):
                scalar.discard(name)
                changed = True
    return scalar
