"""Gradient checks against central finite differences, in float64.

Every check goes through the public API only (``s2sad.grad``, ``vjp``,
``jvp``, ``hessian``) and compares with a numerical answer.  Arguments may be
Python floats, ndarrays, or lists / tuples / dicts of them; a gradient must
come back with the type, shape and structure of its argument.

    check_grad(f, *args, wrt=0)       full gradient vs. numerical gradient
    check_vjp(f, *args, wrt=0)        <vjp(u), v> vs. <u, directional derivative along v>
    check_jvp(f, *args, wrt=0)        output tangent vs. directional derivative
    check_hessian(f, x)               hessian vs. finite differences of grad
"""
from __future__ import annotations

import copy
import inspect
import struct
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import s2sad

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6


# ---------------------------------------------------------------- structures

def flatten(x: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """A float64 vector of the leaves of ``x`` and the function that rebuilds ``x``."""
    if isinstance(x, np.ndarray):
        shape = x.shape
        return np.array(x, dtype=float).ravel(), lambda v: np.array(v, dtype=float).reshape(shape)
    if isinstance(x, (list, tuple, dict)):
        keys = list(x) if isinstance(x, dict) else list(range(len(x)))
        parts = [flatten(x[k]) for k in keys]
        sizes = np.cumsum([p[0].size for p in parts])[:-1]
        flat = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)

        def unflatten(v: np.ndarray) -> Any:
            items = [p[1](chunk) for p, chunk in zip(parts, np.split(v, sizes))]
            if isinstance(x, dict):
                return dict(zip(keys, items))
            return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)

        return flat, unflatten
    if isinstance(x, (int, float, np.floating)) and not isinstance(x, bool):
        return np.array([float(x)]), lambda v: float(v[0])
    raise TypeError(f"cannot flatten a {type(x).__name__}")


def random_like(x: Any, rng: np.random.Generator) -> Any:
    """A random value with the structure of ``x`` (normal entries)."""
    flat, unflatten = flatten(x)
    return unflatten(rng.standard_normal(flat.size))


def inner(a: Any, b: Any) -> float:
    """Euclidean inner product of two values of the same structure."""
    return float(np.dot(flatten(a)[0], flatten(b)[0]))


