"""The stages, in order, and the functions that run them.

    source -> fence -> desugar -> normalize -> alias -> ssa -> hoist -> element loops
           -> activity
           -> reverse | forward -> the late passes (PASSES, run by pass_manager.py)
           -> render -> loader [-> portable]

Each stage is a module of this package named for it; each stage and each late pass
can be shown (:func:`show`, ``s2sad show --stage NAME``).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast

from s2sad import call_kinds
from s2sad.compiler import activity as activity_stage
from s2sad.compiler import (
    alias,
    dims,
    dynamic_callees,
    element_loops,
    factor_reads,
    final_passes,
    forward,
    free,
    hoist,
    loader,
    loop_passes,
    normalize,
    pass_manager,
    recompute,
    record_fields,
    record_reads,
    recursive_results,
    render,
    reverse_assembly,
    shape_passes,
    sharing_passes,
    simplify,
    source,
    ssa,
    tape,
    tidy_passes,
    truth_values,
)
from s2sad.compiler import portable as portable_stage
from s2sad.compiler.generated import Generated, loaded, printed
from s2sad.compiler.names import Namer, load, param_names, param_ranks, wrt_names
from s2sad.compiler.pass_manager import Step
from s2sad.compiler.reverse_assembly import ReverseParts
from s2sad.compiler.tree_copies import clone
from s2sad.rules import registry

FRONT_STAGES = ("source", "normalize", "alias", "ssa")
# builtins the generated code may call although the user's code does not: never temp names
COMPILER_BUILTINS = {"getattr", "len", "range", "reversed", "min", "list", "slice"}


@dataclass
class Prepared:
    """The function after the front stages (stages 1-4), with its namer and namespace."""

    src: source.Source
    node: gast.FunctionDef
    namer: Namer
    namespace: dict[str, Any]
    integers: frozenset[str] = frozenset()  # parameters given integer or bool arrays
    indices: frozenset[str] = frozenset()  # those given integer arrays (not bool)


def prepare(fn: Callable, stage: str = "ssa", scalars: frozenset[int] = frozenset(),
            ranks: tuple = (), known: normalize.Known | None = None,
            at_once: bool = True) -> Prepared:
    """Stages 1-4: the function in SSA core form (or an earlier stage); ``scalars`` and
    ``ranks``: the argument kinds the derivative is generated for, when known; ``known``:
    what the call says beyond kinds (a method's class, functions passed as arguments);
    ``at_once``: element loops run for all trips at once (not for the sparsity
    interpreter, whose patterns follow a loop trip by trip, an array op as a whole)."""
    src = source.load(fn)
    namer = Namer(Namer.names_in(src.node) | set(registry.TEMPLATE_NAMESPACE) | COMPILER_BUILTINS)
    namespace = dict(src.namespace)
    if stage == "source":
        return Prepared(src, src.node, namer, namespace)
    node = normalize.normalize(src, namer, namespace, known, _lengths(src.node, ranks),
                               frozenset(param_ranks(src.node, ranks)),
                               frozenset(n for i, n in enumerate(param_names(src.node))
                                         if i in scalars),
                               {n: r for n, r in param_ranks(src.node, ranks).items()
                                if isinstance(r, tuple)},
                               {n: r for n, r in param_ranks(src.node, ranks, held=True).items()
                                if not isinstance(r, tuple)})
    if stage == "normalize":
        return Prepared(src, node, namer, namespace)
    params = param_names(node)
    node = alias.resolve_aliases(node, {**namespace, **registry.TEMPLATE_NAMESPACE},
                                 src.filename, lambda: activity_stage.scalar_names(
                                     node, {params[i] for i in scalars}, namespace),
                                 param_ranks(node, ranks, held=True),
                                 outer=set(namespace))
    namer.taken |= Namer.names_in(node)  # (the versions alias gave names: SSA's are others)
    if stage != "alias":
        node = record_fields.split(node, namespace, namer)
        node = factor_reads.rewrite(record_reads.rewrite(hoist.hoist(ssa.to_ssa(node, namer)),
                                                         namespace), namespace)
        node = dynamic_callees.rewrite(node, namespace, namer, src.filename)
        node = node if not at_once else element_loops.vectorize(
            node, namer, {**namespace, **registry.TEMPLATE_NAMESPACE},
            {k: (None,) * v if isinstance(v, int) else v
             for k, v in param_ranks(node, ranks).items()},
            {params[i] for i in scalars if i < len(params)},
            frozenset(known.indices) if known is not None else frozenset())
    namespace.update(registry.TEMPLATE_NAMESPACE)
    return Prepared(src, node, namer, namespace,
                    frozenset(known.integers) if known is not None else frozenset(),
                    frozenset(known.indices) if known is not None else frozenset())


def _lengths(node: gast.FunctionDef, ranks: tuple) -> dict[str, int]:
    """The lengths of the list and tuple parameters the code is specialised to."""
    return {name: len(r.shapes) for name, r in param_ranks(node, ranks, held=True).items()
            if isinstance(r, dims.Items)}


def build_reverse(fn: Callable, wrt: tuple[int, ...], mode: str,
                  structured: frozenset[int] = frozenset(),
                  scalars: frozenset[int] = frozenset(), ranks: tuple = (),
                  known: normalize.Known | None = None, upto: str | None = None,
                  floats: frozenset[int] = frozenset(), optimistic: bool = False,
                  foreign: bool = False) -> Generated:
    """The reverse-mode derivative: ``mode`` is "grad" (seed 1.0) or "vjp"; "lean" is
    "grad" without the output value, so the forward work only the value needs is dropped;
    ``upto``: only print it, as after that stage ("reverse") or late pass; ``floats``:
    positions of the arguments that are float64 arrays; ``optimistic``: without the NaN
    guards finiteness does not prove (``Generated.unguarded`` says whether there were);
    ``foreign``: for arrays of another library (ported: element loops stay loops)."""
    lean = mode == "lean"
    key = (fn, getattr(fn, "__code__", None), wrt, structured, scalars, ranks,
           registry.GENERATION[0], known, floats, optimistic, foreign)
    parts = _reverse_parts(fn, key[1], wrt, "grad" if lean else mode, structured, scalars,
                           registry.GENERATION[0], ranks, known, not foreign)
    if lean and key in _FULL and upto is None:  # value and gradient, already simplified
        tree, unguarded, numbers = _FULL.pop(key)
        gen = _without_value(tree, parts, numbers)
        gen.unguarded = unguarded
        return gen
    narrow = frozenset(parts.wrt[k] for k, i in enumerate(wrt)
                       if i in scalars and (call_kinds.FLOAT_NUMBER, i) not in floats)
    body = parts.returning(lean, narrow)
    name = parts.name if lean or mode == "vjp" else "value_and_" + parts.name
    seed = {parts.args.kwonlyargs[-1].id: clone(parts.value)} if mode == "vjp" else {}
    gen = emit(name, clone(parts.args), body, parts.prep, parts.numbers, parts.shapes,
               param_ranks(parts.prep.node, ranks, held=True), keep=mode == "grad",
               adjoints=parts.adjoints, alike=seed, upto=upto,
               floats=_named(parts.prep.node, floats), optimistic=optimistic,
               recursion=recursive_results.of_function(fn, parts.value,
                                                       parts.prep.namespace))
    if mode == "grad" and upto is None:
        if len(_FULL) > 32:
            _FULL.clear()
        _FULL[key], gen.tree = (gen.tree, gen.unguarded, gen.numbers), None  # (grad's)
    return gen


_FULL: dict = {}  # value_and_grad bodies the grad variant built next starts from


def forget() -> None:
    """Drop every stage cached (a function a derivative was made from changed)."""
    _FULL.clear()
    _reverse_parts.cache_clear()


@functools.lru_cache(maxsize=64)
def _reverse_parts(fn: Callable, code: Any, wrt: tuple[int, ...], mode: str,
                   structured: frozenset[int], scalars: frozenset[int], rules: int,
                   ranks: tuple, known: normalize.Known | None, at_once: bool) -> ReverseParts:
    """Stages 1-6, once per function, kinds of arguments and rule tables (``rules``);
    ``at_once``: element loops run for all trips at once (NumPy arguments only: the
    gathers by index arrays are NumPy's).  Every argument is passed positionally, by every
    caller: the cache keys a keyword apart from a position (a second transform)."""
    prep = prepare(fn, scalars=scalars, ranks=ranks, known=known, at_once=at_once)
    return reverse_assembly.reverse_parts(prep, wrt, mode, structured, scalars, ranks,
                                          aux=known is not None and known.aux)


def returns_number(fn: Callable, wrt: tuple[int, ...], structured: frozenset[int],
                   scalars: frozenset[int], ranks: tuple, known: normalize.Known | None
                   ) -> bool:
    """Do the argument kinds prove the output a real number (given real arguments)?  Then
    grad's first call need not build and run the variant that returns the output only
    to check it (the parts are those the grad variant is built from next)."""
    parts = _reverse_parts(fn, getattr(fn, "__code__", None), wrt, "grad", structured,
                           scalars, registry.GENERATION[0], ranks, known, True)
    node = parts.prep.node
    result = node.body[-1].value
    return isinstance(result, gast.Name) and result.id in parts.numbers and \
        not truth_values.may_be_truth(node, result, parts.prep.namespace) and \
        activity_stage.surely_real(node, parts.prep.namespace) and \
        not (scalars and activity_stage.fractional_powers(node))  # ((-1.0) ** 0.5: complex)


def _without_value(tree: list, parts: ReverseParts, numbers: frozenset) -> Generated:
    """The grad variant from the value-and-gradient one: return the gradient only, and
    drop the work only the value needed (cheaper than running every pass again);
    ``tree`` is given away (taken out of ``_FULL``): changed in place; ``numbers``: the
    names its late passes found holding numbers (no ``del`` for them)."""
    body = tree
    if isinstance(body[-1], gast.Return):  # (else a refusal raised: the grad raises it too)
        value, grad = body[-1].value.elts
        body[-1] = gast.Return(value=grad if parts.aux is None else gast.Tuple(
            elts=[grad, value.elts[1]], ctx=gast.Load()))
    args = clone(parts.args)
    params = {a.id for a in args.args} | {a.id for a in args.kwonlyargs}
    if tape.has_slots(body):  # (a loop that taped only for the value may now go whole)
        body = recompute.recompute(tape.prune(body), set(parts.numbers | numbers), params)
    body = simplify.fuse(simplify.drop_dead_code(body, parts.prep.namespace, params),
                         parts.prep.namespace, params)
    return _loaded(parts.name, args, free.free(body, params | parts.numbers | numbers),
                   parts.prep)


def build_forward(fn: Callable, wrt: tuple[int, ...],
                  structured: frozenset[int] = frozenset(),
                  scalars: frozenset[int] = frozenset(), ranks: tuple = (),
                  known: normalize.Known | None = None, upto: str | None = None,
                  floats: frozenset[int] = frozenset(), optimistic: bool = False,
                  foreign: bool = False) -> Generated:
    """The forward-mode derivative ``jvp_f(*args, *, dx, ...) -> (value, tangent)``
    (``optimistic``, ``foreign``: as for :func:`build_reverse`)."""
    prep = prepare(fn, scalars=scalars, ranks=ranks, known=known, at_once=not foreign)
    names = wrt_names(prep.node, wrt)
    holders = activity_stage.containers(
        prep.node, {names[i] for i, w in enumerate(wrt) if w in structured}, prep.namespace)
    params = param_names(prep.node)
    numbers = activity_stage.scalar_names(prep.node, {params[i] for i in scalars},
                                          prep.namespace,
                                          param_ranks(prep.node, ranks, numbers=True))
    args, body, tangents_of = forward.build(prep, names, holders, numbers)
    shaped = param_ranks(prep.node, ranks, held=True)
    tangents = args.kwonlyargs[len(args.kwonlyargs) - len(names):]
    alike = {t.id: load(n) for t, n in zip(tangents, names) if n in shaped}  # checked
    return emit(f"jvp_{prep.src.node.name}", args, body, prep, numbers, ranks=shaped,
                alike=alike, upto=upto, tangents=tangents_of, floats=_named(prep.node, floats),
                optimistic=optimistic)


def _named(node: gast.FunctionDef, positions: frozenset) -> frozenset:
    """Parameters by position, and the module's arrays by name (``call_kinds``)."""
    params = param_names(node)
    return frozenset(i if isinstance(i, str) else params[i] for i in positions
                     if isinstance(i, str) or isinstance(i, int) and i < len(params)) | \
        frozenset((call_kinds.FLOAT_NUMBER, params[i[1]]) for i in positions
                  if isinstance(i, tuple) and i[1] < len(params))


# The late passes, in the order they run (``s2sad show --stage NAME`` prints the function
# after any of them); the ``fixpoint`` ones run again, in turn, while one still changes it.
# ``needs``: what a pass's rewrites start from (a loop, a helper's name): a body without
# any of it is left as it is without running the pass; ``settles``: a pass that would not
# change what it made (not run again on it in the next round; not ``simplify`` and
# ``branches``: skipped so, 4 of 1075 tests' derivatives and minmod_advection's came out
# otherwise, although their bodies would not change).
_LOOPS = frozenset({gast.For, gast.While})
PASSES = (
    Step("ranks", tidy_passes.ranks),
    Step("prune", tidy_passes.prune),
    Step("reuse", tidy_passes.reuse_values),
    Step("recompute", tidy_passes.recomputed, fixpoint=True, settles=True),
    Step("simplify", tidy_passes.tidy, fixpoint=True),
    Step("finite", tidy_passes.guards, fixpoint=True, settles=True),
    Step("algebra", tidy_passes.arithmetic, fixpoint=True),
    Step("shapes", shape_passes.shapes, fixpoint=True),
    Step("branches", shape_passes.branches, fixpoint=True, needs=frozenset({gast.If})),
    Step("zeros", shape_passes.zeros, fixpoint=True),
    Step("remade", shape_passes.remade, fixpoint=True, settles=True),
    Step("contract", shape_passes.contracted, fixpoint=True, settles=True),
    Step("assemble", loop_passes.assembled, needs=frozenset({"add_at"})),
    Step("rows", sharing_passes.rows),
    Step("share", sharing_passes.share),
    Step("invariants", loop_passes.invariant, needs=_LOOPS),
    Step("batch", loop_passes.batched, needs=frozenset({gast.For, gast.If, "add_at"})),
    Step("scalars", loop_passes.scalar_sums, needs=_LOOPS),
    Step("floats", loop_passes.as_floats, needs=_LOOPS | {"add_at"}),
    Step("carried", loop_passes.shared_tape, needs=frozenset({gast.For})),
    Step("appends", loop_passes.appended_lists, needs=frozenset({"list_append"})),
    Step("undo", loop_passes.undone, needs=frozenset({"setitem"})),
    Step("ownership", final_passes.owned),
    Step("accumulate", final_passes.accumulated),
    Step("fuse", final_passes.fused),
    Step("methods", final_passes.methods),
    Step("tape_rows", final_passes.tape_in_rows, needs=frozenset({"stack"})),
    Step("chains", final_passes.chained),
    Step("sink", final_passes.sunk),
    Step("free", final_passes.freed),
)
LATE_STAGES = tuple(step.name for step in PASSES)
STAGES = (*FRONT_STAGES, "reverse", "forward", *LATE_STAGES)  # what ``show`` can print


def emit(name: str, args: gast.arguments, body: list, prep: Prepared,
         small: set[str] | frozenset[str] = frozenset(), shapes: dict[str, str] | None = None,
         ranks: dict[str, int] | None = None, keep: bool = False,
         adjoints: frozenset | set = frozenset(), alike: dict | None = None,
         upto: str | None = None, tangents: frozenset = frozenset(),
         floats: frozenset[str] = frozenset(), optimistic: bool = False,
         recursion: recursive_results.Recursion | None = None) -> Generated:
    """``small``: names holding numbers; ``shapes``: name -> a name of the same shape;
    ``ranks``: array parameter -> its ndim; ``keep``: keep a copy of the final tree
    (before ``del`` insertion); ``alike``: a parameter shaped like an expression (the
    cotangent, like the output); ``upto``: stop after that late pass, only print;
    ``floats``: the parameters that are float64 arrays; ``recursion``: the function
    when it calls itself (the shapes of its calls' values, ``dims``)."""
    params = {a.id for a in args.args} | {a.id for a in args.kwonlyargs}
    real = activity_stage.real_only(prep.node) and call_kinds.COMPLEX not in floats
    numbers = frozenset(f[1] for f in floats if isinstance(f, tuple))
    facts = pass_manager.Facts(
        prep.namespace, prep.namer.copy(), params, set(small), shapes or {}, ranks or {},
        frozenset(adjoints), alike or {}, real, tangents=tangents,
        floats=frozenset(f for f in floats if not isinstance(f, tuple)),
        optimistic=[] if optimistic else None, float_numbers=numbers,
        recursion=recursion, indices=prep.indices)
    if upto is not None:  # "reverse", "forward": as the stage made it, before any pass
        body = pass_manager.run(body, facts, PASSES, upto) if upto in LATE_STAGES else body
        return printed(name, args, body)
    body = pass_manager.run(body, facts, PASSES[:-1])
    tree = clone(body) if keep else None
    gen = _loaded(name, args, pass_manager.run(body, facts, PASSES[-1:]), prep)
    gen.tree, gen.unguarded = tree, bool(facts.optimistic)
    gen.numbers = frozenset(facts.numbers) if keep else frozenset()
    return gen


def rebound(gen: Generated, closure: Callable) -> Generated | None:
    """``gen`` (made for a sibling closure) reading ``closure``'s cells, or None."""
    if not closure.__closure__:
        return gen  # (the same code over the same globals)
    fn = loader.rebound(gen.fn, closure, gen.made_for)
    return None if fn is None else Generated(fn, gen.source, gen.name, None, {},
                                             gen.unguarded, gen.numbers, closure)


def _loaded(name: str, args: gast.arguments, body: list, prep: Prepared) -> Generated:
    return loaded(name, args, body, prep.namespace, getattr(prep.src.fn, "__globals__", None))


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
         known: normalize.Known | None = None, kinds: tuple = (frozenset(), ()),
         floats: frozenset[int] = frozenset()) -> str:
    """The function after one stage or late pass, printed (the late passes of the
    reverse-mode derivative, or of the forward-mode one when ``forward``); ``kinds``:
    (positions of numbers, ranks) of the call it is for (``api.kinds_of``); ``floats``:
    the positions of its float64 arrays (``call_kinds.float_arrays``)."""
    scalars, ranks = kinds
    if stage in FRONT_STAGES:
        prep = prepare(fn, stage, scalars, ranks, known=known)
        return render.function_source(prep.node)
    if stage == "forward" or forward and stage != "reverse":
        return build_forward(fn, wrt, scalars=scalars, ranks=ranks, known=known,
                             upto=stage, floats=floats).source
    return build_reverse(fn, wrt, "lean", scalars=scalars, ranks=ranks, known=known,
                         upto=stage, floats=floats).source
