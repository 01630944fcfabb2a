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
  (:mod:`s2sad.rules`), so the picture and the generated code agree.

``Node.parents`` and ``Node.children`` hold :class:`Node` objects.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from s2sad import runtime, structure
from s2sad.compiler import pipeline
from s2sad.compiler.primitives import IDENTITY, Prim, primitive
from s2sad.graph_backward import Backward, Step, compile_node
from s2sad.graph_render import rendered, save, to_dot, to_mermaid

MAX_LOOP_NODES = 200  # per outermost loop; the rest is drawn as one "truncated" node
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
    truncated: bool = False  # some loop iterations are drawn as one node
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

    def to_mermaid(self) -> str:
        """Mermaid ``flowchart TD`` text; labels carry values and adjoints when known."""
        return to_mermaid(self)

    def to_dot(self) -> str:
        """Graphviz DOT text; labels carry values and adjoints when known."""
        return to_dot(self)

    def _repr_markdown_(self) -> str:
        """A notebook shows the graph as a Mermaid block (JupyterLab and GitHub draw it)."""
        return f"```mermaid\n{self.to_mermaid()}\n```"

    def _repr_svg_(self) -> str | None:
        """The picture, when the ``graphviz`` package and its ``dot`` program are there."""
        return rendered(self.to_dot(), "svg")

    def save(self, path: str) -> None:
        """Write the graph: ``.dot``, ``.mmd`` (text), ``.svg`` or ``.png`` (graphviz)."""
        save(self, path)


def graph(f: Callable, *args: Any, wrt: Any = 0, max_loop_nodes: int = MAX_LOOP_NODES) -> Graph:
    """The graph of ``f``: static without ``args``, executed (values, adjoints) with them.

    Adjoints are derivatives of the output (of the sum of its entries when it
    is not a scalar) for every node; ``wrt`` only marks inputs as the ones of
    interest (``graph.wrt``, highlighted in the drawings).
    """
    positions, _ = structure.resolve_wrt(f, wrt)
    prep = pipeline.prepare(f, "ssa")
    if args:
        values = structure.bind_call(f, f"graph({f.__name__})", args, {}).arguments
        out = _Tracer(prep, max_loop_nodes).run(dict(values))
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

    back: list[tuple[Node, Node]] = []
    for name, ds in defs.items():
        child = nodes.get(name) if name not in alias else None
        for s, *_ in ds if child is not None else ():
            for read in _reads(s.value):
                parent = resolve(read) if read in local else None
                if parent is None or parent is child or parent in child.parents:
                    continue
                child.parents.append(parent)
                if where[parent.name] > where[name]:
                    back.append((parent, child))
    result = _result(fn_node)
    out = resolve(result.id) if isinstance(result, gast.Name) else None
    order = sorted(nodes.values(), key=lambda n: where[n.name])
    return Graph(fn_node.name, order, inputs, [out] if out else [], back_edges=back)


# ----- the executed graph -----

class _Tracer:
    """Runs the core form, recording one step per executed assignment."""

    def __init__(self, prep: pipeline.Prepared, cap: int) -> None:
        self.prep, self.cap = prep, cap
        self.namespace = prep.namespace
        self.local = _local_names(prep.node)
        self.env: dict[str, Any] = {}
        self.node_of: dict[str, Node] = {}
        self.steps: list[Step] = []
        self.iters: list[int] = []
        self.used: set[str] = set()
        self.loop_count, self.group, self.loop_line = 0, 0, None
        self.hidden_lines: dict[int, int | None] = {}
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
        for step in self.steps:
            if step.node is out:
                step.group = None  # the output is always drawn
        Backward(self.namespace, self.notes).run(self.steps, inputs, out)
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
        base = re.sub(r"_new(_\d+)?$", "", name) if self.iters else name
        label = base + ("@" + ".".join(map(str, self.iters)) if self.iters else "")
        k, unique = 2, label
        while unique in self.used:
            unique, k = f"{label}#{k}", k + 1
        self.used.add(unique)
        return Node(unique, op, line=getattr(stmt, "lineno", None),
                    origin=getattr(stmt, "s2sad_origin", None), value=value)

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
        exc.s2sad_where = f"{self.prep.src.filename}:{getattr(s, 'lineno', '?')}"
        if hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(f"raised while s2sad.graph ran {getattr(s, 's2sad_origin', None)}")

    def code(self, node: gast.AST, mode: str = "eval") -> Any:
        if id(node) not in self.codes:
            self.codes[id(node)] = (node, compile_node(node, mode))
        return self.codes[id(node)][1]

    def eval(self, expr: gast.expr) -> Any:
        return eval(self.code(expr), self.namespace, self.env)  # noqa: S307

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
        self.steps.append(Step(node, prim, reads, arg_nodes, self.hide(s)))
        self.node_of[name] = node
        return None

    def hide(self, s: gast.AST) -> int | None:
        """The group of a step past the loop cap (drawn as one node), else ``None``."""
        if not self.iters:
            return None
        self.loop_count += 1
        if self.loop_count <= self.cap:
            return None
        self.hidden_lines.setdefault(self.group, self.loop_line)
        return self.group

    def do_If(self, s: gast.If) -> Any:
        return self.block(s.body if self.eval(s.test) else s.orelse)

    def loop(self, s: gast.stmt, iterations: Any) -> Any:
        if not self.iters:
            self.loop_count, self.group = 0, self.group + 1
            self.loop_line = getattr(s, "lineno", None)
        self.iters.append(0)
        try:
            for k, _ in enumerate(iterations):
                self.iters[-1] = k
                signal = self.block(s.body)
                if signal == "break":
                    break
                if signal is not None:
                    return signal
        finally:
            self.iters.pop()
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
        exec(self.code(s, "exec"), self.namespace, self.env)  # noqa: S102
        return None

    # ----- the drawn graph -----

    def finish(self, inputs: list[Node], out: Node) -> Graph:
        """Visible nodes in order; each truncated loop's hidden steps become one node."""
        nodes: list[Node] = list(inputs)
        standin: dict[int, Node] = {}
        hidden: dict[Node, Node] = {}
        for step in self.steps:
            if step.group is None:
                nodes.append(step.node)
                continue
            if step.group not in standin:
                line = self.hidden_lines[step.group]
                standin[step.group] = Node(f"...loop at line {line}", "truncated", line=line)
                nodes.append(standin[step.group])
            hidden[step.node] = standin[step.group]
        for count, (group, node) in enumerate(standin.items()):
            n = sum(1 for s in self.steps if s.group == group)
            node.name = f"... {n} more" + (f" #{count + 1}" if count else "")
            self.notes.append(f"loop at line {node.line}: showing {self.cap} nodes; "
                              f"{n} more are drawn as one node")
        for node in nodes:
            parents = [hidden.get(p, p) for p in node.parents]
            node.parents = [p for p in dict.fromkeys(parents) if p is not node]
        for h, stand in hidden.items():
            stand.parents += [p for p in h.parents if p not in hidden and p not in stand.parents]
        outputs = [hidden.get(out, out)]
        return Graph(self.prep.node.name, nodes, inputs, outputs, executed=True,
                     truncated=bool(standin), notes=self.notes)
