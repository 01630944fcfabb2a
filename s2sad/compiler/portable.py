"""Stage 10: the variant of a generated derivative for another array library.

The NumPy variant's source is rewritten name by name, keeping its lines and comments:
references to NumPy (``np.exp``, ``np.linalg.solve``, a function imported from NumPy)
become references to ``xp``, the arguments' namespace spelled as NumPy
(``runtime/backend.py``), bound by a first statement ``xp = array_namespace(...)``;
helpers run in their array-API versions (``runtime/portable.py``); ``float(g)`` becomes
``to_float(g)``, which leaves a lazy 0-d array lazy.  Whatever has no version on that
library is refused here, naming the user's line, before anything runs.
"""
from __future__ import annotations

import ast
import builtins
import math
import re
import types
from typing import Any

import numpy as np

from s2sad import runtime
from s2sad.compiler import loader, method_sums, running_calls
from s2sad.errors import DifferentiationError, user_line

_HELPER_IDS = {id(v): k for k, v in runtime.HELPERS.items()}


def variant(source: str, name: str, namespace: dict[str, Any], user_globals: Any,
            filename: str, spelled: Any) -> tuple[Any, str]:
    """(function, source) of the derivative ``name`` in ``source`` for the library of
    ``spelled`` (a ``backend.Spelling``)."""
    from s2sad.runtime import backend, portable
    source = _edit(source, _guarded_divisions(ast.parse(source)))
    if backend.scalar_views(spelled):
        source = _element_reads_copied(source)
    if not backend.writable(spelled):
        source = _item_writes_functional(source)
    tree = ast.parse(source)
    fn_node = tree.body[0]
    assert isinstance(fn_node, ast.FunctionDef)  # the source is one generated def
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and
             namespace.get(n.id) is not np}  # a name for NumPy is replaced: free
    xp = next(c for c in ("xp", "xp_", "xp__", "array_ns") if c not in taken)
    length = next(c for c in ("length", "array_len", "len_of_array") if c not in taken)
    source = _method_reductions(source, xp, namespace)
    source = _running_calls_back(source, namespace)
    tree = ast.parse(source)
    fn_node = tree.body[0]
    assert isinstance(fn_node, ast.FunctionDef)
    lines = source.splitlines()
    edits: list[tuple[int, int, int, str]] = []  # (line, start, end, text) of one name
    for root, path, outer in _numpy_references(fn_node, namespace):
        if namespace.get(root.id) is math and not hasattr(spelled, path[0][0]):
            continue  # math.gamma(n) and the like: numbers only, as in the NumPy variant
        _check(spelled, path[0], root, lines, filename)
        if path[0] == ["where"] and isinstance(outer, ast.Attribute):
            edits.append(_replace(outer, "portable_where"))  # (of two numbers too)
            continue
        edits.append(_replace(root, ".".join([xp, *path[1]])))
    for node in ast.walk(fn_node):
        if not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load):
            continue
        if getattr(namespace.get(node.id), "__module__", None) == "s2sad.compiler.checkpoint":
            raise _refusal("a checkpointed loop (s2sad.checkpoint) runs on NumPy arrays only",
                           spelled, node, lines, filename)
        helper = _HELPER_IDS.get(id(namespace.get(node.id)))
        if helper == node.id and node.id not in portable.PORTABLE:
            raise _refusal(f"its derivative needs {node.id}, which runs on NumPy arrays "
                           "only", spelled, node, lines, filename)
        for builtin, portable_name in (("float", "to_float"), ("len", length)):
            if node.id == builtin and namespace.get(builtin, getattr(builtins, builtin)) \
                    is getattr(builtins, builtin):
                edits.append(_replace(node, portable_name))
    text = _bind_namespace(_edit(source, edits), fn_node, xp)
    scope = {**namespace, **portable.PORTABLE, "array_namespace": backend.array_namespace,
             length: portable.PORTABLE["length"]}
    fn = loader.load(text, name, scope, user_globals)
    return _located(fn, text, filename, spelled.backend), text


def _located(fn: Any, text: str, filename: str, library: str) -> Any:
    """``fn`` under its own signature, whose errors name the user's line: a step the
    library cannot run (a negative slice step on torch, a method it lacks) is refused as
    a DifferentiationError, never a bare error out of generated code."""
    code = fn.__code__
    n = code.co_argcount + code.co_kwonlyargcount
    params = list(code.co_varnames[:n])
    positional, keyword = params[:code.co_argcount], params[code.co_argcount:]
    signature = ", ".join(positional + (["*", *keyword] if keyword else []))
    call = ", ".join(positional + [f"{k}={k}" for k in keyword])
    lines = text.splitlines()

    def refusal(error: Exception) -> Exception:
        if isinstance(error, DifferentiationError) and re.match(r"\S+:\d+: ", str(error)):
            return error
        tb, line = error.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code is code:
                line = tb.tb_lineno
            tb = tb.tb_next
        where = f"{filename}:{user_line(lines, line) if line else '?'}"
        if isinstance(error, DifferentiationError):
            return DifferentiationError(f"{where}: {error}")
        return DifferentiationError(
            f"{where}: {library} cannot run this step of the derivative "
            f"({type(error).__name__}: {error}); pass NumPy arrays, or write that step with "
            "array-API functions (docs/backends.md)")
    scope = {"inner": fn, "refusal": refusal}
    exec(f"def {fn.__name__}({signature}):\n"  # (our own two-line wrapper)
         f"    try:\n        return inner({call})\n"
         f"    except Exception as error:\n        raise refusal(error) from error\n", scope)
    wrapper = scope[fn.__name__]
    wrapper.__defaults__, wrapper.__kwdefaults__ = fn.__defaults__, fn.__kwdefaults__
    wrapper.s2sad_refresh = fn.s2sad_refresh
    wrapper.__wrapped__ = fn
    return wrapper


