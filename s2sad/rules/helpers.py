"""Rules for the runtime helpers that rule templates call, so a generated
derivative can be differentiated again (``hessian`` is forward over reverse,
``grad(grad(f))`` reverse over reverse).

Most helpers are linear in the adjoint they are given, and their reverse rule
is the map they transpose: ``repeat_to`` <-> ``sum``, ``unconcat`` <->
``concatenate``, ``matmul_lhs_adjoint(t, a, b)`` <-> ``t @ b``.  Bilinear ones
(``matmul_lhs_adjoint`` is linear in ``t`` and in ``b``) get one term each.

Leaves: these helpers have no rule of their own; a derivative through them
differentiates their source (the compiler inlines a runtime helper without a
rule like a user's function), so every order works:
``sinc_deriv2``, ``prod_others_apply``, ``cumprod_second``, ``norm_curvature``, ``std_share_along``,
``einsum_operands_adjoint``, ``einsum_operands_tangent``,
``einsum_adjoint_tangent``, ``multi_dot_second``, ``multi_dot_tangent2``,
``cholesky_*`` and ``matrix_power_*``.
"""
import numpy as np

from s2sad import runtime as rt
from s2sad.rules.facts import deffacts, defshape, defsolve, of_first
from s2sad.rules.kinds import defscale
from s2sad.rules.registry import defjvp, deflinear, defnondiff, defthrough, defvjp

# ----- triangular solves: x = a^-1 b, or a^-T b with trans (a's adjoint is all of a's,
# as for np.linalg.solve, whose call with a triangular a it replaces) -----
_W = "tri_solve(a, g, lower, not trans)"
_GA = f"-(np.outer({_W}, ans) if np.ndim(b) == 1 else {_W} @ np.matrix_transpose(ans))"
defvjp(rt.tri_solve, "a, b, lower, trans=False", f"np.matrix_transpose({_GA}) if trans else {_GA}",
       _W)
defjvp(rt.tri_solve, "a, b, lower, trans=False",
       "-tri_solve(a, (np.matrix_transpose(da) if trans else da) @ ans, lower, trans)",
       "tri_solve(a, db, lower, trans)")
# a @ b (a^T @ b) of a triangular a and a matrix b; a's adjoint is all of a's (as for @)
defvjp(rt.tri_product, "a, b, lower, trans=False",
       "b @ np.matrix_transpose(g) if trans else g @ np.matrix_transpose(b)",
       "tri_product(a, g, lower, not trans)")
defjvp(rt.tri_product, "a, b, lower, trans=False",
       "(np.matrix_transpose(da) if trans else da) @ b", "tri_product(a, db, lower, trans)")
# x^-1 S x^-T, x = a (a^T with trans), S read from one triangle of m: with W = x^-1 da
# S', S' the result, the tangent is -(W + W^T); the adjoint of m is g's sandwich by
# x^-T, of which the triangle read takes its part
_CW = "tri_solve(a, (g + np.matrix_transpose(g)) @ ans, lower, not trans)"
defvjp(rt.tri_congruence, "a, m, lower, trans=False",
       f"-(np.matrix_transpose({_CW}) if trans else {_CW})",
       "triangle_read_adjoint(tri_congruence(a, symmetrized(g), lower, not trans), not lower)")
defjvp(rt.tri_congruence, "a, m, lower, trans=False",
       "-2.0 * symmetrized(tri_solve(a, (np.matrix_transpose(da) if trans else da) @ ans, "
       "lower, trans))", "tri_congruence(a, dm, lower, trans)")

# ----- NaN-safe arithmetic and elementwise partials -----
defscale(rt.safe_mul, "t, d", "safe_mul(g, d)", "safe_mul(t, g)")  # (0 where the guard t is)
defscale(rt.safe_div, "t, den", "safe_div(g, den)", "-safe_div(g * ans, den)")
deflinear(rt.broadcast_like, "t, like", "unbroadcast(g, t)", None)
deflinear(rt.only_real, "value, a, name", "g", None, None)
deflinear(rt.pad_last, "x, n", "g[..., :np.shape(x)[-1]]", None)
# list(x) / tuple(x)'s adjoint taken back to the kind of x: the reverse goes back again
# (of a dict x, a zero: its keys were listed)
deflinear(rt.sequence_adjoint, "t, x", "sequence_adjoint(without_keys(g, x), t)", None)
defscale(rt.pow_dbase, "x, y", "safe_mul(g, safe_mul(y, pow_dbase(x, y - 1)))",
         "safe_mul(g, np.power(x, y - 1) + safe_mul(y, pow_dexp(x, np.power(x, y - 1))))")
