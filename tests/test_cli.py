"""The ``s2sad`` command line: transform, show, graph, help and errors.

Run both in-process (``main([...])``) and as ``python -m s2sad`` in a
subprocess.  The module ``transform`` writes is imported and called in a
fresh interpreter started from another folder, and its gradients are
compared with central differences.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from s2sad.cli import main, parse_args_literal, parse_wrt

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
        y = x * 2.0
    except ValueError:
        y = x
    return y


def divides(x):
    y = x - 1.0
    return 1.0 / y
'''


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
    exec(compile(text, "<written>", "exec"), namespace)  # noqa: S102
    assert namespace["grad_f"](3.0, 2.0) == (8.0, 3.0)


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


def test_graph_static(user: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["graph", f"{user}:loop"]) == 0
    text = capsys.readouterr().out
    assert "static" in text and "phi" in text and "value" not in text


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
    syntax = tmp_path / "cli_syntax_mod.py"
    syntax.write_text("def f(x):\n    return x +\n")
    boom = tmp_path / "cli_boom_mod.py"
    boom.write_text("import math\n\nX = 1 / 0\n")
    return [
        (["show", str(tmp_path / "missing.py") + ":f"], "missing.py: no such file"),
        (["show", f"{syntax}:f"], "cli_syntax_mod.py:2: syntax error"),
        (["show", f"{bad}:tries"], "cli_bad_mod.py:6: try/except"),
        (["transform", str(bad)], "cli_bad_mod.py:6: try/except"),
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
