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
import builtins
import importlib.util
import inspect
import os
import sys
import textwrap
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import numpy as np

from s2sad import export, structure
from s2sad.compiler import pipeline
from s2sad.compiler.normalize import Known
from s2sad.errors import DifferentiationError
from s2sad.graph_render import graphviz_problem, picture
from s2sad.graph_view import graph
from s2sad.rules import registry

FORMATS = {"mermaid": (".mmd", ".mermaid"), "dot": (".dot", ".gv"), "svg": (".svg",),
           "png": (".png",)}
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
                   "ranks), as .source does after a call")
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
    assert spec is not None and spec.loader is not None  # (a .py file: a source loader)
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


def member(module: ModuleType, path: str, name: str) -> tuple[Callable, type | None]:
    """``NAME`` or ``Class.method``: the function, and for a method taking ``self``
    its class (a staticmethod is a plain function; a classmethod is refused)."""
    holder: Any = None
    found: Any = module
    for part in name.split("."):
        holder, found = found, (inspect.getattr_static(found, part, None)
                                if found is not None else None)
    fn = getattr(found, "__func__", found)  # a staticmethod or classmethod: its function
    if not inspect.isfunction(fn):
        known = ", ".join(f.__name__ for f in functions_of(module)) or "none"
        raise UserError(f"{path}: no function named {name!r} (functions: {known})")
    if isinstance(found, classmethod):
        raise UserError(f"{_where(fn)}: {name} is a classmethod, whose first argument is "
                        "the class: s2sad differentiates functions, staticmethods and methods "
                        "taking self; make it one of those")
    owner = holder if isinstance(holder, type) and inspect.isfunction(found) else None
    return fn, owner


def _where(fn: Callable) -> str:
    return f"{fn.__code__.co_filename}:{fn.__code__.co_firstlineno}"


@dataclass
class Target:
    """A function to differentiate, as the command line names it."""

    fn: Callable
    name: str  # the written functions end with it: grad_f, grad_Model_loss
    owner: type | None  # a method's class: self.other(x) in it is inlined from it
    positions: tuple[int, ...]  # wrt, as positions of fn's parameters (self is 0)

    @property
    def known(self) -> Known | None:
        return Known(self.owner) if self.owner is not None else None


def target(module: ModuleType, path: str, name: str, wrt: list[str] | None,
           reader: Arithmetic) -> Target:
    """The function or method ``name`` with the positions to differentiate it by: those
    ``--wrt`` gives (counted after ``self``, as for a bound method in the library), else
    the first parameter it computes with."""
    fn, owner = member(module, path, name)
    skip = 1 if owner is not None else 0
    params = list(inspect.signature(fn).parameters)
    if wrt is None:
        computes = reader.params(fn, owner)
        chosen = next((p for p in params[skip:] if p in computes), skip)
    else:
        chosen = _after(skip, parse_wrt(wrt))
    positions, _ = structure.resolve_wrt(fn, chosen)
    if skip and 0 in positions:
        raise UserError(f"{_where(fn)}: {name}: --wrt names self; a method is differentiated "
                        "with respect to its arguments after self")
    return Target(fn, name.replace(".", "_"), owner, positions)


def _after(n: int, wrt: Any) -> Any:
    """``wrt`` positions counted after ``n`` leading arguments (names stay as they are)."""
    def shift(w: Any) -> Any:
        return w + n if isinstance(w, int) and w >= 0 else w
    return tuple(map(shift, wrt)) if isinstance(wrt, tuple) else shift(wrt)


def resolve_target(spec: str, wrt: list[str] | None = None) -> Target:
    """``path.py:NAME`` or ``path.py:Class.method`` -> the target."""
    path, sep, name = spec.rpartition(":")
    if not sep or not name or not path:
        raise UserError(f"{spec}: give the function as MODULE.py:NAME")
    return target(load_module(path), path, name, wrt, Arithmetic())


# ----- which parameters a function computes with -----

SHAPE_ATTRIBUTES = frozenset({"shape", "size", "ndim", "dtype"})
_VALUE_METHOD = object()  # a call like x.sum(): a method of a value, not of a module


