"""The rows of the rule table test: one or more calls per registered primitive,
with arguments drawn from each function's domain (seeded, so deterministic).

``R(fn, *args, wrt=..., **kwargs)`` is one call; ``wrt`` lists the positions
to check (default: every float-valued argument the rule differentiates).
``binary(fn, mx, my)`` adds the broadcasting cases every binary op must pass:
equal shapes, (3, 4) & (4,), (3, 1) & (1, 4), scalar & array, array & scalar.

Each row draws from its own stream.  ``N(3, 4)`` (and ``P``, ``U``, ``G``, ``H``,
``well``, ``spd``) only describes an argument; arithmetic, indexing, attributes and
NumPy functions on descriptions describe too (``0.5 * N(4) - 0.5``, ``np.std(A)``),
``later(f)(...)`` defers any other function, ``drawn(f, ...)`` calls ``f(..., rng)``.
``R`` draws them with a generator seeded (zlib.crc32) from the calling module, the
function, a description of the arguments and the row's ordinal among rows with all
three equal: adding a row changes no other row's data (test_rule_rows.py checks it).
The same description used in two rows is drawn afresh in each; within one row, once.
"""
from __future__ import annotations

import contextlib
import math
import operator
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from s2sad import runtime as rt

SEED = 20240601


class Lazy:
    """An argument described, drawn when its row is registered, with the row's stream."""

    __array_priority__ = 1000

    def __init__(self, make: Callable, *args: Any, **kwargs: Any) -> None:
        self.make, self.args, self.kwargs = make, args, kwargs

    def value(self, r: np.random.Generator, memo: dict) -> Any:
        if id(self) not in memo:
            args = materialize(self.args, r, memo)
            kwargs = materialize(self.kwargs, r, memo)
            memo[id(self)] = (self, self.make(*args, **kwargs))  # (self: keeps the id alive)
        return memo[id(self)][1]

    def describe(self) -> str:
        return f"{_name(self.make)}({describe(self.args)}, {describe(self.kwargs)})"

    # descriptions compose: x + 1, x[0], x.T, x.reshape(2, 6), np.std(x), np.sign(x) ...
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Lazy:
        return Lazy(ufunc if method == "__call__" else getattr(ufunc, method), *inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Lazy:
        return Lazy(func, *args, **kwargs)

    def __getattr__(self, name: str) -> Lazy:
        if name.startswith("_"):
            raise AttributeError(name)
        return Lazy(getattr, self, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Lazy:
        return Lazy(_call, self, *args, **kwargs)

    def __getitem__(self, key: Any) -> Lazy:
        return Lazy(operator.getitem, self, key)

    def __iter__(self) -> Iterator:
        raise TypeError("a described argument has no items before it is drawn")

    def __bool__(self) -> bool:
        raise TypeError("a described argument has no truth value before it is drawn")


def _call(f: Callable, *args: Any, **kwargs: Any) -> Any:
    return f(*args, **kwargs)


def _binary(op: Callable, swap: bool = False) -> Callable:
    if swap:
        return lambda self, other: Lazy(op, other, self)
    return lambda self, other: Lazy(op, self, other)


for _op in ("add", "sub", "mul", "truediv", "pow"):
    setattr(Lazy, f"__{_op}__", _binary(getattr(operator, _op)))
    setattr(Lazy, f"__r{_op}__", _binary(getattr(operator, _op), swap=True))
for _op in ("gt", "lt", "ge", "le", "matmul"):
    setattr(Lazy, f"__{_op}__", _binary(getattr(operator, _op)))
Lazy.__neg__ = lambda self: Lazy(operator.neg, self)  # type: ignore[method-assign]


class Draw(Lazy):
    """``kind(*shape)`` drawn from the row's stream (a float when the shape is ())."""

    def __init__(self, kind: str, shape: tuple[int, ...]) -> None:
        super().__init__(DRAWS[kind], *shape)
        self.kind, self.shape = kind, shape

    def value(self, r: np.random.Generator, memo: dict) -> Any:
        if id(self) not in memo:
            memo[id(self)] = (self, self.make(r, self.shape))
        return memo[id(self)][1]

    def describe(self) -> str:
        return f"{self.kind}{self.shape}"


def _scalar_or(x: np.ndarray, shape: tuple) -> Any:
    return float(x) if not shape else x


def _well(r: np.random.Generator, shape: tuple) -> np.ndarray:
    n = shape[-1]
    return r.standard_normal(shape + (n,)) + n * np.eye(n)


def _spd(r: np.random.Generator, shape: tuple) -> np.ndarray:
    a = r.standard_normal(shape + (shape[-1],))
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


DRAWS: dict[str, Callable] = {
    "N": lambda r, s: _scalar_or(r.standard_normal(s), s),
    "P": lambda r, s: _scalar_or(r.uniform(0.5, 2.0, s), s),  # positive, away from 0
    "U": lambda r, s: _scalar_or(r.uniform(-0.8, 0.8, s), s),  # inside (-1, 1)
    "G": lambda r, s: _scalar_or(r.uniform(1.2, 3.0, s), s),  # above 1
    "H": lambda r, s: _scalar_or(r.uniform(0.1, 0.9, s), s),  # inside (0, 1)
    "well": _well,  # well-conditioned n x n matrices: well(batch..., n)
    "spd": _spd,  # symmetric positive definite: spd(batch..., n)
}


def N(*shape: int) -> Any:  # standard normal
    return Draw("N", shape)


def P(*shape: int) -> Any:  # positive, away from 0
    return Draw("P", shape)


def U(*shape: int) -> Any:  # inside (-1, 1)
    return Draw("U", shape)


def G(*shape: int) -> Any:  # above 1
    return Draw("G", shape)


def H(*shape: int) -> Any:  # inside (0, 1)
    return Draw("H", shape)


def well(*shape: int) -> Any:  # well-conditioned n x n matrices: well(batch..., n)
    return Draw("well", shape)


def spd(*shape: int) -> Any:  # symmetric positive definite: spd(batch..., n)
    return Draw("spd", shape)


def later(f: Callable) -> Callable[..., Lazy]:
    """``later(f)(*args)``: ``f`` called on the drawn arguments (scipy's factorizations)."""
    return lambda *args, **kwargs: Lazy(f, *args, **kwargs)


def drawn(f: Callable, *args: Any) -> Lazy:
    """``f(*drawn args, rng)``: a maker that takes the row's generator itself."""
    return _WithRng(f, *args)


class _WithRng(Lazy):
    def value(self, r: np.random.Generator, memo: dict) -> Any:
        if id(self) not in memo:
            memo[id(self)] = (self, self.make(*materialize(self.args, r, memo), r))
        return memo[id(self)][1]


def materialize(x: Any, r: np.random.Generator, memo: dict | None = None) -> Any:
    """``x`` with every description in it drawn from ``r`` (depth first, left to right)."""
    memo = {} if memo is None else memo
    if isinstance(x, Lazy):
        return x.value(r, memo)
    if isinstance(x, (list, tuple)):
        return type(x)(materialize(v, r, memo) for v in x)
    if isinstance(x, dict):
        return {k: materialize(v, r, memo) for k, v in x.items()}
    return x


def draw(x: Any, seed: Any) -> Any:
    """A description drawn outside the table (``draw(real_eig(4), 3)``)."""
    return materialize(x, np.random.default_rng(seed))


def _name(f: Any) -> str:
    module = getattr(f, "__module__", None) or ""
    return f"{module}.{getattr(f, '__qualname__', None) or getattr(f, '__name__', repr(f))}"


def describe(x: Any) -> str:
    """A stable text for a row's arguments (no addresses): what its seed is made of."""
    if isinstance(x, Lazy):
        return x.describe()
    if isinstance(x, (list, tuple)):
        return f"{type(x).__name__}[{', '.join(describe(v) for v in x)}]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}={describe(v)}" for k, v in x.items()) + "}"
    if isinstance(x, np.ndarray):
        return f"array{x.shape}{x.dtype}:{zlib.crc32(np.ascontiguousarray(x).tobytes())}"
    if x is None or isinstance(x, (bool, int, float, complex, str, slice, np.generic)):
        return repr(x)
    if callable(x):
        return _name(x)
    return type(x).__name__


def symmetric(x: np.ndarray, r: np.random.Generator) -> np.ndarray:
    v = r.standard_normal(x.shape)
    return v + np.swapaxes(v, -1, -2)


@dataclass(eq=False)
class Row:
    fn: Any
    args: tuple
    kwargs: dict
    wrt: tuple | None = None
    direction: Callable | None = None  # v = direction(x, rng) instead of normal noise
    g_none: bool = False  # a tuple/list output's adjoint gets a None entry
    label: str = field(default="")
    index: int = 0
    key: str = ""  # module | function | arguments described | ordinal among equal ones
    seed: int = 0  # zlib.crc32 of the key: the row's own stream (its data, its directions)


ROWS: list[Row] = []
_ORDINALS: dict[int, tuple[list[Row], dict[str, int]]] = {}
_TARGETS: list[list[Row]] = [ROWS]


@contextlib.contextmanager
def collecting(rows: list[Row]) -> Iterator[list[Row]]:
    """``R`` appends to ``rows`` instead of ``ROWS`` inside the block."""
    _TARGETS.append(rows)
    try:
        yield rows
    finally:
        _TARGETS.pop()


def row_rng(seed: int, *more: int) -> np.random.Generator:
    return np.random.default_rng([SEED, seed, *more])


def register(rows: list[Row], module: str, fn: Any, args: tuple, kwargs: dict,
             wrt: tuple | None = None, direction: Callable | None = None,
             g_none: bool = False) -> Row:
    stem = f"{module}|{_name(fn)}|{describe(args)}|{describe(kwargs)}"
    counts = _ORDINALS.setdefault(id(rows), (rows, {}))[1]  # (holds rows: its id stays)
    ordinal = counts[stem] = counts.get(stem, -1) + 1
    key = f"{stem}|{ordinal}"
    seed = zlib.crc32(key.encode())
    memo: dict = {}
    r = row_rng(seed)
    drawn_args = materialize(args, r, memo)
    drawn_kwargs = materialize(kwargs, r, memo)
    name = getattr(fn, "__name__", str(fn))
    row = Row(fn, drawn_args, drawn_kwargs, wrt, direction, g_none, f"{name}-{len(rows)}",
              len(rows), key, seed)
    rows.append(row)
    return row


def _module(depth: int) -> str:
    return sys._getframe(depth + 1).f_globals.get("__name__", "?")


def R(fn: Any, *args: Any, wrt: tuple | None = None, direction: Callable | None = None,
      g_none: bool = False, **kwargs: Any) -> None:
    register(_TARGETS[-1], _module(1), fn, args, kwargs, wrt, direction, g_none)


def binary(fn: Any, mx: Callable = N, my: Callable = N) -> None:
    module = _module(1)
    for a, b in [(mx(3, 4), my(3, 4)), (mx(3, 4), my(4)), (mx(3, 1), my(1, 4)), (mx(), my(3)),
                 (mx(2, 3), my())]:
        register(_TARGETS[-1], module, fn, (a, b), {})


def unary(fn: Any, m: Callable = N) -> None:
    module = _module(1)
    register(_TARGETS[-1], module, fn, (m(3, 4),), {})
    register(_TARGETS[-1], module, fn, (m(),), {})


# ----- operators and builtins -----
for _f, _mx, _my in [(operator.add, N, N), (operator.sub, N, N), (operator.mul, N, N),
                     (operator.truediv, N, P), (operator.pow, P, N), (operator.mod, N, P)]:
    binary(_f, _mx, _my)
    R(_f, _mx(), _my())
R(operator.pow, N(3), 2, wrt=(0,))
R(operator.pow, N(), 3, wrt=(0,))
R(operator.neg, N(3)); R(operator.neg, N())  # noqa: E702
R(operator.pos, N(3))
R(operator.abs, N(3))
for _a, _b in [((3, 4), (4,)), ((4,), (4, 5)), ((4,), (4,)), ((3, 4), (4, 5)),
               ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2))]:
    R(operator.matmul, N(*_a), N(*_b))
    R(np.matmul, N(*_a), N(*_b))
