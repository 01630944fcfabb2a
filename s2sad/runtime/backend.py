"""Generated code on any array library: the namespace of the arguments, spelled as NumPy.

A derivative called with Dask, PyTorch, JAX, CuPy or array-api-strict arrays runs a
variant whose NumPy calls are calls of ``xp``, the arguments' array-API namespace (through
array-api-compat) under NumPy's names: ``xp.power`` is the standard's ``pow``,
``xp.concatenate`` its ``concat``, ``xp.dot`` a matrix product.  A name with no such
counterpart is not an attribute, so the compiler refuses it before anything runs.
Numbers stay numbers: ``xp.exp(2.0)`` is a Python float on every library.
"""
from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["array_namespace", "is_foreign_array", "backend_name", "Spelling", "scalar_views"]

# functions the array API standard has under NumPy's own name
_SAME = frozenset("""
abs acos acosh add all any argmax argmin argsort asin asinh atan atan2 atanh
broadcast_arrays broadcast_to ceil clip conj copysign cos cosh divide equal exp expm1
flip floor floor_divide greater greater_equal hypot imag isfinite isinf isnan less
less_equal log log10 log1p log2 logaddexp logical_and logical_not logical_or logical_xor
matmul max maximum mean meshgrid min minimum moveaxis multiply negative nonzero not_equal
ones ones_like positive prod real remainder repeat reshape roll round sign signbit sin
sinh sort sqrt square squeeze stack subtract sum take tan tanh tensordot tile tril triu
trunc where zeros zeros_like full full_like empty empty_like eye arange linspace asarray
einsum astype isdtype result_type matrix_transpose
pow concat permute_dims vecdot cumulative_sum
""".split())

_RENAMED = {
    "power": "pow", "arccos": "acos", "arccosh": "acosh", "arcsin": "asin",
    "arcsinh": "asinh", "arctan": "atan", "arctan2": "atan2", "arctanh": "atanh",
    "concatenate": "concat", "absolute": "abs", "amax": "max", "amin": "min",
    "conjugate": "conj", "true_divide": "divide", "fabs": "abs", "cumsum": "cumulative_sum",
    "mod": "remainder", "bool_": "bool",
}

_CREATION = frozenset("zeros ones full empty eye arange linspace asarray".split())

_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan,
              "newaxis": None}

_DTYPES = frozenset("float64 float32 float16 complex128 complex64 int64 int32 int16 int8 "
                    "uint8 bool".split())

_LINALG = frozenset("solve inv det slogdet cholesky eigh eigvalsh svd qr pinv "
                    "matrix_power trace".split())


def _dot(xp: Any, a: Any, b: Any) -> Any:
    if _ndim(a) == 0 or _ndim(b) == 0:
        return a * b
    return xp.matmul(a, b)


def _transpose(xp: Any, a: Any, axes: Any = None) -> Any:
    axes = tuple(range(_ndim(a)))[::-1] if axes is None else tuple(axes)
    return xp.permute_dims(a, axes)


def _swapaxes(xp: Any, a: Any, i: int, j: int) -> Any:
    axes = list(range(_ndim(a)))
    axes[i], axes[j] = axes[j], axes[i]
    return xp.permute_dims(a, tuple(axes))


def _expand_dims(xp: Any, a: Any, axis: Any) -> Any:
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    ndim = _ndim(a) + len(axes)  # NumPy: positions in the result
    for ax in sorted(ax % ndim for ax in axes):
        a = xp.expand_dims(a, axis=ax)
    return a


def _squeeze(xp: Any, a: Any, axis: Any = None) -> Any:
    if axis is None:
        axis = tuple(i for i, n in enumerate(a.shape) if n == 1)
    return xp.squeeze(a, axis=axis)


def _outer(xp: Any, a: Any, b: Any) -> Any:
    return xp.reshape(a, (-1, 1)) * xp.reshape(b, (1, -1))


def _spread(name: str) -> Callable:
    def spread(xp: Any, a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
               ddof: int = 0, keepdims: bool = False) -> Any:
        return getattr(xp, name)(a, axis=axis, correction=ddof, keepdims=keepdims)
    return spread


