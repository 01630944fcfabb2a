"""A Jacobian built from generated derivatives run once per basis vector: columns from
JVPs (one per input element) or rows from VJPs (one per output element), the mode with
fewer runs, and the results shaped as JAX nests them (per item, then per position)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad import api, structure
from s2sad.call_checks import defined_at
from s2sad.differentiable import differentiable
from s2sad.errors import DifferentiationError


def _basis(x: Any):
    """Unit tangents shaped like ``x`` (float for a float), in its precision: a float32
    argument's or output's seed keeps the derivative in float32, as grad gives it."""
    shape = np.shape(x)
    dtype = _floating(x).dtype if shape else float
    for k in range(int(np.prod(shape))):
        e = np.zeros(shape, dtype=dtype)
        e.flat[k] = 1.0
        yield e if shape else 1.0


def _like(e: Any, x: Any) -> Any:
    """A unit tangent in the structure of ``x``: a list or tuple of numbers (or of
    equal-shaped arrays) takes it item by item, as a jvp takes its tangent."""
    if isinstance(x, (list, tuple)):
        items = [_like(ei, xi) for ei, xi in zip(e, x)]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
    return e if isinstance(x, np.ndarray) or np.shape(e) else float(e)


def _floating(t: Any) -> np.ndarray:
    """``t`` as an array of its own float precision (float32 stays float32, as a
    gradient of float32 arguments is), complex where it is; integers and bools become
    float64."""
    a = np.asarray(t)
    return a if a.dtype.kind in "fc" else a.astype(float)


def _as_array(t: Any, shape: tuple) -> np.ndarray:
    """A column (or row) as a float array, complex where it is (a complex output's)."""
    return np.broadcast_to(_floating(t), shape)


def forward_columns(fn: Callable, positions: tuple, args: tuple, kwargs: dict,
                    jvps: dict | None = None) -> list:
    """One JVP per input element: the Jacobian of ``fn`` for each position (a tuple of
    them, one per output item, for a tuple output); ``jvps``: the JVPs made at earlier
    calls, by function and position (a Hessian in a Newton loop makes them once)."""
    out: list = []
    gradient = isinstance(fn, api.Derivative) and fn.kind == "grad"  # (a hessian's)
    if gradient and not kwargs:
        fn = differentiable(fn, args)  # the gradient for these arguments' ranks
    jvps = {} if jvps is None else jvps
    for i in positions:
        if (fn, i) not in jvps:
            if len(jvps) > 16:
                jvps.clear()
            jvps[fn, i] = api.jvp(fn, wrt=i)
        columns = [c[1] for c in _repeated(jvps[fn, i], args, kwargs,
                                           [_like(e, args[i]) for e in _basis(args[i])])]
        if gradient:  # (shaped like its argument, a list or tuple of numbers too)
            columns = [_floating(c) for c in columns]
        if columns and _items(columns[0]):  # a tuple of outputs: a Jacobian per item
            per_leaf = [leaves(c) for c in columns]
            out.append(rebuilt(columns[0], [_stacked([c[k] for c in per_leaf], args[i])
                                            for k in range(len(per_leaf[0]))]))
            continue
        _check_unstructured(fn, columns[0] if columns else None)
        out_shape = np.shape(columns[0]) if columns else np.shape(fn(*args, **kwargs))
        cols = np.stack([_as_array(c, out_shape) for c in columns], axis=-1) if columns else \
            np.zeros(out_shape + (0,))
        out.append(cols.reshape(out_shape + np.shape(args[i])))
    return out


def _repeated(d: Any, args: tuple, kwargs: dict, seeds: list) -> list:
    """``d(*args, seed, **kwargs)`` per seed: through one lookup of the variant where
    ``d`` is a Derivative (a library function's is made per call)."""
    if isinstance(d, api.Derivative):
        return d.repeated(args, kwargs, seeds)
    return [d(*args, s, **kwargs) for s in seeds]


def _items(value: Any) -> bool:
    """A tuple, list or dict of arrays and numbers, or of such containers (``return loss,
    residuals``, ``{"mean": m, "parts": (a, b)}``): its Jacobian is one per item, nested
    as the output is, as JAX's ``jacrev`` / ``jacfwd`` give them."""
    return isinstance(value, (tuple, list, dict)) and bool(value) and all(
        isinstance(v, (np.ndarray, float, int, np.number)) for v in leaves(value))


def leaves(value: Any) -> list:
    """The arrays and numbers a tuple, list or dict holds, nested ones too, in order."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in leaves(v)]
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in leaves(v)]
    return [value]


def rebuilt(like: Any, items: list) -> Any:
    """``like`` with its leaves replaced by ``items`` (in :func:`leaves`' order); the
    outer level a tuple (one Jacobian per item of a returned tuple or list)."""
    it = iter(items)

    def build(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: build(x) for k, x in v.items()}
        if isinstance(v, (tuple, list)):
            return type(v)(build(x) for x in v)
        return next(it)
    made = build(like)
    return tuple(made) if isinstance(made, list) else made


def _stacked(columns: list, x: Any) -> Any:
    """One output item's Jacobian from its columns (one per element of ``x``)."""
    shape = np.shape(columns[0])
    cols = np.stack([_as_array(c, shape) for c in columns], axis=-1)
    return cols.reshape(shape + np.shape(x))


def _reverse_items(fn: Callable, positions: tuple, args: tuple, kwargs: dict,
                   value: Any) -> list:
    """The Jacobians of each item of a tuple output, one VJP per element of each: a
    list (one per position) of tuples (one per item)."""
    vjp = api.vjp(fn, wrt=positions)
    items = leaves(value)
    zeros = [np.zeros_like(_floating(v)) if np.shape(v) else 0.0 for v in items]
    per_item = []
    for k, item in enumerate(items):
        rows = [vjp(*args, _shaped_as(value, zeros[:k] + [e] + zeros[k + 1:]), **kwargs)[1]
                for e in _basis(item)]
        per_item.append([np.stack([_floating(r[j]) for r in rows]).reshape(
            np.shape(item) + np.shape(args[i])) for j, i in enumerate(positions)])
    return [rebuilt(value, [per_item[k][j] for k in range(len(items))])
            for j in range(len(positions))]


def _shaped_as(value: Any, items: list) -> Any:
    """A cotangent of ``value``'s structure (a returned list stays a list) of ``items``."""
    made = rebuilt(value, items)
    return list(made) if isinstance(value, list) else made


def _check_unstructured(fn: Callable, value: Any) -> None:
    """A Jacobian is of an array or number output: a tuple, list or dict of them has one
    per item, which the caller takes item by item."""
    if structure.is_structured(value):
        raise DifferentiationError(
            f"{defined_at(fn)}: jacobian of {getattr(fn, '__name__', 'f')}: its output is "
            f"a {type(value).__name__}; take the jacobian of each item (lambda x: f(x)[0]), "
            "or use s2sad.vjp / s2sad.jvp, which take structured outputs")


def _reverse(fn: Callable, positions: tuple, args: tuple, kwargs: dict, value: Any,
             made: dict) -> list:
    """One VJP per output element (``made``: the VJP made at the first call, reused)."""
    if "vjp" not in made:
        made["vjp"] = api.vjp(fn, wrt=positions)
    rows = [r[1] for r in _repeated(made["vjp"], args, kwargs, list(_basis(value)))]
    out = []
    for j, i in enumerate(positions):
        stacked = np.stack([_floating(r[j]) for r in rows])
        out.append(stacked.reshape(np.shape(value) + np.shape(args[i])))
    return out


def _mode(f: Callable, mode: str, positions: tuple, args: tuple, value: Any) -> str:
    """The mode with fewer runs (``"auto"``): a JVP per input element or a VJP per output
    element (of all the items of a tuple output)."""
    if not _items(value):
        _check_unstructured(f, value)
    if any(np.iscomplexobj(v) for v in (leaves(value) if _items(value) else [value])):
        if mode == "reverse":  # (a VJP with real unit cotangents reads the real parts)
            raise DifferentiationError(
                f"{defined_at(f)}: jacobian of {getattr(f, '__name__', 'f')}: its output "
                "is complex, whose Jacobian reverse mode does not give; use "
                "mode='forward' (or 'auto')")
        return "forward"
    if mode != "auto":
        return mode
    n_out = sum(int(np.size(v)) for v in leaves(value)) if _items(value) else \
        int(np.size(value))
    n_in = sum(int(np.size(args[i])) for i in positions)
    return "forward" if n_in <= n_out else "reverse"


def _result(out: list, many: bool) -> Any:
    """A Jacobian per position (a tuple for many), numbers as floats; per item first
    for a structured output."""
    if out and isinstance(out[0], (tuple, dict)):
        return _by_item(out, many)
    out = [o if o.shape else complex(o) if np.iscomplexobj(o) else float(o) for o in out]
    return tuple(out) if many else out[0]


def _by_item(out: list, many: bool) -> Any:
    """Per position per item as JAX nests them: per item (the output's structure), then
    per position."""
    trees = [rebuilt(o, [x if np.shape(x) else float(x) for x in leaves(o)]) for o in out]
    if not many:
        return trees[0]
    per_tree = [leaves(t) for t in trees]
    return rebuilt(trees[0], [tuple(p[k] for p in per_tree) for k in range(len(per_tree[0]))])
