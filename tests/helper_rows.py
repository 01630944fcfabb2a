"""Rows for the rules of the runtime helpers (what second derivatives go
through): each helper is called as a rule template calls it, ``t`` standing
for the adjoint or tangent it is given."""
from __future__ import annotations

import numpy as np

from rule_rows import N, P, R, well
from s2sad import runtime as rt

# ----- NaN-safe arithmetic and partials -----
R(rt.safe_mul, N(3, 4), N(4)); R(rt.safe_mul, N(), N(3))  # noqa: E702
R(rt.safe_div, N(3, 4), P(4)); R(rt.safe_div, N(3), P())  # noqa: E702
R(rt.broadcast_like, N(4), N(3, 4), wrt=(0,)); R(rt.broadcast_like, N(), N(3), wrt=(0,))  # noqa
R(rt.pow_dbase, P(3, 4), N(4)); R(rt.pow_dbase, P(3), 2.5)  # noqa: E702
R(rt.pow_dexp, P(3, 4), N(3, 4))
R(rt.abs_tangent, N(3, 4), N(3, 4), wrt=(0,))
R(rt.only_real, N(3, 4), N(3, 3), "np.linalg.eigh", wrt=(0,))
R(rt.pad_last, N(3, 2), 4, wrt=(0,)); R(rt.pad_last, N(2, 3, 3), 3, wrt=(0,))  # noqa: E702
R(rt.sequence_adjoint, [N(3), N(2)], (N(3), N(2)), wrt=(0,))
R(rt.sequence_adjoint, (N(3), N(2, 2)), [N(3), N(2, 2)], wrt=(0,))
R(rt.imag_adjoint, N(3), N(3), wrt=(0,))
R(rt.sinc_deriv, N(3, 4)); R(rt.sinc_deriv, np.array([0.0, 0.7, -1.2]))  # noqa: E702
R(rt.log_of_base, 2.0 + P())
R(rt.polygamma, 0, P(3)); R(rt.polygamma, 1, P(3))  # noqa: E702
R(rt.or_one, P(3, 4)); R(rt.or_one, P())  # noqa: E702  (a norm's divisor, away from 0)
R(rt.python_number, N()); R(rt.python_number, np.float64(0.7))  # noqa: E702

# ----- triangular solves (in b: the solver reads a's triangle only) -----
_tri = np.tril(np.array([[1.0, 0.0, 0.0], [0.4, -1.2, 0.0], [0.3, 0.8, 0.9]])) + 2 * np.eye(3)
R(rt.tri_solve, _tri, N(3), True, wrt=(1,)); R(rt.tri_solve, _tri, N(3, 2), True, True, wrt=(1,))  # noqa
R(rt.tri_solve, _tri.T, N(3), False, wrt=(1,)); R(rt.tri_solve, _tri.T, N(3), False, True, wrt=(1,))  # noqa
# a @ b of a triangular a (trmm) and a sandwich x^-1 S x^-T read from one triangle of m
# (sygst); in a they read one triangle (tests/test_triangular.py checks a along those)
R(rt.tri_product, _tri, N(3, 2), True, wrt=(1,)); R(rt.tri_product, _tri, N(3, 3), True, True, wrt=(1,))  # noqa
R(rt.tri_product, _tri.T, N(3, 2), False, wrt=(1,)); R(rt.tri_product, _tri.T, N(3, 4), False, True, wrt=(1,))  # noqa
R(rt.tri_congruence, _tri, N(3, 3), True, wrt=(1,)); R(rt.tri_congruence, _tri, N(3, 3), True, True, wrt=(1,))  # noqa
R(rt.tri_congruence, _tri.T, N(3, 3), False, wrt=(1,)); R(rt.tri_congruence, _tri.T, N(3, 3), False, True, wrt=(1,))  # noqa


def _in_lower(x: np.ndarray, r: np.random.Generator) -> np.ndarray:
    return np.tril(r.standard_normal(x.shape))


def _in_upper(x: np.ndarray, r: np.random.Generator) -> np.ndarray:
    return np.triu(r.standard_normal(x.shape))


