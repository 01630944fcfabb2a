"""``np.sum`` of a slice of a list (``np.sum(xs[1:])``): its adjoint, the number the sum
spreads, given to every item of the slice (``runtime.add_to_item``); once a crash
('float' object is not iterable).  Against central differences and closed forms."""
from __future__ import annotations

import numpy as np

import s2sad
from gradcheck import check_grad, check_jvp


def sum_of_a_list_slice(x):
    xs = [x[0] * 2, x[1], x[2] ** 2]
    return np.sum(xs[1:])


def sum_of_arrays_in_a_slice(x):
    rows = [x, 2 * x, np.sin(x)]
    return np.sum(rows[::2]) * 3.0


def mean_of_a_list_slice(x):
    xs = [x[0], x[1] * x[2], x[3]]
    return np.mean(xs[:2]) + np.sum(xs[-1:])


def test_sums_of_list_slices(rng):
    for f in (sum_of_a_list_slice, sum_of_arrays_in_a_slice, mean_of_a_list_slice):
        x = rng.normal(size=4)
        check_grad(f, x)
        check_jvp(f, x)


def test_by_hand():
    x = np.array([0.5, -1.0, 2.0, 3.0])
    assert np.allclose(s2sad.grad(sum_of_a_list_slice)(x), [0.0, 1.0, 4.0, 0.0])
    assert np.allclose(s2sad.grad(sum_of_arrays_in_a_slice)(x), 3.0 * (1.0 + np.cos(x)))
