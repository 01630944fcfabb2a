"""A seed's ``1.0 *`` copy of an argument summed with another term, a vector's norm in
its partials, and the dtype of ``a or b``: the plain code (no copy, no ``cast_like``,
no ``np.linalg.norm`` call) and the right numbers (finite differences, closed forms)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_source


def pair_forms(x, A, B):
    return np.einsum("i,ij,j->", x, A, x) + np.einsum("ij,ij->", A, B)


def summed_products(x, A, B):
    return np.sum(A * B) + x @ A @ x


def product_then_norm(x, A, B):
    return np.sum(B * A) + np.linalg.norm(A @ x)


def weighted_pair(x, A, B):
    return np.sum(A * B) - 2.0 * x @ A @ x


@pytest.mark.parametrize("f", [pair_forms, summed_products, product_then_norm,
                               weighted_pair])
def test_seeded_copy_summed(f):
    rng = np.random.default_rng(3)
    x, A, B = rng.standard_normal(4), rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    check_grad(f, x, A, B, wrt=(0, 1))
    source = grad_source(f, x, A, B, wrt=(0, 1))
    assert "1.0 * B" not in source


def test_seeded_copy_closed_form():
    rng = np.random.default_rng(4)
    x, A, B = rng.standard_normal(3), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    dx, dA = s2sad.grad(summed_products, argnums=(0, 1))(x, A, B)
    np.testing.assert_allclose(dA, B + np.outer(x, x), rtol=1e-12)
    np.testing.assert_allclose(dx, (A + A.T) @ x, rtol=1e-12)


def test_seeded_copy_of_integers_keeps_float():
    """An integer B: the gradient of A is 1.0 * B + ..., floats, not B's integers."""
    x, A = np.array([1.0, 2.0]), np.eye(2)
    B = np.array([[1, 2], [3, 4]])
    dA = s2sad.grad(summed_products, argnums=1)(x, A, B)
    assert dA.dtype == np.float64
    np.testing.assert_allclose(dA, B + np.outer(x, x))


def vector_norm(x):
    return np.linalg.norm(x) + 0.5 * np.sum(x * x)


def matrix_norm(M):
    return np.linalg.norm(M) * 2.0


def norm_of_product(A, x):
    return np.linalg.norm(A @ x)


def test_vector_norm_partials():
    x = np.array([3.0, -4.0, 12.0])
    g = s2sad.grad(vector_norm)(x)
    np.testing.assert_allclose(g, x / 13.0 + x, rtol=1e-12)  # closed form
    check_grad(vector_norm, x)
    assert "np.sqrt(x @ x)" in grad_source(vector_norm, x)


def test_vector_norm_at_zero():
    """At 0 the norm's partials are taken as 0 (as before): no NaN."""
    g = s2sad.grad(vector_norm)(np.zeros(3))
    np.testing.assert_array_equal(g, np.zeros(3))


def test_matrix_and_product_norms():
    rng = np.random.default_rng(5)
    M, A, x = rng.standard_normal((3, 4)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    np.testing.assert_allclose(s2sad.grad(matrix_norm)(M), 2.0 * M / np.linalg.norm(M),
                               rtol=1e-12)
    check_grad(norm_of_product, A, x, wrt=(0, 1))


def chosen_scale(x, s):
    c = (s or 1.0) * x
    return np.sum(c * c)


def picked(x, s):
    y = x * (s if s > 0.0 else -s)
    return np.sum(np.sin(y))


@pytest.mark.parametrize("s", [0.0, 2.5])
def test_or_value_dtype(s):
    """``s or 1.0`` is one of its operands (both branches): a float, the gradient of a
    float64 array is returned as the new array it is."""
    x = np.array([0.3, -1.2, 2.0])
    check_grad(chosen_scale, x, s)
    np.testing.assert_allclose(s2sad.grad(chosen_scale)(x, s), 2.0 * (s or 1.0) ** 2 * x,
                               rtol=1e-12)


@pytest.mark.parametrize("s", [-1.5, 2.0])
def test_if_expression_value(s):
    x = np.array([0.1, 0.7, -0.4])
    check_grad(picked, x, s, wrt=(0, 1))
