"""An object of the user's class with ``__call__`` differentiated as JAX and autograd
take it: its bound ``__call__`` (the object's attributes constants, its other methods
inlined)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, numerical_grad


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def act(self, h):
        return np.tanh(h)

    def __call__(self, x):
        return np.sum(self.act(self.W @ x + self.b) ** 2)


class Scaled:
    scale = 3.0

    def __call__(self, x, p=2):
        if np.sum(x) > 0:
            return self.scale * np.sum(x ** p)
        return -np.sum(np.sin(x))


class Pair:
    def __init__(self, k):
        self.k = k

    def __call__(self, x, y):
        return self.k * np.sum(x * np.exp(y))


RNG = np.random.default_rng(7)
MODEL = Affine(RNG.normal(size=(3, 4)), RNG.normal(size=3))


@pytest.mark.parametrize("x", [RNG.normal(size=4), np.linspace(-1, 1, 4)])
def test_model_call(x):
    check_grad(MODEL, x)


@pytest.mark.parametrize("x", [np.array([0.5, 0.2, 0.1]), np.array([-0.5, 0.2, -0.1])])
def test_both_branches_and_keyword(x):
    obj = Scaled()
    g = s2sad.grad(obj)(x, p=3)
    assert np.allclose(g, numerical_grad(lambda v: obj(v, p=3), [x]), atol=1e-7)


def test_wrt_second_and_value():
    obj, x, y = Pair(1.5), np.array([0.3, -0.4]), np.array([0.2, 0.1])
    value, g = s2sad.value_and_grad(obj, wrt=1)(x, y)
    assert np.isclose(value, obj(x, y))
    assert np.allclose(g, 1.5 * x * np.exp(y))  # closed form


def test_jacobian_hessian_jvp():
    x = np.array([0.3, -0.2, 0.5, 0.1])
    check_hessian(MODEL, x)
    value, tangent = s2sad.jvp(MODEL)(x, np.ones(4))
    assert np.isclose(value, MODEL(x))
    assert np.isclose(tangent, np.sum(numerical_grad(MODEL, [x])), atol=1e-7)
    jac = s2sad.jacobian(MODEL)(x)
    assert np.allclose(jac, numerical_grad(MODEL, [x]), atol=1e-7)
