"""Train a 2-layer MLP on two spirals with plain gradient descent and s2sad.grad.

The loss is written once as ordinary NumPy (tanh hidden layer, softmax
cross-entropy); s2sad writes its gradient.  Prints the loss falling epoch by
epoch and the final training accuracy.

Run from the repository root:  python examples/mlp_training.py
"""
from __future__ import annotations

import numpy as np

import s2sad


def two_spirals(n_per_class: int, rng: np.random.Generator):
    """Two interleaved spirals in the plane, labels 0 and 1."""
    t = np.sqrt(rng.uniform(0.05, 1.0, n_per_class)) * 2.5 * np.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (2.5 * np.pi)
    X = np.concatenate([arm, -arm]) + 0.03 * rng.standard_normal((2 * n_per_class, 2))
    y = np.concatenate([np.zeros(n_per_class, int), np.ones(n_per_class, int)])
    return X, y


def logits_of(params, X):
    W1, b1, W2, b2 = params
    hidden = np.tanh(X @ W1 + b1)
    return hidden @ W2 + b2


def loss(params, X, y):
    """Mean softmax cross-entropy, written the numerically stable way."""
    logits = logits_of(params, X)
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(X.shape[0]), y])


def main() -> None:
    rng = np.random.default_rng(0)
    X, y = two_spirals(100, rng)
    hidden = 32
    params = [rng.standard_normal((2, hidden)) * 1.0, np.zeros(hidden),
              rng.standard_normal((hidden, 2)) * 0.1, np.zeros(2)]

    # wrt=0 names the list of parameters: the gradient is a list of the same shapes.
    value_and_grad = s2sad.value_and_grad(loss)
    rate, first = 1.0, None
    for epoch in range(1, 1001):
        value, grads = value_and_grad(params, X, y)
        params = [p - rate * g for p, g in zip(params, grads)]
        first = value if first is None else first
        if epoch == 1 or epoch % 100 == 0:
            print(f"epoch {epoch:5d}   loss {value:.4f}")

    final = loss(params, X, y)
    accuracy = np.mean(np.argmax(logits_of(params, X), axis=1) == y)
    print(f"final loss {final:.4f} (from {first:.4f}), training accuracy {accuracy:.1%}")
    if not (final < 0.5 * first and accuracy > 0.9):
        raise SystemExit("training did not converge")


if __name__ == "__main__":
    main()
