"""The stages, in order, and the functions that run them.

    source -> fence -> desugar -> normalize -> alias -> ssa -> hoist -> activity
           -> reverse | forward -> the late passes (PASSES, run by optimize.py)
           -> render -> loader [-> portable]

Each stage is a module of this package named for it; each stage and each late pass
can be shown (:func:`show`, ``s2sad show --stage NAME``).
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from s2sad.compiler import activity as activity_stage
from s2sad.compiler import (
    alias,
    checkpoint,
    forward,
    free,
    hoist,
    loader,
    normalize,
    optimize,
    render,
    simplify,
    source,
    ssa,
)
from s2sad.compiler import portable as portable_stage
from s2sad.compiler.names import Namer, assign, clone, const, copy_origin, load
from s2sad.compiler.optimize import Step
from s2sad.compiler.reverse import Ctx, Reverse
from s2sad.rules import registry

FRONT_STAGES = ("source", "normalize", "alias", "ssa")
# builtins the generated code may call although the user's code does not: never temp names
COMPILER_BUILTINS = {"getattr", "len", "range", "reversed", "min", "list", "slice"}
@dataclass
class Generated:
    """A generated derivative: the callable, its source, and its name."""

    fn: Callable
    source: str
    name: str
    tree: list | None = None  # the final statements, when kept (see ``emit``)
    ported: dict = field(default_factory=dict)  # array library -> its variant (``portable``)


@dataclass
class Prepared:
    src: source.Source
    node: gast.FunctionDef
    namer: Namer
    namespace: dict[str, Any]


def prepare(fn: Callable, stage: str = "ssa", scalars: frozenset[int] = frozenset(),
            ranks: tuple = (), known: normalize.Known | None = None) -> Prepared:
    """Stages 1-4: the function in SSA core form (or an earlier stage); ``scalars`` and
    ``ranks``: the argument kinds the derivative is generated for, when known; ``known``:
    what the call says beyond kinds (a method's class, functions passed as arguments)."""
    src = source.load(fn)
    namer = Namer(Namer.names_in(src.node) | set(registry.TEMPLATE_NAMESPACE) | COMPILER_BUILTINS)
    namespace = dict(src.namespace)
    if stage == "source":
        return Prepared(src, src.node, namer, namespace)
    node = normalize.normalize(src, namer, namespace, known)
    if stage == "normalize":
        return Prepared(src, node, namer, namespace)
    params = param_names(node)
    numbers = activity_stage.scalar_names(node, {params[i] for i in scalars}, namespace)
    node = alias.resolve_aliases(node, {**namespace, **registry.TEMPLATE_NAMESPACE},
                                 src.filename, numbers, _param_ranks(node, ranks),
                                 outer=set(namespace))
    if stage != "alias":
        node = hoist.hoist(ssa.to_ssa(node, namer))
    namespace.update(registry.TEMPLATE_NAMESPACE)
    return Prepared(src, node, namer, namespace)


def param_names(node: gast.FunctionDef) -> list[str]:
    """Parameters in the order calls bind them (keyword-only ones last)."""
    return [a.id for a in node.args.args + node.args.kwonlyargs]


def wrt_names(node: gast.FunctionDef, wrt: tuple[int, ...]) -> list[str]:
    params = param_names(node)
    return [params[i] for i in wrt]


def build_reverse(fn: Callable, wrt: tuple[int, ...], mode: str,
                  structured: frozenset[int] = frozenset(),
                  scalars: frozenset[int] = frozenset(), ranks: tuple = (),
                  known: normalize.Known | None = None, upto: str | None = None
                  ) -> Generated:
    """The reverse-mode derivative: ``mode`` is "grad" (seed 1.0) or "vjp"; "lean" is
    "grad" without the output value, so the forward work only the value needs is dropped;
    ``upto``: only print it, as after that stage ("reverse") or late pass."""
    lean = mode == "lean"
    key = (fn, getattr(fn, "__code__", None), wrt, structured, scalars, ranks,
           registry.GENERATION[0], known)
    parts = _reverse_parts(fn, key[1], wrt, "grad" if lean else mode,
                           structured, scalars, registry.GENERATION[0], ranks, known)
    if lean and key in _FULL and upto is None:  # value and gradient, already simplified
        return _without_value(_FULL.pop(key), parts)
    body = clone(parts.body)
    grad = clone(parts.grad)
    if parts.aux is not None:  # has_aux: (gradient, aux) / ((value, aux), gradient)
        grad_or_pair = gast.Tuple(elts=[grad, clone(parts.aux)], ctx=gast.Load())
        value = gast.Tuple(elts=[clone(parts.value), clone(parts.aux)], ctx=gast.Load())
    else:
        grad_or_pair, value = grad, clone(parts.value)
    body.append(gast.Return(value=grad_or_pair if lean else gast.Tuple(
        elts=[value, grad], ctx=gast.Load())))
    name = parts.name if lean or mode == "vjp" else "value_and_" + parts.name
    seed = {parts.args.kwonlyargs[-1].id: clone(parts.value)} if mode == "vjp" else {}
    gen = emit(name, clone(parts.args), body, parts.prep, parts.numbers, parts.shapes,
               _param_ranks(parts.prep.node, ranks), keep=mode == "grad",
               adjoints=parts.adjoints, alike=seed, upto=upto)
    if mode == "grad" and upto is None:
        if len(_FULL) > 32:
            _FULL.clear()
        _FULL[key] = gen.tree
    return gen


_FULL: dict = {}  # value_and_grad bodies the grad variant built next starts from


def _without_value(tree: list, parts: _Parts) -> Generated:
    """The grad variant from the value-and-gradient one: return the gradient only, and
    drop the work only the value needed (cheaper than running every pass again)."""
    body = clone(tree)
    value, grad = body[-1].value.elts
    body[-1] = gast.Return(value=grad if parts.aux is None else gast.Tuple(
        elts=[grad, value.elts[1]], ctx=gast.Load()))
    args = clone(parts.args)
    params = {a.id for a in args.args} | {a.id for a in args.kwonlyargs}
    body = simplify.fuse(simplify.drop_dead_code(body, parts.prep.namespace, params),
                         parts.prep.namespace, params)
    return _emitted(parts.name, args, free.free(body, params | parts.numbers), parts.prep)


@dataclass
class _Parts:
    """A reverse-mode derivative up to its return: shared by grad and its lean variant."""

    prep: Prepared
    body: list
    value: gast.expr
    grad: gast.expr
    args: gast.arguments
    name: str
    numbers: set[str]
    shapes: dict[str, str]
    adjoints: frozenset
    aux: gast.expr | None = None  # has_aux: the second item of what the function returns


@functools.lru_cache(maxsize=64)
def _reverse_parts(fn: Callable, code: Any, wrt: tuple[int, ...], mode: str,
                   structured: frozenset[int], scalars: frozenset[int], rules: int,
                   ranks: tuple = (), known: normalize.Known | None = None) -> _Parts:
    prep = prepare(fn, scalars=scalars, ranks=ranks, known=known)
    node, names = prep.node, wrt_names(prep.node, wrt)
    aux = _split_aux(node, prep.namer) if known is not None and known.aux else None
    act = activity_stage.analyze(node, names, prep.namespace, registry.lookup_vjp)
    act.varied -= activity_stage.shift_only_maxima(node, prep.namespace)
    holders = activity_stage.containers(
        node, {names[i] for i, w in enumerate(wrt) if w in structured}, prep.namespace)
    params = param_names(node)
    numbers = activity_stage.scalar_names(node, {params[i] for i in scalars}, prep.namespace,
                                          _param_ranks(node, ranks))
    rev = Reverse(node, act, prep.namespace, prep.namer, prep.src.filename, holders, numbers)
    result = node.body[-1].value
    ctx = Ctx(defined=set())
    out_active = isinstance(result, gast.Name) and act.is_active(result.id)
    seed_name = rev.adj(result.id) if isinstance(result, gast.Name) else \
        prep.namer.fresh("dout")
    if out_active:
        ctx.defined.add(result.id)
    fwd, back = rev.block(node.body[:-1], ctx)
    body = ([assign(rev.stack, gast.List(elts=[], ctx=gast.Load()))] if rev.stack else [])
    body += fwd
    value = result
    if isinstance(result, gast.Name) and result.id in ssa.assigned_names(
            [s for s in node.body if isinstance(s, (gast.For, gast.While))]):
        value = load(prep.namer.fresh("value"))
        body.append(assign(value.id, result, like=node.body[-1]))
    if mode == "grad" and out_active:
        body.append(assign(seed_name, const(1.0), like=node.body[-1]))
    body += back
    real = _real_only(node)
    grads = [_returned_gradient(rev.adj(p) if p in ctx.defined else None, p, p in numbers,
                                real) for p in names]
    grad = grads[0] if len(grads) == 1 else gast.Tuple(elts=grads, ctx=gast.Load())
    args = copy.deepcopy(node.args)
    if mode == "vjp":
        args.kwonlyargs = list(args.kwonlyargs) + [gast.Name(
            id=seed_name, ctx=gast.Param(), annotation=None, type_comment=None)]
        args.kw_defaults = list(args.kw_defaults) + [None]
    name = f"{mode}_{prep.src.node.name}"
    numbers = numbers | {rev.adjoints[n] for n in numbers if n in rev.adjoints}  # scalar too
    shapes = {**rev.same_shape, **{d: rev.same_shape.get(p, p) for p, d in rev.adjoints.items()
                                   if p not in holders}}  # an adjoint has its value's shape
    return _Parts(prep, body, value, grad, args, name, numbers, shapes,
                  frozenset(rev.adjoints.values()), aux)


def _split_aux(node: gast.FunctionDef, namer: Namer) -> gast.expr:
    """``return result`` of ``(output, aux)``: the output is ``result[0]``, differentiated;
    ``result[1]`` is passed back as it is."""
    result = node.body[-1].value
    out, aux = namer.fresh("out"), namer.fresh("aux")
    node.body[-1:] = [assign(n, gast.Subscript(value=clone(result), slice=const(i),
                                               ctx=gast.Load()), like=node.body[-1])
                      for i, n in enumerate((out, aux))] + [
        copy_origin(gast.Return(value=load(out)), node.body[-1])]
    return load(aux)


def _real_only(node: gast.FunctionDef) -> bool:
    """No complex literal, ``complex`` or FFT anywhere: every value is real."""
    return not any(isinstance(n, gast.Constant) and isinstance(n.value, complex) or
                   isinstance(n, gast.Name) and n.id == "complex" or
                   isinstance(n, gast.Attribute) and n.attr == "fft" for n in gast.walk(node))


def _returned_gradient(adjoint: str | None, param: str, number: bool,
                       real: bool) -> gast.expr:
    """``float(dx)`` for a number (``float(dx.real)`` where complex values may occur
    inside: the real part), else ``cast_like(dx, x)`` (the argument's shape, dtype and
    container type)."""
    if number and adjoint is not None:
        value = load(adjoint) if real else gast.Attribute(value=load(adjoint), attr="real",
                                                          ctx=gast.Load())
        return gast.Call(func=load("float"), args=[value], keywords=[])
    return gast.Call(func=load("cast_like"), args=[
        load(adjoint) if adjoint else const(None), load(param)], keywords=[])


def _param_ranks(node: gast.FunctionDef, ranks: tuple) -> dict[str, int]:
    params = param_names(node)
    return {params[i]: r for i, r in ranks if i < len(params)}


def build_forward(fn: Callable, wrt: tuple[int, ...],
                  structured: frozenset[int] = frozenset(),
                  scalars: frozenset[int] = frozenset(), ranks: tuple = (),
                  known: normalize.Known | None = None, upto: str | None = None
                  ) -> Generated:
    """The forward-mode derivative ``jvp_f(*args, *, dx, ...) -> (value, tangent)``."""
    prep = prepare(fn, scalars=scalars, ranks=ranks, known=known)
    names = wrt_names(prep.node, wrt)
    holders = activity_stage.containers(
        prep.node, {names[i] for i, w in enumerate(wrt) if w in structured}, prep.namespace)
    params = param_names(prep.node)
    numbers = activity_stage.scalar_names(prep.node, {params[i] for i in scalars},
                                          prep.namespace, _param_ranks(prep.node, ranks))
    args, body, tangents_of = forward.build(prep, names, holders, numbers)
    shaped = _param_ranks(prep.node, ranks)
    tangents = args.kwonlyargs[len(args.kwonlyargs) - len(names):]
    alike = {t.id: load(n) for t, n in zip(tangents, names) if n in shaped}  # checked
    return emit(f"jvp_{prep.src.node.name}", args, body, prep, numbers, ranks=shaped,
                alike=alike, upto=upto, tangents=tangents_of)


# The late passes, in the order they run (``s2sad show --stage NAME`` prints the function
# after any of them); the ``fixpoint`` ones run again, in turn, while one still changes it.
PASSES = (
    Step("ranks", optimize.ranks),
    Step("prune", optimize.prune),
    Step("reuse", optimize.reuse_values),
    Step("recompute", optimize.recomputed, fixpoint=True),
    Step("simplify", optimize.tidy, fixpoint=True),
    Step("finite", optimize.guards, fixpoint=True),
    Step("algebra", optimize.arithmetic, fixpoint=True),
    Step("shapes", optimize.shapes, fixpoint=True),
    Step("share", optimize.share),
    Step("batch", optimize.batched),
    Step("floats", optimize.as_floats),
    Step("unread", optimize.prune),
    Step("ownership", optimize.owned),
    Step("accumulate", optimize.accumulated),
    Step("fuse", optimize.fused),
    Step("free", optimize.freed),
)
LATE_STAGES = tuple(step.name for step in PASSES)
STAGES = (*FRONT_STAGES, "reverse", "forward", *LATE_STAGES)  # what ``show`` can print


def emit(name: str, args: gast.arguments, body: list, prep: Prepared,
         small: set[str] | frozenset[str] = frozenset(), shapes: dict[str, str] | None = None,
         ranks: dict[str, int] | None = None, keep: bool = False,
         adjoints: frozenset | set = frozenset(), alike: dict | None = None,
         upto: str | None = None, tangents: frozenset = frozenset()) -> Generated:
    """``small``: names holding numbers; ``shapes``: name -> a name of the same shape;
    ``ranks``: array parameter -> its ndim; ``keep``: keep a copy of the final tree
    (before ``del`` insertion); ``alike``: a parameter shaped like an expression (the
    cotangent, like the output); ``upto``: stop after that late pass, only print."""
    params = {a.id for a in args.args} | {a.id for a in args.kwonlyargs}
    facts = optimize.Facts(prep.namespace, prep.namer.copy(), params, set(small), shapes or {},
                           ranks or {}, frozenset(adjoints), alike or {},
                           _real_only(prep.node), tangents=tangents)
    if upto is not None:  # "reverse", "forward": as the stage made it, before any pass
        body = optimize.run(body, facts, PASSES, upto) if upto in LATE_STAGES else body
        return Generated(_printed_only, render.function_source(_function(name, args, body)),
                         name)
    body = optimize.run(body, facts, PASSES[:-1])
    tree = clone(body) if keep else None
    gen = _emitted(name, args, optimize.run(body, facts, PASSES[-1:]), prep)
    gen.tree = tree
    return gen


def _printed_only(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a derivative generated up to one pass is for printing only")


def _function(name: str, args: gast.arguments, body: list) -> gast.FunctionDef:
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])


