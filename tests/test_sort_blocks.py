"""A block of a sorted array (``np.sort(r)[:k]`` of a trimmed mean, ``[-k:]`` of the
largest few, ``[n // 2]`` of an order statistic): its adjoint puts the cotangent back
by one ``np.partition`` (runtime/sorts.py), not a sort, with ties placed as the stable
sort places them; the forward sweep, which reads the block for its size alone, does not
sort (compiler/shape_only.py).  Against central differences, closed forms, and the
sort permutation's scatter (``untake_along_axis`` of ``sort_indices``) on ties."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_vjp, grad_code
from s2sad.runtime import sort_adjoint, sort_indices, untake_along_axis


def trimmed(w, X, y, keep):
    r2 = (X @ w - y) ** 2
    k = int(keep * y.shape[0])
    return np.mean(np.sort(r2)[:k])


def largest(x, c):
    """The three largest, weighted (a cotangent that varies along the block)."""
    return np.sort(np.tanh(x))[-3:] @ c


def middle(x):
    """An order statistic: the median of an odd count."""
    s = np.sort(x * x + x)
    return s[s.shape[0] // 2] ** 2


@pytest.mark.parametrize("n, keep", [(12, 0.75), (40, 0.9), (7, 0.3)])
def test_trimmed(n, keep, rng):
    X = rng.standard_normal((n, 3))
    args = (rng.standard_normal(3), X, rng.standard_normal(n), keep)
    dw = check_grad(trimmed, *args)
    w, _, y, _ = args
    r = X @ w - y
    k = int(keep * n)
    kept = np.argsort(r * r)[:k]
    np.testing.assert_allclose(dw, X[kept].T @ r[kept] * (2.0 / k), rtol=1e-10)
    src = grad_code(trimmed, *args)
    assert "np.sort(" not in src and "sort_adjoint(" in src


@pytest.mark.parametrize("n", [5, 9, 30])
def test_largest_and_middle(n, rng):
    x = rng.standard_normal(n)
    check_grad(largest, x, rng.standard_normal(3), wrt=(0, 1))
    check_vjp(largest, x, rng.standard_normal(3), wrt=(0, 1))
    check_grad(middle, x)
    s = x * x + x
    at = np.argsort(s)[n // 2]
    expected = np.zeros(n)
    expected[at] = 2.0 * s[at] * (2.0 * x[at] + 1.0)
    np.testing.assert_allclose(s2sad.grad(middle)(x), expected, rtol=1e-12)


def test_second_order():
    x = np.array([0.3, -1.2, 2.0, 0.7, -0.4, 1.1])
    check_hessian(lambda v: np.sum(np.sort(v)[:4] ** 3), x)


@pytest.mark.parametrize("block", [slice(0, 4), slice(3, 8), slice(7, 9), slice(5, 6)])
def test_ties_as_the_stable_sort(block, rng):
    """Equal values straddling the block's ends: the block's elements are the ones the
    stable sort puts there, constant cotangent or not; -0.0 equals 0.0."""
    a = np.array([1.0, 0.0, 2.0, 1.0, -0.0, 1.0, 3.0, 1.0, 0.0, 2.0])
    for values in (1.5, rng.standard_normal(block.stop - block.start)):
        g = np.zeros(a.size)
        g[block] = values
        expected = untake_along_axis(g, a, sort_indices(a, -1), -1)
        np.testing.assert_array_equal(sort_adjoint(g, a, -1), expected)


def test_fallbacks(rng):
    """NaNs (sorted last), a cotangent over every position, and a matrix sorted along
    an axis take the permutation's scatter."""
    a = np.array([0.5, np.nan, -1.0, 2.0, np.nan])
    g = np.array([0.0, 1.0, 2.0, 0.0, 0.0])
    np.testing.assert_array_equal(sort_adjoint(g, a), untake_along_axis(
        g, a, sort_indices(a, -1), -1))
    b, h = rng.standard_normal(6), rng.standard_normal(6)
    np.testing.assert_array_equal(sort_adjoint(h, b), untake_along_axis(
        h, b, sort_indices(b, -1), -1))
    M, G = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    np.testing.assert_array_equal(sort_adjoint(G, M, 0), untake_along_axis(
        G, M, sort_indices(M, 0), 0))
    assert not np.any(sort_adjoint(np.zeros(6), b))
