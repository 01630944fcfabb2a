"""Derivatives of a library callable given itself: ``s2sad.grad(np.sin)``,
``s2sad.jvp(np.einsum)``, ``s2sad.vjp(scipy.special.logsumexp)``.

Such a callable has a rule, not source, and its signature may hold ``*operands``
and defaults the rule reads.  Each call is differentiated as written: a small
function that makes exactly that call (so many positional arguments, these
keywords) is generated once per shape of call and differentiated like any other.
"""
from __future__ import annotations

import functools
import inspect
import re
from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules import registry


def has_rule(fn: Any) -> bool:
    """A callable with a rule of its own (a ufunc, a NumPy or SciPy function, a user's
    function registered with defvjp/defjvp)."""
    try:
        return registry.lookup_vjp(fn) is not None or registry.lookup_jvp(fn) is not None \
            or registry.lookup_through(fn) is not None or \
            isinstance(fn, np.ufunc) and registry.is_nondiff(fn)  # np.sign: flat
    except TypeError:
        return False


def is_library_callable(fn: Any) -> bool:
    """A callable with a rule that :func:`signature_call` cannot stand for: a ufunc, a
    builtin, a function of ``*args``."""
    from s2sad.api import Derivative
    if isinstance(fn, Derivative) or not callable(fn) or not has_rule(fn):
        return False
    if not inspect.isfunction(fn) or registry.lookup_through(fn) is not None:
        return True  # (a closed form stands for it: never its library source)
    return any(p.kind == p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values())


def has_varargs(fn: Any) -> bool:
    """A Python function of ``*args`` or ``**kwargs`` (or a ``functools.partial`` of one:
    ``partial(loss, reg=0.1)``): differentiated per shape of call, as a function of the
    arguments one call passes (its body inlined with them bound)."""
    inner = fn
    while isinstance(inner, functools.partial):
        inner = inner.func
    inner = inner.__func__ if inspect.ismethod(inner) and not isinstance(fn, functools.partial) \
        else inner  # (a bound method: its object passed first, CallOf)
    return inspect.isfunction(inner) and any(
        p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in inspect.signature(inner).parameters.values())


def called(fn: Any) -> Any:
    """The function a derivative of a call (of a derivative of a call ...) calls."""
    while isinstance(fn, CallOf):
        fn = fn.fn
    return fn


def signature_call(fn: Any) -> Any:
    """``def call_f(x, axis=None, *, keepdims=False): return primitive(x, axis, ...)``: a
    Python function with a rule, as a call of it with its own signature and defaults."""
    from s2sad.differentiable import define
    params, passed, namespace = [], [], {"primitive": fn}
    rule = registry.lookup_vjp(fn) or registry.lookup_jvp(fn)
    known = set(rule.sig.params) if rule is not None and rule.user is None else None
    star = False
    for p in inspect.signature(fn).parameters.values():
        if p.kind == p.VAR_KEYWORD or known is not None and p.name not in known and \
                p.default is not p.empty:
            continue  # (a keyword its rule does not know: left at its default)
        if p.kind == p.KEYWORD_ONLY and not star:
            params.append("*")
            star = True
        text = p.name
        if p.default is not p.empty:
            namespace[f"{p.name}_default"] = p.default
            text += f"={p.name}_default"
        params.append(text)
        passed.append(p.name if p.kind != p.KEYWORD_ONLY else f"{p.name}={p.name}")
    name = "call_" + "".join(c if c.isalnum() else "_" for c in fn.__name__).strip("_")
    return define(name, f"def {name}({', '.join(params)}):\n"
                         f"    return primitive({', '.join(passed)})\n", namespace)


