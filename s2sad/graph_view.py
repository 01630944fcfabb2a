"""The computational graph of a function, drawn as textbooks draw it.

Why: the generated derivative is code; the graph is the picture behind it,
one node per value and one edge per data dependency, so a reader can check
the chain rule by hand.

- ``graph(f)`` is the *static* graph of the SSA core form (``pipeline.prepare``):
  one node per assigned name, edges from the names a statement reads.  Plain
  copies (``y = x``) are not nodes; a name that several statements assign
  (the join after an ``if``, a value carried around a loop) is a ``phi``
  node.  Edges that go back around a loop are listed in ``back_edges`` and
  drawn dashed, so ``nodes`` is in topological order for the other edges.
- ``graph(f, *args)`` is the *executed* graph: the core form is run statement
  by statement, so a loop appears as the iterations that ran (``s@2`` is
  ``s`` in iteration 2; ``@1.0`` in nested loops) and a branch as the branch
  taken.  Each node gets ``.value``, and ``.adjoint`` from a reverse pass that
  evaluates the same rule templates the generated derivatives use
  (:mod:`s2sad.rules`), so the picture and the generated code agree.  Nodes
  carry the user's names (``s``, not the SSA form's ``s_1``), the output
  computed by a compiler temporary is named after the function, and a long
  loop is *folded*: when one of its lines ran more than ``fold_after`` times,
  only its first iterations are drawn and the rest is one node that says how many.

``Node.parents`` and ``Node.children`` hold :class:`Node` objects.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from s2sad import runtime, structure
from s2sad.compiler import pipeline
from s2sad.compiler.primitives import IDENTITY, Prim, primitive
from s2sad.graph_backward import Backward, Step, compile_node
from s2sad.graph_render import rendered, save, to_dot, to_mermaid

FOLD_AFTER = 30  # times one line of a loop run may be drawn; past that the run is folded
SHOWN_ITERATIONS = 3  # the iterations of a folded loop that are drawn
EXPR_CHARS = 40  # longest right-hand side drawn in a label
_LABELS = ((runtime.list_init, "list"), (runtime.tuple_init, "tuple"),
           (runtime.dict_init, "dict"))


@dataclass(eq=False)
class Node:
    """One value: what computed it, from which values, on which user line."""

    name: str
    op: str
    parents: list[Node] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    line: int | None = None
    origin: str | None = None  # "line 7: a = x + y"
    value: Any = None
    adjoint: Any = None
    expr: str | None = None  # what computed it, in the drawn names: "x + y"
    folded: int = 0  # for a folded loop's node: how many nodes it stands for

    def __repr__(self) -> str:
        return f"<Node {self.name} = {self.op}>"


@dataclass
class Graph:
    """Nodes in topological order, with the function's inputs and outputs."""

    name: str
    nodes: list[Node]
    inputs: list[Node]
    outputs: list[Node]
    executed: bool = False
    truncated: bool = False  # some loop iterations are folded into one node
    notes: list[str] = field(default_factory=list)
    back_edges: list[tuple[Node, Node]] = field(default_factory=list)  # (parent, child)
    wrt: list[Node] = field(default_factory=list)

    def node(self, name: str) -> Node:
        """The node called ``name`` (``KeyError`` if there is none)."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"no node {name!r} in the graph of {self.name}; nodes: "
                       + ", ".join(n.name for n in self.nodes))

    __getitem__ = node

    def reaches(self, output: str | Node | None = None) -> list[Node]:
        """The inputs some path of the graph joins to ``output`` (the first output by
        default): where that output's row of the Jacobian can be nonzero; the others'
        entries are zero whatever the values (docs/sparsity.md)."""
        start = self.outputs[0] if output is None else \
            output if isinstance(output, Node) else self.node(output)
        seen: set[int] = set()
        todo = [start]
        while todo:
            n = todo.pop()
            if id(n) in seen:
                continue
            seen.add(id(n))
            todo.extend(n.parents)
            todo.extend(p for p, c in self.back_edges if c is n)
        return [n for n in self.inputs if id(n) in seen]

    def __repr__(self) -> str:
        """Short, since a notebook falls back to it: the name, size, and kind."""
        kind = "executed at the given arguments" if self.executed else "static (SSA form)"
        folded = ", long loops folded" if self.truncated else ""
        return f"<Graph of {self.name}: {len(self.nodes)} nodes, {kind}{folded}>"

    def to_mermaid(self) -> str:
        """Mermaid ``flowchart LR`` text; labels carry values and adjoints when known."""
        return to_mermaid(self)

    def to_dot(self) -> str:
        """Graphviz DOT text; labels carry values and adjoints when known."""
        return to_dot(self)

    def _repr_markdown_(self) -> str:
        """A notebook shows the graph as a Mermaid block (JupyterLab and GitHub draw it)."""
        return f"```mermaid\n{self.to_mermaid()}\n```"

    def _repr_svg_(self) -> str | None:
        """The picture, when the ``graphviz`` package and its ``dot`` program are there."""
        svg = rendered(self.to_dot(), "svg")
        assert not isinstance(svg, bytes)  # (svg is drawn as text)
        return svg

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """One drawing for a notebook: the SVG picture when Graphviz draws it, else the
        Mermaid block.  Why not leave it to the two ``_repr_`` methods: given both,
        Jupyter shows the Markdown, and the picture would never be seen."""
        svg = self._repr_svg_()
        drawing = {"image/svg+xml": svg} if svg is not None else \
            {"text/markdown": self._repr_markdown_()}
        return {"text/plain": repr(self), **drawing}

    def _ipython_display_(self) -> None:
        """IPython displays the bundle alone (it would add the other ``_repr_`` forms)."""
        from IPython.display import display
        display(self._repr_mimebundle_(), raw=True)

    def save(self, path: str) -> None:
        """Write the graph: ``.dot``, ``.mmd`` (text), ``.svg`` or ``.png`` (graphviz)."""
        save(self, path)


def graph(f: Callable, *args: Any, wrt: Any = 0, fold_after: int | None = FOLD_AFTER,
          shown_iterations: int = SHOWN_ITERATIONS) -> Graph:
    """The graph of ``f``: static without ``args``, executed (values, adjoints) with them.

    Adjoints are derivatives of the output (of the sum of its entries when it
    is not a scalar) for every node; ``wrt`` only marks inputs as the ones of
    interest (``graph.wrt``, highlighted in the drawings).  A loop one of whose
    lines ran more than ``fold_after`` times (``None``: no limit) is drawn as its
    first ``shown_iterations`` iterations and one node for the rest, so the
    picture stays readable; values and adjoints are computed for all.
    """
    positions, _ = structure.resolve_wrt(f, wrt)
    prep = pipeline.prepare(f, "ssa")
    if args:
        values = structure.bind_call(f, f"graph({f.__name__})", args, {}).arguments
        out = _Tracer(prep, fold_after, shown_iterations).run(dict(values))
    else:
        out = _static(prep)
    out.wrt = [out.inputs[i] for i in positions if i < len(out.inputs)]
    for child in out.nodes:
        for parent in child.parents:
            parent.children.append(child)
    return out


# ----- what a statement computes -----

def op_label(prim: Prim | None) -> str:
    """``mul``, ``np.sin``, ``getitem``, ``const``: the primitive as a short word."""
    if prim is None:
        return "const"
    if prim.key == IDENTITY:
        return "copy"
    if prim.label:
        return prim.label
    for key, label in _LABELS:
        if prim.key is key:
            return label
    return getattr(prim.key, "__name__", str(prim.key))


def _local_names(node: gast.FunctionDef) -> set[str]:
    names = {a.id for a in node.args.args + node.args.kwonlyargs}
    return names | {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Store)}


def _reads(expr: gast.AST) -> list[str]:
    """Names an expression reads, in order, each once."""
    seen: list[str] = []
    for n in gast.walk(expr):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id not in seen:
            seen.append(n.id)
    return seen


def _params(node: gast.FunctionDef) -> list[str]:
    return [a.id for a in node.args.args + node.args.kwonlyargs]


def _result(node: gast.FunctionDef) -> gast.expr | None:
    last = node.body[-1] if node.body else None
    return last.value if isinstance(last, gast.Return) else None


def _user_names(prep: pipeline.Prepared) -> set[str]:
    """The names the user wrote in the function (its parameters and locals)."""
    return set(getattr(getattr(prep.src.fn, "__code__", None), "co_varnames", ()))


def display_name(name: str, user: set[str]) -> str:
    """The user's name behind an SSA name (``s_1_new`` -> ``s``); a compiler
    temporary (``mul_1``) keeps its own, since the user has none for it."""
    base = name
    while base not in user:
        shorter = re.sub(r"_(new|\d+)$", "", base)
        if shorter == base:
            return name
        base = shorter
    return base


def expr_text(expr: gast.expr, names: dict[str, str]) -> str:
    """The core form's right-hand side as the picture names things: ``s@1 + mul@2``."""
    tree = gast.gast_to_ast(expr)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            node.id = names[node.id]
    text = ast.unparse(tree)
    return text if len(text) <= EXPR_CHARS else text[:EXPR_CHARS - 3] + "..."


