"""``itertools.product`` with ``repeat=`` or of more than three pools, and
``itertools.combinations`` of more than two items (were refused): the index tuples from
itertools itself, then the items (``rules/python_through.py``).  Against central
differences and closed forms."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

X = np.array([0.7, -1.2, 0.4, 2.0])


def pairs_repeated(x):
    tot = 0.0
    for i, j in itertools.product(range(len(x)), repeat=2):
        tot += x[i] * x[j] * (i + 1)
    return tot


def four_pools(x):
    tot = 0.0
    for a, b, c, d in itertools.product(x[:2], x[2:], [1.0, 2.0], x[1:3]):
        tot += a * b * c * d
    return tot


def triples(x):
    return sum(a * b * c for a, b, c in itertools.combinations(x, 3))


def test_product_repeat():
    # sum_ij (i+1) x_i x_j = (w . x)(1 . x), w = 1..n
    w = np.arange(1.0, 5.0)
    np.testing.assert_allclose(s2sad.grad(pairs_repeated)(X), w * X.sum() + w @ X,
                               rtol=1e-12)
    check_grad(pairs_repeated, X)


def test_product_of_four_pools():
    value, g = s2sad.value_and_grad(four_pools)(X)
    assert value == pytest.approx(four_pools(X))
    check_grad(four_pools, X)


def test_combinations_of_three():
    # e3(x): d/dx_k = e2 of the others
    closed = [sum(a * b for a, b in itertools.combinations(np.delete(X, k), 2))
              for k in range(4)]
    np.testing.assert_allclose(s2sad.grad(triples)(X), closed, rtol=1e-12)
    check_grad(triples, X)
