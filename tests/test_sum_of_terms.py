"""``sum(e for ...)`` and ``sum([e for ...])`` (compiler/loops.lower_sum): a loop that
adds each term to a running total, as ``sum`` does (in order, from ``start`` or 0), with
no list of the terms, whose adjoint cost a copy per item (quadratic).  Every case
against central differences, the value bit for bit against Python's, both sides of
each filter."""
import math
import sys

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp


def weighted(w, x):
    return sum(w[i] * x[i] ** 2 for i in range(len(x))) + sum(math.tanh(v) for v in w)


def filtered(w, t):
    return sum(v * v for v in w if v > t) + sum([np.exp(-v) for v in w], 1.5)


def nested(A, b):
    return sum(A[i, j] * b[j] for i in range(A.shape[0]) for j in range(A.shape[1]) if i != j)


def of_arrays(X, w):
    return np.sum(sum(np.tanh(X[i] * w) for i in range(X.shape[0])) ** 2)


@pytest.fixture
def vectors(rng):
    return rng.standard_normal(7), rng.standard_normal(7)


def test_weighted_terms(vectors):
    w, x = vectors
    check_grad(weighted, w, x, wrt=(0, 1))
    check_vjp(weighted, w, x, wrt=(0, 1))
    check_jvp(weighted, w, x, wrt=(0, 1))
    value, _ = s2sad.value_and_grad(weighted, wrt=(0, 1))(w, x)
    assert value == weighted(w, x)  # (the same additions in the same order)


def test_no_list_of_terms(vectors):
    g = s2sad.grad(weighted, wrt=(0, 1))
    g(*vectors)
    if sys.version_info < (3, 12):
        assert "list_append" not in g.source and "spread_to_items" not in g.source


@pytest.mark.parametrize("t", [-5.0, 0.0, 5.0])  # all terms, some, none pass the filter
def test_filtered_with_start(t, rng):
    w = rng.standard_normal(6)
    check_grad(filtered, w, t)
    value, g = s2sad.value_and_grad(filtered)(w, t)
    assert value == filtered(w, t)
    # closed form: 2 v where v > t, minus exp(-v) everywhere
    np.testing.assert_allclose(g, np.where(w > t, 2 * w, 0.0) - np.exp(-w), rtol=1e-12)


def test_two_generators(rng):
    A, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    check_grad(nested, A, b, wrt=(0, 1))
    gA, gb = s2sad.grad(nested, wrt=(0, 1))(A, b)
    mask = ~np.eye(3, 4, dtype=bool)
    np.testing.assert_allclose(gA, np.where(mask, b[None, :], 0.0))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_array_terms_and_no_terms(n, rng):
    X, w = rng.standard_normal((n, 3)), rng.standard_normal(3)
    if n == 0:  # sum() of nothing is the int 0: np.sum(0 ** 2) is 0
        assert s2sad.value_and_grad(of_arrays, wrt=1)(X, w)[0] == 0
        return
    check_grad(of_arrays, X, w, wrt=(0, 1))


def test_second_order(rng):
    check_hessian(lambda x: weighted(x, np.cos(x)), rng.standard_normal(4))
