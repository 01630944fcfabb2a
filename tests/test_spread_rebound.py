"""The adjoint of a full sum or mean kept as the number it spreads when the term summed
is a value plus a function of it (``np.sum(mu - y * np.log(mu))``): copy folding leaves
``dmu = repeat_to(..); dmu = dmu - dmu * y / mu``, one name bound twice; the spread is
given a name of its own (``compiler/number_spreads.py``) and becomes the number, and the
summed value (here its ``log``) is no longer computed.  Each against central
differences, with the source checked for the form."""
import numpy as np

import s2sad
from gradcheck import check_grad


def poisson(w, b, X, y):
    mu = np.exp(X @ w + b)
    return np.sum(mu - y * np.log(mu)) / X.shape[0]


def hidden_plus_tanh(w, X):
    h = X @ w
    return np.sum(h + np.tanh(h) ** 2) / h.shape[0]


def cross_entropy_like(z, t):
    p = 1.0 / (1.0 + np.exp(-z))
    return np.mean(p - t * np.log(p))


def square_of_mean_term(x):
    return np.mean(x * x + x)


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, argnums=wrt)
    g(*args)
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))  # (comments quote the user)


def test_poisson_log_likelihood(rng) -> None:
    X = 0.3 * rng.standard_normal((40, 3))
    y = rng.poisson(1.0, 40).astype(float)
    w = 0.2 * rng.standard_normal(3)
    check_grad(poisson, w, 0.1, X, y, wrt=(0, 1, 3))
    src = _source(poisson, w, 0.1, X, y, wrt=(0, 1))
    assert "repeat_to" not in src and "np.log" not in src


def test_value_plus_its_tanh_squared(rng) -> None:
    X = rng.standard_normal((25, 4))
    w = rng.standard_normal(4)
    check_grad(hidden_plus_tanh, w, X, wrt=(0, 1))
    src = _source(hidden_plus_tanh, w, X)
    assert "repeat_to" not in src


def test_matrix_of_probabilities(rng) -> None:
    z = rng.standard_normal((6, 5))
    t = rng.random((6, 5))
    check_grad(cross_entropy_like, z, t, wrt=(0, 1))
    src = _source(cross_entropy_like, z, t)
    assert "repeat_to" not in src and "np.log" not in src


def test_a_product_of_the_value_with_itself(rng) -> None:
    """``x * x + x``: the number spread meets ``x`` twice; the gradient is exact."""
    x = rng.standard_normal(7)
    check_grad(square_of_mean_term, x)
    np.testing.assert_allclose(s2sad.grad(square_of_mean_term)(x), (2 * x + 1) / 7,
                               rtol=1e-13)
