"""The static graph: every primitive of the core form, without running it.

Why walk the statements with the definitions that reach each one, rather than
draw one node per SSA name: the core form reuses a name around a loop
(``h_1 = h`` before it, ``h_1 = np.tanh(matmul)`` inside), and one node per
name would hide the ``np.tanh``.  Here every assignment that computes
something is a node, a copy (``h = x``) is followed to what it copies, and
where two definitions meet the user's variable is a node of its own with an
edge from each:

- ``op="carried"``: a value carried around a loop (``h``), from its value
  before the loop and, dashed (``Graph.back_edges``), from the previous
  iteration;
- ``op="join"``: the value after an ``if``, from the end of either branch.

Nodes are made in program order, so ``nodes`` is topological for all edges
but the back edges.
"""
from __future__ import annotations

import ast

import gast

from s2sad.compiler import pipeline
from s2sad.compiler.primitives import IDENTITY, primitive
from s2sad.graph_labels import (
    assign_names,
    computed,
    display_name,
    is_user,
    local_names,
    name_output,
    name_tree,
    op_label,
    operands,
    params,
    result,
    substituted,
    user_names,
)
from s2sad.graph_view import Graph, Node

Env = dict[str, Node]  # the node each name holds at a point of the program


class Static:
    """Builds the static graph of one prepared function."""

    def __init__(self, prep: pipeline.Prepared) -> None:
        self.fn, self.namespace = prep.node, prep.namespace
        self.local, self.user = local_names(prep.node), user_names(prep)
        self.nodes: list[Node] = []
        self.back: list[tuple[Node, Node]] = []

    def build(self) -> Graph:
        inputs = [Node(p, "input", line=self.fn.lineno, tree=name_tree(p))
                  for p in params(self.fn)]
        self.nodes += inputs
        env = self.block(self.fn.body, {n.name: n for n in inputs})
        returned = result(self.fn)
        out = env.get(returned.id) if isinstance(returned, gast.Name) else None
        if out is not None:
            name_output(self.fn.name, out, self.user)
        assign_names(self.nodes, set())
        return Graph(self.fn.name, self.nodes, inputs, [out] if out else [],
                     back_edges=self.back)

    def block(self, stmts: list, env: Env) -> Env:
        for s in stmts:
            if isinstance(s, gast.Assign):
                self.assign(s, env)
            elif isinstance(s, gast.If):
                env = self.join(s, self.block(s.body, dict(env)),
                                self.block(s.orelse, dict(env)))
            elif isinstance(s, (gast.For, gast.While)):
                env = self.loop(s, env)
        return env

    def assign(self, s: gast.Assign, env: Env) -> None:
        """A node for what ``s`` computes, with an edge per use of each operand."""
        target = s.targets[0].id
        prim = primitive(s.value, self.namespace, self.local)
        if prim is not None and prim.key == IDENTITY:
            source = env.get(prim.args[0].id)
            if source is None:
                env.pop(target, None)
            else:
                env[target] = source
            return
        tree, expr = computed(prim, substituted(s.value, lambda n: self.drawn(n, env)))
        node = Node(target, op_label(prim), line=getattr(s, "lineno", None),
                    origin=getattr(s, "s2sad_origin", None), expr=expr,
                    parents=[env[n] for n in operands(s.value) if n in self.local and n in env])
        if is_user(target, self.user):
            node.label = display_name(target, self.user)
            node.tree = name_tree(node.label)
        else:
            node.label, node.named, node.tree = node.expr or "", False, tree
        self.nodes.append(node)
        env[target] = node

    def drawn(self, name: str, env: Env) -> ast.expr | None:
        """A read as the label shows it: a temporary's expression, else a name."""
        if name in env:
            return env[name].tree
        return name_tree(display_name(name, self.user)) if name in self.local else None

    def variable(self, name: str, op: str, s: gast.stmt, parents: list[Node]) -> Node:
        """The user's variable where definitions meet (``carried`` or ``join``)."""
        label = display_name(name, self.user)
        node = Node(name, op, parents=parents, line=getattr(s, "lineno", None),
                    origin=getattr(s, "s2sad_origin", None), tree=name_tree(label))
        node.label = label
        self.nodes.append(node)
        return node

    def join(self, s: gast.If, body: Env, orelse: Env) -> Env:
        """After an ``if``: a name the branches leave holding different nodes is
        the user's variable, joined from both."""
        env = {**orelse, **body}
        for name in body:
            if name in orelse and body[name] is not orelse[name]:
                env[name] = self.variable(name, "join", s, [body[name], orelse[name]])
        return env

    def loop(self, s: gast.For | gast.While, env: Env) -> Env:
        """A user's variable the body reassigns is carried: one node at the top of
        the loop, from its value before it and from the end of the body."""
        env = dict(env)
        if isinstance(s, gast.For) and isinstance(s.target, gast.Name):
            env.pop(s.target.id, None)  # a loop counter is not drawn
        carried = {}
        for name in assigned(s.body):
            if name in env and is_user(name, self.user):
                carried[name] = env[name] = self.variable(name, "carried", s, [env[name]])
        after = self.block(s.body, dict(env))
        for name, node in carried.items():
            last = after.get(name)
            if last is not None and last is not node:
                node.parents.append(last)
                self.back.append((last, node))
            after[name] = node
        return self.block(getattr(s, "orelse", []), after)


def assigned(stmts: list) -> list[str]:
    """Names assigned anywhere in ``stmts`` (loops and branches inside included)."""
    found: dict[str, None] = {}
    for s in stmts:
        for n in gast.walk(s):
            if isinstance(n, gast.Assign):
                found.update((t.id, None) for t in n.targets if isinstance(t, gast.Name))
    return list(found)


def static_graph(prep: pipeline.Prepared) -> Graph:
    """The static graph of ``prep`` (see the module's docstring)."""
    return Static(prep).build()
