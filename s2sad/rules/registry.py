"""The rule tables and their registrars.

A rule is a template: a Python expression over the primitive's parameter
names, read like the line the user will see in the generated derivative.

Reverse templates (one per positional parameter, ``None`` when that
parameter gets no gradient) may use ``g`` (the output's adjoint) and ``ans``
(the output).  A template that uses ``acc`` is an accumulation: it receives
the parameter's current adjoint (``None`` when it has none yet) and its
value *replaces* that adjoint instead of being added to it.

Forward templates (one term per parameter) may use ``ans`` and the tangent of
their parameter, spelled ``d`` + the parameter name (``dx``).  The tangent of
the output is the sum of the terms of the active parameters.

Template names resolve in ``TEMPLATE_NAMESPACE``: ``np``, ``math`` and the
helpers of :mod:`s2sad.runtime`.
"""
from __future__ import annotations

import ast
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from s2sad import runtime


@dataclass(frozen=True)
class Signature:
    """Parameter names and defaults of a primitive, parsed from text."""

    params: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    vararg: str | None = None
    npos: int = 0  # how many of ``params`` can be passed by position

    @staticmethod
    def parse(text: str) -> Signature:
        """The signature ``text`` spells (read-only, so one per text: the rule files
        declare six hundred, of a few dozen texts, when the compiler loads)."""
        known = _SIGNATURES.get(text)
        if known is None:
            known = _SIGNATURES[text] = Signature._parsed(text)
        return known

    @staticmethod
    def _parsed(text: str) -> Signature:
        fn = ast.parse(f"def _({text}): pass").body[0]
        assert isinstance(fn, ast.FunctionDef)
        args = fn.args
        names = tuple(a.arg for a in args.args)
        defaults = {
            a.arg: ast.literal_eval(d)
            for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults)
        }
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            names += (a.arg,)
            if d is not None:
                defaults[a.arg] = ast.literal_eval(d)
        vararg = args.vararg.arg if args.vararg else None
        return Signature(names, defaults, vararg, len(args.args))


_SIGNATURES: dict[str, Signature] = {}


@dataclass(frozen=True)
class Rule:
    """Templates for one primitive; ``user`` holds a callable rule instead."""

    sig: Signature
    templates: tuple[str | None, ...] = ()
    vararg_template: str | None = None
    user: Callable | None = None
    linear: bool = False


# rules of an optional library's functions are registered once the user has imported it
# (a SciPy submodule takes up to a second to import: ``import s2sad`` does not pay it)
_PENDING: dict[str, list[Callable[[], object]]] = {}
_MODULES_SEEN = [0]


def when_imported(module: str, register: Callable[[], object]) -> None:
    """Call ``register`` (which defines rules) once ``module`` is in ``sys.modules``."""
    _PENDING.setdefault(module, []).append(register)
    _MODULES_SEEN[0] = 0


def load_imported() -> None:
    """Register the pending rules of the libraries imported since the last look."""
    if not _PENDING or len(sys.modules) == _MODULES_SEEN[0]:
        return
    _MODULES_SEEN[0] = len(sys.modules)
    for module in [m for m in _PENDING if m in sys.modules]:
        for register in _PENDING.pop(module, ()):  # (a register may have loaded it)
            register()


class _Table(dict):
    """A rule table that first registers the rules of libraries imported since."""

    def get(self, key: Any, default: Any = None) -> Any:
        load_imported()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        load_imported()
        return dict.__contains__(self, key)

    def __getitem__(self, key: Any) -> Any:
        load_imported()
        return dict.__getitem__(self, key)


class _Set(set):
    def __contains__(self, key: object) -> bool:
        load_imported()
        return set.__contains__(self, key)