def _emitted(name: str, args: gast.arguments, body: list, prep: Prepared) -> Generated:
    text = render.function_source(_function(name, args, body), owned=True)
    fn = loader.load(text, name, prep.namespace, getattr(prep.src.fn, "__globals__", None))
    return Generated(fn, text + checkpoint.shown(text, prep.namespace), name)


def portable(gen: Generated, fn: Callable, array: Any) -> Generated:
    """``gen`` for the array library of ``array`` (made once per library)."""
    from s2sad.runtime.backend import array_namespace
    key = type(array)
    if key not in gen.ported:
        code = getattr(fn, "__code__", None)
        filename = code.co_filename if code else "<unknown>"
        port, text = portable_stage.variant(gen.source, gen.name, gen.fn.__globals__,
                                            getattr(fn, "__globals__", None), filename,
                                            array_namespace(array))
        gen.ported[key] = Generated(port, text, gen.name)
    return gen.ported[key]


def show(fn: Callable, stage: str, wrt: tuple[int, ...] = (0,), forward: bool = False,
         known: normalize.Known | None = None, kinds: tuple = (frozenset(), ())) -> str:
    """The function after one stage or late pass, printed (the late passes of the
    reverse-mode derivative, or of the forward-mode one when ``forward``); ``kinds``:
    (positions of numbers, ranks) of the call it is for (``api.kinds_of``)."""
    scalars, ranks = kinds
    if stage in FRONT_STAGES:
        prep = prepare(fn, stage, scalars, ranks, known=known)
        return render.function_source(prep.node)
    if stage == "forward" or forward and stage != "reverse":
        return build_forward(fn, wrt, scalars=scalars, ranks=ranks, known=known,
                             upto=stage).source
    return build_reverse(fn, wrt, "lean", scalars=scalars, ranks=ranks, known=known,
                         upto=stage).source