R(abs, N()); R(abs, N(3))  # noqa: E702
R(max, 1.5, 0.5); R(max, -1.0, 2.0); R(min, 1.5, 0.5); R(min, -1.0, 2.0)  # noqa: E702
R(pow, P(), N()); R(pow, P(3), 2.5)  # noqa: E702
R(sum, [N(3), N(3), N(1)]); R(sum, [N(), N()], N()); R(sum, N(3, 4))  # noqa: E702
R(float, N()); R(float, N(1)[0:1].reshape(()))  # noqa: E702

# ----- math -----
for _f, _m in [(math.sqrt, P), (math.exp, N), (math.expm1, N), (math.log, P), (math.log1p, P),
               (math.log2, P), (math.log10, P), (math.fabs, N), (math.sin, N), (math.cos, N),
               (math.tan, U), (math.asin, U), (math.acos, U), (math.atan, N), (math.sinh, N),
               (math.cosh, N), (math.tanh, N), (math.asinh, N), (math.acosh, G), (math.atanh, U),
               (math.degrees, N), (math.radians, N), (math.erf, N), (math.erfc, N),
               (math.lgamma, P), (math.gamma, P)]:
    R(_f, _m())
if hasattr(math, "cbrt"):
    R(math.cbrt, N()); R(math.exp2, N())  # noqa: E702
