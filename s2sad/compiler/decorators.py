"""Part of stage 1 (source): a decorated function is differentiated from its own source
(``inspect.unwrap``: the ``functools.wraps`` chain), which is right only where each
decorator's wrapper returns what the function returns.  A wrapper that only forwards
(``return f(*args, **kwargs)``, or a result bound once and returned, around timing,
logging or checks) is looked through; any other wrapper (``return 2.0 * f(*args)``)
would be silently left out of the derivative, so it is refused, naming it."""
from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from s2sad.errors import DifferentiationError


def unwrapped(fn: Callable) -> Callable:
    """``fn`` without its decorators' wrappers, each checked to forward the result."""
    while hasattr(fn, "__wrapped__"):
        inner = fn.__wrapped__
        if _user_class_wrapper(fn):
            name = getattr(inner, "__name__", "the function")
            code = getattr(inner, "__code__", None)
            where = f"{code.co_filename}:{code.co_firstlineno}" if code else "<unknown>:?"
            raise DifferentiationError(
                f"{where}: {name} is decorated by an object of class "
                f"{type(fn).__qualname__}, whose call s2sad cannot read: differentiate the "
                f"undecorated function and apply the decorator's change yourself")
        if inspect.isfunction(fn) and not _own(fn) and not forwards(fn, inner):
            code = fn.__code__
            name = getattr(inner, "__name__", "the function")
            wrapper = getattr(code, "co_qualname", code.co_name)
            raise DifferentiationError(
                f"{code.co_filename}:{code.co_firstlineno}: {name} is decorated: the "
                f"decorator's {wrapper} does not return what {name} returns, and s2sad "
                f"differentiates a function's own source, not what a decorator does with "
                f"its result; differentiate the undecorated function and apply the "
                f"decorator's change to it (or to the derivative) yourself")
        fn = inner
    return fn


def _user_class_wrapper(fn: Any) -> bool:
    """A wrapper that is an object of one of the user's classes (its ``__call__`` may
    change the result: not looked into)."""
    from s2sad.compiler.user_code import is_user_object
    return not inspect.isfunction(fn) and not inspect.ismethod(fn) and \
        is_user_object(fn) and not (type(fn).__module__ or "").startswith("s2sad")


def _own(fn: Callable) -> bool:
    """s2sad's own wrappers of generated code (they run it as it is)."""
    return (getattr(fn, "__module__", None) or "").startswith("s2sad") or \
        fn.__code__.co_filename.startswith("<s2sad")


def forwards(wrapper: Callable, inner: Any) -> bool:
    """Does every ``return`` of ``wrapper`` give back what its closure's ``inner`` returns
    for the wrapper's own arguments, unchanged?"""
    node = _tree(wrapper)
    if node is None:
        return False
    names = {v for v, cell in zip(wrapper.__code__.co_freevars, wrapper.__closure__ or ())
             if _content(cell) is inner}
    params = node.args
    passed = [a.arg for a in params.posonlyargs + params.args]
    rebound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and
               isinstance(n.ctx, ast.Store)}
    if not names or rebound & {*passed, *(a.arg for a in (params.vararg, params.kwarg)
                                          if a is not None)}:
        return False
    results = {t.id for s in ast.walk(node) if isinstance(s, ast.Assign) and
               _forwarding(s.value, names, params) and len(s.targets) == 1
               for t in s.targets if isinstance(t, ast.Name)}
    stores = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and
              isinstance(n.ctx, ast.Store)]
    once = {r for r in results if stores.count(r) == 1}
    returns = [s for s in _own_statements(node) if isinstance(s, ast.Return)]
    return bool(returns) and all(
        r.value is not None and (_forwarding(r.value, names, params) or
                                 isinstance(r.value, ast.Name) and r.value.id in once)
        for r in returns)


def _forwarding(e: ast.expr, names: set[str], params: ast.arguments) -> bool:
    """``inner(a, b, *args, **kwargs)``: the wrapper's parameters, in order, as given."""
    if not isinstance(e, ast.Call) or not isinstance(e.func, ast.Name) or \
            e.func.id not in names:
        return False
    given = ["*" + a.value.id if isinstance(a, ast.Starred) and isinstance(a.value, ast.Name)
             else a.id if isinstance(a, ast.Name) else "?" for a in e.args]
    want = [a.arg for a in params.posonlyargs + params.args] + \
        (["*" + params.vararg.arg] if params.vararg else [])
    keywords = sorted(("**" if k.arg is None else k.arg + "=") + k.value.id
                      if isinstance(k.value, ast.Name) else "?" for k in e.keywords)
    want_kw = sorted([a.arg + "=" + a.arg for a in params.kwonlyargs] +
                     (["**" + params.kwarg.arg] if params.kwarg else []))
    return given == want and keywords == want_kw


def _own_statements(node: ast.AST) -> list[ast.AST]:
    """The statements of a function, not of the defs and lambdas inside it."""
    out: list[ast.AST] = []
    stack = list(getattr(node, "body", []))
    while stack:
        s = stack.pop()
        out.append(s)
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(s, field, []) or [])
    return out


def _tree(wrapper: Callable) -> ast.FunctionDef | None:
    try:
        lines, _ = inspect.findsource(wrapper.__code__)
        first = wrapper.__code__.co_firstlineno - 1
        block = inspect.getblock(lines[first:])
        tree = ast.parse(textwrap.dedent("".join(block)))
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef) else None


def _content(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # (an empty cell)
        return None
