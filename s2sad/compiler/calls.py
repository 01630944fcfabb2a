"""Part of stage 3b: calls.  Methods become primitives, the user's own
functions are inlined (normalized in their own namespace, names prefixed:
:mod:`inlining`), everything else stays a call of the object the user named.  Method
calls are :mod:`method_calls`'s."""
from __future__ import annotations

import copy
import dataclasses
import functools
import sys
from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler import field_writes, inner_tapes, known_constants
from s2sad.compiler.class_methods import method_called, receiver_class, super_method
from s2sad.compiler.class_records import built_class, class_built, record_fits
from s2sad.compiler.constant_calls import kept_call
from s2sad.compiler.container_calls import is_set_default, popped, set_default
from s2sad.compiler.dataclass_built import dataclass_built, dataclass_fits
from s2sad.compiler.frozen_distributions import unfrozen
from s2sad.compiler.inlining import first_param, inline
from s2sad.compiler.keyed import keyed_selection
from s2sad.compiler.list_arithmetic import ufunc_operands
from s2sad.compiler.local_functions import (
    as_values,
    call_arguments,
    def_of_lambda,
    mapped_together,
    unrolled_reduce,
)
from s2sad.compiler.method_calls import (
    IN_PLACE,
    _array_method,
    _closed_form,
    _method_call,
    _object_call,
    _receiver_first,
    _written_in_place,
)
from s2sad.compiler.names import const, load
from s2sad.compiler.operator_methods import decided_isinstance
from s2sad.compiler.spellings import (
    atleast_each,
    einsum_sublists,
    reversed_copy,
    where_alone,
)
from s2sad.compiler.spread_arguments import constant, literal, spread_literals
from s2sad.compiler.unpacked_displays import keywords_added
from s2sad.compiler.user_code import is_user_function
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def normalize_call(norm: Normalizer, node: gast.Call) -> gast.expr:
    written = node
    node = unfrozen(norm, _lambda_called(norm, _local_partial(norm, node)))
    node = einsum_sublists(norm, node) or where_alone(norm, node) or node
    node = _receiver_first(norm, spread_literals(norm, node))
    inner_tapes.carried(written, node)  # (a derivative's pop: what it restores)
    special = _special_form(norm, node)
    if special is not None:
        return special
    if isinstance(node.func, gast.Call):  # make(w)(x): the callee first, as Python does
        cls = built_class(norm, node.func)  # (Layer(W)(x): its __call__ on the record)
        made = norm.atom(node.func)
        node = gast.copy_location(gast.Call(func=made, args=node.args,
                                            keywords=node.keywords), node)
        if cls is not None and isinstance(made, gast.Name):
            norm.instances.setdefault(made.id, cls)
            norm.built.add(made.id)
            return normalize_call(norm, node)
    func = node.func
    if any(k.arg == "out" for k in node.keywords) and not _user_callee(norm, func) or \
            isinstance(func, gast.Attribute) and func.attr in IN_PLACE and \
            norm.resolve(func) is None:
        return _written_in_place(norm, node)
    if isinstance(func, gast.Attribute) and (norm.resolve(func) is None or _array_method(
            norm.resolve(func), func)):  # (C.dot(x) of a global array C: the primitive)
        return _method_call(norm, node, func)
    fn = norm.resolve(func)
    unwrapped = _partial_call(norm, node, fn)
    if unwrapped is not None:
        return normalize_call(norm, unwrapped)
    of_object = _object_call(norm, node, fn)
    if of_object is not None:
        return of_object
    built = _container_built(norm, node, fn)
    if built is not None:
        return built
    args, kws = call_arguments(norm, node)
    args = ufunc_operands(norm, fn, node.args, args)  # np.cos(xs): of np.asarray(xs)
    if fn is None:
        return as_values(norm, gast.Call(func=norm.atom(func), args=args, keywords=kws))
    has_rule = registry.lookup_vjp(fn) is not None or registry.lookup_jvp(fn) is not None
    _check_starred(norm, node, fn, args)
    reference = _closed_form(fn, args, kws, has_rule)
    if reference is not None and not kept_call(norm, node, fn):  # a library function
        return inline(norm, reference, args, kws, node)  # differentiated through a form
    if is_user_function(fn) and not has_rule and not registry.is_nondiff(fn):
        return inline(norm, fn, args, kws, node)
    return as_values(norm, gast.Call(func=_callee(norm, func, fn), args=args, keywords=kws))


