"""An RNN run for 5,000 steps: its gradient with and without checkpointing.

Reverse mode keeps what the backward sweep needs, so the memory of a plain loop's
gradient grows with the number of steps (one hidden state per step). Marking the
loop ``for t in s2sad.checkpoint(range(T)):`` keeps a snapshot every ceil(sqrt(T))
steps and recomputes the rest segment by segment; ``snapshots=10`` keeps at most
ten (the binomial schedule), recomputing more. The function runs unchanged; the
gradients agree to rounding.

Run from the repository root:  python examples/checkpointed_rnn.py
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # 32 x 128 products: one thread is fastest

import time
import tracemalloc

import numpy as np

import s2sad


def loss_plain(Wh, Wx, xs, h0):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ Wh + xs[t] @ Wx)
        loss = loss + np.sum(h * h)
    return loss


def loss_uniform(Wh, Wx, xs, h0):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(xs.shape[0])):
        h = np.tanh(h @ Wh + xs[t] @ Wx)
        loss = loss + np.sum(h * h)
    return loss


def loss_binomial(Wh, Wx, xs, h0):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(xs.shape[0]), snapshots=10):
        h = np.tanh(h @ Wh + xs[t] @ Wx)
        loss = loss + np.sum(h * h)
    return loss


def measured(grad, args):
    grad(*args)  # the first call generates the code
    tracemalloc.start()
    start = time.perf_counter()
    out = grad(*args)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, peak / 2 ** 20, seconds


def main():
    T, batch, hidden, inputs = 5000, 32, 128, 16
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(hidden, hidden)) / np.sqrt(hidden),
            rng.normal(size=(inputs, hidden)) / np.sqrt(inputs),
            rng.normal(size=(T, batch, inputs)), np.zeros((batch, hidden)))
    assert loss_uniform(*args) == loss_plain(*args)  # the marker changes nothing here
    results = {}
    for name, f in (("store all", loss_plain), ("uniform", loss_uniform),
                    ("binomial, 10 snapshots", loss_binomial)):
        results[name] = measured(s2sad.grad(f, wrt=(0, 1)), args)
        _, mib, sec = results[name]
        print(f"{name:>24}: peak {mib:7.2f} MiB, {sec:5.2f} s")
    base = results["store all"][0]
    gap = max(np.max(np.abs(a - b)) / np.max(np.abs(b)) for grads, _, _ in results.values()
              for a, b in zip(grads, base))
    print(f"max |checkpointed - store all| / max |store all| over dWh, dWx: {gap:.1e}")
    print(f"memory saved by uniform segments: "
          f"{results['store all'][1] / results['uniform'][1]:.0f}x")
    if gap > 1e-12:
        raise SystemExit("checkpointed gradients differ from the store-all gradient")


if __name__ == "__main__":
    main()