def assert_tree_close(actual: Any, expected: Any, rtol: float | None = RTOL, atol: float = ATOL,
                      where: str = "gradient") -> None:
    """``actual`` has the type/shape/structure of ``expected`` and close values
    (``rtol=None``: compare the structure only)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a dict, got {type(actual).__name__}"
        assert list(actual) == list(expected), f"{where}: keys {list(actual)} != {list(expected)}"
        for k in expected:
            assert_tree_close(actual[k], expected[k], rtol, atol, f"{where}[{k!r}]")
    elif isinstance(expected, (list, tuple)):
        assert type(actual) is type(expected), (
            f"{where}: expected a {type(expected).__name__}, got {type(actual).__name__}")
        assert len(actual) == len(expected), f"{where}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_tree_close(a, e, rtol, atol, f"{where}[{i}]")
    elif isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), (
            f"{where}: expected an ndarray, got {type(actual).__name__}")
        assert actual.shape == expected.shape, f"{where}: shape {actual.shape} != {expected.shape}"
    else:
        assert isinstance(actual, float), f"{where}: expected a float, got {type(actual).__name__}"
    if rtol is not None and not isinstance(expected, (dict, list, tuple)):
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=where)


def bit_identical(a: Any, b: Any) -> bool:
    """Equal to the bit: the same types, shapes and dtypes, NaN equal to NaN, zeros of
    the same sign (containers item by item)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return struct.pack("d", a) == struct.pack("d", b)
    if isinstance(a, complex):
        return bit_identical(a.real, b.real) and bit_identical(a.imag, b.imag)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(bit_identical(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(bit_identical(a[k], b[k]) for k in a)
    return a is b or bool(a == b)


def assert_like(actual: Any, arg: Any, where: str = "gradient") -> None:
    """``actual`` has the type, shape and structure of the argument ``arg``."""
    template = flatten(arg)[1](flatten(arg)[0])  # floats, float arrays, same containers
    assert_tree_close(actual, template, rtol=None, where=where)


def assert_unchanged(before: Any, after: Any) -> None:
    """The caller's arguments were not mutated."""
    if isinstance(before, dict):
        for k in before:
            assert_unchanged(before[k], after[k])
    elif isinstance(before, (list, tuple)):
        assert len(before) == len(after), "a list argument changed length"
        for a, b in zip(before, after):
            assert_unchanged(a, b)
    elif isinstance(before, np.ndarray):
        np.testing.assert_array_equal(after, before, err_msg="an argument array was mutated")
    else:
        assert before == after or (before != before and after != after)


# ------------------------------------------------------------------ numerics

def wrt_positions(f: Callable, wrt: int | str | Sequence[int | str]) -> list[int]:
    """Positions of the ``wrt`` arguments of ``f`` (ints or parameter names)."""
    names = list(inspect.signature(f).parameters)
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    return [names.index(w) if isinstance(w, str) else w for w in items]


def _replace(args: tuple, pos: int, value: Any) -> tuple:
    return args[:pos] + (value,) + args[pos + 1:]


def _call_along(f: Callable, args: tuple, positions: list[int], directions: list[Any],
                t: float) -> Any:
    """``f`` at ``args + t * directions`` (the directions for the ``positions``)."""
    moved = args
    for pos, v in zip(positions, directions):
        x, unflatten = flatten(args[pos])
        moved = _replace(moved, pos, unflatten(x + t * flatten(v)[0]))
    return f(*moved)


def directional(f: Callable, args: tuple, positions: list[int], directions: list[Any],
                eps: float = EPS) -> Any:
    """(f(x + eps v) - f(x - eps v)) / 2 eps, with the output's shape."""
    plus = np.asarray(_call_along(f, args, positions, directions, eps), dtype=float)
    minus = np.asarray(_call_along(f, args, positions, directions, -eps), dtype=float)
    return (plus - minus) / (2 * eps)


def numerical_grad(f: Callable, args: Sequence[Any], wrt: Any = 0, eps: float = EPS) -> Any:
    """Central-difference gradient of scalar ``f``, structured like ``s2sad.grad``'s answer."""
    args = tuple(args)
    grads = []
    for pos in wrt_positions(f, wrt):
        x, unflatten = flatten(args[pos])
        g = np.zeros_like(x)
        for j in range(x.size):
            e = np.zeros_like(x)
            e[j] = 1.0
            g[j] = float(directional(f, args, [pos], [unflatten(e)], eps))
        grads.append(unflatten(g))
    return tuple(grads) if isinstance(wrt, (tuple, list)) else grads[0]


def _as_tuple(value: Any, wrt: Any) -> tuple:
    return tuple(value) if isinstance(wrt, (tuple, list)) else (value,)


# -------------------------------------------------------------------- checks

def check_grad(f: Callable, *args: Any, wrt: Any = 0, rtol: float = RTOL,
               atol: float = ATOL) -> Any:
    """``s2sad.grad(f, wrt=wrt)(*args)`` matches central differences; returns it."""
    saved = copy.deepcopy(args)
    actual = s2sad.grad(f, wrt=wrt)(*args)
    assert_unchanged(saved, args)
    expected = numerical_grad(f, args, wrt)
    assert_tree_close(actual, expected, rtol, atol)
    return actual


def check_vjp(f: Callable, *args: Any, wrt: Any = 0, rtol: float = RTOL, atol: float = ATOL,
              rng: np.random.Generator | None = None) -> Any:
    """<vjp(u), v> == <u, directional derivative of f along v>, random u and v."""
    rng = rng if rng is not None else np.random.default_rng(0)
    out = f(*args)
    u = float(rng.standard_normal()) if np.ndim(out) == 0 else rng.standard_normal(np.shape(out))
    saved = copy.deepcopy(args)
    value, grads = s2sad.vjp(f, wrt=wrt)(*args, u)
    assert_unchanged(saved, args)
    np.testing.assert_allclose(value, out, rtol=1e-10, atol=1e-12, err_msg="vjp value")
    positions = wrt_positions(f, wrt)
    grads = _as_tuple(grads, wrt)
    assert len(grads) == len(positions), "one gradient per wrt entry"
    directions = [random_like(args[p], rng) for p in positions]
    for p, g in zip(positions, grads):
        assert_like(g, args[p], where=f"vjp gradient of argument {p}")
    lhs = sum(inner(g, v) for g, v in zip(grads, directions))
    rhs = inner(u, directional(f, args, positions, directions))
    np.testing.assert_allclose(lhs, rhs, rtol=rtol, atol=atol, err_msg="<vjp(u), v>")
    return grads if isinstance(wrt, (tuple, list)) else grads[0]


def check_jvp(f: Callable, *args: Any, wrt: Any = 0, rtol: float = RTOL, atol: float = ATOL,
              rng: np.random.Generator | None = None) -> Any:
    """The forward-mode output tangent matches the directional derivative."""
    rng = rng if rng is not None else np.random.default_rng(1)
    positions = wrt_positions(f, wrt)
    tangents = [random_like(args[p], rng) for p in positions]
    saved = copy.deepcopy(args)
    value, tangent = s2sad.jvp(f, wrt=wrt)(*args, *tangents)
    assert_unchanged(saved, args)
    out = f(*copy.deepcopy(args))  # (a function that writes into its argument leaves it)
    np.testing.assert_allclose(value, out, rtol=1e-10, atol=1e-12, err_msg="jvp value")
    assert np.shape(tangent) == np.shape(out), "the output tangent has the output's shape"
    expected = directional(f, args, positions, tangents)
    np.testing.assert_allclose(tangent, expected, rtol=rtol, atol=atol, err_msg="jvp tangent")
    return tangent


def check_hessian(f: Callable, x: Any, rtol: float = 1e-4, atol: float = 1e-5) -> Any:
    """``s2sad.hessian(f)(x)`` matches central differences of ``s2sad.grad(f)``."""
    H = s2sad.hessian(f)(x)
    shape = np.shape(x)
    assert np.shape(H) == shape + shape, f"hessian shape {np.shape(H)} != {shape + shape}"
    grad = s2sad.grad(f)
    flat, unflatten = flatten(x)
    rows = []
    for j in range(flat.size):
        e = np.zeros_like(flat)
        e[j] = EPS
        plus = flatten(grad(unflatten(flat + e)))[0]
        minus = flatten(grad(unflatten(flat - e)))[0]
        rows.append((plus - minus) / (2 * EPS))
    expected = np.array(rows).reshape(shape + shape)
    np.testing.assert_allclose(H, expected, rtol=rtol, atol=atol, err_msg="hessian")
    n = flat.size
    np.testing.assert_allclose(np.reshape(H, (n, n)), np.reshape(H, (n, n)).T,
                               rtol=1e-7, atol=1e-9, err_msg="hessian symmetry")
    return H


# ------------------------------------------------------------ argument makers

def normal(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Standard normal entries."""
    return rng.standard_normal(shape)


def pos(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Entries in [0.5, 2): inside the domain of log, sqrt, reciprocal."""
    return rng.uniform(0.5, 2.0, shape)


def unit(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Entries in (-0.9, 0.9): inside the domain of arcsin, arccos, arctanh."""
    return rng.uniform(-0.9, 0.9, shape)


def well_conditioned(rng: np.random.Generator, n: int) -> np.ndarray:
    """An n x n matrix near 3 I: safely invertible."""
    return 3.0 * np.eye(n) + 0.5 * rng.standard_normal((n, n))


def both_modes(cases: list) -> tuple:
    """Two tests over ``(f, make_args, wrt)`` rows: the VJP and the JVP of each row."""
    import pytest
    ids = [f"{c[0].__name__}-{i}" for i, c in enumerate(cases)]

    @pytest.mark.parametrize("f, make_args, wrt", cases, ids=ids)
    def reverse(f, make_args, wrt, rng):
        check_vjp(f, *make_args(rng), wrt=wrt, rng=rng)

    @pytest.mark.parametrize("f, make_args, wrt", cases, ids=ids)
    def forward(f, make_args, wrt, rng):
        check_jvp(f, *make_args(rng), wrt=wrt, rng=rng)

    return reverse, forward


def grad_source(f: Callable, *args: Any, wrt: Any = 0) -> str:
    """The source of ``s2sad.grad(f, wrt=wrt)`` for these arguments (called once)."""
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


def grad_code(f: Callable, *args: Any, wrt: Any = 0) -> str:
    """:func:`grad_source` without its comment lines (what the code does, not says)."""
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))
