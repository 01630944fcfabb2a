"""Drawings of a :class:`s2sad.graph.Graph`: Mermaid and Graphviz DOT text, and
SVG or PNG pictures through Graphviz when it is installed.

Why text: both formats render in the places people read code (Markdown,
notebooks, ``dot -Tsvg``) with no drawing library here; Graphviz (the optional
``viz`` extra) only turns the DOT text into a picture.  Both are laid out left
to right, inputs first and the output last, as textbooks draw a computational
graph.  Labels are escaped
for each format, and numbers are short (4 significant digits; an array
shows its shape and its first entries), so a drawing stays readable.
"""
from __future__ import annotations

import numbers
import shutil
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from s2sad.graph_view import Graph, Node

ENTRIES = 3  # entries of an array shown in a label


def fmt(value: Any) -> str:
    """A value in a few characters: ``3``, ``0.8415``, ``(2, 3) [0.1, 0.2, 0.3, ...]``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    if isinstance(value, numbers.Complex):
        return f"{complex(value):.3g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return fmt(value.item())
        items = ", ".join(fmt(v) for v in value.ravel()[:ENTRIES].tolist())
        more = ", ..." if value.size > ENTRIES else ""
        return f"{tuple(value.shape)} [{items}{more}]"
    if isinstance(value, (list, tuple)):
        items = ", ".join(fmt(v) for v in value[:ENTRIES])
        more = ", ..." if len(value) > ENTRIES else ""
        return f"{type(value).__name__} [{items}{more}]"
    if isinstance(value, dict):
        return f"dict of {len(value)}"
    return "None" if value is None else type(value).__name__


def label_lines(node: Node, executed: bool, wrt: bool = False) -> list[str]:
    """What a node's box says: ``h[t=0] = np.tanh(W @ x)`` (a temporary: just
    ``W @ x``), its user line, value, adjoint."""
    if node.op == "folded":
        return [node.name, f"{node.folded} nodes not drawn"]
    if node.op == "input":
        lines = [f"{node.label} (input, wrt)" if wrt else f"{node.label} (input)"]
    elif node.op in WHERE:
        lines = [node.label, f"{WHERE[node.op]} line {node.line}"]
    else:
        shown = _short(node.expr or node.op)
        lines = [f"{node.label} = {shown}" if node.named else _temporary(node)]
        if node.line is not None:
            lines.append(f"line {node.line}")
    if executed:
        lines.append(f"value {fmt(node.value)}")
        if node.adjoint is not None:
            lines.append(f"adjoint {fmt(node.adjoint)}")
    return lines


WHERE = {"carried": "carried around the loop at", "join": "from either branch of the if at"}
EXPR_CHARS = 40  # longest expression drawn in a box


def _temporary(node: Node) -> str:
    """A temporary's box: its expression cut short, keeping the iteration that
    tells it from its copies (``x * i [i=2]``)."""
    expr = node.expr or node.label
    tail = node.label[len(expr):] if node.label.startswith(expr) else ""
    return _short(node.label[:len(node.label) - len(tail)]) + tail


def _short(text: str) -> str:
    """A label cut to ``EXPR_CHARS`` so a box stays narrow."""
    return text if len(text) <= EXPR_CHARS else text[:EXPR_CHARS - 3] + "..."


def _title(graph: Graph) -> str:
    if graph.executed:
        return f"{graph.name}: executed at the given arguments; adjoint = d output / d node"
    return f"{graph.name}: static (every primitive once; dashed: next iteration)"


def _ids(graph: Graph) -> dict[Node, str]:
    return {n: f"n{i}" for i, n in enumerate(graph.nodes)}


def _edges(graph: Graph) -> list[tuple[Node, Node, bool]]:
    """(parent, child, goes back around a loop) for every edge, in node order."""
    back = {(id(p), id(c)) for p, c in graph.back_edges}
    return [(p, n, (id(p), id(n)) in back) for n in graph.nodes for p in n.parents]


def _mermaid_text(text: str) -> str:
    """Escape for a quoted Mermaid label: entity codes for the characters it parses."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                       ("`", "#96;")):
        text = text.replace(char, code)
    return text


MERMAID_CLASSES = ("    classDef input fill:#e8f0fe,stroke:#3b6fd8",
                   "    classDef output fill:#fff4d6,stroke:#c98a00,stroke-width:3px",
                   "    classDef folded fill:#f2f2f2,stroke-dasharray: 5 5")


def to_mermaid(graph: Graph) -> str:
    """Mermaid ``flowchart LR`` (inputs left, output right, as textbooks draw it);
    inputs are rounded, the output bold, back edges dashed, folded loops grey."""
    ids = _ids(graph)
    out = ["flowchart LR", f"    %% {_mermaid_text(_title(graph))}"]
    out += [f"    %% {_mermaid_text(' '.join(note.split()))}" for note in graph.notes]
    for n in graph.nodes:
        lines = label_lines(n, graph.executed, n in graph.wrt)
        label = "<br/>".join(_mermaid_text(t) for t in lines)
        left, right = ("([", "])") if n.op == "input" else ("[", "]")
        out.append(f'    {ids[n]}{left}"{label}"{right}')
    for parent, child, back in _edges(graph):
        arrow = " -. next iteration .-> " if back else " --> "
        out.append(f"    {ids[parent]}{arrow}{ids[child]}")
    out += MERMAID_CLASSES
    for cls, nodes in _classes(graph):
        out.append(f"    class {','.join(ids[n] for n in nodes)} {cls}")
    return "\n".join(out) + "\n"


def _classes(graph: Graph) -> list[tuple[str, list[Node]]]:
    """(style, its nodes) for each style some drawn node has."""
    drawn = set(map(id, graph.nodes))
    found = [("input", graph.inputs), ("output", graph.outputs),
             ("folded", [n for n in graph.nodes if n.op == "folded"])]
    found = [(cls, [n for n in nodes if id(n) in drawn]) for cls, nodes in found]
    return [(cls, nodes) for cls, nodes in found if nodes]


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


DOT_STYLE = {"input": 'shape=ellipse, fillcolor="#e8f0fe", color="#3b6fd8"',
             "output": 'peripheries=2, fillcolor="#fff4d6", color="#c98a00"',
             "folded": 'style="rounded,dashed,filled", fillcolor="#f2f2f2"'}


def to_dot(graph: Graph) -> str:
    """Graphviz ``digraph`` laid out left to right (inputs on the left edge, the
    output on the right); inputs are ellipses, the output a double box, back
    edges dashed, folded loops grey and dashed."""
    ids = _ids(graph)
    out = [f'digraph "{_dot_text(graph.name)}" {{', "    rankdir=LR;",
           f'    labelloc=t; fontname="Helvetica"; label="{_dot_text(_title(graph))}";',
           '    node [shape=box, style="rounded,filled", fillcolor=white, '
           'fontname="Helvetica", fontsize=11];',
           '    edge [fontname="Helvetica", fontsize=9, color="#555555"];']
    out += [f"    // {' '.join(note.split())}" for note in graph.notes]
    styles = {id(n): cls for cls, nodes in _classes(graph) for n in nodes}
    for n in graph.nodes:
        lines = label_lines(n, graph.executed, n in graph.wrt)
        attrs = ['label="' + "\\n".join(_dot_text(t) for t in lines) + '"']
        if id(n) in styles:
            attrs.append(DOT_STYLE[styles[id(n)]])
        if n in graph.wrt:
            attrs.append("penwidth=2")
        out.append(f"    {ids[n]} [{', '.join(attrs)}];")
    out += _ranks(graph, ids)
    for parent, child, back in _edges(graph):
        extra = ' [style=dashed, constraint=false, label="next iteration"]' if back else ""
        out.append(f"    {ids[parent]} -> {ids[child]}{extra};")
    out.append("}")
    return "\n".join(out) + "\n"


def _ranks(graph: Graph, ids: dict[Node, str]) -> list[str]:
    """Inputs in the first column and a final output in the last, as textbooks draw."""
    inputs = [ids[n] for n in graph.inputs if n in ids]
    last = [ids[n] for n in graph.outputs if n in ids and not n.children]
    return [f"    {{ rank={rank}; {'; '.join(group)}; }}"
            for rank, group in (("source", inputs), ("sink", last)) if group]


INSTALL_DOT = "apt install graphviz, brew install graphviz, or graphviz.org"


class GraphvizMissing(RuntimeError):
    """No ``graphviz`` package or no ``dot`` program: SVG and PNG cannot be drawn."""


def graphviz_problem() -> str | None:
    """Why pictures cannot be drawn here, in one line saying what to install; None
    when they can."""
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return ('SVG and PNG need the graphviz Python package (pip install -e ".[viz]") '
                f"and Graphviz's dot program ({INSTALL_DOT})")
    if shutil.which("dot") is None:
        return f"SVG and PNG need Graphviz's dot program on PATH ({INSTALL_DOT})"
    return None


def picture(dot: str, fmt: str) -> str | bytes:
    """DOT text drawn by Graphviz: ``svg`` as text, ``png`` as bytes.
    Raises :class:`GraphvizMissing` saying what to install."""
    problem = graphviz_problem()
    if problem is not None:
        raise GraphvizMissing(problem)
    import graphviz
    data = graphviz.Source(dot).pipe(format=fmt)
    return data.decode() if fmt == "svg" else data


def rendered(dot: str, fmt: str) -> str | bytes | None:
    """The picture, or None without Graphviz (a notebook then shows the Mermaid block)."""
    try:
        return picture(dot, fmt)
    except Exception:  # (no package, no dot program, dot failed: no picture)
        return None


def save(graph: Graph, path: str) -> None:
    """Write ``graph`` to ``path`` in the format its suffix names."""
    suffix = str(path).rsplit(".", 1)[-1].lower()
    if suffix in ("dot", "gv", "mmd", "mermaid"):
        text = to_dot(graph) if suffix in ("dot", "gv") else to_mermaid(graph)
        with open(path, "w") as out:
            out.write(text + "\n")
        return
    if suffix not in ("svg", "png"):
        raise ValueError(f"{path}: write .svg or .png (a picture), .dot or .mmd (text)")
    picture_data = picture(to_dot(graph), suffix)
    with open(path, "wb") as out:
        out.write(picture_data if isinstance(picture_data, bytes) else picture_data.encode())
