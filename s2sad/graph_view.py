"""The computational graph of a function, drawn as textbooks draw it.

Why: the generated derivative is code; the graph is the picture behind it,
one node per value and one edge per use of a value (``x * x`` has two edges
from ``x``), so a reader can check the chain rule by hand.  Everything is
labelled in the user's names (:mod:`s2sad.graph_labels`): ``h``, ``h[t=2]``
for an iteration of a loop, and a sub-expression such as ``W @ h[t=1]`` for
a value the user did not name.

- ``graph(f)`` is the *static* graph (:mod:`s2sad.graph_static`): every
  primitive of the SSA core form once, a copy (``y = x``) followed to what it
  copies, and the user's variable as a node where definitions meet (a value
  carried around a loop, the join after an ``if``).  Edges that go back around
  a loop are listed in ``back_edges`` and drawn dashed, so ``nodes`` is in
  topological order for the other edges.
- ``graph(f, *args)`` is the *executed* graph (:mod:`s2sad.graph_trace`): a
  loop appears as the iterations that ran, a branch as the branch taken, and
  each node gets ``.value`` and ``.adjoint`` (:mod:`s2sad.graph_backward`).

``Node.parents`` and ``Node.children`` hold :class:`Node` objects, a parent
once per use; ``Node.name`` is unique and is the label the drawings show.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from s2sad import structure
from s2sad.compiler import pipeline
from s2sad.graph_render import rendered, save, to_dot, to_mermaid

FOLD_AFTER = 30  # times one line of a loop run may be drawn; past that the run is folded
SHOWN_ITERATIONS = 3  # the iterations of a folded loop that are drawn


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
    label: str = ""  # what the drawing calls it: "h[t=0]", or "W @ x" for a temporary
    named: bool = True  # the label is a name (the user's, or the function's for the output)
    tags: tuple = ()  # (loop variable or "trip", value) of each loop around it
    tree: Any = field(default=None, repr=False)  # the label as an AST, put into others' labels

    def __post_init__(self) -> None:
        self.label = self.label or self.name

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
    from s2sad.graph_static import static_graph  # (they build Nodes: imported here)
    from s2sad.graph_trace import Tracer
    positions, _ = structure.resolve_wrt(f, wrt)
    prep = pipeline.prepare(f, "ssa")
    if args:
        values = structure.bind_call(f, f"graph({f.__name__})", args, {}).arguments
        out = Tracer(prep, fold_after, shown_iterations).run(dict(values))
    else:
        out = static_graph(prep)
    out.wrt = [out.inputs[i] for i in positions if i < len(out.inputs)]
    for child in out.nodes:
        for parent in child.parents:
            parent.children.append(child)
    return out
