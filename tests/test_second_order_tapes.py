"""Second order where the first derivative's tape mixes rows of different kinds: a
``zip`` of arrays lowered to loops pushes lists of numbers and ``(n, seq)`` rows on one
stack.  The shape facts took the stack's items to be lists of numbers (a list with an
unknown item read as a list with no item yet), so ``seq`` was a number and its adjoint
the stand-in ``0.0``: NumPy's "setting an array element with a sequence" out of a
Hessian.  Checked against central differences of the gradient, and the gradient
itself against central differences of the function."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian

X = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.2], [-0.5, 0.9, 1.3]])


def pairs_product(x):
    pairs = list(zip(x[0], x[1]))
    return pairs[0][0] * pairs[1][1] * 3.0 + pairs[-1][1] ** 2


def pairs_sorted_in_place(x):
    pairs = list(zip(x[0], x[1]))
    pairs.sort(key=lambda p: p[1])
    return pairs[0][0] * pairs[0][1] * 3.0 + pairs[-1][1] ** 2


def triples_sorted(x):
    triples = sorted(zip(x[0], x[1], x[2]), key=lambda t: t[2])
    return sum(a * b * c for a, b, c in triples[:2]) + triples[-1][0] ** 3


def zipped_rows(x):
    total = 0.0
    for r, s in zip(x, x[::-1]):
        total = total + np.sum(r * s) ** 2
    return total


@pytest.mark.parametrize("x", [X, -X, X[::-1].copy()])
@pytest.mark.parametrize("f", [pairs_product, pairs_sorted_in_place, triples_sorted,
                               zipped_rows])
def test_hessians_through_zip(f, x):
    check_grad(f, x)
    check_hessian(f, x)


def test_the_closed_form():
    H = s2sad.hessian(pairs_product)(X)
    expected = np.zeros((3, 3, 3, 3))
    expected[0, 0, 1, 1] = expected[1, 1, 0, 0] = 3.0
    expected[1, 2, 1, 2] = 2.0
    np.testing.assert_allclose(H, expected, atol=1e-12)