R(math.log, P(), 2.0 + P())
R(math.pow, P(), N())
R(math.copysign, N(), -1.0, wrt=(0,))
R(math.fmod, P() + 2.0, P())
R(math.atan2, N(), N())
R(math.hypot, N(), N()); R(math.hypot, N(), N(), N())  # noqa: E702
R(math.fsum, [N(), N(), N()])

# ----- numpy elementwise -----
for _f, _m in [(np.negative, N), (np.positive, N), (np.reciprocal, P), (np.square, N),
               (np.sqrt, P), (np.cbrt, N), (np.exp, N), (np.exp2, N), (np.expm1, N), (np.log, P),
               (np.log2, P), (np.log10, P), (np.log1p, P), (np.sin, N), (np.cos, N), (np.tan, U),
               (np.arcsin, U), (np.arccos, U), (np.arctan, N), (np.sinh, N), (np.cosh, N),
               (np.tanh, N), (np.arcsinh, N), (np.arccosh, G), (np.arctanh, U), (np.deg2rad, N),
               (np.radians, N), (np.rad2deg, N), (np.degrees, N), (np.sinc, N),
               (np.absolute, N), (np.fabs, N), (np.nan_to_num, N), (np.real, N),
               (np.imag, N), (np.conjugate, N)]:
    unary(_f, _m)
