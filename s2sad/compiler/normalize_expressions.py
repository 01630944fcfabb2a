"""Part of stage 3b (normalize): each kind of expression as one operation over atoms
(not yet assigned), one function per expression class (:data:`EXPRESSIONS`, read by
:meth:`Normalizer.expr <s2sad.compiler.normalize.Normalizer.expr>`); calls, comparisons
and conditionals have modules of their own (``calls``, ``conditionals``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler import conditionals, known_constants, operator_methods, sequences
from s2sad.compiler.list_arithmetic import with_sequence
from s2sad.compiler.names import const, load
from s2sad.compiler.normalize_statements import stmt_Assign
from s2sad.compiler.unpacked_displays import joined_display
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def expr_other(norm: Normalizer, node: gast.expr) -> gast.expr:
    return norm.rename_names(node)  # an opaque expression: f-strings and the like


def expr_Constant(norm: Normalizer, node: gast.Constant) -> gast.expr:
    return const(node.value)


def expr_Name(norm: Normalizer, node: gast.Name) -> gast.expr:
    if node.id in norm.local_defs:
        value = norm.closed_value(node.id)
        if value is None:
            lam = isinstance(getattr(norm.local_defs[node.id], "s2sad_node", None), gast.Lambda)
            what = f"a lambda ({node.id})" if lam else node.id
            raise norm.error(node, f"{what}, a def inside the function reading its "
                             "variables, used as a value", "call it there, give it the "
                             "values it reads as arguments, or define it at module level "
                             "to pass it on")
        return value
    from s2sad.compiler.local_functions import given_as_value
    given = given_as_value(norm, node)  # (if fn is None: of a function given)
    if given is not None:
        return given
    if node.id in norm.partials:
        raise norm.error(node, f"{node.id}, a functools.partial made inside the "
                         "function, used as a value", "call it there, or make it at "
                         "module level to pass it on")
    if node.id in norm.frozen:
        raise norm.error(node, f"{node.id}, a scipy.stats distribution frozen inside "
                         "the function, used as a value or for another method",
                         "call its logpdf, pdf, cdf, sf, ppf, isf, logpmf, pmf or "
                         "entropy there, or the distribution's own function "
                         "(st.norm.logpdf(x, m, s))")
    return load(norm.name(node.id))


def expr_Attribute(norm: Normalizer, node: gast.Attribute) -> gast.expr:
    if norm.resolve(node) is not None:
        return norm.rename_names(node)
    from s2sad.compiler.class_methods import property_read
    read = property_read(norm, node)  # (a property of the user's class: its getter)
    if read is not None:
        return read
    fn = registry.ATTRIBUTES.get(node.attr)
    if fn is not None:
        return gast.Call(func=norm.ref(fn), args=[norm.atom(node.value)], keywords=[])
    # r.logabsdet of a named tuple (slogdet, eigh): getattr, whose rule knows fields
    return gast.Call(func=load(norm.global_name("getattr")),
                     args=[norm.atom(node.value), const(node.attr)], keywords=[])


def expr_BinOp(norm: Normalizer, node: gast.BinOp) -> gast.expr:
    lists = [sequences.is_sequence_operand(norm, n) for n in (node.left, node.right)]
    made = with_sequence(norm, node, lists)  # ys + [v], [0.0] * n
    if made is not None:
        return made
    left, right = norm.atom(node.left), norm.atom(node.right)
    method = operator_methods.binary(norm, node, left, right)  # (u + v of records)
    return method if method is not None else \
        gast.BinOp(left=left, op=node.op, right=right)


def expr_UnaryOp(norm: Normalizer, node: gast.UnaryOp) -> gast.expr:
    if isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant):
        return const(-node.operand.value)
    operand = norm.atom(node.operand)
    decided = known_constants.negation(norm, operand) if isinstance(node.op, gast.Not) \
        else None
    if decided is not None:
        return decided
    method = operator_methods.unary(norm, node, operand)  # (-v of a record)
    if method is not None:
        return method
    return operand if isinstance(node.op, gast.UAdd) else \
        gast.UnaryOp(op=node.op, operand=operand)


def expr_Compare(norm: Normalizer, node: gast.Compare) -> gast.expr:
    return conditionals.comparison(norm, node)


def expr_BoolOp(norm: Normalizer, node: gast.BoolOp) -> gast.expr:
    return conditionals.boolean(norm, node)


def expr_NamedExpr(norm: Normalizer, node: gast.NamedExpr) -> gast.expr:
    """``(n := e)``: ``n = e`` where Python evaluates it (in the branch of an ``and``
    or a ternary that reaches it, at each test of a ``while``), then ``n``."""
    target = gast.Name(id=node.target.id, ctx=gast.Store(), annotation=None,
                       type_comment=None)
    stmt_Assign(norm, gast.copy_location(gast.Assign(
        targets=[target], value=node.value, type_comment=None), node))
    return expr_Name(norm, gast.Name(id=node.target.id, ctx=gast.Load(), annotation=None,
                                    type_comment=None))


def expr_IfExp(norm: Normalizer, node: gast.IfExp) -> gast.expr:
    return conditionals.choice(norm, node)


def expr_Subscript(norm: Normalizer, node: gast.Subscript) -> gast.expr:
    from s2sad.compiler.flat_writes import flat_read
    from s2sad.compiler.spellings import index_trick
    joined = index_trick(norm, node) or flat_read(norm, node)
    if joined is not None:
        return norm.expr(joined)
    return gast.Subscript(value=norm.atom(node.value), slice=norm.index(node.slice),
                          ctx=gast.Load())


def expr_List(norm: Normalizer, node: gast.List) -> gast.expr:
    joined = joined_display(norm, node)  # ([a, *b]: [a] + list(b))
    return norm.expr(joined) if joined is not None else \
        gast.List(elts=[norm.atom(e) for e in node.elts], ctx=gast.Load())


def expr_Tuple(norm: Normalizer, node: gast.Tuple) -> gast.expr:
    joined = joined_display(norm, node)
    return norm.expr(joined) if joined is not None else \
        gast.Tuple(elts=[norm.atom(e) for e in node.elts], ctx=gast.Load())


def expr_Dict(norm: Normalizer, node: gast.Dict) -> gast.expr:
    joined = joined_display(norm, node)  # ({**d, 'k': v}: dict of pairs)
    return norm.expr(joined) if joined is not None else \
        gast.Dict(keys=[norm.atom(k) for k in node.keys],
                  values=[norm.atom(v) for v in node.values])


def expr_ListComp(norm: Normalizer, node: gast.ListComp) -> gast.expr:
    from s2sad.compiler.loops import lower_comprehension
    return lower_comprehension(norm, node)


def expr_Call(norm: Normalizer, node: gast.Call) -> gast.expr:
    from s2sad.compiler.calls import normalize_call
    return normalize_call(norm, node)


expr_GeneratorExp = expr_DictComp = expr_ListComp
# expression class -> its function (a class not listed: ``expr_other``, its names renamed)
EXPRESSIONS = {getattr(gast, name[len("expr_"):]): fn for name, fn in list(globals().items())
               if name.startswith("expr_") and name != "expr_other"}
