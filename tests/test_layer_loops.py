"""Loops over a model's layers written with an index, as users of PyTorch write them:
``for i, layer in enumerate(self.layers)`` (the last layer without activation),
``for i in range(len(self.layers)): h = self.layers[i](h)``, and an enumerate of a
tuple of functions.  Were refused naming an internal name ("call of forward_l: no
derivative rule is known"): the loop is unrolled with its index a constant in each copy,
so ``self.layers[i]`` is known.  Checked against finite differences, reverse and
forward mode; a calling name that is not known is refused with advice."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


class Dense:
    def __init__(self, n_in, n_out, seed):
        r = np.random.default_rng(seed)
        self.W = r.standard_normal((n_out, n_in)) * 0.5
        self.b = r.standard_normal(n_out) * 0.1

    def __call__(self, h):
        return h @ self.W.T + self.b


class Model:
    def __init__(self, widths):
        self.layers = [Dense(a, b, k) for k, (a, b) in enumerate(zip(widths, widths[1:]))]

    def enumerated(self, x):
        h = x
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:  # every layer but the last: both sides taken
                h = np.tanh(h)
        return h[:, 0]

    def indexed(self, x):
        h = x
        for i in range(len(self.layers)):
            h = np.sin(self.layers[i](h)) * (i + 1)
        return h.sum(axis=1)

    def scaled_by_index(self, x):
        h = x
        for i, layer in enumerate(self.layers):
            h = layer(h) / (i + 2.0)
        return h[:, 0] * i  # the index after the loop: the last one


MODEL = Model([3, 5, 4, 1])
ACTS = (np.tanh, np.sin, np.exp)
_r = np.random.default_rng(7)
X = _r.standard_normal((6, 3))
Y = _r.standard_normal(6)


def enumerated_loss(x):
    return np.mean((MODEL.enumerated(x) - Y) ** 2)


def indexed_loss(x):
    return np.sum(MODEL.indexed(x) ** 2)


def index_after_loop(x):
    return np.sum(MODEL.scaled_by_index(x) ** 2)


def enumerated_functions(x):
    s = 0.0
    for k, act in enumerate(ACTS):
        s = s + (k + 1.0) * np.sum(act(0.5 * x))
    return s


@pytest.mark.parametrize("f", [enumerated_loss, indexed_loss, index_after_loop,
                               enumerated_functions])
def test_indexed_layer_loops(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_enumerated_layers_closed_form():
    """One layer, no activation: the loss is linear least squares, gradient in closed form."""
    model = Model([3, 1])

    def loss(x):
        return np.sum(model.enumerated(x) ** 2)
    W, b = model.layers[0].W, model.layers[0].b
    expected = 2 * np.outer(X @ W[0] + b[0], W[0])
    assert np.allclose(s2sad.grad(loss)(X), expected, rtol=1e-12)


def test_a_function_chosen_at_run_time_is_refused_with_advice():
    def f(x, k):
        g = np.sin if k > 0 else np.cos
        return np.sum(g(x))
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_layer_loops.py:\d+: call of g: which function"):
        s2sad.grad(f)(X, 1)