VJPS: dict[Any, Rule] = _Table()
JVPS: dict[Any, Rule] = _Table()
NONDIFF: set[Any] = _Set()  # outputs carry no derivative (shapes, comparisons, floor)
ELEMENTWISE: set[Any] = _Set()  # output element k reads input elements k (broadcast)
# library callable -> a Python function computing the same from primitives with rules:
# differentiated through its source (``scipy.stats.norm.cdf`` through ``ndtr``)
THROUGH: dict[Any, Callable] = _Table()
# fn -> (keywords, closed form): the calls of fn passing one of the keywords
THROUGH_KEYWORDS: dict[Any, tuple[frozenset, Callable]] = _Table()
METHODS: dict[str, Any] = {}  # x.name(...) on an array -> primitive called as fn(x, ...)
ATTRIBUTES: dict[str, Any] = {}  # x.name on an array -> primitive called as fn(x)
TEMPLATE_NAMESPACE: dict[str, Any] = {"np": np, "math": math}
GENERATION = [0]  # bumped by every user rule: derivatives generated before are stale
TEMPLATE_NAMESPACE.update(runtime.HELPERS)


_RANDOM_STATES = (np.random.Generator, np.random.RandomState)


def _key(fn: Any) -> Any:
    """Rules are keyed by the callable itself (ufuncs and builtins hash fine); a method
    of a random generator by its name, so that the rule of ``np.random.normal`` (a
    method of NumPy's own ``RandomState``) serves ``rng.normal`` of any generator held
    in a global or an argument too (their signatures agree: ``rules/draws.py``)."""
    if isinstance(getattr(fn, "__self__", None), _RANDOM_STATES):
        return ("random draw", fn.__name__)
    return fn


def defvjp(fn: Any, sig: str, *templates: str | None, varargs: str | None = None) -> None:
    """Register reverse templates, one per positional parameter of ``sig``."""
    VJPS[_key(fn)] = Rule(Signature.parse(sig), tuple(templates), varargs)


def defjvp(fn: Any, sig: str, *templates: str | None, varargs: str | None = None) -> None:
    """Register forward templates: one term per positional parameter."""
    JVPS[_key(fn)] = Rule(Signature.parse(sig), tuple(templates), varargs)


def defelementwise(fn: Any, sig: str, *partials: str | None) -> None:
    """Elementwise function: give each parameter's partial derivative once.

    Reverse: ``unbroadcast(g * partial, x)``; forward: ``dx * partial``.
    A partial of ``None`` marks a parameter with no derivative.
    """
    s = Signature.parse(sig)
    unary = len(partials) == 1
    vjps: list[str | None] = []
    jvps: list[str | None] = []
    for name, partial in zip(s.params, partials):
        if partial is None:
            vjps.append(None)
            jvps.append(None)
            continue
        term = "g" if partial == "1" else f"g * ({partial})"
        vjps.append(term if unary else f"unbroadcast({term}, {name})")
        jvps.append(f"d{name}" if partial == "1" else f"d{name} * ({partial})")
    VJPS[_key(fn)] = Rule(s, tuple(vjps))
    JVPS[_key(fn)] = Rule(s, tuple(jvps))
    ELEMENTWISE.add(_key(fn))


def deflinear(fn: Any, sig: str, *templates: str | None) -> None:
    """A map linear in its differentiable parameters (sum, reshape, transpose).

    Reverse: the given transposed map.  Forward: the function itself applied
    to the tangent in place of the parameter (rendered by the compiler).
    """
    s = Signature.parse(sig)
    VJPS[_key(fn)] = Rule(s, tuple(templates))
    JVPS[_key(fn)] = Rule(s, tuple(None if t is None else "linear" for t in templates),
                          linear=True)


UNSUPPORTED: dict[Any, tuple[str, ...]] = _Table()  # primitive -> parameters with no derivative yet


def defunsupported(fn: Any, *params: str) -> None:
    """Parameters of ``fn`` that do change its value but have no rule yet (the order of a
    Bessel function, ``a`` in ``gammainc``): differentiating in them is refused, never a
    silent zero."""
    UNSUPPORTED[_key(fn)] = tuple(params)


FIRST_ORDER: dict[Any, str] = _Table()  # s2sad's helper -> the call whose derivative it is


def deffirstorder(what: str, *helpers: Any) -> None:
    """Helpers of s2sad's runtime working out the derivative of ``what`` (a call of an
    integrator: its derivative by another integration) that have no derivative
    themselves: a second derivative through ``what`` is refused as such."""
    FIRST_ORDER.update((_key(h), what) for h in helpers)


