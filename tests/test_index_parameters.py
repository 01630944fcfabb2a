"""Gathers and scatters by index arrays passed as arguments (a cloth's springs ``x[ej] -
x[ei]``, forces by ``np.add.at``): a parameter given an integer array makes a variant
for that dtype (a bool array of the same shape another), whose shape facts know ``x[ei]``
has one row per entry of ``ei`` (no ``unbroadcast`` left in the adjoint), and rows of an
array of rank two or more are gathered by ``take_rows`` (``ndarray.take`` along axis 0).
Checked against central differences: index arrays of one length and of lengths that
broadcast, repeated and negative indices in the scatters, a bool mask and a list for the
same parameter (which must not be read as integers), and second derivatives."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import EPS, check_grad, check_jvp, grad_code
from s2sad.runtime import take_rows


def springs(x, k, ei, ej):
    """Two Euler steps of springs: forces scattered onto the nodes by ``np.add.at``."""
    v = np.zeros_like(x)
    for _ in range(2):
        d = x[ej] - x[ei]
        L = np.sqrt(np.sum(d * d, axis=1))
        f = (k * (L - 1.0) / L)[:, None] * d
        F = np.zeros_like(x)
        np.add.at(F, ei, f)
        np.add.at(F, ej, -f)
        v = 0.9 * (v + 0.05 * (F + np.array([0.0, 0.0, -9.8])))
        x = x + 0.05 * v
    return np.sum(x * x)


def one_against_many(x, w, i, j):
    """Rows ``x[i]`` against ``x[j]`` of another length: one row broadcast over many."""
    d = x[i] - x[j]
    return np.sum(w[:, None] * d * d)


def masked_rows(x, keep):
    """``keep`` is a mask or integers: whichever the caller passes."""
    return np.sum(np.sin(x[keep]) * x[keep])


def chain_energy(x):
    """Bonds of a chain by index vectors made in the function (``np.arange``)."""
    i = np.arange(x.shape[0] - 1)
    j = i + 1
    d = x[j] - x[i]
    return np.sum(np.sum(d * d, axis=1) ** 2)


def _springs_args(rng, n=12, e=40):
    x = rng.standard_normal((n, 3))
    ei, ej = rng.integers(0, n, e), rng.integers(0, n, e)  # (repeats: several per node)
    ej = np.where(ej == ei, (ei + 1) % n, ej)
    return x, rng.uniform(0.5, 1.5, e), ei, ej


@pytest.mark.parametrize("e", [40, 300])  # (120 elements: np.add.at; 900: by columns)
def test_springs_by_integer_parameters(e):
    rng = np.random.default_rng(0)
    args = _springs_args(rng, 12, e)
    check_grad(springs, *args, wrt=(0, 1))
    check_jvp(springs, *args, wrt=(0, 1))
    code = grad_code(springs, *args, wrt=(0, 1))
    assert "take_rows(x" in code and "unbroadcast" not in code and "shape_of" not in code


def test_negative_indices_in_the_gathers_and_scatters():
    rng = np.random.default_rng(1)
    x, k, ei, ej = _springs_args(rng, 10, 200)
    check_grad(springs, x, k, ei - 10, ej, wrt=(0, 1))  # (-10..-1: the same nodes)
    np.testing.assert_allclose(s2sad.grad(springs, wrt=(0, 1))(x, k, ei - 10, ej)[0],
                               s2sad.grad(springs, wrt=(0, 1))(x, k, ei, ej)[0], rtol=1e-12)


@pytest.mark.parametrize("m", [1, 5])
def test_index_arrays_of_lengths_that_broadcast(m):
    """``i`` of 6 entries, ``j`` of ``m``: ``x[j]`` of one row broadcasts over ``x[i]``
    (its adjoint summed over them), of 5 rows NumPy refuses (so does the gradient)."""
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((7, 3)), rng.standard_normal(6)
    i, j = rng.integers(0, 7, 6), rng.integers(0, 7, m)
    if m == 1:
        check_grad(one_against_many, x, w, i, j)
        check_jvp(one_against_many, x, w, i, j)
    else:
        with pytest.raises(ValueError):
            s2sad.grad(one_against_many)(x, w, i, j)


def test_a_mask_and_a_list_for_the_same_parameter():
    """The variant made for integers is not run for a bool mask of the same shape, nor
    for a list: each is indexed as NumPy does (the mask picks its true rows)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 2))
    g = s2sad.grad(masked_rows)
    for keep in (np.array([0, 5, 5, -1, 2, 0]), np.array([1, 0, 0, 1, 1, 0], dtype=bool),
                 [0, 3, 3], np.array([4, 1], dtype=np.uint8)):
        check_grad(masked_rows, x, keep)
        g(x, keep)
    mask_code = grad_code(masked_rows, x, np.array([True, False, True, False, True, True]))
    assert "take_rows" not in mask_code


def test_second_order_through_take_rows():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 2))
    assert "take_rows(x" in grad_code(chain_energy, x)
    check_grad(chain_energy, x)
    H = s2sad.hessian(chain_energy)(x)
    grad = s2sad.grad(chain_energy)
    rows = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = EPS
        rows.append((grad(x + e.reshape(x.shape)) - grad(x - e.reshape(x.shape))).ravel()
                    / (2 * EPS))
    np.testing.assert_allclose(H.reshape(x.size, x.size), np.array(rows), rtol=1e-4,
                               atol=1e-5)


def test_second_order_of_the_springs():
    """A Hessian-vector product through the gathers and the scatters of the forces."""
    rng = np.random.default_rng(5)
    x, k, ei, ej = _springs_args(rng, 6, 30)
    v = rng.standard_normal(x.shape)
    grad = s2sad.grad(springs)
    jvp = s2sad.jvp(grad)
    _, tangent = jvp(x, k, ei, ej, v)
    expected = (grad(x + EPS * v, k, ei, ej) - grad(x - EPS * v, k, ei, ej)) / (2 * EPS)
    np.testing.assert_allclose(tangent, expected, rtol=1e-5, atol=1e-6)


def test_take_rows_is_indexing():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 3))
    for idx in (np.array([4, -1, 0, 0]), np.array([[1, 2], [3, -5]]),
                np.array([2, 0], dtype=np.uint16), np.array([True, False, True, True, False]),
                [1, 1], slice(1, 3)):
        np.testing.assert_array_equal(take_rows(x, idx), x[idx])
    np.testing.assert_array_equal(take_rows(x[:, 0], np.array([3, 1])), x[[3, 1], 0])
    for bad in (np.array([5]), np.array([-6])):
        with pytest.raises(IndexError):
            take_rows(x, bad)
    out = take_rows(x, np.array([1]))
    out[0, 0] = 99.0  # (a copy, as advanced indexing makes)
    assert x[1, 0] != 99.0
