"""Library functions (and keywords of functions that have rules) differentiated through
a closed form of primitives that have rules (``defthrough``), each computing the same
values as the library does:

- keywords the rule of the function does not take, through a form that calls the
  function without them (``defthrough(fn, reference, keywords=...)``): ``np.diff``'s
  ``prepend``/``append`` (joined to the array first), ``np.pad``'s scalar
  ``constant_values`` (the padding of zeros plus the value times a mask), ``np.max`` /
  ``np.min``'s ``initial`` (an ``np.maximum`` / ``np.minimum`` after) and ``where``
  (the masked places given ``initial``), ``np.sum``'s, ``np.mean``'s, ``np.var``'s and
  ``np.std``'s ``where`` (the masked places given 0, divided by the count of the others);
- functions with no rule: ``np.meshgrid``, ``np.block`` (lists of depth 1 or 2),
  ``np.compress``, ``np.extract``, ``np.choose`` (as ``np.select``), ``np.resize``,
  ``np.diagflat``, ``np.logspace`` (a power of ``np.linspace``), ``np.matvec`` and
  ``np.vecmat`` (as ``np.matmul`` with the vector made a column or a row),
  ``np.linalg.svdvals`` (``svd`` without ``u``, ``vh``), ``np.ldexp``, ``np.divmod``,
  ``np.fft.hfft`` / ``ihfft`` (default norm),
  ``np.add.accumulate`` / ``np.multiply.accumulate`` (``cumsum`` / ``cumprod``),
  ``np.ediff1d``, ``np.apply_along_axis`` (a loop over the rows; the function's value a
  number or a vector), ``np.vectorize`` (a loop over the elements of the arguments broadcast
  together),
  ``np.nanvar``, ``np.nanstd``, ``np.nanprod``, ``np.nancumsum``, ``np.nancumprod`` (the
  NaNs replaced before the arithmetic, so none reaches a derivative), ``np.ndindex`` (its
  index tuples as a list), ``np.piecewise`` (each function called on the elements its
  condition picks and written there, as NumPy does: a function is never evaluated, nor
  differentiated, where its condition is false, so no NaN of a branch not taken reaches
  the gradient).

Python's own (``divmod``, ``zip``, ``itertools``, ``math``, ``cmath``) are in
:mod:`python_through`.
"""
from __future__ import annotations

import math

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defnondiff, defthrough
from s2sad.runtime.arrays import index_tuples


def diff_with_ends(a, n=1, axis=-1, prepend=None, append=None):
    parts = [a]
    if prepend is not None:
        parts = [ends_like(prepend, a, axis)] + parts
    if append is not None:
        parts = parts + [ends_like(append, a, axis)]
    return np.diff(np.concatenate(parts, axis=axis), n, axis)


def ends_like(v, a, axis):
    if np.ndim(v) == 0:
        shape = list(np.shape(a))
        shape[axis] = 1
        return np.broadcast_to(v, tuple(shape))
    return v


def pad_with_value(array, pad_width, mode='constant', constant_values=0):
    if mode != 'constant' or np.ndim(constant_values) != 0:
        raise DifferentiationError("<s2sad>:?: np.pad with constant_values: its derivative "
                                   "is known for one number (mode 'constant'); pad each side "
                                   "by np.concatenate")
    outside = 1.0 - np.pad(np.ones(np.shape(array)), pad_width)
    return np.pad(array, pad_width) + constant_values * outside


