"""Rank-1 updates batched after a reversed loop (``batch.py``) share the list of a vector
two of them collect at the same value each step (a GRU gate's adjoint for its input and
its recurrent weights, the input ``x`` for every input weight): appended once a step,
``np.array`` of it made once.  Checked against central differences; updates of different
vectors keep lists of their own."""
from __future__ import annotations

import numpy as np

from gradcheck import check_grad, grad_source

RNG = np.random.default_rng(37)
H, D, T = 4, 3, 5
XS = RNG.standard_normal((T, D))
H0 = 0.1 * RNG.standard_normal(H)


def _w(*shape):
    return 0.4 * RNG.standard_normal(shape)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gru(Wz, Uz, Wh, Uh, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        x = xs[t]
        z = sigmoid(Wz @ x + Uz @ h)
        hc = np.tanh(Wh @ x + Uh @ h)
        h = (1 - z) * h + z * hc
    return np.sum(h ** 2)


def two_inputs(W1, W2, xs, h0):  # x read by two weights, the gate by none twice
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W1 @ xs[t] + h) * np.cos(W2 @ xs[t])
    return np.sum(h)


def rebound(W, V, xs, h0):  # two updates of different vectors: lists of their own
    h = h0
    for t in range(xs.shape[0]):
        a = W @ xs[t] + h
        h = np.tanh(a) + np.sin(V @ np.tanh(a))
    return np.sum(h ** 2)


def test_gru_gates_share_their_lists() -> None:
    args = (_w(H, D), _w(H, H), _w(H, D), _w(H, H), XS, H0)
    check_grad(gru, *args, wrt=(0, 1, 2, 3))
    src = grad_source(gru, *args, wrt=(0, 1, 2, 3))
    assert src.count("x_steps.append(") == 1 and "x_steps_array = np.array(x_steps)" in src
    # one list per vector (each gate's adjoint, h, x), none per weight
    assert src.count("_steps.append(") == 4 and "_rows" not in src and "_cols" not in src


def test_one_input_for_two_weights() -> None:
    args = (_w(H, D), _w(H, D), XS, H0)
    check_grad(two_inputs, *args, wrt=(0, 1))
    src = grad_source(two_inputs, *args, wrt=(0, 1))
    assert "_steps_array" in src


def test_different_vectors_keep_their_lists() -> None:
    args = (_w(H, D), _w(H, H), XS, H0)
    check_grad(rebound, *args, wrt=(0, 1))
    src = grad_source(rebound, *args, wrt=(0, 1))
    assert "dW_rows" in src and "dV_rows" in src and "_steps" not in src
