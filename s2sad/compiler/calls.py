"""Part of stage 3b: calls.  Methods become primitives, the user's own
functions are inlined (normalized in their own namespace, names prefixed),
everything else stays a call of the object the user named."""
from __future__ import annotations

import copy
import functools
import inspect
import linecache
import textwrap
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import desugar, fence, source
from s2sad.compiler.names import assign, const, load, nodes, set_origin, walk
from s2sad.compiler.spellings import einsum_sublists
from s2sad.errors import DifferentiationError
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


IN_PLACE = {  # methods that change their array, and the value-returning form to use
    "sort": "x = np.sort(x)", "fill": "x = np.full_like(x, v)",
    "resize": "x = np.resize(x, shape)", "put": "x = x.copy(); x[indices] = values",
    "itemset": "x[i] = v", "partition": "x = np.partition(x, k)",
    "setfield": "a new array", "byteswap": "x = x.byteswap()",
}


def normalize_call(norm: Normalizer, node: gast.Call) -> gast.expr:
    from s2sad.compiler.normalize import is_user_function
    node = _spread_literals(norm, einsum_sublists(norm, node) or node)
    special = _special_form(norm, node)
    if special is not None:
        return special
    func = node.func
    if isinstance(func, gast.Attribute) and func.attr in IN_PLACE and \
            norm.resolve(func) is None:
        raise norm.error(node, f".{func.attr}() changes its array in place",
                         f"use the value-returning form, {IN_PLACE[func.attr]}, or build "
                         "a new array")
    if any(k.arg == "out" for k in node.keywords):
        raise norm.error(node, "out= writes into an existing array",
                         "assign the result to a name instead")
    if isinstance(func, gast.Attribute) and norm.resolve(func) is None:
        obj = norm.atom(func.value)
        args, kws = _arguments(norm, node)
        fn = registry.METHODS.get(func.attr)
        if fn is not None:
            return gast.Call(func=norm.ref(fn), args=[obj] + args, keywords=kws)
        return gast.Call(func=gast.Attribute(value=obj, attr=func.attr, ctx=gast.Load()),
                         args=args, keywords=kws)
    fn = norm.resolve(func)
    unwrapped = _partial_call(norm, node, fn)
    if unwrapped is not None:
        return normalize_call(norm, unwrapped)
    if fn is dict and not node.args:  # dict(p=a, q=b) is the literal {'p': a, 'q': b}
        return norm.expr(gast.Dict(keys=[const(k.arg) for k in node.keywords],
                                   values=[k.value for k in node.keywords]))
    args, kws = _arguments(norm, node)
    if fn is None:
        return gast.Call(func=norm.atom(func), args=args, keywords=kws)
    has_rule = registry.lookup_vjp(fn) is not None or registry.lookup_jvp(fn) is not None
    _check_starred(norm, node, fn, args)
    reference = registry.lookup_through(fn) if not has_rule else None
    if reference is not None:  # a library function differentiated through a closed form
        return inline(norm, reference, args, kws, node)
    if is_user_function(fn) and not has_rule and not registry.is_nondiff(fn):
        return inline(norm, fn, args, kws, node)
    if isinstance(func, gast.Name) and func.id in norm.callables:  # act(x), act=np.tanh
        alias = norm.namer.fresh(func.id)
        norm.namespace[alias] = fn
        return gast.Call(func=load(alias), args=args, keywords=kws)
    return gast.Call(func=norm.rename_names(func), args=args, keywords=kws)


