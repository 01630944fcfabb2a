"""Part of stage 3b: functions made inside the function and used as values.

A lambda written as a call's argument (``map(lambda v: v * w, xs)``,
``sorted(xs, key=lambda p: p[1])``), a def or ``f = lambda`` passed on by name, and a
lambda or def a helper returns (``def make(k): return lambda x: k * x``, then
``f = make(w)``) are all made local defs (:func:`inlining.nested_function`): a function
the calls of which are inlined, reading its free names where it was made.

Passed to a function that is inlined (the user's helpers, ``map`` through its closed
form), the parameter is read as that def and each call of it inlined.  Passed to one
that runs as it is (``sorted``'s ``key``, ``max``'s ``key``), the generated code needs the
function itself: one that reads no variable of the function around it is the same
function at module level (its globals the user's), which is what runs; one that reads
such a variable is refused, with the rewrite, but where the function it is passed to
hands its extra ``args`` on (``odeint(f, y0, t)``): ``f`` lifted, the variables it reads
passed there (:mod:`lifted_args`).  ``functools.reduce(lambda a, b: ..., xs)``
of a sequence of known length is unrolled, the lambda applied by substitution."""
from __future__ import annotations

import builtins
import copy
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.lifted_args import lifted_into_args
from s2sad.compiler.local_defaults import has_local_defaults
from s2sad.compiler.names import assign, load

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def def_of_lambda(norm: Normalizer, lam: gast.Lambda) -> gast.Name:
    """A lambda written in an expression as a local def of a fresh name: that name."""
    from s2sad.compiler.inlining import nested_function
    name = norm.namer.fresh("lambda_fn")
    target = gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)
    stmt = gast.copy_location(gast.Assign(targets=[target], value=lam, type_comment=None), lam)
    norm.local_defs[name] = nested_function(norm, stmt)
    return load(name)


def passed_function(norm: Normalizer, node: gast.expr) -> gast.Name | None:
    """A call's argument that is a function made inside the function (a lambda, or the
    name of a local def): the name of its local def; else None."""
    if isinstance(node, gast.Lambda):
        return gast.copy_location(def_of_lambda(norm, node), node)
    if isinstance(node, gast.Name) and node.id in norm.local_defs:
        return gast.copy_location(load(node.id), node)
    return None


def as_values(norm: Normalizer, call: gast.Call) -> gast.Call:
    """A call that runs as written (not inlined): each local def among its arguments made
    the module-level function it equals (:func:`closed`), or refused."""
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if not isinstance(arg, gast.Name):
            continue
        made = norm.local_defs.get(arg.id)
        given = _function_given(norm, arg.id) if made is None else None
        if made is None and getattr(given, "s2sad_scope", None) is not None:
            made = given  # (a def of the caller's, given to a helper inlined here)
        if made is None and given is None:
            continue
        fn = given if made is None else closed(made) or lifted_into_args(norm, call, arg, made)
        if fn is None:
            label = "a lambda" if arg.id.startswith("lambda_fn") else arg.id
            raise norm.error(arg, f"{label} reading variables of the function, passed "
                             "to a function that s2sad does not read but calls",
                             "define it at module level, passing those values as "
                             "arguments, or call it in a list comprehension")
        alias = norm.namer.fresh(fn.__name__ if fn.__name__.isidentifier() else "key")
        norm.namespace[alias] = fn
        norm.rename[alias] = alias  # (a final name, if the call is read again)
        arg.id = alias
    return call


def given_as_value(norm: Normalizer, node: gast.Name) -> gast.Name | None:
    """A parameter given a function, read as a value (``if fn is None``, ``callable(fn)``,
    ``if fn:``): a name known to hold that function (``known_constants`` decides such
    tests), and bound to it (a global of the generated code) where the function reads no
    variable of the function it was made in; else None.  A def that does read them has
    no such binding: its tests must be decided, any other use of the name is refused at
    the statement that makes it (``Normalizer.emit``)."""
    param = norm.given(node.id) if norm.callables else None
    fn = None if param is None else norm.callables[param]
    if fn is None or isinstance(fn, types.ModuleType):
        return None  # (m.sum(x) given m=np: read by its attributes)
    value = closed(fn) if getattr(fn, "s2sad_scope", None) is not None else fn
    if value is None:
        name = norm.name(node.id)
        norm.constants[name] = norm.unvalued[name] = fn
        return load(name)
    label = getattr(value, "__name__", "")
    alias = norm.namer.fresh(label if label.isidentifier() else "fn")
    norm.namespace[alias] = norm.constants[alias] = value
    norm.rename[alias] = alias
    return load(alias)


def _function_given(norm: Normalizer, name: str) -> Any:
    """The function a parameter of an inlined helper was given (``def run(f): return
    odeint(f, ...)``), by the parameter's final name; None for another name.  Passed on
    to a call that runs as it is, the generated code needs it (it has no binding)."""
    param = norm.given(name)
    passed = None if param is None else norm.callables[param]
    return passed if callable(passed) else None


def closed(fn: Any) -> Any:
    """``fn`` (a local def) as a function of the user's globals alone, when no name it
    reads is a variable or def of the function it was made in; else None."""
    home = fn.s2sad_scope
    free = fn.s2sad_free
    if free & (home.locals | set(home.local_defs)) or has_local_defaults(fn):
        return None
    scope = {**home.src.namespace, "__builtins__": builtins}
    made = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__)
    made.__kwdefaults__ = fn.__kwdefaults__
    made.s2sad_nested = True  # type: ignore[attr-defined]  # (user's lines, apart)
    made.s2sad_node = getattr(fn, "s2sad_node", None)  # type: ignore[attr-defined]
    return made  # (its node: which of two lambdas on one line it is, when it is loaded)


