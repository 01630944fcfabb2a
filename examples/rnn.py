"""A tanh RNN unrolled by a Python for loop: check its gradient, then train it.

The task: read a noisy sine wave one step at a time and predict the next
value.  s2sad differentiates through the loop over time steps (the reverse
sweep walks the steps backwards, popping what the forward sweep kept).

Run from the repository root:  python examples/rnn.py
"""
from __future__ import annotations

import numpy as np

import s2sad


def rnn_loss(Wx, Wh, b, w_out, xs, targets):
    """Mean squared error of the one-step-ahead predictions, xs of shape (T, batch)."""
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    total = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(np.outer(xs[t], Wx) + h @ Wh + b)
        prediction = h @ w_out
        total = total + np.mean((prediction - targets[t]) ** 2)
    return total / xs.shape[0]


def batch(rng: np.random.Generator, steps: int = 20, size: int = 16):
    phase = rng.uniform(0, 2 * np.pi, size)
    t = np.arange(steps + 1)[:, None] * 0.3 + phase
    wave = np.sin(t) + 0.05 * rng.standard_normal(t.shape)
    return wave[:-1], wave[1:]


def main() -> None:
    rng = np.random.default_rng(0)
    hidden = 8
    params = [0.5 * rng.standard_normal(hidden), 0.3 * rng.standard_normal((hidden, hidden)),
              np.zeros(hidden), 0.3 * rng.standard_normal(hidden)]
    xs, targets = batch(rng)
    grad = s2sad.grad(rnn_loss, wrt=(0, 1, 2, 3))

    # 1. The gradient of Wh against central finite differences, entry by entry.
    dWh = grad(*params, xs, targets)[1]
    numeric = np.zeros_like(params[1])
    for i in np.ndindex(numeric.shape):
        step = np.zeros_like(params[1])
        step[i] = 1e-6
        hi = rnn_loss(params[0], params[1] + step, *params[2:], xs, targets)
        lo = rnn_loss(params[0], params[1] - step, *params[2:], xs, targets)
        numeric[i] = (hi - lo) / 2e-6
    err = np.max(np.abs(dWh - numeric))
    print(f"dloss/dWh vs finite differences: max abs difference {err:.1e}")
    if not err < 1e-7:
        raise SystemExit("RNN gradient disagrees with finite differences")

    # 2. A few hundred steps of gradient descent on fresh batches.
    first = rnn_loss(*params, xs, targets)
    for step in range(1, 301):
        xs, targets = batch(rng)
        grads = grad(*params, xs, targets)
        params = [p - 0.2 * g for p, g in zip(params, grads)]
        if step % 50 == 0:
            print(f"step {step:3d}   loss {rnn_loss(*params, xs, targets):.4f}")
    final = rnn_loss(*params, xs, targets)
    print(f"loss went from {first:.4f} to {final:.4f}")
    if not final < 0.25 * first:
        raise SystemExit("RNN training did not reduce the loss")


if __name__ == "__main__":
    main()
