"""The ``s2sad`` command: ``transform``, ``show`` and ``graph``.

Why so thin: each command is argument parsing plus one call into the
pipeline (:mod:`s2sad.compiler.pipeline`), :mod:`s2sad.export` or
:func:`s2sad.graph`, so the command line and the library cannot disagree.
Every failure the user can cause prints one line, ``error: file:line: what``,
to stderr and exits with status 2.  Finding the functions a command names is in
:mod:`s2sad.cli_targets`, which parameters they compute with in :mod:`s2sad.computes_with`.
"""
from __future__ import annotations

import argparse
import ast
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import numpy as np

from s2sad import export
from s2sad.cli_targets import (
    Target,
    UserError,
    functions_of,
    load_module,
    parse_wrt,
    per_call,
    resolve_target,
    target,
    where_defined,
)
from s2sad.compiler import pipeline
from s2sad.computes_with import Arithmetic
from s2sad.errors import DifferentiationError
from s2sad.graph_render import graphviz_problem, picture
from s2sad.graph_view import graph

FORMATS = {"mermaid": (".mmd", ".mermaid"), "dot": (".dot", ".gv"), "svg": (".svg",),
           "png": (".png",)}
IMPORTS_NOTE = ("MODULE.py is imported (its top-level code runs) to find the functions and the "
                "names they read.")
EXIT_ERROR = 2


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
        description="Write a module holding the derivative of each named function: reverse "
        "mode gives value_and_grad_NAME and grad_NAME, forward mode jvp_NAME(*args, *, dARG); "
        "a method Class.method gives grad_Class_method(obj, *args), differentiated with "
        "respect to its arguments after self. With no -f, every top-level function that "
        "computes with one of its parameters (+ - * / ** @, or a NumPy/math function with a "
        "derivative) is written; the others (data generators, main) are skipped and named "
        "on stderr. The written module imports numpy, s2sad.runtime and the names it reads "
        "from MODULE, so MODULE must be importable where it runs. " + IMPORTS_NOTE)
    p.add_argument("module", metavar="MODULE.py")
    p.add_argument("-f", "--function", action="append", metavar="NAME", dest="functions",
                   help="a function (NAME) or method (Class.method) to differentiate; repeat "
                   "for several (default: the top-level functions that compute with a parameter)")
    _mode_and_wrt(p)
    p.add_argument("-o", "--output", metavar="OUT.py", help="where to write (default: stdout)")
    p.set_defaults(run=cmd_transform)


def _show_parser(commands: Any) -> None:
    p = commands.add_parser(
        "show", help="print the generated derivative, or the function after one stage",
        description="Print the generated derivative source of MODULE.py:NAME (or "
        "MODULE.py:Class.method), or with --stage the function after that pipeline stage "
        "(source, normalize, alias, ssa: the core form; reverse, forward: the derivative as "
        "that stage writes it) or late pass (" + ", ".join(pipeline.LATE_STAGES) + ", in "
        "that order: the derivative after it; --mode picks which). " + IMPORTS_NOTE)
    p.add_argument("target", metavar="MODULE.py:NAME")
    _mode_and_wrt(p)
    p.add_argument("--stage", choices=pipeline.STAGES, help="stop after this stage")
    p.add_argument("--args", metavar='"3.0, [1.0, 2.0]"', help="arguments as Python literals "
                   "(read with ast.literal_eval; lists of numbers become float arrays): show "
                   "the variant a call with such arguments runs (numbers, arrays of those "
                   "ranks), as .source does after a call; of a function of *args or **kwargs, "
                   "the one a call passing these positional values (without --args: one "
                   "per named parameter) and no keywords runs")
    p.set_defaults(run=cmd_show)


def _graph_parser(commands: Any) -> None:
    p = commands.add_parser(
        "graph", help="draw the computational graph (Mermaid, DOT, SVG or PNG)",
        description="Draw the computational graph of MODULE.py:NAME, left to right: inputs, "
        "intermediates, output. Without --args it is the static graph of the SSA form; with "
        "--args the executed graph, with each value and its adjoint (a long loop shows its "
        "first iterations and one node for the rest). SVG and PNG need the graphviz package "
        "and Graphviz's dot program: pip install -e \".[viz]\" and install Graphviz. "
        + IMPORTS_NOTE)
    p.add_argument("target", metavar="MODULE.py:NAME")
    p.add_argument("--args", metavar='"3.0, 2.0"', help="the arguments as Python literals, "
                   "read with ast.literal_eval, never run as code; lists of numbers become "
                   "float NumPy arrays")
    p.add_argument("--format", choices=tuple(FORMATS), help="mermaid, dot (text), svg or png "
                   "(pictures; need Graphviz); default: -o's suffix, else mermaid")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (default: stdout)")
    p.add_argument("--wrt", action="append", metavar="ARG",
                   help="inputs to mark as the ones of interest: positions or names, "
                   "comma-separated or repeated (default: 0)")
    p.set_defaults(run=cmd_graph)


def _mode_and_wrt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=("reverse", "forward"), default="reverse")
    p.add_argument("--wrt", action="append", metavar="ARG",
                   help="arguments to differentiate with respect to: positions (after self "
                   "for a method) or names, comma-separated or repeated (default: the first "
                   "argument the function computes with)")


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


# ----- writing the derivatives -----

