"""Part of stage 3b (normalize), for :mod:`calls`: method calls.  ``x.sum(axis=0)`` becomes
the primitive the method means (through its closed form where a keyword needs one), a
method of the user's object held in a global or closure is inlined with the object as
``self``, a call on what a call of the user's returns inlines that call first, and the
methods and ``out=`` arguments that write into an existing array are refused (a ufunc
writing into a new one read as its value)."""
from __future__ import annotations

import copy
import inspect
import types
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad.compiler.class_methods import class_method_call, receiver_class
from s2sad.compiler.class_records import built_class
from s2sad.compiler.in_place_methods import out_written
from s2sad.compiler.inlining import inline
from s2sad.compiler.local_functions import as_values, call_arguments
from s2sad.compiler.names import const
from s2sad.compiler.user_code import is_user_function, is_user_object
from s2sad.compiler.walks import walk
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


IN_PLACE = {  # methods that change their array, and the value-returning form to use
    "sort": "x = np.sort(x)", "fill": "x = np.full_like(x, v)",
    "resize": "x = np.resize(x, shape)", "put": "x = x.copy(); x[indices] = values",
    "itemset": "x[i] = v", "partition": "x = np.partition(x, k)",
    "setfield": "a new array", "byteswap": "x = x.byteswap()",
}


def _receiver_first(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``v.plus(w).scaled(k)``: ``v.plus(w)`` inlined first (:func:`_inlined_receiver`);
    ``(p + q)(x)`` of records: ``p + q`` first, its ``__call__`` then known."""
    if isinstance(node.func, (gast.BinOp, gast.UnaryOp)) and _inlined_receiver(
            norm, gast.Attribute(value=node.func, attr="__call__", ctx=gast.Load())):
        return gast.copy_location(gast.Call(func=norm.atom(node.func), args=node.args,
                                            keywords=node.keywords), node)
    if not _inlined_receiver(norm, node.func):
        return node
    receiver = norm.atom(node.func.value)
    return gast.copy_location(gast.Call(func=gast.Attribute(
        value=receiver, attr=node.func.attr, ctx=gast.Load()), args=node.args,
        keywords=node.keywords), node)


def _inlined_receiver(norm: Normalizer, func: gast.expr) -> bool:
    """A method called on what a call of the user's returns (a method of a record, or a
    helper): that call is inlined first, so a record it returns is known as one; so is
    an operator on a record, ``(m @ m).trace()`` (its method, ``operator_methods``)."""
    if isinstance(func, gast.Attribute) and isinstance(func.value, (gast.BinOp, gast.UnaryOp)):
        return any(isinstance(n, gast.Name) and receiver_class(norm, n) is not None or
                   isinstance(n, gast.Call) and built_class(norm, n) is not None
                   for n in walk(func.value))
    if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Call)):
        return False
    inner = func.value.func
    if isinstance(inner, gast.Attribute) and isinstance(inner.value, gast.Name) and \
            receiver_class(norm, inner.value) is not None:
        return True
    return isinstance(inner, gast.Name) and is_user_function(norm.resolve(inner))


def _array_method(fn: Any, func: gast.Attribute) -> bool:
    """A method of an array the function reads from outside (``C.dot``, ``C.sum``) that
    stands for a primitive, bound to that array."""
    return isinstance(getattr(fn, "__self__", None), np.ndarray) and \
        func.attr in registry.METHODS


def _method_call(norm: Normalizer, node: gast.Call, func: gast.Attribute) -> gast.expr:
    """``x.sum(axis=0)``: the primitive the method means, called with ``x`` first (through
    its closed form where the call passes a keyword only that takes: ``x.max(initial=0)``);
    a method with no primitive called as it is."""
    base = norm.resolve(func.value) if isinstance(func.value, (gast.Name, gast.Attribute)) \
        else None
    if isinstance(base, types.ModuleType) and not hasattr(base, func.attr):
        raise norm.error(node, f"call of {base.__name__}.{func.attr}()",
                         f"module {base.__name__!r} has no attribute {func.attr!r} (Python "
                         f"raises AttributeError here too); check the name and the "
                         f"installed version")
    obj = norm.atom(func.value)
    args, kws = call_arguments(norm, node)
    fn = registry.METHODS.get(func.attr)
    if fn is None:
        return as_values(norm, gast.Call(func=gast.Attribute(
            value=obj, attr=func.attr, ctx=gast.Load()), args=args, keywords=kws))
    reference = _closed_form(fn, [obj] + args, kws, registry.lookup_vjp(fn) is not None or
                             registry.lookup_jvp(fn) is not None)
    if reference is not None:
        return inline(norm, reference, [obj] + args, kws, node)
    return as_values(norm, gast.Call(func=norm.ref(fn), args=[obj] + args, keywords=kws))


def _written_in_place(norm: Normalizer, node: gast.Call) -> gast.expr:
    """``x.sort()`` and the like, refused; ``out=``: of a ufunc writing into a new array
    (:func:`_masked_ufunc`) its value, else refused."""
    func = node.func
    if isinstance(func, gast.Attribute) and func.attr in IN_PLACE and \
            norm.resolve(func) is None:
        raise norm.error(node, f".{func.attr}() changes its array in place",
                         f"use the value-returning form, {IN_PLACE[func.attr]}, or build "
                         "a new array")
    masked = out_written(norm, node) or _masked_ufunc(norm, node)
    if masked is None:
        raise norm.error(node, "out= writes into an existing array",
                         "assign the result to a name instead")
    return masked


def _masked_ufunc(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``np.divide(a, b, out=np.zeros_like(a), where=b != 0)``: a ufunc writing into a new
    array (``out=`` a call), where ``where`` holds, as
    ``np.where(m, np.divide(np.where(m, a, 0.5), np.where(m, b, 0.5)), np.zeros_like(a))``:
    the ufunc's value where ``where`` holds and ``out``'s elsewhere, its derivative never
    taken at the values it skips (0.5 is inside the domain of the usual ones: a pole
    there would give NaN derivatives even where they are multiplied by 0).  None for
    any other call with ``out=``."""
    if not isinstance(norm.resolve(node.func), np.ufunc):
        return None
    given = {k.arg: k.value for k in node.keywords}
    out = given.pop("out")
    if not isinstance(out, gast.Call) or None in given or \
            any(isinstance(a, gast.Starred) for a in node.args):
        return None  # (an existing array written: refused)
    rest = [gast.keyword(arg=k, value=v) for k, v in given.items() if k != "where"]
    if "where" not in given:
        return norm.expr(gast.Call(func=node.func, args=list(node.args), keywords=rest))
    mask = norm.atom(given["where"])
    safe = [gast.Call(func=norm.ref(np.where), args=[copy.copy(mask), a, const(0.5)],
                      keywords=[]) for a in node.args]
    value = gast.Call(func=node.func, args=safe, keywords=rest)
    return norm.expr(gast.Call(func=norm.ref(np.where), args=[copy.copy(mask), value, out],
                               keywords=[]))


