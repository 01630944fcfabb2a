"""The adjoint of a sum over the first axes (``np.sum(X, axis=0)``) spread back onto an
adjoint of ``X``'s shape, ``dX += repeat_to(g, X, 0, False)``, is ``dX += g``: NumPy
broadcasts ``g`` along the missing leading axes the same way, without an array filled
for it.  Over other axes (``axis=1``: the summed axis is not in front) it must stay a
spread.  Gradients against central differences in float64, Hessians against central
differences of the gradient."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, grad_source


def column_energy(X):
    c = np.sum(X, axis=0)
    return np.sum(np.sin(X)) + np.sum(c * c)


def slab_energy(X):
    c = np.sum(X, axis=(0, 1))
    return np.sum(X * X * X) + np.sum(np.cos(c))


def row_energy(X):
    """The sum over the last axis: its spread does not broadcast by itself."""
    c = np.sum(X, axis=1)
    return np.sum(np.sin(X)) + np.sum(c * c * c)


@pytest.mark.parametrize("shape", [(4, 3), (5, 1), (1, 4)])
def test_column_energy(shape):
    X = np.random.default_rng(sum(shape)).standard_normal(shape)
    check_grad(column_energy, X)


def test_column_energy_adds_the_sum_itself():
    src = grad_source(column_energy, np.ones((4, 3)))
    assert "repeat_to" not in src


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 2, 2), (2, 2, 5)])
def test_slab_energy(shape):
    X = np.random.default_rng(sum(shape)).standard_normal(shape)
    check_grad(slab_energy, X)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (4, 4)])
def test_row_energy(shape):
    X = np.random.default_rng(sum(shape)).standard_normal(shape)
    check_grad(row_energy, X)


@pytest.mark.parametrize("f", [column_energy, row_energy])
def test_hessians(f):
    X = np.random.default_rng(2).standard_normal((3, 2))
    check_hessian(f, X)
