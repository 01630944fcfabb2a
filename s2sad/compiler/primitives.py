"""What a core-form right-hand side applies, and to what.

Every stage after SSA asks the same questions of ``name = op``: which
primitive (the key of the rule tables), which arguments bind to which
parameters.  :func:`primitive` answers them once.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler.refs import index_as_value
from s2sad.compiler.walks import walk
from s2sad.errors import error_at
from s2sad.rules import registry
from s2sad.rules.registry import Rule

OPERATORS = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
    gast.Pow: operator.pow, gast.MatMult: operator.matmul, gast.USub: operator.neg,
    gast.UAdd: operator.pos, gast.Not: operator.not_, gast.Lt: operator.lt,
    gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge,
    gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Is: operator.is_,
    gast.IsNot: operator.is_not, gast.In: operator.contains, gast.NotIn: operator.contains,
    gast.BitAnd: operator.and_, gast.BitOr: operator.or_, gast.BitXor: operator.xor,
    gast.Invert: operator.invert, gast.LShift: operator.lshift, gast.RShift: operator.rshift,
}
IDENTITY = "identity"  # name = other_name
UNKNOWN = "unknown"    # a call of something with no name in the namespace


@dataclass
class Prim:
    """``key(*args, **keywords)``: the primitive a right-hand side applies."""

    key: Any
    args: list = field(default_factory=list)
    keywords: dict = field(default_factory=dict)
    label: str = ""


def evaluate_ref(node: gast.expr, namespace: dict[str, Any]) -> Any:
    """The object a (module attribute chain of a) global name refers to."""
    if isinstance(node, gast.Name):
        if node.id in namespace:
            return namespace[node.id]
        import builtins
        return getattr(builtins, node.id, UNKNOWN)
    if isinstance(node, gast.Attribute):
        base = evaluate_ref(node.value, namespace)
        return UNKNOWN if base is UNKNOWN else getattr(base, node.attr, UNKNOWN)
    return UNKNOWN


def primitive(value: gast.expr, namespace: dict[str, Any], local: set[str]) -> Prim | None:
    """The primitive of a core-form value, or ``None`` for a constant."""
    if isinstance(value, gast.Name):
        return Prim(IDENTITY, [value], label="copy") if value.id in local else None
    if isinstance(value, (gast.Constant, gast.Attribute)) and not _has_local(value, local):
        return None
    if isinstance(value, gast.BinOp):
        return Prim(OPERATORS[type(value.op)], [value.left, value.right])
    if isinstance(value, gast.UnaryOp):
        return Prim(OPERATORS[type(value.op)], [value.operand])
    if isinstance(value, gast.Compare):
        return Prim(OPERATORS[type(value.ops[0])], [value.left, value.comparators[0]])
    if isinstance(value, gast.Subscript):
        return Prim(operator.getitem, [value.value, index_as_value(value.slice)])
    if isinstance(value, gast.List):
        return Prim(runtime.list_init, list(value.elts))
    if isinstance(value, gast.Tuple):
        return Prim(runtime.tuple_init, list(value.elts))
    if isinstance(value, gast.Dict):
        return Prim(runtime.dict_init, list(value.values), {"keys": gast.Tuple(
            elts=list(value.keys), ctx=gast.Load())})
    if isinstance(value, gast.Call):
        if _has_local(value.func, local):  # a method of a local value, or a local callable
            # (the receiver or the callable is an input: an object made of the
            # argument, ``layer = Layer(W); layer(x)``, gives a value that depends on it)
            receiver = [value.func.value if isinstance(value.func, gast.Attribute)
                        else value.func]
            return Prim(UNKNOWN, receiver + list(value.args),
                        {k.arg: k.value for k in value.keywords}, label=_label(value.func))
        key = evaluate_ref(value.func, namespace)
        return Prim(key, list(value.args), {k.arg: k.value for k in value.keywords},
                    label=_label(value.func))
    return Prim(UNKNOWN, [n for n in walk(value) if isinstance(n, gast.Name)
                          and n.id in local], label=_shown(value))


def _has_local(node: gast.AST, local: set[str]) -> bool:
    """Does ``node`` read a name in ``local``?  An attribute chain (``np.linalg.solve``,
    ``layer.W``: most callees) reads its root alone, a constant nothing: no walk."""
    while node.__class__ is gast.Attribute:
        node = node.value
    if node.__class__ is gast.Name and getattr(node, "annotation", None) is None:
        return node.id in local
    if node.__class__ is gast.Constant:
        return False
    return any(isinstance(n, gast.Name) and n.id in local for n in walk(node))


def _shown(value: gast.expr) -> str:
    """The expression as the user's code spells it (``d.mean``), for a message (was its
    node's class name: "call of Attribute")."""
    import ast
    try:
        text = ast.unparse(gast.gast_to_ast(value))
    except Exception:  # (a node gast cannot convert back: its kind)
        return type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _label(func: gast.expr) -> str:
    if isinstance(func, gast.Attribute):
        return _label(func.value) + "." + func.attr
    return getattr(func, "id", "<call>")


