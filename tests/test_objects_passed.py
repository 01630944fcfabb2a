"""Objects of the user's classes passed as arguments that are not differentiated:
``loss(w, model)`` calling ``model.loss(w)``, ``model(x)``, a helper given the model.
They were refused ("no derivative rule is known and its source cannot be read") although
the same model held in a global worked.  The methods are inlined from the object's
class (one derivative per class: a new data object each step is not transformed
again); where the code needs the object itself (a function an attribute holds, a loop
over its list of layers), the derivative is made for that object, as for a global
one.  Against central differences."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

import s2sad
from gradcheck import check_hessian, numerical_grad
from s2sad import api


def check_grad(f, w, *objects):
    """The gradient in the first argument against central differences (the objects
    passed are not copied for a comparison, as gradcheck's would be)."""
    np.testing.assert_allclose(s2sad.grad(f)(w, *objects),
                               numerical_grad(f, (w, *objects)), rtol=1e-6, atol=1e-8)

RNG = np.random.default_rng(11)
X = RNG.standard_normal((6, 3))
Y = RNG.standard_normal(6)


class Linear:
    def __init__(self, X, lam=0.1):
        self.X, self.lam = X, lam

    def predict(self, w):
        return self.X @ w

    def loss(self, w):
        r = self.predict(w) - Y
        return r @ r + self.lam * (w @ w)

    def __call__(self, w):
        return np.tanh(self.predict(w))


class Layer:
    def __init__(self, w, act=np.tanh):
        self.w, self.act = w, act

    def __call__(self, x):
        return self.act(x @ self.w)


class Net:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def by_method(w, model):
    return model.loss(w) * 2.0


def by_helper(w, model):
    return scaled_loss(w, model) + 1.0


def scaled_loss(w, m):
    return m.loss(w) * 3.0


def by_call(w, model):
    return np.sum(model(w) ** 2)


def called(w, model):
    return model(w) ** 2


def two_models(w, a, b):
    return a.loss(w) + b.loss(2.0 * w)


def in_a_loop(w, model):
    t = 0.0
    for k in range(3):
        t = t + model.loss(w * (k + 1))
    return t


def keyword_model(w, *, model):
    return model.loss(w)


def net_loss(x, net):
    return np.sum(net.forward(x) ** 2)


W = RNG.standard_normal(3)
M1, M2 = Linear(X), Linear(X[:, ::-1].copy(), 0.5)


@pytest.mark.parametrize("f, models", [(by_method, (M1,)), (by_helper, (M2,)),
                                        (by_call, (M1,)), (two_models, (M1, M2)),
                                        (two_models, (M2, M1)), (in_a_loop, (M2,))])
def test_methods_of_an_object_passed(f, models):
    check_grad(f, W.copy(), *models)


def test_a_model_passed_by_keyword():
    g = s2sad.grad(keyword_model)(W, model=M1)
    expected = 2 * X.T @ (X @ W - Y) + 2 * 0.1 * W  # the closed form
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_other_objects_of_the_class_reuse_the_derivative():
    @dataclass
    class Batch:
        X: np.ndarray
        y: np.ndarray

        def residual(self, w):
            return self.X @ w - self.y

    def batch_loss(w, batch):
        r = batch.residual(w)
        return r @ r

    g = s2sad.grad(batch_loss)
    made = len(api._CACHE)
    for _ in range(4):
        b = Batch(RNG.standard_normal((4, 3)), RNG.standard_normal(4))
        np.testing.assert_allclose(g(W, b), 2 * b.X.T @ (b.X @ W - b.y), rtol=1e-12)
        if _ == 0:
            made = len(api._CACHE)
    assert len(api._CACHE) == made  # (the first batch's derivative serves the others)


def make_net():
    return Net([Layer(RNG.standard_normal((3, 3))), Layer(RNG.standard_normal((3, 2)), np.sin)])


def test_a_net_of_layer_objects_passed():
    net, x = make_net(), RNG.standard_normal(3)
    g = s2sad.grad(net_loss)
    check_grad(net_loss, x, net)
    net.layers[0].w = RNG.standard_normal((3, 3))  # an attribute bound again
    np.testing.assert_allclose(g(x, net), numerical_grad(net_loss, (x, net)), rtol=1e-6)
    net.layers[1].w *= 2.0  # changed in place
    np.testing.assert_allclose(g(x, net), numerical_grad(net_loss, (x, net)), rtol=1e-6)
    net.layers[1].act = np.cos  # the function a layer holds changed
    np.testing.assert_allclose(g(x, net), numerical_grad(net_loss, (x, net)), rtol=1e-6)
    net.layers.append(Layer(RNG.standard_normal((2, 2))))  # one layer more
    np.testing.assert_allclose(g(x, net), numerical_grad(net_loss, (x, net)), rtol=1e-6)
    other = Net([Layer(RNG.standard_normal((3, 2)), np.sin)])
    check_grad(net_loss, x, other)


def test_second_order_and_both_modes_with_an_object_passed():
    check_hessian(lambda w: by_method(w, M1), W.copy())
    H = s2sad.hessian(by_method)(W.copy(), M1)
    np.testing.assert_allclose(H, 2 * (2 * X.T @ X + 2 * 0.1 * np.eye(3)), rtol=1e-12)
    u = RNG.standard_normal(6)
    value, g = s2sad.vjp(called)(W, M2, u)
    np.testing.assert_allclose(value, called(W, M2))
    np.testing.assert_allclose(g, numerical_grad(lambda w: called(w, M2) @ u, (W,)),
                               rtol=1e-6)
    v = RNG.standard_normal(3)
    value, t = s2sad.jvp(by_helper)(W, M1, v)
    np.testing.assert_allclose(t, numerical_grad(by_helper, (W, M1)) @ v, rtol=1e-6)


def test_an_object_holding_a_function_over_its_class_method():
    class Scaled:
        def __init__(self, k):
            self.k = k

        def act(self, x):
            return np.sin(x) * self.k

    plain, shadowed = Scaled(2.0), Scaled(3.0)
    shadowed.act = np.tanh  # what shadowed.act(x) calls: not the class's function

    def f(x, m):
        return np.sum(m.act(x) ** 2)

    x = RNG.standard_normal(4)
    g = s2sad.grad(f)
    np.testing.assert_allclose(g(x, plain), 2 * np.sin(x) * 4.0 * np.cos(x), rtol=1e-12)
    np.testing.assert_allclose(g(x, shadowed), 2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
                               rtol=1e-12)


class Params(NamedTuple):
    w: np.ndarray
    b: float

    def energy(self, X):
        return np.sum(np.tanh(X @ self.w + self.b) ** 2)

    def shifted(self, X):
        return self.energy(X) + self.b ** 2


def energy_of(p):
    return p.energy(X)


def shifted_of(p):
    return p.shifted(X) * 2.0


@pytest.mark.parametrize("loss", [energy_of, shifted_of])
def test_a_method_of_the_named_tuple_differentiated(loss):
    p = Params(RNG.standard_normal(3) * 0.3, 0.2)
    g = s2sad.grad(loss)(p)
    assert isinstance(g, Params)
    eps = 1e-6
    dw = [(loss(Params(p.w + eps * e, p.b)) - loss(Params(p.w - eps * e, p.b))) / (2 * eps)
          for e in np.eye(3)]
    db = (loss(Params(p.w, p.b + eps)) - loss(Params(p.w, p.b - eps))) / (2 * eps)
    np.testing.assert_allclose(g.w, dw, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(g.b, db, rtol=1e-6, atol=1e-9)
