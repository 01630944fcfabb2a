"""compiler/hoist.py: loop-invariant assignments move before their loop; gradients
stay right, including loops that run zero times and nested loops."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp
from s2sad.compiler import pipeline


def damped(x, k, n):
    for _ in range(n):
        x = x - 0.5 * k * x * x
    return x


def nested(x, k, n):
    s = 0.0
    for i in range(n):  # noqa: B007  (the loop index, unused, as users write it)
        c = -k
        for j in range(n):
            s = s + c * np.sin(x + j) - k * 0.25
    return s


def stepper(v, k, dt):
    y = 1.0
    while y > 0.0:
        h = 0.5 * dt
        v = v - h * k * v
        y = y - dt * v
    return v


def test_invariant_leaves_the_loop() -> None:
    text = pipeline.show(nested, "ssa")
    assert text.index("c = -k") < text.index("\n    for i in range")  # computed once


@pytest.mark.parametrize("n", [0, 1, 4])
def test_loops_with_invariants_keep_their_gradients(n: int) -> None:
    check_grad(damped, 0.3, 1.7, n, wrt=(0, 1))
    check_grad(nested, 0.3, 1.7, n, wrt=(0, 1))
    check_jvp(nested, 0.3, 1.7, n, wrt=(0, 1))


def test_while_loop_invariant() -> None:
    check_grad(stepper, 0.8, 0.3, 0.05, wrt=(0, 1, 2))
    assert "mul = 0.5 * dt" not in s2sad.grad(stepper).source.split("while")[1]


def test_array_loop_with_invariant(rng) -> None:
    W = rng.standard_normal((3, 3))
    x = rng.standard_normal(3)

    def f(W, x):
        for _ in range(3):
            x = np.tanh(W @ x + 0.1 * W[0])
        return np.sum(x * x)

    check_grad(f, W, x, wrt=(0, 1))
