"""Stage 1: a Python function -> its gast ``FunctionDef`` and the names it reads.

Output: a :class:`Source` whose ``node`` carries the real line numbers of the
user's file, and whose ``namespace`` maps every global and closure name the
function can read to its object.  Lambdas become a ``def`` returning the body.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import gast

from s2sad.compiler import decorators, default_dicts, gast_parse, namespaces
from s2sad.compiler.loader import global_names
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes, walk
from s2sad.errors import DifferentiationError

_R = TypeVar("_R")


@dataclass
class Source:
    """A parsed function: its node, where it lives, and what its names mean."""

    fn: Callable
    node: gast.FunctionDef
    filename: str
    namespace: dict[str, Any]

    def line(self, lineno: int) -> str:
        """The user's source line, stripped, for origin comments."""
        return linecache.getline(self.filename, lineno).strip()

    def resolve(self, name: str) -> Any:
        """The object a free name refers to, or raise ``KeyError``."""
        if name in self.namespace:
            return self.namespace[name]
        return getattr(builtins, name)


def _namespace(fn: Callable) -> dict[str, Any]:
    names = global_names(fn)
    cells = getattr(fn, "__closure__", None) or ()
    for name, cell in zip(fn.__code__.co_freevars, cells):
        try:
            names[name] = cell.cell_contents
        except ValueError:  # an empty cell: the closure variable is not bound yet
            pass
    return names


def _lambda_def(fn: Callable, tree: gast.AST, filename: str) -> gast.FunctionDef:
    params = list(fn.__code__.co_varnames[: fn.__code__.co_argcount])
    line = fn.__code__.co_firstlineno
    lambdas = [n for n in walk(tree) if isinstance(n, gast.Lambda)
               and [a.id for a in n.args.args] == params and n.lineno == line]
    if len(lambdas) > 1:  # several on the line: the one whose body the code came from
        lambdas = [n for n in lambdas if _holds_code(fn, n.body, tree)] or \
            _same_text(fn, lambdas)
    if len(lambdas) != 1:
        raise DifferentiationError(
            f"{filename}:{fn.__code__.co_firstlineno}: lambda: cannot tell which lambda on "
            "this line is meant; write it as a def")
    lam = lambdas[0]
    ret = gast.Return(value=lam.body)
    gast.copy_location(ret, lam.body)
    node = gast.FunctionDef(name="lambda_", args=lam.args, body=[ret], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])
    return gast.copy_location(node, lam)


# code object -> its parsed tree and indent, while one transform runs (:func:`parsing_once`)
_PARSED: dict[Any, tuple[gast.AST, int]] | None = None
_CHECKED: set = set()  # code objects found current (_check_current), in that time
_MEMO: dict[Any, Any] | None = None  # key -> a pure analysis's result, in that time


@contextmanager
def parsing_once() -> Iterator[None]:
    """While the block runs, a function inlined several times (a helper called at each
    stage of an integrator) is read, parsed and checked current once: later loads take
    a copy of the tree (as the parser made it: fields and positions, all :func:`clone`
    keeps).  Only within one transform: a file edited between transforms is read again."""
    global _PARSED, _MEMO
    outer = _PARSED
    if outer is None:
        _PARSED, _MEMO = {}, {}
    try:
        yield
    finally:
        if outer is None:
            _PARSED, _MEMO = None, None
            _CHECKED.clear()


def memoizing() -> bool:
    """Does :func:`once` remember results now (inside :func:`parsing_once`)?  A caller
    whose key costs a walk asks first."""
    return _MEMO is not None


def once(key: Any, compute: Callable[[], _R]) -> _R:
    """``compute()``, worked out once per ``key`` while :func:`parsing_once` runs (a
    helper inlined at every stage of an integrator is analysed once): ``key`` must say
    everything the result depends on, and the caller must not change the result."""
    memo = _MEMO
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _is_lambda(fn: Callable) -> bool:
    """A lambda, also one given a ``__name__`` of its own (its code keeps ``<lambda>``)."""
    return fn.__code__.co_name == "<lambda>"


def _parsed(fn: Callable, filename: str) -> tuple[gast.AST, int]:
    """The function's tree and the indent of its first line."""
    cache = _PARSED
    if cache is None:
        return _parse(fn, filename)
    parsed = cache.get(fn.__code__)
    if parsed is None:
        parsed = cache[fn.__code__] = _parse(fn, filename)
    return clone(parsed[0]), parsed[1]


