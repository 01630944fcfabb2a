"""examples/notebook.ipynb runs, and shows what it says: a gradient, its source, its graph.

Why without Jupyter: CI has no kernel, and the notebook's point is what s2sad's objects
show, which is plain Python.  Each code cell runs in one namespace, its source put
in ``linecache`` under a file name of its own as IPython does (so s2sad can read the
functions it defines), and a cell ending in an expression is displayed as Jupyter
would: by calling the value's ``_repr_html_``, ``_repr_markdown_`` and ``_repr_svg_``.
Where IPython is installed the notebook also runs in IPython's shell, whose display
formatter makes what a Jupyter kernel sends (a graph must show one drawing); with
nbclient, nbformat and ipykernel it also runs in a real kernel.
"""
from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import linecache
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from s2sad.graph_render import graphviz_problem

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
REPRS = (("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"),
         ("image/svg+xml", "_repr_svg_"))


def cells() -> list[dict]:
    book = json.loads(NOTEBOOK.read_text())
    assert book["nbformat"] == 4
    return book["cells"]


def code_cells() -> list[str]:
    return ["".join(c["source"]) for c in cells() if c["cell_type"] == "code"]


def shown(value: object) -> dict[str, str]:
    """What Jupyter displays for a cell's last value: each rich form the value gives."""
    out = {"text/plain": repr(value)}
    for mime, method in REPRS:
        data = getattr(value, method, lambda: None)()
        if data is not None:
            out[mime] = data
    return out


def run_cell(source: str, number: int, namespace: dict) -> tuple[str, dict | None]:
    """Run one cell; return what it printed and what it displays (None: no last value)."""
    filename = f"/tmp/s2sad-notebook-test/cell_{number}.py"  # need not exist, as in IPython
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    tree = ast.parse(source, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(tree, filename, "exec"), namespace)
        value = None if last is None else eval(
            compile(ast.Expression(last.value), filename, "eval"), namespace)
    return printed.getvalue(), (None if last is None else shown(value))


@pytest.fixture(scope="module")
def outputs() -> list[tuple[str, dict | None]]:
    namespace: dict = {"__name__": "__main__"}
    return [run_cell(source, k, namespace) for k, source in enumerate(code_cells())]


def test_the_notebook_is_short_and_well_formed() -> None:
    kinds = [c["cell_type"] for c in cells()]
    assert kinds[0] == "markdown" and 3 <= kinds.count("code") <= 8
    for cell in cells():
        assert all(isinstance(line, str) for line in cell["source"])
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_the_gradient(outputs) -> None:
    printed, display = outputs[1]
    assert display["text/plain"] == "(8.0, 3.0)"


def test_the_source_shows_as_html(outputs) -> None:
    _, display = outputs[2]
    html = display["text/html"]
    assert html.strip() and ("<pre" in html or "<div" in html)
    text = re.sub(r"<[^>]+>", "", html)
    assert "def grad_f(x, y):" in text.replace("&#39;", "'")
    assert "line 6: return a * x" in text  # the user's line, as a comment


def mermaid_of(display: dict) -> str:
    markdown = display["text/markdown"]
    assert markdown.startswith("```mermaid\nflowchart LR\n") and markdown.endswith("\n```")
    return markdown


def check_svg(display: dict, labels: list[str]) -> None:
    """When graphviz is here the picture is SVG an XML parser accepts, with the labels."""
    svg = display.get("image/svg+xml")
    if svg is None:
        return
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for label in labels:
        assert label in texts, (label, texts)


def test_the_graph_shows_inline(outputs) -> None:
    _, display = outputs[3]
    assert display["text/plain"] == "<Graph of f: 4 nodes, executed at the given arguments>"
    markdown = mermaid_of(display)
    for label in ('(["x (input, wrt)<br/>value 3<br/>adjoint 8"])',
                  '(["y (input)<br/>value 2<br/>adjoint 3"])',
                  '["a = x + y<br/>line 5<br/>value 5<br/>adjoint 3"]',
                  '["f = a * x<br/>line 6<br/>value 15<br/>adjoint 1"]'):
        assert label in markdown
    check_svg(display, ["a = x + y", "value 5", "value 15", "adjoint 8", "adjoint 3"])


def test_a_long_loop_is_folded(outputs) -> None:
    printed, display = outputs[4]
    assert printed == "adjoint of x: 499500.0\n"
    markdown = mermaid_of(display)
    assert '["... 997 more iterations of line 3<br/>1993 nodes not drawn"]' in markdown
    assert markdown.count("-->") < 30
    check_svg(display, ["... 997 more iterations of line 3"])


IPYTHON_RUN = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

config = Config()
config.HistoryManager.enabled = False
shell = InteractiveShell.instance(config=config)
cells = []
# what a kernel would send for a cell's last value (a terminal prints its text only)
shell.displayhook.write_format_data = lambda data, metadata=None: cells[-1].append(data)
for source in json.load(sys.stdin):
    cells.append([])
    with capture_output() as displayed:  # display() calls, as _ipython_display_ makes
        shell.run_cell(source).raise_error()
    cells[-1] += [output.data for output in displayed.outputs]
print(json.dumps(cells))
"""


@pytest.fixture(scope="module")
def ipython_outputs(tmp_path_factory) -> list[list[dict]]:
    """The notebook run by IPython's own shell, in a fresh interpreter (it changes
    ``__main__``, builtins and warning filters): what each cell displays."""
    if importlib.util.find_spec("IPython") is None:
        pytest.skip("IPython is not installed")
    env = dict(os.environ, IPYTHONDIR=str(tmp_path_factory.mktemp("ipython")),
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run([sys.executable, "-c", IPYTHON_RUN], input=json.dumps(code_cells()),
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_ipython_shows_the_cells(ipython_outputs) -> None:
    assert ipython_outputs[1] == [{"text/plain": "(8.0, 3.0)"}]
    assert "grad_f" in ipython_outputs[2][0]["text/html"]


@pytest.mark.parametrize("cell, text", [(3, "value 15"), (4, "997 more iterations")])
def test_ipython_shows_one_drawing_of_a_graph(ipython_outputs, cell: int, text: str) -> None:
    """The picture when Graphviz can draw it, else the Mermaid block, never both (given
    both, Jupyter would show the Markdown and the picture would never be seen)."""
    (bundle,) = ipython_outputs[cell]
    drawing = "image/svg+xml" if graphviz_problem() is None else "text/markdown"
    assert sorted(bundle) == sorted([drawing, "text/plain"])
    assert text in bundle[drawing]


def test_in_a_real_kernel() -> None:
    """Where Jupyter is installed, the notebook runs in a kernel without an error."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    book = nbformat.read(str(NOTEBOOK), as_version=4)
    nbclient.NotebookClient(book, timeout=120, resources={"metadata": {"path": str(ROOT)}}
                            ).execute()
    last = book.cells[-2].outputs  # the folded loop's cell
    assert any("997 more iterations" in json.dumps(o) for o in last)
