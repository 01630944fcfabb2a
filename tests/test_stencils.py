"""Simulations that update slices of an array in a time loop (explicit stencils): the
adjoint's part read before that part is cleared is copied, so every update of the
adjoint is in place (compiler/ownership.py, ``copy_views``), and the slices written as a
person writes them (``du[1:-1] += e``); gradients against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def heat(u0, kappa):
    u = u0.copy()
    for _ in range(20):
        u[1:-1] = u[1:-1] + kappa * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u ** 2)


def heat_2d(u0, kappa):
    u = u0.copy()
    for _ in range(5):
        lap = u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2] - 4 * u[1:-1, 1:-1]
        u[1:-1, 1:-1] = u[1:-1, 1:-1] + kappa * lap
    return np.sum(np.sin(u))


def every_other(u0, a):
    u = u0 * 1.0
    for _ in range(4):
        u[::2] = a * u[::2] + 0.1 * u[1::2][: len(u[::2])]
    return np.sum(u ** 3)


def advect(c0, v):
    c = np.array(c0)
    for _ in range(10):
        c[1:] = c[1:] - v * (c[1:] - c[:-1])
        c[0] = c[0] * (1 - v)
    return c @ c


@pytest.mark.parametrize("n", [3, 8])
def test_heat_stencil(rng, n) -> None:
    u0 = rng.standard_normal(n)
    check_grad(heat, u0, 0.2, wrt=(0, 1))
    g = s2sad.grad(heat, wrt=(0, 1))
    g(u0, 0.2)
    assert "fresh(" not in g.source and "du_1[1:-1] = 0.0" in g.source


@pytest.mark.parametrize("shape", [(3, 3), (5, 6)])
def test_heat_2d(rng, shape) -> None:
    check_grad(heat_2d, rng.standard_normal(shape), 0.1, wrt=(0, 1))


@pytest.mark.parametrize("n", [4, 8])
def test_strided_updates(rng, n) -> None:
    check_grad(every_other, rng.standard_normal(n), 0.7, wrt=(0, 1))


def test_upwind_advection(rng) -> None:
    c0 = rng.standard_normal(6)
    check_grad(advect, c0, 0.3, wrt=(0, 1))
    before = c0.copy()
    s2sad.grad(advect)(c0, 0.3)
    np.testing.assert_array_equal(c0, before)  # the user's array is left alone


def test_zero_kappa_closed_form(rng) -> None:
    """kappa = 0: u stays u0, the gradient is 2 u0."""
    u0 = rng.standard_normal(5)
    np.testing.assert_allclose(s2sad.grad(heat)(u0, 0.0), 2 * u0, rtol=1e-14)
