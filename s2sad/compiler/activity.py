"""Stage 5: which values get derivatives.

Input: SSA core form, the ``wrt`` parameter names and the rule table of the
mode.  Output: :class:`Activity`: a value is *varied* when it depends on a
``wrt`` input through differentiable arguments, *useful* when the output
depends on it that way, and *active* when both.  Only active values get
adjoints (reverse) or tangents (forward).  The analysis ignores statement
order, which is exact outside loops (SSA) and safe inside them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

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
    names = {a.id for a in node.args.args}
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
