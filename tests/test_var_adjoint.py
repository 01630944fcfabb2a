"""``np.var``'s adjoint takes ``2 / (n - ddof)`` into the spread adjoint first (one pass
over the centred values): layer norm's ``keepdims=True``, a reduction over axis 0 with
``ddof=1``, and a complex array's variance over everything, each against central
differences."""
from __future__ import annotations

import numpy as np

import s2sad
from gradcheck import check_grad


def layer_norm(h, gamma):
    mu = np.mean(h, axis=1, keepdims=True)
    var = np.var(h, axis=1, keepdims=True)
    return np.sum(np.tanh(gamma * (h - mu) / np.sqrt(var + 1e-5)))


def column_spread(x):
    return np.sum(np.log(np.var(x, axis=0, ddof=1)) * np.arange(1.0, 4.0))


def complex_spread(re, im):
    return np.var(re + 1j * im) * 2.0


def test_layer_norm() -> None:
    r = np.random.default_rng(41)
    h, gamma = r.standard_normal((5, 6)), 1.0 + 0.1 * r.standard_normal(6)
    check_grad(layer_norm, h, gamma, wrt=(0, 1))
    g = s2sad.grad(layer_norm)
    g(h, gamma)
    assert "(2 / " in g.source


def test_columns_with_ddof() -> None:
    check_grad(column_spread, np.random.default_rng(42).standard_normal((7, 3)))


def test_complex_values() -> None:
    r = np.random.default_rng(43)
    re, im = r.standard_normal(8), r.standard_normal(8)
    g = check_grad(complex_spread, re, im, wrt=(0, 1))
    n = re.size  # (the variance of z is that of its real part plus that of its imaginary)
    np.testing.assert_allclose(g[0], 4.0 * (re - re.mean()) / n, rtol=1e-12)
    np.testing.assert_allclose(g[1], 4.0 * (im - im.mean()) / n, rtol=1e-12)
