"""``np.ravel`` / ``np.reshape`` / ``x.ravel()`` with order 'A' or 'K' read the array in
its memory's order: a transpose (or a Fortran array) in F order.  The adjoint reshaped
the gradient, a new C-ordered array, with the same letter, so it was read in C order:
the gradient of ``np.ravel(x.T, order='A')`` was permuted (3.0 where differences give
1.0), and order='K' failed inside the derivative ("s2sad bug": 'K' is not an order
np.reshape takes).  The order is now read off the array itself; a 'K' layout that is
neither C's nor F's (axes permuted in memory, a negative step) is refused at the line.
Checked against central differences in float64, forward mode and second order too."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.random.default_rng(3).standard_normal((3, 4))
W = np.arange(12.0)


def ravel_a_transpose_as_stored(x):
    return np.sum(np.ravel(x.T, order='A') * W)


def ravel_method_a_fortran_array(x):
    return np.sum(np.asfortranarray(x * 2.0).ravel('A') * W)


def reshape_a_transpose_as_stored(x):
    return np.sum(np.reshape(x.T, (2, 6), order='A') * W.reshape(2, 6))


def ravel_a_transpose_in_memory_order(x):
    return np.sum(np.ravel(x.T, order='K') * W)


def ravel_every_other_column_in_memory_order(x):
    return np.sum(np.sin(x[:, ::2].ravel('K')) * W[:6])


def ravel_a_c_array_either_way(x):
    return np.sum(np.ravel(x, order='A') * W) + np.sum(np.ravel(x, order='K') ** 2 * W)


@pytest.mark.parametrize("f", [ravel_a_transpose_as_stored, ravel_method_a_fortran_array,
                               reshape_a_transpose_as_stored,
                               ravel_a_transpose_in_memory_order,
                               ravel_every_other_column_in_memory_order,
                               ravel_a_c_array_either_way])
def test_memory_orders_are_the_arrays_own(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_the_gradient_of_a_transpose_read_as_stored_is_the_weights_in_c_order():
    np.testing.assert_array_equal(s2sad.grad(ravel_a_transpose_as_stored)(X),
                                  W.reshape(3, 4))  # x.T as stored is x's memory, C order


def test_second_order_through_a_memory_order():
    def f(x):
        return np.sum(np.ravel(x.T, order="A") ** 3 * np.arange(4.0))
    check_hessian(f, X[:2, :2].copy())


def ravel_permuted_axes_in_memory_order(x):
    return np.sum(np.transpose(x.reshape(2, 3, 2), (2, 0, 1)).ravel('K') * W)


def ravel_reversed_rows_in_memory_order(x):
    return np.sum(x[::-1].ravel('K') * W)


def ravel_transposed_reversal_in_memory_order(x):
    return np.sum(np.ravel(x.T[:, ::-1], order='K') * W)


@pytest.mark.parametrize("f", [ravel_permuted_axes_in_memory_order,
                               ravel_reversed_rows_in_memory_order,
                               ravel_transposed_reversal_in_memory_order])
def test_a_memory_order_neither_c_nor_f_is_refused_at_the_line(f):
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_memory_orders\.py:\d+: order='K' of an array whose "
                             r"memory order is neither"):
        s2sad.grad(f)(X)
