"""Part of stage 3b: a derivative, taken inside the function, of a function made inside it
that reads the function's variables (``s2sad.grad(lambda y: x * y ** 2)(x)``, a nested
def closing over a parameter, ``g = s2sad.grad(h); g(t)``).

Such a local def has no meaning outside the frame it reads, so its derivative cannot be
made on its own.  It is *lifted*: the same function with those variables as keyword-only
parameters, whose derivative is made and inlined like any derivative called in the
function, each call passing the variables as they are at the call (which is what the
closure reads: Python looks its free names up when it runs).  The outer derivative then
sees the variables flow through the inner derivative's code, so a nested gradient of a
closure over the very argument being differentiated is right (no perturbation
confusion: the inner derivative is code of its own, not a tape shared with the outer)."""
from __future__ import annotations

import ast
import textwrap
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.local_defaults import has_local_defaults
from s2sad.compiler.names import load

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def lifted(fn: Any, trailing: bool = False) -> Any:
    """``fn`` (a local def reading variables of the function it was made in) as a
    function of its parameters and, keyword-only (``trailing``: positional, after its
    own), those variables; the local defs it calls that read them too made inside it
    (their variables its parameters as well); None when it reads none, or reads a
    function-valued parameter of that function (no value to pass), or has no node to
    lift."""
    home, node = getattr(fn, "s2sad_scope", None), getattr(fn, "s2sad_node", None)
    if home is None or node is None or has_local_defaults(fn):
        return None  # (defaults of the function's variables: no text of their own)
    found = _defs_read(fn, home)
    if found is None:
        return None
    namespace, inner, read = found
    free = sorted(read & home.locals - set(home.local_defs))
    if not free:
        return None
    name = f"{fn.__name__ if fn.__name__.isidentifier() else 'lambda_fn'}_closed"
    text = _source(node, name, free, trailing, inner)
    if text is None:
        return None
    from s2sad.differentiable import define
    made: Any = define(name, text, namespace)
    made.s2sad_lifted = (tuple(free), home)
    return made


def _defs_read(fn: Any, home: Any) -> tuple[dict, list, set] | None:
    """The lifted function's globals (the user's, and each local def it calls that reads
    no variable of the function, as the module-level function it equals), the local
    defs it calls that do read them (made inside it: (name, node)), and every name those
    read; None where one reads a parameter given a function (no value to pass)."""
    from s2sad.compiler.local_functions import closed
    namespace, inner, read = dict(home.src.namespace), [], set(fn.s2sad_free)
    waiting, seen = sorted(read & set(home.local_defs)), set()
    while waiting:
        ident = waiting.pop()
        if ident in seen:
            continue
        seen.add(ident)
        local = home.local_defs[ident]
        as_module_level = closed(local)
        if as_module_level is not None:
            namespace[ident] = as_module_level
            continue
        if getattr(local, "s2sad_node", None) is None:
            return None
        inner.append((ident, local.s2sad_node))
        read |= local.s2sad_free
        waiting += sorted(local.s2sad_free & set(home.local_defs))
    if read & set(home.callables):
        return None
    return namespace, inner, read


def free_values(norm: Normalizer, fn: Any) -> list[gast.keyword]:
    """The keywords a call of a lifted function's derivative passes: each variable the
    closure reads, as it is at the call (its current name in the scope that made it)."""
    names, home = getattr(fn, "s2sad_lifted", ((), norm))
    return [gast.keyword(arg=ident, value=load(home.name(ident))) for ident in names]