defscale(rt.pow_dexp, "x, p", "safe_div(g * p, x)", "safe_mul(g, pow_dexp(x, 1.0))")
defscale(rt.sinc_deriv, "x", "g * sinc_deriv2(x)")
defscale(rt.bessel_i1, "x", "g * bessel_i1_deriv(x)")
defscale(rt.log_of_base, "base", "safe_div(g, base)")
defscale(rt.polygamma, "n, x", None, "g * polygamma(n + 1, x)")
# abs_tangent(t, x) = Re(t abs_slope(x)): flat in a real x; in a complex x, through the
# slope's turn with the phase (abs_slope's own rules below, with t in the cotangent)
defvjp(rt.abs_tangent, "t, x", "g * abs_slope(x)",
       "safe_div(np.conj(g * t) - np.real(g * t * abs_slope(x)) * abs_slope(x), np.abs(x)) "
       "if np.iscomplexobj(x) else zeros_like(x)")
defjvp(rt.abs_tangent, "t, x", "abs_tangent(dt, x)",
       "np.real(t * safe_div(np.conj(dx) - abs_slope(x) * abs_tangent(dx, x), np.abs(x))) "
       "if np.iscomplexobj(x) else 0.0 * abs_tangent(dx, x)")
# np.sign's tangent and adjoint: each the other's transpose in t / g; their derivative in
# x is 0 for real x, refused for complex x (not written yet)
_SIGN2 = "only_real({z}, x, 'a second derivative of np.sign')"
for _lin, _other in ((rt.sign_tangent, "sign_adjoint"), (rt.sign_adjoint, "sign_tangent")):
    defvjp(_lin, "t, x, s", f"{_other}(g, x, s)", _SIGN2.format(z="zeros_like(x)"),
           _SIGN2.format(z="zeros_like(s)"))
    defjvp(_lin, "t, x, s", f"{_lin.__name__}(dt, x, s)", _SIGN2.format(z="0.0 * dx"),
           _SIGN2.format(z="0.0 * ds"))
# a principal matrix function's derivative, checked off its branch cut: the identity
defvjp(rt.off_branch_cut, "value, a, name", "g", None, None)
defjvp(rt.off_branch_cut, "value, a, name", "dvalue", None, None)
# scipy.linalg.block_diag's adjoint and tangent: each the other's transpose; the arrays
# are read for their shapes only
defvjp(rt.block_diag_adjoint, "t, arrs, i", "block_diag_tangent(g, arrs, i)", None, None)
defjvp(rt.block_diag_adjoint, "t, arrs, i", "block_diag_adjoint(dt, arrs, i)", None, None)
defvjp(rt.block_diag_tangent, "t, arrs, i", "block_diag_adjoint(g, arrs, i)", None, None)
defjvp(rt.block_diag_tangent, "t, arrs, i", "block_diag_tangent(dt, arrs, i)", None, None)
deflinear(rt.imag_adjoint, "t, val", "imag_adjoint(g, val)", None)
# the slope of |x| is sign(x) for reals (a constant: no derivative), conj(x) / |x| for
# complex x, which turns with x's phase (second derivatives through np.abs of complex)
defvjp(rt.abs_slope, "x", "safe_div(np.conj(g) - np.real(g * ans) * ans, np.abs(x)) "
       "if np.iscomplexobj(x) else zeros_like(x)")
defjvp(rt.abs_slope, "x", "safe_div(np.conj(dx) - ans * abs_tangent(dx, x), np.abs(x)) "
       "if np.iscomplexobj(x) else zeros_like(x)")
# conj of a complex x, a real x as it is (the slope of |x| ** 2: compiler/scaled_squares.py)
defvjp(rt.conj_if_complex, "x", "np.conj(g) if np.iscomplexobj(x) else g")
defjvp(rt.conj_if_complex, "x", "conj_if_complex(dx)")
defnondiff(rt.max_share, rt.min_share, rt.arg_share, rt.number_sign, rt.fmax_share,
           rt.fmin_share, rt.clip_mask, rt.clip_bound_share,
           rt.extremum_share, rt.reduced_size, rt.sort_indices, rt.axes_inverse, rt.hstack_axis,
           rt.ptp_share, rt.median_share, rt.insert_sources, rt.delete_sources,
           rt.flat_positions, rt.diagonal_positions, rt.along_axis_positions)
