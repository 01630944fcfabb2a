"""Recursive functions: each recursive call a primitive whose rules differentiate the
function again at run time (``s2sad.vjp`` / ``s2sad.jvp`` of it, made once and cached), so
a recursion of any depth, chosen by the data, is differentiated as Python runs it.

The call itself runs the user's function as written (its value); the reverse rule runs
the function's derivative for that call's arguments, which meets the recursive call
again one level down: the work is that of the function once more per level (the
adjoint of level k re-runs the levels below k forward).  Forward mode pushes the
tangents through ``s2sad.jvp`` of the function in the same way; a second derivative
(forward over reverse) through the JVP of the function's adjoint, as a checkpointed
loop's (:mod:`s2sad.compiler.checkpoint_rules`).
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.rules import registry

_CALLS: dict[Callable, Callable] = {}  # a recursive function -> the primitive calling it


def recursive_call(fn: Callable) -> Callable:
    """The primitive a recursive call of ``fn`` becomes: ``fn`` called as it is, with
    rules of its own (``fn`` itself keeps none: its own derivative inlines its body)."""
    call = _CALLS.get(fn)
    if call is None:
        def call(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)
        call.__name__ = call.__qualname__ = getattr(fn, "__name__", "f")
        call.s2sad_rules = (reverse_rule(fn), forward_rule(fn),  # type: ignore[attr-defined]
                            second_order_rule(fn))
        _CALLS[fn] = call
    register(call)
    return call


def register(call: Callable) -> bool:
    """Put the rules of a recursive call's primitive (``call.s2sad_rules``) in the tables
    where they are not (again where the tables were reset); True if they were not."""
    if call in registry.VJPS:
        return False
    reverse, forward, second = call.s2sad_rules  # type: ignore[attr-defined]
    signature = registry.Signature((), {}, "args", 0)
    registry.VJPS[call] = registry.Rule(signature, user=reverse)
    registry.JVPS[call] = registry.Rule(signature, user=forward)
    registry.JVPS[reverse] = registry.Rule(signature, user=second)
    registry.VJPS[reverse] = registry.Rule(signature, user=reverse_over_reverse(reverse))
    return True


def reverse_rule(fn: Callable) -> Callable:
    """``rule(g, ans, *args)``: the cotangents of a recursive call's arguments."""
    @functools.cache
    def derivative(wrt: tuple) -> Callable:
        from s2sad.api import vjp
        return vjp(fn, wrt=wrt)

    def rule(g: Any, ans: Any, *args: Any, s2sad_active: tuple | None = None,
             **kwargs: Any) -> tuple:
        wrt = _positions(args, s2sad_active)
        out: list = [None] * len(args)
        if wrt:
            plain = not kwargs and not any(isinstance(args[i], (list, tuple, dict))
                                           for i in wrt)
            try:
                if plain:  # (the generated function, once chosen, called directly)
                    _, grads = _direct(derivative(wrt), args, g)
                    grads = grads if isinstance(grads, tuple) else (grads,)
                else:
                    _, grads = derivative(wrt)(*args, g, **kwargs)
            except RecursionError:
                raise _too_deep(fn) from None
            for i, d in zip(wrt, grads):
                out[i] = d
        return tuple(out)
    rule.s2sad_wants_active = True  # type: ignore[attr-defined]
    rule.s2sad_function = fn  # type: ignore[attr-defined]
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_vjp"
    return rule


def forward_rule(fn: Callable) -> Callable:
    """``rule(tangents, ans, *args)``: the tangent of a recursive call's value."""
    @functools.cache
    def derivative(wrt: tuple) -> Callable:
        from s2sad.api import jvp
        return jvp(fn, wrt=wrt)

    def rule(tangents: tuple, ans: Any, *args: Any, **kwargs: Any) -> Any:
        wrt = tuple(i for i, t in enumerate(tangents) if t is not None)
        if not wrt:
            return None
        try:
            return derivative(wrt)(*args, *[tangents[i] for i in wrt], **kwargs)[1]
        except RecursionError:
            raise _too_deep(fn) from None
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_jvp"
    return rule


_DIRECT: dict = {}  # (derivative, argument types and shapes) -> (function, seed name)


def _direct(derivative: Any, args: tuple, g: Any) -> tuple:
    """``derivative(*args, g)``: through the API the first time for these argument
    types and shapes (its choices, fallbacks and checks), then the generated function it
    chose, called directly (asked for after the call: the recursion calls the same
    derivative inside it, for other arguments)."""
    key = (id(derivative), tuple(map(type, args)),
           tuple(a.shape for a in args if type(a) is np.ndarray))
    found = _DIRECT.get(key)
    if found is None or found[0] is not derivative:
        out = derivative(*args, g)
        gen = derivative._for(args)
        from s2sad.derivative_calls import _seed_name
        if len(_DIRECT) > 256:
            _DIRECT.clear()
        _DIRECT[key] = (derivative, gen.fn, _seed_name(gen))
        return out
    fn, seed = found[1], found[2]
    fn.s2sad_refresh()  # the user's globals as they are now
    return fn(*args, **{seed: g})


