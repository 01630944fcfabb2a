"""compiler/rank_one.py: the row sums of a product with a sum of outer products are
products with vectors.  A weighted least-squares solve ``(Xw.T @ X) b = Xw.T @ y`` with
``Xw = X * w[:, None]`` gives ``w`` the adjoint ``(X @ u) * (y - X @ b)`` (``u`` the
adjoint solve) without an n x p array of outer products.  Against central differences
and that closed form; where the outer products are read for another adjoint too (``X``
differentiated), they stay."""
import numpy as np

import s2sad
from gradcheck import check_grad, grad_code


def weighted_fit(w, X, y, c):
    Xw = X * w[:, None]
    beta = np.linalg.solve(Xw.T @ X, Xw.T @ y)
    return np.dot(c, beta) + 0.5 * np.sum(beta ** 2)


def weighted_gram(w, X, c):
    Xw = X * w[:, None]
    return np.sum(np.linalg.solve(Xw.T @ X, c) ** 2)


def closed_form(w, X, y, c):
    A = (X * w[:, None]).T @ X
    beta = np.linalg.solve(A, (X * w[:, None]).T @ y)
    u = np.linalg.solve(A, c + beta)
    return (X @ u) * (y - X @ beta)


def data(rng, n=9, p=3):
    X = rng.standard_normal((n, p))
    return rng.uniform(0.5, 1.5, n), X, rng.standard_normal(n), rng.standard_normal(p)


def test_weights_of_a_weighted_fit(rng):
    w, X, y, c = data(rng)
    check_grad(weighted_fit, w, X, y, c)
    np.testing.assert_allclose(s2sad.grad(weighted_fit)(w, X, y, c),
                               closed_form(w, X, y, c), rtol=1e-9, atol=1e-12)
    assert "outer" not in grad_code(weighted_fit, w, X, y, c)


def test_weights_of_a_gram_matrix(rng):
    w, X, _, c = data(rng, 11, 4)
    check_grad(weighted_gram, w, X, c)
    assert "outer" not in grad_code(weighted_gram, w, X, c)


def test_outer_products_read_twice_stay(rng):
    w, X, y, c = data(rng)
    check_grad(weighted_fit, w, X, y, c, wrt=(0, 1))