R(np.sinc, np.array([0.0, 0.5, -1.5]))
_inf = np.array([[1.0, np.nan, -np.inf], [np.inf, -0.5, np.nan]])
R(np.nan_to_num, _inf, True, 0.5, 3.0, -2.0, wrt=(0, 2, 3, 4))
R(np.nan_to_num, _inf, nan=N(2, 3), posinf=N(), neginf=N(3), wrt=(0,))
unary(np.i0, N); R(np.i0, np.array([0.0, 3.5, -12.0]))  # noqa: E702
for _f, _mx, _my in [(np.add, N, N), (np.subtract, N, N), (np.multiply, N, N),
                     (np.divide, N, P), (np.power, P, N), (np.float_power, P, N),
                     (np.remainder, N, P), (np.fmod, P, P), (np.logaddexp, N, N),
                     (np.logaddexp2, N, N), (np.arctan2, N, N), (np.hypot, N, N),
                     (np.maximum, N, N), (np.minimum, N, N), (np.fmax, N, N), (np.fmin, N, N)]:
    binary(_f, _mx, _my)
R(np.power, N(3, 4), 3, wrt=(0,))
binary(np.nextafter)
R(np.copysign, N(3, 4), N(4), wrt=(0,))
R(np.copysign, N(4), N(3, 4), wrt=(0,)); R(np.copysign, N(), N(3), wrt=(0,))  # noqa: E702
R(np.fmax, np.array([1.0, np.nan, 2.0]), np.array([np.nan, 0.5, 3.0]))
R(np.clip, N(3, 4), -0.5, 0.5, wrt=(0,))
R(np.clip, N(3, 4), -0.5 - 0.5 * H(4), 0.5 + 0.5 * H(3, 1))  # lo < hi: the rule's domain
R(np.clip, N(3, 4), None, 0.3 * N(4))
R(np.where, N(3, 4) > 0, N(3, 4), N(4), wrt=(1, 2))
R(np.where, N(3, 1) > 0, N(4), 0.0, wrt=(1,))
R(np.where, N(4) > 0, 1.0, N(3, 4), wrt=(2,))

# ----- scipy.special -----
try:
    import scipy.special as sp
except ImportError:
    sp = None
if sp is not None:
    for _f, _m in [(sp.expit, N), (sp.ndtr, N), (sp.logit, H), (sp.erf, N), (sp.erfc, N),
                   (sp.gammaln, P), (sp.digamma, P), (sp.log_expit, N)]:
        unary(_f, _m)
    R(sp.logsumexp, N(3, 4)); R(sp.logsumexp, N(2, 3, 4), axis=(0, 2))  # noqa: E702
    R(sp.logsumexp, N(3, 4), axis=1, keepdims=True)
    R(sp.logsumexp, N(3, 4), axis=1, b=P(3, 4), wrt=(0,))
    R(sp.logsumexp, N(3, 4), 1, P(3, 4), wrt=(0, 2))  # b differentiated too
    R(sp.logsumexp, N(3, 4), None, P(4), wrt=(0, 2)); R(sp.logsumexp, N(3), 0, P(3), wrt=(2,))  # noqa
    for _f in (sp.softmax, sp.log_softmax):
        R(_f, N(3, 4)); R(_f, N(3, 4), axis=1)  # noqa: E702

# ----- reductions -----
_nan = np.array([[1.0, np.nan, -0.5], [0.3, 2.0, np.nan]])
for _f in (np.sum, np.mean, np.prod, np.max, np.amax, np.min, np.amin, np.nanmax, np.nanmin,
           np.var, np.std, np.nansum, np.nanmean):
    R(_f, N(2, 3, 4))
    R(_f, N(2, 3, 4), axis=1)
    R(_f, N(2, 3, 4), axis=(0, 2), keepdims=True)
    R(_f, [N(), N(), N()])
for _f in (np.nansum, np.nanmean, np.nanmax, np.nanmin):
    R(_f, _nan); R(_f, _nan, axis=0)  # noqa: E702
R(np.sum, [N(3), N(3)], axis=0)
R(np.mean, [N(2), N(2), N(2)], axis=0)
R(np.prod, np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]]), axis=1)
R(np.prod, np.array([1.5, 0.0, 2.0, -1.0]))
R(np.var, N(3, 4), ddof=1); R(np.std, N(3, 4), axis=0, ddof=1)  # noqa: E702
R(np.average, N(3, 4)); R(np.average, N(3, 4), 1)  # noqa: E702
R(np.average, N(3, 4), None, P(3, 4))
R(np.average, N(3, 4), 1, P(4))
R(np.average, N(3, 4), 0, P(3), keepdims=True)
R(np.cumsum, N(3, 4)); R(np.cumsum, N(3, 4), 1)  # noqa: E702
R(np.cumprod, N(3, 4)); R(np.cumprod, N(3, 4), axis=0)  # noqa: E702
R(np.cumprod, np.array([[1.5, 0.0, 2.0, -0.5], [0.5, 2.0, 0.0, 0.0]]), axis=1)
R(np.diff, N(5)); R(np.diff, N(4, 5), 2, 0)  # noqa: E702

