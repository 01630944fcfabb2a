"""``heapq.nsmallest`` / ``nlargest`` and ``np.fromiter`` (were refused: their sources
run heaps in try blocks, or are compiled), differentiated through the closed forms
their documentation gives (rules/iterables_through.py); checked against central
differences, reverse and forward, the picks each way."""
from __future__ import annotations

import heapq
import itertools

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -1.2, 0.7, 1.1, -0.4, 0.9])


def two_smallest(x):
    return sum(heapq.nsmallest(2, x)) * 2.0 + x[0]


def largest_by_closeness(x):
    c = x[0]
    picked = heapq.nlargest(3, [x[1], x[2] * 2.0, x[3] - 1.0, x[4]],
                            key=lambda t: -abs(t - 0.45))
    return picked[0] * 3.0 + picked[1] * 2.0 + picked[2] * c


def smallest_row(x):
    rows = [x[:2], x[2:4], x[4:]]
    return np.sum(heapq.nsmallest(1, rows, key=lambda r: r[0])[0] ** 2)


def squares_from_generator(x):
    return np.sum(np.fromiter((t * t for t in x), dtype=float) * np.arange(6.0))


def first_three(x):
    return np.sum(np.sin(np.fromiter((t * 2.0 for t in x), dtype=float, count=3)))


def weighted_by_counter(x):
    c = itertools.count(1.0)
    return np.sum(np.fromiter((next(c) * t for t in x), float) ** 2)


@pytest.mark.parametrize("x", [X, -X, X[::-1].copy()])
@pytest.mark.parametrize("f", [two_smallest, largest_by_closeness, smallest_row,
                               squares_from_generator, first_three, weighted_by_counter])
def test_through_the_documented_form(f, x):
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_the_picks_are_the_librarys():
    g = s2sad.grad(two_smallest)(X)
    expected = np.zeros(6)
    expected[[1, 4]] = 2.0
    expected[0] += 1.0
    np.testing.assert_allclose(g, expected, rtol=1e-12)
    assert s2sad.value_and_grad(largest_by_closeness)(X)[0] == largest_by_closeness(X)



def test_a_count_cuts():
    expected = np.r_[2.0 * np.cos(2.0 * X[:3]), np.zeros(3)]
    np.testing.assert_allclose(s2sad.grad(first_three)(X), expected, rtol=1e-12)
