"""s2sad quickstart: differentiate two functions and read the generated code.

Run from the repository root:  python examples/quickstart.py
"""
from __future__ import annotations

import math

import numpy as np

import s2sad


def f(x):
    return math.sin(x) * x ** 2


def loss(W, x, b):
    return np.sum(np.tanh(W @ x + b) ** 2)


def finite_difference(func, args, pos, eps=1e-6):
    """Central differences of ``func`` in argument ``pos``, one entry at a time."""
    base = np.array(args[pos], dtype=float)
    grad = np.zeros_like(base)
    for i in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[i] += eps
        minus[i] -= eps
        hi = func(*args[:pos], plus, *args[pos + 1:])
        lo = func(*args[:pos], minus, *args[pos + 1:])
        grad[i] = (hi - lo) / (2 * eps)
    return grad


def main() -> None:
    # A scalar function of a float: the gradient is a float.
    df = s2sad.grad(f)
    x = 1.5
    exact = math.cos(x) * x ** 2 + 2 * x * math.sin(x)
    print(f"f'({x}) = {df(x):.12f}   (by hand: {exact:.12f})")

    # A small neural-network loss: gradients with respect to W and b.
    rng = np.random.default_rng(0)
    W, xs, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    dloss = s2sad.grad(loss, wrt=("W", "b"))
    dW, db = dloss(W, xs, b)
    print("dloss/dW =")
    print(np.array2string(dW, precision=6))
    print("dloss/db =", np.array2string(db, precision=6))

    print("\nThe generated gradient function:\n")
    print(dloss.source)

    err = max(np.max(np.abs(dW - finite_difference(loss, (W, xs, b), 0))),
              np.max(np.abs(db - finite_difference(loss, (W, xs, b), 2))),
              abs(df(x) - float(finite_difference(f, (x,), 0))))
    print(f"max |s2sad - finite differences| = {err:.1e}")
    if not err < 1e-6:
        raise SystemExit("gradients disagree with finite differences")


if __name__ == "__main__":
    main()
