"""Rule templates -> expressions: parse once, substitute names, tidy ``g * 1``."""
from __future__ import annotations

from functools import cache

import gast

from s2sad.compiler.names import Transformer, const
from s2sad.compiler.primitives import Prim, bind
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import nodes
from s2sad.rules.registry import FIXED, Rule


@cache
def _parse(text: str) -> gast.expr:
    return gast.parse(text.strip()).body[0].value


def instantiate(text: str, mapping: dict[str, gast.expr]) -> gast.expr:
    """``text`` with every name in ``mapping`` replaced by its expression."""
    tree = clone(_parse(text))
    return _Substitute(mapping).visit(tree)


def substitute(expr: gast.expr, mapping: dict[str, gast.expr]) -> gast.expr:
    return _Substitute(mapping).visit(expr)


class _Substitute(Transformer):
    def __init__(self, mapping: dict[str, gast.expr]) -> None:
        self.mapping = mapping

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if node.id in self.mapping:
            return clone(self.mapping[node.id])
        return node

    def visit_IfExp(self, node: gast.IfExp) -> gast.expr:
        """``a if False else b`` of a keyword given as a constant is ``b``."""
        node.test = self.visit(node.test)
        test = node.test
        negated = isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not)
        inner = test.operand if negated else test
        if isinstance(inner, gast.Constant) and isinstance(inner.value, (bool, type(None))):
            return self.visit(node.body if bool(inner.value) != negated else node.orelse)
        self.generic_visit(node)
        return node

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, gast.Name) else None
        if name == "pow_dbase" and _int_const(node.args[1]) and node.args[1].value >= 1:
            n = node.args[1].value  # d(x**n)/dx for a whole n >= 1: n * x ** (n - 1)
            if n == 1:
                return const(1)
            power = node.args[0] if n == 2 else gast.BinOp(
                left=node.args[0], op=gast.Pow(), right=const(n - 1))
            return gast.BinOp(left=const(n), op=gast.Mult(), right=power)
        if name == "log_of_base" and len(node.args) == 1 and \
                isinstance(node.args[0], gast.Constant) and node.args[0].value is None:
            return const(1.0)  # (math.log(x) without a base: x * 1.0 is x)
        if name == "safe_mul" and isinstance(node.args[1], gast.Constant):  # g * 2
            return _tidy(gast.BinOp(left=node.args[0], op=gast.Mult(), right=node.args[1]))
        return node

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        return _tidy(node)

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        """``('a', 'b')[0]`` (a dict display's keys, item ``i``) is ``'a'``."""
        self.generic_visit(node)
        items, at = node.value, node.slice
        if isinstance(items, gast.Tuple) and isinstance(node.ctx, gast.Load) and \
                _int_const(at) and -len(items.elts) <= at.value < len(items.elts) and \
                isinstance(items.elts[at.value], gast.Constant):
            return items.elts[at.value]
        return node


def _tidy(node: gast.BinOp) -> gast.expr:
    """``g * 1`` is ``g``, ``g * -1`` is ``-g`` (children already substituted)."""
    if True:
        one = lambda n: isinstance(n, gast.Constant) and n.value == 1 and \
            not isinstance(n.value, bool)  # noqa: E731
        if isinstance(node.op, gast.Mult) and one(node.right):
            return node.left
        if isinstance(node.op, gast.Mult) and one(node.left):
            return node.right
        minus_one = lambda n: isinstance(n, gast.Constant) and n.value == -1  # noqa: E731
        if isinstance(node.op, gast.Mult) and minus_one(node.right):
            return gast.UnaryOp(op=gast.USub(), operand=node.left)
        if isinstance(node.op, gast.Mult) and minus_one(node.left):
            return gast.UnaryOp(op=gast.USub(), operand=node.right)
        return node


class UnknownKeyword(Exception):
    """A keyword argument the rule does not know (or a fixed parameter given another
    value than its ``default``): its derivative would be wrong."""

    def __init__(self, names: str, default: object = None, fixed: bool = False) -> None:
        super().__init__(names)
        self.default, self.fixed = default, fixed

    def refusal(self, label: str) -> tuple[str, str]:
        """(the construct, what to do) of the error naming the user's line."""
        if str(self).startswith("**"):
            return (f"call of {label} with **keywords not written in the call",
                    "pass the keyword arguments one by one (axis=0)")
        if self.fixed:
            return (f"call of {label} with {self}= other than the literal {self.default!r}",
                    f"its derivative rule holds for {self}={self.default!r} only (written so "
                    "in the call); compute it another way")
        return (f"call of {label} with {self}=",
                "this keyword argument is not supported by its derivative rule; "
                "compute it another way (e.g. mask with np.where)")


@cache
def uses(text: str, name: str) -> bool:
    return any(isinstance(n, gast.Name) and n.id == name for n in nodes(_parse(text)))


def rule_mapping(rule: Rule, prim: Prim) -> tuple[dict[str, gast.expr], list[gast.expr]]:
    """Parameter name -> argument (or default); plus the extra positionals."""
    bound, extra = bind(rule, prim)
    unknown = {"**" if k is None else k for k in prim.keywords} - set(rule.sig.params)
    if unknown:
        raise UnknownKeyword(", ".join(sorted(unknown)))
    for param, default in _fixed(prim.key).items():
        given = bound.get(param)
        if given is not None and not (isinstance(given, gast.Constant) and
                                      type(given.value) is type(default) and
                                      given.value == default):
            raise UnknownKeyword(param, default, fixed=True)
    mapping: dict[str, gast.expr] = {}
    for param in rule.sig.params:
        if param in bound:
            mapping[param] = bound[param]
        elif param in rule.sig.defaults:
            mapping[param] = const(rule.sig.defaults[param])
    if rule.sig.vararg:
        mapping[rule.sig.vararg] = gast.Tuple(elts=list(extra), ctx=gast.Load())
    return mapping, extra


def _fixed(key: object) -> dict:
    try:
        return FIXED.get(key, {})
    except TypeError:  # an unhashable callable
        return {}


def _int_const(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) is int



def same_product(a: gast.expr, b: gast.expr) -> bool:
    """``g * x`` and ``x * g``: equal up to the order of one multiplication."""
    def key(e: gast.expr) -> object:
        if isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult):
            return tuple(sorted((gast.dump(e.left), gast.dump(e.right))))
        return gast.dump(e)
    return key(a) == key(b)