def _output_name(fn_node: gast.FunctionDef, out: Node, user: set[str], taken: set[str]) -> None:
    """Name the output after the function when a compiler temporary computed it
    (``f = a * x``, as textbooks write it, rather than ``mul = a * x``)."""
    base, at, rest = out.name.partition("@")
    if out.op in ("input", "folded") or display_name(base, user) in user or \
            fn_node.name in user:
        return
    name = fn_node.name + at + rest
    if name not in taken:
        out.name = name


# ----- the static graph -----

def _assignments(stmts: list, loops: tuple = ()) -> list[tuple[gast.Assign, tuple]]:
    """Assignments in program order, each with the loops around it."""
    out: list[tuple[gast.Assign, tuple]] = []
    for s in stmts:
        if isinstance(s, gast.Assign):
            out.append((s, loops))
        inner = loops + (s,) if isinstance(s, (gast.For, gast.While)) else loops
        for block in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                out += _assignments(getattr(s, block), inner)
    return out


def _position(defs: list[tuple[int, tuple]]) -> int:
    """Where a name's node goes: after its last definition (the join after an
    ``if``), not counting those inside a loop its first one is outside of
    (a value carried around the loop is drawn before the loop)."""
    first_loops = set(map(id, defs[0][1]))
    return max(k for k, loops in defs if set(map(id, loops)) <= first_loops)


