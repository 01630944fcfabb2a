"""What a notebook shows: a graph as a Mermaid block (or SVG with graphviz), a derivative
as its generated source."""
from __future__ import annotations

import xml.dom.minidom

import numpy as np
import pytest

import s2sad


def seeds(x, y):
    a = x + y
    return a * x


def test_a_graph_shows_itself_as_mermaid_with_values_and_adjoints():
    g = s2sad.graph(seeds, 3.0, 2.0)
    text = g._repr_markdown_()
    assert text.startswith("```mermaid\n") and text.endswith("\n```")
    assert g.to_mermaid() in text
    assert "15" in text and "8" in text  # f = 15; the adjoint of x is 8


def test_a_graph_is_saved_by_its_suffix(tmp_path):
    g = s2sad.graph(seeds, 3.0, 2.0)
    g.save(tmp_path / "f.dot")
    g.save(tmp_path / "f.mmd")
    assert (tmp_path / "f.dot").read_text().startswith("digraph")
    assert (tmp_path / "f.mmd").read_text().strip() == g.to_mermaid().strip()
    with pytest.raises(ValueError, match=r"\.txt"):
        g.save(tmp_path / "f.txt")


def test_svg_when_graphviz_is_there(tmp_path):
    """The seeds' example drawn by Graphviz: a = 5, f = 15, adjoints 8 (x) and 3 (y)."""
    g = s2sad.graph(seeds, 3.0, 2.0, wrt=(0, 1))
    svg = g._repr_svg_()
    if svg is None:  # no graphviz package or dot program here: nothing to draw
        pytest.skip("graphviz is not installed (.ci/run installs it where it can)")
    text = "".join(node.data for node in _text_nodes(xml.dom.minidom.parseString(svg)))
    for shown in ("a = x + y", "value 5", "value 15", "adjoint 8", "adjoint 3"):
        assert shown in text, shown
    g.save(tmp_path / "f.png")
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _text_nodes(node):
    if node.nodeType == node.TEXT_NODE:
        yield node
    for child in node.childNodes:
        yield from _text_nodes(child)


def test_a_derivative_shows_its_source():
    d = s2sad.grad(seeds)
    d(3.0, 2.0)
    html = d._repr_html_()
    assert "grad_seeds" in html and ("<pre" in html or "<div" in html)


def refused(x):
    try:
        return x
    finally:
        pass


def test_a_refused_derivative_shows_why():
    assert "try" in s2sad.grad(refused)._repr_html_()
    np.testing.assert_allclose(s2sad.grad(seeds)(3.0, 2.0), 8.0)
