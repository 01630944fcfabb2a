"""Part of :mod:`api`: how a derivative runs once its arguments are bound.  ``grad`` runs
the lean variant after a first call checked the output is one number, ``vjp`` takes the
output's cotangent last, ``jvp`` one tangent per ``wrt`` argument last, a gradient
differentiated again runs forward over reverse, and a Jacobian's seeds go straight to the
variant the first one ran."""
from __future__ import annotations

import copy
import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from s2sad import structure
from s2sad.call_checks import check_scalar
from s2sad.call_kinds import NUMBERS, foreign_array, shape_signature
from s2sad.compiler import pipeline
from s2sad.fast_call import refresh_of
from s2sad.outer_data import global_arrays, outer_signature
from s2sad.shown import Shown
from s2sad.variant_kinds import CallKinds


class DerivativeCalls(Shown, CallKinds):
    """The calls of :class:`~s2sad.api.Derivative` by kind (its methods: ``self`` is one)."""

    if TYPE_CHECKING:  # (Derivative's own, which these methods read)
        many: bool
        _prefix: tuple
        _fixed: dict
        _checked: dict
        _variants: dict
        _fast: dict
        _last: pipeline.Generated | None
        _seed: Any

        def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
        @property
        def _called(self) -> str: ...
        def _bound(self, args: tuple, kwargs: dict, given: tuple, extra: str) -> tuple: ...
        def _for(self, values: tuple, check: bool = False) -> pipeline.Generated: ...
        def _own(self, args: Any, kwargs: dict) -> Any: ...
        def _placed(self, error: Exception) -> Exception: ...
        def _output(self, value: Any) -> Any: ...
        def _remember(self, args: tuple, values: tuple, gen: pipeline.Generated,
                      outer: tuple = ()) -> None: ...

    def _grad(self, values: tuple, args: tuple, kwargs: dict) -> Any:
        """grad: the first call for each argument signature also checks the output is a
        scalar; later calls run the variant that does not compute the output at all."""
        outer = global_arrays(self.fn)
        key = self._seeded_key(values)
        lean = self._checked.get(key)
        if isinstance(lean, DerivativeCalls):  # (an output that is an array of one number)
            return self._seeded_by(lean, args, kwargs)
        if lean is None and self._number_output(values):
            lean = self._checked[key] = self._for(values)
            self._remember(args, values, lean, outer)
        if lean is not None:
            self._last = lean
            refresh_of(lean.fn)()
            try:
                grads = lean.fn(*args, **kwargs)
            except Exception as error:
                if foreign_array(values) is not None:
                    raise
                self._own(args, kwargs)  # the function's own error, if it has one
                raise self._placed(error) from error
            grads, aux = grads if self.has_aux else (grads, None)
        else:
            full = self._for(values, check=True)
            refresh_of(full.fn)()
            try:
                value, grads = full.fn(*args, **kwargs)
            except Exception as error:
                if foreign_array(values) is None:  # (the function may not run on those)
                    output = self._output(self._own(args, kwargs))
                    check_scalar(self.fn, output)
                    if np.ndim(output):
                        return self._seeded_by(self._by_seed(values, output), args, kwargs)
                    raise self._placed(error) from error
                raise
            value, aux = value if self.has_aux else (value, None)
            check_scalar(self.fn, value, self.holomorphic)
            if np.ndim(value):
                return self._seeded_by(self._by_seed(values, value), args, kwargs)
            self._checked[key] = self._for(values)
            if not self.has_aux:
                self._remember(args, values, self._checked[key], outer)
        grads = (grads,) if self.many and len(self.wrt) == 1 else grads
        return (grads, aux) if self.has_aux else grads

    def _value_and_grad(self, values: tuple, args: tuple, kwargs: dict) -> Any:
        """value_and_grad: the output is checked a scalar at every call (the variant
        computes it anyway); one that is an array of one number goes by a seeded vjp."""
        if self._checked:
            seeded = self._checked.get(self._seeded_key(values))
            if seeded is not None:
                return self._seeded_by(seeded, args, kwargs)
        gen = self._for(values)
        refresh_of(gen.fn)()
        try:
            value, grads = gen.fn(*args, **kwargs)
        except Exception as error:  # the likelier cause, if it is
            if foreign_array(values) is not None:  # (the function may not run on those)
                raise
            output = self._output(self._own(args, kwargs))
            check_scalar(self.fn, output)
            if np.ndim(output):
                return self._seeded_by(self._by_seed(values, output), args, kwargs)
            raise self._placed(error) from error
        output = value[0] if self.has_aux else value
        if type(output) not in NUMBERS or type(output) is complex:
            check_scalar(self.fn, output, self.holomorphic)
            if np.ndim(output):
                return self._seeded_by(self._by_seed(values, output), args, kwargs)
        return value, (grads,) if self.many and len(self.wrt) == 1 else grads

    def _by_seed(self, values: tuple, output: Any) -> DerivativeCalls:
        """The vjp that stands for this grad on calls like this one (of ``values``): the output
        is an array holding one number (``x.T @ A @ x`` of a column ``x``: shape (1, 1)),
        whose gradient is the vjp seeded with ones of that shape; the seed 1.0 the grad
        variants start from has no axes for a rule to contract (``M @ 1.0`` fails)."""
        made = copy.copy(self)
        made.kind, made._variants, made._checked, made._fast = "vjp", {}, {}, {}
        made._seed = np.ones(np.shape(output), dtype=np.result_type(output, float))
        self._checked[self._seeded_key(values)] = made
        return made

    def _seeded_by(self, made: DerivativeCalls, args: tuple, kwargs: dict) -> Any:
        """What this grad (or value_and_grad) returns, from the vjp ``made`` seeded with
        ones (with ``has_aux``, the aux where they put it); ``.source`` shows that vjp."""
        value, grads, *aux = made._vjp((*args, made._seed), kwargs)
        self._last = made._last
        if self.kind == "grad":
            return (grads, *aux) if aux else grads
        return ((value, *aux) if aux else value), grads

    def _seeded_key(self, values: tuple) -> tuple:
        """The calls one vjp seeded with ones stands for: arguments of these shapes."""
        outer = outer_signature(global_arrays(self.fn))
        return shape_signature(values), self._callables(values), outer

    def _forward_over_reverse(self, values: tuple, args: tuple, kwargs: dict) -> Any:
        from s2sad.jacobian_columns import forward_columns
        self._for(values)
        value = self.fn(*args, **kwargs)
        check_scalar(self.fn, value)
        code = getattr(self.fn, "__code__", None)
        npos = code.co_argcount if code is not None else len(values)
        named = {}  # (keyword-only parameters passed by name: def f(t, *, c=2.0))
        if code is not None and all(i < npos for i in self.wrt):
            names = code.co_varnames[npos:npos + code.co_kwonlyargcount]
            named, values = dict(zip(names, values[npos:])), values[:npos]
        columns = [g if np.shape(g) else float(g)
                   for g in forward_columns(self.fn, self.wrt, values, named)]
        grads = tuple(columns) if self.many else columns[0]
        return grads if self.kind == "grad" else (value, grads)

    def _vjp(self, args: tuple, kwargs: dict) -> Any:
        if not args:
            raise TypeError(f"{self._called}(): pass the arguments, then the cotangent")
        given = args
        args, cot = args[:-1], args[-1]
        gen = self._for(self._bound(tuple(args), kwargs, given, "the output's cotangent"))
        seed = {_seed_name(gen): cot}
        refresh_of(gen.fn)()
        try:
            value, grads = gen.fn(*args, **kwargs, **seed)
        except Exception as error:
            if foreign_array(tuple(args)) is not None:
                raise
            structure.check_cotangent(self._called, self._output(self._own(args, kwargs)),
                                      cot)
            raise self._placed(error) from error
        value, aux = value if self.has_aux else (value, None)
        structure.check_cotangent(self._called, value, cot)
        if self.many and len(self.wrt) == 1:
            grads = (grads,)
        return (value, grads, aux) if self.has_aux else (value, grads)

    def repeated(self, args: tuple, kwargs: dict, seeds: list) -> list:
        """``self(*args, seed, **kwargs)`` for each seed (a Jacobian's tangents or
        cotangents, one per element): the first called as the user calls it, the rest
        straight to the variant it ran (one lookup, not one per column)."""
        if not seeds:
            return []
        first = self(*args, seeds[0], **kwargs)
        gen = self._last
        if self.kind not in ("jvp", "vjp") or len(self.wrt) != 1 and self.kind == "jvp" \
                or self.has_aux or gen is None or self._prefix or self._fixed:
            return [first] + [self(*args, s, **kwargs) for s in seeds[1:]]
        code = inspect.unwrap(gen.fn).__code__
        seed = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - 1]
        out = [first]
        for s in seeds[1:]:
            got = gen.fn(*args, **kwargs, **{seed: s})
            out.append((got[0], structure.tangent_like(*got)) if self.kind == "jvp" else
                       got if not self.many or len(self.wrt) != 1 else (got[0], (got[1],)))
        return out

    def _jvp(self, args: tuple, kwargs: dict) -> Any:
        n = len(self.wrt)
        if len(args) < n:
            raise TypeError(f"{self._called}(): pass the arguments, then {n} tangent(s)")
        primals, tangents = args[: len(args) - n], args[len(args) - n:]
        values = self._bound(tuple(primals), kwargs, args, f"{n} tangent(s), one per wrt "
                             "argument")
        for i, t in zip(self.wrt, tangents):
            structure.check_tangent(self._called, values[i], t)
        gen = self._for(values)
        refresh_of(gen.fn)()
        code = inspect.unwrap(gen.fn).__code__
        names = code.co_varnames[code.co_argcount:][:code.co_kwonlyargcount][-n:]
        try:
            value, tangent = gen.fn(*primals, **kwargs, **dict(zip(names, tangents)))
        except Exception as error:
            if foreign_array(values) is not None:
                raise
            self._own(primals, kwargs)  # the function's own error, if it has one
            raise self._placed(error) from error
        return value, structure.tangent_like(value, tangent)


def _seed_name(gen: pipeline.Generated) -> str:
    code = inspect.unwrap(gen.fn).__code__
    return code.co_varnames[code.co_argcount + code.co_kwonlyargcount - 1]
