"""``np.prod`` of an empty selection (``np.prod(y[:0])``, a mask that picks nothing) is
1, and the adjoint of each of its (no) elements is an empty array.  The runtime's
``prod_others`` (the product of the other elements of each group) began each group's
running products with a 1 and kept it: an empty group gave one element, and the
reshape to the group's shape raised out of the derivative (found hand-probing with
tools/fuzz2's checker).  The running products are now cut to the group's length
(runtime/reductions.py).  Checked against central differences in float64, reverse and
forward, with the mask picking none and some."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def empty_slice_product(x, y):  # the case found
    return np.prod(y[:0]) + np.sum(x)


def masked_product(x, y):
    picked = x[y > 0.5]
    return np.prod(picked) * np.sum(y) + np.sum(picked ** 2)


def product_over_no_columns(x, y):
    M = np.outer(x, y)[:, :np.sum(y > 0.75)]
    return np.sum(np.prod(M, axis=1)) + np.sum(np.prod(M, axis=0)) + np.sum(x * y)


def product_in_a_loop(x, y):
    acc = 0.0
    for k in range(3):
        acc += np.prod(x[k + 1:k + 1 + int(y[k] > 0.0)]) * y[k]
    return acc


X = np.array([0.3, -0.5, 0.8, 0.2])
Y = np.array([0.7, 0.1, -0.4, 0.6])


@pytest.mark.parametrize("f, args", [
    (empty_slice_product, (X, Y)), (masked_product, (X, Y)), (masked_product, (X, -Y)),
    (product_over_no_columns, (X, Y)), (product_over_no_columns, (X, Y + 0.2)),
    (product_in_a_loop, (X, Y)), (product_in_a_loop, (X, -Y)),
])
def test_a_product_of_nothing_has_empty_adjoints(f, args) -> None:
    check_grad(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))