deflinear(rt.extremum_adjoint, "t, a, peak, axis=None, keepdims=False",
          "np.reshape(np.sum(g * extremum_share(a, peak, axis, keepdims), axis=axis, "
          "keepdims=keepdims), np.shape(t))", None, None)
# builtin max/min: the share of each item, linear in the adjoint or tangent given; of
# numbers (compiler/plain_calls.py) the share is a float in [0, 1]
defshape((rt.arg_share, rt.number_sign, rt.max_share, rt.min_share, rt.fmax_share,
          rt.fmin_share, rt.clip_mask, rt.clip_bound_share), "elementwise")
defshape((rt.abs_slope, rt.conj_if_complex), "first")
defnondiff(rt.stable_order)  # (a sort's permutation, ties in their order: compiler/sort_orders)
defshape(rt.stable_order, "first")  # (of the default argsort's shape)
defshape(rt.sort_indices, "probe")  # (a flat one of axis=None)
defsolve(rt.tri_solve)  # (np.linalg.solve without SciPy: a float64 operand, float64 out)
defshape(rt.polygamma, "elementwise")  # (the order and the points broadcast together)
defshape(rt.std_share, "first")  # (the centred values over the spread std: a's shape)
deffacts(rt.arg_share, "finite nonneg unit")
deflinear(rt.extremum_args_adjoint, "t, args, k, result",
          "extremum_args_tangent(g, args, k, result)", None, None, None)
deflinear(rt.extremum_args_tangent, "t, args, k, result",
          "extremum_args_adjoint(g, args, k, result)", None, None, None)

# ----- reductions -----
deflinear(rt.repeat_to, "t, x, axis=None, keepdims=False",
          "np.reshape(np.sum(g, axis=axis, keepdims=keepdims), np.shape(t))", None)
deflinear(rt.centered, "a, axis=None", "centered(g, axis)")
deflinear(rt.sum_last, "x", "repeat_to(g, x, -1)")
deffacts(rt.sum_last, of_first)
for _f in (rt.max_last, rt.min_last):  # (np.max / np.min along the last axis)
    defvjp(_f, "a, keepdims=False", "extremum_adjoint(g, a, ans, -1, keepdims)", None)
    defjvp(_f, "a, keepdims=False", "np.sum(da * extremum_share(a, ans, -1, keepdims), "
           "axis=-1, keepdims=keepdims)", None)
    deffacts(_f, of_first)
for _w in (rt.max_axes, rt.min_axes):  # (np.max / np.min over a few short axes)
    defvjp(_w, "a, axes, keepdims=False", "extremum_adjoint(g, a, ans, axes, keepdims)", None,
           None)
    defjvp(_w, "a, axes, keepdims=False", "np.sum(da * extremum_share(a, ans, axes, "
           "keepdims), axis=axes, keepdims=keepdims)", None, None)
    deffacts(_w, of_first)
deflinear(rt.sum_axes, "x, axes, keepdims=False", "repeat_to(g, x, axes, keepdims)")
deffacts(rt.sum_axes, of_first)
deflinear(rt.reverse_cumsum, "t, a, axis=None", "np.reshape(np.cumsum(g, axis), np.shape(t))",
          None)
# np.cumsum / np.cumprod along a literal axis, as generated code calls them (the same
# numbers, by a loop over the axis where its steps are wide)
deflinear(rt.running_sum, "a, axis", "reverse_cumsum(g, a, axis)")
defvjp(rt.running_product, "a, axis", "cumprod_adjoint(g, a, axis, ans)")
defjvp(rt.running_product, "a, axis", "cumprod_tangent(da, a, axis)")
defshape((rt.running_sum, rt.running_product), "first")
# np.roll along a literal axis, as generated code calls it (two slice copies)
deflinear(rt.roll_axis, "a, shift, axis", "roll_axis(g, -shift, axis)")
defshape(rt.roll_axis, "first")
defvjp(rt.prod_others, "a, axis=None", "prod_others_apply(g, a, axis)")
defjvp(rt.prod_others, "a, axis=None", "prod_others_apply(da, a, axis)")
defvjp(rt.cumprod_adjoint, "t, a, axis=None, p=None",
       "cumprod_tangent(g, a, axis)", "cumprod_second(t, g, a, axis, True)")
