"""Part of stage 3b (calls): derivatives called inside the function (``dg(x)`` of
``dg = s2sad.grad(g)``, ``s2sad.grad(g)(x)`` written out), found here and inlined by
:mod:`calls` as the generated gradient.

A derivative of a function made inside the function that reads its variables
(``inner = lambda y: x * y``, then ``s2sad.grad(inner)(2.0)``) is of the closure lifted:
a module-level function of the same body taking the variables it reads as keyword-only
parameters (``def inner_closed(y, *, x): return x * y``, :mod:`closures`), its derivative
made with the same ``wrt``, and each call of that derivative passed the variables'
values at the call (a Python closure reads them when it is called).  What the outer derivative then
differentiates is the generated gradient, with ``x`` an argument like any other."""
from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import closures
from s2sad.compiler.local_functions import def_of_lambda
from s2sad.errors import DifferentiationError

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def lifted_keywords(norm: Normalizer, derivative: Any) -> list[gast.keyword]:
    """The variables a lifted closure reads, as the caller holds them now: the keywords
    a call of its derivative passes (:func:`closures.free_values`)."""
    return closures.free_values(norm, derivative)


def derivative_called(norm: Normalizer, func: gast.expr, node: gast.Call) -> Any:
    """The function (with source) of a derivative called in the function: a global
    ``dg = s2sad.grad(g)`` (or a vjp, jvp, value_and_grad), a local one, or
    ``s2sad.grad(g)(x)`` written out; a derivative of a function of ``*args`` (made
    per call) is the one for this call's number of arguments."""
    from s2sad import api, library
    from s2sad.differentiable import differentiable
    found = norm.resolve(func) if isinstance(func, (gast.Name, gast.Attribute)) else None
    if isinstance(func, gast.Call):
        stacked = jacobian_written(norm, func, len(node.args)) if not node.keywords and \
            not any(isinstance(a, gast.Starred) for a in node.args) else None
        if stacked is not None:
            return stacked
        found = derivative_written(norm, func)
    if isinstance(found, library.CallOf) and not any(  # (s2sad.grad(np.sin)(x) too)
            isinstance(a, gast.Starred) for a in node.args):
        found = found.derivative_for(len(node.args), sorted(k.arg for k in node.keywords
                                                            if k.arg is not None))
    if not isinstance(found, api.Derivative) or found.has_aux or \
            found.many and len(found.wrt) == 1:  # (the API wraps that one in a tuple)
        return None
    count = None if any(isinstance(a, gast.Starred) for a in node.args) else len(node.args)
    try:  # (for the kinds it is passed, as a call of it is: made for unknown kinds,
        # b = x.copy(); t = b[:] took t for a list's copy, which a write into b leaves)
        made: Any = _for_known_kinds(norm, found, node)
        if made is None:
            made = differentiable(found, count=count)
    except DifferentiationError as refusal:  # (the inner function's own refusal, placed
        if str(refusal).startswith("<"):  # at its line, says more than "not known"; not
            return None  # of a function without a file: the call's line is named then)
        raise
    if hasattr(found, "s2sad_lifted"):  # (of a closure: called with its variables too)
        made.s2sad_lifted = found.s2sad_lifted
    return made


def _for_known_kinds(norm: Normalizer, found: Any, node: gast.Call) -> Any:
    """The gradient of a grad (refused for arguments of unknown kinds: ``m = x.copy();
    m[i] = ...`` writes into ``x``'s items were ``x`` a list) made for the kinds of the
    call's arguments the enclosing derivative knows (an array of its shape class, a list,
    tuple or dict of arrays and numbers of its class, or a number: its parameters passed
    straight on; the others stay of unknown kinds); None where none is known, its
    refusal for them raised."""
    from s2sad.differentiable import gradient_for_kinds
    if found.kind != "grad" or found.nested or node.keywords or \
            any(isinstance(a, gast.Starred) for a in node.args):
        return None
    names = [a.id if isinstance(a, gast.Name) else "" for a in node.args]
    classes = {**norm.held, **norm.shapes}
    if not any(n in classes or n in norm.numbers for n in names if n):
        return None
    return gradient_for_kinds(found, frozenset(k for k, n in enumerate(names)
                                               if n in norm.numbers),
                              tuple((k, classes[n]) for k, n in enumerate(names)
                                    if n in classes))


def derivative_made(norm: Normalizer, value: gast.expr) -> Any:
    """``s2sad.grad(g)`` (``value_and_grad``, of a derivative too) on the right of an
    assignment: the Derivative it makes."""
    return derivative_written(norm, value) if isinstance(value, gast.Call) else None


