"""A single-use temporary is not written into a later reader past an in-place helper that
changes what it reads (fuzz seed 42138: ``dT0 = fresh(da[1:])`` moved past ``da13 =
clear_at(da, slice(1, None))`` read the cleared elements: a wrong vjp, zero for the
tuple's array; ``names.written_names`` now counts the array an in-place helper writes).
Written as the fuzzer wrote it and in three variations; vjp and grad against central
differences."""
import numpy as np
import pytest

from gradcheck import check_grad, check_vjp

_X = np.array([0.8, 0.1, -0.4, -0.4])


def fuzz_42138(x, D, b, T):
    a12 = x
    a13 = a12
    a13[1:] = T[0][::1]
    return np.sum(a13 * a13) + T[1]


def from_a_dict(x, D):
    y = x
    y[1:] = D["c"] * 2.0
    return np.sum(y * y * y)


def part_of_a_tuple_item(x, T):
    y = x
    y[:2] = T[0][:2] * T[1]
    return np.sum(np.sin(y)) + T[1] ** 2


def from_a_list(x, xs):
    y = x
    y[2:] = xs[1]
    return np.sum(y * xs[0])


CASES = [
    (fuzz_42138, (_X, {"c": np.array([0.3, 0.4])}, 0.9,
                  (np.array([-0.6, 1.07, -0.57]), 0.31)), (0, 1, 2, 3)),
    (from_a_dict, (_X, {"c": np.array([0.3, -0.2, 0.5])}), (0, 1)),
    (part_of_a_tuple_item, (_X, (np.array([0.2, -0.7, 0.4]), 1.3)), (0, 1)),
    (from_a_list, (_X, [np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.5, -0.5])]), (0, 1)),
]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_against_differences(f, args, wrt):
    check_vjp(f, *args, wrt=wrt)
    check_grad(f, *args, wrt=wrt)
