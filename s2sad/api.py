"""The entry points of API.md: grad, value_and_grad, vjp, jvp, jacobian,
hessian, defvjp, defjvp.  Each returns a :class:`Derivative`, which builds
its generated function once per (function, wrt, mode, which arguments are
containers), shows it as ``.source``, and checks the calls made on it.  What a
call's arguments are is in :mod:`call_kinds`, how it runs by kind in
:mod:`derivative_calls`, the fast path of repeated calls in
:mod:`fast_call`, derivatives differentiated again in :mod:`differentiable`, and the
user's rules in :mod:`user_rules`."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

import s2sad.rules  # noqa: F401  (registers the built-in rules)
from s2sad import dataclass_args, fallback, library, made_before, structure
from s2sad.call_checks import defined_at, refuse_integer_arrays
from s2sad.call_checks import numpy_only as numpy_only
from s2sad.call_kinds import NUMBERS, concrete, float_arrays, foreign_array, shape_signature
from s2sad.compiler import pipeline, resolved
from s2sad.compiler.known_arguments import Known
from s2sad.compiler.walks import no_gc
from s2sad.derivative_calls import DerivativeCalls
from s2sad.differentiable import after, called_method, for_kinds, made_or_deferred, unbind
from s2sad.differentiable import parameters_of as parameters_of
from s2sad.entry_options import positions, with_checkpoints
from s2sad.errors import DifferentiationError, in_generated_code, refusal_in_derivative
from s2sad.fast_call import MISSING, fast_class, refresh_of
from s2sad.outer_data import closure_family
from s2sad.rules import registry
from s2sad.user_rules import USER_RULES
from s2sad.user_rules import defjvp as defjvp
from s2sad.user_rules import defvjp as defvjp
from s2sad.variant_kinds import forget as forget_kinds
from s2sad.variant_kinds import objects_passed

_CACHE: dict = {}
_GENERATION = registry.GENERATION


class Derivative(DerivativeCalls):
    """A generated derivative of ``fn``, called with ``fn``'s arguments."""

    def __init__(self, fn: Callable, wrt: Any, kind: str, verbose: bool = False,
                 holomorphic: bool = False, has_aux: bool = False) -> None:
        self.holomorphic = holomorphic  # a complex output allowed (its complex derivative)
        self.has_aux = has_aux  # f returns (output, aux): aux is passed back as it is
        if has_aux and kind == "jvp":
            raise TypeError("jvp(f, has_aux=True) is not supported; use vjp or grad")
        for attr in ("__module__", "__doc__", "__qualname__"):
            setattr(self, attr, getattr(fn, attr, None))
        # grad of a grad: forward mode over the generated gradient (forward-over-reverse)
        self.nested = isinstance(fn, Derivative) and kind in ("grad", "value_and_grad")
        # a bound method or a functools.partial: what it passes first, never differentiated
        self._prefix: tuple = ()
        self._fixed: dict = {}
        fn = called_method(fn)  # (an object with __call__: its bound method)
        # a bound method's class: calls of self.other(x) in it are inlined
        self._owner: type | None = type(fn.__self__) if inspect.ismethod(fn) else None
        if (bound := unbind(fn)) is not None:
            fn, self._prefix, self._fixed = bound
            wrt = after(len(self._prefix), wrt)
        self.kind, self.verbose = kind, verbose  # (of a grad: made for each call's kinds)
        self.fn, self._refused = made_or_deferred(fn)
        self._inner: Any = fn if isinstance(fn, Derivative) and fn.kind == "grad" and \
            not fn.nested and not fn.has_aux else None  # (its gradient per kinds: _made)
        # the user's function, named in refusals (a grad of a grad: the inner one's)
        self._origin: Callable = fn._origin if isinstance(fn, Derivative) else \
            getattr(self.fn, "s2sad_origin", self.fn)
        self.wrt, self.many = structure.resolve_wrt(self.fn, wrt)
        self.__name__ = f"{kind}_{getattr(fn, '__name__', 'f')}"
        parameters = inspect.signature(self.fn).parameters.values()
        self._nparams = len(parameters)
        self._varargs = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)
        self._variants: dict = {}
        self._checked: dict = {}  # argument signature -> grad variant, output checked scalar
        self._fast: dict = {}  # argument types (numbers only) -> that variant's function
        self._rules = registry.GENERATION[0]
        self._last: pipeline.Generated | None = None
        self._by_object = False

    def generated(self, structured: frozenset = frozenset(),
                  scalars: frozenset = frozenset(), check: bool = False,
                  ranks: tuple = (), callables: tuple = (),
                  floats: frozenset = frozenset(), optimistic: bool = False,
                  sequences: tuple = (), integers: tuple = (), indices: tuple = (),
                  foreign: bool = False) -> pipeline.Generated:
        """``check``: the grad variant that also returns the output, to check it once;
        ``ranks``: (position, ndim) of the array arguments, for code specialised to them;
        ``floats``: positions of the float64 arrays among them; ``optimistic``: without
        the NaN guards not proved needless (:mod:`s2sad.fallback`); ``sequences``: the
        parameters given a list or tuple (``t + s`` concatenates them); ``integers``: those
        given integer or bool arrays (what is written into a copy of one is rounded);
        ``indices``: those of them given integer arrays (an index picks one item each);
        ``foreign``: arrays of another library given (the code is ported to it: only
        what it has, so element loops stay loops)."""
        if self._refused is not None and self.fn is self._inner.fn:  # (no kinds known yet)
            raise self._refused
        mode = {"grad": "lean", "value_and_grad": "grad", "vjp": "vjp", "jvp": "jvp"}[self.kind]
        mode = "jvp" if self.nested else "grad" if check else mode
        code = getattr(self.fn, "__code__", None)
        known = self._known(callables, sequences, integers, indices)
        key = (closure_family(self.fn), code, self.wrt, mode, structured, scalars, ranks,
               len(USER_RULES), known, floats, optimistic, foreign)
        gen = _CACHE.get(key)
        if gen is not None and not made_from_current(gen):
            self._forget()
            gen = None
        if gen is not None and gen.made_for is not self.fn:  # a sibling closure's code
            made = pipeline.rebound(gen, self.fn)
            gen = made if made is not None else _CACHE.get((self.fn, *key[1:]))
            key = key if made is not None else (self.fn, *key[1:])
        if gen is None:
            with no_gc():
                gen = _CACHE[key] = self._build(mode, structured, scalars, ranks, known,
                                                floats, optimistic, foreign)
            gen.made_for = self.fn
        if self.verbose and not check and gen is not self._last:
            print(gen.source)
        self._last = gen
        return gen

    def _build(self, mode: str, structured: frozenset, scalars: frozenset,
               ranks: tuple, known: Known | None, floats: frozenset,
               optimistic: bool = False, foreign: bool = False) -> pipeline.Generated:
        if mode == "jvp":
            return pipeline.build_forward(self.fn, self.wrt, structured, scalars, ranks,
                                          known, floats=floats, optimistic=optimistic,
                                          foreign=foreign)
        return pipeline.build_reverse(self.fn, self.wrt, mode, structured, scalars, ranks,
                                      known, floats=floats, optimistic=optimistic,
                                      foreign=foreign)

    @property
    def _called(self) -> str:
        """A bad call's message names the derivative and the user's def (file:line)."""
        return f"{defined_at(self._origin)}: {self.__name__}"

    def _values(self, args: tuple, kwargs: dict) -> tuple:
        """The full argument list (defaults applied); a clear TypeError for a bad call."""
        if not kwargs and len(args) == self._nparams:
            return args
        return tuple(structure.bind_call(self.fn, self._called, args, kwargs).arguments.values())

    def _bound(self, args: tuple, kwargs: dict, given: tuple, extra: str) -> tuple:
        """The arguments of a vjp/jvp call (``given``: all it was passed); a call that
        forgot the trailing extra values is told so, not that an argument is missing."""
        try:
            return self._values(args, kwargs)
        except TypeError as wrong:
            try:
                self._values(given, kwargs)
            except TypeError:
                raise wrong from None
            raise TypeError(f"{self._called}(): pass the arguments of "
                            f"{getattr(self.fn, '__name__', 'f')}, then {extra}") from None

    def _for(self, values: tuple, check: bool = False) -> pipeline.Generated:
        """The generated function for these argument kinds (numbers, containers, arrays)."""
        refuse_integer_arrays(self._origin, self.wrt, values)
        foreign = foreign_array(values)
        if self._inner is not None and foreign is None:
            self.fn = for_kinds(self._inner, values, self.__dict__.setdefault("_made", {}))
        key, kinds = self._kinds(values, foreign)
        gen = None if check else self._variants.get(key)
        if gen is not None and not made_from_current(gen):
            self._forget()
            gen = None
        if gen is None:
            structured, scalars, ranks, callables, floats, optimistic, sequences, \
                integers, indices = kinds
            gen = self.generated(structured, scalars, check, ranks, callables, floats,
                                 optimistic, sequences, integers, indices, foreign is not None)
            if gen.unguarded:  # its NaN where a guard would give 0: the guarded one runs
                gen = fallback.guarded(gen, lambda: self._guarded(
                    structured, scalars, check, ranks, callables, floats, False, sequences,
                    integers, indices, foreign is not None),
                    lean=self.kind == "grad" and not check, has_aux=self.has_aux)
            if foreign is not None:  # the same derivative on the arguments' array library
                gen = pipeline.portable(gen, self.fn, foreign)
            if not check:
                self._variants[key] = gen
        self._last = gen
        return gen

    def _guarded(self, *kinds: Any) -> pipeline.Generated:
        """The guarded variant an unguarded one falls back to (``source`` still shows
        the variant that runs first)."""
        last = self._last
        gen = self.generated(*kinds)
        self._last = last
        return gen

    def _own(self, args: Any, kwargs: dict) -> Any:
        """``f`` itself on the arguments: its own error, if it has one, is the likelier
        cause; of a derivative differentiated again (a Hessian's gradient), a refusal its
        generated code raises named at the user's line, as the derivative alone names it."""
        try:
            return self.fn(*args, **kwargs)
        except DifferentiationError as error:
            code = getattr(self._origin, "__code__", None)
            placed = in_generated_code(error, code.co_filename) \
                if code is not None and self._origin is not self.fn else None
            if placed is None:
                raise
            raise placed from error

    def _placed(self, error: Exception) -> Exception:
        """An error of generated code (the function itself ran) at the user's line."""
        code = getattr(self.fn, "__code__", None)
        placed = in_generated_code(error, code.co_filename) if code else None
        return placed if placed is not None else error

    def _output(self, value: Any) -> Any:
        """The output of ``f`` (with ``has_aux``, the first of the pair it returns)."""
        if not self.has_aux:
            return value
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            where = defined_at(self.fn)
            raise DifferentiationError(f"{where}: output of {self.fn.__name__}: with "
                                       "has_aux=True the function returns (output, aux)")
        return value[0]

    def _remember(self, args: tuple, values: tuple, gen: pipeline.Generated,
                  outer: tuple = ()) -> None:
        """Checked gradients of numbers (and arrays, by rank) are called without dispatch
        (``.source`` still shows the variant the last call ran); ``outer``: the module's
        arrays the code was made for, whose shapes each call checks too."""
        if len(values) != len(args) or not all(
                type(v) in NUMBERS or type(v) is np.ndarray or _held(v) for v in values):
            return
        fn = gen.fn
        one = self.many and len(self.wrt) == 1  # (wrt=(0,): the gradient in a 1-tuple)
        if all(type(v) in NUMBERS for v in values) and not outer and not one:
            self._fast[tuple(map(type, args))] = (fn, *refresh_of(fn).state, gen,
                                                  refresh_of(fn).made_from)
        if type(self) is Derivative:  # the first such signature: a call method of its own
            shapes = tuple(v.shape if type(v) is np.ndarray else None for v in values)
            dtypes = tuple(getattr(v, "dtype", None) for v in values)
            held = {i: concrete((v,)) for i, v in enumerate(values) if _held(v)}
            self.__class__ = fast_class(Derivative, tuple(map(type, args)), shapes, gen,
                                        float_arrays(values), held, outer, one, dtypes)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fast = None if kwargs else self._fast.get(tuple(map(type, args)))
        if fast is not None and self._rules == _GENERATION[0] and \
                (not fast[-1] or resolved.current(fast[-1])):  # a checked grad on numbers
            fn, names, namespace, user, self._last, _ = fast
            for k in names:  # loader.refresh, inlined: this path is the scalar hot loop
                namespace[k] = user.get(k, namespace[k])
            return fn(*args)
        return self._call(args, kwargs)

    def _dispatch(self, args: tuple, more: tuple, kwargs: dict) -> Any:
        return Derivative.__call__(self, *(a for a in args if a is not MISSING), *more,
                                   **kwargs)

    def _call(self, args: tuple, kwargs: dict) -> Any:
        if dataclass_args.has_dataclass(args):  # (parameters held in a dataclass)
            records, made = dataclass_args.as_records(args)
            return dataclass_args.back(self._call(records, kwargs), made)
        try:
            return self._call_once(args, kwargs)
        except resolved.Stale:  # a function it was made from was defined again: made again
            self._forget()
            return self._call_once(args, kwargs)
        except DifferentiationError as error:
            code = getattr(self._origin, "__code__", None)
            placed = refusal_in_derivative(error, code.co_filename, code.co_firstlineno) \
                if code else None
            if placed is not None:  # (a derivative of a derivative)
                raise placed from error
            if self._by_object or not objects_passed(args, kwargs):
                raise
        # a refusal with the objects passed taken by class (their methods inlined): the
        # code needs the objects themselves (a function one holds, its list of layers)
        self._by_object = True
        self._variants.clear()
        self._checked.clear()
        return self._call_once(args, kwargs)

    def _forget(self) -> None:
        """Drop every derivative made (here and in the caches of all): one was made
        from a function a name no longer holds."""
        self._variants.clear()
        self._checked.clear()
        self._fast.clear()
        if type(self) is not Derivative:
            self.__class__ = Derivative  # (the fast class of the old derivative)
        _CACHE.clear()
        pipeline.forget()
        forget_kinds()

    def _call_once(self, args: tuple, kwargs: dict) -> Any:
        if self._varargs:  # def f(*args): the compiler's refusal, not a binding error
            self.generated()
        if self._prefix or self._fixed:
            args, kwargs = (*self._prefix, *args), {**self._fixed, **kwargs}
        if self._rules != registry.GENERATION[0]:  # a rule registered since: regenerate
            self._variants.clear()
            self._checked.clear()
            self._fast.clear()
            self._rules = registry.GENERATION[0]
        if self.kind == "vjp":
            return self._vjp(args, kwargs)
        if self.kind == "jvp":
            return self._jvp(args, kwargs)
        values = args if not kwargs and len(args) == self._nparams else \
            self._values(args, kwargs)
        if self.nested:
            return self._forward_over_reverse(values, args, kwargs)
        if self.kind == "grad":
            return self._grad(values, args, kwargs)
        return self._value_and_grad(values, args, kwargs)


