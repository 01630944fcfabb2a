"""What the pipeline reads when it is given something other than a plain function:
a bound method or ``functools.partial`` (its function, the arguments it fixes), and a
derivative differentiated again (the gradient part of a grad; a vjp, jvp or
value_and_grad called as the user calls it), each a small function with source.
"""
from __future__ import annotations

import functools
import inspect
import itertools
import linecache
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from s2sad import library
from s2sad.call_kinds import foreign_array
from s2sad.errors import DifferentiationError
from s2sad.fallback import guarded_of
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.api import Derivative

_counter = itertools.count(1)


def define(name: str, text: str, namespace: dict) -> Callable:
    """A small function of our own, with its source registered for the pipeline."""
    filename = f"<s2sad {name} #{next(_counter)}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), namespace)  # (our own source)
    out = namespace[name]
    out.__module__ = "s2sad_generated"
    return out


def called_method(fn: Any) -> Any:
    """An object of the user's class that is called (a model with ``__call__``, as JAX
    and autograd take it) as its bound ``__call__``; anything else as it is."""
    from s2sad.compiler.user_code import is_user_object
    call = inspect.getattr_static(type(fn), "__call__", None) if is_user_object(fn) else None
    return fn.__call__ if inspect.isfunction(call) else fn


def unbind(fn: Any) -> tuple[Callable, tuple, dict] | None:
    """A bound method or ``functools.partial`` of a Python function as (function,
    leading arguments, fixed keywords); None for anything else."""
    fn = called_method(fn)
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        return fn.__func__, (fn.__self__,), {}
    if isinstance(fn, functools.partial):
        inner = unbind(fn.func) or (fn.func, (), {})
        if inspect.isfunction(inner[0]):
            return inner[0], (*inner[1], *fn.args), {**inner[2], **fn.keywords}
    return None


def after(n: int, wrt: Any) -> Any:
    """``wrt`` counted after ``n`` leading arguments (negative positions and names need
    no change)."""
    def shift(w: Any) -> Any:
        return w + n if isinstance(w, int) and not isinstance(w, bool) and w >= 0 else w
    return tuple(map(shift, wrt)) if isinstance(wrt, (tuple, list)) else shift(wrt)


def parameters_of(fn: Callable) -> Callable:
    """A callable with ``fn``'s parameters (to resolve ``wrt``): a grad has its
    function's, without building a derivative for them."""
    from s2sad.api import Derivative
    if isinstance(fn, Derivative) and fn.kind == "grad" and not fn.nested:
        return fn.fn
    return differentiable(fn)


def differentiable(fn: Callable, args: tuple | None = None, count: int | None = None
                   ) -> Callable:
    """A Derivative seen as a function with source: the gradient part of a grad, and a
    vjp, jvp or value_and_grad called as the user calls it (cotangent or tangents last).
    ``args``: the arguments it will be called with (a grad is then the variant for their
    kinds and ranks, as a call would run it); ``count``: how many positional values the
    call passes (a vjp or jvp then takes its cotangent or tangents after them)."""
    from s2sad.api import Derivative
    if isinstance(fn, Derivative) and fn.kind in ("vjp", "jvp", "value_and_grad") and \
            not fn.has_aux:
        return _called_as_the_user_calls(fn, count if count is not None or args is None
                                          else len(args))
    if not isinstance(fn, Derivative) or fn.kind != "grad":
        if isinstance(fn, Derivative):
            raise DifferentiationError(
                f"<s2sad>:?: {fn!r}: a derivative with has_aux cannot be differentiated "
                "again; differentiate one without aux")
        has_rule = registry.lookup_vjp(fn) is not None or registry.lookup_jvp(fn) is not None
        return library.signature_call(fn) if has_rule and inspect.isfunction(fn) else fn
    seeded = _seeded_vjp(fn, args)
    if seeded is not None and args is not None:  # (an output that is an array of one
        values = fn._values(args, {})  # number: the vjp seeded with ones of its shape)
        return _gradient_of(fn, guarded_of(seeded._for(values)), seeded._seed)
    inner = fn._for(fn._values(args, {})) if args is not None and not fn.nested and \
        foreign_array(args) is None else fn.generated(frozenset(fn.wrt))  # (dicts, lists)
    inner = guarded_of(inner)  # (differentiated again: its guards keep the zeros)
    made = getattr(inner.fn, "s2sad_gradient_of", None)  # (a Hessian per Newton step:
    if made is not None and made.s2sad_origin is fn._origin:  # one wrapper, so the
        return made  # JVPs of it are made once, not at every call)
    wrapper = _gradient_of(fn, inner)  # (the data of the modules it reads too)
    try:
        inner.fn.s2sad_gradient_of = wrapper  # type: ignore[attr-defined]
    except AttributeError:
        pass
    return wrapper