# in a: along its triangle (what the kernels read), both sides and both transposes
for _fn, _b in ((rt.tri_product, N(3, 2)), (rt.tri_congruence, N(3, 3))):
    for _trans in (False, True):
        R(_fn, _tri, _b, True, _trans, wrt=(0,), direction=_in_lower)
        R(_fn, _tri.T, _b, False, _trans, wrt=(0,), direction=_in_upper)

# ----- reductions -----
R(rt.repeat_to, N(2, 4), N(2, 3, 4), 1, wrt=(0,))
R(rt.repeat_to, N(1, 3, 1), N(2, 3, 4), (0, 2), True, wrt=(0,))
R(rt.repeat_to, N(), N(3, 4), wrt=(0,))
_m = np.array([[1.0, 3.0, 3.0, -2.0], [0.5, 2.0, -1.0, 0.7]])  # a tie in row 0
R(rt.extremum_adjoint, N(2), _m, _m.max(1), 1, wrt=(0,))
R(rt.extremum_adjoint, N(2, 1), _m, _m.max(1, keepdims=True), 1, True, wrt=(0,))
R(rt.extremum_adjoint, N(), _m, _m.min(), wrt=(0,))
R(rt.centered, N(3, 4), 1); R(rt.centered, N(3, 4))  # noqa: E702
R(rt.sum_last, N(4, 3)); R(rt.sum_last, N(2, 3, 2)); R(rt.sum_last, N(3, 5))  # noqa: E702
R(rt.max_last, N(4, 3)); R(rt.max_last, N(3, 5))  # noqa: E702
R(rt.min_last, N(4, 3)); R(rt.min_last, N(2, 3, 2))  # noqa: E702
# a pooling window's extremum (slices where the array has 512 elements or more)
R(rt.max_axes, N(32, 2, 5, 2), (1, 3)); R(rt.max_axes, N(2, 3, 2), (0, 2), True)  # noqa: E702
R(rt.min_axes, N(4, 2, 40, 2), (-3, -1), True); R(rt.min_axes, N(3, 2, 2), (1,))  # noqa: E702
# rows gathered by an integer vector (repeats and a negative index: the scatter adds them)
R(rt.take_rows, N(5, 3), np.array([0, 4, -1, 0]), wrt=(0,))
R(rt.take_rows, N(4, 2, 3), np.array([3, 3, 1]), wrt=(0,))
R(rt.sum_axes, N(2, 3, 4), (0, 1)); R(rt.sum_axes, N(2, 3, 4), (1,), True)  # noqa: E702
R(rt.reverse_cumsum, N(3, 4), N(3, 4), 1, wrt=(0,)); R(rt.reverse_cumsum, N(12), N(3, 4), wrt=(0,))  # noqa
R(rt.prod_others, N(3, 4), 1); R(rt.prod_others, N(2, 3, 4), (0, 2))  # noqa: E702
R(rt.prod_others, np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]]), 1)
_z = np.array([[1.5, 0.0, 2.0, -0.5], [0.5, 2.0, -1.0, 0.7]])
R(rt.running_sum, N(3, 4), 1); R(rt.running_sum, N(3, 4), -2)  # noqa: E702
R(rt.running_product, N(3, 4), 1); R(rt.running_product, N(2, 3, 4), -1)  # noqa: E702
R(rt.roll_axis, N(3, 4), 1, 0, wrt=(0,)); R(rt.roll_axis, N(2, 3, 4), -5, -1, wrt=(0,))  # noqa: E702
R(rt.cumprod_adjoint, N(2, 4), _z, 1); R(rt.cumprod_adjoint, N(8), N(2, 4))  # noqa: E702
R(rt.cumprod_tangent, N(2, 4), _z, 1); R(rt.cumprod_tangent, N(2, 4), N(2, 4))  # noqa: E702
R(rt.average_weights, N(3, 4), 1, P(4), wrt=(2,))
R(rt.average_weights, N(3, 4), None, P(3, 4), wrt=(2,))
R(rt.expand_weights, P(4), N(3, 4), 1, wrt=(0,))
R(rt.reduce_to_weights, N(3, 4), P(4), 1, wrt=(0,))
R(rt.lse_weights, N(3, 4), N(3), 1)
R(rt.lse_weights, N(3, 4), N(1, 4), 0, True, P(3, 4))
R(rt.lse_weights, N(3, 4), (N(3), np.array([1.0, -1.0, 1.0])), 1, wrt=(0,))
R(rt.lse_magnitude, N(3)); R(rt.lse_magnitude, (N(3), np.ones(3)), wrt=())  # noqa: E702
R(rt.lse_like, N(3), N(3), wrt=(0,)); R(rt.lse_like, N(2), (N(2), -np.ones(2)), wrt=(0,))  # noqa

