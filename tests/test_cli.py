"""The ``s2sad`` command line: transform, show, graph, help and errors.

Run both in-process (``main([...])``) and as ``python -m s2sad`` in a
subprocess.  The module ``transform`` writes is imported and called in a
fresh interpreter started from another folder, and its gradients are
compared with central differences.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import numpy as np
import pytest

import s2sad
from s2sad import graph_render
from s2sad.cli import Arithmetic, functions_of, main, parse_args_literal, parse_wrt
from s2sad.graph_render import graphviz_problem

ROOT = Path(__file__).resolve().parents[1]

USER_MODULE = '''\
import math

import numpy as np

SCALE = 2.0


def f(x, y):
    a = x + y
    return a * x


def loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(x) * SCALE * i
    return s


def vec(x):
    return np.sum(np.tanh(x) * x)
'''

BAD_MODULE = '''\
def ok(x):
    return x * 2.0


def tries(x):
    try:
        y = [x * 2.0].pop()
    except ValueError:
        y = x
    return y


def divides(x):
    y = x - 1.0
    return 1.0 / y
'''


METHODS_MODULE = '''\
import math

import numpy as np

RATE = 0.5


class Model:
    def __init__(self, w):
        self.w = w

    def scale(self, x):
        return x * self.w

    def loss(self, x, y):
        return self.scale(x) * y + np.sin(x)

    @staticmethod
    def square(x):
        return x * x

    @classmethod
    def build(cls, x):
        return x * 2.0


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    xs = np.linspace(0.0, 1.0, n)
    return xs, rng.normal(size=n)


def main():
    print(energy(3, 0.5))


def energy(n, x):
    total = 0.0
    for i in range(n - 1):
        total += helper(x) * i
    return total


def helper(t):
    return math.exp(RATE * t)


def fit(params, data):
    w, b = params
    xs, ys = data
    return np.mean((w * xs + b - ys) ** 2)


def pick(x, k):
    return x[k - 1]
'''


@pytest.fixture
def methods(tmp_path: Path) -> Path:
    path = tmp_path / "cli_methods_mod.py"
    path.write_text(METHODS_MODULE)
    return path


@pytest.fixture
def user(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "cli_user_mod.py"
    path.parent.mkdir()
    path.write_text(USER_MODULE)
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "cli_bad_mod.py"
    path.write_text(BAD_MODULE)
    return path


def env_with(*paths: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(p) for p in paths] + [str(ROOT)])
    return env


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "s2sad", *args], capture_output=True,
                          text=True, env=env_with(), cwd=cwd, timeout=120)


def import_file(path: Path):
    spec = importlib.util.spec_from_file_location("cli_direct_" + path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def central(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def run_written(out_dir: Path, module_dir: Path, cwd: Path, code: str) -> object:
    """Run ``code`` in a fresh interpreter in ``cwd``; it prints JSON, returned parsed."""
    cwd.mkdir(exist_ok=True)
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, cwd=cwd, env=env_with(out_dir, module_dir), timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


# ------------------------------------------------------------ transform

def test_transform_writes_an_importable_module(user: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "cli_user_grads.py"
    out.parent.mkdir()
    run = run_cli("transform", str(user), "-o", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert all(line.split()[1] in ("math", "numpy", "s2sad.runtime", "cli_user_mod")
               for line in imports), imports
    assert "from cli_user_mod import SCALE" in text
    got = run_written(out.parent, user.parent, tmp_path / "elsewhere", """
        import json, numpy as np, cli_user_grads as d
        print(json.dumps([d.grad_f(3.0, 2.0), d.value_and_grad_f(3.0, 2.0)[0],
                          d.grad_loop(0.7, 4), list(d.grad_vec(np.array([0.5, -1.0])))]))
    """)
    mod = import_file(user)
    assert got[0] == pytest.approx(central(lambda x: mod.f(x, 2.0), 3.0), rel=1e-6)
    assert got[1] == 15.0
    assert got[2] == pytest.approx(central(lambda x: mod.loop(x, 4), 0.7), rel=1e-6)
    x = np.array([0.5, -1.0])
    for i in range(2):
        e = np.eye(2)[i]
        slope = central(lambda t, e=e: mod.vec(x + t * e), 0.0)
        assert got[3][i] == pytest.approx(slope, rel=1e-6)


def test_transform_forward_mode_and_wrt(user: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli_user_fwd.py"
    assert main(["transform", str(user), "-f", "f", "--mode", "forward", "--wrt", "y",
                 "-o", str(out)]) == 0
    got = run_written(tmp_path, user.parent, tmp_path / "elsewhere", """
        import json, cli_user_fwd as d
        print(json.dumps(d.jvp_f(3.0, 2.0, dy=1.0)))
    """)
    assert got == pytest.approx([15.0, 3.0])


def test_transform_several_wrt_to_stdout(user: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["transform", str(user), "-f", "f", "--wrt", "x,y"]) == 0
    text = capsys.readouterr().out
    assert "def value_and_grad_f(x, y):" in text and "def grad_f(x, y):" in text
    assert "def grad_loop" not in text
    namespace: dict = {}
    exec(compile(text, "<written>", "exec"), namespace)
    assert namespace["grad_f"](3.0, 2.0) == (8.0, 3.0)


TRY_MODULE = """\
import math

