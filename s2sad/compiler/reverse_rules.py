"""Part of stage 6 (:mod:`reverse`): a statement's contributions to the adjoints of its
active arguments, from its rule's templates (``dx = dv * np.cos(x)``), or from a call of
the user's ``defvjp`` rule made one cotangent per argument.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import costly_calls, scaled_squares, shapes, templates
from s2sad.compiler.names import Namer, assign, const, load
from s2sad.compiler.primitives import IDENTITY, Prim, positional, refuse_unsupported
from s2sad.compiler.reverse_contributions import (
    clearing_last,
    merge,
    number_shape,
    without_unbroadcast,
)
from s2sad.errors import error_at, missing_rule
from s2sad.rules import registry

ACC = "_s2sad_accumulator_"  # stands for ``acc`` until the adjoint it updates is known


def _tapes_for(call: gast.Call, flags: gast.Tuple) -> None:
    """A taped call in the forward sweep is told which cotangents the reverse sweep reads
    (it keeps a tape for those: :mod:`s2sad.recursion_tape`)."""
    call.keywords = [k for k in call.keywords if k.arg != "s2sad_active"] + [
        gast.keyword(arg="s2sad_active", value=copy.deepcopy(flags))]


class RulesMixin:
    """The rule lookups of :class:`~s2sad.compiler.reverse.Reverse`."""

    # The attributes and methods of ``Reverse`` (reverse.py) that the mixin uses:
    namer: Namer
    namespace: dict[str, Any]
    filename: str
    lookup: Any
    containers: set[str]
    scalars: set[str] | frozenset[str]
    real: bool
    usable_roots: Any
    computed: dict[tuple, str]
    scaled: scaled_squares.Scaled
    pending: gast.stmt

    if TYPE_CHECKING:
        def adj(self, name: str) -> str: ...
        def is_active(self, node: gast.expr) -> bool: ...

    def contributions(self, prim: Prim | None, s: gast.Assign, v: str) -> list:
        """(argument name, contribution expression, is accumulation) per active argument."""
        g = load(self.adj(v))
        if prim is None or registry.is_nondiff(prim.key):
            return []
        if prim.key == IDENTITY:
            return [(prim.args[0].id, g, False)] if self.is_active(prim.args[0]) else []
        active = [a for a in prim.args + list(prim.keywords.values()) if self.is_active(a)]
        if not active:
            return []
        rule = self.lookup(prim.key)
        if rule is None:
            raise self.no_rule(prim, s)
        if rule.user is not None:
            return self.user_contributions(rule, prim, s, v)
        mapping, extra = self.mapping(rule, prim, s)
        mapping.update(g=g, ans=load(v), acc=load(ACC))
        refuse_unsupported(prim, mapping, self.is_active, self.filename, s)
        square = scaled_squares.absolute_square(prim, self.scaled, g)
        if square is not None:  # |z| ** 2: straight to z
            return merge(clearing_last([square]), self.containers)
        out = self.rule_terms(prim, rule, mapping, v)
        for i, arg in enumerate(extra):
            if rule.vararg_template is not None and self.is_active(arg):
                expr = templates.instantiate(rule.vararg_template, {**mapping, "i": const(i)})
                out.append((arg.id, expr, templates.uses(rule.vararg_template, "acc")))
        return merge(clearing_last(out), self.containers)

    def rule_terms(self, prim: Prim, rule: Any, mapping: dict[str, Any], v: str) -> list:
        """The contributions the rule's templates give the active arguments."""
        dropped, mapping = scaled_squares.one_term(prim.key, rule.sig.params, mapping,
                                                   self.scaled)  # (c * b) * b: one term
        out = []
        for param, text in zip(rule.sig.params, rule.templates):
            arg: Any = mapping.get(param)
            if text is not None and param != dropped and self.is_active(arg):
                expr = shapes.shapes_from(costly_calls.with_forward_values(templates.instantiate(
                    text, mapping), self.computed), self.usable_roots)
                if v in self.scalars and arg.id in self.scalars:
                    expr = without_unbroadcast(expr)
                elif arg.id in self.scalars and self.real:
                    number_shape(expr, arg.id)
                out.append((arg.id, expr, templates.uses(text, "acc")))
        return out

    def user_contributions(self, rule: Any, prim: Prim, s: gast.Assign, v: str) -> list:
        """A ``defvjp`` rule is called as it is (forward mode can then go through it);
        what it returns is made one cotangent per argument by ``user_cotangents``, unless
        the rule says it returns that already (``s2sad_complete``)."""
        prim = positional(prim)
        alias = self.namer.fresh("vjp_" + prim.label.split(".")[-1])
        self.namespace[alias] = rule.user
        keywords = [gast.keyword(arg=k, value=a) for k, a in prim.keywords.items()
                    if k != "s2sad_active"]  # (said again below)
        extra = []
        if getattr(rule.user, "s2sad_wants_active", False):  # which cotangents are read
            flags = gast.Tuple(elts=[const(bool(self.is_active(a))) for a in prim.args],
                               ctx=gast.Load())
            keywords.append(gast.keyword(arg="s2sad_active", value=flags))
            extra = [flags]
            if getattr(prim.key, "s2sad_tapes", False):  # a taped call (recursion_tape)
                _tapes_for(s.value, flags)
        call = gast.Call(func=load(alias), args=[load(self.adj(v)), load(v), *prim.args],
                         keywords=keywords)
        args = gast.Tuple(elts=list(prim.args), ctx=gast.Load())
        cots = self.namer.fresh("cotangents")
        self.pending = assign(cots, call if getattr(rule.user, "s2sad_complete", False) else
                              gast.Call(func=load("user_cotangents"),
                                        args=[call, args, *extra], keywords=[]))
        return [("", None, cots)] + [
            (a.id, gast.Subscript(value=load(cots), slice=const(i), ctx=gast.Load()), False)
            for i, a in enumerate(prim.args) if self.is_active(a)]

    def mapping(self, rule: Any, prim: Prim, s: gast.AST) -> tuple:
        try:
            return templates.rule_mapping(rule, prim)
        except templates.UnknownKeyword as exc:
            label = prim.label or getattr(prim.key, "__name__", str(prim.key))
            raise error_at(self.filename, s, *exc.refusal(label)) from None

    def no_rule(self, prim: Prim, s: gast.AST) -> Exception:
        label = prim.label or getattr(prim.key, "__name__", str(prim.key))
        return missing_rule(self.filename, s, prim.key, label)