# ----- shapes and selection -----
R(rt.shaped_like, N(3, 4), N(12), wrt=(0,)); R(rt.shaped_like, N(1), 2.0, wrt=(0,))  # noqa
R(rt.array_adjoint, N(3), [N(), N(), N()], wrt=(0,))
R(rt.array_adjoint, N(2, 3), [N(3), N(3)], wrt=(0,))
R(rt.unconcat, N(5, 3), [N(2, 3), N(3, 3)], wrt=(0,))
R(rt.unconcat, N(3, 3), [N(3), N(2, 3)], 0, np.atleast_2d, wrt=(0,))
R(rt.unconcat, N(7), [N(2, 2), N(3)], None, wrt=(0,))
R(rt.reconcat, [N(2, 3), N(3, 3)], N(5, 3), wrt=(0,))
R(rt.reconcat, [N(3), N(2, 3)], N(3, 3), 0, np.atleast_2d, wrt=(0,))
R(rt.reconcat, [N(2, 2), N(3)], N(7), None, wrt=(0,))
R(rt.unstack_like, N(2, 3), [N(3), N(3)], wrt=(0,))
R(rt.unstack_like, N(3, 2), [N(3), N(3)], 1, wrt=(0,))
R(rt.as_columns, N(3)); R(rt.as_columns, N(3, 2))  # noqa: E702
R(rt.fill_zeros, [N(2), N(3)], [N(2), N(3)], wrt=(0,))
R(rt.pick_adjoint, (N(2), N(3)), (N(2), N(3)), 1, wrt=(0,))
R(rt.replace_at, (N(2), N(3)), 0, N(2))
R(rt.item_adjoint, N(), N(3, 4), (5,), wrt=(0,)); R(rt.item_adjoint, N(), N(3, 4), (1, 2), wrt=(0,))  # noqa
R(rt.item_of, N(3, 4), (1, 2)); R(rt.item_of, N(3, 4), (7,))  # noqa: E702
R(rt.astype_adjoint, N(3, 4), N(3, 4), np.float64, wrt=(0,))
R(rt.astype_adjoint, N(3, 4), N(3, 4), int, wrt=(0,))
R(rt.untile, N(2, 6), N(3), (2, 2), wrt=(0,))
R(rt.unwindow, N(4, 3), N(6), 3, wrt=(0,)); R(rt.unwindow, N(3, 2, 3), N(3, 4), 3, 1, wrt=(0,))  # noqa
R(rt.unrepeat, N(6), N(3), 2, wrt=(0,)); R(rt.unrepeat, N(3, 4), N(3, 4), [1, 0, 2], 0, wrt=(0,))  # noqa
R(rt.untake, N(3, 3), N(3, 4), [0, 2, 2], 1, wrt=(0,))
R(rt.untake, N(2), N(5), [1, 7], None, "wrap", wrt=(0,))
R(rt.untake_along_axis, N(3, 3), N(3, 4), np.array([[0, 0, 3], [1, 2, 1], [3, 3, 3]]), 1, wrt=(0,))
R(rt.untake_along_axis, N(3), N(6), np.array([5, 0, 5]), None, wrt=(0,))
R(rt.sort_adjoint, N(6), N(6), wrt=(0,)); R(rt.sort_adjoint, N(3, 4), N(3, 4), 0, wrt=(0,))  # noqa
R(rt.unsort, N(3, 4), N(3, 4), np.argsort(N(3, 4), axis=0), 0, wrt=(0,))  # (a permutation)
R(rt.unsort, N(5), N(5), np.array([3, 0, 4, 1, 2]), wrt=(0,))
R(rt.conj_if_complex, N(3, 4)); R(rt.conj_if_complex, N())  # noqa: E702
R(rt.rfft_adjoint, N(3, 5), N(3, 8), wrt=(0,))  # (real rows, as rows_fft.py's; complex
R(rt.rfft_adjoint, N(3, 3), N(7, 3), 5, 0, "ortho", wrt=(0,))  # ones: tests/test_abs_squares)
R(rt.rfft_adjoint, N(2, 4), N(2, 5), 7, -1, "forward", wrt=(0,))
R(rt.bessel_i1, N(4)); R(rt.bessel_i1, np.array([0.0, 2e-5, -7.0, 30.0]))  # noqa: E702
R(rt.spread_of, N(3), 3)
R(rt.cycled, N(2), rt.flat_positions(np.zeros((2, 3)), [0, 5, 3, 1, 1]))
R(rt.cycled, N(4), rt.diagonal_positions(np.zeros((3, 3)))); R(rt.cycled, 1.5, (np.arange(3),))  # noqa
R(rt.uncycled, N(5), N(2), rt.flat_positions(np.zeros(6), [0, 5, 3, 1, 1]), wrt=(0,))
R(rt.spread_to_items, N(3), [N(3), N(1)], wrt=(0,)); R(rt.spread_to_items, N(4), N(3, 4), wrt=(0,))  # noqa
R(rt.undiff, N(4), N(5), wrt=(0,)); R(rt.undiff, N(2, 5), N(4, 5), 2, 0, wrt=(0,))  # noqa: E702
R(rt.unpad, N(5, 6), N(3, 4), 1, wrt=(0,))
R(rt.unpad, N(6, 7), N(3, 4), ((1, 2), (2, 1)), "reflect", wrt=(0,))
R(rt.pad_tangent, N(3, 4), ((1, 2), (2, 1)), "wrap", wrt=(0,))
R(rt.unpad, N(6, 7), N(3, 4), ((1, 2), (2, 1)), "mean", wrt=(0,))
R(rt.unpad, N(6, 7), N(3, 4), ((1, 2), (2, 1)), "maximum", wrt=(0,))
R(rt.pad_tangent, N(3, 4), ((1, 2), (2, 1)), "linear_ramp", wrt=(0,))
R(rt.pad_tangent, N(3, 4), ((1, 2), (2, 1)), "minimum", N(3, 4), wrt=(0,))
R(rt.linspace_adjoint, N(5), N(), N(), 5, True, 0, 0, wrt=(0,))
R(rt.linspace_adjoint, N(4, 3), N(3), N(), 4, False, 0, 1, wrt=(0,))
R(rt.linspace_spread, N(), N(3), N(), 4, False, 0, 1, wrt=(0,))
R(rt.linspace_spread, N(3), N(3), N(), 5, True, 0, 0, wrt=(0,))
R(rt.undiagonal, N(3), N(3, 4), wrt=(0,)); R(rt.undiagonal, N(2, 2), N(3, 2, 3), 1, 0, 2, wrt=(0,))  # noqa
R(rt.untrace, N(), N(3, 4), 1, wrt=(0,)); R(rt.untrace, N(2), N(2, 3, 3), 0, 1, 2, wrt=(0,))  # noqa
R(rt.diag_adjoint, N(4, 4), N(3), 1, wrt=(0,)); R(rt.diag_adjoint, N(2), N(3, 4), -1, wrt=(0,))  # noqa

