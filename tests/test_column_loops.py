"""A score built feature by feature, ``z = z + w[j] * X[:, j]``: the loop done as one
matrix-vector product ``z = z + X @ w`` (compiler/column_sums.py), its reversed loop,
whose trips each add ``u @ X[:, j]`` into their own element of an adjoint, run for all
columns at once, ``dw += u @ X`` (compiler/vector_loops.py), also where the adjoint was
first made by arithmetic (``dw = 0.02 * w`` of an L2 term); the columns as a slice where
the shapes prove it (compiler/counter_slices.py), by ``np.arange`` where not.  Against
central differences; the loops kept where a column is used otherwise."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_vjp, grad_source


def _loops(src: str) -> int:
    return sum(line.lstrip().startswith("for ") for line in src.splitlines())


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
    src = grad_source(logistic_columns, *args, wrt=(0, 1))
    assert not _loops(src) and "X @ w" in src and "dz_1 @ X\n" in src


@pytest.mark.parametrize("n, d", [(7, 4), (5, 2), (6, 1)])
def test_columns_from_one(n, d, rng):
    """(``d = 1``: no trip, the score ``X[:, 0] * 0.5`` as it was, ``dw`` zero.)"""
    args = (rng.standard_normal(d), rng.standard_normal((n, d)))
    check_grad(columns_from_one, *args)
    src = grad_source(columns_from_one, *args)
    assert not _loops(src)
    if d > 1:
        assert "X[:, 1:] @ w[1:]" in src and "dw[1:] = dz_1 @ X[:, 1:]" in src
    w, X = args
    z = X[:, 0] * 0.5 + X[:, 1:] @ w[1:]
    expected = np.concatenate(([0.0], X[:, 1:].T @ (2 * np.tanh(z) / np.cosh(z) ** 2)))
    np.testing.assert_allclose(s2sad.grad(columns_from_one)(*args), expected, rtol=1e-10,
                               atol=1e-12)


def test_columns_value(rng):
    """The value by the product is the loop's to rounding (another order of sums)."""
    X = rng.standard_normal((30, 6))
    args = (rng.standard_normal(6), -0.2, X, np.sign(rng.standard_normal(30)))
    value, _ = s2sad.value_and_grad(logistic_columns, wrt=(0, 1))(*args)
    assert abs(value - logistic_columns(*args)) <= 1e-12 * abs(value)


def rows_mixture(c, B, t):
    """A mixture of a matrix's rows, ``acc - c[k] * B[k]`` taken away from a start."""
    acc = t.copy()
    for k in range(B.shape[0]):
        acc = acc - c[k] * B[k]
    return np.sum(np.sin(acc) ** 2)


def longer_weights(w, X):
    """The loop over ``X``'s columns reads the first of more weights: ``w[:d]``'s
    length not proved to be the loop's, the weights read by ``np.arange``."""
    z = np.ones(X.shape[0])
    for j in range(X.shape[1]):
        z = w[j] * X[:, j] + z
    return np.sum(np.exp(0.3 * z)) + np.sum(w ** 2)


@pytest.mark.parametrize("n, m", [(4, 3), (7, 9), (1, 5)])
def test_rows_mixture(n, m, rng):
    args = (rng.standard_normal(n), rng.standard_normal((n, m)), rng.standard_normal(m))
    check_grad(rows_mixture, *args, wrt=(0, 1, 2))
    src = grad_source(rows_mixture, *args)
    assert not _loops(src) and "c @ B" in src
    c, B, t = args  # (closed form: d/dc_k of sum sin(acc)^2 is -B[k] . sin(2 acc))
    np.testing.assert_allclose(s2sad.grad(rows_mixture)(*args),
                               -B @ np.sin(2.0 * (t - c @ B)), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("d, extra", [(3, 2), (5, 1), (2, 6)])
def test_longer_weights(d, extra, rng):
    args = (0.5 * rng.standard_normal(d + extra), rng.standard_normal((6, d)))
    check_grad(longer_weights, *args, wrt=(0, 1))
    src = grad_source(longer_weights, *args)
    assert not _loops(src) and "X @ w[np.arange(" in src and "dw[j_all] += dz_1 @ X" in src
    w, X = args
    dw = s2sad.grad(longer_weights)(*args)
    np.testing.assert_allclose(dw[d:], 2.0 * w[d:], rtol=1e-12)  # (read by no column)


def test_scaled_columns(rng):
    args = (rng.standard_normal(3), rng.standard_normal((5, 3)), 0.7)
    check_grad(scaled_columns, *args, wrt=(0, 2))
    check_grad(scaled_columns, *args, wrt=(0, 1))  # (X too: a column write, loop kept)


def test_column_used_otherwise(rng):
    args = (rng.standard_normal(3), rng.standard_normal((5, 3)))
    check_grad(column_energy, *args)
    src = grad_source(column_energy, *args)
    assert "j_all" not in src and _loops(src) == 2


def test_second_order(rng):
    """The product the loop became is differentiated again (a Hessian in the weights)."""
    X = rng.standard_normal((9, 3))
    b, y = 0.2, np.sign(rng.standard_normal(9))
    check_hessian(lambda w: logistic_columns(w, b, X, y), rng.standard_normal(3))
    check_hessian(lambda c: rows_mixture(c, X.T, y), rng.standard_normal(3))