def _special_form(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """Calls that become something else: ``functools.reduce`` unrolled, a gradient or a
    method of ``self`` inlined, ``xs.pop()`` as values."""
    if norm.resolve(node.func) is functools.reduce:
        return norm.expr(_unrolled_reduce(norm, node))
    if norm.method_of_local(node, "pop") and len(node.args) <= 1:
        return _pop(norm, node)
    inner = _derivative_called(norm, node.func, node)
    method = _own_method(norm, node.func)
    if inner is None and method is None:
        return None
    args, kws = _arguments(norm, node)
    if inner is not None:  # dg(x) with dg = s2sad.grad(g): the generated gradient, inlined
        return inline(norm, inner, args, kws, node)
    if isinstance(method, staticmethod):
        return inline(norm, method.__func__, args, kws, node)
    return inline(norm, method, [norm.atom(node.func.value)] + args, kws, node)


def _derivative_called(norm: Normalizer, func: gast.expr, node: gast.Call) -> Any:
    """The function (with source) of a derivative called in the function: a global
    ``dg = s2sad.grad(g)`` (or a vjp, jvp, value_and_grad), a local one, or
    ``s2sad.grad(g)(x)`` written out; a derivative of a function of ``*args`` (made
    per call) is the one for this call's number of arguments."""
    from s2sad import api, library
    from s2sad.differentiable import differentiable
    found = norm.resolve(func) if isinstance(func, (gast.Name, gast.Attribute)) else None
    if isinstance(found, library.CallOf) and not any(
            isinstance(a, gast.Starred) for a in node.args):
        found = found.derivative_for(len(node.args), sorted(k.arg for k in node.keywords
                                                            if k.arg is not None))
    if isinstance(func, gast.Call) and norm.resolve(func.func) in (api.grad,) and \
            func.args and not func.keywords:
        target = norm.resolve(func.args[0]) if isinstance(
            func.args[0], (gast.Name, gast.Attribute)) else None
        found = api.grad(target) if callable(target) else None
    if not isinstance(found, api.Derivative) or found.has_aux or \
            found.many and len(found.wrt) == 1:  # (the API wraps that one in a tuple)
        return None
    try:
        return differentiable(found)
    except DifferentiationError:
        return None


def derivative_made(norm: Normalizer, value: gast.expr) -> Any:
    """``s2sad.grad(g)`` on the right of an assignment: the Derivative it makes."""
    from s2sad import api
    if isinstance(value, gast.Call) and norm.resolve(value.func) is api.grad and \
            len(value.args) == 1 and not value.keywords and \
            isinstance(value.args[0], (gast.Name, gast.Attribute)):
        target = norm.resolve(value.args[0])
        return api.grad(target) if callable(target) else None
    return None


def _spread_literals(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``f(*(a, b))``, ``f(*params)`` of a tuple or list written in the function: the
    items passed one by one."""
    args: list = []
    for a in node.args:
        items = None
        if isinstance(a, gast.Starred):
            items = literal_items(norm, a.value)
        args.extend(items if items is not None else [a])
    keywords: list = []
    for k in node.keywords:  # f(**kwargs) of a function's **kwargs: the keywords it got
        known = norm.literals.get("**" + norm.name(k.value.id)) if k.arg is None and \
            isinstance(k.value, gast.Name) and k.value.id in norm.locals else None
        keywords.extend([gast.keyword(arg=key.value, value=v) for key, v in zip(
            known.keys, known.values)] if known is not None else [k])
    return gast.copy_location(gast.Call(func=node.func, args=args, keywords=keywords),
                              node)


def _partial_call(norm: Normalizer, node: gast.Call, fn: Any) -> gast.Call | None:
    """``g(x)`` with ``g = functools.partial(f, 2, axis=1)`` (constants bound): the call
    ``f(2, x, axis=1)``."""
    if not isinstance(fn, functools.partial) or registry.lookup_vjp(fn) is not None or \
            not all(_constant(v) for v in (*fn.args, *fn.keywords.values())):
        return None
    alias = norm.namer.fresh(getattr(fn.func, "__name__", "partial"))
    norm.callables[alias] = fn.func
    norm.namespace[alias] = fn.func
    args = [const(v) for v in fn.args] + list(node.args)
    given = {k.arg for k in node.keywords}
    keywords = [gast.keyword(arg=k, value=const(v)) for k, v in fn.keywords.items()
                if k not in given] + list(node.keywords)
    return gast.copy_location(gast.Call(func=load(alias), args=args, keywords=keywords), node)


def _constant(v: Any) -> bool:
    return v is None or type(v) in (bool, int, float, complex, str)


def literal_items(norm: Normalizer, value: gast.expr) -> list | None:
    """The items of a tuple or list written in the function, or of a constant slice of
    one (``*args[1:]`` in a function of ``*args``); None when not known."""
    if isinstance(value, (gast.Tuple, gast.List)):
        return value.elts
    if isinstance(value, gast.Name):
        return norm.literals.get(norm.name(value.id))
    if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice):
        items = literal_items(norm, value.value)
        bounds = [b.value if isinstance(b, gast.Constant) else b
                  for b in (value.slice.lower, value.slice.upper, value.slice.step)]
        if items is not None and all(b is None or type(b) is int for b in bounds):
            return list(items)[slice(*bounds)]
    return None


def _check_starred(norm: Normalizer, node: gast.Call, fn: Any, args: list) -> None:
    """``f(*xs)`` of a sequence of unknown length is left to run as written only where
    no argument it spreads gets a gradient: a function without one (``np.random.randn``,
    ``np.zeros``), or the starred part of a rule's ``*args`` (``x.reshape(*shape)``)."""
    starred = [i for i, a in enumerate(args) if isinstance(a, gast.Starred)]
    if not starred or registry.is_nondiff(fn):
        return
    rule = registry.lookup_vjp(fn)
    if rule is not None and rule.sig.vararg and rule.vararg_template is None and \
            min(starred) >= rule.sig.npos:
        return
    raise norm.error(node, "a call with *args of a sequence whose length is not written",
                     "pass the arguments one by one, or build the tuple in the function")


def _unrolled_reduce(norm: Normalizer, node: gast.Call) -> gast.expr:
    """``functools.reduce(f, [a, b, c])`` is ``f(f(a, b), c)`` (a lambda applied by
    putting the arguments in its body)."""
    fn, seq = node.args[0], node.args[1] if len(node.args) > 1 else None
    items = seq.elts if isinstance(seq, (gast.List, gast.Tuple)) else \
        norm.literals.get(norm.name(seq.id)) if isinstance(seq, gast.Name) else None
    if items is None:
        raise norm.error(node, "functools.reduce over a sequence whose length is not written",
                         "write the sequence in the call, or use a for loop")
    items = list(node.args[2:3]) + list(items)
    if not items:
        raise norm.error(node, "functools.reduce of an empty sequence", "give an initial value")
    out = items[0]
    for item in items[1:]:
        out = gast.copy_location(_apply(fn, [out, item]), node)
    return out


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


def _own_method(norm: Normalizer, func: gast.expr) -> Any:
    """``self.other`` in a method: the class's plain function, to inline with ``self``."""
    from s2sad.compiler.normalize import is_user_function
    if norm.owner is None or not isinstance(func, gast.Attribute) or \
            not isinstance(func.value, gast.Name) or func.value.id != _first_param(norm):
        return None
    found = inspect.getattr_static(norm.owner, func.attr, None)
    plain = found.__func__ if isinstance(found, staticmethod) else found
    has_rule = registry.lookup_vjp(plain) is not None or registry.lookup_jvp(plain) is not None
    return found if is_user_function(plain) and not has_rule else None


def _first_param(norm: Normalizer) -> str | None:
    params = norm.src.node.args.args
    return params[0].id if params else None


def _pop(norm: Normalizer, node: gast.Call) -> gast.expr:
    """``xs.pop(i)`` as values: the item, then ``xs`` without it."""
    xs = norm.name(node.func.value.id)
    where = norm.atom(node.args[0]) if node.args else const(-1)
    item = norm.temp(gast.Subscript(value=load(xs), slice=where, ctx=gast.Load()), "item", node)
    rest = gast.Call(func=load("list_remove"), args=[load(xs), where], keywords=[])
    norm.emit(assign(xs, rest), node)
    return item


def _arguments(norm: Normalizer, node: gast.Call) -> tuple[list, list]:
    args = [gast.Starred(value=norm.atom(a.value), ctx=gast.Load())
            if isinstance(a, gast.Starred) else norm.atom(a) for a in node.args]
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
    src = _source_of(norm, fn, node)
    norm.namer.taken |= norm.namer.names_in(src.node)  # temps must not take the callee's names
    body = desugar.desugar(src.node, norm.namer).body
    child = Normalizer(src, norm.namer, norm.namespace, inlining=norm.inlining,
                       literals=norm.literals)
    child.owner = norm.owner if args and _is_self(norm, args[0]) else None
    child.current = src.node
    _bind_free_names(norm, child, fn)
    try:
        bound = inspect.signature(fn).bind(*args, **{k.arg: k.value for k in kws})
    except TypeError as exc:
        raise norm.error(node, f"call of {fn.__name__}()", str(exc)) from None
    reassigned = _assigned(src.node) | set(_mutated(src.node))
    for param in inspect.signature(fn).parameters.values():
        value = bound.arguments.get(param.name)
        passed = norm.resolve(value) if isinstance(value, (gast.Name, gast.Attribute)) else None
        if callable(passed) and param.name not in reassigned:  # a function passed on
            child.callables[param.name] = passed
            continue
        value = _collected(param, value)
        if value is None:
            value = _default(norm, param.default)
        if isinstance(value, gast.Name) and param.name not in reassigned and \
                value.id not in child.locals:
            child.rename[param.name] = value.id  # read-only parameter: use the argument
            continue
        norm.emit(assign(child.name(param.name), value), node)
        _bind_collected(norm, child, param, value, reassigned)
    stmts = child.block(body)
    result = stmts.pop()
    if (getattr(fn, "__module__", None) or "").startswith(("s2sad.rules", "s2sad.runtime")):
        _at_the_call(stmts, norm, node)  # s2sad's own closed forms: the user's line
    norm.out.extend(stmts)
    # A helper that changes an argument in place (xs.append, x[i] = v) changed the
    # caller's value: the caller's name takes the helper's final value.
    for changed in _mutated(src.node):
        arg = bound.arguments.get(changed)
        if isinstance(arg, gast.Name) and arg.id in norm.locals:
            norm.emit(assign(arg.id, load(child.name(changed))), node)
    value = result.value if isinstance(result, gast.Return) else const(None)
    if isinstance(value, gast.Name):  # the helper's result is now a name of the caller's
        norm.locals.add(value.id)
        norm.rename[value.id] = value.id
    return value


def _bind_free_names(norm: Normalizer, child: Normalizer, fn: Any) -> None:
    """A nested def reads the caller's variables as they are at the call."""
    for free in getattr(fn, "s2sad_free", ()):
        if free in norm.local_defs:
            child.local_defs[free] = norm.local_defs[free]
        elif free in norm.locals:
            child.locals.add(free)
            child.rename[free] = norm.name(free)


def _bind_collected(norm: Normalizer, child: Normalizer, param: inspect.Parameter,
                    value: Any, reassigned: set) -> None:
    """What the helper's ``*args`` and ``**kwargs`` hold at this call, for ``f(*args)``
    and ``f(**kwargs)`` inside it (and, where it changes ``args`` item by item at its top,
    statement by statement: :mod:`sequences`)."""
    items = value.elts if param.kind == param.VAR_POSITIONAL else \
        value.values if param.kind == param.VAR_KEYWORD else None
    if items is None or not all(isinstance(e, gast.Constant) or isinstance(e, gast.Name)
                                and e.id not in reassigned for e in items):
        return
    if param.kind == param.VAR_POSITIONAL and (param.name not in reassigned or
                                               param.name in child.tracked):
        norm.literals[child.name(param.name)] = value.elts  # f(*args[1:]) spreads
    elif param.kind == param.VAR_KEYWORD and param.name not in reassigned:
        norm.literals["**" + child.name(param.name)] = value  # f(**kwargs) passes them
    else:
        return
    child.rename.update({e.id: e.id for e in items if isinstance(e, gast.Name)})


def _collected(param: inspect.Parameter, value: Any) -> Any:
    """``*args`` bound to a tuple display of the extra arguments, ``**kwargs`` to a dict
    display of the extra keywords; any other parameter's value as it is."""
    if param.kind == param.VAR_POSITIONAL:
        return gast.Tuple(elts=list(value or ()), ctx=gast.Load())
    if param.kind == param.VAR_KEYWORD:
        items = dict(value or {})
        return gast.Dict(keys=[const(k) for k in items], values=list(items.values()))
    return value


def nested_function(norm: Normalizer, node: gast.FunctionDef | gast.Assign) -> Any:
    """A def inside the function (or ``f = lambda ...``) as a Python function of the
    user's lines (never run: its calls are inlined); ``s2sad_free``: the names it reads
    from the function around it, which the inlined body reads at the call."""
    if isinstance(node, gast.Assign):
        name, node = node.targets[0].id, node.value
        params_of = node.args
    else:
        name, params_of = node.name, node.args
    if getattr(node, "decorator_list", None):
        raise norm.error(node, "a decorated def inside the function",
                         "define it at module level and call it")
    lines = linecache.getlines(norm.src.filename)[node.lineno - 1:node.end_lineno]
    text = "\n" * (node.lineno - 1) + textwrap.dedent("".join(lines))
    if isinstance(node, gast.Lambda):  # the lambda alone, on its line
        if node.end_lineno != node.lineno:
            raise norm.error(node, f"{name} = lambda over several lines",
                             "write it as a def inside the function, or on one line")
        text = "\n" * (node.lineno - 1) + \
            f"{name} = {lines[0][node.col_offset:node.end_col_offset]}\n"
    scope = dict(norm.namespace)
    try:
        exec(compile(text, norm.src.filename, "exec"), scope)  # (defines it)
    except SyntaxError:
        raise norm.error(node, f"{name}, defined inside the function",
                         "define it at module level and call it") from None
    fn = scope[name]
    params = {a.id for a in params_of.args + params_of.kwonlyargs} | \
        {a.id for a in (params_of.vararg, params_of.kwarg) if a is not None}
    stored = {n.id for n in nodes(node) if isinstance(n, gast.Name) and
              isinstance(n.ctx, gast.Store)}
    free = {n.id for n in nodes(node) if isinstance(n, gast.Name) and
            isinstance(n.ctx, gast.Load)} - params - stored
    for inner in [norm.local_defs[f] for f in free if f in norm.local_defs]:
        free |= inner.s2sad_free  # what the defs it calls read, it passes on
    fn.s2sad_free = free
    fn.s2sad_nested = True
    return fn


def _source_of(norm: Normalizer, fn: Any, node: gast.AST) -> source.Source:
    try:
        return fence.check(source.load(fn), inlined=True)
    except DifferentiationError as exc:
        if "source not available" not in str(exc):
            raise
        raise norm.error(node, f"call of {fn.__name__}()",
                         "its source is not available and it has no rule; define it in a "
                         "file, or register a rule with @s2sad.defvjp") from None


def _is_self(norm: Normalizer, arg: gast.expr) -> bool:
    """Is ``arg`` the caller's own ``self`` (its first parameter, unchanged)?"""
    first = _first_param(norm)
    return first is not None and isinstance(arg, gast.Name) and \
        arg.id in (first, norm.rename.get(first))


def _at_the_call(stmts: list, norm: Normalizer, node: gast.AST) -> None:
    """Statements inlined from s2sad's own closed forms carry the user's call: its line
    in comments and in any error about them."""
    origin = f"line {node.lineno}: {norm.src.line(node.lineno)}"
    for n in walk(gast.Module(body=stmts, type_ignores=[])):
        if isinstance(n, gast.stmt):
            n.lineno = node.lineno
            n.s2sad_file = norm.src.filename
            set_origin(n, origin)


def _assigned(node: gast.FunctionDef) -> set[str]:
    return {n.id for n in nodes(node) if isinstance(n, gast.Name)
            and isinstance(n.ctx, gast.Store)}


def _mutated(node: gast.FunctionDef) -> list[str]:
    """Parameters the function changes in place."""
    params = [a.id for a in (node.args.args + node.args.kwonlyargs)]
    found = set()
    for n in walk(node):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in ("append", "pop") and isinstance(n.func.value, gast.Name):
            found.add(n.func.value.id)
        targets = n.targets if isinstance(n, gast.Assign) else \
            [n.target] if isinstance(n, gast.AugAssign) else []
        for t in targets:
            while isinstance(t, gast.Subscript):
                t = t.value
                if isinstance(t, gast.Name):
                    found.add(t.id)
    rebound = {n.id for n in nodes(node) if isinstance(n, gast.Name)
               and isinstance(n.ctx, gast.Store)}  # v = v.copy(): later changes hit the copy
    return [p for p in params if p in found and p not in rebound]
