"""The runtime helpers of generated code, written once against the array API.

The variant of a derivative for Dask, PyTorch, JAX, CuPy or array-api-strict arrays runs
these under the helpers' usual names.  None of them converts to NumPy or asks a lazy array
for its values (no ``np.asarray``, ``float()`` of an array, no test of its contents), so a
Dask gradient stays a graph until the caller computes it.  A helper that is not here has
no such version: the compiler refuses the variant that would need it.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from s2sad.runtime import core
from s2sad.runtime.backend import array_namespace

_NUMBERS = (float, int, complex)


class Shape:
    """What the reverse sweep keeps of an array it needs only the shape of (and where
    its zeros are made: the library and the device)."""

    __slots__ = ("shape", "dtype", "xp", "device")

    def __init__(self, shape: tuple, dtype: Any, xp: Any, device: Any) -> None:
        self.shape, self.dtype, self.xp, self.device = shape, dtype, xp, device

    @property
    def ndim(self) -> int:
        return len(self.shape)


def _is_array(v: Any) -> bool:
    return hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, (Shape,
                                                                                np.generic))


def _xp(*values: Any) -> Any:
    """The array-API namespace (array-api-compat's) of the arrays among ``values``."""
    for v in values:
        if isinstance(v, Shape):
            return v.xp
    return array_namespace(*values).namespace


def _shape(x: Any) -> tuple:
    if isinstance(x, (list, tuple)):
        return np.shape(x)
    return tuple(x.shape) if hasattr(x, "shape") else ()


def _lazy(v: Any) -> bool:
    """An array whose values are not there until computed (Dask)."""
    return type(v).__module__.startswith("dask")


def _real_float(xp: Any, dtype: Any) -> Any:
    """The dtype of a gradient for values of ``dtype``: itself if floating, else float64."""
    return dtype if xp.isdtype(dtype, ("real floating", "complex floating")) else xp.float64


def shape_of(x: Any) -> Any:
    if _is_array(x):
        return Shape(tuple(x.shape), x.dtype, _xp(x), _device(x))
    return x


def _device(x: Any) -> Any:
    from array_api_compat import device
    return device(x)


def unbroadcast(g: Any, x: Any) -> Any:
    shape, gshape = _shape(x), _shape(g)
    if gshape == shape:
        return g
    xp = _xp(g)
    extra = len(gshape) - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and gshape[i + extra] != 1)
    g = xp.sum(g, axis=axes, keepdims=True) if axes else g
    return xp.reshape(g, shape)


def zeros_like(x: Any) -> Any:
    if _is_array(x) or isinstance(x, Shape):
        xp = _xp(x)
        return xp.zeros(tuple(x.shape), dtype=_real_float(xp, x.dtype),
                        device=x.device if isinstance(x, Shape) else _device(x))
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        items = [zeros_like(v) for v in x]
        return items if isinstance(x, list) else \
            type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    return 0.0


def add_at(acc: Any, x: Any, idx: Any, g: Any) -> Any:
    if acc is None:
        acc = zeros_like(x)
    if isinstance(acc, (list, tuple, dict)):
        return core.add_to_item(acc, idx, g)
    if isinstance(acc, _NUMBERS):
        return acc + g
    _basic_index(idx, acc)
    if hasattr(acc, "at"):  # JAX: arrays are values
        return acc.at[idx].add(g)
    acc[idx] = acc[idx] + g
    return acc


def _basic_index(idx: Any, x: Any) -> None:
    parts = idx if isinstance(idx, tuple) else (idx,)
    if any(isinstance(p, list) or _is_array(p) for p in parts):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"an index array into a {type(x).__module__.split('.')[0]} array: its adjoint "
            "(a scatter-add) runs on NumPy arrays only; index with integers and slices, "
            "or pass NumPy arrays")


def write_at(x: Any, idx: Any, v: Any) -> Any:
    if isinstance(x, (list, dict)):
        x[idx] = v
        return x
    _basic_index(idx, x)
    if hasattr(x, "at"):
        return x.at[idx].set(v)
    x[idx] = v
    return x


def setitem(x: Any, idx: Any, v: Any) -> Any:
    if isinstance(x, (list, dict)):
        out = x.copy()
        out[idx] = v
        return out
    return write_at(fresh(x), idx, v)