class Arithmetic:
    """Which parameters of a function it computes with, read from its source.

    Why: ``transform`` without ``-f`` should write the derivatives a user wants (a
    loss, a model) and not those of data generators or ``main()``, and each one with
    respect to an argument that can have a derivative.  A parameter counts when its
    value, directly or through names assigned from it, is an operand of ``+ - * / **
    @``, of a unary minus or an augmented assignment, an argument with a derivative
    of a function with a rule (``np.sin(x)``; not ``np.zeros(n)``, ``range(n)``), or
    an argument of the user's own function that computes with it.  Index arithmetic
    (``x[i + 1]``) and sizes (``range(n - 1)``) do not count.
    """

    def __init__(self) -> None:
        self.memo: dict[Callable, set[str]] = {}

    def params(self, fn: Callable, owner: type | None = None) -> set[str]:
        if fn not in self.memo:
            self.memo[fn] = set()  # a recursive call computes with nothing yet
            self.memo[fn] = _Reader(self, fn, owner).computes()
        return self.memo[fn]


def _function_tree(fn: Callable) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    found = tree.body[0] if tree.body else None
    return found if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _params_of(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = node.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


def _stored(target: ast.expr) -> list[str]:
    """The names an assignment target writes (``x[i] = ...`` writes ``x``)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for t in target.elts for n in _stored(t)]
    if isinstance(target, (ast.Starred, ast.Subscript)):
        return _stored(target.value)
    return []


def _flows(tree: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """(target, value) of every assignment, loop and comprehension in ``tree``."""
    out: list[tuple[ast.expr, ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            out += [(t, node.value) for t in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and node.value:
            out.append((node.target, node.value))
        elif isinstance(node, (ast.For, ast.comprehension)):
            out.append((node.target, node.iter))
    return out


class _Reader:
    """One function's source, read for :class:`Arithmetic`."""

    def __init__(self, arithmetic: Arithmetic, fn: Callable, owner: type | None) -> None:
        self.arithmetic, self.owner = arithmetic, owner
        self.namespace = getattr(fn, "__globals__", {})
        self.tree = _function_tree(fn)
        params = _params_of(self.tree) if self.tree is not None else []
        self.carries: dict[str, set[str]] = {p: {p} for p in params}
        self.locals = {n.id for n in ast.walk(self.tree or ast.Module([], []))
                       if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} | set(params)

    def computes(self) -> set[str]:
        if self.tree is None:
            return set()
        flows, changed = _flows(self.tree), True
        while changed:  # names carry the parameters their values come from
            changed = False
            for target, value in flows:
                got = self.value(value)
                for name in _stored(target):
                    if not got <= self.carries.setdefault(name, set()):
                        self.carries[name] |= got
                        changed = True
        return {p for node in self.sites() for p in self.operands(node)} & \
            set(_params_of(self.tree))

    def sites(self) -> Any:
        """Every node, leaving out index expressions and the arguments of calls with no
        derivative (``range(n - 1)``, ``np.zeros(n + 1)``, ``len(x)``)."""
        assert self.tree is not None  # (only computes() asks, once it has a tree)
        stack: list[ast.AST] = [self.tree]
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, ast.Subscript):
                stack.append(node.value)
            elif isinstance(node, ast.Call) and registry.is_nondiff(self.resolve(node.func)):
                stack.append(node.func)
            else:
                stack.extend(ast.iter_child_nodes(node))

    def operands(self, node: ast.AST) -> set[str]:
        """The parameters a node computes with."""
        if isinstance(node, ast.BinOp):
            return self.value(node.left) | self.value(node.right)
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            return self.value(node.operand)
        if isinstance(node, ast.AugAssign):
            return self.value(node.target) | self.value(node.value)
        if isinstance(node, ast.Call):
            return self.call(node)
        return set()

    def value(self, node: ast.AST) -> set[str]:
        """The parameters an expression's value comes from."""
        if isinstance(node, ast.Name):
            return set(self.carries.get(node.id, ()))
        if isinstance(node, ast.Attribute):
            return set() if node.attr in SHAPE_ATTRIBUTES else self.value(node.value)
        if isinstance(node, (ast.Subscript, ast.Starred, ast.NamedExpr)):
            return self.value(node.value)
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)):
            return self.operands(node)
        if isinstance(node, ast.IfExp):
            return self.value(node.body) | self.value(node.orelse)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return set().union(*map(self.value, node.elts))
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self.value(node.elt)
        return set()

    def resolve(self, func: ast.expr) -> Any:
        """What a called name means: an object, ``_VALUE_METHOD``, or None."""
        if isinstance(func, ast.Name):
            if func.id in self.locals:
                return None
            return self.namespace.get(func.id, getattr(builtins, func.id, None))
        if not isinstance(func, ast.Attribute):
            return None
        if isinstance(func.value, ast.Name) and func.value.id == "self" and self.owner:
            return inspect.getattr_static(self.owner, func.attr, None)
        base = self.resolve(func.value) if isinstance(func.value, (ast.Name, ast.Attribute)) \
            else None
        if inspect.ismodule(base) or isinstance(base, type):
            return getattr(base, func.attr, None)
        return _VALUE_METHOD

    def call(self, node: ast.Call) -> set[str]:
        """The parameters that reach a call's arguments with a derivative."""
        callee = self.resolve(node.func)
        if callee is _VALUE_METHOD and isinstance(node.func, ast.Attribute):
            # x.sum(), x.dot(w): as np.sum(x), np.dot(x, w)
            ruled = registry.lookup_vjp(getattr(np, node.func.attr, None)) is not None
            return self.value(node.func.value) | self.args(node) if ruled else set()
        rule = registry.lookup_vjp(callee) if callee is not None else None
        if rule is not None and not registry.is_nondiff(callee):
            return self.args(node, rule)
        fn = getattr(callee, "__func__", callee)
        if inspect.isfunction(fn):  # self.other(x): its parameters after self
            on_self = isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
            return self.args(node, wanted=(fn, int(on_self and inspect.isfunction(callee))))
        return set()

    def args(self, node: ast.Call, rule: Any = None, wanted: tuple | None = None) -> set[str]:
        """The parameters reaching the arguments that have a derivative: per ``rule``'s
        templates, or the parameters the user's function ``wanted`` computes with."""
        if wanted is not None:
            fn, skip = wanted
            names = list(inspect.signature(fn).parameters)[skip:]
            computes = self.arithmetic.params(fn, self.owner if skip else None)
        else:
            names, computes = _rule_params(rule)
        out: set[str] = set()
        for i, arg in enumerate(node.args):
            name = names[i] if i < len(names) else "*"
            if isinstance(arg, ast.Starred) or name in computes:
                out |= self.value(arg)
        for kw in node.keywords:
            if kw.arg is None or kw.arg in computes:
                out |= self.value(kw.value)
        return out


