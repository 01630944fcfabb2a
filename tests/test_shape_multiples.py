"""Shape classes with multiples (shape_classes.symbolic): an axis 2, 3 or 4 times another of the
same array is that multiple of its symbol, so the gate slices of an LSTM, a GRU and a
gated linear unit have lengths the shape facts prove (no ``unbroadcast`` or
``shape_of`` left); gradients against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm(W, U, b, xs):
    H = U.shape[0]
    h = np.zeros((xs.shape[1], H))
    c = np.zeros((xs.shape[1], H))
    for t in range(xs.shape[0]):
        z = xs[t] @ W + h @ U + b
        i = sigmoid(z[:, :H])
        f = sigmoid(z[:, H:2 * H])
        o = sigmoid(z[:, 2 * H:3 * H])
        g = np.tanh(z[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return np.sum(h ** 2)


def gru(W, U, xs):
    H = U.shape[0]
    h = np.zeros((xs.shape[1], H))
    for t in range(xs.shape[0]):
        a = xs[t] @ W
        r_u = h @ U[:, :2 * H]
        r = sigmoid(a[:, :H] + r_u[:, :H])
        u = sigmoid(a[:, H:2 * H] + r_u[:, H:])
        n = np.tanh(a[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
        h = (1.0 - u) * n + u * h
    return np.sum(h ** 2)


def glu(W, x):
    H = W.shape[0]
    z = x @ W
    return np.sum(z[:, :H] * sigmoid(z[:, H:]))


RNG = np.random.default_rng(34)
CASES = [
    (lstm, (0.3 * RNG.standard_normal((3, 16)), 0.3 * RNG.standard_normal((4, 16)),
            0.1 * RNG.standard_normal(16), RNG.standard_normal((3, 5, 3))), (0, 1, 2)),
    (gru, (0.3 * RNG.standard_normal((3, 15)), 0.3 * RNG.standard_normal((5, 15)),
           RNG.standard_normal((3, 2, 3))), (0, 1)),
    (glu, (RNG.standard_normal((6, 12)), RNG.standard_normal((7, 6))), (0, 1)),
]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_gate_slices_of_a_multiple_axis_have_known_lengths(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    assert "unbroadcast" not in g.source and "shape_of" not in g.source, g.source


def test_lengths_of_other_arrays_that_divide_stay_apart():
    """(3,) and (6,): no relation claimed, so a call with (3,) and (7,) reuses nothing
    wrong; both gradients right."""
    def scaled(a, b):
        return np.sum(a) * np.sum(b ** 2)
    g = s2sad.grad(scaled, wrt=(0, 1))
    for n in (6, 7):
        a, b = RNG.standard_normal(3), RNG.standard_normal(n)
        check_grad(scaled, a, b, wrt=(0, 1))
        ga, gb = g(a, b)
        np.testing.assert_allclose(ga, np.full(3, np.sum(b ** 2)))
        np.testing.assert_allclose(gb, 2 * np.sum(a) * b)


# ----- the gate length as a floor division of the multiple axis: W.shape[0] // 4 -----

def lstm_divided(Wh, Wx, xs):
    """``H = Wh.shape[0] // 4`` of a ``(4H, H)`` matrix: exactly ``H`` (the form ``4*a``
    divided by 4), so the gate slices have known lengths too."""
    H = Wh.shape[0] // 4
    h = np.zeros(H)
    c = np.zeros(H)
    for t in range(xs.shape[0]):
        z = Wh @ h + Wx @ xs[t]
        f = sigmoid(z[:H])
        i = sigmoid(z[H:2 * H])
        o = sigmoid(z[2 * H:3 * H])
        g = np.tanh(z[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return np.sum(h ** 2)


def halves(W, x):
    """``n = W.shape[1] // 2`` of a ``(a, 2a)`` matrix (``x`` of the ``2a`` columns)."""
    n = W.shape[1] // 2
    z = np.sin(x) * W[0, 0]
    return np.sum(z[:n] * np.tanh(z[n:2 * n] + W[:, :n] @ x[:n]))


def not_divisible(W, x):
    """``W.shape[0] // 2`` of an axis no symbol's multiple (7 rows): not known, the
    generic helpers stay, the gradient the same."""
    n = W.shape[0] // 2
    z = W @ x
    return np.sum(z[:n] ** 2) + np.sum(z[n:] * z[0])


def test_floor_divided_lengths_known():
    rng = np.random.default_rng(8)
    args = (0.3 * rng.standard_normal((16, 4)), 0.3 * rng.standard_normal((16, 3)),
            rng.standard_normal((5, 3)))
    check_grad(lstm_divided, *args, wrt=(0, 1))
    g = s2sad.grad(lstm_divided, wrt=(0, 1))
    g(*args)
    assert "unbroadcast" not in g.source and "shape_of" not in g.source, g.source
    check_grad(halves, rng.standard_normal((3, 6)), rng.standard_normal(6), wrt=(0, 1))


@pytest.mark.parametrize("rows", [7, 8])
def test_floor_division_that_does_not_divide(rows):
    rng = np.random.default_rng(rows)
    check_grad(not_divisible, rng.standard_normal((rows, 3)), rng.standard_normal(3),
               wrt=(0, 1))
