"""Jacobians and Hessians from the generated VJPs and JVPs.

``jacobian`` runs one VJP per output element (reverse) or one JVP per input
element (forward); ``"auto"`` picks the mode with fewer runs.  ``hessian`` is
forward-over-reverse: JVPs of the generated gradient.  The runs per basis vector and
the choice of mode are in :mod:`jacobian_columns`.
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad import api, entry_options, library, sparsity, structure
from s2sad.call_checks import check_scalar, defined_at, refuse_integer_arrays
from s2sad.compiler import resolved
from s2sad.differentiable import after
from s2sad.errors import DifferentiationError, InputKindError
from s2sad.fallback import guarded_of
from s2sad.jacobian_columns import (
    _basis,
    _floating,
    _items,
    _mode,
    _result,
    _reverse,
    _reverse_items,
    forward_columns,
)


def on_copies(f: Callable, args: tuple, kwargs: dict) -> Any:
    """``f``'s value on copies of its arrays, lists, tuples and dicts: ``f`` may change
    its arguments in place, the caller's are never changed."""
    def copied(a: Any) -> Any:
        return copy.deepcopy(a) if isinstance(a, (np.ndarray, list, tuple, dict)) else a
    return f(*map(copied, args), **{k: copied(v) for k, v in kwargs.items()})


def refuse_unshaped(fn: Callable, positions: tuple, args: tuple, what: str) -> None:
    """A Jacobian has the argument's shape: a dict, or a list or tuple whose items
    differ in shape, has none (its gradient is taken item by item: grad, vjp, jvp); a
    Hessian's forward sweep through the gradient reads a list of lists' rows as lists."""
    for i in positions:
        x = args[i] if i < len(args) else None
        nested = what == "hessian" and isinstance(x, (list, tuple)) and any(
            isinstance(v, (list, tuple)) for v in x)  # (its gradient's items are lists)
        if isinstance(x, dict) or isinstance(x, (list, tuple)) and not _shaped(x) or nested \
                or dataclasses.is_dataclass(x) and not isinstance(x, type):
            raise DifferentiationError(
                f"{defined_at(fn)}: {what} of {getattr(fn, '__name__', 'f')}: argument "
                f"{i} is a {type(x).__name__} without one shape, which a {what} needs; "
                "pass an array (np.array of its items), or use s2sad.grad / vjp / jvp, "
                "which take it as it is")
        if _complex(x):
            raise InputKindError(
                f"{defined_at(fn)}: {what} of {getattr(fn, '__name__', 'f')}: argument {i} "
                f"is complex: a {what} in real unit directions would miss its imaginary "
                "parts; pass the real and imaginary parts as real arrays, or use "
                "s2sad.grad / vjp / jvp, which take complex values")


def _bound(f: Callable, kind: str, args: tuple, kwargs: dict) -> Any:
    """The call's arguments bound to ``f``'s parameters (defaults applied); a bad call's
    TypeError names the derivative and the user's def (file:line)."""
    called = f"{defined_at(f)}: {kind}_{getattr(f, '__name__', 'f')}"
    return structure.bind_call(api.parameters_of(f), called, args, kwargs)


def _complex(x: Any) -> bool:
    return bool(np.iscomplexobj(x))


def _shaped(x: list | tuple) -> bool:
    try:
        np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


class _Built:
    """A jacobian or hessian: callable, with the source of the derivative it runs."""

    def __init__(self, fn: Callable, derivative: Callable, name: str,
                 of: tuple | None = None, origin: Callable | None = None) -> None:
        self._fn, self._derivative, self.__name__ = fn, derivative, name
        self.origin = origin  # (the user's function differentiated: refusals name it)
        self.__doc__ = getattr(derivative, "__doc__", None)
        self.of = of  # (function, wrt position) of a jacobian, for its own jacobian
        self.per_call: tuple | None = None  # (library callable, build) of one per call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._fn(*args, **kwargs)
        except resolved.Stale:  # made from a function defined again since: made again
            return self._fn(*args, **kwargs)

    @property
    def source(self) -> str:
        return self._derivative().source

    @property
    def __wrapped__(self) -> Callable:
        try:
            return self._derivative().__wrapped__
        except (KeyError, IndexError):  # (made at the first call: none yet)
            raise AttributeError("__wrapped__") from None


