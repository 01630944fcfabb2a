"""A reversed element loop whose trips are independent (each gathers elements and adds
one number into its own element of an adjoint) run for all trips at once
(compiler/vector_loops.py): stiffness matrices assembled element by element, against
central differences and closed forms, and the loops it must leave alone."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen4 import fem_bar as spring_chain
from benchmarks.problems_unseen5 import spring_network
from gradcheck import check_grad, grad_code


def ring(k, x):
    n = x.shape[0]
    K = np.eye(n)
    for i in range(n):
        K[i, i] += k[i]
        K[i, i - 1] -= 0.5 * k[i]  # (i - 1 of 0 is the last row's element: wrapped)
    return x @ K @ x


def banded_from_two(w, v):
    n = w.shape[0]
    M = np.eye(n)
    for i in range(2, n):
        M[i, i - 2] = M[i, i - 2] + w[i] * w[i]
        M[i - 2, i] = M[i - 2, i] - w[i]
    return np.sum(np.linalg.solve(M, v))


@pytest.mark.parametrize("f, make", [
    (spring_chain, lambda r: (1.0 + r.random(6), r.standard_normal(6))),
    (ring, lambda r: (r.random(5), r.standard_normal(5))),
    (banded_from_two, lambda r: (0.3 * r.standard_normal(6), r.standard_normal(6)))])
def test_assembled_by_elements(rng, f, make) -> None:
    args = make(rng)
    check_grad(f, *args, wrt=(0, 1))
    code = grad_code(f, *args, wrt=(0, 1))
    assert "np.arange(" in code and code.count("for ") == 1  # (the forward loop only)


def test_spring_chain_closed_form(rng) -> None:
    E, f = 1.0 + rng.random(7), rng.standard_normal(7)
    dE, df = s2sad.grad(spring_chain, wrt=(0, 1))(E, f)
    n = E.shape[0]
    K = np.diag(np.r_[E[:-1] + E[1:], E[-1]]) * n - np.diag(E[1:], 1) * n - \
        np.diag(E[1:], -1) * n
    u = np.linalg.solve(K, f)
    du = np.diff(np.concatenate(([0.0], u)))
    np.testing.assert_allclose(dE, -n * du * du, rtol=1e-10)
    np.testing.assert_allclose(df, 2.0 * u, rtol=1e-10)


def shifted_adds(x, c):
    n = x.shape[0]
    F = np.zeros(n)
    for i in range(n - 1):
        d = x[i + 1] - x[i]
        F[i] += c * d
        F[i + 1] -= c * d
    return F @ F


def divided(x, y):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + x[i] / y[i]
    return total


def test_adds_at_shifted_elements(rng) -> None:
    """Adds at ``i + 1`` and ``i``: each statement's trips add into distinct elements
    (the counter plus a literal, never negative): the reversed loop at once, the
    forward (``F[i + 1]`` written, ``F[i]`` read by the next trip) a loop."""
    args = (rng.standard_normal(6), 0.7)
    check_grad(shifted_adds, *args)
    code = grad_code(shifted_adds, *args)
    assert "reversed(range(" not in code and code.count("for ") == 1


def test_division_left_alone(rng) -> None:
    """A division (Python's floats raise where NumPy's give inf): the reversed loop stays
    a loop."""
    args = (rng.standard_normal(5), 1.0 + rng.random(5))
    check_grad(divided, *args, wrt=(0, 1))
    assert "reversed(range(" in grad_code(divided, *args, wrt=(0, 1))


# ----- indices read from an edge list: taken again, not taped -----


def laplacian_energy(w, x, edges):
    n = x.shape[0]
    L = np.eye(n)
    for e in range(edges.shape[0]):
        a = edges[e, 0]
        b = edges[e, 1]
        L[a, a] = L[a, a] + w[e]
        L[a, b] = L[a, b] - w[e]
    return x @ L @ x


def _edges(rng, n, extra, loops=False):
    chain = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)
    more = rng.integers(0, n, (extra, 2))
    if loops:
        more[0] = (2, 2)  # (an edge from a node to itself: its four writes cancel)
    return np.concatenate([chain, more])


@pytest.mark.parametrize("loops", [False, True])
def test_spring_network(rng, loops) -> None:
    edges = _edges(rng, 5, 4, loops)
    k, f = 1.0 + rng.random(len(edges)), rng.standard_normal(4)
    check_grad(spring_network, k, f, edges, wrt=(0, 1))
    dk, df = s2sad.grad(spring_network, wrt=(0, 1))(k, f, edges)
    K = np.zeros((5, 5))
    for (i, j), ke in zip(edges, k):
        K[i, i], K[j, j] = K[i, i] + ke, K[j, j] + ke
        K[i, j], K[j, i] = K[i, j] - ke, K[j, i] - ke
    u = np.concatenate(([0.0], np.linalg.solve(K[1:, 1:], f)))
    stretch = u[edges[:, 0]] - u[edges[:, 1]]
    np.testing.assert_allclose(dk, -stretch ** 2, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(df, 2.0 * u[1:], rtol=1e-9)
    code = grad_code(spring_network, k, f, edges, wrt=(0, 1))
    # (the edges' columns read whole, ``edges[:, 0]``: no np.arange, no loop in reverse)
    assert "stack" not in code and "edges[:, 0]" in code and code.count("for ") == 1


def test_laplacian_energy(rng) -> None:
    edges = _edges(rng, 6, 5, loops=True)
    w, x = rng.random(len(edges)), rng.standard_normal(6)
    check_grad(laplacian_energy, w, x, edges, wrt=(0, 1))
    dw = s2sad.grad(laplacian_energy)(w, x, edges)
    a, b = edges[:, 0], edges[:, 1]
    np.testing.assert_allclose(dw, x[a] * x[a] - x[a] * x[b], rtol=1e-10, atol=1e-12)
    code = grad_code(laplacian_energy, w, x, edges)
    assert "edges[:, 0]" in code and "for " not in code and "shape" not in code