def max_with_initial(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.max with out=: assign the result")
    if where is not None:  # (NumPy asks for initial with where: the masked places)
        return np.max(np.where(where, a, initial), axis=axis, keepdims=keepdims)
    return np.maximum(np.max(a, axis=axis, keepdims=keepdims), initial)


def min_with_initial(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.min with out=: assign the result")
    if where is not None:
        return np.min(np.where(where, a, initial), axis=axis, keepdims=keepdims)
    return np.minimum(np.min(a, axis=axis, keepdims=keepdims), initial)


def sum_where(a, axis=None, dtype=None, out=None, keepdims=False, initial=0, where=True):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.sum with out=: assign the result")
    return np.sum(np.where(where, a, 0), axis=axis, dtype=dtype, keepdims=keepdims) + initial


def var_where(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.var with out=: assign the result")
    count = np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=True)
    mean = np.sum(np.where(where, a, 0), axis=axis, dtype=dtype, keepdims=True) / count
    squares = np.where(where, np.real((a - mean) * np.conj(a - mean)), 0)
    total = np.sum(squares, axis=axis, dtype=dtype, keepdims=keepdims)
    return total / (np.sum(np.broadcast_to(where, np.shape(a)), axis=axis,
                           keepdims=keepdims) - ddof)


def std_where(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=True):
    return np.sqrt(var_where(a, axis, dtype, out, ddof, keepdims, where))


def diagflat(v, k=0):
    return np.diag(np.ravel(v), k)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    if np.ndim(base) > 0:  # (NumPy's: an array of bases along the new axis)
        base = np.expand_dims(base, axis)
    return np.power(base, np.linspace(start, stop, num, endpoint=endpoint, axis=axis))


def matvec(x1, x2):
    return np.matmul(x1, np.expand_dims(x2, -1))[..., 0]


def vecmat(x1, x2):
    return np.matmul(np.expand_dims(np.conj(x1), -2), x2)[..., 0, :]


def mean_where(a, axis=None, dtype=None, out=None, keepdims=False, where=True):
    if out is not None:
        raise DifferentiationError("<s2sad>:?: np.mean with out=: assign the result")
    count = np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=keepdims)
    return np.sum(np.where(where, a, 0), axis=axis, dtype=dtype, keepdims=keepdims) / count


def meshgrid(*xi, copy=True, sparse=False, indexing='xy'):
    ndim = len(xi)
    swap = indexing == 'xy' and ndim > 1
    order = [1, 0] + list(range(2, ndim)) if swap else list(range(ndim))
    sizes = tuple([np.size(xi[k]) for k in order])
    grids = []
    for i in range(ndim):
        at = order[i]
        grid = np.reshape(xi[i], tuple([-1 if k == at else 1 for k in range(ndim)]))
        if not sparse:
            grid = np.broadcast_to(grid, sizes) * 1  # (a copy of the dtype: a grid of
            # ints indexes arrays; + 0.0 made it float, and -0.0 + 0.0 is 0.0)
        grids.append(grid)
    return tuple(grids)


def block(arrays):
    if isinstance(arrays, list) and len(arrays) > 0 and isinstance(arrays[0], list):
        rows = [np.concatenate([np.atleast_2d(a) for a in row], axis=-1) for row in arrays]
        return np.concatenate(rows, axis=-2)
    if isinstance(arrays, list):
        return np.concatenate([np.atleast_1d(a) for a in arrays], axis=-1)
    return np.asarray(arrays) + 0.0


def compress(condition, a, axis=None, out=None):
    return np.take(a, np.flatnonzero(condition), axis=axis)


def extract(condition, arr):
    return np.take(arr, np.flatnonzero(condition))


def choose(a, choices, out=None, mode='raise'):
    if mode == 'wrap':  # (the index taken modulo the number of choices, or clipped to it)
        a = np.mod(a, len(choices))
    elif mode == 'clip':
        a = np.clip(a, 0, len(choices) - 1)
    return np.select([np.equal(a, k) for k in range(len(choices))], choices)


def resize(a, new_shape):
    count = math.prod(new_shape) if isinstance(new_shape, (tuple, list)) else new_shape
    return np.reshape(np.take(a, np.arange(count) % np.size(a)), new_shape)


def ldexp(x1, x2):
    return x1 * 2.0 ** x2


def np_divmod(x1, x2):
    return np.floor_divide(x1, x2), np.mod(x1, x2)


def add_accumulate(array, axis=0, dtype=None, out=None):
    return np.cumsum(array, axis=axis)


def multiply_accumulate(array, axis=0, dtype=None, out=None):
    return np.cumprod(array, axis=axis)


def hfft(a, n=None, axis=-1, norm=None, out=None):
    if norm not in (None, 'backward') or out is not None:
        raise DifferentiationError("<s2sad>:?: np.fft.hfft: its derivative is known for the "
                                   "default norm; scale np.fft.irfft(np.conj(a)) yourself")
    size = 2 * (np.shape(a)[axis] - 1) if n is None else n
    return np.fft.irfft(np.conj(a), size, axis) * size


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    if norm not in (None, 'backward') or out is not None:
        raise DifferentiationError("<s2sad>:?: np.fft.ihfft: its derivative is known for the "
                                   "default norm; scale np.conj(np.fft.rfft(a)) yourself")
    size = np.shape(a)[axis] if n is None else n
    return np.conj(np.fft.rfft(a, size, axis)) / size


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    seen = ~np.isnan(a)
    z = np.where(seen, a, 0.0)
    count = np.sum(seen, axis=axis, keepdims=True)
    centred = np.where(seen, z - np.sum(z, axis=axis, keepdims=True) / count, 0.0)
    spread = np.sum(centred * centred, axis=axis, keepdims=keepdims)
    return spread / (np.sum(seen, axis=axis, keepdims=keepdims) - ddof)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    # the norm of the centred values: a slope of 0 where they are all 0 (np.std's kink,
    # a single value), where the root of nanvar's 0 gave 0 * inf
    seen = ~np.isnan(a)
    z = np.where(seen, a, 0.0)
    count = np.sum(seen, axis=axis, keepdims=True)
    centred = np.where(seen, z - np.sum(z, axis=axis, keepdims=True) / count, 0.0)
    spread = norm_over(centred, axis, keepdims)
    return spread / np.sqrt(np.sum(seen, axis=axis, keepdims=keepdims) - ddof)


def norm_over(a, axis, keepdims):
    # np.linalg.norm over axes of any number (NumPy's norm takes at most two): those
    # axes moved last and made one
    if not isinstance(axis, tuple) or len(axis) <= 2:
        return np.linalg.norm(a, axis=axis, keepdims=keepdims)
    count = len(axis)
    moved = np.moveaxis(a, axis, tuple(range(-count, 0)))
    spread = np.linalg.norm(np.reshape(moved, np.shape(moved)[:-count] + (-1,)), axis=-1)
    return np.expand_dims(spread, axis) if keepdims else spread


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False):
    return np.prod(np.where(np.isnan(a), 1.0, a), axis=axis, keepdims=keepdims)