def _static(prep: pipeline.Prepared) -> Graph:
    """One node per SSA name; single copies are followed to what they copy."""
    fn_node, local = prep.node, _local_names(prep.node)
    defs: dict[str, list] = {}
    for k, (s, loops) in enumerate(_assignments(fn_node.body)):
        defs.setdefault(s.targets[0].id, []).append(
            (s, primitive(s.value, prep.namespace, local), k, loops))
    alias = {name: ds[0][1].args[0].id for name, ds in defs.items()
             if len(ds) == 1 and ds[0][1] is not None and ds[0][1].key == IDENTITY}
    inputs = [Node(p, "input", line=fn_node.lineno) for p in _params(fn_node)]
    nodes = {n.name: n for n in inputs}
    where = {n.name: -1 for n in inputs}
    for name, ds in defs.items():
        if name not in alias and name not in nodes:
            s = ds[0][0]
            nodes[name] = Node(name, "phi" if len(ds) > 1 else op_label(ds[0][1]),
                               line=getattr(s, "lineno", None),
                               origin=getattr(s, "s2sad_origin", None))
            where[name] = _position([(k, loops) for _, _, k, loops in ds])

    def resolve(name: str, seen: tuple = ()) -> Node | None:
        if name in alias and name not in seen:
            return resolve(alias[name], seen + (name,))
        return nodes.get(name)

    pos = {id(node): where[name] for name, node in nodes.items()}
    result = _result(fn_node)
    out = resolve(result.id) if isinstance(result, gast.Name) else None
    if out is not None:
        _output_name(fn_node, out, _user_names(prep), set(nodes))
    back: list[tuple[Node, Node]] = []
    for name, ds in defs.items():
        child = nodes.get(name) if name not in alias else None
        if child is not None:
            back += _link(child, [s.value for s, *_ in ds], local, resolve, pos)
    order = sorted(nodes.values(), key=lambda n: pos[id(n)])
    return Graph(fn_node.name, order, inputs, [out] if out else [], back_edges=back)


