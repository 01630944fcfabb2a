"""compiler/shape_reads.py ``shape_only_values``: a value read for its shape alone
(the adjoint of ``np.mean(ll)`` spreads ``-1 / ll.shape[0]`` like ``ll``) takes that
shape from an argument of its shape class, so the value is not computed at all
(``gammaln`` terms whose derivatives do not need their values); and runtime
``polygamma`` of a Python int order calls the one scipy function it needs.  Every
case against central finite differences and a closed form."""
import numpy as np
import pytest
from scipy.special import digamma, gammaln, polygamma

import s2sad
from gradcheck import check_grad, grad_code
from s2sad.runtime.numeric import polygamma as rt_polygamma


def nb_mean(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    ll = gammaln(y + r) - gammaln(r) + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu))
    return -np.mean(ll)


def nb_mean_closed_form(beta, log_r, X, y):
    mu, r = np.exp(X @ beta), np.exp(log_r)
    dr = digamma(y + r) - digamma(r) + np.log(r / (r + mu)) + (mu - y) / (r + mu)
    return X.T @ (r * (mu - y) / ((r + mu) * y.shape[0])), -r * np.mean(dr)


def sum_over_length(a, y):
    """The user reads the length of the value itself."""
    t = gammaln(y + a) * np.tanh(a * y)
    return np.sum(t) / t.shape[0]


def outer_mean(a, x, z):
    """No argument has the value's shape (n x m): its length is read from the outer
    product, an operand of its shape."""
    t = gammaln(np.outer(x, z) + a)
    return np.mean(t)


def kept_value(a, y):
    """The value is read for more than its shape: kept."""
    t = gammaln(y + a)
    return np.mean(t) + np.sum(t * t) / t.shape[0]


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((9, 3)) / 2.0
    y = rng.integers(0, 6, 9).astype(float)
    return 0.2 * rng.standard_normal(3), 0.4, X, y


def test_mean_of_gammaln_terms_drops_the_values(data):
    check_grad(nb_mean, *data, wrt=(0, 1))
    got = s2sad.grad(nb_mean, wrt=(0, 1))(*data)
    for a, b in zip(got, nb_mean_closed_form(*data)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    code = grad_code(nb_mean, *data, wrt=(0, 1))
    assert "gammaln(" not in code and "ll.shape" not in code


def test_length_read_by_the_user(data):
    y = data[3] + 0.5
    check_grad(sum_over_length, 0.7, y)
    code = grad_code(sum_over_length, 0.7, y)
    assert "t.shape" not in code
    assert code.count("gammaln(") == 1  # (the product's adjoint reads it, not t)


def test_value_read_otherwise_kept(data):
    y = data[3] + 0.5
    check_grad(kept_value, 0.7, y)
    assert "gammaln(" in grad_code(kept_value, 0.7, y)


def test_value_of_no_arguments_shape(data):
    y = data[3] + 0.5
    check_grad(outer_mean, 0.7, y, y[:4] + 1.0)
    np.testing.assert_allclose(s2sad.grad(outer_mean)(0.7, y, y[:4] + 1.0),
                               np.mean(digamma(np.outer(y, y[:4] + 1.0) + 0.7)), rtol=1e-12)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_polygamma_of_an_int_order(n):
    x = np.array([0.3, 1.5, 7.0, 40.0])
    np.testing.assert_allclose(rt_polygamma(n, x), polygamma(n, x), rtol=1e-13)
    assert np.isclose(rt_polygamma(n, 2.5), polygamma(n, 2.5), rtol=1e-13)


def test_polygamma_order_array_falls_back():
    x = np.array([0.5, 2.0])
    np.testing.assert_allclose(rt_polygamma(np.array([0, 1]), x),
                               polygamma(np.array([0, 1]), x), rtol=1e-13)


def test_digamma_gradient_through_polygamma():
    def f(x):
        return np.sum(digamma(x) * x)
    x = np.array([0.7, 1.9, 4.2])
    check_grad(f, x)
    np.testing.assert_allclose(s2sad.grad(f)(x), digamma(x) + x * polygamma(1, x),
                               rtol=1e-12)


# ----- the shape read from a value of the same block (no argument has it) -----

def resampled(phi, eps, picks):
    """A state gathered by indices each step: its adjoint is scattered into zeros like
    it, which the tape need not keep (``eps[0]``, which the adjoint of the first line
    reads, has its shape)."""
    x = phi * eps[0]
    total = 0.0
    for t in range(eps.shape[0]):
        total = total + np.sum(np.tanh(x))
        if t + 1 < eps.shape[0]:  # (resampled in all steps but the last)
            x = phi * x[picks[t]] + eps[t + 1]
    return total + np.sum(x * x)


def ranked_sums(w, X):
    """A value of a loop body read for its length alone (``np.sum`` of it)."""
    loss = 0.0
    for q in range(X.shape[0]):
        s = X[q] @ w
        tail = np.cumsum(np.exp(s)[::-1])[::-1]
        loss = loss + np.sum(np.log(tail) - s)
    return loss


def rebound_between(a, x):
    """The only value of the shape is bound again before the read: not read from."""
    u = np.sin(np.outer(x, x) * a)
    t = gammaln(u + 2.0)
    u = u[0]
    return np.mean(t) + np.sum(u)


def test_scattered_state_not_kept(rng):
    eps, picks = rng.standard_normal((5, 6)), rng.integers(0, 6, (4, 6))
    check_grad(resampled, 0.8, eps, picks)
    code = grad_code(resampled, 0.8, eps, picks)
    pushes = "".join(line for line in code.splitlines() if "append(" in line)
    assert "x_1" not in pushes and "x_item" in pushes


def test_loop_value_read_for_its_length(rng):
    w, X = 0.3 * rng.standard_normal(3), rng.standard_normal((4, 5, 3))
    check_grad(ranked_sums, w, X)
    s, expected = None, np.zeros(3)
    for q in range(4):
        s = X[q] @ w
        e = np.exp(s)
        tail = np.cumsum(e[::-1])[::-1]
        expected += X[q].T @ (e * np.cumsum(1.0 / tail) - 1.0)
    np.testing.assert_allclose(s2sad.grad(ranked_sums)(w, X), expected, rtol=1e-10)
    assert "np.log(" not in grad_code(ranked_sums, w, X)


def test_value_bound_again_is_no_donor(rng):
    x = rng.standard_normal(4)
    check_grad(rebound_between, 0.6, x)
