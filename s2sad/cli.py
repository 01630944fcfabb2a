"""The ``s2sad`` command: ``transform``, ``show`` and ``graph``.

Why so thin: each command is argument parsing plus one call into the
pipeline (:mod:`s2sad.compiler.pipeline`), :mod:`s2sad.export` or
:func:`s2sad.graph`, so the command line and the library cannot disagree.
Every failure the user can cause prints one line, ``error: file:line: what``,
to stderr and exits with status 2.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import numpy as np

from s2sad import structure
from s2sad.compiler import pipeline
from s2sad.compiler.normalize import Known
from s2sad.errors import DifferentiationError
from s2sad.export import module_text
from s2sad.graph_view import graph

IMPORTS_NOTE = ("MODULE.py is imported (its top-level code runs) to find the functions and the "
                "names they read.")
EXIT_ERROR = 2
_LOADED: list[ModuleType] = []  # modules this process imported from a path (may be replaced)


class UserError(Exception):
    """Bad input: its message is the whole error line (after ``error: ``)."""


class _Parser(argparse.ArgumentParser):
    """An ``argparse`` parser whose usage errors are one line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


# ----- arguments -----

def build_parser() -> argparse.ArgumentParser:
    """The parser of ``s2sad`` and its three subcommands."""
    parser = _Parser(prog="s2sad", description="Source-to-source automatic differentiation "
                     "of Python/NumPy functions. " + IMPORTS_NOTE, epilog="Errors print one "
                     "line; set S2SAD_TRACEBACK=1 to see the traceback of an unexpected one.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _transform_parser(commands)
    _show_parser(commands)
    _graph_parser(commands)
    return parser


def _transform_parser(commands: Any) -> None:
    p = commands.add_parser(
        "transform", help="write a module holding derivatives of a module's functions",
        description="Write a module holding the derivative of each named function (every "
        "top-level function when none is named): reverse mode gives value_and_grad_NAME and "
        "grad_NAME, forward mode jvp_NAME(*args, *, dARG). The written module imports numpy, "
        "s2sad.runtime and the names it reads from MODULE, so MODULE must be importable "
        "where it runs. " + IMPORTS_NOTE)
    p.add_argument("module", metavar="MODULE.py")
    p.add_argument("-f", "--function", action="append", metavar="NAME", dest="functions",
                   help="a function to differentiate (repeat for several; default: all)")
    _mode_and_wrt(p)
    p.add_argument("-o", "--output", metavar="OUT.py", help="where to write (default: stdout)")
    p.set_defaults(run=cmd_transform)


def _show_parser(commands: Any) -> None:
    p = commands.add_parser(
        "show", help="print the generated derivative, or the function after one stage",
        description="Print the generated derivative source of MODULE.py:NAME, or with "
        "--stage the function after that pipeline stage (source, normalize, alias, ssa: the core "
        "form; reverse, forward: the derivative). " + IMPORTS_NOTE)
    p.add_argument("target", metavar="MODULE.py:NAME")
    _mode_and_wrt(p)
    p.add_argument("--stage", choices=pipeline.STAGES, help="stop after this stage")
    p.set_defaults(run=cmd_show)


def _graph_parser(commands: Any) -> None:
    p = commands.add_parser(
        "graph", help="print the computational graph (Mermaid or Graphviz DOT)",
        description="Print the computational graph of MODULE.py:NAME. Without --args it is "
        "the static graph of the SSA form; with --args the executed graph, with each value "
        "and its adjoint. " + IMPORTS_NOTE)
    p.add_argument("target", metavar="MODULE.py:NAME")
    p.add_argument("--args", metavar='"3.0, 2.0"', help="the arguments as Python literals, "
                   "read with ast.literal_eval, never run as code; lists of numbers become "
                   "float NumPy arrays")
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    p.add_argument("--wrt", action="append", metavar="ARG",
                   help="inputs to mark as the ones of interest: positions or names, "
                   "comma-separated or repeated (default: 0)")
    p.set_defaults(run=cmd_graph)


def _mode_and_wrt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=("reverse", "forward"), default="reverse")
    p.add_argument("--wrt", action="append", metavar="ARG",
                   help="arguments to differentiate with respect to: positions or names, "
                   "comma-separated or repeated (default: 0)")


def parse_wrt(items: list[str] | None) -> Any:
    """``None`` -> 0, ``["1"]`` -> 1, ``["x,y"]`` -> ("x", "y"): the ``wrt`` of the library."""
    parts = [p for item in items or ["0"] for p in item.split(",") if p.strip()]
    values = [int(p) if p.strip().lstrip("-").isdigit() else p.strip() for p in parts]
    return values[0] if len(values) == 1 else tuple(values)


def parse_args_literal(text: str) -> tuple:
    """``"3.0, 2.0"`` -> (3.0, 2.0) by ``ast.literal_eval``; number lists become arrays."""
    try:
        values = ast.literal_eval(f"({text},)")
    except (ValueError, SyntaxError) as exc:
        raise UserError(f"--args {text!r}: not Python literals ({exc.__class__.__name__}); "
                        'write e.g. --args "3.0, [1.0, 2.0]"') from None
    return tuple(_as_array(v) for v in values)


def _as_array(value: Any) -> Any:
    if isinstance(value, list):
        try:
            return np.array(value, dtype=float)
        except (ValueError, TypeError):
            return value
    return value


# ----- the user's module -----

