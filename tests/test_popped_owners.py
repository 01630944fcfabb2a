"""An array written by item in a time loop's trip and taped with other values
(``face, s = stack.pop()`` in the reversed trip) is owned again by one copy of the
popped item a reversed trip (compiler/popped_owners.py): the forward writes are made
in place, not by a copy of the whole array each (O(n^2) a step).  Gradients against
central differences, both branches of the ifs; an array another name
still reads keeps its copying writes."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp


def limited_steps(u, c):
    n = u.shape[0]
    for _ in range(3):
        s = np.zeros(n)
        for i in range(1, n - 1):
            a = u[i] - u[i - 1]
            b = u[i + 1] - u[i]
            if a * b > 0.0:
                s[i] = a if abs(a) < abs(b) else b
        face = u + 0.5 * (1.0 - c) * s
        u = u - c * (face - np.roll(face, 1))
    return np.sum(u ** 2)


def gated_steps(u, c):
    n = u.shape[0]
    for _ in range(2):
        s = np.zeros(n)
        for i in range(n):
            if u[i] > 0.0:
                s[i] = np.sin(u[i])
        u = u * (1.0 + c * s)
    return np.sum(u)


def kept_alias(u, c):
    n = u.shape[0]
    for _ in range(2):
        s = np.zeros(n)
        before = s  # (the same array: it sees the writes)
        for i in range(n):
            if u[i] > 0.0:
                s[i] = u[i] * c
        u = u + c * s * before
    return np.sum(u ** 2)


def _code(g) -> str:
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("shift", [0.0, 2.0])
def test_limited_slopes_written_in_place(rng, shift) -> None:
    u = np.sin(np.linspace(0.0, 5.0, 9) + shift) + 0.05 * rng.standard_normal(9)
    check_grad(limited_steps, u, 0.4, wrt=(0, 1))
    g = s2sad.grad(limited_steps, wrt=(0, 1))
    g(u, 0.4)
    code = _code(g)
    assert "setitem(" not in code and "fresh(s_popped)" in code, g.source


def test_gated_writes(rng) -> None:
    u = rng.standard_normal(6)  # (both signs: both branches)
    assert np.any(u > 0) and np.any(u < 0)
    check_grad(gated_steps, u, 0.3, wrt=(0, 1))
    check_vjp(gated_steps, u, 0.3, wrt=(0, 1), rng=rng)
    g = s2sad.grad(gated_steps, wrt=(0, 1))
    g(u, 0.3)
    code = _code(g)  # (the cell loop now runs for all cells at once: one write a step)
    assert "setitem(" not in code or ("i = np.arange(n)" in code and
                                      code.count("setitem(") == 1), g.source


def test_an_alias_keeps_the_copying_writes(rng) -> None:
    u = rng.standard_normal(6)
    check_grad(kept_alias, u, 0.3, wrt=(0, 1))
    g = s2sad.grad(kept_alias, wrt=(0, 1))
    g(u, 0.3)
    assert "_popped" not in _code(g)
