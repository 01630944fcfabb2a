"""Part of stage 3b: calls.  Methods become primitives, the user's own
functions are inlined (normalized in their own namespace, names prefixed),
everything else stays a call of the object the user named."""
from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import desugar, fence, source
from s2sad.compiler.names import assign, const, load
from s2sad.errors import DifferentiationError
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def normalize_call(norm: Normalizer, node: gast.Call) -> gast.expr:
    from s2sad.compiler.normalize import is_user_function
    func = node.func
    if isinstance(func, gast.Attribute) and norm.resolve(func) is None:
        obj = norm.atom(func.value)
        args, kws = _arguments(norm, node)
        fn = registry.METHODS.get(func.attr)
        if fn is not None:
            return gast.Call(func=norm.ref(fn), args=[obj] + args, keywords=kws)
        return gast.Call(func=gast.Attribute(value=obj, attr=func.attr, ctx=gast.Load()),
                         args=args, keywords=kws)
    fn = norm.resolve(func)
    args, kws = _arguments(norm, node)
    if fn is None:
        return gast.Call(func=norm.atom(func), args=args, keywords=kws)
    if is_user_function(fn) and registry.lookup_vjp(fn) is None and not registry.is_nondiff(fn):
        return inline(norm, fn, args, kws, node)
    return gast.Call(func=norm.rename_names(func), args=args, keywords=kws)


def _arguments(norm: Normalizer, node: gast.Call) -> tuple[list, list]:
    args = [norm.atom(a) for a in node.args]
    kws = [gast.keyword(arg=k.arg, value=norm.atom(k.value)) for k in node.keywords]
    return args, kws


def _default(norm: Normalizer, value: Any) -> gast.expr:
    if value is None or isinstance(value, (bool, int, float, str)):
        return const(value)
    alias = norm.namer.fresh("default")
    norm.namespace[alias] = value
    return load(alias)


def inline(norm: Normalizer, fn: Any, args: list, kws: list, node: gast.Call) -> gast.expr:
    """Splice ``fn``'s normalized body here; return the atom holding its result."""
    from s2sad.compiler.normalize import Normalizer
    if fn in norm.inlining:
        raise norm.error(node, f"recursive call of {fn.__name__}()",
                         "recursion is not supported; write it as a loop")
    try:
        src = fence.check(source.load(fn))
    except DifferentiationError as exc:
        if "source not available" not in str(exc):
            raise
        raise norm.error(node, f"call of {fn.__name__}()",
                         "its source is not available and it has no rule; define it in a "
                         "file, or register a rule with @s2sad.defvjp") from None
    norm.namer.taken |= norm.namer.names_in(src.node)  # temps must not take the callee's names
    body = desugar.desugar(src.node, norm.namer).body
    child = Normalizer(src, norm.namer, norm.namespace, inlining=norm.inlining)
    child.current = src.node
    try:
        bound = inspect.signature(fn).bind(*args, **{k.arg: k.value for k in kws})
    except TypeError as exc:
        raise norm.error(node, f"call of {fn.__name__}()", str(exc)) from None
    for param in inspect.signature(fn).parameters.values():
        value = bound.arguments.get(param.name)
        if value is None:
            value = _default(norm, param.default)
        norm.out.append(assign(child.name(param.name), value, like=node))
        norm.out[-1].lineno = node.lineno
    stmts = child.block(body)
    result = stmts.pop()
    norm.out.extend(stmts)
    return result.value if isinstance(result, gast.Return) else const(None)
