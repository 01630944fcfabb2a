"""Shapes of a stack of matrices times one matrix (``X @ W`` of a batch of sequences and
a weight matrix, the projections of attention and of a per-token MLP) and of one matrix
times a stack (:func:`s2sad.compiler.shape_rules.matmul`): known, so the adjoints need no
``unbroadcast``; stacks whose batch axes broadcast (not one shape) stay unknown and are
summed.  Gradients against central differences in float64."""
from __future__ import annotations

import gast
import numpy as np
import pytest

from gradcheck import check_grad, grad_code
from s2sad.compiler import dims


def projected(W, X, Y):
    """A batch of sequences projected by one matrix, squared error."""
    return np.mean((X @ W - Y) ** 2)


def mixed(W, X):
    """One matrix times a stack of matrices, then a nonlinearity."""
    return np.sum(np.tanh(W @ X) * X[:, :1, :])


def two_layers(W1, W2, X):
    """Two projections of a batch with a ReLU between (a per-token MLP)."""
    H = np.maximum(X @ W1, 0.0)
    return np.sum((H @ W2) ** 2)


def broadcast_batch(A, Z):
    """A stack of one matrix times a stack of many: the batch axes broadcast."""
    return np.sum(np.sin(A @ Z))


def _shapes(src: str, params: dict) -> dict:
    node = gast.parse(src).body[0]
    return dims.Facts(node.body, params, set(), {"np": np}).shapes


def test_shapes_of_stacked_products():
    shapes = _shapes("def f(X, W, V, Z):\n    a = X @ W\n    b = W @ X\n    c = V @ Z\n",
                     {"X": ("b", "t", "d"), "W": ("d", "d"), "V": (1, "t", "d"),
                      "Z": ("b", "d", "e")})
    assert shapes["a"] == ("b", "t", "d")
    assert shapes["b"] == ("b", "d", "d")
    assert shapes.get("c") is None  # (batch axes 1 and b: broadcast, not one shape)


@pytest.mark.parametrize("B,T,D,E", [(2, 3, 4, 2), (1, 1, 3, 3), (3, 2, 1, 4)])
def test_projected(B, T, D, E):
    r = np.random.default_rng(B * T + D)
    W, X, Y = r.standard_normal((D, E)), r.standard_normal((B, T, D)), \
        r.standard_normal((B, T, E))
    check_grad(projected, W, X, Y, wrt=(0, 1, 2))
    assert "unbroadcast" not in grad_code(projected, W, X, Y, wrt=(0, 1))


@pytest.mark.parametrize("B,M,N,K", [(2, 3, 4, 2), (1, 2, 2, 1), (4, 1, 3, 3)])
def test_mixed(B, M, N, K):
    r = np.random.default_rng(B + M * N)
    W, X = 0.5 * r.standard_normal((M, N)), r.standard_normal((B, N, K))
    check_grad(mixed, W, X, wrt=(0, 1))  # (``X[:, :1, :]`` broadcast over the rows)


@pytest.mark.parametrize("B,T,D,H", [(2, 3, 4, 5), (1, 2, 1, 1), (3, 1, 2, 3)])
def test_two_layers(B, T, D, H):
    r = np.random.default_rng(B + 10 * D)
    W1, W2, X = r.standard_normal((D, H)), r.standard_normal((H, D)), \
        r.standard_normal((B, T, D))
    check_grad(two_layers, W1, W2, X, wrt=(0, 1, 2))


@pytest.mark.parametrize("B", [1, 2, 4])
def test_broadcast_batch(B):
    """``A`` of batch length 1 against ``Z`` of B: ``A``'s adjoint summed over the
    batch."""
    r = np.random.default_rng(B)
    A, Z = r.standard_normal((1, 3, 2)), r.standard_normal((B, 2, 4))
    check_grad(broadcast_batch, A, Z, wrt=(0, 1))