def _iscomplexobj(xp: Any, a: Any) -> bool:
    return isinstance(a, complex) or hasattr(a, "dtype") and \
        xp.isdtype(a.dtype, "complex floating")


def _reshape(xp: Any, a: Any, shape: Any, order: str = "C") -> Any:
    if order != "C":
        raise ValueError(f"reshape(order={order!r}) has no array-API counterpart")
    return xp.reshape(a, (shape,) if isinstance(shape, int) else tuple(shape))


def _array(xp: Any, obj: Any, dtype: Any = None, copy: bool = True) -> Any:
    """``np.array``: a list of arrays (a tape's vectors) stacked; anything else, an array."""
    if isinstance(obj, (list, tuple)) and obj and any(map(_is_array, obj)):
        out = xp.stack(list(obj))
        return out if dtype is None else xp.astype(out, dtype)
    return xp.asarray(obj, dtype=dtype, copy=copy)


def _diag(xp: Any, v: Any, k: int = 0) -> Any:
    if k:
        raise ValueError("np.diag with an offset has no array-API counterpart here")
    if _ndim(v) == 1:
        return xp.eye(v.shape[0], dtype=v.dtype) * v
    return xp.linalg.diagonal(v)


def _norm(xp: Any, x: Any, ord: Any = None, axis: Any = None,
          keepdims: bool = False) -> Any:
    """``np.linalg.norm`` as the standard's vector or matrix norm."""
    if isinstance(axis, (tuple, list)) and len(axis) == 2 or axis is None and \
            ord is not None and _ndim(x) == 2:
        return xp.linalg.matrix_norm(x, ord="fro" if ord is None else ord,
                                     keepdims=keepdims) if axis in (None, (-2, -1)) else \
            _no("np.linalg.norm over axes other than the last two")
    return xp.linalg.vector_norm(x, axis=axis, ord=2 if ord is None else ord,
                                 keepdims=keepdims)


def _no(what: str) -> Any:
    raise ValueError(f"{what} has no array-API counterpart")


_LINALG_WRITTEN: dict[str, Callable] = {"norm": _norm}

_WRITTEN: dict[str, Callable] = {
    "diag": _diag,
    "array": _array,
    "reshape": _reshape, "squeeze": _squeeze,
    "ravel": lambda xp, a, order="C": _reshape(xp, a, (-1,), order),
    "dot": _dot, "transpose": _transpose, "swapaxes": _swapaxes,
    "vdot": lambda xp, a, b: xp.vecdot(xp.reshape(a, (-1,)), xp.reshape(b, (-1,))),
    "expand_dims": _expand_dims, "outer": _outer, "var": _spread("var"),
    "std": _spread("std"), "iscomplexobj": _iscomplexobj,
    "ndim": lambda xp, a: _ndim(a), "shape": lambda xp, a: tuple(getattr(a, "shape", ())),
    "size": lambda xp, a: math.prod(getattr(a, "shape", ())),
    "reciprocal": lambda xp, a: 1.0 / a,
    "cbrt": lambda xp, a: xp.sign(a) * xp.abs(a) ** (1 / 3),
    "sinc": lambda xp, a: xp.where(a == 0, 1.0, xp.sin(math.pi * a) /
                                   (math.pi * xp.where(a == 0, 1.0, a))),
}


def _ndim(a: Any) -> int:
    return len(getattr(a, "shape", ()))


def _is_array(v: Any) -> bool:
    return hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, np.generic)


def _any_array(args: tuple) -> bool:
    for a in args:
        if _is_array(a) or isinstance(a, (list, tuple)) and any(map(_is_array, a)):
            return True
    return False


# how many leading parameters of NumPy's signature the standard takes by position (1 when
# not listed); the others are passed by keyword, under the standard's names
_BY_POSITION = {"roll": 2, "repeat": 2, "take": 2, "tensordot": 2, "where": 3,
                "moveaxis": 3, "reshape": 2, "full_like": 2, "solve": 2, "matmul": 2,
                "vecdot": 2, "outer": 2, "atan2": 2, "pow": 2}
_STANDARD_NAMES = {"a_min": "min", "a_max": "max"}