defjvp(rt.cumprod_adjoint, "t, a, axis=None, p=None",
       "cumprod_adjoint(dt, a, axis)", "cumprod_second(t, da, a, axis, True)")
defvjp(rt.cumprod_tangent, "t, a, axis=None",
       "cumprod_adjoint(g, a, axis)", "cumprod_second(g, t, a, axis, True)")
defjvp(rt.cumprod_tangent, "t, a, axis=None",
       "cumprod_tangent(dt, a, axis)", "cumprod_second(t, da, a, axis, False)")
WSUM = "np.sum(expand_weights(weights, a, axis), axis=axis, keepdims=True)"
defvjp(rt.average_weights, "a, axis=None, weights=None", None, None,
       f"reduce_to_weights((g - np.sum(g * ans, axis=axis, keepdims=True)) / {WSUM}, "
       "weights, axis)")
defjvp(rt.average_weights, "a, axis=None, weights=None", None, None,
       "(expand_weights(dweights, a, axis) - ans * np.sum(expand_weights(dweights, a, axis), "
       f"axis=axis, keepdims=True)) / {WSUM}")
deflinear(rt.expand_weights, "w, a, axis", "reduce_to_weights(g, w, axis)", None)
deflinear(rt.reduce_to_weights, "full, w, axis", "expand_weights(g, full, axis)", None)
LSE = "a, lse, axis=None, keepdims=False, b=None"
deflinear(rt.lse_tangent, "t, value, return_sign=False",
          "pick_adjoint(g, ans, 0) if return_sign else g", None, None)
# (``lse`` is ``(log|s|, sign)`` under return_sign: its adjoint a pair, its tangent read
# by its first item; d/db is the weights without b, the sign included)
defvjp(rt.lse_weights, LSE, "unbroadcast(g * ans, a)",
       "lse_like(-np.sum(g * ans, axis=axis, keepdims=keepdims), lse)", None, None,
       "unbroadcast(g * lse_weights(a, lse, axis, keepdims), b)")
defjvp(rt.lse_weights, LSE, "da * ans",
       "-repeat_to(lse_magnitude(dlse), a, axis, keepdims) * ans", None, None,
       "db * lse_weights(a, lse, axis, keepdims)")
deflinear(rt.lse_magnitude, "x", "lse_like(g, x)")
deflinear(rt.lse_like, "s, lse", "lse_magnitude(g)", None)

# ----- shapes and selection: the adjoint of an adjoint is the forward map -----
deflinear(rt.shaped_like, "t, x", "shaped_like(g, t)", None)
deflinear(rt.array_adjoint, "t, obj", "np.reshape(np.asarray(g, dtype=float), np.shape(t))", None)
deflinear(rt.unconcat, "t, arrays, axis=0, lift=None", "reconcat(g, t, axis, lift)", None)
deflinear(rt.reconcat, "parts, t, axis=0, lift=None", "unconcat(g, parts, axis, lift)", None)
deflinear(rt.unstack_like, "t, arrays, axis=0", "np.stack(fill_zeros(g, arrays), axis)", None)
deflinear(rt.as_columns, "x", "np.reshape(g, np.shape(x))")
deflinear(rt.fill_zeros, "parts, like", "g", None)
deflinear(rt.pick_adjoint, "t, like, k", "replace_at(fill_zeros(None, like), k, g)", None)
deflinear(rt.replace_at, "seq, k, v", "replace_at(g, k, zeros_like(v))", None, "g[k]")
deflinear(rt.item_adjoint, "t, a, args", "item_of(g, args)", None)
deflinear(rt.item_of, "a, args", "item_adjoint(g, a, args)", None)
deflinear(rt.astype_adjoint, "t, x, dtype", "astype_adjoint(g, t, dtype)", None)
deflinear(rt.untile, "t, a, reps", "np.reshape(np.tile(g, reps), np.shape(t))", None)
deflinear(rt.unrepeat, "t, a, repeats, axis=None", "np.repeat(g, repeats, axis)", None)
deflinear(rt.unwindow, "t, x, window_shape, axis=None",
          "np.lib.stride_tricks.sliding_window_view(g, window_shape, axis)", None)
deflinear(rt.untake, "t, a, indices, axis=None, mode='raise'",
          "np.take(g, indices, axis, mode=mode)", None)
