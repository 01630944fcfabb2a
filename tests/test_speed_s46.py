"""Session 46 (issue 13, speed): the adjoints that semi-implicit steps and option prices
read, made with fewer passes over arrays:

* a concatenation's adjoint cut by slices where an item is a list of numbers
  (``np.concatenate(([0.0], u, [0.0]))``: the vector NumPy makes of it), not by
  ``unconcat``'s measuring of each item at every call;
* an adjoint only added into, cleared and read by the element after its first value (the
  reverse sweep of a back substitution): a list of floats from there;
* the sign of a negated adjoint taken outside a helper that picks or sums
  (``diag_adjoint(-dA, c, 1)`` is ``-diag_adjoint(dA, c, 1)``: a diagonal negated, not a
  matrix).

Each against central differences in float64, three variations or more.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


# ----- a concatenation's adjoint cut by slices where an item is a list of numbers ----


def padded_steps(u, k):
    """Zeros joined at both ends, as a finite-volume scheme pads its state."""
    for _ in range(3):
        up = np.concatenate(([0.0], u, [0.0]))
        u = u + k * (up[:-2] - 2.0 * up[1:-1] + up[2:]) * (1.0 + 0.1 * up[1:-1] ** 2)
    return np.sum(u ** 2)


def numbers_first(u):
    return np.sum(np.sin(np.concatenate(([1.0, 2.0], u))) * np.arange(u.shape[0] + 2.0))


def tuple_between(u, v):
    return np.sum(np.cumsum(np.concatenate((u, (0.5,), v))) ** 2)


def number_joined(a, u):
    """The list's own number differentiated: its piece is read too."""
    return np.sum(np.concatenate(([a], u)) ** 3)


@pytest.mark.parametrize("f, args, wrt", [
    (padded_steps, lambda r: (r.standard_normal(7), 0.2), 0),
    (numbers_first, lambda r: (r.standard_normal(5),), 0),
    (tuple_between, lambda r: (r.standard_normal(4), r.standard_normal(3)), (0, 1)),
    (number_joined, lambda r: (0.7, r.standard_normal(4)), (0, 1)),
])
def test_pieces_of_joins_with_number_lists(f, args, wrt, rng):
    values = args(rng)
    check_grad(f, *values, wrt=wrt)
    if f is not number_joined:
        assert "unconcat" not in _source(f, *values, wrt=wrt)


# ----- a sign outside a helper that picks or sums -----------------------------------


def tridiagonal_solves(c, u):
    """Semi-implicit steps: the matrix's off-diagonals subtracted."""
    n = u.shape[0]
    for _ in range(2):
        A = np.diag(c[:-1] + c[1:]) - np.diag(c[1:-1], 1) - np.diag(c[1:-1], -1)
        u = np.linalg.solve(np.eye(n) + 0.1 * A, u)
    return np.sum(u ** 2)


def minus_diagonals(v, w):
    M = np.outer(v, w)
    return np.sum(np.sin(np.diag(np.diag(M)) - np.diag(np.diag(M, 1), 1) - M))


def minus_offdiagonal(x):
    """``np.diag`` of a matrix: its adjoint puts a vector on a diagonal (the sign stays
    on the vector, the smaller side)."""
    K = np.outer(x, x) + np.eye(x.shape[0])
    return np.sum(np.tanh(np.diag(K)[1:] - np.diag(K, 1) * 0.5 - np.diag(K, -1)))


@pytest.mark.parametrize("f, args, wrt", [
    (tridiagonal_solves, lambda r: (r.uniform(0.5, 1.5, 6), r.standard_normal(5)), (0, 1)),
    (minus_diagonals, lambda r: (r.standard_normal(4), r.standard_normal(4)), (0, 1)),
    (minus_offdiagonal, lambda r: (r.standard_normal(4),), 0),
])
def test_signs_outside_against_differences(f, args, wrt, rng):
    values = args(rng)
    check_grad(f, *values, wrt=wrt)
    source = _source(f, *values, wrt=wrt)
    if f is minus_offdiagonal:  # (a vector put on a diagonal: its sign stays inside)
        assert "-diag_adjoint(" not in source and "diag_adjoint(-" in source
    else:
        assert "diag_adjoint(-" not in source


# ----- an adjoint only updated by the element after its first value: a list ----------


def back_substitution(dp, cp, t):
    """``x[i]`` from ``x[i + 1]``: the adjoint of ``x`` starts at ``2 (x - t)``."""
    n = dp.shape[0]
    x = np.zeros(n)
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return np.sum((x - t) ** 2)


def damped_recurrence(u, k):
    """A division in the step (the variant that runs first reads floats, and falls back
    to NumPy scalars where Python would raise)."""
    y = u * 1.0
    for i in range(1, u.shape[0]):
        y[i] = (y[i] + k * y[i - 1]) / (1.0 + k * k)
    return np.sum(np.sin(y))


def two_step_filter(u, c):
    """``y[i]`` from ``y[i - 1]`` and ``y[i - 2]``, in place of the input's copy."""
    y = u + 0.0
    for i in range(2, u.shape[0]):
        y[i] = y[i] - c * y[i - 1] + 0.25 * c * c * y[i - 2]
    return np.sum(y * y * np.arange(u.shape[0]))