def _by_keyword(name: str, np_fn: Callable, xp_fn: Callable) -> Callable:
    """``xp_fn`` called as NumPy's ``np_fn`` is: NumPy's positional options (``np.flip(g,
    axis)``, ``np.tril(m, k)``) by keyword; options left at NumPy's default (``out=None``,
    ``hermitian=False``) left out, so the library's own default applies."""
    if isinstance(np_fn, np.ufunc):
        return xp_fn
    try:
        sig = inspect.signature(np_fn)
    except (TypeError, ValueError):
        return xp_fn
    n = _BY_POSITION.get(name, 1)
    params = sig.parameters

    def call(*args: Any, **kwargs: Any) -> Any:
        if len(args) <= n and not kwargs:
            return xp_fn(*args)
        bound = sig.bind(*args, **kwargs)
        positional, keywords = [], {}
        for i, (key, value) in enumerate(bound.arguments.items()):
            p = params[key]
            if i < n and p.kind is not p.KEYWORD_ONLY:
                positional.append(value)
            elif p.kind is p.VAR_KEYWORD:
                keywords.update(value)
            elif not _is_default(value, p.default):
                keywords[_STANDARD_NAMES.get(key, key)] = value
        try:
            return xp_fn(*positional, **keywords)
        except TypeError as error:
            if "keyword" not in str(error):
                raise
            raise ValueError(f"np.{name} with {', '.join(keywords)} has no array-API "
                             f"counterpart ({error})") from None
    return call