def _source(node: gast.AST, name: str, free: list[str], trailing: bool = False,
            inner: list | None = None) -> str | None:
    """The def's (or lambda's) source under ``name``, with ``free`` as keyword-only
    parameters and the ``inner`` defs ((name, node)) made first in its body; None for a
    signature with ``**kwargs``, a decorated def, or one that rebinds the function's
    variables (``nonlocal``: a parameter would not)."""
    everything = [node] + [n for _, n in inner or []]
    if any(isinstance(n, (gast.Nonlocal, gast.Global)) for m in everything for n in gast.walk(m)):
        return None
    made = [_made_inside(ident, n) for ident, n in inner or []]
    if any(m is None for m in made):
        return None
    if isinstance(node, gast.Lambda):
        lam = gast.gast_to_ast(node)
        head = _head(lam.args, free, trailing)
        body = "".join(textwrap.indent(m, "    ") for m in made if m is not None)
        return None if head is None else \
            f"def {name}({head}):\n{body}    return {ast.unparse(lam.body)}\n"
    fdef: Any = gast.gast_to_ast(gast.Module(body=[node], type_ignores=[])).body[0]
    head = _head(fdef.args, free, trailing)
    if head is None or fdef.decorator_list:
        return None
    fdef.args = ast.parse(f"def _({head}): pass").body[0].args  # type: ignore[attr-defined]
    fdef.name = name
    fdef.body = [st for m in made if m is not None for st in ast.parse(m).body] + fdef.body
    return ast.unparse(ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[])))


def _made_inside(ident: str, node: gast.AST) -> str | None:
    """The statement that makes the local def ``ident`` (a def, or ``ident = lambda``)."""
    if isinstance(node, gast.Lambda):
        return f"{ident} = {ast.unparse(gast.gast_to_ast(node))}\n"
    fdef: Any = gast.gast_to_ast(gast.Module(body=[node], type_ignores=[])).body[0]
    if fdef.decorator_list or fdef.name != ident:
        return None
    return ast.unparse(ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[]))) + "\n"


def _head(args: ast.arguments, free: list[str], trailing: bool = False) -> str | None:
    """The parameter list with ``free`` added keyword-only (``trailing``: positional,
    after the others; None where a ``*args``, a keyword-only parameter or a default
    would come between)."""
    if args.kwarg is not None:
        return None
    plain = ast.unparse(args)
    if trailing:
        if args.vararg is not None or args.kwonlyargs or args.defaults:
            return None
        return ", ".join([plain, *free]) if plain else ", ".join(free)
    star = "" if args.vararg is not None or args.kwonlyargs else "*"
    extra = ", ".join(free)
    return f"{plain}, {star + ', ' if star else ''}{extra}" if plain else f"*, {extra}"


def lifted_recursive(fn: Any) -> Any:
    """A recursive def inside the function reading its variables (``def power(n): ...
    return x * power(n - 1)``) as a module-level function of its parameters and,
    keyword-only, those variables, each recursive call passing them on (a closure's
    recursive call reads the same frame; :mod:`recursive_calls` passes keywords by
    position); None where it reads another local def, rebinds the variables
    (``nonlocal``), or names itself other than in a call."""
    home, node = getattr(fn, "s2sad_scope", None), getattr(fn, "s2sad_node", None)
    if home is None or not isinstance(node, gast.FunctionDef) or has_local_defaults(fn):
        return None
    name = fn.__name__
    free = sorted(fn.s2sad_free & home.locals - {name})
    if not free or (fn.s2sad_free - {name}) & set(home.local_defs) or any(
            isinstance(n, (gast.Nonlocal, gast.Global)) for n in gast.walk(node)):
        return None
    fdef: Any = gast.gast_to_ast(gast.Module(body=[node], type_ignores=[])).body[0]
    head = _head(fdef.args, free)
    if head is None or fdef.decorator_list:
        return None
    new = f"{name}_closed"
    calls = [n for n in ast.walk(fdef) if isinstance(n, ast.Call) and
             isinstance(n.func, ast.Name) and n.func.id == name]
    named = [n for n in ast.walk(fdef) if isinstance(n, ast.Name) and n.id == name]
    if len(named) != len(calls):
        return None  # (the function itself passed on or stored: not a call)
    for call in calls:
        call.func.id = new  # type: ignore[attr-defined]
        call.keywords += [ast.keyword(arg=v, value=ast.Name(id=v, ctx=ast.Load()))
                          for v in free]
    fdef.args = ast.parse(f"def _({head}): pass").body[0].args  # type: ignore[attr-defined]
    fdef.name = new
    text = ast.unparse(ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[])))
    from s2sad.differentiable import define
    made: Any = define(new, text + "\n", dict(home.src.namespace))
    made.s2sad_lifted = (tuple(free), home)
    return made