def returned_def(norm: Normalizer, child: Normalizer, value: gast.expr) -> gast.Name | None:
    """A helper's result that is a function it made (``return lambda x: k * x``): the
    same def in the caller, under a fresh name; else None.  The helper's variables it
    reads are taken now, as the helper left them (a closure reads its maker's frame,
    which no later statement of the caller changes: ``f = make(w); w = 3.0; f(x)``
    still reads the old ``w``)."""
    if not isinstance(value, gast.Name) or value.id not in child.local_defs:
        return None
    fn = child.local_defs[value.id]
    if getattr(fn, "s2sad_nonlocal", None):
        raise norm.error(norm.current, f"{fn.__name__}, a def with nonlocal returned by "
                         "a helper", "its variables would outlive the call: keep the state in the "
                         "function, or pass it in and return it")
    made: Any = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__,
                                   fn.__defaults__)
    made.__kwdefaults__ = fn.__kwdefaults__
    made.s2sad_free, made.s2sad_nested = fn.s2sad_free, True
    made.s2sad_node = getattr(fn, "s2sad_node", None)
    made.s2sad_scope = _frozen(norm, fn.s2sad_scope, fn.s2sad_free, value)
    name = norm.namer.fresh(value.id)
    norm.local_defs[name] = made
    return load(name)


@dataclass
class _Frame:
    """The names a returned function reads, as its maker left them: what
    :func:`inline_parameters._bind_free_names` and :func:`closed` read of a scope."""

    src: Any
    locals: set[str]
    local_defs: dict[str, Any]
    callables: dict[str, Any]
    names: dict[str, str]

    def name(self, ident: str) -> str:
        return self.names[ident]


def _frozen(norm: Normalizer, home: Any, free: set[str], at: gast.AST) -> _Frame:
    """Each variable of ``home`` in ``free`` copied into a fresh name of the caller."""
    names = {}
    for ident in sorted(free & home.locals - set(home.callables)):
        now = home.name(ident)
        names[ident] = norm.new_local(f"{ident}_bound")
        norm.emit(assign(names[ident], load(now)), at)
        if now in norm.literals:
            norm.literals[names[ident]] = norm.literals[now]
        if now in norm.lengths:
            norm.lengths[names[ident]] = norm.lengths[now]
    return _Frame(home.src, set(names), home.local_defs, home.callables, names)


def unrolled_reduce(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``functools.reduce(f, [a, b, c])`` is ``f(f(a, b), c)`` (a lambda applied by
    putting the arguments in its body); None for a sequence of a length not written
    (its closed form then, a loop: ``python_through.py_reduce``)."""
    if len(node.args) < 2 or node.keywords:
        return None
    fn, seq = node.args[0], node.args[1]
    items = seq.elts if isinstance(seq, (gast.List, gast.Tuple)) else \
        norm.literals.get(norm.name(seq.id)) if isinstance(seq, gast.Name) else None
    if items is None:
        return None
    items = list(node.args[2:3]) + list(items)
    if not items:
        raise norm.error(node, "functools.reduce of an empty sequence", "give an initial value")
    out = items[0]
    for item in items[1:]:
        out = gast.copy_location(_apply(fn, [out, item]), node)
    return out


def mapped_together(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``map(f, xs, ys)`` (of several iterables) as ``[f(a, b) for a, b in zip(xs, ys)]``
    (of one, ``map`` has its closed form); None for any other call of ``map``."""
    if len(node.args) < 3 or node.keywords or \
            any(isinstance(a, gast.Starred) for a in node.args):
        return None
    fn = passed_function(norm, node.args[0]) or node.args[0]
    names = [f"mapped_{k}" for k in range(len(node.args) - 1)]
    target = gast.Tuple(elts=[gast.Name(id=n, ctx=gast.Store(), annotation=None,
                                        type_comment=None) for n in names], ctx=gast.Store())
    pairs = gast.Call(func=gast.Name(id="zip", ctx=gast.Load(), annotation=None,
                                     type_comment=None), args=node.args[1:], keywords=[])
    each = gast.Call(func=fn, args=[load(n) for n in names], keywords=[])
    comp = gast.ListComp(elt=each, generators=[gast.comprehension(
        target=target, iter=pairs, ifs=[], is_async=0)])
    for n in gast.walk(comp):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            gast.copy_location(n, node)
    return comp


def _apply(fn: gast.expr, args: list) -> gast.expr:
    if not isinstance(fn, gast.Lambda):
        return gast.Call(func=fn, args=args, keywords=[])
    params = [a.id for a in fn.args.args]
    body = copy.deepcopy(fn.body)
    values = dict(zip(params, args))

    class Put(gast.NodeTransformer):
        def visit_Name(self, n: gast.Name) -> gast.expr:
            return copy.deepcopy(values[n.id]) if n.id in values else n
    return Put().visit(body)


def call_arguments(norm: Normalizer, node: gast.Call) -> tuple[list, list]:
    """The call's arguments as atoms; a function made inside the function (a lambda, a
    local def's name) as the name of its local def (:mod:`local_functions`)."""
    args = [gast.Starred(value=norm.atom(a.value), ctx=gast.Load())
            if isinstance(a, gast.Starred) else _argument(norm, a) for a in node.args]
    kws = [gast.keyword(arg=k.arg, value=_argument(norm, k.value)) for k in node.keywords]
    return args, kws


def _argument(norm: Normalizer, node: gast.expr) -> gast.expr:
    made = passed_function(norm, node)
    return made if made is not None else norm.atom(node)
