"""Shape facts of concatenations (compiler/dims.py, shape_rules.concatenated) and the
pieces of their adjoints written as slices (plain_helpers.pieces): a stencil loop that
rebuilds its state with ``np.concatenate`` keeps every shape known, so its adjoint has
no ``unbroadcast``/``shape_of`` and no list pushed only for its lengths.  Shape classes
give 0 and 1 as ints, so a symbol is a length of at least 2 and ``u[1:-1]`` is exactly
two shorter.  Every case against central differences, at lengths where the interior is
empty (2), one element long (3), and longer; and 0 and 1 as separate variants."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, grad_source


def heat(u0, kappa):
    """Explicit heat steps with fixed ends, the state rebuilt by concatenation."""
    u = u0
    for _ in range(6):
        lap = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u = np.concatenate([u[:1], u[1:-1] + kappa * lap, u[-1:]])
    return np.sum(u ** 2)


def columns(M, w):
    """A matrix whose columns after the first are scaled each step (axis=1)."""
    for _ in range(3):
        M = np.concatenate([M[:, :1], np.tanh(M[:, 1:] * w)], axis=1)
    return np.sum(M * M)


def joined(x, y):
    """Two arguments of different lengths joined, then weighted by position."""
    z = np.concatenate((x, np.sin(y)))
    return np.sum(z * np.arange(z.shape[0]))


def diffs(x):
    """Neighbour differences: ``x[1:]`` and ``x[:-1]`` are one shorter than ``x``."""
    d = x[1:] - x[:-1]
    return np.sum(d ** 2) + np.sum(x[:1] * x[-1:])


@pytest.mark.parametrize("n", [2, 3, 9])
def test_heat_steps(n, rng):
    u0 = rng.standard_normal(n)
    check_grad(heat, u0, 0.2, wrt=(0, 1))
    check_vjp(heat, u0, 0.2, wrt=(0, 1))
    check_jvp(heat, u0, 0.2, wrt=(0, 1))


def test_heat_adjoint_is_plain(rng):
    text = grad_source(heat, rng.standard_normal(9), 0.2, wrt=(0, 1))
    reverse = text.split("reversed(range")[1]
    assert "unconcat" not in text and "shape_of" not in text
    assert "unbroadcast" not in reverse and "[1:-1]" in reverse


@pytest.mark.parametrize("shape", [(2, 4), (3, 2), (4, 5)])
def test_columns_along_axis_1(shape, rng):
    M = rng.standard_normal(shape)
    check_grad(columns, M, 0.7, wrt=(0, 1))
    check_vjp(columns, M, 0.7, wrt=(0, 1))


def test_columns_adjoint_cuts_slices(rng):
    text = grad_source(columns, rng.standard_normal((3, 4)), 0.7, wrt=(0, 1))
    assert "unconcat" not in text


@pytest.mark.parametrize("lengths", [(3, 5), (2, 2), (4, 1), (1, 3)])
def test_arguments_of_different_lengths(lengths, rng):
    x, y = rng.standard_normal(lengths[0]), rng.standard_normal(lengths[1])
    check_grad(joined, x, y, wrt=(0, 1))
    # closed form: d/dx_i = i, d/dy_j = (len(x) + j) cos(y_j)
    gx, gy = s2sad.grad(joined, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.arange(len(x)))
    np.testing.assert_allclose(gy, (len(x) + np.arange(len(y))) * np.cos(y))


def test_lengths_zero_and_one_are_their_own_variants(rng):
    g = s2sad.grad(diffs)
    for n in (5, 2, 1, 0, 4):  # (each length class once, back and forth)
        x = rng.standard_normal(n)
        if n == 0:
            assert g(x).shape == (0,)  # nothing to differentiate: an empty gradient
            continue
        check_grad(diffs, x)
        # closed form: 2 (d_{i-1} - d_i) plus the ends' product rule
        d = np.diff(x)
        want = np.zeros(n)
        want[1:] += 2 * d
        want[:-1] -= 2 * d
        want[0] += x[-1]
        want[-1] += x[0]
        np.testing.assert_allclose(g(x), want)


def test_second_order(rng):
    check_hessian(lambda u: heat(u, 0.2), rng.standard_normal(5))
    check_hessian(diffs, rng.standard_normal(4))
