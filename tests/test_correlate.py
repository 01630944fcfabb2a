"""compiler/correlate.py: the adjoint of a convolution written as a loop over its taps
(a reversed loop of sliding-window dot products) is one ``np.correlate``; gradients
against central differences and the closed form, and the loops it must leave alone."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from test_dims import taps  # (the convolution as a loop over its taps)


def shifted_taps(w, x):
    k = w.shape[0]
    n = x.shape[0] - k
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j + 1:j + 1 + n]
    return np.sum(np.sin(out))


def taps_and_more(w, x):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    total = 0.0
    for j in range(k):
        out = out + w[j] * x[j:j + n]
        total = total + np.sum(out) * w[j]
    return np.sum(out ** 2) + total


def closed_form(w, x, y):
    """d/dw_j of mean((tanh(out) - y)^2), out_i = sum_j w_j x_{i+j}."""
    k, n = len(w), len(x) - len(w) + 1
    out = sum(w[j] * x[j:j + n] for j in range(k))
    t = np.tanh(out)
    d = 2.0 / n * (t - y) * (1 - t * t)
    return np.array([d @ x[j:j + n] for j in range(k)])


@pytest.mark.parametrize("k, m", [(1, 6), (3, 8), (5, 5), (15, 200)])
def test_taps_loop_is_one_correlation(rng, k, m) -> None:
    w, x = 0.3 * rng.standard_normal(k), rng.standard_normal(m)
    y = rng.standard_normal(m - k + 1)
    g = s2sad.grad(taps)
    np.testing.assert_allclose(g(w, x, y), closed_form(w, x, y), rtol=1e-10, atol=1e-13)
    assert "np.correlate(" in g.source and "for j in reversed" not in g.source
    if m < 50:
        check_grad(taps, w, x, y, wrt=(0, 1))


def test_a_shifted_window_keeps_its_loop_and_is_right(rng) -> None:
    w, x = rng.standard_normal(3), rng.standard_normal(7)
    check_grad(shifted_taps, w, x, wrt=(0, 1))
    g = s2sad.grad(shifted_taps)
    g(w, x)
    assert "np.correlate(" not in g.source


def test_an_accumulator_read_in_the_loop_keeps_it(rng) -> None:
    w, x = rng.standard_normal(3), rng.standard_normal(6)
    check_grad(taps_and_more, w, x, wrt=(0, 1))


def test_other_dtypes_keep_the_loop(rng) -> None:
    """Only float64 arrays are correlated (np.correlate conjugates a complex second
    argument; a complex signal: tests/test_accumulators.py): float32 keeps the loop."""
    w, x = 0.3 * rng.standard_normal(3), rng.standard_normal(8)
    y = rng.standard_normal(6)
    g = s2sad.grad(taps)
    for other in (x.astype(np.float32),):
        got = g(w, other, y)
        assert "np.correlate(" not in g.source
        eps = 1e-6
        fd = [(taps(w + eps * e, other, y) - taps(w - eps * e, other, y)) / (2 * eps)
              for e in np.eye(3)]
        np.testing.assert_allclose(np.real(got), np.real(fd), rtol=1e-4, atol=1e-6)
