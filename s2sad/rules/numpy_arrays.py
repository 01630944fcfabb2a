"""NumPy reductions, shapes, joins and splits, selection; and the array
methods and attributes (``x.sum(axis=0)``, ``x.T``) mapped to them.

Reductions take ``axis`` as None, an int or a tuple, and ``keepdims``;
``repeat_to`` spreads ``g`` back over the reduced axes.  Ties of ``max``/
``min`` split the derivative equally; ``prod`` and ``cumprod`` are exact at
zeros (products of the other elements, no division); ``std`` of a constant
has derivative 0.  A list (or tuple) parameter (``np.concatenate([a, b])``,
``np.stack(ys)``, ``np.array([a, b])``) gets a list (or tuple) adjoint, one
entry per element; a list output (``np.split``) receives ``g`` as a list
whose entries may be ``None`` (unused pieces), made zeros by ``fill_zeros``.
Reductions given a list (``np.mean(losses)``) return an ndarray adjoint of
shape ``np.shape(list)``.  ``ptp`` is ``max - min`` with their tie convention;
``median`` gives its derivative to the middle element (1/2 to each of the two
middle elements for an even size, elements equal to a middle value splitting
its share); ``nanmedian`` to the middle of the values that are not NaN.
``np.insert`` / ``np.delete`` / ``np.append`` differentiate the array and the
inserted values, never the indices.  ``np.add.reduce`` and the other ufunc reductions
are keyed by the bound method (equal each time it is looked up) and reduce over
``axis=0`` by default.
"""
import numpy as np

from s2sad import runtime as rt
from s2sad.rules import facts
from s2sad.rules.facts import deffacts, defkeepsshape, defshape
from s2sad.rules.kinds import defscale
from s2sad.rules.registry import (
    defattr,
    deffixed,
    defjvp,
    deflinear,
    defmethod,
    defnondiff,
    defvjp,
    when_imported,
)

SUM = "a, axis=None, dtype=None, out=None, keepdims=False"
EXTREMUM = "a, axis=None, out=None, keepdims=False"
VAR = "a, axis=None, dtype=None, out=None, ddof=0, keepdims=False"
SPREAD = "repeat_to(g, a, axis, keepdims)"

# ----- sums and means -----
deflinear(np.sum, SUM, SPREAD)
deflinear(np.mean, SUM, "repeat_to(g / reduced_size(a, axis), a, axis, keepdims)")
defvjp(np.nansum, SUM, f"{SPREAD} * ~np.isnan(a)")
defjvp(np.nansum, SUM, "np.sum(np.where(np.isnan(a), 0.0, da), axis=axis, keepdims=keepdims)")
defvjp(np.nanmean, SUM, f"{SPREAD} * ~np.isnan(a) / np.sum(~np.isnan(a), axis=axis, keepdims=True)")
defjvp(np.nanmean, SUM,
       "np.nanmean(np.where(np.isnan(a), np.nan, da), axis=axis, keepdims=keepdims)")
AVERAGE = "a, axis=None, weights=None, returned=False, *, keepdims=False"
WSUM = "np.sum(expand_weights(weights, a, axis), axis=axis, keepdims=True)"
DWEIGHTS = f"(a - repeat_to(ans, a, axis, keepdims)) / {WSUM}"  # d average / d weights
defvjp(np.average, AVERAGE, f"{SPREAD} * average_weights(a, axis, weights)", None,
       f"reduce_to_weights({SPREAD} * {DWEIGHTS}, weights, axis)")
defjvp(np.average, AVERAGE, "np.average(da, axis, weights, keepdims=keepdims)", None,
       f"np.sum(expand_weights(dweights, a, axis) * {DWEIGHTS}, axis=axis, keepdims=keepdims)")
deffixed(np.average, returned=False)  # (the pair (average, weight sum): no rule for it)

# ----- products, extrema, spread -----
defvjp(np.prod, SUM, f"{SPREAD} * prod_others(a, axis)")
defjvp(np.prod, SUM, "np.sum(da * prod_others(a, axis), axis=axis, keepdims=keepdims)")
for _f in (np.max, np.amax, np.min, np.amin, np.nanmax, np.nanmin):
    defvjp(_f, EXTREMUM, "extremum_adjoint(g, a, ans, axis, keepdims)")
    defjvp(_f, EXTREMUM, "np.sum(da * extremum_share(a, ans, axis, keepdims), axis=axis, "
           "keepdims=keepdims)")
