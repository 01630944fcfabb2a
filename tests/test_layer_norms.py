"""Normalisation layers: the adjoint of ``np.var(h, axis=1, keepdims=True)`` spreads its
adjoint over the reduced axis and scales it, ``repeat_to(dv, h, 1, True) * 2 * (h -
mean)``; a number times the spread, times an array of ``h``'s shape, broadcasts the
adjoint itself (compiler/algebra.py, ``scaled_spread``): no spread array is made.  Each
against central differences."""
import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def layer_norm(h, gamma):
    mu = np.mean(h, axis=1, keepdims=True)
    var = np.var(h, axis=1, keepdims=True)
    return np.sum(np.tanh(gamma * (h - mu) / np.sqrt(var + 1e-5)) ** 2)


def column_scale(x):
    s = np.std(x, axis=0, keepdims=True)
    return np.sum(np.sin(x / (s + 0.1)))


def row_variance(x):
    v = np.var(x, axis=1)
    return np.sum(np.log(1.0 + v) * np.cos(x[:, 0]))


def test_variance_adjoint_broadcasts_itself(rng) -> None:
    h, gamma = rng.standard_normal((5, 4)), rng.standard_normal(4)
    check_grad(layer_norm, h, gamma, wrt=(0, 1))
    assert "repeat_to" not in _code(layer_norm, h, gamma, wrt=(0, 1))


def test_standard_deviation_along_the_columns(rng) -> None:
    x = rng.standard_normal((6, 3))
    check_grad(column_scale, x)
    assert "repeat_to" not in _code(column_scale, x)


def test_variance_without_kept_axes(rng) -> None:
    check_grad(row_variance, rng.standard_normal((4, 5)))
