"""How each family of primitives (:mod:`s2sad.rules.patterns`) moves the input sets
of the sparsity stage: one function per family, given the interpreter, the callable,
the value Python computes, and the arguments (constants or :class:`deps.Dep`)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.compiler import dep_operations as ops
from s2sad.compiler import deps
from s2sad.compiler.deps import Dep, Unmodelled, plain
from s2sad.rules import patterns


def anything(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(ops.anything(v, [args, kwargs]) for v in value)
    if not isinstance(value, (np.ndarray, np.generic, int, float, complex, bool)):
        raise Unmodelled(f"a {type(value).__name__} made from the inputs by {fn!r}")
    return ops.anything(value, [args, kwargs])


def _no_derivative(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(deps.no_derivative(v, machine.width) for v in value)
    return deps.no_derivative(value, machine.width)


def _elementwise(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if isinstance(value, (tuple, list)):  # np.where(mask): the indices
        return anything(machine, fn, value, args, kwargs)
    if deps.contains_dep(kwargs) and not set(kwargs) <= {"out", "where", "dtype"}:
        return anything(machine, fn, value, args, kwargs)
    if any(isinstance(a, (list, tuple)) and deps.contains_dep(a) for a in args):
        return anything(machine, fn, value, args, kwargs)
    return ops.elementwise(value, args)


def _moves(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if fn in patterns.GATHERS and isinstance(args[0], (list, tuple)):
        return _gathers(machine, fn, value, args, kwargs)
    if not isinstance(args[0], Dep) or deps.contains_dep([args[1:], kwargs]):
        return anything(machine, fn, value, args, kwargs)
    rest = {k: v for k, v in kwargs.items() if k not in ("dtype", "copy", "order")}
    if fn is np.pad and "constant_values" in rest:
        rest["constant_values"] = 0
    return ops.moved(value, lambda ids: fn(ids[0], *args[1:], **rest), [args[0]])


def _gathers(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    leaves: list = []
    shape = _leaves(args[0], leaves)
    if deps.contains_dep([args[1:], kwargs]):
        return anything(machine, fn, value, args, kwargs)
    rest = {k: v for k, v in kwargs.items() if k not in ("dtype", "copy", "order")}
    return ops.moved(value, lambda ids: fn(_rebuild(shape, iter(ids)), *args[1:], **rest),
                     leaves)


def _leaves(x: Any, out: list) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(_leaves(v, out) for v in x)
    out.append(x)
    return None


def _rebuild(shape: Any, ids: Any) -> Any:
    if isinstance(shape, (list, tuple)):
        return type(shape)(_rebuild(v, ids) for v in shape)
    return next(ids)


def _axis(args: list, kwargs: dict, position: int, default: Any) -> Any:
    if "axis" in kwargs:
        return kwargs["axis"]
    return args[position] if len(args) > position else default


def _reductions(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    position, default = patterns.REDUCTIONS[fn]
    axis = _axis(args, kwargs, position, default)
    extra = [a for k, a in enumerate(args) if k not in (0, position)]
    if not isinstance(args[0], Dep) or deps.contains_dep(extra + [kwargs]) or \
            isinstance(value, tuple):
        return anything(machine, fn, value, args, kwargs)
    return ops.reduced(value, args[0], axis)


def _fibres(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    position, default = patterns.FIBRES[fn]
    axis = _axis(args, kwargs, position, default)
    if not isinstance(args[0], Dep) or deps.contains_dep([args[1:], kwargs]) or axis is None:
        return anything(machine, fn, value, args, kwargs)
    return ops.reduced(value, args[0], axis)


def _prefixes(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    axis = _axis(args, kwargs, *patterns.PREFIXES[fn])
    if not isinstance(args[0], Dep) or deps.contains_dep([args[1:], kwargs]) or \
            np.shape(value) != args[0].shape:
        return anything(machine, fn, value, args, kwargs)
    if axis is None:
        flat = ops.moved(np.ravel(args[0].value), lambda ids: np.ravel(ids[0]), [args[0]])
        return ops.prefix(value, flat, 0) if np.ndim(value) <= 1 else \
            anything(machine, fn, value, args, kwargs)
    return ops.prefix(value, args[0], axis)


def _products(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if len(args) != 2 or kwargs:
        return anything(machine, fn, value, args, kwargs)
    return ops.matmul(value, *args)


def _writes(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    x, idx, v = args
    if isinstance(x, (list, dict)):
        return fn(x, idx, v)
    if deps.contains_dep(idx):
        return anything(machine, fn, value, args, kwargs)
    if isinstance(value, np.ndarray) and not isinstance(x, deps.Num) and \
            deps.is_number(value[idx]) and deps.is_number(plain(v)):
        machine.owned.add(id(value))  # a copy made by setitem: later writes go in place
        return ops.written(value, x, idx, v, machine.width)

    def write(ids: list) -> np.ndarray:
        out = np.array(ids[0], copy=True)
        out[idx] = ids[1]
        return out
    return ops.moved(value, write, [x, v])


def _scatters(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    x, idx, v = args
    if deps.contains_dep(idx) or not isinstance(plain(x), np.ndarray):
        return anything(machine, fn, value, args, kwargs)
    return ops.scattered(value, x, idx, v)


def _accumulates(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    acc, _, idx, g = args
    if deps.contains_dep(idx) or not isinstance(value, np.ndarray):
        return anything(machine, fn, value, [acc, g], kwargs)
    return ops.scattered(value, acc, idx, g)


def _clears(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    g, idx = args
    if deps.contains_dep(idx) or not isinstance(g, Dep) or not isinstance(value, np.ndarray):
        return anything(machine, fn, value, args, kwargs)

    def clear(ids: list) -> np.ndarray:
        out = np.array(ids[0], copy=True)
        out[idx] = 0
        return out
    return ops.moved(value, clear, [g])


def _shaped(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if not deps.contains_dep([args[0], kwargs]):
        return value  # a constant spread to a shape
    if not isinstance(args[0], Dep) or deps.contains_dep(kwargs):
        return anything(machine, fn, value, args, kwargs)
    rest = plain(args[1:])
    return ops.moved(value, lambda ids: fn(ids[0], *rest), [args[0]])


def _unbroadcasts(machine: Any, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    g = args[0]
    if not deps.contains_dep(g):
        return value  # a constant summed to a shape
    if not isinstance(g, Dep):
        return anything(machine, fn, value, args, kwargs)
    target, shape = np.shape(value), g.shape
    if target == shape:
        return ops.moved(value, lambda ids: ids[0], [g])
    lead = len(shape) - len(target)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(target)
                                      if n == 1 and shape[lead + i] != 1)
    return ops.reduced(value, g, axes) if axes else anything(machine, fn, value, args, {})


RULES: dict[str, Callable] = {
    "no_derivative": _no_derivative, "elementwise": _elementwise, "moves": _moves,
    "reductions": _reductions, "fibres": _fibres, "prefixes": _prefixes, "products": _products,
    "writes": _writes, "scatters": _scatters, "accumulates": _accumulates,
    "clears": _clears, "shaped": _shaped, "unbroadcasts": _unbroadcasts,
}
