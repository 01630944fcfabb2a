"""``max``/``min``/``sorted`` with a key made inside the function that reads its
variables (compiler/keyed.py; were refused): the keys computed by the inlined key, the
builtin's pick taken over them; checked against central differences, each pick."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -1.2, 0.7])
ROWS = np.array([[0.0, 0.1], [1.0, 0.3], [0.4, 1.2]])


def best_index(x):
    w = x * 2.0
    best = max(range(3), key=lambda i: w[i] ** 2)
    return x[best] * 2.0


def nearest_row(rows, v):
    row = min(rows, key=lambda r: np.sum((r - v) ** 2))
    return np.sum(row ** 2)


def sorted_by_distance(x):
    c = x[0]
    terms = [x[1], x[2] * 2, x[0] - 1.0]
    ordered = sorted(terms, key=lambda t: abs(t - c), reverse=True)
    return ordered[0] * 3.0 + ordered[1] * 2.0 + ordered[2]


def local_def_key(x):
    scale = x[0]

    def score(t):
        return -(t * scale) ** 2

    return max([x[1], x[2], x[1] * x[2]], key=score)


@pytest.mark.parametrize("x", [X, -0.5 * X, X[::-1].copy()])
@pytest.mark.parametrize("f", [best_index, sorted_by_distance, local_def_key])
def test_keyed_picks(f, x):
    check_grad(f, x)
    check_jvp(f, x)


@pytest.mark.parametrize("v", [np.array([0.5, 1.0]), np.array([0.9, 0.2]), np.zeros(2)])
def test_nearest_row_each_pick(v):
    check_grad(nearest_row, ROWS, v, wrt=0)
    picked = np.argmin(np.sum((ROWS - v) ** 2, axis=1))
    expected = np.zeros_like(ROWS)
    expected[picked] = 2 * ROWS[picked]
    np.testing.assert_allclose(s2sad.grad(nearest_row)(ROWS, v), expected, rtol=1e-12)
    np.testing.assert_array_equal(s2sad.grad(nearest_row, wrt=1)(ROWS, v), np.zeros(2))


def test_ties_pick_as_python_does():
    def first_of_equal(x):
        k = x[0] * 0.0
        return max([x[1], x[2], x[1]], key=lambda t: k + abs(t) // 10.0) * 1.0

    x = np.array([1.0, 2.0, 3.0])
    assert s2sad.value_and_grad(first_of_equal)(x)[0] == first_of_equal(x)
    np.testing.assert_allclose(s2sad.grad(first_of_equal)(x), [0.0, 1.0, 0.0])


# A key that reads none of the function's variables stays a function handed to the
# builtin; the item it picks is an array (a row, a list's array), taken whole: the
# adjoint was the row's elementwise ties split by the row's length (1/3 of the gradient)
# and went to elements of other rows that happened to equal the picked row's.


def smallest_row_by_norm(x):
    best = min(x, key=lambda r: np.sum(r ** 2))
    return np.sum(best ** 3)


def largest_of_list_by_sum(x):
    parts = [x[0] * 2.0, np.sin(x[1]), x[2] - 1.0]
    top = max(parts, key=np.sum)
    return np.sum(top * x[0])


def largest_block_by_trace(x):
    blocks = np.stack([x, x.T * 0.5, x ** 2])
    top = max(blocks, key=np.trace)
    return np.sum(top ** 2)


def sorted_rows_by_first(x):
    rows = sorted(x, key=lambda r: r[0])
    return np.sum(rows[0] * 2.0 + rows[-1] ** 2)


SQUARE = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.2], [-0.5, 0.9, 1.3]])


@pytest.mark.parametrize("x", [SQUARE, -SQUARE, SQUARE[::-1].copy()])
@pytest.mark.parametrize("f", [smallest_row_by_norm, largest_of_list_by_sum,
                               largest_block_by_trace, sorted_rows_by_first])
def test_a_picked_array_item_takes_its_whole_adjoint(f, x):
    check_grad(f, x)
    check_jvp(f, x)


def test_an_equal_element_of_another_row_takes_nothing():
    x = np.array([[0.5, 2.0], [0.5, 0.1], [3.0, 3.0]])  # row 1 picked; x[0, 0] equals x[1, 0]
    expected = np.zeros_like(x)
    expected[1] = 3 * x[1] ** 2
    np.testing.assert_allclose(s2sad.grad(smallest_row_by_norm)(x), expected, rtol=1e-12)
    check_grad(smallest_row_by_norm, x)