def made_from_current(gen: pipeline.Generated) -> bool:
    """Do the functions ``gen`` was made from still hold their names?"""
    refresh = getattr(gen.fn, "s2sad_refresh", None)
    made_from = getattr(refresh, "made_from", None)
    return not made_from or resolved.current(made_from)

def _held(v: Any) -> bool:
    """A list, tuple or dict of NumPy arrays (and numbers, and such containers) that the
    code is specialised to (``call_kinds``): a repeated call checks its concrete shapes."""
    return type(v) in (list, tuple, dict) and shape_signature((v,))[0] is not type(v)

def _entry(kind: str) -> Callable:
    def entry(f: Callable | None = None, wrt: Any = 0, verbose: bool = False,
              holomorphic: bool = False, argnums: Any = None, has_aux: bool = False,
              checkpoint: dict | None = None, argnum: Any = None) -> Any:
        wrt = positions(wrt, argnums, argnum)
        if f is None:
            return lambda g: entry(g, wrt, verbose, holomorphic, has_aux=has_aux,
                                   checkpoint=checkpoint)
        made = None if checkpoint or verbose else \
            made_before.lookup(f, (kind, wrt, holomorphic, has_aux))
        if made is not None:
            return made
        if checkpoint:  # loops named by their line: as if marked with s2sad.checkpoint
            f = with_checkpoints(f, checkpoint)
        if isinstance(f, library.CallOf) and kind in ("grad", "value_and_grad") and \
                not library.has_varargs(library.called(f)):  # (f(x, **kw): per call, below)
            f = f.as_function()  # grad(grad(np.sin)): the inner one for one argument
        if (library.is_library_callable(f) or library.has_varargs(f) or
                isinstance(f, library.CallOf)) and not has_aux:  # made per call
            return library.CallOf(f, wrt, kind, verbose)
        return _made(f, wrt, kind, verbose, holomorphic, has_aux)
    entry.__name__ = kind
    return entry

def _made(f: Callable, wrt: Any, kind: str, verbose: bool, holomorphic: bool,
          has_aux: bool) -> Derivative:
    """A new Derivative of ``f``, kept for the next ``grad(f)`` with these options (not
    one with ``verbose``, which prints the source it makes)."""
    made = Derivative(f, wrt, kind, verbose, holomorphic, has_aux)
    if not verbose:
        made_before.keep(f, (kind, wrt, holomorphic, has_aux), made)
    return made

grad = _entry("grad")
value_and_grad = _entry("value_and_grad")
vjp = _entry("vjp")
jvp = _entry("jvp")