def _on_prefix(f: Any, build: Callable) -> _Built | None:
    """The jacobian or hessian of a bound method or partial: built for the function
    (``build(function, shift)``), called with the leading arguments passed."""
    bound = api.unbind(f)
    if bound is None:
        return None
    fn, prefix, fixed = bound
    built = build(fn, len(prefix))
    return _Built(lambda *args, **kwargs: built(*prefix, *args, **{**fixed, **kwargs}),
                  built._derivative, built.__name__)


def jacobian(f: Callable | None = None, wrt: Any = 0, mode: str = "auto",
             verbose: bool = False, argnums: Any = None, has_aux: bool = False,
             sparse: bool = False, argnum: Any = None) -> Callable:
    """The Jacobian, shaped ``out.shape + arg.shape`` (a tuple for a tuple ``wrt``; for
    an ``f`` returning a tuple of arrays, a tuple of those, one per item, as JAX's).

    ``.source`` is the generated VJP (reverse) or JVP (forward) it runs; ``argnums`` is
    JAX's spelling of ``wrt`` (``argnum`` autograd's); with ``has_aux`` ``f`` returns
    ``(output, aux)`` and the Jacobian comes back as ``(jacobian, aux)``. ``sparse=True``:
    a ``scipy.sparse`` CSR matrix (``out.size x arg.size``) from the pattern the program's
    wiring gives (:func:`s2sad.jacobian_sparsity`), one JVP per column colour (or VJP per
    row colour).
    """
    wrt = entry_options.positions(wrt, argnums, argnum)
    if f is None:
        return lambda g: jacobian(g, wrt, mode, verbose, has_aux=has_aux, sparse=sparse)
    if sparse:
        if has_aux:
            raise ValueError("jacobian: sparse=True does not take has_aux")
        return sparsity.sparse_jacobian(f, wrt, verbose)
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
    special = _special_jacobian(f, wrt, mode, verbose, has_aux)
    if special is not None:
        return special
    positions, many = structure.resolve_wrt(api.parameters_of(f), wrt)
    used = {"mode": "forward" if mode == "forward" else "reverse"}
    jvps: dict = {}  # (the JVPs of the forward columns and the VJP of the rows, made once)

    def jac(*args: Any, **kwargs: Any) -> Any:
        bound = _bound(f, "jacobian", args, kwargs)
        full = tuple(bound.args)
        api.numpy_only("jacobian", f, full)
        refuse_integer_arrays(api.parameters_of(f), positions, full)
        refuse_unshaped(f, positions, full, "jacobian")
        value: Any = None
        if mode != "forward":  # on copies: f may change its arguments in place
            value = on_copies(f, args, kwargs)
        used["mode"] = chosen = _mode(f, mode, positions, full, value)
        if chosen == "forward":
            out: list = forward_columns(f, positions, full, bound.kwargs, jvps)
        elif _items(value):
            out = _reverse_items(f, positions, full, bound.kwargs, value)
        else:
            out = _reverse(f, positions, full, bound.kwargs, value, jvps)
        return _result(out, many)

    def derivative() -> Callable:
        make = api.jvp if used["mode"] == "forward" else api.vjp
        return make(f, wrt=positions[0] if used["mode"] == "forward" else positions)
    built = _Built(jac, derivative, f"jacobian_{getattr(f, '__name__', 'f')}",
                   of=(f, positions[0]) if not many else None, origin=f)
    if verbose:
        print(built.source)
    return built