deflinear(rt.cycled, "v, at", "uncycled(g, v, at)", None)
deflinear(rt.spread_of, "seq, n", "g", None)
deflinear(rt.uncycled, "t, v, at", "np.reshape(cycled(g, at), np.shape(t))", None, None)
deflinear(rt.untake_along_axis, "t, arr, indices, axis=-1",
          "np.take_along_axis(g, indices, axis=axis)", None)
deflinear(rt.unsort, "t, a, order, axis=-1", "np.take_along_axis(np.asarray(g), order, axis=axis)",
          None, None)
deflinear(rt.sort_adjoint, "t, a, axis=-1",
          "np.take_along_axis(np.asarray(g), sort_indices(a, axis), axis=axis)", None)
deflinear(rt.spread_to_items, "t, iterable",
          "broadcast_like(sum(without_keys(g, iterable)), t)", None)
deflinear(rt.undiff, "t, a, n=1, axis=-1", "np.diff(g, n, axis)", None)
deflinear(rt.unpad, "t, array, pad_width, mode='constant', values=None",
          "pad_tangent(g, pad_width, mode, array if values is None else values)", None, None,
          None, None)
# (the gather of the elements each padded one copies: padding g, or for the extremes
# gathering g where they are)
deflinear(rt.pad_tangent, "t, pad_width, mode='constant', array=None",
          "unpad(g, t, pad_width, mode, array)", None, None, None)
LINSPACE = "t, start, stop, num=50, endpoint=True, axis=0, end=0"
deflinear(rt.linspace_adjoint, LINSPACE,
          "linspace_spread(g, start, stop, num, endpoint, axis, end)", None, None)
deflinear(rt.linspace_spread, LINSPACE,
          "linspace_adjoint(g, start, stop, num, endpoint, axis, end)", None, None)
deflinear(rt.undiagonal, "t, a, offset=0, axis1=0, axis2=1",
          "np.diagonal(g, offset, axis1, axis2)", None)
deflinear(rt.untrace, "t, a, offset=0, axis1=0, axis2=1", "np.trace(g, offset, axis1, axis2)",
          None)
deflinear(rt.diag_adjoint, "t, v, k=0", "np.diag(g, k)", None)
deflinear(rt.scatter_to, "t, src, like", "gather_from(g, src)", None, None)
deflinear(rt.gather_from, "t, src", "scatter_to(g, src, t)", None)
deflinear(rt.symmetrized, "x", "symmetrized(g)")
deflinear(rt.triangle_read, "x, uplo='L'", "triangle_read_adjoint(g, uplo)", None)
deflinear(rt.triangle_read_adjoint, "t, uplo='L'", "triangle_read(g, uplo)", None)
deflinear(rt.hermitian_read, "x, uplo='L'", "hermitian_read_adjoint(g, uplo)", None)
deflinear(rt.hermitian_read_adjoint, "t, uplo='L'", "hermitian_read(g, uplo)", None)
# conj(v) diag(w) v^T by the columns whose w is not zero: no rule, its source is
# differentiated (a slice by the span, then products); the span is a choice of columns
defnondiff(rt.nonzero_span)
defnondiff(rt.last_writes)  # (which element of a trip's write NumPy keeps)
defshape(rt.spectral_sum, "first")  # (v's shape: a matrix, or a stack of them)
defshape((rt.triangle_read, rt.triangle_read_adjoint, rt.hermitian_read,
          rt.hermitian_read_adjoint), "first")

# ----- products: bilinear in the adjoint and the other operand -----
for _lhs, _rhs, _prod in [("dot_lhs_adjoint", "dot_rhs_adjoint", "np.dot"),
                          ("matmul_lhs_adjoint", "matmul_rhs_adjoint", "np.matmul"),
                          ("inner_lhs_adjoint", "inner_rhs_adjoint", "np.inner"),
                          ("kron_lhs_adjoint", "kron_rhs_adjoint", "np.kron")]:
    defvjp(getattr(rt, _lhs), "t, a, b", f"{_prod}(g, b)", None, f"{_rhs}(t, g, b)")
    defjvp(getattr(rt, _lhs), "t, a, b", f"{_lhs}(dt, a, b)", None, f"{_lhs}(t, a, db)")
    defvjp(getattr(rt, _rhs), "t, a, b", f"{_prod}(a, g)", f"{_lhs}(t, a, g)")
    defjvp(getattr(rt, _rhs), "t, a, b", f"{_rhs}(dt, a, b)", f"{_rhs}(t, da, b)")
