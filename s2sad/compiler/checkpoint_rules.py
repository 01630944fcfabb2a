"""The rules of a checkpointed loop's primitive (made by :mod:`checkpoint`).

Reverse: :func:`s2sad.runtime.checkpoint.reverse` drives the schedule, calling the
generated VJP of the loop function (or of the one-trip step function) per segment.
Forward: the JVP of the whole loop. Second order (the reverse rule's forward rule):
the JVP of the loop's store-all VJP over its whole range.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.rules import registry
from s2sad.runtime import checkpoint as rt


def refresh(primitive: Callable) -> None:
    """Read again the user's globals the loop reads (one rebound since the transform)."""
    for fn in (primitive.s2sad_loop, primitive.s2sad_step):  # type: ignore[attr-defined]
        if fn is not None and hasattr(fn, "s2sad_refresh"):
            fn.s2sad_refresh()


def register(primitive: Callable, schedule: tuple, nc: int) -> None:
    from s2sad import api

    loop, step = primitive.s2sad_loop, primitive.s2sad_step  # type: ignore[attr-defined]

    @functools.cache
    def vjp_for(positions: tuple, one_trip: bool) -> Callable:
        if one_trip:  # the step function: (t, *carried, *params)
            return api.vjp(step, wrt=tuple(p - 2 for p in positions))
        return api.vjp(loop, wrt=positions)

    def vjp_of(args: tuple, active: tuple | None = None) -> Callable:
        positions = _differentiable(args, nc, active)
        one_trip = step is not None and rt.trips(*args[:3]) == 1
        inner = vjp_for(positions, one_trip)

        def call(*full: Any) -> tuple:
            value, grads = _direct(inner, (full[0], *full[3:]) if one_trip else full)
            grads = grads if isinstance(grads, tuple) else (grads,)
            out: list = [None] * (len(full) - 4)
            for p, gr in zip(positions, grads):
                out[p - 3] = gr
            return value, out
        return call

    def reverse(g: Any, ans: Any, *args: Any, s2sad_active: tuple | None = None) -> tuple:
        refresh(primitive)
        return rt.reverse(loop, functools.partial(_with_active, vjp_of, s2sad_active),
                          schedule, nc, g, ans[-1], args[3:])

    def forward(tangents: Any, ans: Any, *args: Any) -> Any:
        refresh(primitive)
        positions = _differentiable(args, nc)
        given = [tangents[p] if tangents[p] is not None else np.zeros_like(args[p])
                 for p in positions]
        _, out = api.jvp(loop, wrt=positions)(*args, *given)
        return (*(out if nc > 1 else (out,)), 0.0)

    reverse.s2sad_wants_active = True  # type: ignore[attr-defined]
    reverse.__name__ = f"vjp_{primitive.__name__}"
    forward.__name__ = f"jvp_{primitive.__name__}"
    signature = registry.Signature((), {}, "args", 0)
    second = _second_order(primitive, nc)
    for rule in (reverse, forward, second):  # made by s2sad, not by the user
        rule.s2sad_internal = True  # type: ignore[union-attr]
    registry.VJPS[primitive] = registry.Rule(signature, user=reverse)
    registry.JVPS[primitive] = registry.Rule(signature, user=forward)
    registry.JVPS[reverse] = registry.Rule(signature, user=second)


def _differentiable(args: tuple, nc: int, active: tuple | None = None) -> tuple:
    """The positions of the carried values (their cotangents pass from segment to
    segment) and of the parameters whose cotangents the caller reads."""
    return tuple(3 + k for k, v in enumerate(args[3:]) if _is_float(v) and (
        k < nc or active is None or active[3 + k]))


def _second_order(primitive: Callable, nc: int) -> Callable:
    """The reverse rule's forward-mode rule: the JVP of the loop's store-all VJP over
    its whole range (second derivatives store every trip)."""
    from s2sad import api

    loop = primitive.s2sad_loop  # type: ignore[attr-defined]

    @functools.cache
    def adjoint_jvp(positions: tuple) -> Callable:
        return api.jvp(_adjoint_function(loop, positions), wrt=(*positions,
                                                                 len(args_of(loop))))

    def rule(tangents: tuple, out: Any, g: Any, ans: Any, *args: Any,
             s2sad_active: tuple | None = None) -> tuple:
        refresh(primitive)
        positions = _differentiable(args, nc, s2sad_active)
        cot = [rt._zero_if_none(c, v) for c, v in zip(list(g)[:nc], args[3:3 + nc])]
        t_g = [None] * nc if tangents[0] is None else list(tangents[0])[:nc]
        t_cot = [rt._zero_if_none(t, c) for t, c in zip(t_g, cot)]
        t_args = [rt._zero_if_none(tangents[2 + p], args[p]) for p in positions]
        pack = (lambda v: v[0]) if nc == 1 else tuple
        _, t_grads = adjoint_jvp(positions)(*args, pack(cot), *t_args, pack(t_cot))
        result: list = [None] * len(args)
        for p, t in zip(positions, t_grads if len(positions) > 1 else (t_grads,)):
            result[p] = t
        return tuple(result)

    rule.__name__ = f"jvp_vjp_{primitive.__name__}"
    return rule


_DIRECT: dict = {}


def _direct(vjp: Any, full: tuple) -> tuple:
    """``vjp(*full)``, calling the generated function it chose for these argument kinds
    directly once it has: a loop's reverse sweep calls it once per trip."""
    *args, cot = full
    key = (id(vjp), tuple(map(type, args)),
           tuple(a.shape for a in args if type(a) is np.ndarray))
    found = _DIRECT.get(key)
    if found is None or found[0] is not vjp:
        out = vjp(*full)
        if len(_DIRECT) > 256:
            _DIRECT.clear()
        _DIRECT[key] = (vjp, vjp._last.fn, _seed(vjp._last))
        return out
    fn, seed = found[1], found[2]
    fn.s2sad_refresh()  # the user's globals as they are now
    return fn(*args, **{seed: cot})


def _seed(gen: Any) -> str:
    from s2sad.derivative_calls import _seed_name
    return _seed_name(gen)


def args_of(loop: Callable) -> list[str]:
    code = loop.__code__
    return list(code.co_varnames[:code.co_argcount])


def _adjoint_function(loop: Callable, positions: tuple) -> Callable:
    """``loop``'s cotangents over its whole range as a function of its arguments and the
    outputs' cotangent (differentiated in forward mode for second derivatives: those
    store every trip)."""
    from s2sad import api
    from s2sad.compiler import loader

    names = args_of(loop)
    head = ", ".join([*names, "s2sad_cot"])
    name = f"{loop.__name__}_adjoint"
    # a global of its own per function and positions: functions of one module share it
    vjp = f"s2sad_vjp_{loop.__name__}_{id(loop):x}_{'_'.join(map(str, positions))}"
    text = f"def {name}({head}):\n    return {vjp}({head})[1]\n"
    namespace = loop.__globals__  # the loop's: the user's globals, read again per call
    namespace[vjp] = api.vjp(loop, wrt=positions if len(positions) > 1 else positions[0])
    return loader.load(text, name, namespace)


def _with_active(vjp_of: Callable, active: tuple | None, args: tuple) -> Callable:
    return vjp_of(args, active)


def _is_float(v: Any) -> bool:
    if isinstance(v, (float, np.floating, complex)):
        return True
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "fc"
    if isinstance(v, (list, tuple)):
        return bool(v) and all(_is_float(x) for x in v)
    return False
