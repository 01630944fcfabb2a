"""The reverse pass of an executed graph (:func:`s2sad.graph`).

Why a pass of its own: the graph shows the adjoint of every intermediate
value, which generated derivative code keeps in locals that loops overwrite.
Evaluating the same rule templates that the generated code is built from
(:mod:`s2sad.rules`) on the values recorded during the forward run, step by
step in reverse, gives exactly those numbers: the first contribution to an
adjoint sets it, later ones add (fan-out sums), an ``acc`` template replaces it.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import templates
from s2sad.compiler.primitives import Prim
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.graph_view import Node


@dataclass(eq=False)
class Step:
    """A recorded assignment: its node, primitive, and the values it read."""

    node: Node
    prim: Prim | None
    reads: dict[str, Any]
    arg_nodes: dict[str, Node]
    group: int | None = None  # the folded loop run this hidden step belongs to
    loops: tuple = ()  # (loop run, iteration) of each loop around it, outermost first
    expr: Any = None  # the right-hand side, drawn in the label when the node is shown


def compile_node(node: gast.AST, mode: str) -> Any:
    """Compile a core-form expression (``eval``) or statement (``exec``) as it is."""
    wrapper = gast.Expression(body=node) if mode == "eval" else gast.Module(
        body=[node], type_ignores=[])
    tree = ast.fix_missing_locations(gast.gast_to_ast(wrapper))
    return compile(tree, "<s2sad graph>", mode)


@lru_cache(maxsize=1024)
def _template(text: str) -> Any:
    return compile(text, "<s2sad rule>", "eval")


def _seed(value: Any) -> Any:
    """d output / d output: ones shaped like the output (1.0 for a scalar)."""
    if isinstance(value, (list, tuple)):
        return type(value)(_seed(v) for v in value)
    if isinstance(value, dict):
        return {k: _seed(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return np.ones(value.shape, dtype=np.result_type(value.dtype, float))
    return 1.0


def _zero(value: Any) -> Any:
    """The adjoint of a value the output does not depend on: 0, or ``None`` if not real."""
    real = (float, complex, np.inexact, list, tuple, dict)
    if isinstance(value, real) or (isinstance(value, np.ndarray)
                                   and np.issubdtype(value.dtype, np.inexact)):
        return runtime.zeros_like(value)
    return None


class Backward:
    """Adjoints of every recorded node, from the rule templates of :mod:`s2sad.rules`.

    Why templates and not a generated derivative: the graph needs the adjoint
    of every intermediate value, which generated code keeps in locals that
    loops overwrite; evaluating the same templates on the recorded values,
    step by step in reverse, gives exactly those numbers.
    """

    def __init__(self, namespace: dict[str, Any], notes: list[str]) -> None:
        self.namespace, self.notes = namespace, notes
        self.globals = dict(registry.TEMPLATE_NAMESPACE)
        self.adj: dict[Node, Any] = {}
        self.plans: dict[int, tuple] = {}

    def run(self, steps: list[Step], inputs: list[Node], out: Node) -> None:
        self.adj[out] = _seed(out.value)
        if np.ndim(out.value) != 0 or isinstance(out.value, (list, tuple, dict)):
            self.notes.append("the output is not a scalar: adjoints are those of the sum "
                              "of its entries")
        for step in reversed(steps):
            g = self.adj.get(step.node)
            if g is not None and step.prim is not None:
                self.step(step, g)
        for node in inputs + [s.node for s in steps]:
            node.adjoint = self.adj[node] if node in self.adj else _zero(node.value)
        for node in inputs:  # the type and shape of the argument, as s2sad.grad gives
            if node in self.adj and _zero(node.value) is not None:
                node.adjoint = runtime.cast_like(node.adjoint, node.value)

    def give(self, parent: Node, value: Any, replaces: bool) -> None:
        if replaces or parent not in self.adj:
            self.adj[parent] = value
        else:
            self.adj[parent] = runtime.add_grads(self.adj[parent], value)

    def value(self, expr: gast.expr, step: Step) -> Any:
        return eval(compile_node(expr, "eval"), self.namespace, dict(step.reads))

    def step(self, step: Step, g: Any) -> None:
        prim = step.prim
        assert prim is not None  # (run() steps back only through primitives)
        args = [a for a in prim.args + list(prim.keywords.values())
                if isinstance(a, gast.Name) and a.id in step.arg_nodes]
        if not args or registry.is_nondiff(prim.key):
            return
        rule = registry.lookup_vjp(prim.key)
        if rule is None:
            self.notes.append(f"line {step.node.line}: no reverse rule for {step.node.op}; "
                              f"adjoints stop at {step.node.name}")
        elif rule.user is not None:
            self.user_rule(rule, step, g)
        else:
            self.templates(rule, step, g)

    def user_rule(self, rule: registry.Rule, step: Step, g: Any) -> None:
        prim = step.prim
        assert prim is not None and rule.user is not None  # (as step() found them)
        args = tuple(self.value(a, step) for a in prim.args)
        keywords = {k: self.value(v, step) for k, v in prim.keywords.items()}
        cots = runtime.user_cotangents(rule.user(g, step.node.value, *args, **keywords), args)
        for arg, cot in zip(prim.args, cots):
            if isinstance(arg, gast.Name) and arg.id in step.arg_nodes:
                self.give(step.arg_nodes[arg.id], cot, False)

    def plan(self, rule: registry.Rule, prim: Prim) -> tuple[dict, list]:
        """Per primitive (one per statement): compiled arguments, and per argument name
        the template, its extra names and whether it replaces the adjoint."""
        if id(prim) not in self.plans:
            mapping, extra = templates.rule_mapping(rule, prim)
            codes = {p: compile_node(e, "eval") for p, e in mapping.items()}
            pairs: list[tuple[gast.expr | None, str | None, dict[str, int]]] = [
                (mapping.get(p), t, {}) for p, t in zip(rule.sig.params, rule.templates)]
            if rule.vararg_template is not None:
                pairs += [(a, rule.vararg_template, {"i": i}) for i, a in enumerate(extra)]
            todo = [(arg.id, _template(text), more, templates.uses(text, "acc"))
                    for arg, text, more in pairs
                    if text is not None and isinstance(arg, gast.Name)]
            self.plans[id(prim)] = (prim, codes, todo)
        return self.plans[id(prim)][1:]

    def templates(self, rule: registry.Rule, step: Step, g: Any) -> None:
        assert step.prim is not None  # (as step() found it)
        codes, todo = self.plan(rule, step.prim)
        env = {p: eval(c, self.namespace, dict(step.reads))
               for p, c in codes.items()}
        env.update(g=g, ans=step.node.value)
        for name, code, more, replaces in todo:
            parent = step.arg_nodes.get(name)
            if parent is None:
                continue
            if replaces:
                more = {**more, "acc": runtime.fresh(self.adj.get(parent))}
            self.give(parent, eval(code, self.globals, {**env, **more}), replaces)
