"""compiler/carried.py: a value a loop carries is on the tape once per trip (the state
before the loop once, in front of it; each trip's start read from the top of the tape
in reverse).  Gradients against central finite differences, both where the pass
applies and where it must not (a break, a state bound after its last push)."""
import numpy as np
import pytest

import s2sad
from golden_functions import rnn
from gradcheck import check_grad, check_hessian, check_jvp


def midpoint(x, k, steps):
    dt = 0.1
    for _ in range(steps):
        half = x + 0.5 * dt * np.sin(k * x)
        x = x + dt * np.sin(k * half) * x
    return np.sum(x ** 2)


def stops_early(W, h):
    for _ in range(6):
        h = np.tanh(W @ h)
        if np.sum(h) > 1.5:
            break
    return np.sum(h)


def nested(W, h, n):
    for _ in range(2):
        for _ in range(n):
            h = np.sin(W @ h) * h
    return np.sum(h)


def _pushes_in_loops(source: str) -> int:
    depth, count = None, 0
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("for ") and "reversed" not in stripped:
            depth = len(line) - len(stripped)
        elif depth is not None and len(line) - len(stripped) <= depth:
            depth = None
        if depth is not None and "stack.append(" in stripped:
            count += 1
    return count


@pytest.mark.parametrize("steps", [0, 1, 6])
def test_an_rnn_pushes_its_state_once_per_step(rng, steps) -> None:
    Wh, xs, h0 = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal((steps, 3)), \
        rng.standard_normal(3)
    check_grad(rnn, Wh, xs, h0, wrt=(0, 1, 2))
    g = s2sad.grad(rnn, wrt=(0, 2))
    g(Wh, xs, h0)
    assert _pushes_in_loops(g.source) == 1


@pytest.mark.parametrize("steps", [0, 2, 5])
def test_two_stages_per_step(steps) -> None:
    x = np.array([0.3, -0.7, 1.1])
    check_grad(midpoint, x, 1.3, steps, wrt=(0, 1))
    check_jvp(midpoint, x, 1.3, steps, wrt=(0, 1))


@pytest.mark.parametrize("scale", [0.2, 2.0])  # no break, then a break
def test_a_loop_that_breaks_keeps_both_pushes(rng, scale) -> None:
    W = scale * np.eye(3) + 0.1 * rng.standard_normal((3, 3))
    check_grad(stops_early, W, np.array([0.2, 0.3, 0.1]), wrt=(0, 1))
    g = s2sad.grad(stops_early)
    g(W, np.array([0.2, 0.3, 0.1]))
    assert _pushes_in_loops(g.source) == 2


@pytest.mark.parametrize("n", [0, 3])
def test_nested_loops(rng, n) -> None:
    W = 0.4 * rng.standard_normal((3, 3))
    check_grad(nested, W, rng.standard_normal(3), n, wrt=(0, 1))


def rnn_of_weights(Wh):
    xs = np.array([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]])
    return rnn(Wh, xs, np.array([0.2, -0.1]))


def test_second_order_through_a_shared_tape(rng) -> None:
    check_hessian(rnn_of_weights, 0.5 * rng.standard_normal((2, 2)))


def rnn_with_flag(Wh, xs, h0):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wh @ h + xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h * h)
    return loss + np.sum(h)


@pytest.mark.parametrize("shift", [-1.0, 0.0, 1.0])  # the flag never, sometimes, always set
def test_pushes_after_the_state_keep_it_pushed_twice(rng, shift) -> None:
    Wh, xs = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal((5, 3)) + shift
    check_grad(rnn_with_flag, Wh, xs, rng.standard_normal(3), wrt=(0, 1, 2))