# ----- products -----
for _lhs, _rhs, _cases in [
        (rt.matmul_lhs_adjoint, rt.matmul_rhs_adjoint,
         [((3, 5), (3, 4), (4, 5)), ((3,), (3, 4), (4,)), ((5,), (4,), (4, 5)), ((), (4,), (4,)),
          ((2, 3, 5), (2, 3, 4), (4, 5))]),
        (rt.dot_lhs_adjoint, rt.dot_rhs_adjoint,
         [((3, 5), (3, 4), (4, 5)), ((3,), (), (3,)), ((3,), (3, 4), (4,))]),
        (rt.inner_lhs_adjoint, rt.inner_rhs_adjoint, [((3, 2), (3, 4), (2, 4)), ((), (4,), (4,))]),
        (rt.kron_lhs_adjoint, rt.kron_rhs_adjoint, [((6, 6), (2, 3), (3, 2)), ((6,), (3,), (2,))]),
        (rt.tensordot_lhs_adjoint, rt.tensordot_rhs_adjoint, [((2, 5), (2, 3, 4), (3, 4, 5))])]:
    for _t, _a, _b in _cases:
        R(_lhs, N(*_t), N(*_a), N(*_b), wrt=(0, 2))
        R(_rhs, N(*_t), N(*_a), N(*_b), wrt=(0, 1))