class CallOf:
    """``grad``/``vjp``/``jvp``/``value_and_grad`` of a callable with a rule."""

    def __init__(self, fn: Any, wrt: Any, kind: str, verbose: bool = False) -> None:
        self.fn, self.wrt, self.kind, self.verbose = fn, wrt, kind, verbose
        self.__name__ = f"{kind}_{getattr(fn, '__name__', 'f')}"
        self._made: dict = {}
        self._last: Any = None
        self._receiver: tuple = ()  # (a method's object: passed first, not differentiated)
        if inspect.ismethod(fn) and inspect.isfunction(fn.__func__) and not has_rule(fn):
            from s2sad.differentiable import after  # (a rule's method, scipy.stats': bound)
            self.fn, self._receiver = fn.__func__, (fn.__self__,)
            self.wrt = after(1, wrt)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = (*self._receiver, *args)
        self._last = self.derivative_for(len(args), sorted(kwargs),
                                         self._literals(args[:len(args) - self.extra]))
        try:
            return self._last(*args, **kwargs)
        except DifferentiationError as error:
            placed = _at_the_function(error, self.fn)
            if placed is None:
                raise
            raise placed from error

    @property
    def extra(self) -> int:
        """How many values a call passes after the function's arguments."""
        return {"vjp": 1, "jvp": len(self.wrt) if isinstance(self.wrt, (tuple, list))
                else 1}.get(self.kind, 0)

    def derivative_for(self, count: int, keywords: list, literals: dict | None = None) -> Any:
        """The Derivative a call with ``count`` positional values runs (also when the call
        is inside a function being differentiated: a derivative of this derivative)."""
        n, literals = count - self.extra, literals or {}
        key = (n, tuple(keywords), repr(sorted(literals.items())))
        if key not in self._made:
            from s2sad.api import Derivative
            self._made[key] = Derivative(call_of(self.fn, n, list(keywords), literals),
                                         self.wrt, self.kind, self.verbose)
        return self._made[key]

    def _literals(self, args: tuple) -> dict:
        """Arguments not differentiated that are plain constants (subscripts, axes,
        ``einsum``'s sublists): written into the call, where the compiler reads them."""
        wrt = self.wrt if isinstance(self.wrt, (tuple, list)) else (self.wrt,)
        return {i: v for i, v in enumerate(args) if i not in wrt and _is_literal(v)}

    def as_function(self) -> Any:
        """The derivative of a call with one positional argument, as a Derivative (to be
        differentiated again: ``grad(grad(np.sin))``)."""
        from s2sad.api import Derivative
        return Derivative(call_of(self.fn, 1, []), self.wrt, self.kind, self.verbose)

    @property
    def source(self) -> str:
        if self._last is None:
            raise AttributeError("call the derivative once: its source depends on the call")
        return self._last.source

    def __repr__(self) -> str:
        return f"<s2sad {self.kind} of {getattr(self.fn, '__name__', '?')} wrt {self.wrt}>"


def _is_literal(v: Any) -> bool:
    if isinstance(v, (tuple, list)):
        return all(_is_literal(x) for x in v)
    return v is None or v is Ellipsis or isinstance(v, (str, bool, int)) and \
        not isinstance(v, np.generic)


def _written(v: Any) -> str:
    """A literal as source (``...`` for Ellipsis, which einsum sublists hold)."""
    if isinstance(v, (tuple, list)):
        inner = ", ".join(_written(x) for x in v) + ("," if len(v) == 1 and
                                                      isinstance(v, tuple) else "")
        return f"({inner})" if isinstance(v, tuple) else f"[{inner}]"
    return "..." if v is Ellipsis else repr(v)


def call_of(fn: Any, n: int, keywords: list[str], literals: dict | None = None) -> Any:
    """``def call_f(a0, ..., *, k): return primitive(a0, ..., k=k)``; the positions in
    ``literals`` pass their value written out (``(0, 1)`` for ``a1``)."""
    from s2sad.differentiable import define
    literals = literals or {}
    names = [_param_name(fn, i) for i in range(n)]
    params = ", ".join(names + (["*"] + keywords if keywords else []))
    passed = ", ".join([_written(literals[i]) if i in literals else name
                        for i, name in enumerate(names)] + [f"{k}={k}" for k in keywords])
    name = "call_" + "".join(c if c.isalnum() else "_" for c in
                             getattr(fn, "__name__", "f")).strip("_")
    return define(name, f"def {name}({params}):\n    return primitive({passed})\n",
                   {"primitive": fn})


_WRAPPER = re.compile(r"<s2sad call_[^>]*>:[^:]*: (?:differentiating s2sad's derivative "
                      r"of this line again was refused, a limitation of s2sad \(please "
                      r"report it\): )?(.*)", re.S)


def _at_the_function(error: DifferentiationError, fn: Any) -> DifferentiationError | None:
    """A refusal naming the line of the function made around the user's ``*args``
    function (``lambda *a: f(*a)``: ``call_lambda``'s one line, read as a derivative's
    line) as one naming the user's function's line, or None."""
    found = _WRAPPER.match(str(error))
    code = getattr(fn, "__code__", None)
    if found is None or code is None or code.co_filename.startswith("<"):
        return None
    return DifferentiationError(f"{code.co_filename}:{code.co_firstlineno}: {found.group(1)}")


def _param_name(fn: Any, i: int) -> str:
    """The rule's (or the signature's) name of positional parameter ``i``, else ``a{i}``."""
    rule = registry.lookup_vjp(fn) or registry.lookup_jvp(fn)
    names: list = list(rule.sig.params[: rule.sig.npos]) if rule and rule.sig.params else []
    if not names:
        try:
            names = [p.name for p in inspect.signature(fn).parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            names = []
    if i < len(names) and names[i].isidentifier() and names[i] != "primitive":
        return names[i]
    return f"a{i}"