import numpy as np

FLOOR = 0.25


def log_or_linear(x):
    try:
        y = math.log(x - FLOOR)
    except ValueError:
        y = x * x
    return 3.0 * y


def two_tries(x, k):
    out = 0.0
    for j in range(k):
        try:
            r = 1.0 / (x - j)
        except ZeroDivisionError:
            r = x
        out = out + r * x
    try:
        s = math.sqrt(x)
    except ValueError:
        s = -x
    return out + s
"""


def test_transform_writes_the_probe_of_a_try(tmp_path: Path) -> None:
    """A try block's probe is a function s2sad made: written into the module (it was
    refused as a name that cannot be imported), both paths right in a fresh process."""
    module = tmp_path / "cli_try_mod.py"
    module.write_text(TRY_MODULE)
    out = tmp_path / "out" / "cli_try_grads.py"
    out.parent.mkdir()
    assert main(["transform", str(module), "-o", str(out)]) == 0
    text = out.read_text()
    assert text.count("def try_probe") == 3 and "from cli_try_mod import FLOOR" in text
    got = run_written(out.parent, module.parent, tmp_path / "elsewhere", """
        import json, cli_try_grads as d
        print(json.dumps([d.grad_log_or_linear(1.5), d.grad_log_or_linear(0.1),
                          d.grad_two_tries(2.0, 4), d.grad_two_tries(-0.5, 3),
                          d.grad_two_tries(2.5, 4)]))
    """)
    mod = import_file(module)
    assert got[0] == pytest.approx(central(mod.log_or_linear, 1.5), rel=1e-6)
    assert got[1] == pytest.approx(0.6, rel=1e-9)  # (3 x^2)' at 0.1: the handler
    # at x = 2, j = 2 divides by zero: r = x there; d/dx x / (x - j) = -j / (x - j)^2
    assert got[2] == pytest.approx(-1.0 + 4.0 - 3.0 + 0.5 / math.sqrt(2.0), rel=1e-12)
    assert got[3] == pytest.approx(central(lambda x: mod.two_tries(x, 3), -0.5), rel=1e-6)
    assert got[4] == pytest.approx(central(lambda x: mod.two_tries(x, 4), 2.5), rel=1e-6)


def test_transform_methods(methods: Path, tmp_path: Path) -> None:
    """A method is written as a function of the object and its arguments, differentiated
    with respect to the first argument after self; self.scale(x) is inlined."""
    out = tmp_path / "cli_methods_grads.py"
    assert main(["transform", str(methods), "-f", "Model.loss", "-f", "Model.square",
                 "-o", str(out)]) == 0
    text = out.read_text()
    assert "def grad_Model_loss(self, x, y):" in text and "def grad_Model_square(x):" in text
    assert "grad_Model_loss(obj, *args)" in text  # the module's docstring says how to call it
    got = run_written(tmp_path, methods.parent, tmp_path / "elsewhere", """
        import json, cli_methods_mod as m, cli_methods_grads as d
        model = m.Model(1.7)
        print(json.dumps([d.grad_Model_loss(model, 0.4, 2.0),
                          d.value_and_grad_Model_loss(model, 0.4, 2.0)[0],
                          d.grad_Model_square(3.0)]))
    """)
    mod = import_file(methods)
    model = mod.Model(1.7)
    assert got[0] == pytest.approx(central(lambda x: model.loss(x, 2.0), 0.4), rel=1e-6)
    assert got[1] == pytest.approx(model.loss(0.4, 2.0))
    assert got[2] == 6.0


def test_transform_method_wrt_and_forward(methods: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["transform", str(methods), "-f", "Model.loss", "--wrt", "0"]) == 0
    assert '"""The gradient of Model_loss with respect to x."""' in capsys.readouterr().out
    assert main(["transform", str(methods), "-f", "Model.loss", "--wrt", "1",
                 "--mode", "forward"]) == 0
    text = capsys.readouterr().out
    assert "def jvp_Model_loss(self, x, y, *, dy):" in text
    namespace: dict = {}
    exec(compile(text, "<written>", "exec"), namespace)
    model = import_file(methods).Model(1.7)
    value, tangent = namespace["jvp_Model_loss"](model, 0.4, 2.0, dy=1.0)
    assert tangent == pytest.approx(0.4 * 1.7)


def test_show_a_method(methods: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["show", f"{methods}:Model.loss"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("def grad_loss(self, x, y):") and "scale(), line" in text
    assert main(["show", f"{methods}:Model.loss", "--stage", "ssa"]) == 0
    assert capsys.readouterr().out.startswith("def loss(self, x, y):")


def test_transform_skips_what_does_not_compute(methods: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli_methods_all.py"
    run = run_cli("transform", str(methods), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        "s2sad: skipped make_data, main, pick: no parameter used in arithmetic; name them "
        "with -f to differentiate them",
        f"s2sad: wrote {out}"]
    text = out.read_text()
    written = sorted(line.split("(")[0][4:] for line in text.splitlines()
                     if line.startswith("def grad_"))
    assert written == ["grad_energy", "grad_fit", "grad_helper"]  # top-level functions only
    # energy(n, x): with respect to x, the first parameter it computes with (helper(x) * i)
    assert '"""The gradient of energy with respect to x."""' in text
    got = run_written(tmp_path, methods.parent, tmp_path / "elsewhere", """
        import json, numpy as np, cli_methods_all as d
        print(json.dumps([d.grad_energy(4, 0.3),
                          list(d.grad_fit(np.array([2.0, 0.5]),
                                          (np.arange(3.0), np.array([1.0, 2.0, 2.5]))))]))
    """)
    mod = import_file(methods)
    assert got[0] == pytest.approx(central(lambda x: mod.energy(4, x), 0.3), rel=1e-6)
    data = (np.arange(3.0), np.array([1.0, 2.0, 2.5]))
    slope_w = central(lambda w: mod.fit(np.array([w, 0.5]), data), 2.0)
    assert got[1][0] == pytest.approx(slope_w, rel=1e-6)


def test_naming_a_skipped_function_still_writes_it(methods: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    assert main(["transform", str(methods), "-f", "pick"]) == 0
    captured = capsys.readouterr()
    assert "def grad_pick(x, k):" in captured.out and captured.err == ""


def test_which_parameters_a_function_computes_with(methods: Path) -> None:
    mod = import_file(methods)
    reader = Arithmetic()
    found = {f.__name__: reader.params(f) for f in functions_of(mod)}
    assert found == {"make_data": set(),  # sizes and seeds only: linspace's num, normal's size
                     "main": set(), "energy": {"x"},  # range(n - 1) is a size
                     "helper": {"t"}, "fit": {"params", "data"},  # through unpacking
                     "pick": set()}  # k - 1 is an index
    assert reader.params(mod.Model.loss, mod.Model) == {"x", "y"}  # x through self.scale


# ------------------------------------------------------------ show

def test_show_prints_the_generated_source(user: Path) -> None:
    run = run_cli("show", f"{user}:f")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("def grad_f(x, y):")
    assert "line 10: return a * x" in run.stdout


def test_show_stages(user: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["show", f"{user}:loop", "--stage", "ssa"]) == 0
    ssa = capsys.readouterr().out
    assert ssa.startswith("def loop(x, n):") and "for i in range(n):" in ssa
    assert main(["show", f"{user}:loop", "--stage", "normalize"]) == 0
    assert "def loop(x, n):" in capsys.readouterr().out
    assert main(["show", f"{user}:f", "--mode", "forward"]) == 0
    assert capsys.readouterr().out.startswith("def jvp_f(x, y, *, dx):")


# ------------------------------------------------------------ graph

def test_graph_mermaid_with_args(user: Path) -> None:
    run = run_cli("graph", f"{user}:f", "--args", "3.0, 2.0")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("flowchart LR\n")
    assert "value 15" in run.stdout
    assert "x (input, wrt)<br/>value 3<br/>adjoint 8" in run.stdout
    assert "y (input)<br/>value 2<br/>adjoint 3" in run.stdout


def test_graph_dot_with_args(user: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["graph", f"{user}:vec", "--args", "[0.5, -1.0]", "--format", "dot"]) == 0
    text = capsys.readouterr().out
    assert text.startswith('digraph "vec" {') and "value (2,) [0.5, -1]" in text
    if shutil.which("dot"):
        run = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> list[str]:
    """The text of every label in an SVG, parsed as XML (so it must be well formed)."""
    root = ElementTree.fromstring(svg)
    assert root.tag == SVG + "svg"
    return [t.text or "" for t in root.iter(SVG + "text")]


@pytest.mark.skipif(graphviz_problem() is not None, reason="graphviz or dot is not installed")
def test_graph_svg_file(user: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.svg"
    run = run_cli("graph", f"{user}:f", "--args", "3.0, 2.0", "--format", "svg", "-o",
                  str(out))
    assert run.returncode == 0, run.stderr
    texts = svg_texts(out.read_text())
    for label in ("x (input, wrt)", "a = x + y", "f = a * x", "value 5", "value 15",
                  "adjoint 8", "adjoint 3"):
        assert label in texts, (label, texts)
    png = tmp_path / "f.png"
    assert main(["graph", f"{user}:f", "--args", "3.0, 2.0", "-o", str(png)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")


class FakeSource:
    """Stands in for graphviz.Source: records the DOT text, returns a made-up picture."""

    drawn: list = []

    def __init__(self, dot: str) -> None:
        self.dot = dot

    def pipe(self, format: str) -> bytes:  # (graphviz's own keyword)
        FakeSource.drawn.append((format, self.dot))
        return b"\x89PNG fake" if format == "png" else b"<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_graph_pictures_go_through_graphviz(user: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", SimpleNamespace(Source=FakeSource))
    monkeypatch.setattr(graph_render.shutil, "which", lambda name: "/usr/bin/" + name)
    FakeSource.drawn.clear()
    assert main(["graph", f"{user}:f", "--args", "3.0, 2.0", "-o", str(tmp_path / "f.png")]) == 0
    assert (tmp_path / "f.png").read_bytes() == b"\x89PNG fake"
    assert main(["graph", f"{user}:f", "--format", "svg"]) == 0  # svg is text: to stdout
    assert capsys.readouterr().out.startswith("<svg")
    assert [fmt for fmt, _ in FakeSource.drawn] == ["png", "svg"]
    assert "rankdir=LR;" in FakeSource.drawn[0][1] and "value 15" in FakeSource.drawn[0][1]


@pytest.mark.parametrize("missing", ["package", "dot"])
def test_graph_svg_without_graphviz_says_what_to_install(
        missing: str, user: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    if missing == "package":
        monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz fails
    else:
        monkeypatch.setitem(sys.modules, "graphviz", SimpleNamespace(Source=FakeSource))
        monkeypatch.setattr(graph_render.shutil, "which", lambda name: None)
    for fmt in ("svg", "png"):
        out = tmp_path / f"f.{fmt}"
        assert main(["graph", f"{user}:f", "--args", "3.0, 2.0", "--format", fmt,
                     "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"error: --format {fmt}: "), err
        assert "Graphviz's dot program" in err and "apt install graphviz" in err
        assert ('pip install -e ".[viz]"' in err) == (missing == "package")
        assert not out.exists()


@pytest.mark.parametrize("suffix, start", [(".mmd", "flowchart LR\n"),
                                           (".dot", 'digraph "f" {\n')])
def test_graph_text_formats_to_a_file(suffix: str, start: str, user: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / f"f{suffix}"
    assert main(["graph", f"{user}:f", "--args", "3.0, 2.0", "-o", str(out)]) == 0
    assert out.read_text().startswith(start) and "value 15" in out.read_text()
    assert capsys.readouterr().err == f"s2sad: wrote {out}\n"


def test_graph_folds_a_long_loop(user: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["graph", f"{user}:loop", "--args", "0.7, 1000"]) == 0
    text = capsys.readouterr().out
    loop_line = USER_MODULE.splitlines().index("    for i in range(n):") + 1
    assert f'["... 997 more iterations of line {loop_line}<br/>' in text
    assert text.count("-->") < 60


def test_graph_static(user: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["graph", f"{user}:loop"]) == 0
    text = capsys.readouterr().out
    assert "static" in text and "value" not in text and "phi" not in text
    assert "s<br/>carried around the loop at line" in text and " -. next iteration .-> " in text


def test_args_are_literals_only() -> None:
    assert parse_args_literal("3.0, 2.0") == (3.0, 2.0)
    assert parse_args_literal("3.0") == (3.0,)
    (arr,) = parse_args_literal("[1, 2]")
    assert arr.dtype == float and arr.tolist() == [1.0, 2.0]
    assert parse_wrt(["0"]) == 0
    assert parse_wrt(["x,y"]) == ("x", "y")
    assert parse_wrt(["0", "y"]) == (0, "y")
    assert parse_wrt(None) == 0


# ------------------------------------------------------------ help

@pytest.mark.parametrize("command", [[], ["transform"], ["show"], ["graph"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: s2sad")
    assert "imported" in " ".join(out.split())


def test_console_script_or_module_runs() -> None:
    script = shutil.which("s2sad")
    cmd = [script] if script else [sys.executable, "-m", "s2sad"]
    run = subprocess.run([*cmd, "--help"], capture_output=True, text=True, env=env_with(),
                         timeout=120)
    assert run.returncode == 0 and "transform" in run.stdout


# ------------------------------------------------------------ errors

def error_cases(bad: Path, tmp_path: Path) -> list[tuple[list[str], str]]:
    methods = tmp_path / "cli_methods_mod.py"
    methods.write_text(METHODS_MODULE)
    lines = METHODS_MODULE.splitlines()
    build_line = lines.index("    @classmethod") + 1  # a decorated def starts there
    loss_line = lines.index("    def loss(self, x, y):") + 1
    nothing = tmp_path / "cli_nothing_mod.py"
    nothing.write_text("def main():\n    print('hello')\n")
    syntax = tmp_path / "cli_syntax_mod.py"
    syntax.write_text("def f(x):\n    return x +\n")
    boom = tmp_path / "cli_boom_mod.py"
    boom.write_text("import math\n\nX = 1 / 0\n")
    return [
        (["show", str(tmp_path / "missing.py") + ":f"], "missing.py: no such file"),
        (["show", f"{syntax}:f"], "cli_syntax_mod.py:2: syntax error"),
        (["show", f"{bad}:tries"], "cli_bad_mod.py:7: try/except"),
        (["transform", str(bad)], "cli_bad_mod.py:7: try/except"),
        (["show", f"{bad}:nope"], "no function named 'nope' (functions: ok, tries, divides)"),
        (["show", str(bad)], "give the function as MODULE.py:NAME"),
        (["graph", f"{bad}:ok", "--args", "__import__('os')"], "not Python literals"),
        (["graph", f"{bad}:ok", "--args", "1.0, 2.0"], "cli_bad_mod.py:1: ok(x): --args gives 2"),
        (["graph", f"{bad}:divides", "--args", "1.0"], "cli_bad_mod.py:15: ZeroDivisionError"),
        (["show", f"{boom}:f"], "cli_boom_mod.py:3: importing it raised ZeroDivisionError"),
        (["show", f"{bad}:ok", "--wrt", "z"], "wrt='z': names no argument of ok(x)"),
        (["show", f"{bad}:ok", "--stage", "bogus"], "invalid choice: 'bogus'"),
        (["transform", str(bad), "-f", "ok", "-o", str(tmp_path / "no" / "x.py")],
         "cannot write it"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["transform", str(methods), "-f", "Model.build"],
         f"cli_methods_mod.py:{build_line}: Model.build is a classmethod"),
        (["show", f"{methods}:Model.loss", "--wrt", "self"],
         f"cli_methods_mod.py:{loss_line}: Model.loss: --wrt names self"),
        (["graph", f"{methods}:Model.loss", "--args", "1.0, 2.0"],
         f"cli_methods_mod.py:{loss_line}: Model.loss is a method"),
        (["transform", str(nothing)], "no top-level function computes with its parameters "
         "(skipped: main); name one with -f"),
    ]


def test_errors_are_one_line_and_exit_2(bad: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    for argv, expected in error_cases(bad, tmp_path):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: "), (argv, err)
        assert expected in err, (argv, err)


@pytest.mark.parametrize("index", [0, 2, 8])
def test_errors_from_a_subprocess(bad: Path, tmp_path: Path, index: int) -> None:
    argv, expected = error_cases(bad, tmp_path)[index]
    run = run_cli(*argv)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and expected in run.stderr, run.stderr
    assert run.stdout == ""


SHOWN_MODULE = """
import numpy as np


