"""Parameters held in a dataclass, as JAX users hold their parameter pytrees:
``grad(loss)(params, X, y)`` gives a ``Params`` of gradients.  Was refused ("the
attribute .b of a Params: its derivative is known for the fields of named tuples
only").  Each dataclass is passed to the derivative as a named tuple of its fields
(s2sad/dataclass_args.py).  Against central differences and closed forms; grad,
value_and_grad, vjp, jvp; methods and isinstance as on the dataclass; a frozen one; the
argument left as it was."""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pytest

import s2sad


@dataclass
class Params:
    W: np.ndarray
    b: float

    def predict(self, X):
        return X @ self.W + self.b


@dataclass(frozen=True)
class Scaled:
    W: np.ndarray
    scale: float = 2.0


def mse(p, X, y):
    return np.mean((X @ p.W + p.b - y) ** 2)


def mse_by_method(p, X, y):
    if isinstance(p, Params):  # (the record stands for a Params: this side)
        return np.mean((p.predict(X) - y) ** 2)
    return 0.0


def scaled_energy(p, X):
    return np.sum((X @ p.W) ** 2) * p.scale


_r = np.random.default_rng(0)
X = _r.normal(size=(5, 3))
Y = _r.normal(size=5)
P = Params(_r.normal(size=3), 0.5)


def _differences(f, p, name, *args, eps=1e-6):
    v = np.asarray(getattr(p, name), dtype=float)
    g = np.zeros_like(v)
    for i in np.ndindex(v.shape):
        for s in (1, -1):
            w = v.copy()
            w[i] += s * eps
            q = copy.copy(p)
            object.__setattr__(q, name, w if w.shape else float(w))
            g[i] += s * f(q, *args) / (2 * eps)
    return g


@pytest.mark.parametrize("f", [mse, mse_by_method])
def test_gradient_is_a_dataclass_of_gradients(f):
    p = copy.deepcopy(P)
    g = s2sad.grad(f)(p, X, Y)
    assert type(g) is Params
    np.testing.assert_allclose(g.W, _differences(f, P, "W", X, Y), rtol=1e-6, atol=1e-8)
    assert g.b == pytest.approx(float(_differences(f, P, "b", X, Y)), rel=1e-6)
    r = X @ P.W + P.b - Y  # closed form: 2/n X^T r and 2/n sum r
    np.testing.assert_allclose(g.W, 2 / 5 * X.T @ r, rtol=1e-12)
    assert g.b == pytest.approx(2 / 5 * np.sum(r), rel=1e-12)
    assert type(p) is Params and np.array_equal(p.W, P.W) and p.b == P.b


def test_value_and_grad_vjp_and_jvp():
    value, g = s2sad.value_and_grad(mse)(P, X, Y)
    assert value == pytest.approx(mse(P, X, Y)) and type(g) is Params
    value, (gv,) = s2sad.vjp(mse, wrt=(0,))(P, X, Y, 2.0)
    np.testing.assert_allclose(gv.W, 2 * g.W)
    _, tangent = s2sad.jvp(mse)(P, X, Y, Params(np.ones(3), 1.0))
    assert tangent == pytest.approx(np.sum(g.W) + g.b, rel=1e-10)


def test_a_frozen_dataclass_with_a_default():
    p = Scaled(_r.normal(size=3))
    g = s2sad.grad(scaled_energy)(p, X)
    assert type(g) is Scaled
    np.testing.assert_allclose(g.W, _differences(scaled_energy, p, "W", X), rtol=1e-6)
    assert g.scale == pytest.approx(np.sum((X @ p.W) ** 2), rel=1e-12)


def test_a_jacobian_of_a_dataclass_is_refused_clearly():
    with pytest.raises(s2sad.DifferentiationError, match="argument 0 is a Params without "
                       "one shape"):
        s2sad.hessian(mse)(P, X, Y)