def zero_at(g: Any, idx: Any) -> Any:
    out = fresh(g)
    if isinstance(out, (list, dict)):
        out[idx] = zeros_like(out[idx])
        return out
    return write_at(out, idx, 0.0)


def clear_at(g: Any, idx: Any) -> Any:
    return write_at(g, idx, 0.0) if not isinstance(g, _NUMBERS) else 0.0


def written_part(g: Any, idx: Any) -> Any:
    _basic_index(idx, g)
    return g[idx]


def fresh(g: Any) -> Any:
    if _is_array(g):
        return _xp(g).asarray(g, copy=True)
    if isinstance(g, (list, dict)):
        return g.copy()
    return g


def copy_value(x: Any) -> Any:
    return fresh(x)


def cast_like(g: Any, x: Any) -> Any:
    """A gradient of ``x``'s kind; of a number, a number (a lazy 0-d array stays lazy)."""
    if isinstance(x, (list, tuple)):
        g = zeros_like(x) if g is None else g
        return type(x)(cast_like(a, b) for a, b in zip(g, x))
    if isinstance(x, dict):
        g = zeros_like(x) if g is None else g
        return {k: cast_like(g[k], x[k]) for k in x}
    if g is None:
        return zeros_like(x)
    if _is_array(x):
        xp = _xp(x)
        if not _is_array(g):
            g = xp.asarray(g, dtype=_real_float(xp, x.dtype), device=_device(x))
        if xp.isdtype(g.dtype, "complex floating") and \
                not xp.isdtype(x.dtype, "complex floating"):
            g = xp.real(g)
        if _shape(g) != _shape(x):
            g = xp.broadcast_to(g, tuple(x.shape))
        dtype = _real_float(xp, x.dtype)
        return g if g.dtype == dtype else xp.astype(g, dtype)
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return to_float(g)
    return g


def items_adjoint(g: Any, x: Any) -> Any:
    return zeros_like(x) if isinstance(x, dict) else g


def reshape_method(a: Any, *shape: Any, order: str = "C") -> Any:
    from s2sad.runtime.arrays import _shape_arg
    if order != "C":
        raise ValueError(f"reshape(order={order!r}) has no array-API counterpart")
    return _xp(a).reshape(a, tuple(_shape_arg(shape)))


def transpose_method(a: Any, *axes: Any) -> Any:
    from s2sad.runtime.arrays import _shape_arg
    axes = _shape_arg(axes)
    if axes in ((), (None,), None):
        axes = tuple(range(len(_shape(a))))[::-1]
    return _xp(a).permute_dims(a, tuple(axes))


def scatter_add(a: Any, idx: Any, b: Any) -> Any:
    """``np.add.at(a, idx, b)`` as a value: basic indices (an index array needs torch's
    ``index_put_`` with accumulation)."""
    out = fresh(a)
    parts = idx if isinstance(idx, tuple) else (idx,)
    if type(out).__module__.startswith("torch") and any(_is_array(p) or isinstance(p, list)
                                                       for p in parts):
        import torch
        index = tuple(torch.as_tensor(p) for p in parts)
        return out.index_put_(index, torch.as_tensor(b, dtype=out.dtype), accumulate=True)
    return add_at(out, a, idx, b)


def scatter_subtract(a: Any, idx: Any, b: Any) -> Any:
    return scatter_add(a, idx, -b)


def norm_partial(x: Any, ord: Any = None, axis: Any = None,
                 vector: bool = False) -> Any:
    """d norm / dx of the 2-norm (or Frobenius norm): ``x / norm``, 0 at a zero vector."""
    if ord not in (None, 2, "fro") or ord == 2 and not vector and (
            axis is None and len(_shape(x)) == 2 or isinstance(axis, (tuple, list))):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(f"np.linalg.norm with ord={ord!r}: its derivative runs "
                                   "on NumPy arrays only")
    xp = _xp(x)
    n = xp.linalg.vector_norm(x, axis=axis, keepdims=True)
    return xp.where(n == 0, 0.0, x / xp.where(n == 0, 1.0, n))