def loss(W, x, s):
    return np.sum(np.tanh(W @ x) ** 2) * s
"""


@pytest.fixture
def shown(tmp_path: Path) -> Path:
    path = tmp_path / "cli_shown_mod.py"
    path.write_text(SHOWN_MODULE)
    return path


def test_show_args_prints_the_variant_such_a_call_runs(shown: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    """Any arguments: the generic variant (helpers that test shapes at run time); a
    matrix, a vector and a number: the one .source shows after such a call."""
    assert main(["show", f"{shown}:loss"]) == 0
    generic = capsys.readouterr().out
    args = "[[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], 2.0"
    assert main(["show", f"{shown}:loss", "--args", args]) == 0
    specialised = capsys.readouterr().out
    assert "unbroadcast" in generic and "unbroadcast" not in specialised
    assert "np.multiply.outer" in specialised
    spec = importlib.util.spec_from_file_location("cli_shown_mod", shown)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    derivative = s2sad.grad(module.loss)
    W, x = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 2.0])
    derivative(W, x, 2.0)
    assert derivative.source == specialised


@pytest.mark.parametrize("stage", ["ranks", "simplify", "free"])
def test_show_args_with_a_late_pass(shown: Path, capsys: pytest.CaptureFixture,
                                    stage: str) -> None:
    args = "[[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], 2.0"
    assert main(["show", f"{shown}:loss", "--args", args, "--stage", stage]) == 0
    text = capsys.readouterr().out
    assert text.startswith("def grad_loss(W, x, s):") and "matmul_lhs_adjoint" not in text


def test_show_args_must_give_every_parameter(shown: Path,
                                             capsys: pytest.CaptureFixture) -> None:
    assert main(["show", f"{shown}:loss", "--args", "1.0"]) != 0
    assert "give one per parameter" in capsys.readouterr().err
