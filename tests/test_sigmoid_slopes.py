"""The logistic sigmoid written ``1.0 / (1.0 + np.exp(-z))`` has the slope
``s * (1.0 - s)`` read from its value (compiler/logistic.py): the adjoint reads neither
the sum nor the exponential, so a loop does not keep them, and an overflowing ``exp``
gives 0, not ``inf * 0``.  ``np.logaddexp``'s adjoint is read from its arguments, not
its value, so a loss that sums it does not compute it in the derivative.  Each against
central differences (or the closed form where ``exp`` overflows); forms that are not a
sigmoid keep their adjoint."""
import numpy as np

import s2sad
from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def logistic_loss(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def gates(Wx, Wh, xs):
    H = Wh.shape[0]
    h = np.zeros((xs.shape[1], H))
    for t in range(xs.shape[0]):
        z = xs[t] @ Wx + h @ Wh
        a = 1.0 / (1.0 + np.exp(-z[:, :H]))
        b = 1.0 / (np.exp(-z[:, H:]) + 1.0)
        h = a * np.tanh(b)
    return np.sum(h ** 2)


def carried(W, x):
    h = x
    for _ in range(3):
        h = 1.0 / (1.0 + np.exp(-(h @ W)))
    return np.sum(h ** 2)


def scaled_sigmoid(z):
    s = 2.0 / (1.0 + np.exp(-z))
    return np.sum(s ** 2)


def shifted_sigmoid(z):
    s = 1.0 / (2.0 + np.exp(-z))
    return np.sum(s ** 2)


def test_sigmoid_slope_from_its_value(rng) -> None:
    X, y = rng.standard_normal((20, 3)), (rng.random(20) > 0.5).astype(float)
    w = rng.standard_normal(3)
    check_grad(logistic_loss, w, X, y)
    Wx, Wh = 0.5 * rng.standard_normal((3, 4)), 0.5 * rng.standard_normal((2, 4))
    xs = rng.standard_normal((3, 5, 3))
    check_grad(gates, Wx, Wh, xs, wrt=(0, 1))
    src = _code(gates, Wx, Wh, xs, wrt=(0, 1))
    assert "* (1.0 - a)" in src and "* (1.0 - b)" in src


def test_sigmoid_carried_by_a_loop(rng) -> None:
    W, x = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(carried, W, x, wrt=(0, 1))
    src = _code(carried, W, x, wrt=(0, 1))
    # (session 45: remade_tape made the sigmoid again from the popped exp, 1.0 + exp;
    # session 47: kept_results pops each step's h instead, which the next step's push
    # of its input already holds: one array a step, nothing made again)
    assert "(1.0 - h_1)" in src and "1.0 + exp" not in src.split("reversed(")[1]


def test_overflowing_exponential_gives_a_zero_slope() -> None:
    z = np.array([-800.0, 0.5, 30.0])
    s = 1.0 / (1.0 + np.exp(-z[1:]))
    with np.errstate(over="ignore"):
        got = s2sad.grad(carried_free)(z)
    assert np.all(np.isfinite(got))
    assert got[0] == 0.0 and np.allclose(got[1:], s * (1 - s))


def carried_free(z):
    return np.sum(1.0 / (1.0 + np.exp(-z)))


def test_other_quotients_keep_their_adjoint(rng) -> None:
    z = rng.standard_normal(6)
    for f in (scaled_sigmoid, shifted_sigmoid):
        check_grad(f, z)
        assert "(1.0 - " not in _code(f, z)


def softplus_loss(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def pair_logaddexp(a, b):
    return np.sum(np.logaddexp(a, b) ** 2) + np.sum(np.logaddexp2(a, 2.0 * b))


def test_logaddexp_adjoint_without_its_value(rng) -> None:
    X, y = rng.standard_normal((20, 3)), (rng.random(20) > 0.5).astype(float)
    w = rng.standard_normal(3)
    check_grad(softplus_loss, w, X, y)
    assert "logaddexp" not in _code(softplus_loss, w, X, y)
    a, b = rng.standard_normal(5), rng.standard_normal(5)
    check_grad(pair_logaddexp, a, b, wrt=(0, 1))
    value, g = s2sad.value_and_grad(pair_logaddexp, wrt=(0, 1))(a, b)
    assert np.isclose(value, pair_logaddexp(a, b))