def bind(rule: Rule, prim: Prim) -> tuple[dict[str, gast.expr], list[gast.expr]]:
    """Map a call's arguments to the rule's parameters; extra positionals are varargs."""
    sig = rule.sig
    bound: dict[str, gast.expr] = {}
    extra: list[gast.expr] = []
    for i, arg in enumerate(prim.args):
        if i < sig.npos:
            bound[sig.params[i]] = arg
        else:
            extra.append(arg)
    for key, arg in prim.keywords.items():
        if key in sig.params:
            bound[key] = arg
    return bound, extra


def differentiable_args(rule: Rule | None, prim: Prim) -> list[gast.expr]:
    """The arguments that a rule gives a derivative (all of them, without a rule)."""
    if rule is None or rule.user is not None:
        return list(prim.args) + list(prim.keywords.values())
    bound, extra = bind(rule, prim)
    refused = registry.unsupported(prim.key)  # (active, so that using them is refused)
    out = [bound[p] for p, t in zip(rule.sig.params, rule.templates)
           if (t is not None or p in refused) and p in bound]
    if rule.vararg_template is not None:
        out += extra
    # a keyword the rule does not know (np.nan_to_num(x, nan=v)): active when its value
    # is, so that differentiating through it is refused, never a silent zero
    return out + [v for k, v in prim.keywords.items() if k not in rule.sig.params]


def positional(prim: Prim) -> Prim:
    """The call with its keyword arguments moved to their positions (for user rules,
    which take one cotangent or tangent per positional argument)."""
    import inspect
    try:
        bound = inspect.signature(prim.key).bind(*prim.args, **prim.keywords)
    except (TypeError, ValueError):
        return prim
    args, keywords = [], {}
    for index, (name, value) in enumerate(bound.arguments.items()):
        param = bound.signature.parameters[name]
        kind = param.kind
        required = param.default is inspect.Parameter.empty or index < len(prim.args)
        if kind == inspect.Parameter.POSITIONAL_ONLY or (
                kind == inspect.Parameter.POSITIONAL_OR_KEYWORD and required):
            args.append(value)
        elif kind == inspect.Parameter.POSITIONAL_OR_KEYWORD:
            keywords[name] = value  # an optional one passed by keyword stays a keyword
        elif kind == inspect.Parameter.VAR_POSITIONAL:
            args.extend(value)
        elif kind == inspect.Parameter.KEYWORD_ONLY:
            keywords[name] = value
        else:
            keywords.update(value)
    return Prim(prim.key, args, keywords, prim.label)


def refuse_hidden_write(s: gast.stmt, namespace: dict, varied: Callable, filename: str
                        ) -> None:
    """A statement calling a library function that writes into its array argument
    (``np.fill_diagonal(A, v)``, ``np.copyto(dst, src)``, ``A.__setitem__(i, v)``) with
    a value that depends on the inputs: refused (the write is not a value the
    derivative can follow; differentiated, it would be silently left out)."""
    call = s.value if isinstance(s, gast.Expr) else None
    if not isinstance(call, gast.Call):
        return
    fn = evaluate_ref(call.func, namespace)
    method = call.func.attr if isinstance(call.func, gast.Attribute) else None
    advice = registry.writes_first(fn)
    unknown = fn is UNKNOWN and method is not None  # (obj.log(v) of an unknown method)
    if advice is None and not unknown:
        return
    parts = [call.func.value] if unknown else []
    if not any(varied(n) for n in parts + list(call.args) + [k.value for k in call.keywords]):
        return
    label = getattr(fn, "__name__", None) if fn is not UNKNOWN else method
    if unknown and advice is None:  # (rng.shuffle(y) of a generator made inside: by name)
        advice = registry.WRITES_FIRST.get(("random draw", method))
    if unknown and method not in registry.WRITING_METHODS and advice is None:
        raise error_at(filename, s, f"call of .{method}() whose value is not used",
                       "which method it is is not known when the derivative is made (an "
                       "object made inside the function, bound to another name or "
                       "returned by a call), so what it changes would be left out; call "
                       "it on the name the object was built to, or return what it computes")
    raise error_at(filename, s, f"call of {label}",
                   "it writes into its array in place, which s2sad does not follow here; "
                   + (advice or "write the new array with an assignment (x[i] = v, "
                      "x = x + v)"))


def refuse_unsupported(prim: Prim, mapping: dict, active: Callable, filename: str,
                        s: gast.AST) -> None:
    """A parameter whose derivative has no rule yet, given an active value: refused."""
    for param in registry.unsupported(prim.key):
        arg = mapping.get(param)
        if arg is not None and active(arg):
            label = prim.label or getattr(prim.key, "__name__", str(prim.key))
            raise error_at(filename, s, f"{label} in its argument {param!r}",
                           "that derivative has no rule yet; wrap the argument in "
                           "s2sad.stop_gradient if it is a constant, or give the function a "
                           "rule with @s2sad.defvjp / @s2sad.defjvp")