defvjp(np.ptp, EXTREMUM, f"{SPREAD} * ptp_share(a, axis)")
defjvp(np.ptp, EXTREMUM, "np.sum(da * ptp_share(a, axis), axis=axis, keepdims=keepdims)")
MEDIAN = "a, axis=None, out=None, overwrite_input=False, keepdims=False"
defvjp(np.median, MEDIAN, f"{SPREAD} * median_share(a, axis)")
defjvp(np.median, MEDIAN, "np.sum(da * median_share(a, axis), axis=axis, keepdims=keepdims)")
defvjp(np.nanmedian, MEDIAN, f"{SPREAD} * median_share(a, axis, True)")
defjvp(np.nanmedian, MEDIAN,
       "np.sum(da * median_share(a, axis, True), axis=axis, keepdims=keepdims)")
# complex a: var is the mean of |a - mean|^2 (real): the adjoint conjugates the centred
# values (d/dre - i d/dim) and the tangent is real; the factor 2 / n taken into the
# adjoint of the reduced shape before it is spread: one pass over the centred values
defvjp(np.var, VAR, "repeat_to(g * (2 / (reduced_size(a, axis) - ddof)), a, axis, keepdims) "
       "* np.conj(centered(a, axis))")
defjvp(np.var, VAR, "2 * np.real(np.sum(da * np.conj(centered(a, axis)), axis=axis, "
       "keepdims=keepdims)) / (reduced_size(a, axis) - ddof)")
defvjp(np.std, VAR, f"{SPREAD} * std_share(a, ans, axis, ddof, keepdims)")
defjvp(np.std, VAR, "np.real(np.sum(da * std_share(a, ans, axis, ddof, keepdims), "
       "axis=axis, keepdims=keepdims))")

# ----- ufunc reductions: like sum, prod, max, min, with axis=0 by default -----
UREDUCE = "array, axis=0, dtype=None, out=None, keepdims=False"
USPREAD = "repeat_to(g, array, axis, keepdims)"
deflinear(np.add.reduce, UREDUCE, USPREAD)
defvjp(np.multiply.reduce, UREDUCE, f"{USPREAD} * prod_others(array, axis)")
defjvp(np.multiply.reduce, UREDUCE,
       "np.sum(darray * prod_others(array, axis), axis=axis, keepdims=keepdims)")
# log(sum(exp)): each element's share exp(x - ans) (base 2 for logaddexp2)
for _reducer, _base in ((np.logaddexp.reduce, "np.exp"), (np.logaddexp2.reduce, "np.exp2")):
    _share = f"{_base}(array - repeat_to(ans, array, axis, keepdims))"
    defvjp(_reducer, UREDUCE, f"{USPREAD} * {_share}")
    defjvp(_reducer, UREDUCE, f"np.sum(darray * {_share}, axis=axis, keepdims=keepdims)")
for _reducer in (np.maximum.reduce, np.minimum.reduce):
    defvjp(_reducer, UREDUCE, "extremum_adjoint(g, array, ans, axis, keepdims)")
    defjvp(_reducer, UREDUCE, "np.sum(darray * extremum_share(array, ans, axis, keepdims), "
           "axis=axis, keepdims=keepdims)")

# ----- cumulative and differences -----
deflinear(np.cumsum, "a, axis=None, dtype=None, out=None", "reverse_cumsum(g, a, axis)")
deflinear(np.cumulative_sum, "x, *, axis=None, dtype=None", "reverse_cumsum(g, x, axis)")
defvjp(np.cumprod, "a, axis=None, dtype=None, out=None", "cumprod_adjoint(g, a, axis, ans)")
defjvp(np.cumprod, "a, axis=None, dtype=None, out=None", "cumprod_tangent(da, a, axis)")
if hasattr(np, "cumulative_prod"):  # (NumPy 2.1)
    defvjp(np.cumulative_prod, "x, *, axis=None, dtype=None",
           "cumprod_adjoint(g, x, axis, ans)")
    defjvp(np.cumulative_prod, "x, *, axis=None, dtype=None", "cumprod_tangent(dx, x, axis)")
deflinear(np.diff, "a, n=1, axis=-1", "undiff(g, a, n, axis)")