def _parse(fn: Callable, filename: str) -> tuple[gast.AST, int]:
    lines, first = inspect.getsourcelines(fn)
    indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    # (parsed below as many empty lines as come before it in its file: every node has
    # its line there, and no walk shifts them)
    text = "\n" * (first - 1) + textwrap.dedent("".join(lines))
    try:
        tree = gast_parse.parse(text)
    except SyntaxError:
        if not _is_lambda(fn):
            raise
        # A lambda in the middle of a longer statement: parse its whole file.
        tree = gast_parse.parse("".join(linecache.getlines(filename)))
        return tree, indent
    return tree, indent


def load(fn: Callable) -> Source:
    """Parse ``fn``; raise :class:`DifferentiationError` if it has no source."""
    fn = decorators.unwrapped(fn)
    if not inspect.isfunction(fn):
        raise DifferentiationError(
            f"<unknown>:?: {fn!r}: not a Python function with source; "
            "differentiate a def, or register a rule with s2sad.defvjp")
    filename = fn.__code__.co_filename
    try:
        tree, indent = _parsed(fn, filename)
    except (OSError, TypeError, SyntaxError) as exc:
        raise DifferentiationError(
            f"{filename}:{fn.__code__.co_firstlineno}: function {fn.__name__}: source not "
            f"available ({exc}); define it in a file, or register a rule with s2sad.defvjp"
        ) from None
    if _is_lambda(fn):
        node = _lambda_def(fn, tree, filename)
    else:
        node = _def_named(tree, fn.__name__)
    node.decorator_list = []
    namespace = _namespace(fn)
    found = list(walk(node))  # (read by the checks below: none changes a loop or an import)
    if not _is_lambda(fn) and not filename.startswith("<s2sad") and \
            not getattr(fn, "s2sad_nested", False) and fn.__code__ not in _CHECKED:
        _check_current(fn, found, filename, indent)  # (generated derivatives are never edited)
        if _PARSED is not None:
            _CHECKED.add(fn.__code__)
    _defaults_as_values(fn, node, namespace)
    src = Source(fn, node, filename, namespace)
    if any(isinstance(n, (gast.Import, gast.ImportFrom)) for n in found):
        _imports_inside(src)
    namespaces.as_numpy(src)
    default_dicts.as_plain_dicts(src)
    if getattr(fn, "s2sad_checkpoint", None) or \
            any(isinstance(n, gast.For) and isinstance(n.iter, gast.Call) for n in found):
        from s2sad.compiler import checkpoint
        checkpoint.rewrite(src)
    return src


def _def_named(tree: gast.AST, name: str) -> gast.AST:
    """The first def of that name (breadth first), else the first statement: the parsed
    lines of a function start with its def (no walk of the tree to find it)."""
    first = tree.body[0]
    if isinstance(first, (gast.FunctionDef, gast.AsyncFunctionDef)) and first.name == name:
        return first
    defs = [n for n in walk(tree) if isinstance(n, (gast.FunctionDef,
            gast.AsyncFunctionDef)) and n.name == name]
    return defs[0] if defs else first


def _imports_inside(src: Source) -> None:
    """``import m`` / ``from m import f`` inside the function: bound once in its namespace
    (a module is imported once anyway), so the body reads them as it reads globals. Left
    in place (and refused by the fence) when a name it binds is also assigned there."""
    stored = {n.id for n in name_nodes(src.node) if isinstance(n.ctx, (gast.Store, gast.Param))}
    for parent in list(walk(src.node)):
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if not isinstance(block, list):
                continue
            for s in [s for s in block if isinstance(s, (gast.Import, gast.ImportFrom))]:
                bound = _imported(s)
                if bound is None or set(bound) & stored:
                    continue
                src.namespace.update(bound)
                block.remove(s)
            if not block and field == "body" and parent is not src.node:
                block.append(gast.Pass())