R(rt.tensordot_lhs_adjoint, N(3, 5), N(3, 4), N(4, 5), 1, wrt=(0, 2))
R(rt.tensordot_rhs_adjoint, N(3, 5), N(3, 4), N(4, 5), 1, wrt=(0, 1))
R(rt.cross_adjoint, N(3), N(3), N(3), wrt=(0, 2))
R(rt.cross_adjoint, N(), N(2), N(2), wrt=(0, 2)); R(rt.cross_adjoint, N(4), N(4, 2), N(2), wrt=(0, 2))  # noqa
R(rt.cross_adjoint, N(3), N(2), N(3), wrt=(0, 2)); R(rt.cross_adjoint, N(3, 4), N(2, 4), N(3), 0, -1, 0, wrt=(0, 2))  # noqa

# ----- einsum -----
R(rt.einsum_adjoint, N(3, 5), "ij,jk->ik", (N(3, 4), N(4, 5)), 0, wrt=(0, 2))
R(rt.einsum_adjoint, N(3), "ii->i", (N(3, 3),), 0, wrt=(0,))
R(rt.einsum_adjoint, N(4), "ij,ij,i->j", (N(3, 4), N(3, 4), N(3)), 1, wrt=(0, 2))
R(rt.einsum_with, "ij,jk->ik", (N(3, 4), N(4, 5)), 1, N(4, 5), wrt=(1, 3))
R(rt.einsum_with, "ij,ij,i->j", (N(3, 4), N(3, 4), N(3)), 2, N(3), wrt=(1, 3))

# ----- solve -----
for _b, _x in [((3,), (3,)), ((3, 2), (3, 2))]:
    R(rt.solve_rhs_tangent, N(*_b), well(3), N(*_b))
    R(rt.solve_lhs_tangent, N(3, 3), well(3), N(*_b), N(*_x))
    R(rt.solve_rhs_adjoint, N(*_x), well(3), N(*_b))
    R(rt.solve_lhs_adjoint, N(*_x), well(3), N(*_b), N(*_x))
R(rt.solve_rhs_adjoint, N(2, 3, 2), well(2, 3), N(3, 2))
R(rt.solve_lhs_adjoint, N(2, 3, 2), well(2, 3), N(3, 2), N(2, 3, 2))
R(rt.inverse, well(3)); R(rt.inverse, well(2, 3))  # noqa: E702

# ----- norm -----
R(rt.norm_partial, N(4)); R(rt.norm_partial, N(3, 4), None, 1)  # noqa: E702
_A = N(3, 4)
R(rt.std_share, _A, np.std(_A)); R(rt.std_share, _A, np.std(_A, axis=1), 1, 1)  # noqa: E702
R(rt.std_share, _A, np.std(_A, axis=0, keepdims=True), 0, 0, True)
R(rt.norm_partial, N(4), 3); R(rt.norm_partial, P(4), 0.5); R(rt.norm_partial, N(4), 1)  # noqa
R(rt.norm_partial, N(3, 4), "fro"); R(rt.norm_partial, N(2, 3, 4), "fro", (1, 2))  # noqa: E702
R(rt.norm_partial, N(2, 3, 4))

