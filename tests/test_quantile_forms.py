"""``np.quantile`` / ``np.percentile`` in the calling forms NumPy takes (differentiated
through ``rules/numpy_statistics.quantile``), checked against central differences in
float64 and NumPy's own values:

- a tuple of axes (``axis=(0, -1)``): failed inside the derivative ("s2sad bug": a tuple
  taken for an integer);
- q of several values with ``keepdims`` and a negative axis, or q of two dimensions: the
  kept axis was put after the last one (a (2, 3, 1) value for NumPy's (2, 1, 3)), q's
  second axis left in place;
- the methods that pick an order statistic (``lower``, ``higher``, ``midpoint``,
  ``nearest``) at a rank that is whole or half (n = 6, q = 0.7: rank 3.5): the rank was
  computed as ``n q + 1 - q - 1`` (3.4999999999999996), not NumPy's ``(n - 1) q``, so
  another statistic was picked: a value other than the function's, and its gradient
  given to the wrong element."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

RNG = np.random.default_rng(7)
M = RNG.standard_normal((2, 3))
T = RNG.standard_normal((2, 3, 4))
V6 = np.array([0.4, -1.3, 2.2, 0.9, -0.2, 1.6])  # distinct: no ties between statistics


def over_first_and_last(x):
    return np.sum(np.sin(np.quantile(x, 0.3, axis=(0, -1))))


def over_two_axes_kept(x):
    return np.sum(np.quantile(x, 0.6, axis=(0, 2), keepdims=True) * np.arange(3.0)[:, None])


def over_a_list_of_axes(x):
    return np.sum(np.percentile(x, 75.0, axis=[1, 0]) ** 2)


@pytest.mark.parametrize("f, x", [(over_first_and_last, M), (over_first_and_last, T),
                                  (over_two_axes_kept, T), (over_a_list_of_axes, T)])
def test_quantiles_over_several_axes(f, x):
    check_grad(f, x)
    check_jvp(f, x)


def several_q_kept_last_axis(x):
    out = np.quantile(x, [0.2, 0.9], axis=-2, keepdims=True)
    return np.sum(out * np.arange(out.size).reshape(out.shape))


def q_of_two_dimensions(x):
    out = np.quantile(x, np.array([[0.1, 0.7], [0.5, 0.35]]), axis=1)
    return np.sum(np.cos(out) * np.arange(out.size).reshape(out.shape))


def several_percentiles_kept(x):
    out = np.percentile(x, [10.0, 50.0, 80.0], axis=-1, keepdims=True)
    return np.sum(out ** 2 * np.arange(out.size).reshape(out.shape))


@pytest.mark.parametrize("f, x", [(several_q_kept_last_axis, M),
                                  (several_q_kept_last_axis, T), (q_of_two_dimensions, T),
                                  (several_percentiles_kept, T)])
def test_several_quantiles_keep_numpys_axes(f, x):
    check_grad(f, x)
    check_jvp(f, x)


def kept_rows_times_columns(x):
    out = np.quantile(x, [0.2, 0.9], axis=-2, keepdims=True)  # (2, 1, 3)
    return np.sum(out * np.array([1.0, 2.0, 3.0]))


def kept_columns_times_q(x):
    out = np.quantile(x, [0.2, 0.9], axis=-1, keepdims=True)  # (2, 2, 1)
    return np.sum(out * np.array([[1.0], [2.0]]))


def kept_percentiles_times_depth(x):
    out = np.percentile(x, [30.0, 60.0], axis=-3, keepdims=True)  # (2, 1, 3, 4)
    return np.sum(out * np.arange(4.0))


@pytest.mark.parametrize("f, x", [(kept_rows_times_columns, M),
                                  (kept_columns_times_q, M),
                                  (kept_percentiles_times_depth, T)])
def test_kept_axes_broadcast_as_numpys(f, x):
    # (were wrong on main: 6.6 where differences give 1.1)
    value, _ = s2sad.value_and_grad(f)(x)
    np.testing.assert_allclose(value, f(x), rtol=1e-12)
    check_grad(f, x)


def picked(method, q):
    def f(x):
        return np.quantile(x, q, method=method) * 3.0
    f.__name__ = f"picked_{method}"
    return f


AT_WHOLE_OR_HALF_RANKS = [("nearest", 0.7), ("lower", 0.6), ("higher", 0.4),
                          ("midpoint", 0.8), ("lower", 0.7)]


@pytest.mark.parametrize("method, q", AT_WHOLE_OR_HALF_RANKS)
def test_a_picked_statistic_is_numpys_at_a_whole_or_half_rank(method, q):
    x = V6 if method != "lower" or q != 0.7 else np.linspace(-1.0, 2.0, 11)[::-1] ** 3
    f = picked(method, q)
    value, grad = s2sad.value_and_grad(f)(x)
    assert value == f(x)
    expected = np.zeros_like(x)  # the closed form: 3 at the statistics NumPy picks
    for k in np.flatnonzero(np.isin(x, np.quantile(x, q, method=method))):
        expected[k] = 3.0
    if method == "midpoint" and expected.sum() == 6.0:
        expected /= 2.0  # (half to each of the two around a half rank)
    np.testing.assert_allclose(grad, expected, atol=1e-12)
    check_grad(f, x)


@pytest.mark.parametrize("method", ["linear", "weibull", "hazen", "median_unbiased",
                                    "normal_unbiased"])
def test_interpolating_methods_match_numpy_on_a_grid_of_q(method):
    qs = np.round(np.linspace(0.0, 1.0, 11), 2)

    def f(x):
        return np.sum(np.quantile(x, qs, method=method) * np.arange(11.0))
    value, grad = s2sad.value_and_grad(f)(V6)
    np.testing.assert_allclose(value, f(V6), rtol=1e-12)
    check_grad(f, V6)