def _imported(s: gast.stmt) -> dict | None:
    """The names an import statement binds, or None if it cannot be done here."""
    import importlib
    try:
        if isinstance(s, gast.Import):
            return {a.asname or a.name.split(".")[0]: importlib.import_module(
                a.name if a.asname else a.name.split(".")[0]) for a in s.names}
        if s.level or s.module is None or any(a.name == "*" for a in s.names):
            return None
        module = importlib.import_module(s.module)
        return {a.asname or a.name: getattr(module, a.name) if hasattr(module, a.name) else
                importlib.import_module(f"{s.module}.{a.name}") for a in s.names}
    except ImportError:
        return None


def _defaults_as_values(fn: Callable, node: gast.FunctionDef, namespace: dict) -> None:
    """Default values as the objects the function holds (``def f(x, k=k)`` read ``k`` when
    it was defined), named in the namespace: the derivative's signature uses them."""
    args = node.args
    values = list(fn.__defaults__ or ())
    for i, value in enumerate(values):
        param = args.args[len(args.args) - len(values) + i].id
        args.defaults[i] = _default_ref(param, value, namespace, args.defaults[i])
    kwdefaults = fn.__kwdefaults__ or {}
    for i, a in enumerate(args.kwonlyargs):
        if kwdefaults.get(a.id, _NONE) is not _NONE:
            args.kw_defaults[i] = _default_ref(a.id, kwdefaults[a.id], namespace,
                                               args.kw_defaults[i])


_NONE = object()


def _default_ref(param: str, value: Any, namespace: dict, old: gast.expr) -> gast.expr:
    if isinstance(old, gast.Constant):
        return old
    name = f"{param}_default"
    while name in namespace and namespace[name] is not value:
        name += "_"
    namespace[name] = value
    return gast.copy_location(gast.Name(id=name, ctx=gast.Load(), annotation=None,
                                        type_comment=None), old)


def _same_text(fn: Callable, lambdas: list[gast.Lambda]) -> list[gast.Lambda]:
    """A lambda of the function's lines s2sad compiled apart (``s2sad_node``, from
    ``inlining.nested_function``: its code's columns are those of its own text): the
    lambdas of the line that read as it does (two reading alike are the same code)."""
    made = getattr(fn, "s2sad_node", None)
    if not isinstance(made, gast.Lambda):
        return []
    text = ast.unparse(gast.gast_to_ast(made))
    alike = [n for n in lambdas if ast.unparse(gast.gast_to_ast(n)) == text]
    return alike[:1]


def _holds_code(fn: Callable, body: gast.expr, tree: gast.AST) -> bool:
    """Every instruction of ``fn`` comes from a place (lines, columns) inside ``body``."""
    indent = 0 if isinstance(tree, gast.Module) and len(tree.body) > 1 else _indent(fn)
    start = (body.lineno, body.col_offset + indent)
    end = (body.end_lineno, body.end_col_offset + indent)
    code = [p for p in fn.__code__.co_positions() if None not in p and p[2:] != (0, 0)]
    return bool(code) and all(start <= (p[0], p[2]) and (p[1], p[3]) <= end for p in code)


def _indent(fn: Callable) -> int:
    lines, _ = inspect.getsourcelines(fn)
    first = lines[0] if lines else ""
    return len(first) - len(first.lstrip())


def _check_current(fn: Callable, found: list, filename: str, indent: int) -> None:
    """The source found at the function's lines must be the function that runs: after the
    file is edited (an editor, a notebook with autoreload) the lines may hold other code.
    Every instruction of the running code carries the place (lines and columns) of the
    expression it came from; each must be the place of an expression in the text now.
    ``found``: the nodes of the function."""
    places = {(n.lineno, n.end_lineno, n.col_offset + indent, n.end_col_offset + indent)
              for n in found if getattr(n, "end_col_offset", None) is not None}
    places |= {(n.end_lineno, n.end_lineno, n.end_col_offset + indent - len(n.attr),
                n.end_col_offset + indent) for n in found  # a method name alone
               if isinstance(n, gast.Attribute) and n.end_col_offset is not None}
    code = {p for p in fn.__code__.co_positions() if None not in p and p[2:] != (0, 0)}
    if not code or code <= places:
        return
    raise DifferentiationError(
        f"{filename}:{fn.__code__.co_firstlineno}: function {fn.__name__}: its source in the "
        "file no longer matches the function that runs (the file was edited after it was "
        "imported); reload the module (importlib.reload) or run the cell again")
