"""Loops over ``np.ndindex`` (its index tuples as a list: the loop has a length; was an
"s2sad bug" error, ``ndindex`` has no ``len``), and ``v.sort(reverse=True)`` /
``v.sort(key=...)`` of a list s2sad could not tell from an array (keywords only a list's
sort takes: ``v[:] = sorted(v, ...)``)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def weighted_entries(A):
    s = 0.0
    for i, j in np.ndindex(A.shape):
        s += A[i, j] ** 3 * (i - j + 0.5)
    return s


def entries_of_a_cube(T, w):
    total = 0.0
    for idx in np.ndindex(*T.shape):
        total += np.sin(T[idx] * w) * (idx[0] + 1)
    return total


def stencil(U):
    out = np.zeros_like(U)
    for i, j in np.ndindex(U.shape[0] - 2, U.shape[1] - 2):
        out[i + 1, j + 1] = U[i, j + 1] + U[i + 2, j + 1] - 2 * U[i + 1, j + 1]
    return np.sum(out ** 2)


@pytest.mark.parametrize("f, args, wrt", [
    (weighted_entries, (np.arange(6.0).reshape(2, 3) / 5 - 0.3,), 0),
    (entries_of_a_cube, (np.linspace(-1, 1, 12).reshape(2, 3, 2), 0.7), (0, 1)),
    (stencil, (np.cos(np.arange(20.0)).reshape(4, 5),), 0),
])
def test_loops_over_ndindex(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_ndindex_closed_form():
    A = np.arange(6.0).reshape(2, 3) / 5 - 0.3
    i, j = np.indices(A.shape)
    expected = 3 * A ** 2 * (i - j + 0.5)
    np.testing.assert_allclose(s2sad.grad(weighted_entries)(A), expected, rtol=1e-13)


def largest_first(x):
    v = x.tolist()
    v.sort(reverse=True)
    return v[0] * 3.0 + v[1] - v[-1] ** 2


def by_magnitude(x):
    v = list(np.tanh(x))
    v.sort(key=abs)
    return v[0] + 2.0 * v[-1]


def both_keywords(x):
    v = [a * b for a, b in zip(x, x[::-1])]
    v.sort(key=lambda t: -t, reverse=True)  # (ascending, by the key's reverse)
    return v[-1] * v[0]


@pytest.mark.parametrize("f", [largest_first, by_magnitude, both_keywords])
@pytest.mark.parametrize("x", [np.array([0.3, -1.2, 0.8, 2.1]),
                               np.array([-0.4, 0.9, -2.2, 0.1])])
def test_list_sorts_with_keywords(f, x):
    check_grad(f, x)


def test_largest_first_closed_form():
    x = np.array([0.3, -1.2, 0.8, 2.1])
    expected = np.array([0.0, 2 * 1.2, 1.0, 3.0])  # v = [2.1, 0.8, 0.3, -1.2]
    np.testing.assert_allclose(s2sad.grad(largest_first)(x), expected, rtol=1e-13)