def derivative_written(norm: Normalizer, node: gast.expr) -> Any:
    """``s2sad.grad(g)``, ``value_and_grad``, ``vjp`` or ``jvp`` written out (of a function,
    or of such a derivative written out: ``s2sad.grad(s2sad.grad(g))``): the Derivative,
    or None."""
    from s2sad import api
    if isinstance(node, (gast.Name, gast.Attribute)):
        return norm.resolve(node)
    make = norm.resolve(node.func) if isinstance(node, gast.Call) and isinstance(
        node.func, (gast.Name, gast.Attribute)) else None
    if make not in (api.grad, api.value_and_grad, api.vjp, api.jvp) or not node.args or \
            any(isinstance(a, gast.Starred) for a in node.args):
        return None
    try:  # (wrt=1, argnums=(0, 1), grad(f, 1): read when the derivative is made)
        options = {k.arg: option_value(norm, k.value) for k in node.keywords}
        given = [option_value(norm, a) for a in node.args[1:]]
        options.update(inspect.signature(make).bind_partial(None, *given).arguments)
    except (ValueError, TypeError, SyntaxError):
        return None
    options.pop("f", None)
    written = node.args[0]  # (a lambda written there: a local def, lifted if need be)
    target = derivative_written(norm, def_of_lambda(norm, written) if isinstance(
        written, gast.Lambda) else written)
    lift = closures.lifted(target) if getattr(target, "s2sad_nested", False) else None
    try:
        made = make(lift or target, **options) \
            if callable(target) and None not in options else None
    except (TypeError, DifferentiationError):
        return None
    if lift is not None and made is not None:
        made.s2sad_lifted = lift.s2sad_lifted  # (its variables: keywords at each call)
    return made


def option_value(norm: Normalizer, e: gast.expr) -> Any:
    """An option of a derivative made inside (``wrt``, ``mode``): a literal, or a name of
    the enclosing function's (a closure's variable) or of a global holding an int, a str
    or a tuple of those (``grad(f, wrt=i)`` in a loop over ``i``, autograd's check of
    each argument), noted so that each call checks it holds the same value (the
    derivative is made again for another).  ValueError otherwise (not read)."""
    try:
        return ast.literal_eval(gast.gast_to_ast(e))
    except (ValueError, TypeError, SyntaxError):
        pass
    if isinstance(e, gast.Name) and e.id not in norm.locals:
        from s2sad.compiler import resolved
        value, path = norm._resolved(e)
        if _option_like(value) and resolved.note_value(norm.namespace, path, value):
            return value
    raise ValueError("not a constant option")


def _option_like(v: Any) -> bool:
    if type(v) is tuple:
        return bool(v) and all(_option_like(x) for x in v)
    return type(v) in (int, str)


_STACKED = """def {name}(x{rest}):
    columns = []
    for k in range(np.size(x)):
        e = np.zeros(np.size(x))
        e[k] = 1.0
        columns.append(pushed(x{rest}, np.reshape(e, np.shape(x)))[1])
    return np.reshape(np.moveaxis(np.array(columns), 0, -1), np.shape(columns[0]) + np.shape(x))
"""


def jacobian_written(norm: Normalizer, node: gast.Call, count: int = 1) -> Any:
    """``s2sad.jacobian(g)`` or ``s2sad.hessian(g)`` written out (of an array or number
    argument, ``wrt=0``), called with ``count`` positional arguments (the others passed
    through, as ``hessian(loss)(w, X, y)``): a function with source stacking the JVPs of
    ``g`` (of its gradient) along each coordinate, which the outer derivative
    differentiates; else None."""
    import numpy as np

    from s2sad import api, jacobians
    from s2sad.differentiable import define
    make = norm.resolve(node.func) if isinstance(node.func, (gast.Name, gast.Attribute)) \
        else None
    if make not in (jacobians.jacobian, jacobians.hessian) or len(node.args) != 1 or any(
            k.arg not in ("wrt", "mode") for k in node.keywords):
        return None
    try:
        options = {k.arg: option_value(norm, k.value) for k in node.keywords}
    except (ValueError, TypeError, SyntaxError):
        return None
    written = node.args[0]
    target = jacobian_written(norm, written, count) if isinstance(written, gast.Call) else None
    target = target or derivative_written(norm, def_of_lambda(norm, written) if isinstance(
        written, gast.Lambda) else written)  # (a Jacobian's Jacobian: of the stacked JVPs)
    if not callable(target) or options.get("wrt", 0) != 0 or \
            getattr(target, "s2sad_nested", False) and closures.lifted(target) is not None:
        return None
    pushed = api.jvp(api.grad(target) if make is jacobians.hessian else target)
    name = "jacobian_of_" + "".join(c if c.isalnum() else "_" for c in getattr(
        target, "__name__", "f")).strip("_")
    rest = "".join(f", a{k}" for k in range(1, count))
    return define(name, _STACKED.format(name=name, rest=rest), {"np": np, "pushed": pushed})