def nancumsum(a, axis=None, dtype=None, out=None):
    return np.cumsum(np.where(np.isnan(a), 0.0, a), axis=axis)


def nancumprod(a, axis=None, dtype=None, out=None):
    return np.cumprod(np.where(np.isnan(a), 1.0, a), axis=axis)


def ediff1d(ary, to_end=None, to_begin=None):
    d = np.diff(np.ravel(ary))
    if to_begin is not None:
        d = np.concatenate([np.ravel(to_begin), d])
    if to_end is not None:
        d = np.concatenate([d, np.ravel(to_end)])
    return d


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    moved = np.moveaxis(arr, axis, -1)
    rows = np.reshape(moved, (-1, np.shape(moved)[-1]))
    outs = [func1d(rows[k], *args, **kwargs) for k in range(np.shape(rows)[0])]
    if np.ndim(outs[0]) > 1:
        raise DifferentiationError("<s2sad>:?: np.apply_along_axis of a function returning "
                                   "a matrix: write the loop over the rows")
    value = np.reshape(np.stack(outs), np.shape(moved)[:-1] + np.shape(outs[0]))
    if np.ndim(outs[0]) == 0:
        return value
    return np.moveaxis(value, -1, axis)


def piecewise(x, condlist, funclist, *args, **kw):
    x = np.asarray(x)
    if np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray))
                                 and np.ndim(x) != 0):
        condlist = [condlist]
    conds = np.asarray(condlist, dtype=bool)
    extra = len(funclist) - len(conds)  # (1: the last function is for where none holds)
    if extra not in (0, 1):
        raise ValueError(f"with {len(conds)} condition(s), either {len(conds)} or "
                         f"{len(conds) + 1} functions are expected")
    otherwise = ~np.any(conds, axis=0, keepdims=True)
    conds = np.concatenate([conds, otherwise[:extra]], axis=0)
    y = np.zeros_like(x)
    for cond, func in zip(conds, funclist):
        if not callable(func):
            y[cond] = func
        elif np.any(cond):
            y[cond] = func(x[cond], *args, **kw)
    return y


