"""A list of records an object's ``__init__`` stores (``self.layers = [Linear(..) ...]``),
looped over in a method or in the function (compiler/field_lists.py), and attributes
stored together (``self.Wx, self.Wh = Wx, Wh``): were refused ("which function this
name holds is not known").  Checked against central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

RNG = np.random.default_rng(7)
PARAMS = [RNG.standard_normal((3, 4)), RNG.standard_normal(4), RNG.standard_normal((4, 2)),
          RNG.standard_normal(2)]
X = RNG.standard_normal((5, 3))


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return x @ self.W + self.b


class MLP:
    def __init__(self, params):
        self.layers = [Linear(params[i], params[i + 1]) for i in range(0, len(params), 2)]

    def __call__(self, x):
        for layer in self.layers[:-1]:
            x = np.tanh(layer(x))
        return self.layers[-1](x)


class Indexed:
    def __init__(self, W1, b1, W2, b2):
        self.layers = [Linear(W1, b1), Linear(W2, b2)]
        self.scale = 2.0

    def forward(self, x):
        for i in range(len(self.layers)):
            x = self.layers[i](x)
            if i == 0:
                x = np.maximum(x, 0.0) * self.scale
        return x


class Enumerated:
    def __init__(self, params):
        self.layers = [Linear(params[i], params[i + 1]) for i in range(0, len(params), 2)]

    def __call__(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = np.sin(x)
        return x


def mlp_called(params, x):
    return np.sum(MLP(params)(x) ** 2)


def layers_by_index(params, x):
    net = Indexed(params[0], params[1], params[2], params[3])
    return np.sum(net.forward(x) ** 2)


def layers_enumerated(params, x):
    return np.mean(Enumerated(params)(x) ** 2)


def layers_looped_outside(params, x):
    net = MLP(params)
    for layer in net.layers:
        x = np.cos(layer(x))
    return np.sum(x)


@pytest.mark.parametrize("f", [mlp_called, layers_by_index, layers_enumerated,
                               layers_looped_outside])
def test_a_list_of_layers_stored_by_init(f):
    check_grad(f, PARAMS, X)
    check_grad(f, PARAMS, X, wrt=1)


def test_forward_mode():
    check_jvp(mlp_called, PARAMS, X)


class Cell:
    def __init__(self, Wx, Wh):
        self.Wx, self.Wh = Wx, Wh

    def step(self, h, x):
        return np.tanh(x @ self.Wx + h @ self.Wh)


def rnn(Wh, Wx, xs):
    cell = Cell(Wx, Wh)
    h = np.zeros(Wh.shape[0])
    for t in range(xs.shape[0]):
        h = cell.step(h, xs[t])
    return np.sum(h ** 2)


@pytest.mark.parametrize("wrt", [0, 1])
def test_attributes_stored_together(wrt):
    Wh, Wx, xs = 0.5 * RNG.standard_normal((4, 4)), RNG.standard_normal((3, 4)), \
        RNG.standard_normal((5, 3))
    check_grad(rnn, Wh, Wx, xs, wrt=wrt)


def test_attributes_stored_together_second_order():
    Wx, xs = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 3))
    check_hessian(lambda Wh: rnn(Wh, Wx, xs), 0.5 * RNG.standard_normal((2, 2)))


class Growing:
    def __init__(self, W, b):
        self.layers = [Linear(W, b)]

    def add(self, W, b):
        self.layers.append(Linear(W, b))

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def grown(params, x):
    return np.sum(Growing(params[0], params[1])(x) ** 2)


class Swapped:
    def __init__(self, a, b):
        self.a, self.b = a, b
        self.a, self.b = self.b, self.a

    def value(self):
        return np.sum(self.a * 2 + self.b)


def swapped(x):
    return Swapped(x, 2 * x).value()


@pytest.mark.parametrize("f, args", [(grown, (PARAMS, X)), (swapped, (X,))])
def test_lists_a_method_changes_and_swaps_stay_refused(f, args):
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(f)(*args)
