"""Tangent-style small functions (tests/tangent_style_functions.py and
tangent_style_more.py), each checked in
reverse and forward mode against central finite differences in float64, at points on
both sides of every data-dependent ``if``; the caller's arrays stay unchanged."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import s2sad
import tangent_style_functions as F
import tangent_style_more as M
from gradcheck import assert_tree_close, check_grad, check_hessian, check_jvp, check_vjp

V3 = np.array([0.7, -0.4, 1.3])
V3N = np.array([-0.7, -0.4, -1.3])
V4 = np.array([0.6, -1.1, 0.9, 0.3])
V6 = np.array([0.6, 1.1, 0.9, 1.3, 0.4, 0.8])
M2 = np.array([[1.2, -0.3], [0.4, 0.9]])
M3 = np.array([[2.0, 0.3, -0.2], [0.1, 1.5, 0.4], [-0.3, 0.2, 1.8]])
M32 = np.array([[0.5, -0.2], [0.3, 0.8], [-0.6, 0.1]])

# (function, argument tuples (one per branch where the function branches on data), wrt)
CASES = [
    (F.identity, [(1.3,)], 0),
    (F.negate, [(1.3,)], 0),
    (F.positive, [(1.3,)], 0),
    (F.rebind_twice, [(1.3,)], 0),
    (F.fma, [(1.3, -0.7, 0.4)], (0, 1, 2)),
    (F.fma_temporaries, [(1.3, -0.7, 0.4)], (0, 1, 2)),
    (F.adjoint_name_clash, [(1.3,)], 0),
    (F.self_division, [(1.3, -0.7)], (0, 1)),
    (F.power_mix, [(1.3,)], 0),
    (F.int_and_float_mix, [(1.3,)], 0),
    (F.floor_div_and_mod, [(1.3,), (-2.6,)], 0),
    (F.augmented_all, [(1.3, -0.7)], (0, 1)),
    (F.tuple_output_sum, [(1.3, -0.7)], (0, 1)),
    (F.swap_names, [(1.3, -0.7)], (0, 1)),
    (F.chained_unpack, [(1.3,)], 0),
    (F.starred_unpack, [(V4,)], 0),
    (F.if_else, [(1.3,), (-0.7,)], 0),
    (F.if_no_else, [(1.3,), (-0.7,)], 0),
    (F.elif_chain, [(1.3,), (0.7,), (-0.5,), (-1.5,)], 0),
    (F.nested_if, [(1.3, 0.5), (1.3, -0.5), (-1.3, 0.5), (-1.3, -0.5)], (0, 1)),
    (F.condition_on_computed, [(1.9,), (0.5,)], 0),
    (F.condition_boolean_ops, [(1.3, 0.5), (1.3, -0.5), (-1.3, 1.5), (-1.3, 0.5)], (0, 1)),
    (F.condition_not, [(1.3,), (-0.7,)], 0),
    (F.chained_comparison, [(0.3,), (1.7,), (-1.7,)], 0),
    (F.ternary, [(1.3, 0.5), (0.3, 0.5)], (0, 1)),
    (F.nested_ternary, [(1.3,), (0.5,), (-1.5,)], 0),
    (F.ternary_in_call, [(1.3,), (-0.7,)], 0),
    (F.min_max_builtins, [(1.3, 0.2), (0.2, 1.3), (0.1, 0.3)], (0, 1)),
    (F.abs_builtin, [(1.3,), (-0.7,)], 0),
    (F.early_return, [(1.3,), (-0.7,)], 0),
    (F.early_return_three_ways, [(1.3, 0.5), (-1.3, 0.5), (0.2, 0.5)], (0, 1)),
    (F.if_array_reduction, [(V3,), (V3N,)], 0),
    (F.if_elementwise_where, [(V3,)], 0),
    (F.branch_assigns_different_names, [(1.3,), (-0.7,)], 0),
    (F.for_range_power, [(1.3, 3), (1.3, 0)], 0),
    (F.for_range_start_stop_step, [(1.3,)], 0),
    (F.for_reversed_range, [(1.3,)], 0),
    (F.for_repeated_square, [(1.1, 3)], 0),
    (F.for_counter_in_arithmetic, [(1.3, 4)], 0),
    (F.for_serial, [(0.9, 2)], 0),
    (F.for_if_inside, [(0.9,), (2.5,)], 0),
    (F.if_then_for, [(0.5,), (1.5,)], 0),
    (F.for_nested, [(1.3,)], 0),
    (F.for_nested_dependent_bounds, [(1.3,)], 0),
    (F.for_break, [(0.5,), (-0.3,)], 0),
    (F.for_continue, [(1.3,)], 0),
    (F.for_data_dependent_continue, [(V4,)], 0),
    (F.for_else, [(0.3,), (1.7,)], 0),
    (F.while_shrink, [(1.3,), (0.05,)], 0),
    (F.while_counter, [(1.3,)], 0),
    (F.while_break, [(1.3,)], 0),
    (F.while_two_conditions, [(0.5, 1.7), (2.0, 1.7)], (0, 1)),
    (F.for_over_array, [(V4,)], 0),
    (F.for_over_matrix_rows, [(M32,)], 0),
    (F.for_zip, [(V3, V3N + 0.1)], (0, 1)),
    (F.for_enumerate, [(V4,)], 0),
    (F.for_over_list_argument, [([V3, V4],)], 0),
    (F.loop_accumulate_array, [(V4,)], 0),
    (F.loop_augassign_array, [(V4,)], 0),
    (F.saxpy_call, [(1.3, -0.7, 0.4)], (0, 1, 2)),
    (F.call_in_branches, [(1.3, 0.5), (0.3, 0.5)], (0, 1)),
    (F.call_in_loop, [(1.3, 3)], 0),
    (F.call_helper_with_return_in_if, [(1.3,), (0.5,), (-0.5,)], 0),
    (F.nested_def, [(1.3, 3)], 0),
    (F.closure_reads_local, [(1.3,)], 0),
    (F.lambda_local, [(1.3,)], 0),
    (F.default_arguments, [(1.3,)], 0),
    (F.keyword_arguments, [(1.3, 0.6)], (0, 1)),
    (F.default_of_differentiated, [(1.3,), (1.3, 0.2)], 0),
    (F.helper_tuple_return, [(1.3,)], 0),
    (F.star_args_call, [(1.3, 0.6)], (0, 1)),
    (F.double_star_kwargs, [(1.3,)], 0),
    (F.map_builtin, [(V3,)], 0),
    (M.list_literal_sum, [(1.3,)], 0),
    (M.list_of_vector_items, [(V3,)], 0),
    (M.list_subscript, [(1.3,)], 0),
    (M.list_append_loop, [(1.3, 4)], 0),
    (M.list_overwrite_item, [(1.3,)], 0),
    (M.list_comprehension, [(V3,)], 0),
    (M.list_comprehension_with_if, [(V3,)], 0),
    (M.generator_sum, [(V3,)], 0),
    (M.nested_comprehension, [(V3,)], 0),
    (M.dict_literal, [(1.3, -0.7, 0.4)], (0, 1, 2)),
    (M.dict_argument, [({"a": 1.3, "b": -0.7, "c": 0.4},)], 0),
    (M.nested_dict_argument, [({"i": {"j": 1.3, "k": -0.7}},)], 0),
    (M.dict_built_and_passed, [((1.3, -0.7, 0.4),)], 0),
    (M.tuple_argument_unpack, [((1.3, -0.7, 0.4),)], 0),
    (M.pack_and_index, [(1.3, -0.7, 0.4, 1), (1.3, -0.7, 0.4, 2)], (0, 1, 2)),
    (M.dict_update_loop, [(1.3,)], 0),
    (M.list_pop_and_insert, [(1.3,)], 0),
    (M.tuple_concat, [(1.3, -0.7)], (0, 1)),
    (M.subscript_reads, [(V3,)], 0),
    (M.subscript_write_copy, [(V3,)], 0),
    (M.subscript_write_argument, [(V3,)], 0),
    (M.subscript_write_squares, [(V3,)], 0),
    (M.active_copy_loop, [(V3,)], 0),
    (M.rows_from_vector, [(V3,)], 0),
    (M.slicing, [(V4,)], 0),
    (M.extended_slice, [(V4,)], 0),
    (M.negative_step_slice, [(V4,)], 0),
    (M.slice_assign, [(V4,)], 0),
    (M.slice_augassign, [(V4,)], 0),
    (M.fancy_index, [(V3,)], 0),
    (M.boolean_mask, [(V4,)], 0),
    (M.matrix_index_2d, [(M3,)], 0),
    (M.rnn, [(M32[:, :1] * np.ones((3, 2)), np.ones((2, 3)) * 0.3)], (0, 1)),
    (M.view_then_write, [(V4,)], 0),
    (M.alias_then_inplace, [(V4,)], 0),
    (M.index_with_computed_int, [(V4, 3), (V4, 4)], 0),
    (M.scatter_add, [(V4,)], 0),
    (M.numpy_sum, [(V4,)], 0),
    (M.cast_list_sum, [([1.3, -0.7, 0.4],)], 0),
    (M.overwrite_with_reduction, [(V4,)], 0),
    (M.numpy_mean_var, [(V4,)], 0),
    (M.numpy_exp_nested, [(1.3,)], 0),
    (M.numpy_sqrt_log, [(V6,)], 0),
    (M.logistic_regression, [(M32, np.array([1.0, 0.0, 1.0]), np.array([0.4, -0.3]), 0.2)],
     (2, 3)),
    (M.bilinear, [(V3, M32[:, 0], M3 * 0.3, M3 * 0.2, V3)], (0, 1, 2, 3, 4)),
    (M.softmax_cross_entropy, [(V4, 2)], 0),
    (M.logsumexp_axis, [(M32,)], 0),
    (M.matmul_chain, [(M3, V3)], (0, 1)),
    (M.outer_and_trace, [(V3,)], 0),
    (M.reshape_transpose, [(V6,)], 0),
    (M.stack_concat, [(V3, V3N)], (0, 1)),
    (M.cumsum_prod, [(V4,)], 0),
    (M.max_and_argmax, [(V4,)], 0),
    (M.clip_maximum, [(np.array([0.7, -0.3, 0.2, -1.1]),)], 0),
    (M.norm_and_abs, [(V4,)], 0),
    (M.einsum_quadratic, [(M3, V3)], (0, 1)),
    (M.linalg_solve_det, [(M3, V3)], (0, 1)),
    (M.method_calls, [(V4,)], 0),
    (M.arange_weights, [(V4,)], 0),
    (M.float_cast, [(V4,)], 0),
    (M.sorted_values, [(V4,)], 0),
    (M.math_functions, [(1.3,)], 0),
    (M.math_two_arguments, [(1.3, 0.6), (-1.3, -0.6)], (0, 1)),
    (M.math_log_base, [(1.3,)], 0),
    (M.math_fabs_copysign, [(1.3,), (-0.7,)], 0),
    (M.math_pi_constant, [(1.3,)], 0),
    (M.global_constant_read, [(1.3,)], 0),
]

ROWS = [(f, args, wrt) for f, points, wrt in CASES for args in points]
IDS = [f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(ROWS)]


@pytest.mark.parametrize("f, args, wrt", ROWS, ids=IDS)
def test_reverse(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)


@pytest.mark.parametrize("f, args, wrt", ROWS, ids=IDS)
def test_forward(f, args, wrt):
    check_jvp(f, *args, wrt=wrt)


HESSIAN_ROWS = [(f, args[0]) for f, args, wrt in ROWS
                if len(inspect.signature(f).parameters) == 1 and wrt == 0 and
                isinstance(args[0], (float, np.ndarray))]


@pytest.mark.parametrize("f, x", HESSIAN_ROWS, ids=[f.__name__ for f, _ in HESSIAN_ROWS])
def test_hessian(f, x):
    """Second order, reverse over reverse and forward over reverse: Tangent's own
    reverse-over-reverse and Hessian-vector tests run its whole function list."""
    check_hessian(f, x)


@pytest.mark.parametrize("f", [M.mutate_argument_in_place, M.mutate_argument_augassign])
def test_function_writing_into_its_argument(f):
    """Python changes the caller's array; the derivative computes the same value and
    gradient without changing it (the caller's array is never written)."""
    x = V3.copy()
    value, grad = s2sad.value_and_grad(f)(x)
    np.testing.assert_array_equal(x, V3)
    assert value == f(V3.copy())
    check_grad(f, V3.copy())
    tangent = np.array([0.3, -0.2, 0.5])
    _, out_tangent = s2sad.jvp(f)(x, tangent)
    np.testing.assert_array_equal(x, V3)
    eps = 1e-6
    expected = (f(V3 + eps * tangent) - f(V3 - eps * tangent)) / (2 * eps)
    assert_tree_close(out_tangent, expected)
    assert_tree_close(float(grad @ tangent), expected)


def test_recursion_differentiated():
    """A helper calling itself (was refused): recursion(a) = (a ** 2) ** 2, its derivative
    4 a ** 3 (tests/test_recursion.py)."""
    assert s2sad.grad(F.recursion)(1.3) == pytest.approx(4 * 1.3 ** 3)
    assert s2sad.jvp(F.recursion)(1.3, 1.0)[1] == pytest.approx(4 * 1.3 ** 3)