def module_text(module: ModuleType, targets: list[Target], mode: str) -> str:
    """The source of a module holding the derivative of each target (a method's
    derivative is named ``grad_Class_method`` and takes the object first)."""
    methods = [t.name for t in targets if t.owner is not None]
    note = (f"A method's derivative takes the object first: {_called(methods[0], mode)}.\n"
            if methods else "")
    return export.entries_text(module, [export.Entry(t.fn, t.name, t.positions, t.known)
                                        for t in targets], mode, note)


def _called(name: str, mode: str) -> str:
    return f"jvp_{name}(obj, *args, dARG=...)" if mode == "forward" else f"grad_{name}(obj, *args)"


def default_targets(module: ModuleType, path: str, wrt: list[str] | None
                    ) -> tuple[list[Target], list[str]]:
    """The top-level functions that compute with a parameter, and the names of the others."""
    reader = Arithmetic()
    chosen: list[str] = []
    skipped: list[str] = []
    for fn in functions_of(module):
        if fn.__name__.isidentifier():
            (chosen if reader.params(fn) else skipped).append(fn.__name__)
    if not chosen:
        raise UserError(f"{path}: no top-level function computes with its parameters "
                        f"(skipped: {', '.join(skipped) or 'none'}); name one with -f")
    return [target(module, path, name, wrt, reader) for name in chosen], skipped


# ----- commands -----

def cmd_transform(ns: argparse.Namespace) -> None:
    if ns.output and Path(ns.output).resolve() == Path(ns.module).resolve():
        raise UserError(f"{ns.output}: that is the module being transformed; write the "
                        "derivatives to another file")
    module = load_module(ns.module)
    skipped: list[str] = []
    if ns.functions:
        reader = Arithmetic()
        targets = [target(module, ns.module, n, ns.wrt, reader) for n in ns.functions]
    else:
        targets, skipped = default_targets(module, ns.module, ns.wrt)
    text = module_text(module, targets, ns.mode)
    if skipped:
        print(f"s2sad: skipped {', '.join(skipped)}: no parameter used in arithmetic; name "
              "them with -f to differentiate them", file=sys.stderr)
    write_out(ns.output, text)


def cmd_show(ns: argparse.Namespace) -> None:
    t = per_call(resolve_target(ns.target, ns.wrt), ns.args)
    forward = ns.mode == "forward"
    scalars, ranks, floats = _kinds(t, ns.args)
    if ns.stage is None and forward:
        text = pipeline.build_forward(t.fn, t.positions, scalars=scalars, ranks=ranks,
                                      known=t.known, floats=floats).source
    elif ns.stage is None:
        text = pipeline.build_reverse(t.fn, t.positions, "lean", scalars=scalars, ranks=ranks,
                                      known=t.known, floats=floats).source
    else:
        text = pipeline.show(t.fn, ns.stage, t.positions, forward, t.known,
                             (scalars, ranks), floats)
    sys.stdout.write(text)


def _kinds(t: Target, args: str | None) -> tuple:
    """The kinds of call ``--args`` stands for (numbers, arrays of which shapes, which
    of them float64): the variant such a call runs; without it, the one for any
    arguments."""
    if args is None:
        return frozenset(), (), frozenset()
    values = parse_args_literal(args)
    if t.known is not None and t.known.owner is not None:
        raise UserError("--args cannot give a method its self; show it without --args")
    params = inspect.signature(t.fn).parameters
    if len(values) != len(params):
        raise UserError(f"{t.name}{inspect.signature(t.fn)}: --args gives {len(values)} "
                        f"value(s): give one per parameter")
    from s2sad.call_kinds import float_arrays, kinds_of
    from s2sad.outer_data import global_arrays
    outer = global_arrays(t.fn)  # (the module's arrays it reads, as a call sees them)
    return (*kinds_of(values, outer), float_arrays(values, outer))


def cmd_graph(ns: argparse.Namespace) -> None:
    fmt = ns.format or graph_format(ns.output)
    problem = graphviz_problem() if fmt in ("svg", "png") else None
    if problem is not None:
        raise UserError(f"--format {fmt}: {problem}")
    t = resolve_target(ns.target, ["0"])
    if t.owner is not None:
        raise UserError(f"{where_defined(t.fn)}: {ns.target.rpartition(':')[2]} is a method: "
                        "--args cannot give its self; draw a function that builds the object "
                        "and calls the method")
    args = parse_args_literal(ns.args) if ns.args is not None else ()
    if args:
        _check_call(t.fn, args)
    g = graph(t.fn, *args, wrt=parse_wrt(ns.wrt))
    text = {"dot": g.to_dot, "mermaid": g.to_mermaid}.get(fmt)
    write_out(ns.output, text() if text else picture(g.to_dot(), fmt))


def graph_format(output: str | None) -> str:
    """The format ``-o``'s suffix names (mermaid when it names none)."""
    suffix = Path(output or "").suffix.lower()
    return next((fmt for fmt, suffixes in FORMATS.items() if suffix in suffixes), "mermaid")


def write_out(output: str | None, data: str | bytes) -> None:
    """Write to ``output`` (saying so on stderr), or to stdout."""
    if output:
        try:
            if isinstance(data, bytes):
                Path(output).write_bytes(data)
            else:
                Path(output).write_text(data)
        except OSError as exc:
            raise UserError(f"{output}: cannot write it: {exc.strerror}") from None
        print(f"s2sad: wrote {output}", file=sys.stderr)
    elif isinstance(data, bytes):
        if sys.stdout.isatty():
            raise UserError("a PNG is binary: write it to a file with -o FILE.png")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


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
