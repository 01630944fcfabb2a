"""The ``remade`` pass's second step (:mod:`s2sad.compiler.kept_results`): where the reverse
sweep reads a popped ``e = np.exp(-a)`` only to make ``s = 1.0 / (1.0 + e)`` again, the
tape keeps ``s`` instead (LSTM and GRU gates, a logistic in a loop), and the cases where
it must not: ``e`` read by an adjoint too, ``s`` written into after the push, a made
value larger than the popped one (broadcasting), gates chosen by a data-dependent
branch (either way).  Gradients against central differences in float64."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, grad_code


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def lstm_cell(W, xs, n_hidden):
    """Three logistic gates and a tanh sliced from one product a step."""
    h = np.zeros((xs.shape[1], n_hidden))
    c = np.zeros((xs.shape[1], n_hidden))
    H = n_hidden
    for t in range(xs.shape[0]):
        z = np.concatenate([xs[t], h], axis=1) @ W
        i = _sigmoid(z[:, :H])
        f = _sigmoid(z[:, H:2 * H])
        o = _sigmoid(z[:, 2 * H:3 * H])
        g = np.tanh(z[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return np.sum(h * h) + 0.1 * np.sum(c)


def gru_cell(Wz, Wh, xs):
    """``(1 - z) * h + z * hc``: ``1 - z`` made again from the kept ``z``."""
    h = np.zeros((xs.shape[1], Wz.shape[1]))
    for t in range(xs.shape[0]):
        xh = np.concatenate([xs[t], h], axis=1)
        z = _sigmoid(xh @ Wz)
        hc = np.tanh(xh @ Wh)
        h = (1 - z) * h + z * hc
    return np.sum(h ** 3)


def logistic_steps(w, x, n_iter):
    """A logistic of a vector written out, squared, a step."""
    total = 0.0
    for _ in range(n_iter):
        a = w * x
        s = 1.0 / (1.0 + np.exp(-a))
        total = total + np.sum(s * s)
        w = w + 0.3 * s
    return total


def exp_read_too(w, x, n_iter):
    """``e`` is read by an adjoint as well (``s * e``): it stays on the tape."""
    total = 0.0
    for _ in range(n_iter):
        e = np.exp(-(w * x))
        s = 1.0 / (1.0 + e)
        total = total + np.sum(s * e)
        w = w + 0.3 * s
    return total


def written_after(w, x, n_iter):
    """``s`` written into after it is made: the value the reverse sweep needs is the one
    made before the write."""
    total = 0.0
    for _ in range(n_iter):
        e = np.exp(-(w * x))
        s = 1.0 / (1.0 + e)
        total = total + np.sum(s * s * x)
        s[0] = 2.0
        w = w + 0.3 * s
    return total


def broadcast_gate(a, b, n_iter):
    """``1.0 + e * b`` of a column and a row: a matrix made of two vectors (larger than
    what it is made of)."""
    total = 0.0
    for _ in range(n_iter):
        e = np.exp(-a)[:, None]
        s = 1.0 / (1.0 + e * b)
        total = total + np.sum(s * s)
        a = a + 0.1 * np.sum(s, axis=1)
    return total


def branch_gate(W, xs):
    """A logistic gate on steps whose input sums positive, a tanh on the others."""
    h = np.zeros((xs.shape[1], W.shape[1]))
    for t in range(xs.shape[0]):
        a = np.concatenate([xs[t], h], axis=1) @ W
        if np.sum(xs[t]) > 0:
            s = 1.0 / (1.0 + np.exp(-a))
        else:
            s = np.tanh(a)
        h = 0.5 * h + s * s
    return np.sum(h)


def _rng(seed):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("T,B,D,H", [(3, 2, 2, 3), (1, 1, 3, 2), (4, 3, 1, 2)])
def test_lstm_keeps_the_gates(T, B, D, H):
    r = _rng(T + 10 * H)
    W = 0.5 * r.standard_normal((D + H, 4 * H))
    xs = r.standard_normal((T, B, D))
    check_grad(lstm_cell, W, xs, H)
    code = grad_code(lstm_cell, W, xs, H)
    if T > 1:
        assert "1.0 + exp" not in code.split("reversed(")[1]  # (the gates popped)


@pytest.mark.parametrize("T,B,D,H", [(3, 2, 2, 3), (2, 1, 1, 1), (5, 3, 2, 2)])
def test_gru_keeps_the_update_gate(T, B, D, H):
    r = _rng(T + 7 * H)
    Wz, Wh = 0.5 * r.standard_normal((2, D + H, H))
    xs = r.standard_normal((T, B, D))
    check_grad(gru_cell, Wz, Wh, xs, wrt=(0, 1, 2))
    code = grad_code(gru_cell, Wz, Wh, xs)
    if B * H > 1:  # (a 1 x 1 state's gates are numbers, kept beside the tape)
        assert "1.0 + exp" not in code.split("reversed(")[1]


@pytest.mark.parametrize("n,n_iter", [(5, 3), (1, 2), (8, 4)])
def test_logistic_steps(n, n_iter):
    r = _rng(n)
    w, x = r.standard_normal(n), r.standard_normal(n)
    check_grad(logistic_steps, w, x, n_iter, wrt=(0, 1))
    code = grad_code(logistic_steps, w, x, n_iter)
    assert "1.0 + " not in code.split("reversed(")[1]


@pytest.mark.parametrize("f", [exp_read_too, written_after])
@pytest.mark.parametrize("n", [2, 4, 7])
def test_left_on_the_tape(f, n):
    r = _rng(n)
    w, x = r.standard_normal(n), r.standard_normal(n)
    check_grad(f, w, x, 3, wrt=(0, 1))


@pytest.mark.parametrize("m,n", [(3, 4), (1, 5), (4, 1)])
def test_broadcast_gate(m, n):
    r = _rng(m * n)
    check_grad(broadcast_gate, r.standard_normal(m), r.uniform(0.5, 2.0, n), 3,
               wrt=(0, 1))


@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_branch_gate(sign):
    """Every step positive, every step negative, and alternating."""
    r = _rng(5)
    W = 0.5 * r.standard_normal((5, 3))
    xs = np.abs(r.standard_normal((4, 2, 2))) + 0.1
    xs = xs * (sign if sign else np.array([1.0, -1.0, 1.0, -1.0])[:, None, None])
    check_grad(branch_gate, W, xs, wrt=(0, 1))
