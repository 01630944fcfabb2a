"""Jacobians and Hessians from the generated VJPs and JVPs.

``jacobian`` runs one VJP per output element (reverse) or one JVP per input
element (forward); ``"auto"`` picks the mode with fewer runs.  ``hessian`` is
forward-over-reverse: JVPs of the generated gradient.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad import api, structure


def _basis(x: Any):
    """Unit tangents shaped like ``x`` (float for a float)."""
    shape = np.shape(x)
    for k in range(int(np.prod(shape))):
        e = np.zeros(shape)
        e.flat[k] = 1.0
        yield e if shape else 1.0


def _as_array(t: Any, shape: tuple) -> np.ndarray:
    return np.broadcast_to(np.asarray(t, dtype=float), shape)


def forward_columns(fn: Callable, positions: tuple, args: tuple, kwargs: dict) -> list:
    """One JVP per input element: the Jacobian of ``fn`` for each position."""
    out = []
    for i in positions:
        jvp = api.jvp(fn, wrt=i)
        columns = [jvp(*args, e, **kwargs)[1] for e in _basis(args[i])]
        out_shape = np.shape(columns[0]) if columns else ()
        cols = np.stack([_as_array(c, out_shape) for c in columns], axis=-1) if columns else \
            np.zeros(out_shape + (0,))
        out.append(cols.reshape(out_shape + np.shape(args[i])))
    return out


def _reverse(fn: Callable, positions: tuple, args: tuple, kwargs: dict, value: Any) -> list:
    vjp = api.vjp(fn, wrt=positions)
    rows = []
    for e in _basis(value):
        rows.append(vjp(*args, e, **kwargs)[1])
    out = []
    for j, i in enumerate(positions):
        stacked = np.stack([np.asarray(r[j], dtype=float) for r in rows])
        out.append(stacked.reshape(np.shape(value) + np.shape(args[i])))
    return out


def jacobian(f: Callable | None = None, wrt: Any = 0, mode: str = "auto") -> Callable:
    """The Jacobian, shaped ``out.shape + arg.shape`` (a tuple for a tuple ``wrt``)."""
    if f is None:
        return lambda g: jacobian(g, wrt, mode)
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
    positions, many = structure.resolve_wrt(api._differentiable(f), wrt)

    def jac(*args: Any, **kwargs: Any) -> Any:
        bound = structure.bind_call(f, "jacobian", args, kwargs)
        full = tuple(bound.args)
        chosen = mode
        value = None
        if mode != "forward":  # on copies: f may change its arguments in place
            value = f(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args],
                      **kwargs)
        if mode == "auto":
            n_in = sum(int(np.prod(np.shape(full[i]))) for i in positions)
            chosen = "forward" if n_in <= int(np.prod(np.shape(value))) else "reverse"
        if chosen == "forward":
            out = forward_columns(f, positions, full, bound.kwargs)
        else:
            out = _reverse(f, positions, full, bound.kwargs, value)
        out = [o if o.shape else float(o) for o in out]
        return tuple(out) if many else out[0]
    jac.__name__ = f"jacobian_{getattr(f, '__name__', 'f')}"
    return jac


def hessian(f: Callable | None = None, wrt: Any = 0) -> Callable:
    """The Hessian of a scalar function, shaped ``arg.shape + arg.shape``."""
    if f is None:
        return lambda g: hessian(g, wrt)
    gradient = api.grad(f, wrt=wrt)

    def hess(*args: Any, **kwargs: Any) -> Any:
        return jacobian(gradient, wrt=wrt, mode="forward")(*args, **kwargs)
    hess.__name__ = f"hessian_{getattr(f, '__name__', 'f')}"
    return hess
