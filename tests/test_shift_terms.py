"""A log-sum-exp of a few numbers written term by term, shifted by their maximum
(``mx = max(a, b, c); mx + log(exp(a - mx) + exp(b - mx) + exp(c - mx))``: a soft
minimum of dynamic time warping, an HMM step): no gradient through the maximum, so
the reverse sweep takes no share of it (``compiler/shift_terms.py``).

Each against central differences, with each term the largest somewhere; the source
checked for the form, and a maximum read elsewhere too left differentiated.
"""
import math

import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return grad_source(f, *args, wrt=wrt)


def soft_table(x, y, gamma):
    """Soft dynamic time warping: the soft minimum of three neighbours per cell."""
    n, m = x.shape[0], y.shape[0]
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            a = -R[i - 1, j - 1] / gamma
            b = -R[i - 1, j] / gamma
            c = -R[i, j - 1] / gamma
            mx = max(a, b, c)
            lse = mx + np.log(np.exp(a - mx) + np.exp(b - mx) + np.exp(c - mx))
            R[i, j] = (x[i - 1] - y[j - 1]) ** 2 - gamma * lse
    return R[n, m]


def pair_lse(u, v):
    """``logaddexp`` written out on arrays with ``np.maximum``."""
    m = np.maximum(u, v)
    return np.sum(np.log(np.exp(u - m) + np.exp(v - m)) + m)


def four_floats(p, q, r, s):
    """Python floats, ``math``, the sum in another order than the maximum's."""
    mx = max(p, q, r, s)
    return mx + math.log(math.exp(s - mx) + math.exp(q - mx) + math.exp(p - mx)
                         + math.exp(r - mx)) + 0.1 * p * q


def reads_max_too(p, q):
    """The maximum read elsewhere as well: its gradient is taken."""
    mx = max(p, q)
    return mx + math.log(math.exp(p - mx) + math.exp(q - mx)) + 0.5 * mx


def test_soft_minimum_table():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(4), rng.standard_normal(3)
    for gamma in (0.3, 1.0):
        check_grad(soft_table, x, y, gamma, wrt=(0, 1))
    code = _code(soft_table, x, y, 1.0, wrt=(0, 1))
    assert "arg_share" not in code and "max_share" not in code, code


def test_pair_on_arrays_each_side_larger():
    rng = np.random.default_rng(1)
    u, v = rng.standard_normal(6), rng.standard_normal(6)
    assert np.any(u > v) and np.any(v > u)
    check_grad(pair_lse, u, v, wrt=(0, 1))
    code = _code(pair_lse, u, v, wrt=(0, 1))
    assert "max_share" not in code and "arg_share" not in code, code


def test_four_floats_each_the_largest():
    for point in ((2.0, 0.1, -0.3, 0.5), (0.1, 2.0, -0.3, 0.5), (0.1, -0.3, 2.0, 0.5),
                  (0.1, -0.3, 0.5, 2.0)):
        check_grad(four_floats, *point, wrt=(0, 1, 2, 3))
    assert "arg_share" not in _code(four_floats, 2.0, 0.1, -0.3, 0.5, wrt=(0, 1, 2, 3))


def test_maximum_read_elsewhere_is_differentiated():
    for point in ((1.5, -0.2), (-0.2, 1.5)):
        check_grad(reads_max_too, *point, wrt=(0, 1))
    assert "if q == mx" in _code(reads_max_too, 1.5, -0.2, wrt=(0, 1))
