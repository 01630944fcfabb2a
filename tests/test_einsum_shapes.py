"""The shape facts of ``np.einsum`` with literal subscripts and an output (each output
letter's length, broadcast over the operands that have it): a soft value iteration's
``np.einsum("sat,t->sa", P, V)`` in a loop is of known shape, so the derivative pushes
no shapes and calls no ``unbroadcast``.  Gradients against central differences: the
benchmark's maximum-entropy IRL, a batched bilinear form, a length-1 axis broadcast by
einsum (its fact: the other length), and a spelling without an output (no fact: as
before)."""
from __future__ import annotations

import numpy as np

from benchmarks.problems_unseen18 import maxent_irl, maxent_irl_args
from tests.gradcheck import check_grad, grad_code


def soft_values(theta, F, P, gamma, n_iter):
    r = F @ theta
    V = np.zeros(P.shape[0])
    for _ in range(n_iter):
        Q = r[:, None] + gamma * np.einsum("sat,t->sa", P, V)
        V = np.log(np.sum(np.exp(Q), axis=1))
    return np.sum(V ** 2)


def bilinear_steps(W, X, n_steps):
    h = X
    for _ in range(n_steps):
        h = np.tanh(np.einsum("bi,ij,bj->bi", h, W, h))
    return np.sum(h ** 2)


def stretched(a, B, n_steps):
    """``a`` has one column: einsum stretches it to ``B``'s."""
    h = B
    for _ in range(n_steps):
        h = np.sin(np.einsum("ij,ij->ij", a, h)) + h
    return np.sum(h)


def implicit_output(A, v, n_steps):
    s = v
    for _ in range(n_steps):
        s = np.tanh(np.einsum("ij,j", A, s))
    return np.sum(s)


def test_maxent_irl():
    args = maxent_irl_args("smoke")
    check_grad(maxent_irl, *args)


def test_soft_values_without_shapes(rng):
    args = (rng.standard_normal(3), rng.standard_normal((5, 3)), rng.random((5, 2, 5)), 0.8, 4)
    check_grad(soft_values, *args)
    code = grad_code(soft_values, *args)
    assert "shape_of(" not in code and "unbroadcast(" not in code


def test_bilinear(rng):
    check_grad(bilinear_steps, 0.3 * rng.standard_normal((3, 3)), rng.standard_normal((4, 3)), 3,
               wrt=(0, 1))


def test_stretched_axis(rng):
    check_grad(stretched, rng.standard_normal((4, 1)), rng.standard_normal((4, 3)), 3,
               wrt=(0, 1))


def test_implicit_output(rng):
    check_grad(implicit_output, 0.5 * rng.standard_normal((3, 3)), rng.standard_normal(3), 3,
               wrt=(0, 1))