# cross_adjoint(t, a, b) = d/da <t, a x b>: bilinear in t and b (a gives only the shape)
CROSS_ADJOINT = "t, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None"
defvjp(rt.cross_adjoint, CROSS_ADJOINT,
       "unbroadcast(np.cross(g, b, axisa, axisb, axisc, axis), t)", None,
       "-cross_adjoint(t, b, g, axisb, axisa, axisc, axis)")
defjvp(rt.cross_adjoint, CROSS_ADJOINT, "cross_adjoint(dt, a, b, axisa, axisb, axisc, axis)",
       None, "cross_adjoint(t, a, db, axisa, axisb, axisc, axis)")
TDOT = "t, a, b, axes=2"
defvjp(rt.tensordot_lhs_adjoint, TDOT,
       "np.tensordot(g, b, axes)", None, "tensordot_rhs_adjoint(t, g, b, axes)")
defjvp(rt.tensordot_lhs_adjoint, TDOT,
       "tensordot_lhs_adjoint(dt, a, b, axes)", None, "tensordot_lhs_adjoint(t, a, db, axes)")
defvjp(rt.tensordot_rhs_adjoint, TDOT,
       "np.tensordot(a, g, axes)", "tensordot_lhs_adjoint(t, a, g, axes)")
defjvp(rt.tensordot_rhs_adjoint, TDOT,
       "tensordot_rhs_adjoint(dt, a, b, axes)", "tensordot_rhs_adjoint(t, da, b, axes)")

# ----- multi_dot: linear in the adjoint (tangents), multilinear in the factors; the
# factors' adjoints come flat (one array: its derivative's terms add with +) and
# unconcat(_, arrays, None) cuts them into a list -----
FLAT_G = "unconcat(g, arrays, None)"
defvjp(rt.multi_dot_adjoint, "t, arrays", f"multi_dot_tangent(arrays, {FLAT_G})",
       f"unconcat(multi_dot_second(t, arrays, {FLAT_G}), arrays, None)")
defjvp(rt.multi_dot_adjoint, "t, arrays", "multi_dot_adjoint(dt, arrays)",
       "multi_dot_second(t, arrays, darrays)")
defvjp(rt.multi_dot_tangent, "arrays, tangents",
       "unconcat(multi_dot_second(g, arrays, tangents), arrays, None)",
       "unconcat(multi_dot_adjoint(g, arrays), arrays, None)")
defjvp(rt.multi_dot_tangent, "arrays, tangents", "multi_dot_tangent2(arrays, tangents, darrays)",
       "multi_dot_tangent(arrays, dtangents)")

# ----- np.std's share c / ((n - ddof) s): in a with s held, and in s (-share / s) -----
STD = "a, spread, axis=None, ddof=0, keepdims=False"
SHARE_S = "repeat_to(spread, a, axis, keepdims)"
defvjp(rt.std_share, STD, "std_share_along(g, a, spread, axis, ddof, keepdims)",
       f"-np.sum(safe_div(g * ans, {SHARE_S}), axis=axis, keepdims=keepdims)")
defjvp(rt.std_share, STD, "std_share_along(da, a, spread, axis, ddof, keepdims)",
       f"-safe_div(ans * repeat_to(dspread, a, axis, keepdims), {SHARE_S})")

# ----- einsum: multilinear in the adjoint and the other operands -----
# an active ``subscripts`` is an operand of the interleaved form held in variables
# (np.einsum(a, s0, b, s1)): first derivatives only; a second one is refused
INTERLEAVED = "einsum_interleaved_second(subscripts)"
defnondiff(rt.einsum_interleaved_second)  # it raises: nothing to differentiate
defnondiff(rt.try_completes)  # (which way a try statement goes: a branch flag)
defnondiff(rt.global_value, rt.global_stored)  # (a module variable: global n; n += 1)
EADJ = "t, subscripts, operands, k"
defvjp(rt.einsum_adjoint, EADJ, "einsum_with(subscripts, operands, k, g)", INTERLEAVED,
       "einsum_operands_adjoint(t, subscripts, replace_at(operands, k, g), k)")
defjvp(rt.einsum_adjoint, EADJ, "einsum_adjoint(dt, subscripts, operands, k)", INTERLEAVED,
       "einsum_adjoint_tangent(t, subscripts, operands, k, doperands)")