# ----- helpers added later -----
for _args, _res, _t in [((1.5, 0.5, 1.5), 1.5, N()), (([0.3, -1.0, 0.3],), 0.3, [N(), N(), N()]),
                        ((np.array([0.2, 2.0, -1.0]),), 2.0, N(3))]:
    for _k in range(len(_args)):
        R(rt.extremum_args_adjoint, N(), _args, _k, _res, wrt=(0,))
        R(rt.extremum_args_tangent, _t if len(_args) == 1 else N(), _args, _k, _res, wrt=(0,))
_src = np.array([[0, -1, 2], [-1, 5, 5]])
R(rt.scatter_to, N(2, 3), _src, N(2, 3), wrt=(0,)); R(rt.scatter_to, N(2, 3), _src, N(6), wrt=(0,))  # noqa
R(rt.scatter_to, N(3), np.array([1, -1, 0]), [N(), N()], wrt=(0,))
R(rt.gather_from, N(2, 3), _src, wrt=(0,))
R(rt.gather_from, [N(), N()], np.array([1, -1, 0]), wrt=(0,))
R(rt.symmetrized, N(3, 3)); R(rt.symmetrized, N(2, 3, 3))  # noqa: E702
R(rt.written_part, N(5), [1, 1, 3]); R(rt.written_part, N(4, 3), (slice(1, 3), 0))  # noqa
R(rt.written_part, N(4), 2)
R(rt.scatter_add, N(5), [0, 0, 2], N(3)); R(rt.scatter_add, N(4, 2), 1, N(2))  # noqa: E702
R(rt.scatter_subtract, N(5), [1, 1], N(2)); R(rt.scatter_subtract, N(3), [0, 2], 1.5)  # noqa
R(rt.lse_tangent, N(3), N(3)); R(rt.lse_tangent, N(2), (N(2), np.ones(2)), True)  # noqa: E702
R(rt.abs_slope, N(4)); R(rt.abs_slope, N(2, 3))  # noqa: E702  (reals: a constant slope)
R(rt.triangle_read, N(3, 3)); R(rt.triangle_read, N(2, 3, 3), "U")  # noqa: E702
R(rt.triangle_read_adjoint, N(3, 3)); R(rt.triangle_read_adjoint, N(3, 3), "U")  # noqa: E702
R(rt.hermitian_read, N(3, 3)); R(rt.hermitian_read, N(2, 3, 3), "U")  # noqa: E702
R(rt.hermitian_read_adjoint, N(3, 3)); R(rt.hermitian_read_adjoint, N(3, 3), "U")  # noqa: E702
for _arrays, _out in [([N(3, 4), N(4, 5), N(5, 2)], (3, 2)), ([N(4), N(4, 5), N(5)], ()),
                      ((N(3, 4), N(4)), (3,))]:
    R(rt.multi_dot_adjoint, N(*_out), _arrays)
    R(rt.multi_dot_tangent, _arrays, [N(*a.shape) for a in _arrays])
R(rt.multi_dot_tangent, [N(3, 4), N(4, 5), N(5, 2)], [None, N(4, 5), None], wrt=(0,))
R(rt.norm_partial, N(2, 3, 4), 2, None, True); R(rt.norm_partial, N(2, 3, 4), 3, (0, 2), True)  # noqa
R(rt.norm_partial, N(3, 4), None, 1, True); R(rt.norm_partial, P(2, 3), 0.5, None, True)  # noqa
_x = N(3, 4)
R(rt.sign_tangent, N(3, 4), _x, np.sign(_x)); R(rt.sign_adjoint, N(3, 4), _x, np.sign(_x))  # noqa
_blocks = [N(2, 2), N(3), N(1, 2)]
R(rt.block_diag_adjoint, N(4, 7), _blocks, 1, wrt=(0,))
R(rt.block_diag_tangent, N(3), _blocks, 1, wrt=(0,))
_m = np.array([[2.0, 0.3, 0.0], [0.3, 1.5, 0.2], [0.0, 0.2, 1.0]])
R(rt.off_branch_cut, N(3, 3), _m, "scipy.linalg.sqrtm", wrt=(0,))
