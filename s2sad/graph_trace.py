"""The executed graph: the core form run statement by statement.

Why run the core form and not the user's code: its statements are one
primitive each, which is what a node is, and the reverse pass
(:mod:`s2sad.graph_backward`) evaluates those primitives' rule templates, so
the picture and the generated derivative agree.  A loop appears as the
iterations that ran (``h[t=2]``), a branch as the branch taken; labels come
from :mod:`s2sad.graph_labels`.  A long loop is *folded*: when one of its
lines ran more than ``cap`` times, only its first iterations are drawn and the
rest is one node that says how many.
"""
from __future__ import annotations

import ast
from collections import Counter
from typing import Any

import gast

from s2sad.compiler import pipeline
from s2sad.compiler.primitives import IDENTITY, primitive
from s2sad.graph_backward import Backward, Step, compile_node
from s2sad.graph_labels import (
    Tag,
    assign_names,
    computed,
    display_name,
    is_user,
    local_names,
    loop_tag,
    name_output,
    name_tree,
    op_label,
    operands,
    params,
    substituted,
    tag_text,
    unique,
    user_names,
)
from s2sad.graph_view import Graph, Node


class Tracer:
    """Runs the core form, recording one step per executed assignment."""

    def __init__(self, prep: pipeline.Prepared, cap: int | None, shown: int) -> None:
        self.prep, self.cap, self.shown = prep, cap, shown
        self.namespace = prep.namespace
        self.local = local_names(prep.node)
        self.user = user_names(prep)
        self.env: dict[str, Any] = {}
        self.node_of: dict[str, Node] = {}
        self.steps: list[Step] = []
        self.iters: list[int] = []
        self.tags: list[Tag] = []  # how each loop around the statement names its iteration
        self.runs: list[int] = []  # the loop runs around the statement being run
        self.run_line: dict[int, int | None] = {}  # loop run -> the loop's line
        self.run_trips: dict[int, int] = {}  # loop run -> iterations it made
        self.used: set[str] = set()
        self.notes: list[str] = []
        self.codes: dict[int, tuple] = {}
        self.prims: dict[int, tuple] = {}
        self.shown_as: dict[str, str | None] = {}  # SSA name -> the user's, None: temporary
        self.pending: dict[Node, tuple[Step, dict[str, int]]] = {}  # labels made when drawn

    def run(self, values: dict[str, Any]) -> Graph:
        fn_node = self.prep.node
        inputs = []
        for p in params(fn_node):
            self.env[p] = values[p]
            inputs.append(Node(p, "input", line=fn_node.lineno, value=values[p],
                               tree=name_tree(p)))
            self.node_of[p] = inputs[-1]
        out = self.output(self.block(fn_node.body))
        folded = self.fold(out)
        drawn = inputs + [step.node for step in self.steps if step.group is None]
        for node in drawn:
            self.describe(node)
        name_output(fn_node.name, out, self.user)
        assign_names(drawn, self.used)
        Backward(self.namespace, self.notes).run(self.steps, inputs, out)
        return self.finish(inputs, out, folded)

    def output(self, signal: Any) -> Node:
        """The returned value's node (a new ``const`` one if no node holds it)."""
        if isinstance(signal, tuple) and signal[2] is not None:
            return signal[2]
        value = signal[1] if isinstance(signal, tuple) else None
        node = Node("result", "const", line=self.prep.node.lineno, value=value)
        self.steps.append(Step(node, None, {}, {}))
        return node

    def new_node(self, name: str, op: str, stmt: gast.AST, value: Any) -> Node:
        """A user's variable is labelled now (``h[t=0]``, cheap); what computed it,
        and a temporary's label, when it is drawn (:meth:`describe`)."""
        tags = tuple(self.tags)
        node = Node(name, op, line=getattr(stmt, "lineno", None), value=value,
                    origin=getattr(stmt, "s2sad_origin", None), tags=tags)
        if name not in self.shown_as:
            self.shown_as[name] = display_name(name, self.user) \
                if is_user(name, self.user) else None
        shown = self.shown_as[name]
        if shown is None:
            node.named = False
        else:
            node.label = shown + tag_text(tags)
            node.tree = name_tree(node.label)
        return node

    def describe(self, node: Node) -> ast.expr | None:
        """Fill in ``node.expr`` (and a temporary's label, ``W @ h[t=0]``) from the
        labels of what it read; return the tree other labels put it in as.  Why
        lazily: a long folded loop's hidden steps are never drawn, and labelling
        them would cost more than running them."""
        if node in self.pending and node.expr is None:
            step, counters = self.pending[node]
            tree, node.expr = computed(step.prim, substituted(
                step.expr, lambda n: self.drawn(n, step.arg_nodes, counters)))
            if not node.named:
                node.label, node.tree = node.expr, tree
        return node.tree

    # ----- statements -----

    def block(self, stmts: list) -> Any:
        for s in stmts:
            try:
                signal = getattr(self, "do_" + type(s).__name__, self.do_other)(s)
            except Exception as exc:
                self.locate(exc, s)
                raise
            if signal is not None:
                return signal
        return None

    def locate(self, exc: Exception, s: gast.stmt) -> None:
        """Tell the reader (and the CLI, by ``exc.s2sad_where``) which user line raised."""
        if hasattr(exc, "s2sad_where"):
            return
        where = f"{self.prep.src.filename}:{getattr(s, 'lineno', '?')}"
        exc.s2sad_where = where  # type: ignore[attr-defined]  # (any exception the code raised)
        if hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(f"raised while s2sad.graph ran {getattr(s, 's2sad_origin', None)}")

    def code(self, node: gast.AST, mode: str = "eval") -> Any:
        if id(node) not in self.codes:
            self.codes[id(node)] = (node, compile_node(node, mode))
        return self.codes[id(node)][1]

    def eval(self, expr: gast.expr) -> Any:
        return eval(self.code(expr), self.namespace, self.env)

    def do_Assign(self, s: gast.Assign) -> None:
        name, value = s.targets[0].id, self.eval(s.value)
        if id(s) not in self.prims:  # one Prim per statement: the reverse pass plans by it
            uses = [n for n in operands(s.value) if n in self.local]
            names = list(dict.fromkeys(uses))
            self.prims[id(s)] = (primitive(s.value, self.namespace, self.local), names, uses,
                                 [n for n in names if not is_user(n, self.user)])
        prim, names, uses, counters = self.prims[id(s)]
        self.env[name] = value
        if prim is not None and prim.key == IDENTITY:
            self.copy(name, prim.args[0].id)
            return None
        reads = {n: self.env[n] for n in names if n in self.env}
        arg_nodes = {n: self.node_of[n] for n in reads if n in self.node_of}
        node = self.new_node(name, op_label(prim), s, value)
        node.parents = [arg_nodes[n] for n in uses if n in arg_nodes]  # one per use
        loops = tuple(zip(self.runs, self.iters)) if self.runs else ()
        self.steps.append(Step(node, prim, reads, arg_nodes, loops=loops, expr=s.value))
        self.pending[node] = (self.steps[-1], {n: reads[n] for n in counters if n in reads
                                               and isinstance(reads[n], int)})
        self.node_of[name] = node
        return None

    def copy(self, name: str, source: str) -> None:
        """A copy is drawn as the value it copies (``h = x`` adds no node)."""
        if source in self.node_of:
            self.node_of[name] = self.node_of[source]
        else:
            self.node_of.pop(name, None)

    def drawn(self, name: str, arg_nodes: dict[str, Node],
              counters: dict[str, int]) -> ast.expr | None:
        """How a name read by a statement appears in its label: a value's label, a
        temporary's expression, a compiler's loop counter as its number."""
        if name in arg_nodes:  # a user's value is its label; a temporary, described
            node = arg_nodes[name]
            return node.tree if node.tree is not None else self.describe(node)
        if name in counters:
            return ast.Constant(counters[name])
        return name_tree(display_name(name, self.user)) if name in self.local else None

    def do_If(self, s: gast.If) -> Any:
        return self.block(s.body if self.eval(s.test) else s.orelse)

    def loop(self, s: gast.stmt, iterations: Any) -> Any:
        """Run the body once per tag ``iterations`` yields (it sets up the iteration)."""
        run = len(self.run_line)
        self.run_line[run], self.run_trips[run] = getattr(s, "lineno", None), 0
        self.runs.append(run)
        self.iters.append(0)
        self.tags.append(("trip", "1"))
        try:
            for k, tag in enumerate(iterations):
                self.iters[-1], self.tags[-1], self.run_trips[run] = k, tag, k + 1
                signal = self.block(s.body)
                if signal == "break":
                    break
                if signal is not None:
                    return signal
        finally:
            self.iters.pop()
            self.tags.pop()
            self.runs.pop()
        return None

    def do_For(self, s: gast.For) -> Any:
        def iterations() -> Any:
            for k, v in enumerate(self.eval(s.iter)):
                self.env[s.target.id] = v
                self.node_of.pop(s.target.id, None)  # a loop counter is not drawn
                yield loop_tag(s.target.id, v, k, self.user)
        return self.loop(s, iterations())

    def do_While(self, s: gast.While) -> Any:
        def iterations() -> Any:
            k = 0
            while self.eval(s.test):
                k += 1
                yield loop_tag(None, None, k - 1, self.user)
        return self.loop(s, iterations())

    def do_Break(self, s: gast.Break) -> str:
        return "break"

    def do_Return(self, s: gast.Return) -> tuple:
        value = s.value
        node = self.node_of.get(value.id) if isinstance(value, gast.Name) else None
        return ("return", self.eval(value) if value is not None else None, node)

    def do_other(self, s: gast.stmt) -> None:
        """``print(...)``, ``assert``, ``raise``: run as they are, nothing recorded."""
        exec(self.code(s, "exec"), self.namespace, self.env)
        return None

    # ----- the drawn graph -----

    def fold(self, out: Node) -> set[int]:
        """Mark the steps of long loop runs past their first iterations (``step.group``
        is the run); return the folded runs.  A run is long when one of its lines
        ran more than ``cap`` times in it (a line computing ``s + x * i`` draws two
        nodes each time; a line in a loop inside counts each inner trip); the
        outermost long run around a step folds it."""
        ran = {(step.node.line, step.loops) for step in self.steps if step.loops}
        per_line: dict[int, Counter] = {}
        for line, loops in ran:
            for run, _ in loops:
                per_line.setdefault(run, Counter())[line] += 1
        long = {run for run, lines in per_line.items() if self.cap is not None and
                max(lines.values()) > self.cap and self.run_trips[run] > self.shown}
        for step in self.steps:
            if step.node is not out:  # the output is always drawn
                step.group = next((run for run, k in step.loops
                                   if run in long and k >= self.shown), None)
        return {step.group for step in self.steps if step.group is not None}

    def finish(self, inputs: list[Node], out: Node, folded: set[int]) -> Graph:
        """Visible nodes in order, each folded loop run's steps drawn as one node."""
        nodes: list[Node] = list(inputs)
        standin: dict[int, Node] = {}
        hidden: dict[Node, Node] = {}
        for step in self.steps:
            if step.group is None:
                nodes.append(step.node)
            elif step.group not in standin:
                standin[step.group] = self.folded_node(step)
                nodes.append(standin[step.group])
            if step.group is not None:
                hidden[step.node] = standin[step.group]
                standin[step.group].folded += 1
        rewire(nodes, hidden)
        for run in sorted(folded):
            self.notes.append(f"loop at line {self.run_line[run]}: {self.run_trips[run]} "
                              f"iterations; the first {self.shown} are drawn, the other "
                              f"{standin[run].folded} nodes as one")
        return Graph(self.prep.node.name, nodes, inputs, [hidden.get(out, out)],
                     executed=True, truncated=bool(standin), notes=self.notes)

    def folded_node(self, step: Step) -> Node:
        """``... 997 more iterations of line 12`` (``[i=1]``: in iteration ``i=1`` of
        the loop around it)."""
        run = step.group
        assert run is not None  # (finish() folds only steps of a loop run)
        more, line = self.run_trips[run] - self.shown, self.run_line[run]
        outer = tag_text(step.node.tags[:[r for r, _ in step.loops].index(run)])
        name = f"... {more} more iteration{'s' * (more != 1)} of line {line}"
        name = unique(f"{name} {outer}" if outer else name, self.used)
        return Node(name, "folded", line=line)


def rewire(nodes: list[Node], hidden: dict[Node, Node]) -> None:
    """Edges into and out of folded steps go to their loop's node, once each (only
    from nodes drawn before it, so ``nodes`` stays in topological order); the
    other edges stay one per use."""
    for node in nodes:
        parents: list[Node] = []
        for p in node.parents:
            q = hidden.get(p, p)
            if q is not node and (q is p or q not in parents):
                parents.append(q)
        node.parents = parents
    index = {id(n): i for i, n in enumerate(nodes)}
    extra: dict[Node, dict[Node, None]] = {}
    for h, stand in hidden.items():
        for p in h.parents:
            p = hidden.get(p, p)
            if p is not stand and index[id(p)] < index[id(stand)]:
                extra.setdefault(stand, {})[p] = None
    for stand, more in extra.items():
        stand.parents = list(dict.fromkeys(stand.parents + list(more)))

