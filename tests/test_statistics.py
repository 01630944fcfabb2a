"""rules/numpy_statistics.py: np.cov, np.corrcoef, np.quantile, np.percentile and
np.vander differentiated through closed forms; values equal NumPy's, derivatives
checked against central differences (grad, vjp, jvp)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

_X = np.random.default_rng(7).standard_normal((3, 6))
_V = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.7, 1.9])  # distinct values: no ties


def cov(x):
    return np.sum(np.cov(x) * np.arange(9.0).reshape(3, 3))


def cov_columns_bias(x):
    return np.sum(np.cov(x, rowvar=False, bias=True) ** 2)


def cov_two(x):
    return np.sum(np.sin(np.cov(x[0], x[1], ddof=0)))


def corrcoef(x):
    return np.sum(np.corrcoef(x) * np.arange(9.0).reshape(3, 3))


def corrcoef_two(x):
    return np.corrcoef(x[0], x[2])[0, 1]


def quantile_axis(x):
    return np.sum(np.quantile(x, 0.3, axis=1) * np.arange(3.0))


def quantile_vector(x):
    return np.sum(np.quantile(x, [0.1, 0.5, 0.9]) * [1.0, 2.0, 3.0])


def percentile_axis_q(x):
    return np.sum(np.percentile(x, [25, 80], axis=0) ** 2)


def quantile_keepdims(x):
    return np.sum(x - np.quantile(x, 0.6, axis=1, keepdims=True))


def vander(x):
    return np.sum(np.vander(x[0, :4]) @ x[1, :4])


def vander_increasing(x):
    return np.sum(np.vander(x[0], 3, increasing=True) ** 2)


def quantile_scalar(x):
    """(A scalar output: the vjp's cotangent is a number the reverse sweep zeroes after
    use; once taken for that zero everywhere, a wrong vjp.)"""
    return np.quantile(x, 0.5)


CASES = [quantile_scalar, cov, cov_columns_bias, cov_two, corrcoef, corrcoef_two, quantile_axis,
         quantile_vector, percentile_axis_q, quantile_keepdims, vander, vander_increasing]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, _X)
    check_vjp(f, _X)
    check_jvp(f, _X)


def summed_quantile(v, q):
    return np.sum(np.quantile(v, q))


def test_values_are_numpys():
    for q in (0.0, 0.25, 0.5, 0.99, 1.0, [0.2, 0.7]):
        np.testing.assert_allclose(s2sad.value_and_grad(summed_quantile)(_V, q)[0],
                                   np.sum(np.quantile(_V, q)))
    value, _ = s2sad.value_and_grad(lambda x: np.sum(np.corrcoef(x) ** 3))(_X)
    np.testing.assert_allclose(value, np.sum(np.corrcoef(_X) ** 3))


def test_median_of_an_even_count_shares_between_the_middle_two():
    g = s2sad.grad(lambda v: np.percentile(v, 50))(np.array([4.0, 1.0, 3.0, 2.0]))
    np.testing.assert_allclose(g, [0.0, 0.0, 0.5, 0.5])  # closed form: (2 + 3) / 2


def test_vander_at_zero():
    x = np.array([0.0, 1.5, -2.0])
    g = s2sad.grad(lambda x: np.sum(np.vander(x)))(x)  # d/dx (x^2 + x + 1) = 2x + 1
    np.testing.assert_allclose(g, 2 * x + 1)


def test_unit_weights_are_no_weights():  # (weights were refused; test_suite_probes4 has more)
    unweighted = s2sad.grad(lambda x: np.sum(np.cov(x) ** 2))(_X)
    np.testing.assert_allclose(
        s2sad.grad(lambda x: np.sum(np.cov(x, aweights=np.ones(np.shape(x)[-1])) ** 2))(_X),
        unweighted, rtol=1e-12)
    np.testing.assert_allclose(
        s2sad.grad(lambda x: np.sum(np.cov(x, fweights=np.ones(np.shape(x)[-1], int)) ** 2))(_X),
        unweighted, rtol=1e-12)