# ----- shapes -----
_A = N(3, 4)
R(np.reshape, _A, (2, 6)); R(np.reshape, _A, (6, 2), order="F")  # noqa: E702
R(rt.reshape_method, _A, 2, 6); R(rt.reshape_method, _A, (6, -1))  # noqa: E702
R(np.ravel, N(3, 4)); R(np.ravel, N(3, 4), order="F")  # noqa: E702
R(np.squeeze, N(3, 1, 4)); R(np.squeeze, N(1, 3, 1), axis=0)  # noqa: E702
R(np.expand_dims, N(3, 4), 1); R(np.expand_dims, N(3), (0, 2))  # noqa: E702
R(np.atleast_1d, N()); R(np.atleast_2d, N(3)); R(np.atleast_3d, N(3, 4))  # noqa: E702
R(np.broadcast_to, N(4), (3, 4)); R(np.broadcast_to, N(3, 1), (2, 3, 4))  # noqa: E702
R(np.transpose, N(3, 4)); R(np.transpose, N(2, 3, 4), (1, 2, 0))  # noqa: E702
R(rt.transpose_method, N(2, 3, 4)); R(rt.transpose_method, N(2, 3, 4), 1, 2, 0)  # noqa: E702
R(rt.transpose_method, N(2, 3, 4), (2, 0, 1))
R(np.matrix_transpose, N(2, 3, 4))
R(np.swapaxes, N(2, 3, 4), 0, 2)
R(np.moveaxis, N(2, 3, 4), 0, -1); R(np.moveaxis, N(2, 3, 4), (0, 1), (2, 0))  # noqa: E702
R(np.flip, N(3, 4)); R(np.flip, N(3, 4), 1); R(np.fliplr, N(3, 4))  # noqa: E702
R(np.flipud, N(3, 4))
R(np.rot90, N(3, 4)); R(np.rot90, N(2, 3, 4), 3, (1, 2))  # noqa: E702
R(np.roll, N(3, 4), 2); R(np.roll, N(3, 4), (1, -1), (0, 1))  # noqa: E702
R(np.copy, N(3, 4))
R(np.array, [N(), N(), N()]); R(np.array, [N(3), N(3)]); R(np.array, N(3, 4))  # noqa: E702
R(np.array, [[N(), N()], [N(), N()]]); R(np.array, (N(2), N(2)))  # noqa: E702
R(np.asarray, [N(), N()]); R(np.asarray, N(3))  # noqa: E702
R(np.asarray_chkfinite, N(3, 4)); R(np.require, N(3), None, 'C')  # noqa: E702
R(np.asanyarray, N(3)); R(np.ascontiguousarray, N(3, 4).T); R(np.float64, N())  # noqa: E702
R(np.asfortranarray, N(3, 4)); R(np.asfortranarray, [N(), N()])  # noqa: E702
R(rt.astype, N(3, 4), np.float64); R(rt.astype, N(), float); R(rt.astype, 3 * N(4), int)  # noqa
R(rt.item_method, N(3, 4), 5); R(rt.item_method, N(3, 4), 1, 2)  # noqa: E702
R(rt.item_method, N(1, 1)); R(rt.item_method, N(3, 4), (2, 3))  # noqa: E702
R(rt.clip_method, N(3, 4), -0.5, 0.5, wrt=(0,))
R(rt.clip_method, N(3, 4), -0.5 - 0.5 * H(4), 0.5 + 0.5 * H(4))  # lo < hi
R(rt.clip_method, N(3, 4), max=0.2, wrt=(0,))

# ----- joining and splitting -----
R(np.concatenate, [N(2, 3), N(1, 3), N(3, 3)])
R(np.concatenate, (N(3, 2), N(3, 1)), axis=1)
R(np.concatenate, [N(2, 2), N(3)], axis=None)
R(np.stack, [N(3), N(3)]); R(np.stack, [N(2, 3), N(2, 3)], axis=2)  # noqa: E702
R(np.stack, [N(), N(), N()])
R(np.vstack, [N(3), N(2, 3)]); R(np.hstack, [N(2), N(3)])  # noqa: E702
R(np.hstack, [N(2, 1), N(2, 3)]); R(np.dstack, [N(2, 3), N(2, 3, 2)])  # noqa: E702
R(np.column_stack, [N(3), N(3, 2)])
if hasattr(np, "row_stack"):
    R(np.row_stack, [N(3), N(2, 3)])
