"""A reversed loop over a matrix's columns whose trips each add ``u @ X[:, j]`` into
their own element of an adjoint (the reverse of ``z = z + w[j] * X[:, j]``, a score
built feature by feature) run for all columns at once, ``dw[j_all] += u @ X[:, j_all]``
(compiler/vector_loops.py), also where the adjoint was first made by arithmetic
(``dw = 0.02 * w`` of an L2 term).  Against central differences; the loop kept where a
column is used otherwise."""
import numpy as np
import pytest

from gradcheck import check_grad, check_vjp, grad_source


def logistic_columns(w, b, X, y):
    """Logistic regression with the score built column by column, L2 on w."""
    z = np.full(X.shape[0], b)
    for j in range(X.shape[1]):
        z = z + w[j] * X[:, j]
    return np.mean(np.logaddexp(0.0, -y * z)) + 0.01 * np.sum(w ** 2)


def columns_from_one(w, X):
    """The first column left out (``range(1, d)``), a squared loss."""
    z = X[:, 0] * 0.5
    for j in range(1, X.shape[1]):
        z = z + X[:, j] * w[j]
    return np.sum(np.tanh(z) ** 2)


def scaled_columns(w, X, s):
    """Each column's weight scaled by a number, the score squared."""
    z = np.zeros(X.shape[0])
    for j in range(X.shape[1]):
        z = z + (s * w[j]) * X[:, j]
    return np.sum(z ** 2)


def column_energy(w, X):
    """A column used otherwise (its sum of squares): not a contraction, loop kept."""
    total = 0.0
    for j in range(X.shape[1]):
        total = total + w[j] * np.sum(X[:, j] ** 2)
    return total * total


@pytest.mark.parametrize("n, d", [(6, 2), (40, 5)])
def test_logistic_columns(n, d, rng):
    X = rng.standard_normal((n, d))
    args = (rng.standard_normal(d), 0.1, X, np.sign(rng.standard_normal(n)))
    check_grad(logistic_columns, *args, wrt=(0, 1))
    check_vjp(logistic_columns, *args, wrt=(0, 1))
    assert "j_all" in grad_source(logistic_columns, *args, wrt=(0, 1))


def test_columns_from_one(rng):
    args = (rng.standard_normal(4), rng.standard_normal((7, 4)))
    check_grad(columns_from_one, *args)
    assert "j_all" in grad_source(columns_from_one, *args)


def test_scaled_columns(rng):
    args = (rng.standard_normal(3), rng.standard_normal((5, 3)), 0.7)
    check_grad(scaled_columns, *args, wrt=(0, 2))
    check_grad(scaled_columns, *args, wrt=(0, 1))  # (X too: a column write, loop kept)


def test_column_used_otherwise(rng):
    args = (rng.standard_normal(3), rng.standard_normal((5, 3)))
    check_grad(column_energy, *args)
    assert "j_all" not in grad_source(column_energy, *args)
