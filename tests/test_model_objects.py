"""Models held in a global or a closure, as users write them: ``net.loss(x, y)``, a
layer object called (``__call__``), ``for layer in self.layers``, ``self.act`` holding a
NumPy function, a helper given the model; and ``for f in (np.sin, np.tanh)``.  All were
refused ("no derivative rule is known" for a method whose source is there).  The
object's methods are inlined with it as ``self``, its attributes read as a global's
are, a loop over its list of layers (or of functions) unrolled.  Checked against
finite differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad


class Layer:
    def __init__(self, w, b, act=np.tanh):
        self.w, self.b, self.act = w, b, act

    def __call__(self, x):
        return self.act(x @ self.w + self.b)


class Net:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def predict(self, x):
        out = self.forward(x).sum(axis=-1)
        if out[0] > 0:  # (both sides at the points below)
            return out * 2.0
        return out

    def loss(self, x, y):
        return np.mean((self.predict(x) - y) ** 2)

    def remember(self, x):
        self.last = x
        return np.sum(x ** 2)


_r = np.random.default_rng(3)
NET = Net([Layer(_r.standard_normal((3, 4)), _r.standard_normal(4)),
           Layer(_r.standard_normal((4, 2)), _r.standard_normal(2), act=np.sin)])
X = _r.standard_normal((5, 3))
Y = _r.standard_normal(5)
FUNCTIONS = (np.sin, np.tanh, np.exp)


def loss_of_global_model(x):
    return NET.loss(x, Y)


def first_layer_called(x):
    return np.sum(NET.layers[0](x) ** 2)


def helper(model, x):
    return model.predict(x)


def helper_given_the_model(x):
    return np.sum(helper(NET, x) ** 3)


def model_in_a_closure():
    model = Net([Layer(_r.standard_normal((3, 2)), np.zeros(2), act=np.cos)])

    def f(x):
        return np.sum(model.forward(x) ** 2)
    return f


def loop_over_functions(x):
    s = 0.0
    for f in FUNCTIONS:
        s = s + np.sum(f(x))
    for g in (np.cos, np.arctan):
        s = s * 0.5 + np.sum(g(x))
    return s


@pytest.mark.parametrize("x", [X, -X])
def test_loss_of_a_global_model(x):
    assert (NET.forward(x).sum(axis=-1)[0] > 0) == (x is X)  # both branches of predict
    check_grad(loss_of_global_model, x)
    check_jvp(loss_of_global_model, x)


def test_a_layer_object_called():
    check_grad(first_layer_called, X)
    check_vjp(first_layer_called, X)


def test_a_helper_given_the_model():
    check_grad(helper_given_the_model, X)
    check_jvp(helper_given_the_model, X)


def test_a_model_in_a_closure():
    f = model_in_a_closure()
    check_grad(f, X)
    check_jvp(f, X)


def test_loops_over_functions():
    check_grad(loop_over_functions, X)
    check_jvp(loop_over_functions, X)


def remembers(x):
    return NET.remember(x)


def test_a_method_changing_its_object_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_model_objects.py:\d+: "):
        s2sad.grad(remembers)(X)


PENALTIES = [np.sin, np.tanh]


def sum_of_penalties(x):
    s = 0.0
    for p in PENALTIES:
        s = s + np.sum(p(x))
    return s


def test_a_sequence_changed_after_the_derivative_is_made_is_made_again():
    d = s2sad.grad(sum_of_penalties)
    check_grad(sum_of_penalties, X)
    PENALTIES.append(np.exp)  # the unrolled loop would leave it out: made again for three
    try:
        np.testing.assert_allclose(d(X), s2sad.grad(sum_of_penalties)(X), rtol=1e-12)
        check_grad(sum_of_penalties, X)
    finally:
        PENALTIES.pop()
    check_grad(sum_of_penalties, X)
    PENALTIES[1], saved = np.cos, PENALTIES[1]  # an item replaced: made again too
    try:
        np.testing.assert_allclose(d(X), numerical_grad(sum_of_penalties, (X,)),
                                   rtol=1e-6, atol=1e-8)
    finally:
        PENALTIES[1] = saved
