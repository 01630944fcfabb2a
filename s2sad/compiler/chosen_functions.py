"""Part of stage 2: a function chosen by a branch, ``if c: def g(v): ... else: def g(v):
...`` (or ``g = lambda v: ...`` in each branch, or ``g = (lambda v: ...) if c else
(lambda v: ...)``), then ``g(x)``.  Later stages know a def inside the function by its
name, one def per name, so a name bound to several defs read the last one whichever
branch ran (a wrong derivative).  Here each def gets a name of its own (``g_1``,
``g_2``), the branch binds ``g_choice`` to the number of the def it made, and each call
``g(x)`` becomes ``g_1(x) if g_choice == 1 else g_2(x)``: a branch the later stages
differentiate as any other, each of its calls inlined.  A chosen function read other
than called (passed on, stored) is refused: which def it is would be known only at run
time."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import gast

from s2sad.compiler import known_constants
from s2sad.compiler.lambda_lists import fresh_name
from s2sad.compiler.names import const, load, param_names, store
from s2sad.compiler.node_scans import contains
from s2sad.compiler.walks import walk
from s2sad.errors import error_at

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

_BLOCKS = ("body", "orelse", "finalbody")


def lowered(node: gast.FunctionDef, filename: str) -> None:
    """The defs of ``node`` bound to one name on more than one line, each named apart."""
    if not contains(node.body, (gast.FunctionDef, gast.Lambda)):  # (most have none)
        return
    node.body = _each_block(node.body, _branches_of_lambdas)
    made: dict[str, list] = {}
    other = set(param_names(node))
    _bindings(node.body, made, other)
    chosen = [name for name, defs in made.items() if len(defs) > 1]
    if not chosen:
        return
    taken = {n.id for n in walk(node) if isinstance(n, gast.Name)} | \
        {n.name for n in walk(node) if isinstance(n, gast.FunctionDef)}
    for name in chosen:
        if name in other:
            raise error_at(filename, made[name][1], f"{name} bound to a def (or lambda) on "
                           "more than one line and to another value",
                           "give each function a name of its own and call the one you need")
        _named_apart(node, name, made[name], taken, filename)


def _each_block(stmts: list, rewrite) -> list:
    """``rewrite`` (a statement -> the statements replacing it) of every statement of
    ``stmts`` and of the blocks of its compound statements, not inside a def."""
    out: list = []
    for s in stmts:
        if not isinstance(s, gast.FunctionDef):
            for block in _BLOCKS:
                if isinstance(getattr(s, block, None), list):
                    setattr(s, block, _each_block(getattr(s, block), rewrite))
            for handler in getattr(s, "handlers", ()):
                handler.body = _each_block(handler.body, rewrite)
        out.extend(rewrite(s))
    return out


def _branches_of_lambdas(s: gast.stmt) -> list:
    """``g = (lambda v: a) if c else (lambda v: b)`` as ``if c: g = lambda v: a`` ``else:
    g = lambda v: b`` (nested conditional expressions alike)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.IfExp) and
            any(isinstance(n, gast.Lambda) for n in (s.value.body, s.value.orelse))):
        return [s]
    target = s.targets[0]
    branch = gast.If(test=s.value.test, body=[], orelse=[])
    for block, value in (("body", s.value.body), ("orelse", s.value.orelse)):
        bound = gast.copy_location(gast.Assign(targets=[copy.deepcopy(target)], value=value,
                                               type_comment=None), s)
        setattr(branch, block, _branches_of_lambdas(bound))
    return [gast.copy_location(branch, s)]


def _bindings(stmts: list, made: dict[str, list], other: set[str]) -> None:
    """The defs and lambdas bound to each name (``made``), and the names bound to
    anything else (``other``), outside the function's defs."""
    for s in stmts:
        if isinstance(s, gast.FunctionDef):
            made.setdefault(s.name, []).append(s)
            continue
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Lambda):
            made.setdefault(s.targets[0].id, []).append(s)
        else:
            other |= _stored_here(s)
        for block in _BLOCKS:
            if isinstance(getattr(s, block, None), list):
                _bindings(getattr(s, block), made, other)
        for handler in getattr(s, "handlers", ()):
            _bindings(handler.body, made, other)


def _stored_here(s: gast.stmt) -> set[str]:
    """The names ``s`` itself binds: a compound statement's in its head only (those of
    its blocks are looked at statement by statement)."""
    heads = [getattr(s, f) for f in s._fields if f not in _BLOCKS + ("handlers",)]
    return {n.id for head in heads for part in (head if isinstance(head, list) else [head])
            if isinstance(part, gast.AST) for n in walk(part)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _named_apart(node: gast.FunctionDef, name: str, defs: list, taken: set[str],
                 filename: str) -> None:
    """Each def of ``name`` renamed, followed by ``name_choice = k``; each call of
    ``name`` the conditional expression calling the def chosen."""
    choice = fresh_name(f"{name}_choice", taken)
    names = {}
    for k, s in enumerate(defs, start=1):
        names[id(s)] = (fresh_name(f"{name}_{k}", taken), k)

    def renamed(s: gast.stmt) -> list:
        if id(s) not in names:
            return [s]
        new, k = names[id(s)]
        if isinstance(s, gast.FunctionDef):
            s.s2sad_written, s.name = s.name, new  # (the name its text defines)
        else:
            s.targets = [gast.copy_location(store(new), s.targets[0])]
        chose = gast.Assign(targets=[store(choice)], value=const(k), type_comment=None)
        chose.s2sad_choice = True  # (known where the other defs' branches are decided)
        return [s, gast.copy_location(chose, s)]

    node.body = _each_block(node.body, renamed)
    _Calls(name, choice, [new for new, _ in names.values()]).visit(node)
    for n in walk(node):
        if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load):
            raise error_at(filename, n, f"{name}, a function chosen by a branch, used as a "
                           "value", f"call {name} where it is chosen, or give each "
                           "function a name of its own and pass the one you need")


def choice_known(norm: Normalizer, s: gast.Assign) -> None:
    """``g_choice = k`` whose other bindings are all in branches decided not to run (a
    helper's ``if kind == "l2":`` of a literal argument): ``g_choice`` known to be ``k``,
    so that the calls of the defs never made are never read."""
    name = s.targets[0].id if getattr(s, "s2sad_choice", False) else None
    if name is not None and norm.stores[name] - norm.dropped[name] == 1:
        known_constants.bind(norm, norm.name(name), s.value)


class _Calls(gast.NodeTransformer):
    """``g(args)`` as ``g_1(args) if g_choice == 1 else g_2(args)``."""

    def __init__(self, name: str, choice: str, defs: list[str]) -> None:
        self.name, self.choice, self.defs = name, choice, defs

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if not (isinstance(node.func, gast.Name) and node.func.id == self.name):
            return node
        chosen = self._call(node, self.defs[-1])
        for k in range(len(self.defs) - 1, 0, -1):
            test = gast.Compare(left=load(self.choice), ops=[gast.Eq()],
                                comparators=[const(k)])
            chosen = gast.IfExp(test=test, body=self._call(node, self.defs[k - 1]),
                                orelse=chosen)
        return gast.copy_location(chosen, node)

    @staticmethod
    def _call(node: gast.Call, name: str) -> gast.Call:
        call = copy.deepcopy(node)
        call.func = gast.copy_location(load(name), node.func)
        return call