def vectorize(pyfunc, otypes=None):
    def vectorized(*args):
        """The arguments broadcast together as NumPy's vectorize does, then one call
        per element of the common shape."""
        shape = np.broadcast_shapes(*[np.shape(a) for a in args])
        flats = [np.ravel(np.broadcast_to(a, shape)) for a in args]
        outs = [pyfunc(*[flat[k] for flat in flats]) for k in range(len(flats[0]))]
        return np.reshape(np.array(outs), shape)
    return vectorized


def ndindex(*shape):
    if len(shape) == 1 and isinstance(shape[0], tuple):
        return index_tuples(shape[0])
    return index_tuples(shape)


def linalg_cross(x1, x2, axis=-1):
    return np.cross(x1, x2, axis=axis)


def linalg_diagonal(x, offset=0):
    return np.diagonal(x, offset=offset, axis1=-2, axis2=-1)


def linalg_svdvals(x):
    return np.linalg.svd(x, compute_uv=False)


defthrough(np.diff, diff_with_ends, keywords=("prepend", "append"))
defthrough(np.pad, pad_with_value, keywords=("constant_values",))
for _f in (np.max, np.amax):
    defthrough(_f, max_with_initial, keywords=("initial", "where"))
for _f in (np.min, np.amin):
    defthrough(_f, min_with_initial, keywords=("initial", "where"))
defthrough(np.sum, sum_where, keywords=("where", "initial"))
defthrough(np.mean, mean_where, keywords=("where",))
defthrough(np.var, var_where, keywords=("where",))
defthrough(np.std, std_where, keywords=("where",))
for _fn, _reference in ((np.meshgrid, meshgrid), (np.block, block), (np.compress, compress),
                        (np.extract, extract), (np.choose, choose), (np.ldexp, ldexp),
                        (np.resize, resize), (np.diagflat, diagflat), (np.logspace, logspace),
                        (np.divmod, np_divmod), (np.add.accumulate, add_accumulate),
                        (np.multiply.accumulate, multiply_accumulate), (np.fft.hfft, hfft),
                        (np.fft.ihfft, ihfft), (np.nanvar, nanvar), (np.nanstd, nanstd),
                        (np.nanprod, nanprod), (np.nancumsum, nancumsum),
                        (np.nancumprod, nancumprod), (np.ediff1d, ediff1d),
                        (np.apply_along_axis, apply_along_axis),
                        (np.vectorize, vectorize), (np.ndindex, ndindex),
                        (np.piecewise, piecewise)):
    defthrough(_fn, _reference)
defnondiff(index_tuples)
for _name, _reference in (("cross", linalg_cross), ("diagonal", linalg_diagonal),
                          ("svdvals", linalg_svdvals)):
    if hasattr(np.linalg, _name):  # (NumPy 2's array-API spellings)
        defthrough(getattr(np.linalg, _name), _reference)
if hasattr(np, "matvec"):  # (NumPy 2.2: gufuncs, products with a vector of the last axis)
    defthrough(np.matvec, matvec)
    defthrough(np.vecmat, vecmat)