# ----- softmax family (scipy.special, once imported) -----
def _softmax_family_rules() -> None:
    import scipy.special as sp

    LSE = "a, axis=None, b=None, keepdims=False, return_sign=False"
    # return_sign=True: ans is (log|s|, sign s); the sign has no derivative
    G_LSE = "(pick_adjoint(g, ans, 0) if return_sign else g)"
    # d/db of log(sum(b exp(a))): exp(a - ans), the weights without b (was no template:
    # a silent zero for a differentiated b)
    defvjp(sp.logsumexp, LSE, f"repeat_to({G_LSE}, a, axis, keepdims) * "
           "lse_weights(a, ans, axis, keepdims, b)", None,
           f"unbroadcast(repeat_to({G_LSE}, a, axis, keepdims) * "
           "lse_weights(a, ans, axis, keepdims), b)")
    defjvp(sp.logsumexp, LSE, "lse_tangent(np.sum(da * lse_weights(a, ans, axis, keepdims, b), "
           "axis=axis, keepdims=keepdims), ans, return_sign)", None,
           "lse_tangent(np.sum(db * lse_weights(a, ans, axis, keepdims), axis=axis, "
           "keepdims=keepdims), ans, return_sign)")
    defvjp(sp.softmax, "x, axis=None", "ans * (g - np.sum(g * ans, axis=axis, keepdims=True))")
    defjvp(sp.softmax, "x, axis=None", "ans * (dx - np.sum(dx * ans, axis=axis, keepdims=True))")
    defvjp(sp.log_softmax, "x, axis=None",
           "g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)")
    defjvp(sp.log_softmax, "x, axis=None",
           "dx - np.sum(np.exp(ans) * dx, axis=axis, keepdims=True)")
    defshape(sp.logsumexp, "reduction")
    defshape((sp.softmax, sp.log_softmax), "first")


when_imported("scipy.special", _softmax_family_rules)

# ----- reshaping: the adjoint takes the input's shape back -----
# (order 'A' or 'K' reads a in its memory's order: the adjoint, a new array, is given it)
_UNSHAPED = "np.reshape(g, np.shape(a), order=memory_order(a, order))"
deflinear(np.reshape, "a, shape=None, order='C'", _UNSHAPED)
deflinear(rt.reshape_method, "a, *shape, order='C'", _UNSHAPED)
deflinear(np.ravel, "a, order='C'", _UNSHAPED)
deflinear(np.squeeze, "a, axis=None", "np.reshape(g, np.shape(a))")
deflinear(np.expand_dims, "a, axis", "np.reshape(g, np.shape(a))")
deflinear(np.atleast_1d, "a", "np.reshape(g, np.shape(a))")
deflinear(np.atleast_2d, "a", "np.reshape(g, np.shape(a))")
deflinear(np.atleast_3d, "a", "np.reshape(g, np.shape(a))")
deflinear(np.broadcast_to, "array, shape, subok=False", "unbroadcast(g, array)")

# ----- permuting axes and elements: the adjoint is the inverse permutation -----
deflinear(np.transpose, "a, axes=None", "np.transpose(g, axes_inverse(axes))")
deflinear(rt.transpose_method, "a, *axes", "np.transpose(g, axes_inverse(axes))")
deflinear(np.matrix_transpose, "x", "np.matrix_transpose(g)")
deflinear(np.swapaxes, "a, axis1, axis2", "np.swapaxes(g, axis1, axis2)")
deflinear(np.moveaxis, "a, source, destination", "np.moveaxis(g, destination, source)")
deflinear(np.flip, "m, axis=None", "np.flip(g, axis)")
deflinear(np.fliplr, "m", "np.fliplr(g)")
deflinear(np.flipud, "m", "np.flipud(g)")
deflinear(np.rot90, "m, k=1, axes=(0, 1)", "np.rot90(g, -k, axes)")
deflinear(np.roll, "a, shift, axis=None", "np.roll(g, np.negative(shift), axis)")

# ----- copies and conversions -----
deflinear(np.copy, "a, order='K', subok=False", "g")
deflinear(np.array, "object, dtype=None, *, copy=True, order='K', subok=False, ndmin=0",
          "array_adjoint(g, object)")
deflinear(np.asarray, "a, dtype=None, order=None", "array_adjoint(g, a)")
deflinear(np.asanyarray, "a, dtype=None, order=None", "array_adjoint(g, a)")
deflinear(np.ascontiguousarray, "a, dtype=None", "array_adjoint(g, a)")
deflinear(np.asfortranarray, "a, dtype=None", "array_adjoint(g, a)")
deflinear(np.asarray_chkfinite, "a, dtype=None, order=None", "array_adjoint(g, a)")
deflinear(np.require, "a, dtype=None, requirements=None", "array_adjoint(g, a)")
deflinear(np.float64, "x", "array_adjoint(g, x)")
deflinear(np.float32, "x", "array_adjoint(g, x)")
deflinear(np.longdouble, "x", "array_adjoint(g, x)")
# A half-precision tangent would keep 3 digits: the cast's derivative (the identity)
# keeps the tangent as it is, in both modes.
defvjp(np.float16, "x", "array_adjoint(g, x)")
defjvp(np.float16, "x", "array_adjoint(dx, x)")
defvjp(rt.astype, "x, dtype, order='K', casting='unsafe', copy=True",
       "astype_adjoint(g, x, dtype)")