def _link(child: Node, values: list[gast.expr], local: set[str], resolve: Callable,
          pos: dict[int, int]) -> list[tuple[Node, Node]]:
    """Give ``child`` the parents its definitions read and its drawn right-hand side;
    return the edges that go back around a loop."""
    back = []
    for value in values:
        for read in _reads(value):
            parent = resolve(read) if read in local else None
            if parent is None or parent is child or parent in child.parents:
                continue
            child.parents.append(parent)
            if pos[id(parent)] > pos[id(child)]:
                back.append((parent, child))
    child.expr = _static_expr(child, values[0], resolve)
    return back


def _static_expr(node: Node, value: gast.expr, resolve: Callable) -> str:
    """``phi(s, s_1_new)`` for a join, else the defining right-hand side."""
    if node.op == "phi":
        return f"phi({', '.join(p.name for p in node.parents)})"
    found = {read: resolve(read) for read in _reads(value)}
    return expr_text(value, {read: n.name for read, n in found.items() if n is not None})


# ----- the executed graph -----

class _Tracer:
    """Runs the core form, recording one step per executed assignment."""

    def __init__(self, prep: pipeline.Prepared, cap: int | None, shown: int) -> None:
        self.prep, self.cap, self.shown = prep, cap, shown
        self.namespace = prep.namespace
        self.local = _local_names(prep.node)
        self.user = _user_names(prep)
        self.shown_as: dict[str, str] = {}  # SSA name -> the name drawn
        self.env: dict[str, Any] = {}
        self.node_of: dict[str, Node] = {}
        self.steps: list[Step] = []
        self.iters: list[int] = []
        self.runs: list[int] = []  # the loop runs around the statement being run
        self.run_line: dict[int, int | None] = {}  # loop run -> the loop's line
        self.run_trips: dict[int, int] = {}  # loop run -> iterations it made
        self.used: set[str] = set()
        self.notes: list[str] = []
        self.codes: dict[int, tuple] = {}
        self.prims: dict[int, tuple] = {}

    def run(self, values: dict[str, Any]) -> Graph:
        fn_node = self.prep.node
        inputs = []
        for p in _params(fn_node):
            self.env[p] = values[p]
            inputs.append(self.new_node(p, "input", fn_node, values[p]))
            self.node_of[p] = inputs[-1]
        signal = self.block(fn_node.body)
        out = self.output(signal)
        Backward(self.namespace, self.notes).run(self.steps, inputs, out)
        _output_name(fn_node, out, self.user, self.used)
        return self.finish(inputs, out)

    def output(self, signal: Any) -> Node:
        """The returned value's node (a new ``const`` one if no node holds it)."""
        if isinstance(signal, tuple) and signal[2] is not None:
            return signal[2]
        value = signal[1] if isinstance(signal, tuple) else None
        node = self.new_node("result", "const", self.prep.node, value)
        self.steps.append(Step(node, None, {}, {}))
        return node

    def new_node(self, name: str, op: str, stmt: gast.AST, value: Any) -> Node:
        if name not in self.shown_as:
            self.shown_as[name] = display_name(name, self.user)
        base = self.shown_as[name]
        label = base + ("@" + ".".join(map(str, self.iters)) if self.iters else "")
        return Node(self.unique(label), op, line=getattr(stmt, "lineno", None),
                    origin=getattr(stmt, "s2sad_origin", None), value=value)

    def unique(self, label: str) -> str:
        """``label``, or ``label#2``... when a node already has it (``y = y + x``)."""
        k, unique = 2, label
        while unique in self.used:
            unique, k = f"{label}#{k}", k + 1
        self.used.add(unique)
        return unique

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
            self.prims[id(s)] = (primitive(s.value, self.namespace, self.local),
                                 [n for n in _reads(s.value) if n in self.local])
        prim, names = self.prims[id(s)]
        self.env[name] = value
        if prim is not None and prim.key == IDENTITY:
            source = self.node_of.get(prim.args[0].id)
            if source is None:
                self.node_of.pop(name, None)
            else:
                self.node_of[name] = source  # a copy is drawn as the value it copies
            return None
        reads = {n: self.env[n] for n in names if n in self.env}
        arg_nodes = {n: self.node_of[n] for n in reads if n in self.node_of}
        node = self.new_node(name, op_label(prim), s, value)
        node.parents = list(dict.fromkeys(arg_nodes.values()))
        loops = tuple(zip(self.runs, self.iters)) if self.runs else ()
        self.steps.append(Step(node, prim, reads, arg_nodes, loops=loops, expr=s.value))
        self.node_of[name] = node
        return None

    def do_If(self, s: gast.If) -> Any:
        return self.block(s.body if self.eval(s.test) else s.orelse)

    def loop(self, s: gast.stmt, iterations: Any) -> Any:
        run = len(self.run_line)
        self.run_line[run], self.run_trips[run] = getattr(s, "lineno", None), 0
        self.runs.append(run)
        self.iters.append(0)
        try:
            for k, _ in enumerate(iterations):
                self.iters[-1], self.run_trips[run] = k, k + 1
                signal = self.block(s.body)
                if signal == "break":
                    break
                if signal is not None:
                    return signal
        finally:
            self.iters.pop()
            self.runs.pop()
        return None

    def do_For(self, s: gast.For) -> Any:
        def iterations() -> Any:
            for v in self.eval(s.iter):
                self.env[s.target.id] = v
                self.node_of.pop(s.target.id, None)  # a loop counter is not drawn
                yield v
        return self.loop(s, iterations())

    def do_While(self, s: gast.While) -> Any:
        def iterations() -> Any:
            while self.eval(s.test):
                yield None
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

    def finish(self, inputs: list[Node], out: Node) -> Graph:
        """Visible nodes in order, each folded loop run's steps drawn as one node."""
        folded = self.fold(out)
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
        self.rewire(nodes, hidden)
        for step in self.steps:
            if step.group is None and step.expr is not None:
                step.node.expr = self.expr(step)
        for run in sorted(folded):
            self.notes.append(f"loop at line {self.run_line[run]}: {self.run_trips[run]} "
                              f"iterations; the first {self.shown} are drawn, the other "
                              f"{standin[run].folded} nodes as one")
        return Graph(self.prep.node.name, nodes, inputs, [hidden.get(out, out)],
                     executed=True, truncated=bool(standin), notes=self.notes)

    def folded_node(self, step: Step) -> Node:
        """``... 997 more iterations of line 12`` (``(@1)``: in iteration 1 of the loop
        around it)."""
        run = step.group
        assert run is not None  # (finish() folds only steps of a loop run)
        more, line = self.run_trips[run] - self.shown, self.run_line[run]
        outer = [str(k) for r, k in step.loops[:[r for r, _ in step.loops].index(run)]]
        where = f" (@{'.'.join(outer)})" if outer else ""
        name = f"... {more} more iteration{'s' * (more != 1)} of line {line}{where}"
        return Node(self.unique(name), "folded", line=line)

    @staticmethod
    def rewire(nodes: list[Node], hidden: dict[Node, Node]) -> None:
        """Edges into and out of folded steps go to their loop's node (only from
        nodes drawn before it, so ``nodes`` stays in topological order)."""
        for node in nodes:
            parents = [hidden.get(p, p) for p in node.parents]
            node.parents = [p for p in dict.fromkeys(parents) if p is not node]
        index = {id(n): i for i, n in enumerate(nodes)}
        extra: dict[Node, dict[Node, None]] = {}
        for h, stand in hidden.items():
            for p in h.parents:
                p = hidden.get(p, p)
                if p is not stand and index[id(p)] < index[id(stand)]:
                    extra.setdefault(stand, {})[p] = None
        for stand, more in extra.items():
            stand.parents = list(dict.fromkeys(stand.parents + list(more)))

    def expr(self, step: Step) -> str:
        """The step's right-hand side with the drawn names of the values it read."""
        names = {n: display_name(n, self.user) for n in _reads(step.expr) if n in self.local}
        names.update((n, node.name) for n, node in step.arg_nodes.items())
        return expr_text(step.expr, names)