def load_module(path: str) -> ModuleType:
    """Import the user's file as a module named after it (its folder goes on sys.path)."""
    file = Path(path)
    if not file.is_file():
        raise UserError(f"{path}: no such file")
    name, folder = file.stem, str(file.resolve().parent)
    if file.suffix != ".py" or not name.isidentifier():
        raise UserError(f"{path}: not an importable Python module name; use a .py file "
                        "named like a Python identifier (e.g. my_model.py)")
    loaded = sys.modules.get(name)
    if loaded is not None and loaded not in _LOADED and \
            Path(getattr(loaded, "__file__", "") or "").resolve() != file.resolve():
        raise UserError(f"{path}: a module named {name!r} is already imported from "
                        f"{getattr(loaded, '__file__', 'elsewhere')}; rename the file")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, str(file))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    _LOADED.append(module)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise UserError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:
        line = _line_in(exc, file)
        raise UserError(f"{path}:{line}: importing it raised "
                        f"{type(exc).__name__}: {exc}") from None
    return module


def _line_in(exc: BaseException, file: Path) -> Any:
    """The last line of ``file`` in the traceback of ``exc`` ("?" if none)."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__)
             if Path(f.filename).resolve() == file.resolve()]
    return lines[-1] if lines else "?"


def functions_of(module: ModuleType) -> list[Callable]:
    """The module's own top-level functions, in source order."""
    fns = [f for f in vars(module).values()
           if inspect.isfunction(f) and f.__module__ == module.__name__]
    return sorted(fns, key=lambda f: f.__code__.co_firstlineno)


def function_named(module: ModuleType, path: str, name: str) -> Callable:
    """``NAME`` or ``Class.method`` (a method: its function, ``self`` first)."""
    fn: Any = module
    for part in name.split("."):
        fn = inspect.getattr_static(fn, part, None) if fn is not None else None
    fn = getattr(fn, "__func__", fn)  # a staticmethod or classmethod: its function
    if not inspect.isfunction(fn):
        known = ", ".join(f.__name__ for f in functions_of(module)) or "none"
        raise UserError(f"{path}: no function named {name!r} (functions: {known})")
    return fn


def resolve_target(target: str) -> Callable:
    """``path.py:NAME`` -> the function."""
    path, sep, name = target.rpartition(":")
    if not sep or not name or not path:
        raise UserError(f"{target}: give the function as MODULE.py:NAME")
    return function_named(load_module(path), path, name)


# ----- commands -----

def cmd_transform(ns: argparse.Namespace) -> None:
    if ns.output and Path(ns.output).resolve() == Path(ns.module).resolve():
        raise UserError(f"{ns.output}: that is the module being transformed; write the "
                        "derivatives to another file")
    module = load_module(ns.module)
    names = ns.functions or [f.__name__ for f in functions_of(module)
                             if f.__name__.isidentifier()]
    if not names:
        raise UserError(f"{ns.module}: no top-level functions to differentiate")
    fns = [function_named(module, ns.module, n) for n in names]
    text = module_text(module, fns, ns.mode, parse_wrt(ns.wrt))
    if ns.output:
        try:
            Path(ns.output).write_text(text)
        except OSError as exc:
            raise UserError(f"{ns.output}: cannot write it: {exc.strerror}") from None
        print(f"s2sad: wrote {ns.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def method_owner(target: str, fn: Callable) -> type | None:
    """``path.py:Class.method`` of a method taking ``self``: the class (its other methods
    called on ``self`` are inlined, and ``wrt`` counts from the argument after ``self``)."""
    path, _, name = target.rpartition(":")
    if "." not in name or not fn.__code__.co_varnames[:1] == ("self",):
        return None
    owner: Any = load_module(path)
    for part in name.split(".")[:-1]:
        owner = getattr(owner, part, None)
    return owner if isinstance(owner, type) else None


def cmd_show(ns: argparse.Namespace) -> None:
    fn = resolve_target(ns.target)
    owner = method_owner(ns.target, fn)
    known = Known(owner) if owner is not None else None
    stage = ns.stage or ns.mode
    wrt = parse_wrt(ns.wrt)
    if owner is not None and ns.wrt is None:
        wrt = 1  # the first argument after self
    positions, _ = structure.resolve_wrt(fn, wrt)
    if stage == "reverse":
        text = pipeline.build_reverse(fn, positions, "lean", known=known).source
    elif stage == "forward":
        text = pipeline.build_forward(fn, positions, known=known).source
    else:
        text = pipeline.prepare(fn, stage, known=known) if stage != "source" else None
        text = pipeline.show(fn, stage) if text is None else \
            pipeline.render.function_source(text.node)
    sys.stdout.write(text)


def cmd_graph(ns: argparse.Namespace) -> None:
    fn = resolve_target(ns.target)
    args = parse_args_literal(ns.args) if ns.args is not None else ()
    if args:
        _check_call(fn, args)
    g = graph(fn, *args, wrt=parse_wrt(ns.wrt))
    sys.stdout.write(g.to_dot() if ns.format == "dot" else g.to_mermaid())


def _check_call(fn: Callable, args: tuple) -> None:
    try:
        inspect.signature(fn).bind(*args)
    except TypeError as exc:
        code = fn.__code__
        raise UserError(f"{code.co_filename}:{code.co_firstlineno}: {fn.__name__}"
                        f"{inspect.signature(fn)}: --args gives {len(args)} value(s): "
                        f"{exc}") from None


# ----- entry point -----

def error_line(exc: BaseException) -> str:
    """One line for any failure: ``file:line: what``."""
    if isinstance(exc, (UserError, DifferentiationError)):
        text = str(exc)
    else:
        where = getattr(exc, "s2sad_where", None)
        text = f"{where + ': ' if where else ''}{type(exc).__name__}: {exc}"
    return "error: " + " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0, or 2 on an error)."""
    try:
        ns = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        ns.run(ns)
    except Exception as exc:
        if os.environ.get("S2SAD_TRACEBACK"):
            raise
        print(error_line(exc), file=sys.stderr)
        return EXIT_ERROR
    return 0