@pytest.mark.parametrize("f, args, wrt", [
    (back_substitution, lambda r: (r.standard_normal(8), r.uniform(-0.9, 0.9, 8),
                                   r.standard_normal(8)), (0, 1)),
    (damped_recurrence, lambda r: (r.standard_normal(7), 0.6), (0, 1)),
    (two_step_filter, lambda r: (r.standard_normal(9), 0.8), (0, 1)),
])
def test_adjoints_as_lists_against_differences(f, args, wrt, rng):
    values = args(rng)
    check_grad(f, *values, wrt=wrt)
    assert re.search(r"\n    d\w+ = as_floats\(", _source(f, *values, wrt=wrt))


# ----- a sign on a float parameter, not on an array; the normal density's slope ------


def discounted_calls(sigma, rate, spot, tau):
    """Black-Scholes prices: ``-rate * tau`` of a float ``rate``, ``ndtr`` twice."""
    from scipy.special import ndtr
    sd = sigma * np.sqrt(tau)
    d1 = (np.log(spot / 100.0) + (rate + 0.5 * sigma ** 2) * tau) / sd
    price = spot * ndtr(d1) - 100.0 * np.exp(-rate * tau) * ndtr(d1 - sd)
    return np.mean((price - 5.0) ** 2)


def rate_rebound(rate, tau):
    """The parameter bound again: not known to be a float all along."""
    rate = rate * 2
    return np.sum(np.exp(-rate * tau))


@pytest.mark.parametrize("rate, wrt, signed", [
    (0.03, (0, 1), "-rate * tau"),
    (np.float64(0.05), (0, 1, 2), "-rate * tau"),
    (0.01, 1, "-rate * tau"),
])
def test_sign_on_a_float_parameter(rate, wrt, signed, rng):
    args = (rng.uniform(0.15, 0.4, 6), rate, 100.0 + rng.uniform(-5.0, 5.0, 6),
            rng.uniform(0.1, 2.0, 6))
    check_grad(discounted_calls, *args, wrt=wrt)
    source = _source(discounted_calls, *args, wrt=wrt)
    assert signed in source and "-tau" not in source
    assert "np.exp(-0.5 * (d1 * d1))" in source  # (the density: two passes, not three)


def test_rebound_parameter_keeps_its_product(rng):
    tau = rng.uniform(0.1, 2.0, 5)
    check_grad(rate_rebound, 0.3, tau, wrt=(0, 1))


# ----- a negated adjoint read only by additions: the sign taken by the addition -------


def xy_energy(theta, J):
    """Neighbours by ``np.roll``: the adjoint of ``theta - right`` for ``right`` is
    ``-dsub``, rolled back and added."""
    right = np.roll(theta, -1, axis=1)
    down = np.roll(theta, -1, axis=0)
    return -J * np.sum(np.cos(theta - right) + np.cos(theta - down))


def differences_chain(x, y):
    """``y`` subtracted twice, its adjoint ``-d`` added to another and read whole."""
    a = x - y
    b = np.tanh(a) - y * 0.5
    return np.sum(b ** 2) + np.sum(np.sin(x - a))


def negated_and_scaled(x, w):
    """The negated adjoint also multiplied: it stays (a product would need the sign)."""
    d = w - x
    return np.sum(d ** 3) + np.sum((w - x * 2.0) * x)


@pytest.mark.parametrize("f, args, wrt", [
    (xy_energy, lambda r: (r.standard_normal((5, 6)), 0.7), (0, 1)),
    (differences_chain, lambda r: (r.standard_normal(6), r.standard_normal(6)), (0, 1)),
    (negated_and_scaled, lambda r: (r.standard_normal(5), r.standard_normal(5)), (0, 1)),
])
def test_negations_folded_against_differences(f, args, wrt, rng):
    values = args(rng)
    check_grad(f, *values, wrt=wrt)
    if f is xy_energy:
        source = _source(f, *values, wrt=wrt)
        assert "= -dsub" not in source and "- roll_axis(dsub" in source


# ----- a number scaling an outer product: over the vector, not the matrix ------------


def implicit_steps(k, u, dt):
    """The adjoint of ``np.linalg.solve(np.eye(n) + dt * A, u)`` in ``A``, a matrix each
    step builds from the state: an outer product scaled by ``dt`` in every reversed
    step."""
    n = u.shape[0]
    for _ in range(3):
        A = np.diag(k * (1.0 + u ** 2))
        u = np.linalg.solve(np.eye(n) + dt * A, u)
    return np.sum(u ** 2)


def scaled_outer_once(x, y, s):
    return np.sum(np.sin(np.outer(x, y) * s) * np.outer(y, x).T)


def matrix_vector_steps(W, h):
    for _ in range(2):
        h = np.tanh(0.5 * (W @ h))
    return np.sum(h)


@pytest.mark.parametrize("f, args, wrt", [
    (implicit_steps, lambda r: (r.uniform(0.5, 1.5, 4), r.standard_normal(4), 0.2),
     (0, 1)),
    (scaled_outer_once, lambda r: (r.standard_normal(3), r.standard_normal(4), 0.7),
     (0, 1, 2)),
    (matrix_vector_steps, lambda r: (r.standard_normal((3, 3)), r.standard_normal(3)),
     (0, 1)),
])
def test_scaled_outer_products_against_differences(f, args, wrt, rng):
    values = args(rng)
    check_grad(f, *values, wrt=wrt)
    if f is implicit_steps:
        assert "np.multiply.outer(-dt * " in _source(f, *values, wrt=wrt)
