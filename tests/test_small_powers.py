"""A float's ``x ** 3`` / ``x ** 4`` written as products (compiler/small_powers.py):
NumPy's ``pow`` costs 10-400 ns an element, a product under one.  Gradients and
Hessians against central differences, values against the function's; a boolean's, an
integer parameter's, a fifth and a float exponent's powers kept."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian


def gelu_sum(A, w):
    G = 0.5 * A * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (A + 0.044715 * A ** 3)))
    return np.sum(G @ w)


def quartic_well(x, y):
    d = x - y
    return np.sum(d ** 4 - 2.0 * d ** 2)


def biweight(r, c):
    t = 1.0 - (r / c) ** 2
    return np.sum(np.where(np.abs(r) < c, 1.0 - t ** 3, 1.0))


def mask_power(x):
    m = x > 0.0
    k = m ** 3  # (int8 ones and zeros: a product of booleans would stay boolean)
    return np.sum(x * k) + np.sum(x ** 5) + np.sum(np.abs(x) ** 3.0)


def count_power(x, n):
    return np.sum(x * n ** 3)


def _code(g) -> str:
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("f, args, power, product", [
    (gelu_sum, "A", "A ** 3", "A * A * A"),
    (quartic_well, "d", "d ** 4", "d * d * (d * d)"),
    (biweight, "t", "t ** 3", "t * t * t"),
])
def test_powers_as_products(rng, f, args, power, product) -> None:
    if f is gelu_sum:
        args = (rng.standard_normal((5, 4)), rng.standard_normal(4))
    elif f is quartic_well:
        args = (rng.standard_normal(6), rng.standard_normal(6))
    else:
        args = (3.0 * rng.standard_normal(8), 2.5)  # both branches of the where
        assert np.any(np.abs(args[0]) < 2.5) and np.any(np.abs(args[0]) >= 2.5)
    check_grad(f, *args, wrt=0)
    check_hessian(lambda v: f(v, *args[1:]), args[0])
    g = s2sad.value_and_grad(f, wrt=0)
    value, _ = g(*args)
    assert value == pytest.approx(f(*args), rel=1e-14)
    assert product in _code(g) and power not in _code(g)


def test_booleans_integers_and_other_exponents_kept(rng) -> None:
    x = rng.standard_normal(7)
    check_grad(mask_power, x)
    g = s2sad.value_and_grad(mask_power)
    value, _ = g(x)
    assert value == pytest.approx(mask_power(x), rel=1e-14)
    code = _code(g)
    assert "m ** 3" in code and "** 5" in code and "** 3.0" in code
    n = np.arange(7)
    check_grad(count_power, x, n)
    g = s2sad.grad(count_power)
    g(x, n)
    assert "n * n * n" not in _code(g)