def _replace(node: ast.expr, text: str) -> tuple[int, int, int, str]:
    assert node.end_col_offset is not None  # (parsed: it has positions)
    return (node.lineno, node.col_offset, node.end_col_offset, text)


def _guarded_divisions(tree: ast.AST
                       ) -> list[tuple[int, int, tuple[int | None, int | None], str]]:
    """``g / d if d else safe_div(g, d)`` (numbers, in the NumPy variant) is
    ``safe_div(g, d)``: the test would ask a lazy 0-d array for its value."""
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp) and isinstance(node.orelse, ast.Call) and \
                isinstance(node.orelse.func, ast.Name) and node.orelse.func.id == "safe_div":
            edits.append((node, node.orelse))
    return [(n.lineno, n.col_offset, (n.end_lineno, n.end_col_offset), ast.unparse(o))
            for n, o in edits if not any(_inside(n, m) for m, _ in edits if m is not n)]


def _element_reads_copied(source: str) -> str:
    """``a[i]`` -> ``read_at(a, i)``, for a library whose 0-d results of indexing are
    views (torch): NumPy's are copies, and the derivative keeps an element it read
    while the array is written after (``d = dx[2]; dx[2] = 0.0``)."""
    while True:
        tree = ast.parse(source)
        reads = [n for n in ast.walk(tree) if isinstance(n, ast.Subscript) and
                 isinstance(n.ctx, ast.Load) and
                 not any(isinstance(m, ast.Subscript) for m in ast.walk(n) if m is not n)]
        if not reads:
            return source
        source = _edit(source, [
            (n.lineno, n.col_offset, (n.end_lineno, n.end_col_offset),
             f"read_at({ast.get_source_segment(source, n.value)}, "
             f"{_index_text(source, n.slice)})") for n in reads])


def _method_reductions(source: str, xp: str, namespace: dict) -> str:
    """``dx.sum(axis=0)`` -> ``xp.sum(dx, axis=0)`` (the NumPy variant calls a reduction
    of an array as its method, :mod:`method_sums`; not every library's arrays have
    it), the outermost calls first, then those inside them."""
    while True:
        calls: list[Any] = [
            n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and
            isinstance(n.func, ast.Attribute) and n.func.attr in method_sums.NAMES and
            not (isinstance(n.func.value, ast.Name) and (
                n.func.value.id == xp or
                isinstance(namespace.get(n.func.value.id), types.ModuleType)))]
        calls = [n for n in calls if not any(_inside(n, m) for m in calls if m is not n)]
        if not calls:
            return source
        source = _edit(source, [
            (n.lineno, n.col_offset, (n.end_lineno, n.end_col_offset),
             f"{xp}.{n.func.attr}(" + ", ".join(
                 [_segment(source, n.func.value)] + [_segment(source, a) for a in n.args] +
                 [f"{k.arg}={_segment(source, k.value)}" for k in n.keywords]) + ")")
            for n in calls])


def _running_calls_back(source: str, namespace: dict) -> str:
    """``running_product(x, 1)`` -> ``np.cumprod(x, axis=1)``, ``roll_axis(u, 1, 0)`` ->
    ``np.roll(u, 1, axis=0)`` (the NumPy variant's helpers, :mod:`running_calls`), spelled
    or refused below as NumPy's call."""
    if namespace.get("np") is not np:
        return source  # (then refused as a helper that runs on NumPy arrays only)
    edits = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and \
                len(n.args) in (2, 3) and n.func.id in running_calls.NUMPY_NAMES and \
                namespace.get(n.func.id) is runtime.HELPERS[n.func.id]:
            edits += [_replace(n.func, f"np.{running_calls.NUMPY_NAMES[n.func.id]}"),
                      _replace(n.args[-1], f"axis={_segment(source, n.args[-1])}")]
    return _edit(source, edits)


