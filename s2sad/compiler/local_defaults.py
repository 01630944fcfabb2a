"""Part of stage 3b: default values of a def or lambda made inside the function that read
its variables (``f = lambda v, k=k: v * k`` in a loop, ``def g(v, s=x[0])``).

Python evaluates a default once, when the ``def`` runs, in the function around it.  The
nested def is compiled apart from its function (:func:`inlining.nested_function`), where
those variables do not exist: such a default was refused (a NameError), or, where a
module global had the same name, silently read from the global (a wrong value and a
gradient lost).  Here each such default is evaluated where the def stands, into a fresh
variable of the function (``f_k = k``: the object the default holds, so an in-place write
of ``k`` later is seen as Python sees it), and the compiled def holds a
:class:`LocalDefault` naming that variable, which a call that leaves the parameter out
binds it to (:func:`default_value`).  Such a def is never run as a Python function of its
own (:func:`has_local_defaults`): its defaults are the function's values.
"""
from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.names import load
from s2sad.compiler.walks import name_nodes

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


class LocalDefault:
    """The default of a nested def's parameter: the function's variable ``name`` holding
    the value the default had when the def ran."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<default: {self.name}>"


def compiled(norm: Normalizer, node: gast.AST, name: str, text: str
             ) -> tuple[Any, dict[str, LocalDefault]]:
    """The code of the nested def's ``text`` to run, and the names it reads besides the
    module's: each default reading the function's variables evaluated here, into a fresh
    variable, and replaced in the compiled def by a name holding its
    :class:`LocalDefault`."""
    tree = ast.parse(text)
    target = _def_node(tree, name)
    if target is None:
        return compile(text, norm.src.filename, "exec"), {}
    scope: dict[str, LocalDefault] = {}
    for (param, value, _, _), (_, _, slot, index) in zip(_defaults(node.args),
                                                         _defaults(target.args)):
        if value is None or not _reads_locals(norm, value):
            continue
        hidden = norm.temp(norm.expr(copy.deepcopy(value)), f"{name}_{param}", value).id
        marker = f"_s2sad_default_{len(scope)}"
        scope[marker] = LocalDefault(hidden)
        slot[index] = ast.copy_location(ast.Name(id=marker, ctx=ast.Load()), slot[index])
    return compile(tree, norm.src.filename, "exec"), scope


def default_value(value: Any) -> gast.expr | None:
    """The variable a :class:`LocalDefault` names, read; None for any other default."""
    return load(value.name) if isinstance(value, LocalDefault) else None


def has_local_defaults(fn: Any) -> bool:
    """Does ``fn`` hold a default of the function's variables (no value on its own)?"""
    values = list(getattr(fn, "__defaults__", None) or ()) + \
        list((getattr(fn, "__kwdefaults__", None) or {}).values())
    return any(isinstance(v, LocalDefault) for v in values)


def _def_node(tree: ast.Module, name: str) -> ast.FunctionDef | ast.Lambda | None:
    """The def (or ``name = lambda ...``'s lambda) named ``name`` in the compiled text."""
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef) and n.name == name:
            return n
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Lambda) and any(
                isinstance(t, ast.Name) and t.id == name for t in n.targets):
            return n.value
    return None


def _defaults(args: Any) -> list[tuple[str, Any, list, int]]:
    """(parameter, default, the list it sits in, its index there) of the positional then
    keyword-only defaults, in the order Python evaluates them (a keyword-only parameter
    with no default: None)."""
    positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
    names = [_arg_name(a) for a in positional[len(positional) - len(args.defaults):]]
    out = [(p, d, args.defaults, i) for i, (p, d) in enumerate(zip(names, args.defaults))]
    return out + [(_arg_name(a), d, args.kw_defaults, i)
                  for i, (a, d) in enumerate(zip(args.kwonlyargs, args.kw_defaults))]


def _arg_name(a: Any) -> str:
    return a.id if isinstance(a, gast.Name) else a.arg


def _reads_locals(norm: Normalizer, value: gast.expr) -> bool:
    return any(n.id in norm.locals for n in name_nodes(value))