def _special_jacobian(f: Callable, wrt: Any, mode: str, verbose: bool,
                      has_aux: bool) -> _Built | None:
    """Jacobians built another way: with aux, of a bound method or partial, of a
    jacobian, of a library callable."""
    if has_aux:
        return _with_aux(f, wrt)
    built = _on_prefix(f, lambda fn, n: jacobian(fn, after(n, wrt), mode, verbose))
    if built is not None:  # (then the function's own: of **kwargs, per call)
        return built
    if library.is_library_callable(f) or library.has_varargs(f):  # (scipy.stats methods)
        return _per_call(f, lambda fn: jacobian(fn, wrt, mode, verbose), "jacobian")
    if isinstance(f, _Built) and f.of is not None:
        return _of_jacobian(f, wrt)
    if isinstance(f, _Built) and f.per_call is not None:  # jacobian(jacobian(np.sin))
        fn, inner = f.per_call
        return _per_call(fn, lambda call: jacobian(inner(call), wrt, mode, verbose), "jacobian")
    if isinstance(f, _Built):
        raise _built_refused("jacobian", f)
    return None


def _built_refused(kind: str, f: _Built) -> DifferentiationError:
    """A jacobian or hessian of a derivative s2sad has no source for: a jacobian of a
    jacobian of a jacobian, a hessian of a hessian (two levels are differentiated)."""
    where = defined_at(f.origin) if f.origin is not None else "<s2sad>:?"
    return DifferentiationError(
        f"{where}: s2sad.{kind} of {f.__name__}: a derivative of a derivative of a "
        "derivative is not made here (two levels are: jacobian(jacobian(f)), hessian(f)); "
        "write the inner derivative inside a function of your own (def g(x): return "
        "s2sad.jacobian(f)(x)) and take the jacobian of that")


def _with_aux(f: Callable, wrt: Any) -> _Built:
    """``jacobian(f, has_aux=True)``: one VJP per output element (reverse mode)."""
    positions, many = structure.resolve_wrt(api.parameters_of(f), wrt)
    vjp = api.vjp(f, wrt=positions, has_aux=True)

    def jac(*args: Any, **kwargs: Any) -> Any:
        full = tuple(_bound(f, "jacobian", args, kwargs).args)
        value, aux = on_copies(f, args, kwargs)
        rows = [vjp(*full, e, **kwargs)[1] for e in _basis(value)]
        out = []
        for j, i in enumerate(positions):
            stacked = np.stack([_floating(r[j]) for r in rows]) if rows else \
                np.zeros((0,) + np.shape(full[i]))
            block = stacked.reshape(np.shape(value) + np.shape(full[i]))
            out.append(block if block.shape else float(block))
        return (tuple(out) if many else out[0]), aux

    return _Built(jac, lambda: vjp, f"jacobian_{getattr(f, '__name__', 'f')}")


def _per_call(f: Callable, build: Callable, kind: str) -> _Built:
    """A jacobian or hessian of a library callable: built for each shape of call."""
    made: dict = {}
    last: list = []

    def run(*args: Any, **kwargs: Any) -> Any:
        key = (len(args), tuple(sorted(kwargs)))
        if key not in made:
            made[key] = build(library.call_of(f, len(args), sorted(kwargs)))
        last[:] = [made[key]]
        return made[key](*args, **kwargs)

    built = _Built(run, lambda: last[0]._derivative(), f"{kind}_{getattr(f, '__name__', 'f')}")
    built.per_call = (f, build)  # (its own jacobian: built per call too)
    return built


def _of_jacobian(inner: _Built, wrt: Any) -> _Built:
    """``jacobian(jacobian(f))``: forward mode over the generated forward-mode derivative
    of ``f``, one run per pair of input elements."""
    assert inner.of is not None  # (jacobian() calls this only for such an ``inner``)
    f, i = inner.of
    (j,), _ = structure.resolve_wrt(api.parameters_of(f), wrt)
    used: dict = {}

    def jac(*args: Any, **kwargs: Any) -> Any:
        full = tuple(_bound(f, "jacobian", args, kwargs).args)
        gen = guarded_of(api.jvp(f, wrt=i)._for(full))  # (differentiated again)
        code = gen.fn.__code__
        tangent = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - 1]
        outer = used["jvp"] = api.jvp(gen.fn, wrt=j)
        value = np.asarray(on_copies(f, full, kwargs))
        blocks = [[np.broadcast_to(outer(*full, eb, **{tangent: ea}, **kwargs)[1][1],
                                   value.shape) for ea in _basis(full[i])]
                  for eb in _basis(full[j])]
        shape = value.shape + np.shape(full[i]) + np.shape(full[j])
        out = np.stack([np.stack(row, axis=-1) for row in blocks], axis=-1) if blocks else \
            np.zeros(shape)
        return out.reshape(shape) if shape else float(out.reshape(()))

    return _Built(jac, lambda: used["jvp"], f"jacobian_{inner.__name__}", origin=f)