R(np.tile, N(3), 2); R(np.tile, N(2, 3), (2, 1, 3))  # noqa: E702
R(np.repeat, N(3), 2); R(np.repeat, N(3, 4), [1, 0, 2], 0)  # noqa: E702
R(np.repeat, N(2, 3), 3, axis=1)
R(np.add.outer, N(3), N(2, 2)); R(np.subtract.outer, N(2, 3), N(4))  # noqa: E702
R(np.add.outer, N(), N(3)); R(np.subtract.outer, N(3), N())  # noqa: E702
R(np.pad, N(3, 4), 1); R(np.pad, N(3, 4), ((1, 0), (2, 1)))  # noqa: E702
for _mode in ("edge", "reflect", "symmetric", "wrap",  # (each padded element a copy)
              "mean", "linear_ramp", "maximum", "minimum"):  # (linear; an extreme's copy)
    R(np.pad, N(3, 4), ((1, 2), (3, 1)), mode=_mode); R(np.pad, N(5), 2, mode=_mode)  # noqa: E702
R(np.split, N(4, 3), 2); R(np.split, N(3, 5), [1, 3], axis=1, g_none=True)  # noqa: E702
R(np.array_split, N(7), 3, g_none=True)
R(np.hsplit, N(3, 4), 2); R(np.vsplit, N(4, 3), [1]); R(np.dsplit, N(2, 2, 4), 2)  # noqa: E702
if hasattr(np, "unstack"):
    R(np.unstack, N(3, 4)); R(np.unstack, N(3, 4), axis=1, g_none=True)  # noqa: E702

# ----- selection -----
R(np.take, N(3, 4), [0, 2, 2], axis=1); R(np.take, N(3, 4), [[0, 5], [5, 11]])  # noqa: E702
R(np.take, N(5), [1, 7], mode="wrap"); R(np.take, N(3, 4), 2, axis=0)  # noqa: E702
R(np.take_along_axis, N(3, 4), np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]]), 1)
R(np.take_along_axis, N(6), np.array([5, 0, 5]), None)
R(np.sort, N(3, 4)); R(np.sort, N(3, 4), axis=0); R(np.sort, N(3, 4), axis=None)  # noqa: E702
R(np.bincount, np.array([0, 2, 2, 4]), N(4), wrt=(1,))
R(np.bincount, np.array([1, 1, 0]), N(3), 5, wrt=(1,))

# ----- products -----
for _a, _b in [((), (3,)), ((3,), ()), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)),
               ((3, 4), (4, 5)), ((2, 3, 4), (5, 4, 2))]:
    R(np.dot, N(*_a), N(*_b))
R(np.vdot, N(3, 2), N(6)); R(np.outer, N(3), N(4)); R(np.outer, N(2, 2), N(3))  # noqa: E702
R(np.multiply.outer, N(3), N(4)); R(np.multiply.outer, N(2, 2), N(3))  # noqa: E702
for _a, _b in [((4,), (4,)), ((3, 4), (2, 4)), ((2, 3, 4), (4,)), ((), (3,))]:
    R(np.inner, N(*_a), N(*_b))
