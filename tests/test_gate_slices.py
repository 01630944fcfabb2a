"""Gates sliced out of one product, ``z[:, :H]``, ``z[:, H:2 * H]``, ...: the adjoint of
``z`` is written part by part where the parts are disjoint (``=`` for ``+=`` into
zeros), and made with ``np.empty_like`` where they cover the axis
(compiler/disjoint_writes.py).  Parts that overlap, or leave a gap, keep the sums and
the zeros.  Each against central differences."""
import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def four_gates(W, x):
    H = W.shape[1] // 4
    z = x @ W
    i = np.tanh(z[:, :H])
    f = np.sin(z[:, H:2 * H])
    o = np.exp(-z[:, 2 * H:3 * H] ** 2)
    g = np.cos(z[:, 3 * H:])
    return np.sum(i * f + o * g)


def two_halves(w):
    n = w.shape[0] // 2
    z = np.sin(w)
    return np.sum(z[:n] ** 2) + np.sum(np.cos(z[n:]))


def gap(W, x):
    H = W.shape[1] // 3
    z = x @ W
    return np.sum(np.tanh(z[:, :H])) + np.sum(np.sin(z[:, 2 * H:]))


def overlap(W, x):
    H = W.shape[1] // 3
    z = x @ W
    return np.sum(np.tanh(z[:, :2 * H])) + np.sum(np.sin(z[:, H:]) ** 2)


def test_gates_covering_the_axis_written_part_by_part(rng) -> None:
    W, x = rng.standard_normal((3, 8)), rng.standard_normal((5, 3))
    check_grad(four_gates, W, x, wrt=(0, 1))
    src = _code(four_gates, W, x, wrt=(0, 1))
    assert "np.empty_like(z)" in src and "] +=" not in src
    w = rng.standard_normal(6)
    check_grad(two_halves, w)


def test_parts_with_a_gap_keep_the_zeros(rng) -> None:
    W, x = rng.standard_normal((3, 9)), rng.standard_normal((5, 3))
    check_grad(gap, W, x, wrt=(0, 1))
    src = _code(gap, W, x, wrt=(0, 1))
    assert "empty_like" not in src and "zeros_like(z)" in src


def test_overlapping_parts_keep_the_sum(rng) -> None:
    W, x = rng.standard_normal((3, 9)), rng.standard_normal((5, 3))
    check_grad(overlap, W, x, wrt=(0, 1))
    assert "empty_like" not in _code(overlap, W, x, wrt=(0, 1))