def _item_writes_functional(source: str) -> str:
    """``d[i] += v`` -> ``d = write_at(d, i, d[i] + v)``, for a library whose arrays take
    no item writes (JAX): the NumPy variant accumulates adjoints in place into arrays it
    made itself, which ``write_at`` gives anew there (``.at[i].set``)."""
    tree = ast.parse(source)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Assign, ast.AugAssign)):
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) and \
            len(node.targets) == 1 else getattr(node, "target", None)
        if not isinstance(target, ast.Subscript) or not isinstance(target.value, ast.Name):
            continue
        name, index = target.value.id, _index_text(source, target.slice)
        value = _segment(source, node.value)
        if isinstance(node, ast.AugAssign):  # (the operator as the line spells it)
            op = ast.unparse(ast.BinOp(ast.Name("a"), node.op, ast.Name("b")))[2:-2]
            value = f"{_segment(source, target)} {op} ({value})"
        edits.append((node.lineno, node.col_offset, (node.end_lineno, node.end_col_offset),
                      f"{name} = write_at({name}, {index}, {value})"))
    return _edit(source, edits)


def _index_text(source: str, index: ast.AST) -> str:
    """An index as a value: ``1:3`` -> ``slice(1, 3, None)``; ``i, ...`` a tuple."""
    if isinstance(index, ast.Slice):
        parts = [_segment(source, p) if p is not None else "None"
                 for p in (index.lower, index.upper, index.step)]
        return f"slice({', '.join(parts)})"
    if isinstance(index, ast.Tuple):
        return "(" + "".join(_index_text(source, e) + ", " for e in index.elts) + ")"
    return _segment(source, index)


def _segment(source: str, node: ast.AST) -> str:
    """The text of a node parsed from ``source`` (so it has positions)."""
    text = ast.get_source_segment(source, node)
    assert text is not None
    return text


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    return any(n is node for n in ast.walk(outer))


def _numpy_references(fn_node: ast.AST, namespace: dict) -> list:
    """Each outermost reference into NumPy (or ``math``'s function of a number): its root
    name, the path to check below ``numpy`` and the path that replaces the root, and the
    reference itself."""
    found: list = []
    inner: set[int] = set()
    for node in ast.walk(fn_node):
        if id(node) in inner or not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        found_here = _path(node, namespace)
        if found_here is not None:
            found.append((*found_here, node))
            inner.update(id(n) for n in ast.walk(node))
    return found


def _path(node: ast.AST, namespace: dict) -> tuple | None:
    """``np.linalg.solve`` -> (root ``np``, (["linalg", "solve"], [])) when its root is
    NumPy; ``la.solve`` of ``from numpy import linalg as la``: (la, (.., ["linalg"]))."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load):
        return None
    root = namespace.get(node.id)
    if root is math and len(attrs) == 1 and callable(getattr(math, attrs[0], None)):
        return node, ([attrs[0]], [])  # math.sqrt(s) of a number that may be a 0-d array
    if isinstance(root, types.ModuleType) and root.__name__.split(".")[0] == "numpy":
        below = root.__name__.split(".")[1:]
        return (node, (below + attrs, below)) if attrs or below else None
    if not attrs and callable(root) and _is_numpy_function(root):
        module = getattr(root, "__module__", None) or "numpy"
        where = ["linalg"] if "linalg" in module else []
        return node, (where + [root.__name__], where + [root.__name__])
    return None


def _is_numpy_function(fn: Any) -> bool:
    if isinstance(fn, np.ufunc):
        return getattr(np, fn.__name__, None) is fn
    module = getattr(fn, "__module__", "") or ""
    return module.split(".")[0] == "numpy" and not isinstance(fn, type)


def _check(spelled: Any, path: list[str], node: ast.expr, lines: list[str],
           filename: str) -> None:
    target = spelled
    for part in path:
        try:
            target = getattr(target, part)
        except AttributeError:
            raise _refusal(f"np.{'.'.join(path)} has no counterpart in the array API",
                           spelled, node, lines, filename) from None


def _refusal(what: str, spelled: Any, node: ast.expr, lines: list[str],
             filename: str) -> DifferentiationError:
    line = user_line(lines, node.lineno)
    return DifferentiationError(
        f"{filename}:{line}: {what}: the derivative cannot run on {spelled.backend} "
        "arrays; pass NumPy arrays (np.asarray), or write that step with array-API "
        "functions (docs/backends.md)")


def _edit(text: str, edits: list) -> str:
    """Replace spans of ``text``: (line, column, end, new text), ``end`` a column on the
    same line or a (line, column) pair."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    for line, col, end, new in edits:
        end_line, end_col = end if isinstance(end, tuple) else (line, end)
        spans.append((starts[line - 1] + col, starts[end_line - 1] + end_col, new))
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def _bind_namespace(text: str, fn_node: ast.FunctionDef, xp: str) -> str:
    """``xp = array_namespace(<parameters>)`` before the first statement of the body."""
    lines = text.splitlines()
    first = fn_node.body[0].lineno - 1
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1  # above the first statement's comments
    indent = " " * fn_node.body[0].col_offset
    a = fn_node.args
    params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    lines.insert(first, f"{indent}{xp} = array_namespace({', '.join(params)})")
    return "\n".join(lines) + "\n"