def gradient_for_kinds(fn: Derivative, scalars: frozenset, ranks: tuple) -> Callable | None:
    """The gradient part of the grad ``fn`` made for arguments of these kinds (numbers at
    ``scalars``, arrays of the shape classes ``ranks``), as :func:`differentiable` makes
    it for the values of a call (its refusal for them raised)."""
    return _gradient_of(fn, guarded_of(fn.generated(frozenset(), scalars, ranks=ranks)))


def _seeded_vjp(fn: Derivative, args: tuple | None) -> Any:
    """The vjp seeded with ones that stands for the grad ``fn`` on ``args`` whose output
    is an array holding one number (``x.T @ A @ x`` of a column), else None."""
    if args is None or fn.nested or fn._prefix or fn._fixed or fn.has_aux or \
            foreign_array(args) is not None:
        return None
    values = fn._values(args, {})
    if fn._number_output(values):
        return None
    code = getattr(fn.fn, "__code__", None)
    if code is None or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return None
    npos = code.co_argcount  # (the values of keyword-only parameters follow: by name)
    named = dict(zip(code.co_varnames[npos:npos + code.co_kwonlyargcount], values[npos:]))
    output = fn.fn(*values[:npos], **named)
    if not hasattr(output, "shape") or output.ndim == 0 or output.size != 1:
        return None
    return fn._by_seed(values, output)


def _gradient_of(fn: Derivative, inner: Any, seed_value: Any = None) -> Callable:
    """``def gradient_of_f(x): return grad_f(x)``: the gradient part of ``inner``, the
    generated grad of ``fn``, as a function with source; ``seed_value``: ``inner`` is
    the vjp that stands for it, seeded with this (ones of the output's shape)."""
    name = "gradient_of_" + "".join(c if c.isalnum() else "_" for c in fn.fn.__name__).strip("_")
    code = inner.fn.__code__
    params = ", ".join(code.co_varnames[: code.co_argcount])
    seeded = fn.nested or seed_value is not None
    keywords = _keywords(inner.fn, code.co_kwonlyargcount - (1 if seeded else 0))
    passed = params + "".join(f", {k}={k}" for k in keywords)
    call = f"{inner.name}({passed})"  # the lean grad returns the gradient alone
    namespace = {inner.name: inner.fn}
    if seeded:  # a forward inner derivative's one tangent, or a vjp's cotangent
        seed = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - 1]
        if seed_value is not None:
            namespace["output_seed"] = seed_value
        given = "1.0" if seed_value is None else "output_seed"
        call = f"{inner.name}({passed}, {seed}={given})[1]"
    wrapper = define(name, f"def {name}({_signature(params, keywords, inner.fn, namespace)}):"
                           f"\n    return {call}\n", namespace)
    wrapper.s2sad_origin = fn._origin  # type: ignore[attr-defined]  # (named in refusals)
    wrapper.s2sad_inner = inner.fn  # type: ignore[attr-defined]  # (its global arrays)
    return wrapper


def made_or_deferred(fn: Any) -> tuple[Callable, DifferentiationError | None]:
    """``differentiable(fn)``, and None; of a grad whose gradient made for unknown kinds
    of arguments is refused (``y = a; y *= a`` would write into ``a`` were it an array),
    its function, standing in for the parameters, and the refusal: the gradient is made
    at each call for the arguments' kinds (:func:`for_kinds`), and the refusal raised
    where none is known (``.source`` before a call)."""
    from s2sad.api import Derivative
    try:
        return differentiable(fn), None
    except DifferentiationError as refused:
        if not isinstance(fn, Derivative) or fn.kind != "grad" or fn.nested:
            raise
        return fn.fn, refused


