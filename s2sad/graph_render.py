"""Drawings of a :class:`s2sad.graph.Graph`: Mermaid and Graphviz DOT text.

Why text: both formats render in the places people read code (Markdown,
notebooks, ``dot -Tsvg``) with no drawing library here.  Labels are escaped
for each format, and numbers are short (4 significant digits; an array
shows its shape and its first entries), so a drawing stays readable.
"""
from __future__ import annotations

import numbers
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
    """What a node's box says: name and op, user line, value, adjoint."""
    if node.op == "truncated":
        return [node.name, f"nodes of the loop at line {node.line}", "not drawn"]
    kind = "input, wrt" if wrt else "input"
    head = f"{node.name} ({kind})" if node.op == "input" else f"{node.name} = {node.op}"
    lines = [head]
    if node.line is not None and node.op != "input":
        lines.append(f"line {node.line}")
    if executed and node.op != "truncated":
        lines.append(f"value {fmt(node.value)}")
        if node.adjoint is not None:
            lines.append(f"adjoint {fmt(node.adjoint)}")
    return lines


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


def to_mermaid(graph: Graph) -> str:
    """Mermaid ``flowchart TD``; inputs are rounded, outputs bold, back edges dashed."""
    ids = _ids(graph)
    kind = "executed at the given arguments" if graph.executed else "static (SSA form)"
    out = ["flowchart TD", f"    %% {_mermaid_text(graph.name)}: {kind}"]
    out += [f"    %% {_mermaid_text(' '.join(note.split()))}" for note in graph.notes]
    for n in graph.nodes:
        lines = label_lines(n, graph.executed, n in graph.wrt)
        label = "<br/>".join(_mermaid_text(t) for t in lines)
        left, right = ("([", "])") if n.op == "input" else ("[", "]")
        out.append(f'    {ids[n]}{left}"{label}"{right}')
    for parent, child, back in _edges(graph):
        arrow = " -. next iteration .-> " if back else " --> "
        out.append(f"    {ids[parent]}{arrow}{ids[child]}")
    out.append("    classDef output stroke-width:3px")
    out.append("    classDef truncated stroke-dasharray: 5 5")
    for cls, nodes in (("output", graph.outputs),
                       ("truncated", [n for n in graph.nodes if n.op == "truncated"])):
        if nodes:
            out.append(f"    class {','.join(ids[n] for n in nodes if n in ids)} {cls}")
    return "\n".join(out) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(graph: Graph) -> str:
    """Graphviz ``digraph``; inputs are ellipses, outputs double boxes, back edges dashed."""
    ids = _ids(graph)
    out = [f'digraph "{_dot_text(graph.name)}" {{', "    rankdir=TB;",
           '    node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
           '    edge [fontname="Helvetica", fontsize=9];']
    out += [f"    // {' '.join(note.split())}" for note in graph.notes]
    outputs = set(map(id, graph.outputs))
    for n in graph.nodes:
        lines = label_lines(n, graph.executed, n in graph.wrt)
        label = "\\n".join(_dot_text(t) for t in lines)
        attrs = [f'label="{label}"']
        if n.op == "input":
            attrs.append("shape=ellipse")
        if id(n) in outputs:
            attrs.append("peripheries=2")
        if n.op == "truncated":
            attrs.append('style="rounded,dashed"')
        out.append(f"    {ids[n]} [{', '.join(attrs)}];")
    for parent, child, back in _edges(graph):
        extra = ' [style=dashed, constraint=false, label="next iteration"]' if back else ""
        out.append(f"    {ids[parent]} -> {ids[child]}{extra};")
    out.append("}")
    return "\n".join(out) + "\n"


def rendered(dot: str, fmt: str) -> str | bytes | None:
    """DOT text drawn by graphviz (``svg`` as text, ``png`` as bytes), or None without it."""
    try:
        import graphviz
        data = graphviz.Source(dot).pipe(format=fmt)
    except Exception:  # noqa: BLE001  (no package, no dot program: no picture)
        return None
    return data.decode() if fmt == "svg" else data


def save(graph: Graph, path: str) -> None:
    """Write ``graph`` to ``path`` in the format its suffix names."""
    suffix = str(path).rsplit(".", 1)[-1].lower()
    if suffix in ("dot", "gv", "mmd", "mermaid"):
        text = to_dot(graph) if suffix in ("dot", "gv") else to_mermaid(graph)
        with open(path, "w") as out:
            out.write(text + "\n")
        return
    picture = rendered(to_dot(graph), suffix) if suffix in ("svg", "png") else None
    if picture is None:
        raise ValueError(f"{path}: write .dot or .mmd, or install the graphviz package and "
                         "program for .svg and .png (pip install graphviz)")
    with open(path, "wb") as out:
        out.write(picture if isinstance(picture, bytes) else picture.encode())
