"""A builtin ``min``/``max`` of numbers read from an array, its share added only into
the pick (compiler/share_guards.py: ``if a == m: dR[...] += g * share``, the share 1
over the ties written without a call).  Checked against central differences away from
ties, and against the split of a tie (1/2, 1/3 to each equal argument) at ties, which
finite differences cannot see."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def edit_dp(a, b):
    n, m = len(a), len(b)
    R = np.zeros((n + 1, m + 1))
    R[0, 1:] = np.inf
    R[1:, 0] = np.inf
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = (a[i - 1] - b[j - 1]) ** 2
            R[i, j] = c + min(R[i - 1, j], R[i, j - 1], R[i - 1, j - 1])
    return R[n, m]


def best_path(x):
    n, m = x.shape
    V = x.copy()
    for i in range(1, n):
        for j in range(m):
            up = V[i - 1, j]
            left = V[i - 1, j - 1] if j > 0 else -np.inf
            right = V[i - 1, j + 1] if j < m - 1 else -np.inf
            V[i, j] = V[i, j] + max(up, left, right)
    return np.max(V[-1])


def running_min_pairs(x):
    r = np.empty(len(x))
    r[0] = x[0]
    for i in range(1, len(x)):
        r[i] = min(r[i - 1], x[i]) * 0.9 + 0.1 * x[i]
    return np.sum(r ** 2)


def four_way(x):
    out = np.zeros(len(x) - 3)
    for i in range(len(x) - 3):
        out[i] = max(x[i], x[i + 1], x[i + 2], x[i + 3]) ** 2
    return np.sum(out)


RNG = np.random.default_rng(7)
A, B = RNG.normal(size=7), RNG.normal(size=6)
GRID = RNG.normal(size=(5, 4))
SERIES = RNG.normal(size=9)


@pytest.mark.parametrize("scale", [1.0, -1.0, 2.5])
def test_away_from_ties(scale):
    check_grad(edit_dp, A * scale, B, wrt=(0, 1))
    check_grad(best_path, GRID * scale)
    check_grad(running_min_pairs, SERIES * scale)
    check_grad(four_way, SERIES * scale)
    check_jvp(running_min_pairs, SERIES * scale)
    check_hessian(lambda a: edit_dp(a, B), A * scale)  # (second order through the guard)


def test_a_tie_splits_as_before():
    # the last row ties three ways (np.max: 1/3 each); below it, max(up, left, right)
    # ties two ways at the edges (1/2 of 1/3 each) and three ways inside (1/3 of 1/3)
    x = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    g = s2sad.grad(best_path)(x)
    edge, inside = 1 / 6, 1 / 9
    np.testing.assert_allclose(g, [[edge + inside, edge + inside + edge, inside + edge],
                                   [1 / 3, 1 / 3, 1 / 3]])
    y = np.array([2.0, 2.0, 1.0, 2.0, 0.5])
    expected = np.zeros(5)
    for picks in ([0, 1, 3], [1, 3]):  # out[0]: three 2.0s; out[1]: two
        for k in picks:
            expected[k] += 2 * 2.0 / len(picks)
    np.testing.assert_allclose(s2sad.grad(four_way)(y), expected)


def test_the_guard_is_in_the_source():
    g = s2sad.grad(edit_dp, wrt=(0, 1))
    g(A, B)
    assert "arg_share" not in g.source and "if R_item" in g.source