defjvp(rt.astype, "x, dtype, order='K', casting='unsafe', copy=True",
       "astype_adjoint(dx, x, dtype)")
defvjp(np.astype, "x, dtype, *, copy=True, device=None", "astype_adjoint(g, x, dtype)")
defjvp(np.astype, "x, dtype, *, copy=True, device=None", "astype_adjoint(dx, x, dtype)")
deflinear(rt.item_method, "a, *args", "item_adjoint(g, a, args)")

# ----- joining: the adjoint is a list of pieces of g -----
deflinear(np.concatenate, "arrays, axis=0, *, dtype=None, casting='same_kind'",
          "unconcat(g, arrays, axis)")  # np.concat too
deflinear(np.stack, "arrays, axis=0, *, dtype=None, casting='same_kind'",
          "unstack_like(g, arrays, axis)")
deflinear(np.vstack, "tup, *, dtype=None, casting='same_kind'",
          "unconcat(g, tup, 0, np.atleast_2d)")
if hasattr(np, "row_stack"):  # np.vstack's old name, deprecated in NumPy 2
    deflinear(np.row_stack, "tup, *, dtype=None, casting='same_kind'",
              "unconcat(g, tup, 0, np.atleast_2d)")
deflinear(np.hstack, "tup, *, dtype=None, casting='same_kind'",
          "unconcat(g, tup, hstack_axis(tup), np.atleast_1d)")
deflinear(np.dstack, "tup", "unconcat(g, tup, 2, np.atleast_3d)")
deflinear(np.column_stack, "tup", "unconcat(g, tup, 1, as_columns)")
deflinear(np.tile, "A, reps", "untile(g, A, reps)")
deflinear(np.repeat, "a, repeats, axis=None", "unrepeat(g, a, repeats, axis)")
deflinear(np.pad, "array, pad_width, mode='constant'", "unpad(g, array, pad_width, mode)")
defjvp(np.pad, "array, pad_width, mode='constant'",
       "pad_tangent(darray, pad_width, mode, array)")
deflinear(np.append, "arr, values, axis=None", "unconcat(g, [arr, values], axis)[0]",
          "unconcat(g, [arr, values], axis)[1]")
deflinear(np.insert, "arr, obj, values, axis=None",
          "scatter_to(g, insert_sources(arr, obj, values, axis, 0), arr)", None,
          "scatter_to(g, insert_sources(arr, obj, values, axis, 1), values)")
deflinear(np.delete, "arr, obj, axis=None", "scatter_to(g, delete_sources(arr, obj, axis), arr)")

# ----- splitting: g is a list, possibly with None entries -----
deflinear(np.split, "ary, indices_or_sections, axis=0",
          "np.concatenate(fill_zeros(g, ans), axis=axis)")
deflinear(np.array_split, "ary, indices_or_sections, axis=0",
          "np.concatenate(fill_zeros(g, ans), axis=axis)")
deflinear(np.hsplit, "ary, indices_or_sections", "np.hstack(fill_zeros(g, ans))")
deflinear(np.vsplit, "ary, indices_or_sections", "np.vstack(fill_zeros(g, ans))")
deflinear(np.dsplit, "ary, indices_or_sections", "np.dstack(fill_zeros(g, ans))")
if hasattr(np, "unstack"):  # NumPy 2.1+
    deflinear(np.unstack, "x, *, axis=0", "np.stack(fill_zeros(g, ans), axis=axis)")

# ----- selection: the adjoint adds g back where it was taken from -----
deflinear(np.take, "a, indices, axis=None, out=None, mode='raise'",
          "untake(g, a, indices, axis, mode)")
deflinear(np.take_along_axis, "arr, indices, axis=-1",
          "untake_along_axis(g, arr, indices, axis)")
defvjp(np.sort, "a, axis=-1, kind=None, order=None", "sort_adjoint(g, a, axis)")
defjvp(np.sort, "a, axis=-1, kind=None, order=None",
       "np.take_along_axis(np.asarray(da), sort_indices(a, axis), axis=axis)")