def first_order_of(fn: Any) -> str | None:
    try:
        return FIRST_ORDER.get(_key(fn))
    except TypeError:
        return None


# library functions that write into their first argument, with the rewrite to suggest;
# and methods that write into their object (``x.__setitem__(i, v)``)
WRITES_FIRST: dict[Any, str] = {
    np.fill_diagonal: "write A[np.diag_indices_from(A)] = v instead",
    np.copyto: "write dst = np.where(mask, src, dst), or dst[...] = src, instead",
    np.put: "write a[indices] = values (of a 1-D array) instead",
    np.place: "write a[mask] = values instead",
    np.putmask: "write a = np.where(mask, values, a) instead",
    np.put_along_axis: "build the new array with np.where or an assignment instead",
    ("random draw", "shuffle"): "write x = x[rng.permutation(len(x))] instead",
}
WRITING_METHODS = {"__setitem__", "__delitem__", "__iadd__", "__isub__", "__imul__",
                   "__itruediv__", "__ipow__", "__imatmul__", "__ifloordiv__", "__imod__"}
FIXED: dict[Any, dict[str, Any]] = _Table()  # primitive -> parameters its rules assume at


def deffixed(fn: Any, **defaults: Any) -> None:
    """Parameters the rules of ``fn`` assume take these values (their defaults): a call
    passing anything but the literal is refused, never differentiated as if it had not
    (``scipy.linalg.eigh(a, b, type=2)``, ``np.linspace(..., retstep=True)``)."""
    FIXED[fn] = defaults


def writes_first(fn: Any) -> str | None:
    """The advice for a library function that writes into its first argument, or None
    (``np.random.shuffle`` and ``rng.shuffle`` of any generator by their name)."""
    try:
        return WRITES_FIRST.get(_key(fn))
    except TypeError:  # an unhashable callable
        return None


def unsupported(fn: Any) -> tuple[str, ...]:
    try:
        return UNSUPPORTED.get(_key(fn), ())
    except TypeError:
        return ()


def defthrough(fn: Any, reference: Callable, keywords: tuple[str, ...] = ()) -> None:
    """``fn`` is differentiated as ``reference``, a Python function with source that
    computes the same value from primitives that have rules (a closed form).  With
    ``keywords``: only the calls passing one of them (which ``fn``'s own rule does not
    take; ``reference`` calls ``fn`` without them)."""
    if keywords:
        THROUGH_KEYWORDS[fn] = (frozenset(keywords), reference)
    else:
        THROUGH[fn] = reference


def through_keywords(fn: Any) -> frozenset[str]:
    """The keywords whose calls of ``fn`` are differentiated through a closed form."""
    try:
        found = THROUGH_KEYWORDS.get(fn)
    except TypeError:
        return frozenset()
    return found[0] if found is not None else frozenset()


def lookup_through(fn: Any, keywords: set[str] | frozenset[str] = frozenset()
                   ) -> Callable | None:
    """The closed form of a call of ``fn`` passing ``keywords``, or None."""
    try:
        found = THROUGH_KEYWORDS.get(fn)
        if found is not None and found[0] & keywords:
            return found[1]
        return THROUGH.get(fn)
    except TypeError:
        return None


def defnondiff(*fns: Any) -> None:
    """Functions whose output has no derivative (zero almost everywhere)."""
    NONDIFF.update(_key(f) for f in fns)


def defmethod(name: str, fn: Any) -> None:
    """``x.name(...)`` on an array means ``fn(x, ...)``."""
    METHODS[name] = fn


def defattr(name: str, fn: Any) -> None:
    """``x.name`` on an array means ``fn(x)``."""
    ATTRIBUTES[name] = fn


def lookup_vjp(fn: Any) -> Rule | None:
    try:
        return VJPS.get(_key(fn))
    except TypeError:  # unhashable callables have no built-in rule
        return None


def lookup_jvp(fn: Any) -> Rule | None:
    try:
        return JVPS.get(_key(fn))
    except TypeError:
        return None


def is_nondiff(fn: Any) -> bool:
    try:
        return _key(fn) in NONDIFF
    except TypeError:
        return False
