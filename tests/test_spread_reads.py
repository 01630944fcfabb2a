"""The adjoint of a mean or full sum kept as the number it spreads
(``compiler/number_spreads.py``; its reads: ``spread_reads.py``) where it is read through
arithmetic with numbers (``d * r / e``), summed (``np.sum(d)``: ``d * n``) or in a product
with a vector (``d @ v``: ``d * np.sum(v)``); kept an array where a reader needs one (a
product with a matrix, a product of the spread with itself).  Each against central
differences (a closed form where there is one) and the source checked for the form."""
import gast
import numpy as np
import pytest
from scipy.special import gammaln

from gradcheck import check_grad, grad_code
from s2sad.compiler import dims, spread_reads, walks


def scaled_log(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    return -np.mean(gammaln(y + r) - gammaln(r) + r * np.log(r / (r + mu)))


def number_chain(x, a):
    return np.mean(a * np.log1p(x * x) / (1.0 + a * a) - np.sin(a) * x)


def matrix_reader(x, M):
    """``x`` of shape (n,) times a scalar read as ``s * x`` and ``M @ x``'s sum."""
    return np.sum(np.tanh(x)) + np.mean(M @ np.tanh(x))


def test_a_mean_read_through_numbers_sums_and_dots_is_a_number():
    r = np.random.default_rng(0)
    X = r.standard_normal((11, 3))
    y = r.integers(0, 5, 11).astype(float)
    args = (0.1 * r.standard_normal(3), 0.3, X, y)
    check_grad(scaled_log, *args, wrt=(0, 1))
    code = grad_code(scaled_log, *args, wrt=(0, 1))
    assert "repeat_to" not in code and " @ log" not in code, code


def test_a_spread_times_numbers_then_an_array():
    """(Read through a negated copy by a product, ``-d @ x``, the spread stays an array.)"""
    r = np.random.default_rng(1)
    x = r.standard_normal(6)
    for a in (0.7, -1.3):
        g = check_grad(number_chain, x, a, wrt=(0, 1))
        closed = (a * 2 * x / (1 + x * x) / (1 + a * a) - np.sin(a)) / 6
        np.testing.assert_allclose(g[0], closed, rtol=1e-12, atol=1e-14)


def test_a_spread_read_by_a_matrix_product_is_right():
    r = np.random.default_rng(2)
    x, M = r.standard_normal(5), r.standard_normal((4, 5))
    g = check_grad(matrix_reader, x, M)
    closed = (1 - np.tanh(x) ** 2) * (1.0 + np.sum(M, axis=0) / 4)
    np.testing.assert_allclose(g, closed, rtol=1e-12)


def spread_squared(x):
    s = np.mean(x * x)
    return s * s + np.sum(x) * np.mean(np.cos(x))


def test_a_spread_read_twice_in_one_product_stays_right():
    x = np.random.default_rng(3).standard_normal(7)
    check_grad(spread_squared, x)


def vector_times_matrix(a, B):
    return np.mean(np.tanh(a) @ B)


def test_a_spread_in_a_product_with_a_matrix_stays_an_array():
    """``B @ d`` of a matrix ``B`` is not ``d * np.sum(B)``: only a vector like ``d``."""
    r = np.random.default_rng(4)
    a, B = r.standard_normal(5), r.standard_normal((5, 3))
    g = check_grad(vector_times_matrix, a, B)
    np.testing.assert_allclose(g, (1 - np.tanh(a) ** 2) * B.sum(axis=1) / 3, rtol=1e-12)


@pytest.mark.parametrize("text, summed", [
    ("d @ v", True), ("v @ d", True), ("np.sum(d)", True),
    ("d @ B", False), ("B.T @ d", False),  # (a matrix: not a sum of the other)
    ("np.sum(d, axis=0)", False), ("np.sum(d * v)", False),
    ("e @ v", False),  # (a matrix spread: ``e @ v`` is no sum of ``v``)
])
def test_which_reads_sum_the_spread(text, summed):
    facts = dims.Facts.over({"d": ("n",), "v": ("n",), "B": ("n", "k"), "e": ("m", "n")},
                            {"np": np})
    expr = gast.parse(text).body[0].value
    read = next(n for n in walks.nodes(expr) if isinstance(n, gast.Name) and n.id in "de")
    parents = walks.parent_map([gast.Expr(value=expr)])
    assert spread_reads.summed(read, parents, facts) is summed