defvjp(np.bincount, "x, weights=None, minlength=0", None, "g[x]")
defjvp(np.bincount, "x, weights=None, minlength=0", None,
       "np.bincount(x, dweights, minlength=minlength)")

# ----- array methods: x.name(...) means fn(x, ...) -----
for _name in ("sum", "mean", "prod", "max", "min", "var", "std", "cumsum", "cumprod",
              "ravel", "squeeze", "swapaxes", "repeat", "take", "round", "trace", "diagonal",
              "dot", "conj", "conjugate", "all", "any", "argmax", "argmin", "argsort",
              "nonzero", "searchsorted"):
    defmethod(_name, getattr(np, _name))
defmethod("flatten", np.ravel)
defmethod("copy", rt.copy_value)  # x.copy() keeps its kind (a list stays a list)
defmethod("reshape", rt.reshape_method)
defmethod("transpose", rt.transpose_method)
defmethod("clip", rt.clip_method)
defscale(rt.clip_method, "a, min=None, max=None",
         "g * clip_mask(a, min, max)", "g * clip_bound_share(a, min, max, False)",
         "g * clip_bound_share(a, min, max, True)")
defmethod("astype", rt.astype)
defmethod("item", rt.item_method)

# ----- array attributes: x.name means fn(x) -----
defattr("T", np.transpose)
defattr("mT", np.matrix_transpose)
defattr("real", np.real)
defattr("imag", np.imag)
defattr("shape", np.shape)
defattr("ndim", np.ndim)
defattr("size", np.size)
defattr("dtype", rt.dtype_of)
defnondiff(rt.dtype_of)
defnondiff(rt.memory_order)

# ----- what the shape facts and the finite pass may assume of results (rules/facts.py) ---
defshape((np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod, np.std, np.var,
          np.linalg.norm), "reduction")  # (norm's axis is its third: compiler/shape_rules)
defshape((np.zeros_like, np.ones_like, np.empty_like, np.copy, np.negative, np.abs,
          np.linalg.inv, np.linalg.cholesky, np.asarray, np.asanyarray,
          np.ascontiguousarray, np.asfortranarray,
          np.real, np.imag, np.conj, rt.astype, np.astype, np.round, np.around),
         "first")  # (round: decimals)
defshape((np.where, np.clip), "elementwise")
defkeepsshape(np.sort, np.cumsum, np.cumprod, np.flip, np.negative, np.abs, np.copy)
defshape((np.size, np.ndim), "number")
defshape((np.split, np.array_split, np.meshgrid), "container")
defshape(tuple(getattr(np, name) for name in (
    "trace", "diagonal", "tril", "triu", "flip", "fliplr", "flipud", "rot90", "roll",
    "cumsum", "cumprod", "cumulative_sum", "cumulative_prod", "ravel", "squeeze",
    "swapaxes", "moveaxis", "rollaxis", "sort", "partition", "kron", "inner", "vdot",
    "dot", "tensordot", "einsum", "concatenate", "stack", "hstack", "vstack",
    "column_stack", "row_stack", "dstack", "tile", "pad", "diff", "convolve", "correlate", "cross",
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_to", "reshape", "median",
    "average", "ptp", "nanmax", "nanmin", "nansum", "nanmean", "nanprod", "nanstd",
    "nanvar", "sinc", "angle", "nan_to_num", "real_if_close", "delete", "insert",
    "append", "linspace", "vecdot", "matvec", "vecmat", "unstack")
    if hasattr(np, name)), "probe")  # (not repeat, bincount: their values decide)
defshape(tuple(getattr(np, name) for name in (  # (indices and tests: shaped as above)
    "argsort", "argmax", "argmin", "argpartition", "take",
    "take_along_axis", "full_like", "interp", "searchsorted", "digitize", "isclose",
    "allclose", "array_equal", "count_nonzero", "all", "any", "vander", "ediff1d",
    "trapezoid", "cov", "corrcoef", "polyval", "arange")
    if hasattr(np, name)), "probe")
defshape(np.linalg.pinv, "probe")  # (an m x n matrix's is n x m: not its argument's shape)
deffacts((np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.transpose, np.reshape,
          np.ravel, np.squeeze, np.expand_dims, np.broadcast_to, np.concatenate, np.stack,
          np.hstack, np.vstack, np.array, np.asarray, np.copy, sum, float), facts.of_first)
deffacts((np.maximum, np.minimum, np.clip, max, min), facts.shared)
deffacts((np.matmul, np.dot, np.einsum, np.tensordot, np.outer, np.inner, np.prod),
         facts.product)
