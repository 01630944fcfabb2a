"""Which parameters a function computes with, read from its source (no call made).

``s2sad transform`` without ``-f`` writes the derivatives of the functions that compute
with a parameter, each by the first such parameter (:class:`Arithmetic`).
"""
from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.rules import registry

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
