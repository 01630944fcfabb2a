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
