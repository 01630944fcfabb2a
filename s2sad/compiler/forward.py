"""Stage 7: forward mode.  SSA core form -> the function with a tangent
statement after each statement whose value depends on a ``wrt`` input.

The tangent of ``v = op(args)`` is the sum of the rule's terms for the
varied arguments (``dv = dx * np.cos(x)``); a linear map is applied to the
tangents themselves; control flow is left as it is, so every path carries
its own tangents.  Mirrors :mod:`reverse`.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import activity as activity_stage
from s2sad.compiler import templates
from s2sad.compiler.names import Swap, assign, const, load, set_origin
from s2sad.compiler.primitives import (
    IDENTITY,
    Prim,
    positional,
    primitive,
    refuse_hidden_write,
    refuse_unsupported,
)
from s2sad.errors import error_at, missing_rule
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.pipeline import Prepared


class Forward:
    def __init__(self, prep: Prepared, varied: set[str], containers: set[str],
                 scalars: set[str] | frozenset[str] = frozenset(),
                 depends: set[str] | frozenset[str] = frozenset()) -> None:
        """``varied``: the names given tangents; ``depends``: every name that depends
        on the inputs (reaching the output or not: a write into an array is checked)."""
        self.prep, self.varied, self.containers = prep, varied, containers
        self.scalars, self.depends = scalars, depends
        self.local = activity_stage.local_names(prep.node)
        self.tangents: dict[str, str] = {}

    def tan(self, name: str) -> str:
        if name not in self.tangents:
            self.tangents[name] = self.prep.namer.fresh("d" + name)
        return self.tangents[name]

    def is_varied(self, node: gast.expr) -> bool:
        return isinstance(node, gast.Name) and node.id in self.varied

    def block(self, stmts: list) -> list:
        out: list = []
        for s in stmts:
            if isinstance(s, gast.Assign):
                out += [s] + self.tangent(s)
            elif isinstance(s, (gast.If, gast.For, gast.While)):
                s.body = self.block(s.body)
                s.orelse = self.block(s.orelse)
                out.append(s)
            else:
                refuse_hidden_write(s, self.prep.namespace, lambda n: isinstance(
                    n, gast.Name) and n.id in self.depends, self.prep.src.filename)
                out.append(s)
        return out

    def tangent(self, s: gast.Assign) -> list:
        v = s.targets[0].id
        if v not in self.varied:
            return []
        prim = primitive(s.value, self.prep.namespace, self.local)
        terms = self.terms(prim, s, v)
        if not terms:
            value = gast.Call(func=load("zeros_like"), args=[load(v)], keywords=[])
        else:
            value = terms[0]
            for t in terms[1:]:
                value = gast.Call(func=load("add_grads"), args=[value, t], keywords=[]) \
                    if v in self.containers else gast.BinOp(left=value, op=gast.Add(), right=t)
        node = assign(self.tan(v), value)
        text = getattr(s, "s2sad_origin", None)
        return [set_origin(node, text) if text else node]

    def terms(self, prim: Prim | None, s: gast.Assign, v: str) -> list:
        if prim is None or registry.is_nondiff(prim.key):
            return []
        if prim.key == IDENTITY:
            return [load(self.tan(prim.args[0].id))] if self.is_varied(prim.args[0]) else []
        args = prim.args + list(prim.keywords.values())
        if not any(self.is_varied(a) for a in args):
            return []
        rule = registry.lookup_jvp(prim.key)
        if rule is None:
            raise self.no_rule(prim, s)
        if rule.user is not None:
            return [self.user_term(rule, prim, v)]
        if rule.linear:
            return [self.linear(s, rule, prim)]
        mapping, extra = self.mapping(rule, prim, s)
        mapping["ans"] = load(v)
        out = []
        refuse_unsupported(prim, mapping, self.is_varied, self.prep.src.filename, s)
        for param, text in zip(rule.sig.params, rule.templates):
            arg = mapping.get(param)
            if text is not None and arg is not None and self.is_varied(arg):
                term = templates.instantiate(text, {**mapping, "d" + param: load(self.tan(arg.id))})
                if v in self.scalars and arg.id in self.scalars:
                    term = _without_broadcast(term)
                out.append(term)
        for i, arg in enumerate(extra):
            if rule.vararg_template is not None and self.is_varied(arg):
                assert rule.sig.vararg is not None  # a varargs template goes with ``*args``
                out.append(templates.instantiate(rule.vararg_template, {
                    **mapping, "i": const(i), "d" + rule.sig.vararg: load(self.tan(arg.id))}))
        return out

    def linear(self, s: gast.Assign, rule, prim: Prim) -> gast.expr:
        """The linear map applied to the tangents (zeros for the others it is linear in)."""
        value = s.value
        mapping, extra = self.mapping(rule, prim, s)
        linear_args = [mapping[p] for p, t in zip(rule.sig.params, rule.templates)
                       if t is not None and p in mapping] + (
            list(extra) if rule.vararg_template is not None else [])
        memo: dict = {}
        clone = copy.deepcopy(value, memo)
        swap = {}
        for arg in linear_args:
            if id(arg) not in memo:
                continue
            if self.is_varied(arg):
                swap[id(memo[id(arg)])] = load(self.tan(arg.id))
            elif isinstance(arg, gast.Constant) and arg.value is None:
                continue  # None: "no value yet" (add_at's accumulator), zero as it is
            else:
                swap[id(memo[id(arg)])] = gast.Call(func=load("zeros_like"),
                                                    args=[copy.deepcopy(arg)], keywords=[])
        return Swap(swap).visit(clone)

    def user_term(self, rule, prim: Prim, v: str) -> gast.expr:
        prim = positional(prim)
        alias = self.prep.namer.fresh("jvp_" + prim.label.split(".")[-1])
        self.prep.namespace[alias] = rule.user
        tangents = [load(self.tan(a.id)) if self.is_varied(a) else const(None)
                    for a in prim.args]
        call = gast.Call(func=load(alias), args=[
            gast.Tuple(elts=tangents, ctx=gast.Load()), load(v),
            *prim.args], keywords=[gast.keyword(arg=k, value=a)
                                   for k, a in prim.keywords.items()])
        return gast.Call(func=load("user_jvp"), args=[call], keywords=[])

    def mapping(self, rule: Any, prim: Prim, s: gast.AST) -> tuple:
        try:
            return templates.rule_mapping(rule, prim)
        except templates.UnknownKeyword as exc:
            label = prim.label or getattr(prim.key, "__name__", str(prim.key))
            raise error_at(self.prep.src.filename, s, *exc.refusal(label)) from None

    def no_rule(self, prim: Prim, s: gast.AST) -> Exception:
        label = prim.label or getattr(prim.key, "__name__", str(prim.key))
        return missing_rule(self.prep.src.filename, s, prim.key, label, forward=True)


def _without_broadcast(term: gast.expr) -> gast.expr:
    """``broadcast_like(t, ans)`` is ``t`` when both are numbers."""
    if isinstance(term, gast.BinOp):
        term.left, term.right = _without_broadcast(term.left), _without_broadcast(term.right)
    if isinstance(term, gast.Call) and isinstance(term.func, gast.Name) and \
            term.func.id == "broadcast_like":
        return term.args[0]
    return term


def build(prep: Prepared, wrt: list[str], containers: set[str],
          scalars: set[str]) -> tuple[gast.arguments, list, frozenset]:
    """Arguments and body of ``jvp_f``: ``(value, output tangent)``, and the tangents'
    names; the tangents of ``scalars`` (names holding numbers) are added to them."""
    act = activity_stage.analyze(prep.node, wrt, prep.namespace, registry.lookup_jvp,
                                 prep.integers, prep.src.filename)
    fw = Forward(prep, act.active | set(wrt), containers, scalars, act.varied | set(wrt))
    for name in wrt:
        fw.tan(name)
    body = fw.block(prep.node.body[:-1])
    result = prep.node.body[-1].value
    if isinstance(result, gast.Name) and result.id in act.varied:
        tangent = load(fw.tan(result.id))
    else:
        tangent = gast.Call(func=load("zeros_like"), args=[result], keywords=[])
    body.append(gast.Return(value=gast.Tuple(elts=[result, tangent], ctx=gast.Load())))
    args = copy.deepcopy(prep.node.args)
    args.kwonlyargs = list(args.kwonlyargs) + [gast.Name(
        id=fw.tan(n), ctx=gast.Param(), annotation=None, type_comment=None) for n in wrt]
    args.kw_defaults = list(args.kw_defaults) + [None] * len(wrt)
    scalars.update(fw.tangents[n] for n in list(scalars) if n in fw.tangents)  # numbers too
    return args, body, frozenset(fw.tangents.values())