EWITH = "subscripts, operands, k, v"
defvjp(rt.einsum_with, EWITH, INTERLEAVED,
       "einsum_operands_adjoint(g, subscripts, replace_at(operands, k, v), k)", None,
       "einsum_adjoint(g, subscripts, operands, k)")
defjvp(rt.einsum_with, EWITH, INTERLEAVED,
       "einsum_operands_tangent(subscripts, replace_at(operands, k, v), k, doperands)", None,
       "einsum_with(subscripts, operands, k, dv)")

# ----- solve: x = S(b) = a^-1 b, its adjoint S^T, and their derivatives in a -----
AT = "np.matrix_transpose(a)"
ST_T = f"solve_rhs_tangent(t, {AT}, b)"  # a^-T t, not summed over broadcast axes
defvjp(rt.solve_rhs_tangent, "e, a, b",
       "solve_rhs_adjoint(g, a, b)", "solve_lhs_adjoint(g, a, b, ans)")
defjvp(rt.solve_rhs_tangent, "e, a, b",
       "solve_rhs_tangent(de, a, b)", "solve_lhs_tangent(da, a, b, ans)")
defvjp(rt.solve_lhs_tangent, "e, a, b, x", "solve_lhs_adjoint(g, a, b, x)",
       "solve_lhs_adjoint(g, a, b, ans)", None,
       f"-matmul_rhs_adjoint(solve_rhs_tangent(g, {AT}, b), e, x)")
defjvp(rt.solve_lhs_tangent, "e, a, b, x", "solve_lhs_tangent(de, a, b, x)",
       "solve_lhs_tangent(da, a, b, ans)", None, "solve_lhs_tangent(e, a, b, dx)")
defvjp(rt.solve_rhs_adjoint, "t, a, b", "solve_rhs_tangent(g, a, b)",
       "solve_lhs_adjoint(t, a, b, solve_rhs_tangent(g, a, b))")
defjvp(rt.solve_rhs_adjoint, "t, a, b", "solve_rhs_adjoint(dt, a, b)",
       f"unbroadcast(solve_lhs_tangent(np.matrix_transpose(da), {AT}, b, {ST_T}), b)")
defvjp(rt.solve_lhs_adjoint, "t, a, b, x", "solve_lhs_tangent(g, a, b, x)",
       "solve_lhs_adjoint(t, a, b, solve_lhs_tangent(g, a, b, x))", None,
       f"-matmul_rhs_adjoint({ST_T}, g, x)")
defjvp(rt.solve_lhs_adjoint, "t, a, b, x", "solve_lhs_adjoint(dt, a, b, x)",
       f"-matmul_lhs_adjoint(solve_lhs_tangent(np.matrix_transpose(da), {AT}, b, {ST_T}), a, x)",
       None, "solve_lhs_adjoint(t, a, b, dx)")

# ----- one inverse or LU factorisation shared by the solves with a matrix
# (compiler/shared_factors.py): the inverse as np.linalg.inv; the factors stand for the
# matrix itself, and a solve with them is differentiated as np.linalg.solve -----
defvjp(rt.inverse, "a", "-np.matrix_transpose(ans) @ g @ np.matrix_transpose(ans)")
defjvp(rt.inverse, "a", "-ans @ da @ ans")
defshape((rt.inverse, rt.lu_factor), "first")


def _lu_factor(a):
    return a


def _lu_solve(factors, b, trans=False):
    return np.linalg.solve(np.matrix_transpose(factors) if trans else factors, b)


defthrough(rt.lu_factor, _lu_factor)
defthrough(rt.lu_solve, _lu_solve)
# (the svd's adjoint is NumPy arithmetic of its arguments: differentiated through itself)
defthrough(rt.svd_uv_adjoint, rt.svd_uv_adjoint)
defshape(rt.svd_uv_adjoint, "probe")  # (the matrix factored: of U's rows, Vh's columns)

# ----- norm -----
defvjp(rt.norm_partial, "x, ord=None, axis=None, vector=False, value=None, keepdims=False",
       "norm_curvature(g, x, ord, axis, vector)")  # (value is not read: no partial)
defjvp(rt.norm_partial, "x, ord=None, axis=None, vector=False, value=None, keepdims=False",
       "norm_curvature(dx, x, ord, axis, vector)")
defvjp(rt.or_one, "n", "np.where(n == 0, 0.0, g)")
defjvp(rt.or_one, "n", "np.where(n == 0, 0.0, dn)")
