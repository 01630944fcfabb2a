"""Lambdas written into a display inside a loop or a branch (``fns = [lambda t: ...,
np.cos]`` made again each round): each bound to a name of its own where the display is
(``display_lambdas``), so the display of functions is read in place as at the top
(was refused "lambda held in a list").  Checked against central differences."""
from __future__ import annotations

# ruff: noqa: B007, B023 (loop variables read late, by lambdas: the point)
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp


def rounds_of_a_list(x):
    c = 0.0
    for step in range(2):
        fns = [lambda t: t * 0.5 + t ** 2, np.cos, lambda t: np.exp(-t * t)]
        y = x * 1.0
        for g in fns:
            y = y + g(y) * 0.25
        c = c * 0.5 + np.sum(np.tanh(y))
    return c


def lambda_reads_the_counter(x):
    c = 0.0
    for k in range(3):
        fns = {"a": lambda t: t * (k + 1), "b": np.tanh}
        c = c + np.sum(fns["a"](x) * fns["b"](x))
    return c


def chosen_by_a_branch(x):
    if x[0] > 0:
        fs = [lambda t: t * 2, np.sin]
    else:
        fs = [np.cos, lambda t: t ** 3]
    c = 0.0
    for g in fs:
        c = c + np.sum(g(x))
    return c


def tuple_in_a_while(x):
    c, i = 0.0, 0
    while i < 3:
        fs = (lambda t: t * (i + 1), np.exp)
        c = c + np.sum(fs[0](x)) + np.sum(fs[1](x) * 0.1)
        i += 1
    return c


@pytest.mark.parametrize("f", [rounds_of_a_list, lambda_reads_the_counter,
                               chosen_by_a_branch, tuple_in_a_while])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_lambdas_of_a_nested_display(f, sign):
    x = sign * np.linspace(0.1, 0.6, 4)
    check_grad(f, x)
    check_jvp(f, x)


def test_counter_read_when_called():
    x = np.linspace(0.1, 0.6, 4)
    # d/dx sum_k (k+1) x tanh(x) = 6 (tanh x + x sech^2 x)
    from s2sad import grad
    np.testing.assert_allclose(grad(lambda_reads_the_counter)(x),
                               6 * (np.tanh(x) + x / np.cosh(x) ** 2))
