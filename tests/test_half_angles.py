"""``np.sin(y) * np.cos(y)`` taken for that product alone is ``0.5 * np.sin(2.0 * y)``
(``half_angles``): the adjoint of ``sin(y) ** 2`` takes one transcendental call, not
two.  Each against central differences and the closed form; where the sine or cosine
is needed elsewhere too, or the product is not one of ``*`` alone, both calls stay."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def sine_squared(theta):
    return 0.1 * np.sum(np.sin(theta) ** 2)


def cosine_squared_scaled(theta, k):
    return np.sum(k * np.cos(theta) ** 2)


def product_in_forward(theta, w):  # (differentiated in theta: sin and cos apart)
    return np.sum(w * np.sin(theta) * np.cos(theta))


def weights_of_product(w, theta):  # (differentiated in w: the product alone)
    return np.sum(w * np.sin(theta) * np.cos(theta))


def sine_kept(theta):  # (the sine is read twice: no halving)
    s = np.sin(theta)
    return np.sum(s ** 2) + np.sum(s)


def quotient(theta):  # (sin / cos: not a product)
    return np.sum(np.sin(theta) / np.cos(theta))


def _source(f, *args) -> str:
    g = s2sad.grad(f)
    g(*args)
    return g.source


def _grid(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3.0, 3.0, (5, 4))


HALVED = [  # (function, extra arguments, the closed-form gradient)
    (sine_squared, (), lambda t: 0.2 * np.sin(t) * np.cos(t)),
    (cosine_squared_scaled, (0.7,), lambda t: -1.4 * np.sin(t) * np.cos(t)),
    (weights_of_product, (), lambda t: 0.5 * np.sin(2 * t)),
]


@pytest.mark.parametrize("f, extra, closed", HALVED, ids=lambda v: getattr(v, "__name__", ""))
def test_one_call_of_the_double_angle(f, extra, closed) -> None:
    theta = _grid(21)
    args = (np.ones_like(theta), theta) if f is weights_of_product else (theta, *extra)
    g = check_grad(f, *args)
    np.testing.assert_allclose(g, closed(theta), rtol=1e-12, atol=1e-14)
    code = [line for line in _source(f, *args).splitlines()
            if not line.lstrip().startswith("#")]
    assert any("np.sin(2.0 * theta)" in line for line in code)
    assert sum(line.count("np.sin(") + line.count("np.cos(") for line in code) == 1


@pytest.mark.parametrize("f", [sine_kept, quotient, product_in_forward],
                         ids=lambda v: v.__name__)
def test_both_calls_stay(f) -> None:
    theta = _grid(22) * 0.4  # (cos away from 0 for the quotient)
    args = (theta, np.linspace(0.5, 1.5, 4)) if f is product_in_forward else (theta,)
    check_grad(f, *args)
    assert "2.0 * theta" not in _source(f, *args)