def diag_adjoint(g: Any, v: Any, k: int = 0) -> Any:
    xp = _xp(g)
    if k:
        raise ValueError("np.diag with an offset has no array-API counterpart here")
    if len(_shape(v)) == 1:
        return xp.linalg.diagonal(g)
    return xp.eye(_shape(v)[0], _shape(v)[1], dtype=g.dtype) * xp.reshape(
        g, (1, -1)) if _shape(v)[0] >= _shape(v)[1] else \
        xp.eye(_shape(v)[0], _shape(v)[1], dtype=g.dtype) * xp.reshape(g, (-1, 1))


def tri_solve(a: Any, b: Any, lower: bool, trans: bool = False) -> Any:
    """A triangular solve by the standard's general ``solve`` (it has no triangular one;
    same solution, more work)."""
    xp = _xp(a, b)
    a = _mT(xp, a) if trans else a
    if len(_shape(b)) == 1:
        return xp.linalg.solve(a, b[..., None])[..., 0]
    return xp.linalg.solve(a, b)


def _lower(xp: Any, x: Any, upper: bool, k: int = 0) -> Any:
    return xp.triu(x, k=-k) if upper else xp.tril(x, k=k)


def triangle_read(x: Any, uplo: Any = "L") -> Any:
    xp, upper = _xp(x), uplo is True or str(uplo).upper() == "U"
    return _lower(xp, x, upper) + _mT(xp, _lower(xp, x, upper, -1))


def triangle_read_adjoint(g: Any, uplo: Any = "L") -> Any:
    xp, upper = _xp(g), uplo is True or str(uplo).upper() == "U"
    return _lower(xp, g, upper) + _lower(xp, _mT(xp, g), upper, -1)


def symmetrized(x: Any) -> Any:
    return 0.5 * (x + _mT(_xp(x), x))


def cholesky_adjoint(g: Any, ans: Any, upper: bool = False) -> Any:
    """Adjoint of ``cholesky(a)``: ``L^-T phi(L^T g) L^-1``, symmetrized."""
    xp = _xp(g, ans)
    low, g = (_mT(xp, ans), _mT(xp, g)) if upper else (ans, g)
    lg = _mT(xp, low) @ g
    p = xp.tril(lg) - 0.5 * xp.eye(_shape(lg)[-1], dtype=lg.dtype) * lg
    inner = tri_solve(low, _mT(xp, p), lower=True, trans=True)
    s = tri_solve(low, _mT(xp, inner), lower=True, trans=True)
    return 0.5 * (s + _mT(xp, s))


def read_at(a: Any, idx: Any) -> Any:
    """``a[idx]``, a copy where it is one element (a view on torch), as in NumPy."""
    r = a[idx]
    return _xp(r).asarray(r, copy=True) if _is_array(r) and not r.shape else r


def as_floats(x: Any) -> Any:
    """NumPy's variant reads a vector's elements as Python floats; here it stays."""
    return x


def floats_zeros(x: Any) -> Any:
    return zeros_like(x)


def floats_adjoint(g: Any, x: Any) -> Any:
    return g


def length(x: Any) -> int:
    """``len(x)``: an array's first axis (the standard's arrays need not have ``len``)."""
    return x.shape[0] if _is_array(x) else len(x)


def to_float(g: Any) -> Any:
    if _is_array(g):
        if _lazy(g) or _xp(g).isdtype(g.dtype, "complex floating"):
            return g
        return float(g)
    return float(g) if isinstance(g, (int, np.floating)) else g