R(np.tensordot, N(2, 3, 4), N(3, 4, 5)); R(np.tensordot, N(3, 4), N(4, 5), 1)  # noqa: E702
R(np.tensordot, N(3, 2, 4), N(2, 5, 3), ([1, 0], [0, 2])); R(np.tensordot, N(2), N(3), 0)  # noqa
R(np.kron, N(2, 3), N(3, 2)); R(np.kron, N(3), N(2, 2))  # noqa: E702
R(np.vecdot, N(3, 4), N(4)); R(np.vecdot, N(3, 4), N(3, 1), axis=0)  # noqa: E702
for _s, _shapes in [("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]),
                    ("ii->", [(3, 3)]), ("ii->i", [(3, 3)]), ("ij->", [(3, 4)]),
                    ("ij->j", [(3, 4)]), ("i,i->", [(4,), (4,)]), ("i,j->ij", [(3,), (4,)]),
                    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij,j", [(3, 4), (4,)]),
                    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
                    ("i...,i", [(3, 2, 2), (3,)]), ("ij,ij,i->j", [(3, 4), (3, 4), (3,)]),
                    ("iij->j", [(2, 2, 3)]), ("i,i", [(1,), (3,)])]:
    R(np.einsum, _s, *[N(*s) for s in _shapes])

# ----- diagonals -----
R(np.trace, N(3, 3)); R(np.trace, N(3, 4), 1); R(np.trace, N(2, 3, 3), 0, 1, 2)  # noqa: E702
R(np.diagonal, N(3, 4), -1); R(np.diagonal, N(3, 2, 3), 1, 0, 2)  # noqa: E702
R(np.diag, N(3)); R(np.diag, N(3), 1); R(np.diag, N(3, 4), -1)  # noqa: E702
R(np.tril, N(3, 4)); R(np.triu, N(3, 4), 1)  # noqa: E702

# ----- np.linalg -----
R(np.linalg.inv, well(3)); R(np.linalg.inv, well(2, 3))  # noqa: E702
R(np.linalg.solve, well(3), N(3)); R(np.linalg.solve, well(3), N(3, 2))  # noqa: E702
R(np.linalg.solve, well(2, 3), N(3, 2)); R(np.linalg.solve, well(2, 3), N(3))  # noqa
R(np.linalg.det, well(3)); R(np.linalg.det, well(2, 3))  # noqa: E702
R(np.linalg.slogdet, well(3)); R(np.linalg.slogdet, well(3), g_none=True)  # noqa: E702
R(np.linalg.slogdet, -well(2, 3))
for _x, _kw in [(N(4), {}), (N(3, 4), {}), (N(4), {"ord": 1}), (N(4), {"ord": np.inf}),
                (N(4), {"ord": -np.inf}), (N(4), {"ord": 3}), (P(4), {"ord": 0.5}),
                (N(3, 4), {"axis": 1}), (N(3, 4), {"axis": 0, "keepdims": True}),
                (N(2, 3, 4), {}), (N(3, 4), {"ord": "fro"}), (N(3, 4), {"ord": "nuc"}),
                (N(3, 4), {"ord": 2}), (N(3, 4), {"ord": -2}), (N(3, 4), {"ord": 1}),
                (N(3, 4), {"ord": -1}), (N(3, 4), {"ord": np.inf}), (N(3, 4), {"ord": -np.inf}),
                (N(2, 3, 4), {"ord": "fro", "axis": (1, 2)}),
                (N(2, 3, 4), {"ord": 1, "axis": (2, 0), "keepdims": True}),
                (N(3, 4), {"axis": (1,)})]:
    R(np.linalg.norm, _x, **_kw)
R(np.linalg.cholesky, spd(3), direction=symmetric)
R(np.linalg.cholesky, spd(2, 3), direction=symmetric)
R(np.linalg.cholesky, spd(3), upper=True, direction=symmetric)
for _n in (0, 1, 3, -2):
    R(np.linalg.matrix_power, well(3) / 3, _n)

# ----- constructors with differentiable arguments -----
R(np.full, (3, 4), N(), wrt=(1,)); R(np.full, (3, 4), N(4), wrt=(1,))  # noqa: E702
R(np.full_like, N(3, 4), N(), wrt=(1,))
R(np.linspace, N(), N(), 5); R(np.linspace, N(3), N(), 4, False)  # noqa: E702
R(np.linspace, N(2), N(2), 3, axis=1)

# ----- rules added later (a row may go anywhere: each draws from its own stream) -----
for _f in (max, min):  # several arguments, one list, one tuple, one array
    R(_f, N(), N(), N()); R(_f, [N(), N(), N(), N()]); R(_f, (N(), N())); R(_f, N(5))  # noqa
R(np.ptp, N(2, 3, 4)); R(np.ptp, N(3, 4), axis=1)  # noqa: E702
R(np.ptp, N(2, 3, 4), axis=(0, 2), keepdims=True)
R(np.median, N(5)); R(np.median, N(6)); R(np.median, N(3, 4), axis=1)  # noqa: E702
R(np.median, N(3, 5), axis=0, keepdims=True); R(np.median, N(2, 3, 4), axis=(0, 2))  # noqa: E702
R(np.median, N(3, 4))
R(np.nanmedian, N(5)); R(np.nanmedian, N(3, 4), axis=1, keepdims=True)  # noqa: E702
R(np.nanmedian, np.array([[1.5, np.nan, 0.3, -2.0], [np.nan, np.nan, 0.5, 0.1]]), axis=1)
R(np.nanmedian, np.array([0.4, np.nan, -1.2, 2.5, 0.9]))
for _f in (np.add.reduce, np.multiply.reduce, np.maximum.reduce, np.minimum.reduce,
           np.logaddexp.reduce, np.logaddexp2.reduce):
    R(_f, N(3, 4)); R(_f, N(2, 3, 4), axis=(0, 2)); R(_f, N(3, 4), 1, keepdims=True)  # noqa
    R(_f, N(3, 4), axis=None)
R(np.longdouble, N(3)); R(np.longdouble, N())  # noqa: E702
# float32 checked near 0 (where its rounding is below the tolerance of the difference);
# float16 at 0 along directions whose steps +-1e-6 v are exact half-precision numbers
R(np.float32, 1e-5 * N(3, 4)); R(np.float32, 0.0)  # noqa: E702
R(np.float16, np.zeros(4),
  direction=lambda x, r: np.round(20 * r.standard_normal(np.shape(x))) * 2.0 ** -24 / 1e-6)
R(np.append, N(3), N(2)); R(np.append, N(2, 3), N()); R(np.append, N(), N(2, 2))  # noqa: E702
R(np.append, N(2, 3), N(1, 3), axis=0); R(np.append, N(2, 3), N(2, 2), 1)  # noqa: E702
R(np.append, N(3), [N(), N()])
R(np.insert, N(5), 2, N()); R(np.insert, N(5), [0, 2, 5], N(3))  # noqa: E702
R(np.insert, N(5), [1, 1], N(2)); R(np.insert, N(2, 3), 1, N(3), axis=0)  # noqa: E702
R(np.insert, N(2, 3), [0, 3], N(2, 1), axis=1); R(np.insert, N(2, 3), 4, N(2))  # noqa: E702
R(np.insert, N(2, 3), slice(0, 2), N(), axis=1); R(np.insert, N(4), 1, [N(), N()])  # noqa: E702
R(np.delete, N(5), 2); R(np.delete, N(5), [0, 3]); R(np.delete, N(3, 4), 1, axis=1)  # noqa
R(np.delete, N(3, 4), [0, 2], 0); R(np.delete, N(3, 4), slice(1, None, 2))  # noqa: E702
R(np.cross, N(3), N(3)); R(np.cross, N(4, 3), N(3)); R(np.cross, N(2, 1, 3), N(4, 3))  # noqa
R(np.cross, N(3, 4), N(4, 3), axisa=0, axisc=0); R(np.cross, N(3, 2), N(3, 2), axis=0)  # noqa
R(np.cross, N(2), N(2)); R(np.cross, N(4, 2), N(2)); R(np.cross, N(2), N(3)); R(np.cross, N(2, 4), N(3), axisa=0)  # noqa
R(np.linalg.pinv, N(4, 3)); R(np.linalg.pinv, N(3, 4)); R(np.linalg.pinv, well(3))  # noqa
R(np.linalg.pinv, N(2, 4, 3)); R(np.linalg.pinv, spd(3), hermitian=True, direction=symmetric)  # noqa
R(np.linalg.pinv, spd(3), hermitian=True)  # (any direction: the lower triangle read alone)
R(np.linalg.multi_dot, [N(3, 4), N(4, 5), N(5, 2)]); R(np.linalg.multi_dot, [N(4), N(4, 3)])  # noqa
R(np.linalg.multi_dot, [N(4), N(4, 5), N(5)]); R(np.linalg.multi_dot, [N(3, 4), N(4)])  # noqa
R(np.linalg.multi_dot, (N(2, 3), N(3, 3), N(3, 3), N(3)))
R(np.linalg.eigh, spd(3), direction=symmetric)
R(np.linalg.eigh, spd(4), direction=symmetric, g_none=True)  # the eigenvectors' part alone
R(np.linalg.eigh, drawn(symmetric, N(3, 3)), direction=symmetric)
R(np.linalg.eigh, spd(2, 3), direction=symmetric)
R(np.linalg.eigh, spd(3))  # any direction: one triangle is read (docs/kinks.md)
R(np.linalg.eigh, spd(3), UPLO="U"); R(np.linalg.eigh, spd(2, 3))  # noqa: E702
R(np.linalg.eigvalsh, spd(3)); R(np.linalg.eigvalsh, spd(3), UPLO="U")  # noqa: E702
R(np.linalg.eigvalsh, spd(2, 4))
if hasattr(np.linalg, "matmul"):  # NumPy 2 spellings
    R(np.linalg.matmul, N(3, 4), N(4, 5)); R(np.linalg.matmul, N(2, 3, 4), N(4))  # noqa: E702
    R(np.linalg.outer, N(3), N(4))
    R(np.linalg.matrix_transpose, N(3, 4)); R(np.linalg.matrix_transpose, N(2, 3, 4))  # noqa
    R(np.linalg.vecdot, N(3, 4), N(4)); R(np.linalg.vecdot, N(4, 3), N(4, 3), axis=0)  # noqa: E702
    R(np.linalg.tensordot, N(3, 4), N(4, 2), axes=1); R(np.linalg.tensordot, N(2, 3), N(2, 3))  # noqa: E702
    R(np.linalg.trace, N(3, 3)); R(np.linalg.trace, N(2, 3, 4), offset=1)  # noqa: E702
    for _x, _kw in [(N(4), {}), (N(3, 4), {}), (N(3, 4), {"axis": 1}),
                    (N(2, 3, 4), {"axis": (0, 2), "keepdims": True}), (N(3, 4), {"ord": 1}),
                    (N(3, 4), {"ord": np.inf, "axis": 0}),
                    (N(2, 3, 4), {"ord": 3, "axis": (1, 2)}), (N(3, 4), {"keepdims": True})]:
        R(np.linalg.vector_norm, _x, **_kw)
    for _x, _kw in [(N(3, 4), {}), (N(2, 3, 4), {"keepdims": True}), (N(3, 4), {"ord": "nuc"}),
                    (N(2, 3, 4), {"ord": 2}), (N(3, 4), {"ord": 1}), (N(3, 4), {"ord": -np.inf})]:
        R(np.linalg.matrix_norm, _x, **_kw)
if hasattr(np, "cumulative_sum"):  # NumPy 2.1 spellings of the array API
    R(np.cumulative_sum, N(5)); R(np.cumulative_sum, N(3, 4), axis=1)  # noqa: E702
    R(np.astype, N(3, 4), np.float64); R(np.astype, 3 * N(4), np.int64)  # noqa: E702
    R(np.cumulative_prod, N(5)); R(np.cumulative_prod, N(3, 4), axis=0)  # noqa: E702
R(np.sign, N(3, 4))  # flat at real values (complex ones: tests/test_complex.py)
