"""Stage 6, the whole function: the reverse derivative assembled from the sweeps.

:class:`~s2sad.compiler.reverse.Reverse` turns statements into forward and reverse
lists; this module puts one function together around them: the tape, the output's
value and its seed, the gradients returned in the arguments' own types, the
cotangent parameter of a VJP, and ``has_aux``'s second output passed through.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import gast

from s2sad.compiler import activity, shifts, ssa
from s2sad.compiler.function_scan import scanning
from s2sad.compiler.names import (
    Namer,
    assign,
    const,
    copy_origin,
    load,
    param_names,
    param_ranks,
    wrt_names,
)
from s2sad.compiler.reverse import Ctx, Reverse
from s2sad.compiler.tree_copies import clone
from s2sad.errors import error_at
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.pipeline import Prepared


@dataclass
class ReverseParts:
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
    wrt: tuple = ()  # the names of the parameters differentiated, in the gradient's order

    def returning(self, lean: bool, narrow: frozenset = frozenset()) -> list:
        """A copy of the body ending in its return: the gradient (``lean``), else the value
        and the gradient; with ``has_aux`` the aux beside the gradient and the value.
        ``narrow``: number parameters that are not Python floats (np.float32(1.5), an
        int): their gradient ``cast_like(dx, x)`` (np.float32 for np.float32), not
        ``float(dx)``."""
        body = clone(self.body)
        grad = _cast_numbers(clone(self.grad), self.wrt, narrow)
        if self.aux is not None:  # has_aux: (gradient, aux) / ((value, aux), gradient)
            grad_or_pair = gast.Tuple(elts=[grad, clone(self.aux)], ctx=gast.Load())
            value = gast.Tuple(elts=[clone(self.value), clone(self.aux)], ctx=gast.Load())
        else:
            grad_or_pair, value = grad, clone(self.value)
        body.append(gast.Return(value=grad_or_pair if lean else gast.Tuple(
            elts=[value, grad], ctx=gast.Load())))
        return body


def reverse_parts(prep: Prepared, wrt: tuple[int, ...], mode: str,
                  structured: frozenset[int], scalars: frozenset[int], ranks: tuple,
                  aux: bool) -> ReverseParts:
    """The derivative of ``prep``'s function, "grad" (seeded with 1.0) or "vjp" (the seed
    a keyword-only parameter); ``aux``: the function returns (output, aux)."""
    node, names = prep.node, wrt_names(prep.node, wrt)
    aux_value = split_aux(node, prep.namer) if aux else None
    with scanning():  # (the analyses change nothing)
        act = activity.analyze(node, names, prep.namespace, registry.lookup_vjp,
                               prep.integers, prep.src.filename)
        act.varied -= shifts.shift_only_maxima(node, prep.namespace)
        holders = activity.containers(
            node, {names[i] for i, w in enumerate(wrt) if w in structured}, prep.namespace)
        params = param_names(node)
        numbers = activity.scalar_names(node, {params[i] for i in scalars}, prep.namespace,
                                        param_ranks(node, ranks, numbers=True))
    holders -= numbers  # (a name proved to hold a number holds no container)
    rev = Reverse(node, act, prep.namespace, prep.namer, prep.src.filename, holders, numbers)
    result = node.body[-1].value
    if mode == "grad":
        refuse_literal_container(node, prep.src.filename)
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
    real = activity.real_only(node)
    grads = [returned_gradient(rev.adj(p) if p in ctx.defined else None, p, p in numbers,
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
    return ReverseParts(prep, body, value, grad, args, name, numbers, shapes,
                        frozenset(rev.adjoints.values()), aux_value, tuple(names))


def refuse_literal_container(node: gast.FunctionDef, filename: str) -> None:
    """A grad seeds its output with 1.0: an output surely a tuple, list or dict (bound
    to a literal of one) is refused at the return, as a call would refuse it, so a
    derivative built before any call (``.source``, a grad of a grad) never indexes the
    seed."""
    result = node.body[-1].value
    if not isinstance(result, gast.Name):
        return
    for s in reversed(node.body[:-1]):
        if isinstance(s, gast.Assign) and any(
                isinstance(t, gast.Name) and t.id == result.id for t in s.targets):
            if isinstance(s.value, (gast.Tuple, gast.List, gast.Dict)):
                kind = {gast.Tuple: "tuple", gast.List: "list", gast.Dict: "dict"}[
                    type(s.value)]
                items = len(s.value.keys if isinstance(s.value, gast.Dict) else s.value.elts)
                raise error_at(filename, node.body[-1], f"output of {node.name}",
                               f"grad needs a scalar output, got a {kind} of {items} items; "
                               "use s2sad.vjp, "
                               "s2sad.jacobian, or reduce the output (e.g. np.sum)")
            return


def split_aux(node: gast.FunctionDef, namer: Namer) -> gast.expr:
    """``return result`` of ``(output, aux)``: the output is ``result[0]``, differentiated;
    ``result[1]`` is passed back as it is."""
    result = node.body[-1].value
    out, aux = namer.fresh("out"), namer.fresh("aux")
    node.body[-1:] = [assign(n, gast.Subscript(value=clone(result), slice=const(i),
                                               ctx=gast.Load()), like=node.body[-1])
                      for i, n in enumerate((out, aux))] + [
        copy_origin(gast.Return(value=load(out)), node.body[-1])]
    return load(aux)


def _cast_numbers(grad: gast.expr, wrt: tuple, narrow: frozenset) -> gast.expr:
    """``float(dx)`` of each parameter in ``narrow`` made ``cast_like(dx, x)``."""
    if not narrow:
        return grad
    items = grad.elts if isinstance(grad, gast.Tuple) else [grad]
    for k, (item, param) in enumerate(zip(items, wrt)):
        if param in narrow and isinstance(item, gast.Call) and \
                isinstance(item.func, gast.Name) and item.func.id == "float":
            items[k] = gast.Call(func=load("cast_like"), args=[item.args[0], load(param)],
                                 keywords=[])
    return grad if isinstance(grad, gast.Tuple) else items[0]


def returned_gradient(adjoint: str | None, param: str, number: bool,
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