def _local_partial(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``k(x)`` of ``k = functools.partial(f, a, b=c)`` made inside, or
    ``functools.partial(f, a, b=c)(x)`` called at once: ``f(a, x, b=c)``."""
    made = node.func
    if isinstance(made, gast.Call) and made.args and \
            norm.resolve(made.func) is functools.partial and \
            not any(isinstance(a, gast.Starred) for a in made.args) and \
            all(k.arg is not None for k in made.keywords):
        func, taken, keywords = made.args[0], made.args[1:], made.keywords
    elif isinstance(made, gast.Name) and made.id in norm.partials:
        func, taken, keywords = norm.partials[made.id]
    else:
        return node
    given = {k.arg for k in node.keywords}
    return gast.copy_location(gast.Call(
        func=copy.deepcopy(func), args=[copy.deepcopy(a) for a in taken] + list(node.args),
        keywords=[copy.deepcopy(k) for k in keywords if k.arg not in given] +
        list(node.keywords)), node)


def _lambda_called(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``(lambda v: 2 * v)(x)``: the call of a local def made of the lambda."""
    if not isinstance(node.func, gast.Lambda):
        return node
    return gast.copy_location(gast.Call(func=def_of_lambda(norm, node.func), args=node.args,
                                        keywords=node.keywords), node)


def _user_callee(norm: Normalizer, func: gast.expr) -> bool:
    """A function of the user's, module-level or a def inside (``affine(x, W, out=buf)``):
    its ``out=`` is a parameter like any other, inlined with its body, not NumPy's output
    argument (was refused as one)."""
    return isinstance(func, gast.Name) and func.id in norm.local_defs or \
        is_user_function(norm.resolve(func))


def _container_built(norm: Normalizer, node: gast.Call, fn: Any) -> gast.expr | None:
    """``dict(p=a, q=b)`` as the literal ``{'p': a, 'q': b}``; ``Point(x, y)`` of a named
    tuple class as :func:`_named_tuple`; else None."""
    if fn is dataclasses.replace:  # (of a record: a new one with those fields)
        return field_writes.replaced(norm, node, receiver_class)
    if fn is dict and not node.args:
        return norm.expr(gast.Dict(keys=[const(k.arg) for k in node.keywords],
                                   values=[k.value for k in node.keywords]))
    added = keywords_added(norm, node) if fn is dict else None  # (dict(m, k=v))
    if added is not None:
        return norm.expr(added)
    if isinstance(fn, type) and issubclass(fn, tuple) and hasattr(fn, "_fields"):
        return _named_tuple(norm, node, fn)
    made = dataclass_built(norm, fn, *call_arguments(norm, node)) if dataclass_fits(fn, node) \
        else class_built(norm, fn, *call_arguments(norm, node), node) if record_fits(fn, node) \
        else None  # (a dataclass's record, or a plain class's: what __init__ stores)
    if made is not None and not isinstance(made, gast.Name):
        made = norm.temp(made, fn.__name__.lower(), node)
    if isinstance(made, gast.Name):  # (return Params(w, b) of a helper: known as one)
        norm.instances.setdefault(made.id, fn)
        norm.built.add(made.id)
    return made


def _named_tuple(norm: Normalizer, node: gast.Call, fn: type) -> gast.expr:
    """``Point(x, y=v)`` of a named tuple class: ``named_tuple(x, v, kind=Point)``, the
    fields in order (a default where the call gives none), a container whose adjoint
    has one item per field."""
    args, kws = call_arguments(norm, node)
    given = {k.arg: k.value for k in kws}
    fields = list(fn._fields)  # type: ignore[attr-defined]
    if any(k.arg not in fields for k in kws) or len(args) > len(fields):
        return as_values(norm, gast.Call(func=_callee(norm, node.func, fn), args=args,
                                         keywords=kws))
    defaults = fn._field_defaults  # type: ignore[attr-defined]
    items = list(args)
    for name in fields[len(args):]:
        if name not in given and not (name in defaults and constant(defaults[name])):
            return as_values(norm, gast.Call(func=_callee(norm, node.func, fn), args=args,
                                             keywords=kws))
        items.append(given[name] if name in given else literal(defaults[name]))
    alias = norm.namer.fresh(fn.__name__)
    norm.namespace[alias] = fn
    return as_values(norm, gast.Call(func=norm.ref(runtime.named_tuple), args=items,
                                     keywords=[gast.keyword(arg="kind", value=load(alias))]))


def _callee(norm: Normalizer, func: gast.expr, fn: Any) -> gast.expr:
    """How the call names the function ``fn`` it resolved to: by an alias of its own when
    the name means it at this call only (``act(x)`` given ``act=np.tanh``, ``self.act(x)``
    of a model, ``u.reduce(x)`` given ``u=np.add``), else as the user wrote it."""
    if _root(func) in norm.callables or _root(func) in norm.objects or \
            isinstance(func, gast.Subscript) or _root(func) in norm.fields:
        # (u.reduce(x) given u=np.add: of u's too; layer.act(x) of Dense(W, b, np.tanh))
        alias = norm.namer.fresh(func.id if isinstance(func, gast.Name) else
                                 getattr(fn, "__name__", "function") if
                                 isinstance(func, gast.Subscript) else func.attr)
        norm.namespace[alias] = fn
        return load(alias)
    return norm.rename_names(func)


def _root(node: gast.expr) -> str | None:
    while isinstance(node, gast.Attribute):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _unrolled(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``functools.reduce`` unrolled, ``map`` of several, ``list(reversed(xs))`` as
    ``list(xs)[::-1]``, ``np.atleast_1d(a, b)`` per array: the expression to
    normalize instead, or None."""
    fn = norm.resolve(node.func)
    return unrolled_reduce(norm, node) if fn is functools.reduce else \
        mapped_together(norm, node) if fn is map else \
        reversed_copy(norm, node) or atleast_each(norm, node)


def _special_form(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """Calls that become something else: ``functools.reduce`` unrolled, a gradient or a
    method of ``self`` inlined, ``xs.pop()`` and ``d.setdefault(k, v)`` as values,
    ``isinstance`` of a record decided."""
    unrolled = _unrolled(norm, node)
    if unrolled is not None:
        return norm.expr(unrolled)
    if norm.method_of_local(node, "pop") and len(node.args) <= 1:
        return popped(norm, node)
    if is_set_default(norm, node):
        return set_default(norm, node)
    keyed = keyed_selection(norm, node) or known_constants.decided_call(norm, node) or \
        decided_isinstance(norm, node)  # (max(xs, key=lambda v: ...), isinstance(o, Dual))
    if keyed is not None:
        return keyed
    if _sum_of_terms(norm, node) or _joined(norm, node):
        from s2sad.compiler.loops import lower_sum
        return lower_sum(norm, _as_terms(node))
    above = super_method(norm, node.func)
    if above is not None:  # super().forward(x) in a method: the next class's, on self
        me = first_param(norm) or "self"  # (super_method found one)
        args, kws = call_arguments(norm, node)
        this = gast.Name(id=me, ctx=gast.Load(), annotation=None, type_comment=None)
        return inline(norm, above, [norm.atom(this)] + args, kws, node,
                      receiver=norm.objects.get(me))
    return method_called(norm, node)


def _sum_of_terms(norm: Normalizer, node: gast.Call) -> bool:
    """``sum(e for ...)``, ``sum([e for ...], start)``: the builtin over a comprehension
    (Python 3.12 sums floats with a compensation a running total would not have: there
    the terms stay a list)."""
    return sys.version_info < (3, 12) and norm.resolve(node.func) is sum and \
        1 <= len(node.args) <= 2 and not node.keywords and \
        isinstance(node.args[0], (gast.GeneratorExp, gast.ListComp))


def _joined(norm: Normalizer, node: gast.Call) -> bool:
    """``sum(rows, [])``, ``sum(pairs, ())``: the builtin joining lists (or tuples), from a
    list or tuple written in the call: a running total of ``+`` too, whose adjoint is the
    lists' own (no rule of ``sum`` spreads a list's adjoint into lists)."""
    return norm.resolve(node.func) is sum and len(node.args) == 2 and not node.keywords and \
        isinstance(node.args[1], (gast.List, gast.Tuple))


def _as_terms(node: gast.Call) -> gast.Call:
    """``sum(xs, start)`` as ``sum((part for part in xs), start)`` (a comprehension as
    it is)."""
    if isinstance(node.args[0], (gast.GeneratorExp, gast.ListComp)):
        return node
    part = gast.Name(id="part", ctx=gast.Store(), annotation=None, type_comment=None)
    terms = gast.GeneratorExp(elt=load("part"), generators=[gast.comprehension(
        target=part, iter=node.args[0], ifs=[], is_async=0)])
    return gast.copy_location(gast.Call(func=node.func, args=[terms, node.args[1]],
                                        keywords=[]), node)


def _partial_call(norm: Normalizer, node: gast.Call, fn: Any) -> gast.Call | None:
    """``g(x)`` with ``g = functools.partial(f, 2, axis=1)`` (constants bound): the call
    ``f(2, x, axis=1)``."""
    if not isinstance(fn, functools.partial) or registry.lookup_vjp(fn) is not None or \
            not all(constant(v) for v in (*fn.args, *fn.keywords.values())):
        return None
    alias = norm.namer.fresh(getattr(fn.func, "__name__", "partial"))
    norm.callables[alias] = fn.func
    norm.namespace[alias] = fn.func
    args = [const(v) for v in fn.args] + list(node.args)
    given = {k.arg for k in node.keywords}
    keywords = [gast.keyword(arg=k, value=const(v)) for k, v in fn.keywords.items()
                if k not in given] + list(node.keywords)
    return gast.copy_location(gast.Call(func=load(alias), args=args, keywords=keywords), node)


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