def second_order_rule(fn: Callable) -> Callable:
    """The reverse rule's forward rule: the JVP of ``fn``'s adjoint (a Hessian)."""
    from s2sad.compiler.checkpoint_rules import _adjoint_function
    from s2sad.runtime import checkpoint as rt

    @functools.cache
    def adjoint_jvp(positions: tuple) -> Callable:
        from s2sad.api import jvp
        n = len(inspect.signature(fn).parameters)
        return jvp(_adjoint_function(fn, positions), wrt=(*positions, n))

    def rule(tangents: tuple, out: Any, g: Any, ans: Any, *args: Any,
             s2sad_active: tuple | None = None) -> tuple:
        positions = _positions(args, s2sad_active)
        result: list = [None] * len(args)
        if not positions:
            return tuple(result)
        t_args = [rt._zero_if_none(tangents[2 + p], args[p]) for p in positions]
        t_g = rt._zero_if_none(tangents[0], g)
        _, t_grads = adjoint_jvp(positions)(*args, g, *t_args, t_g)
        for p, t in zip(positions, t_grads if len(positions) > 1 else (t_grads,)):
            result[p] = t
        return tuple(result)
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_vjp_jvp"
    return rule


def reverse_over_reverse(reverse: Callable) -> Callable:
    """The reverse rule's reverse rule (a gradient taken inside a function differentiated
    in reverse mode again): the VJP of ``fn``'s adjoint as a function of the arguments
    and the value's cotangent (``reverse.s2sad_function``: ``fn``).  The taped object it
    is also passed only holds ``fn``'s value for those arguments: no cotangent."""
    from s2sad.compiler.checkpoint_rules import _adjoint_function
    fn = reverse.s2sad_function  # type: ignore[attr-defined]

    @functools.cache
    def adjoint_vjp(positions: tuple) -> Callable:
        from s2sad.api import vjp
        n = len(inspect.signature(fn).parameters)
        return vjp(_adjoint_function(fn, positions), wrt=(*positions, n))

    def rule(gg: Any, out: Any, g: Any, ans: Any, *args: Any, **kwargs: Any) -> tuple:
        positions = _positions(args, None)
        result: list = [None] * (2 + len(args))
        if not positions:
            return tuple(result)
        read = [gg[p] if isinstance(gg, (tuple, list)) else None for p in positions]
        cot = [_zero_unless_given(c, args[p]) for c, p in zip(read, positions)]
        _, grads = adjoint_vjp(positions)(*args, g, tuple(cot) if len(cot) > 1 else cot[0])
        result[0] = grads[-1]
        for p, d in zip(positions, grads[:-1]):
            result[2 + p] = d
        return tuple(result)
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_vjp_vjp"
    return rule


def _zero_unless_given(c: Any, arg: Any) -> Any:
    """The cotangent of a cotangent: zeros like the argument for none (None, or the
    number 0.0 standing for the zero adjoint of an array)."""
    from s2sad.runtime.core import zeros_like
    if c is None or np.ndim(c) == 0 < np.ndim(arg) and c == 0:
        return zeros_like(arg)
    return c


def _positions(args: tuple, active: tuple | None) -> tuple:
    """The arguments whose cotangents the caller reads (all differentiable ones when it
    does not say)."""
    active = active or tuple(True for _ in args)
    return tuple(i for i, (a, on) in enumerate(zip(args, active)) if on and _differentiable(a))


def _too_deep(fn: Callable) -> Exception:
    from s2sad.call_checks import defined_at
    from s2sad.errors import DifferentiationError
    return DifferentiationError(
        f"{defined_at(fn)}: recursion of {getattr(fn, '__name__', 'f')}(): its derivative takes "
        f"several Python frames per level (two taped, about eight untaped), more than "
        f"sys.getrecursionlimit() allows "
        f"here; raise the limit (sys.setrecursionlimit) or write the recursion as a loop")


def _differentiable(a: Any) -> bool:
    """A float, complex number or array of them (NumPy's or another library's), or a
    container holding one."""
    if isinstance(a, (bool, int, np.integer, np.bool_)) or a is None:
        return False
    if isinstance(a, (float, complex, np.inexact)):
        return True
    if isinstance(a, np.ndarray):
        return a.dtype.kind in "fc"
    from s2sad.runtime.backend import _compat, is_foreign_array
    if is_foreign_array(a):  # a torch, JAX, Dask, ... array: by its dtype (was taken for
        # a constant, and the recursive calls' cotangents dropped)
        xp = _compat().array_namespace(a)
        return bool(xp.isdtype(a.dtype, ("real floating", "complex floating")))
    if isinstance(a, (list, tuple)):
        return any(_differentiable(v) for v in a)
    if isinstance(a, dict):
        return any(_differentiable(v) for v in a.values())
    return False
