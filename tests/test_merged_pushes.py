"""A loop trip's pushes of numbers merged into one (compiler/popped_calls.py): a scalar
loop (an epidemic, a recursion) pushed three tuples a trip and popped three; now one,
a name bound again before the last push pushed by a copy made where it was pushed.
Gradients (and a Hessian) against central differences, both branches of an ``if``; a
trip pushing an array keeps its pushes apart (``tape_rows`` stacks arrays' rows)."""
import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian


def epidemic(log_beta, log_gamma, cases):
    gamma = np.exp(log_gamma)
    S, I, nll = 990.0, 10.0, 0.0
    for t in range(cases.shape[0]):
        new = np.exp(log_beta[t // 3]) * S * I / 1000.0
        S = S - new
        I = I + new - gamma * I
        nll = nll + new - cases[t] * np.log(new)
    return nll


def clipped_recursion(a, x):
    h, total = 0.5, 0.0
    for t in range(x.shape[0]):
        z = a * h + x[t]
        if z > 1.0:
            h = 1.0 + 0.1 * (z - 1.0) ** 2
        else:
            h = z * h
        total = total + h * z
    return total


def rows_and_numbers(w, X):
    s, total = 1.0, 0.0
    for t in range(X.shape[0]):
        v = np.tanh(X[t] * w * s)
        s = s * 0.9 + 0.1 * np.sum(v)
        total = total + s * np.sum(v * v)
    return total


def _pushes(g) -> int:
    return sum(line.count("stack.append(") for line in g.source.splitlines()
               if not line.lstrip().startswith("#"))


def test_epidemic_pushes_once_a_trip(rng) -> None:
    log_beta, cases = np.log(0.3 + 0.1 * rng.random(4)), np.round(5 + 5 * rng.random(12))
    check_grad(epidemic, log_beta, -1.5, cases, wrt=(0, 1))
    check_hessian(lambda v: epidemic(v[:4], v[4], cases), np.append(log_beta, -1.5))
    g = s2sad.grad(epidemic, wrt=(0, 1))
    g(log_beta, -1.5, cases)
    assert _pushes(g) == 1 and re.search(r"S\w*_taped = S", g.source), g.source


@pytest.mark.parametrize("a", [0.4, 1.7])  # (1.7: some trips over 1.0, some not)
def test_recursion_with_a_branch(rng, a) -> None:
    x = 0.6 * rng.standard_normal(9)
    check_grad(clipped_recursion, a, x, wrt=(0, 1))


def test_a_trip_pushing_an_array_keeps_its_pushes(rng) -> None:
    w, X = rng.standard_normal(3), rng.standard_normal((5, 3))
    check_grad(rows_and_numbers, w, X, wrt=(0, 1))
    g = s2sad.grad(rows_and_numbers, wrt=(0, 1))
    g(w, X)
    assert "_taped" not in g.source