def repeat_to(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    shape = _shape(x)
    xp = _xp(x, g)
    if not _is_array(g):
        return xp.full(shape, g, dtype=_real_float(xp, x.dtype), device=_where(x))
    if not keepdims:
        axes = _axes(axis, len(shape))
        g = xp.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return xp.broadcast_to(g, shape)


def _where(x: Any) -> Any:
    return x.device if isinstance(x, Shape) else _device(x)


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    axis = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(a % ndim for a in axis)


def safe_mul(g: Any, d: Any) -> Any:
    """``g * d``, exactly 0 where ``g == 0`` even if ``d`` is inf or nan."""
    if isinstance(g, _NUMBERS) and isinstance(d, _NUMBERS):
        return g * d if g else 0.0
    if isinstance(d, _NUMBERS) and math.isfinite(abs(d)) or isinstance(g, _NUMBERS) and g:
        return g * d
    return _xp(g, d).where(g == 0, 0.0, g * d)


def safe_div(g: Any, den: Any) -> Any:
    """``g / den``, exactly 0 where ``g == 0`` even if ``den == 0``."""
    if isinstance(g, _NUMBERS) and isinstance(den, _NUMBERS) and den:
        return g / den if g else 0.0
    if isinstance(den, _NUMBERS) and den and math.isfinite(abs(den)):
        return g / den
    xp = _xp(g, den)
    return xp.where(g == 0, 0.0, g / xp.where(den == 0, 1.0, den)) if _is_array(den) \
        else xp.where(g == 0, 0.0, g / den)


def broadcast_like(t: Any, ans: Any) -> Any:
    if _shape(t) == _shape(ans):
        return t
    xp = _xp(ans, t)
    return xp.asarray(xp.broadcast_to(t, _shape(ans)), copy=True) if _is_array(t) else \
        xp.full(_shape(ans), t, dtype=ans.dtype)


def _mT(xp: Any, a: Any) -> Any:
    return xp.matrix_transpose(a)


def matmul_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    xp = _xp(g, a, b)
    if len(_shape(a)) == 2 and len(_shape(b)) <= 2:
        return g @ _mT(xp, b) if len(_shape(b)) == 2 else \
            xp.reshape(g, (-1, 1)) * xp.reshape(b, (1, -1))
    g2, a2, b2 = _as_matrices(xp, g, a, b)
    return xp.reshape(unbroadcast(g2 @ _mT(xp, b2), a2), _shape(a))


def matmul_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    xp = _xp(g, a, b)
    if len(_shape(a)) == 2 and len(_shape(b)) <= 2:
        return _mT(xp, a) @ g
    g2, a2, b2 = _as_matrices(xp, g, a, b)
    return xp.reshape(unbroadcast(_mT(xp, a2) @ g2, b2), _shape(b))


def _as_matrices(xp: Any, g: Any, a: Any, b: Any) -> tuple:
    """``a @ b`` with vectors made matrices (and ``g`` given the axes they lost)."""
    if len(_shape(b)) == 1:
        b, g = xp.reshape(b, (-1, 1)), xp.expand_dims(g, axis=-1)
    if len(_shape(a)) == 1:
        a, g = xp.reshape(a, (1, -1)), xp.expand_dims(g, axis=-2)
    return g, a, b


def abs_slope(x: Any) -> Any:
    if isinstance(x, _NUMBERS):
        return float(np.sign(x))
    xp = _xp(x)
    if not xp.isdtype(x.dtype, "complex floating"):
        return xp.sign(x)
    size = xp.abs(x)
    return xp.where(size == 0, 0.0, xp.conj(x) / xp.where(size == 0, 1.0, size))


def _complex(x: Any) -> bool:
    return not isinstance(x, _NUMBERS) and _xp(x).isdtype(x.dtype, "complex floating")


def sign_tangent(t: Any, x: Any, s: Any) -> Any:
    return _on_circle(t - s * s * _xp(x).conj(t), x) if _complex(x) else 0.0 * t


def sign_adjoint(g: Any, x: Any, s: Any) -> Any:
    if not _complex(x):
        return zeros_like(x) if _is_array(x) else 0.0
    xp = _xp(x)
    return _on_circle(g - xp.conj(g) * xp.conj(s * s), x)


def _on_circle(v: Any, x: Any) -> Any:
    xp = _xp(x)
    size = 2.0 * xp.abs(x)
    return xp.where(size == 0, 0.0, v / xp.where(size == 0, 1.0, size))


def abs_tangent(t: Any, x: Any) -> Any:
    return t * abs_slope(x) if isinstance(x, _NUMBERS) or \
        not _xp(x).isdtype(x.dtype, "complex floating") else _xp(x).real(t * abs_slope(x))


def max_share(x: Any, y: Any) -> Any:
    """Share of ``x`` in ``max(x, y)``: 1, 1/2 on a tie, 0."""
    return _share(x > y, x, y)


def min_share(x: Any, y: Any) -> Any:
    return _share(x < y, x, y)


def _share(wins: Any, x: Any, y: Any) -> Any:
    if not _is_array(wins):
        return 1.0 if wins else 0.5 if x == y else 0.0
    xp = _xp(wins)
    dtype = _real_float(xp, wins.dtype)
    return xp.astype(wins, dtype) + 0.5 * xp.astype(x == y, dtype)


def extremum_share(a: Any, ans: Any, axis: Any = None, keepdims: bool = False) -> Any:
    xp = _xp(a)
    hit = a == _kept(xp, ans, a, axis, keepdims)
    share = xp.astype(hit, _real_float(xp, a.dtype))
    return share / xp.sum(share, axis=_axes(axis, len(_shape(a))), keepdims=True)


def extremum_adjoint(g: Any, a: Any, ans: Any, axis: Any = None,
                     keepdims: bool = False) -> Any:
    """``g`` on the elements equal to the extremum, split between ties (no test of the
    values, which a lazy array would have to compute)."""
    xp = _xp(a)
    g = _kept(xp, g, a, axis, keepdims) if _is_array(g) else g
    return extremum_share(a, ans, axis, keepdims) * g


def _kept(xp: Any, v: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    """A reduction's result given back the reduced axes, as size 1."""
    if keepdims or axis is None:
        return v
    axes = _axes(axis, len(_shape(a)))
    return xp.reshape(v, tuple(1 if i in axes else n for i, n in enumerate(_shape(a))))


def shaped_like(g: Any, x: Any) -> Any:
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return to_float(_xp(g).reshape(g, ())) if _is_array(g) else float(g)
    return _xp(g, x).reshape(g, _shape(x)) if _is_array(g) else g


def unconcat(g: Any, arrays: Any, axis: Any = 0, lift: Any = None) -> Any:
    xp = _xp(g)
    if axis is None:
        g, axis = xp.reshape(g, (-1,)), 0
        sizes = [math.prod(_shape(x)) for x in arrays]
    else:
        sizes = [_shape(x if lift is None else lift(x))[axis] for x in arrays]
    axis = axis % len(_shape(g))
    parts, start = [], 0
    for n in sizes:
        parts.append(g[(slice(None),) * axis + (slice(start, start + n), ...)])
        start += n
    return type(arrays)(shaped_like(p, x) for p, x in zip(parts, arrays))


def unstack_like(g: Any, arrays: Any, axis: int = 0) -> Any:
    xp = _xp(g)
    g = xp.moveaxis(g, axis, 0)
    return type(arrays)(shaped_like(g[i, ...], x) for i, x in enumerate(arrays))


def sequence_adjoint(g: Any, x: Any) -> Any:
    return g


def pick_adjoint(g: Any, ans: Any, k: int) -> Any:
    v = None if g is None else g[k]
    return zeros_like(ans[k]) if v is None else v


def array_adjoint(g: Any, obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return type(obj)(array_adjoint(g[i, ...], v) for i, v in enumerate(obj))
    return shaped_like(g, obj)


def astype_adjoint(g: Any, x: Any, dtype: Any) -> Any:
    xp = _xp(g, x)
    try:
        floating = xp.isdtype(dtype, ("real floating", "complex floating"))
    except (TypeError, ValueError):  # a NumPy dtype or type, given as the user wrote it
        floating = np.dtype(dtype).kind in "fc"
    if floating:
        return shaped_like(g, x)
    return zeros_like(x)


def pow_dbase(x: Any, y: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1); 0 where y == 0."""
    if isinstance(y, _NUMBERS):
        return 0.0 * x if y == 0 else y * x ** (y - 1)
    xp = _xp(x, y)
    return xp.where(y == 0, 0.0, y * x ** xp.where(y == 0, 1.0, y - 1))


def pow_dexp(x: Any, ans: Any) -> Any:
    """d(x**y)/dy = x**y * log(x); 0 at x == 0."""
    if isinstance(x, _NUMBERS):
        # a complex Python scalar raises TypeError in math.log, as it always has
        return ans * math.log(x) if x else 0.0 * ans  # type: ignore[arg-type]
    xp = _xp(x)
    return ans * xp.log(xp.where(x == 0, 1.0, x))


def dot_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    if not _shape(a) or not _shape(b):
        return unbroadcast(g * b, a)
    return matmul_lhs_adjoint(g, a, b) if len(_shape(b)) <= 2 else _dot_nd(a)


def dot_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    if not _shape(a) or not _shape(b):
        return unbroadcast(g * a, b)
    return matmul_rhs_adjoint(g, a, b) if len(_shape(b)) <= 2 else _dot_nd(b)


def _dot_nd(x: Any) -> Any:
    from s2sad.errors import DifferentiationError
    raise DifferentiationError("np.dot of an array of more than two axes: its adjoint runs "
                               f"on NumPy arrays only, not {type(x).__module__}; use @")


def clip_mask(a: Any, lo: Any, hi: Any) -> Any:
    if isinstance(a, _NUMBERS):
        return float((lo is None or a >= lo) and (hi is None or a <= hi))
    xp = _xp(a)
    inside = xp.ones(_shape(a), dtype=xp.bool, device=_device(a))
    if lo is not None:
        inside = inside & (a >= lo)
    if hi is not None:
        inside = inside & (a <= hi)
    return xp.astype(inside, _real_float(xp, a.dtype))


def centered(a: Any, axis: Any = None) -> Any:
    return a - _xp(a).mean(a, axis=axis, keepdims=True)


def std_share(a: Any, spread: Any, axis: Any = None, ddof: int = 0,
              keepdims: bool = False) -> Any:
    from s2sad.runtime import reduced_size
    s = repeat_to(spread, a, axis, keepdims)
    return safe_div(centered(a, axis), (reduced_size(a, axis) - ddof) * s)


def reverse_cumsum(g: Any, a: Any, axis: Any = None) -> Any:
    xp = _xp(g)
    if axis is None:
        flat = xp.flip(xp.reshape(g, (-1,)), axis=0)
        return xp.reshape(xp.flip(xp.cumulative_sum(flat, axis=0), axis=0), _shape(a))
    return xp.flip(xp.cumulative_sum(xp.flip(g, axis=axis), axis=axis), axis=axis)


def _solve_transposed(g: Any, a: Any, b: Any) -> Any:
    """``solve(a^T, g)``, a vector ``b`` (and ``g``) taken as a column."""
    xp = _xp(g, a)
    if len(_shape(b)) == 1:
        return xp.linalg.solve(_mT(xp, a), g[..., None])[..., 0]
    return xp.linalg.solve(_mT(xp, a), g)


def solve_lhs_adjoint(g: Any, a: Any, b: Any, ans: Any) -> Any:
    """``-solve(a^T, g) x^T``."""
    gb, xp = _solve_transposed(g, a, b), _xp(g, a)
    if len(_shape(b)) == 1:
        return unbroadcast(-gb[..., :, None] * ans[..., None, :], a)
    return unbroadcast(-gb @ _mT(xp, ans), a)


def solve_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    return unbroadcast(_solve_transposed(g, a, b), b)


def solve_lhs_tangent(da: Any, a: Any, b: Any, ans: Any) -> Any:
    xp = _xp(da, a)
    if len(_shape(b)) == 1:
        return -xp.linalg.solve(a, da @ ans[..., None])[..., 0]
    return -xp.linalg.solve(a, da @ ans)


def solve_rhs_tangent(db: Any, a: Any, b: Any) -> Any:
    xp = _xp(db, a)
    if len(_shape(b)) == 1:
        return xp.linalg.solve(a, db[..., None])[..., 0]
    return xp.linalg.solve(a, db)


# the helpers that are plain Python (containers, shapes, indices) run as they are
_AS_THEY_ARE = (
    "add_grads", "list_append", "list_init", "tuple_init", "dict_init", "list_drop_last",
    "list_last", "stop_gradient", "iteration_items", "user_cotangents", "user_jvp",
    "list_remove", "list_insert_zero", "list_concat", "list_repeat", "list_repeat_adjoint",
    "list_insert", "field_add", "field_of", "dict_get", "reduced_size", "axes_inverse",
)

PORTABLE: dict[str, Any] = {
    name: value for name, value in globals().items()
    if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") ==
    __name__ and name not in ("Shape", "array_namespace")}


def _register_plain() -> None:
    from s2sad import runtime
    for name in _AS_THEY_ARE:
        PORTABLE[name] = runtime.HELPERS[name]


_register_plain()