def for_kinds(fn: Any, values: tuple, made: dict) -> Callable:
    """``differentiable(fn, values)`` of a grad ``fn``, made once per kinds of ``values``
    (``made``: the caller's), so a derivative of it is generated once for them."""
    key = fn._kinds(values, None)[0]
    if key not in made:
        made[key] = differentiable(fn, values)
    return made[key]


def _keywords(fn: Callable, count: int) -> list[str]:
    """The first ``count`` keyword-only parameters of ``fn`` (the user's: ``*, z=3.0``),
    passed through by a function made around it (a Hessian's keywords reach ``f``)."""
    code = fn.__code__
    return list(code.co_varnames[code.co_argcount: code.co_argcount + max(count, 0)])


def _signature(params: str, keywords: list[str], fn: Callable, namespace: dict,
               positional_defaults: bool = True) -> str:
    """``x, y=2.0, *, z=3.0``: the parameters and keywords with ``fn``'s defaults (a
    Hessian's or a JVP's call may leave them out, as it may ``f``'s), a literal where
    one reads back as the value, else a name ``namespace`` gives it; the positional
    ones without (``positional_defaults=False``) where values follow them."""
    positional = params.split(", ") if params else []
    given = (fn.__defaults__ or ()) if positional_defaults else ()
    defaults = dict(zip(positional[len(positional) - len(given):], given))
    spelled = [_with_default(p, defaults, namespace) for p in positional]
    named = [_with_default(k, fn.__kwdefaults__ or {}, namespace) for k in keywords]
    return ", ".join(spelled + (["*", *named] if named else []))


def _with_default(k: str, defaults: dict, namespace: dict) -> str:
    """``k=2.0`` (or ``k=default_k``, read from ``namespace``), or ``k`` without one."""
    if k not in defaults:
        return k
    if type(defaults[k]) in (int, float, bool, str, type(None)) and \
            defaults[k] == defaults[k] and defaults[k] not in (math.inf, -math.inf):
        return f"{k}={defaults[k]!r}"
    namespace[f"default_{k}"] = defaults[k]
    return f"{k}=default_{k}"


def _called_as_the_user_calls(fn: Derivative, count: int | None = None) -> Callable:
    """``def vjp_of_f(x, dout): return vjp_f(x, dout=dout)``: the extra values a vjp or
    jvp takes as keywords become positional parameters, so it can be differentiated.
    They follow the arguments the call passes (``count`` values in all): ``f(x,
    scale=2.0)``'s ``jvp(f)(x, v)`` is ``def jvp_of_f(x, dx)``, ``scale`` left at its
    default (was ``def jvp_of_f(x, scale, dx=2.0)``, the defaults shifted onto the
    tangents: ``scale`` got the tangent, a silently wrong derivative)."""
    inner = fn.generated(frozenset(fn.wrt))  # (its arguments may be dicts or lists)
    code = inner.fn.__code__
    params = list(code.co_varnames[: code.co_argcount])
    kwonly = list(code.co_varnames[code.co_argcount: code.co_argcount +
                                   code.co_kwonlyargcount])
    added = 0 if fn.kind == "value_and_grad" else 1 if fn.kind == "vjp" else len(fn.wrt)
    extra = kwonly[len(kwonly) - added:]  # (the cotangent or the tangents: positional)
    keywords = kwonly[:len(kwonly) - added]  # (the user's own: ``*, z=3.0``, a closure's)
    if count is not None:  # (the parameters after those passed keep their defaults)
        params = params[:max(count - added, 0)]
    name = f"{fn.kind}_of_" + "".join(c if c.isalnum() else "_"
                                      for c in fn.fn.__name__).strip("_")
    passed = ", ".join(params + [f"{e}={e}" for e in extra + keywords])
    namespace = {inner.name: inner.fn}
    head = _signature(", ".join(params + extra), keywords, inner.fn, namespace,
                      positional_defaults=not extra)
    wrapper = define(name, f"def {name}({head}):\n    return {inner.name}({passed})\n",
                     namespace)
    wrapper.s2sad_origin = fn._origin  # type: ignore[attr-defined]  # (named in refusals)
    wrapper.s2sad_inner = inner.fn  # type: ignore[attr-defined]  # (its global arrays)
    return wrapper