def _float64_by_default(name: str, make: Callable, ns: Any) -> Callable:
    """``np.zeros(3)`` is float64 on every library, as in NumPy (torch's default is
    float32, which a product with the float64 arguments would not accept)."""
    if name not in ("zeros", "ones", "empty", "eye", "linspace", "full"):
        return make

    def made(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("dtype") is None and (name != "full" or isinstance(
                args[1] if len(args) > 1 else kwargs.get("fill_value"), float)):
            kwargs["dtype"] = ns.float64
        return make(*args, **kwargs)
    return made


def _is_default(value: Any, default: Any) -> bool:
    if value is default:
        return True
    if default is inspect.Parameter.empty or repr(default) == "<no value>":
        return False
    return type(value) in (int, float, str, bool) and type(default) is type(value) and \
        value == default


def _numbers_too(np_fn: Callable, xp_fn: Callable, ns: Any) -> Callable:
    """``xp_fn`` on arrays; on numbers only, NumPy's function and a Python number back
    (the standard's functions take arrays, and a NumPy scalar would turn a later
    product with an array of another library into a NumPy array)."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if _any_array(args) or _any_array(tuple(kwargs.values())):
            return xp_fn(*args, **kwargs)
        r = np_fn(*args, **kwargs)
        if isinstance(r, np.ndarray) and r.ndim:
            # index arithmetic (np.negative(shifts)) stays Python; values join the library
            return tuple(r.tolist()) if r.dtype.kind in "iu" else ns.asarray(r)
        return r.item() if isinstance(r, (np.generic, np.ndarray)) else r
    call.__name__ = getattr(np_fn, "__name__", "call")
    return call


class Spelling:
    """An array-API namespace under NumPy's names; ``linalg`` likewise."""

    _scalar_views: bool  # set by scalar_views() once probed; no class default
    _writable: bool  # set by writable() once probed

    def __init__(self, ns: Any, backend: str, numpy_module: Any = np,
                 table: frozenset = _SAME) -> None:
        self._ns, self.backend, self._np, self._table = ns, backend, numpy_module, table
        self.namespace = ns  # the standard's names, for the helpers
        self._top = ns
        if table is _SAME and hasattr(ns, "linalg"):
            self.linalg = Spelling(ns.linalg, backend, np.linalg, _LINALG)
            self.linalg._top = ns

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._resolve(name)
        setattr(self, name, value)  # resolved once
        return value

    def _resolve(self, name: str) -> Any:
        ns, table = self._ns, self._table
        if table is _SAME and name in _CONSTANTS:
            return _CONSTANTS[name]
        top = table is _SAME
        target = _RENAMED.get(name, name) if top else name
        if top and (name in _DTYPES or name == "bool_") and hasattr(ns, target):
            return getattr(ns, target)
        np_fn = getattr(self._np, name, None)
        if top and name in _WRITTEN:
            written = _WRITTEN[name]
            xp_fn = lambda *a, **k: written(ns, *a, **k)  # noqa: E731
            return xp_fn if np_fn is None or name == "array" else \
                _numbers_too(np_fn, xp_fn, ns)
        if not top and name == "cholesky" and self.backend == "dask":
            # array-api-compat's (1.16) dask cholesky returns the upper factor
            import dask.array as da
            return lambda x, upper=False: da.linalg.cholesky(x, lower=not upper)
        if not top and name in _LINALG_WRITTEN:
            written = _LINALG_WRITTEN[name]
            return lambda *a, **k: written(self._top, *a, **k)
        if (name in table or top and name in _RENAMED) and hasattr(ns, target) and \
                np_fn is not None:
            made = top and name in _CREATION  # no array argument says where: here
            if made:
                return _float64_by_default(name, getattr(ns, target), ns)
            call = _numbers_too(np_fn, _by_keyword(target, np_fn, getattr(ns, target)), ns)
            if name == "multiply":  # np.multiply.outer(u, v), the outer product of a tape
                call.outer = lambda a, b: _outer(ns, a, b)  # type: ignore[attr-defined]
            return call
        raise AttributeError(f"NumPy's {name} has no array-API counterpart on "
                             f"{self.backend} arrays")

    def __repr__(self) -> str:
        return f"<NumPy names over {self.backend}>"


_SPELLINGS: dict[Any, Spelling] = {}


def _compat() -> Any:
    import array_api_compat
    return array_api_compat


def is_foreign_array(v: Any) -> bool:
    """An array of another library than NumPy (Dask, torch, JAX, CuPy, array-api-strict)."""
    if isinstance(v, (np.ndarray, np.generic, int, float, complex, str, list, tuple, dict, type)):
        return False  # (a class such as np.ndarray has .shape and .dtype as descriptors)
    return _is_array(v) and _compat().is_array_api_obj(v)


def backend_name(v: Any) -> str:
    """The library an array belongs to, as users name it (``dask``, ``torch``)."""
    return type(v).__module__.split(".")[0].replace("jaxlib", "jax")


def scalar_views(spelled: Spelling) -> bool:
    """Whether indexing an array to a 0-d result gives a view (torch, CuPy), not a copy
    as NumPy does: seen by writing after reading, once per library."""
    if not hasattr(spelled, "_scalar_views"):
        try:
            a = spelled.namespace.zeros(2)
            element = a[0]
            a[0] = 1.0
            spelled._scalar_views = bool(element == 1.0)
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            spelled._scalar_views = False  # immutable (JAX) or lazy (Dask): never views
    return spelled._scalar_views


def writable(spelled: Spelling) -> bool:
    """Whether the library's arrays take item writes (``a[i] = v``: not JAX's), seen
    once per library."""
    if not hasattr(spelled, "_writable"):
        try:
            a = spelled.namespace.zeros(2)
            a[0] = 1.0
            spelled._writable = True
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            spelled._writable = False
    return spelled._writable


def _arrays(values: tuple) -> list:
    out = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(_arrays(tuple(v)))
        elif isinstance(v, dict):
            out.extend(_arrays(tuple(v.values())))
        elif _is_array(v):
            out.append(v)
    return out


def array_namespace(*values: Any) -> Spelling:
    """The namespace of the arrays among ``values`` (containers looked into), spelled
    as NumPy; NumPy's own when there are none."""
    arrays = [a for a in _arrays(values) if not isinstance(a, np.ndarray)]
    key = type(arrays[0]) if arrays else np.ndarray
    spelled = _SPELLINGS.get(key)
    if spelled is None:
        compat = _compat()
        ns = compat.array_namespace(*arrays) if arrays else compat.array_namespace(np.ones(1))
        spelled = _SPELLINGS[key] = Spelling(ns, backend_name(arrays[0]) if arrays else
                                             "numpy")
    return spelled