def _blocks(gradient: Callable, positions: tuple, args: tuple, kwargs: dict) -> tuple:
    """``H[i][j]``: derivative of the gradient for argument ``i`` by argument ``j``."""
    columns = []
    for j in positions:
        jvp = api.jvp(gradient, wrt=j)
        columns.append([jvp(*args, e, **kwargs)[1] for e in _basis(args[j])])
    out = []
    for a, i in enumerate(positions):
        row = []
        for b, j in enumerate(positions):
            shape = np.shape(args[i]) + np.shape(args[j])
            block = np.stack([_floating(t[a] if len(positions) > 1 else t)
                              for t in columns[b]], axis=-1)  # (one: the gradient alone)
            row.append(block.reshape(shape) if shape else float(block.reshape(())))
        out.append(tuple(row))
    return tuple(out)


def hessian(f: Callable | None = None, wrt: Any = 0, verbose: bool = False,
            argnums: Any = None, sparse: bool = False, argnum: Any = None) -> Callable:
    """The Hessian of a scalar function, shaped ``arg.shape + arg.shape``: forward mode
    over the generated gradient (``.source`` is that forward-mode function).
    ``sparse=True``: a CSR matrix from the pattern of the gradient's program."""
    wrt = entry_options.positions(wrt, argnums, argnum)
    if f is None:
        return lambda g: hessian(g, wrt, verbose, sparse=sparse)
    if sparse:
        return sparsity.sparse_jacobian(api.grad(f, wrt=wrt), wrt, verbose)
    if (built := _on_prefix(f, lambda fn, n: hessian(fn, after(n, wrt), verbose))) \
            is not None:  # (then the function's own: of **kwargs, per call)
        return built
    if library.is_library_callable(f) or library.has_varargs(f):
        return _per_call(f, lambda fn: hessian(fn, wrt, verbose), "hessian")
    if isinstance(f, _Built):
        raise _built_refused("hessian", f)
    gradient = api.grad(f, wrt=wrt)
    positions, _ = structure.resolve_wrt(api.parameters_of(f), wrt)
    columns: list = []  # (the forward-mode jacobian of the gradient, made at the first call)

    def hess(*args: Any, **kwargs: Any) -> Any:
        api.numpy_only("hessian", f, args + tuple(kwargs.values()))
        full = tuple(_bound(f, "hessian", args, kwargs).args)
        refuse_integer_arrays(api.parameters_of(f), positions, full)
        refuse_unshaped(f, positions, full, "hessian")
        # a scalar output (the gradient seeded with 1.0 through a vector output would
        # give the Hessian of its sum): one call of f, on copies, beside n JVPs
        check_scalar(f, on_copies(f, args, kwargs), kind="hessian")
        try:
            if isinstance(wrt, (tuple, list)):
                return _blocks(gradient, positions, args, kwargs)
            if not columns:
                columns.append(jacobian(gradient, wrt=wrt, mode="forward"))
            return columns[0](*args, **kwargs)
        except api.DifferentiationError:
            raise
        except ValueError:  # the likelier cause, if it is: f is not scalar
            check_scalar(f, on_copies(f, args, kwargs), kind="hessian")
            raise

    built = _Built(hess, lambda: api.jvp(gradient, wrt=positions[0]),
                   f"hessian_{getattr(f, '__name__', 'f')}", origin=f)
    if verbose:
        print(built.source)
    return built