def _closed_form(fn: Any, args: list, kws: list, has_rule: bool) -> Any:
    """The closed form a call of ``fn`` is differentiated through: of a function with no
    rule, or of one whose rule lacks a keyword the call passes (``np.diff``'s
    ``prepend``), by name or by position (``np.sum(x, 0, None, None, False, 1.0, m)``
    passes ``initial`` and ``where``); else None."""
    given = {k.arg for k in kws if k.arg is not None} | _positional_names(fn, args)
    reference = registry.lookup_through(fn, given)
    if has_rule and reference is registry.lookup_through(fn):
        return None
    return reference


def _positional_names(fn: Any, args: list) -> set[str]:
    """The parameters ``args`` (the receiver first) fill by position, named as the closed
    form of ``fn`` for its keywords names them (it takes NumPy's positional order); all
    of them when one is starred (their number unknown)."""
    reference = registry.lookup_through(fn, registry.through_keywords(fn))
    if reference is None or len(args) < 2 and not any(
            isinstance(a, gast.Starred) for a in args):
        return set()
    names = [p.name for p in inspect.signature(reference).parameters.values()
             if p.kind is p.POSITIONAL_OR_KEYWORD]
    if any(isinstance(a, gast.Starred) for a in args):
        return set(names)
    return set(names[:len(args)])


def _object_call(norm: Normalizer, node: gast.Call, fn: Any) -> gast.expr | None:
    """``net.loss(x)``, ``net.layers[0](x)``, ``model(x)`` of a user's object held in a
    global or closure: its method inlined with the object as ``self``; else None."""
    of_class = class_method_call(norm, node, fn)  # (Shape.make(r) of a classmethod)
    if of_class is not None:
        return of_class
    func = node.func
    method = _method_of_object(fn if fn is not None else _constant_item(norm, func))
    if method is None or method is fn and not isinstance(func, gast.Attribute):
        return None
    receiver = norm.atom(func if method is not fn else func.value)
    args, kws = call_arguments(norm, node)
    return inline(norm, method.__func__, [receiver] + args, kws, node,
                  receiver=method.__self__)


def _method_of_object(fn: Any) -> Any:
    """``net.loss`` of a user's object held in a global or closure (or the object itself,
    called: its ``__call__``), without a rule: the bound method, inlined with the object
    as ``self``; else None."""
    method = fn.__call__ if is_user_object(fn) and callable(fn) else fn
    if not inspect.ismethod(method) or not is_user_function(method.__func__) or \
            not is_user_object(method.__self__):
        return None
    if any(registry.lookup_vjp(f) is not None or registry.lookup_jvp(f) is not None
           for f in (fn, method, method.__func__)):
        return None
    return method


def _constant_item(norm: Normalizer, node: gast.expr) -> Any:
    """``net.layers[0]``: an item, at a constant index, of a global's list or tuple."""
    if not isinstance(node, gast.Subscript) or not isinstance(node.slice, gast.Constant) or \
            type(node.slice.value) is not int:
        return None
    items = norm.resolve(node.value) if isinstance(node.value, (gast.Name, gast.Attribute)) \
        else _constant_item(norm, node.value)
    if type(items) not in (list, tuple) or not -len(items) <= node.slice.value < len(items):
        return None
    return items[node.slice.value]
