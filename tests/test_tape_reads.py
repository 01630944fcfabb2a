"""compiler/tape.py: the tape is pruned without working out liveness when every popped
name is read again before it is bound (``_all_read``).  Where that shortcut answers, the
full liveness must find every popped name live after its pop (nothing to prune), and
the gradient must match central differences: a branch flag read by the reversed ``if``,
values popped in a ``while`` loop and read after nested branches, and a nested loop
whose pop is read only after the inner loop."""
from __future__ import annotations

import gast
import numpy as np
import pytest

from gradcheck import check_grad
from s2sad.compiler import liveness, tape


def branchy(x: np.ndarray) -> float:
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0:
            s = s + np.sin(x[i]) * x[i]
        else:
            s = s - x[i] * x[i]
    return s


def stepping(x: np.ndarray) -> float:
    y = x
    t = 0.0
    while t < 1.0:
        k = np.cos(y) * y
        if np.sum(k) > 0:
            y = y + 0.25 * k
        else:
            y = y - 0.25 * np.tanh(k)
        t = t + 0.25
    return float(np.sum(y * y))


def nested(x: np.ndarray) -> float:
    s = 0.0
    for i in range(3):
        w = np.exp(-x * i)
        for j in range(2):
            s = s + np.sum(w * x) * j
        s = s + np.sum(np.sin(w))
    return s


@pytest.mark.parametrize("f", [branchy, stepping, nested])
def test_the_shortcut_agrees_with_liveness(f, monkeypatch) -> None:
    answers: list[bool] = []
    shortcut = tape._all_read

    def checked(body: list, pops: dict) -> bool:
        found = shortcut(body, pops)
        answers.append(found)
        if found:  # every popped name live after its pop: nothing the pass could drop
            after: dict[int, frozenset] = {}
            liveness.live_after(body, after)
            for pop in pops.values():
                names = tape._items(pop.targets[0])
                assert all(n.id in after[id(pop)] for n in names
                           if isinstance(n, gast.Name))
        return found

    monkeypatch.setattr(tape, "_all_read", checked)
    x = np.random.default_rng(3).standard_normal(5)
    check_grad(f, x)
    assert answers and any(answers)  # (the tape was there, and the shortcut answered)