def _rule_params(rule: Any) -> tuple[list[str], set[str]]:
    """A rule's positional parameter names ("*" for the rest when it takes ``*args``)
    and those with a derivative (every one for a user's ``defvjp`` rule, or when no rule
    is given: any argument counts)."""
    if rule is None or rule.user is not None:
        return [], {"*"}
    sig = rule.sig
    names = list(sig.params[:sig.npos])
    computes = {p for p, t in zip(sig.params, rule.templates) if t is not None}
    if sig.vararg is not None and rule.vararg_template is not None:
        computes.add("*")
    return names, computes


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
    t = resolve_target(ns.target, ns.wrt)
    forward = ns.mode == "forward"
    kinds = _kinds(t, ns.args)
    scalars, ranks = kinds
    if ns.stage is None and forward:
        text = pipeline.build_forward(t.fn, t.positions, scalars=scalars, ranks=ranks,
                                      known=t.known).source
    elif ns.stage is None:
        text = pipeline.build_reverse(t.fn, t.positions, "lean", scalars=scalars, ranks=ranks,
                                      known=t.known).source
    else:
        text = pipeline.show(t.fn, ns.stage, t.positions, forward, t.known, kinds)
    sys.stdout.write(text)


def _kinds(t: Target, args: str | None) -> tuple:
    """The kinds of call ``--args`` stands for (numbers, arrays of which shapes): the
    variant such a call runs; without it, the one for any arguments."""
    if args is None:
        return frozenset(), ()
    values = parse_args_literal(args)
    if t.known is not None and t.known.owner is not None:
        raise UserError("--args cannot give a method its self; show it without --args")
    params = inspect.signature(t.fn).parameters
    if len(values) != len(params):
        raise UserError(f"{t.name}{inspect.signature(t.fn)}: --args gives {len(values)} "
                        f"value(s): give one per parameter")
    from s2sad.api import kinds_of
    return kinds_of(values)


def cmd_graph(ns: argparse.Namespace) -> None:
    fmt = ns.format or graph_format(ns.output)
    problem = graphviz_problem() if fmt in ("svg", "png") else None
    if problem is not None:
        raise UserError(f"--format {fmt}: {problem}")
    t = resolve_target(ns.target, ["0"])
    if t.owner is not None:
        raise UserError(f"{_where(t.fn)}: {ns.target.rpartition(':')[2]} is a method: "
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
