"""An array given where NumPy takes a sequence of arrays (``np.stack(m)``: its rows):
the adjoint of ``np.stack`` is one array then, not a container of ``m``'s kind (it was
``np.ndarray(list)``, refused "the derivative of this line failed"); and
``np.asarray_chkfinite`` / ``np.require`` (had no rule) the identity, as ``np.asarray``.
Checked against central differences and closed forms; the sequence forms (a list, a
tuple) unchanged."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

M = np.array([[0.3, -0.5, 0.8], [1.1, 0.2, -0.7], [0.4, 0.9, -1.2], [-0.6, 0.1, 0.5]])
W = np.arange(12.0).reshape(4, 3)


def rows_stacked(m):
    return np.sum(np.stack(m) ** 2 * W)


def rows_stacked_as_columns(m):  # (axis 1: the rows become columns)
    return np.sum(np.stack(m, axis=1) * W.T) + np.sum(np.stack(m, axis=-1) ** 3)


def planes_stacked(t):
    return np.sum(np.sin(np.stack(t, axis=2)))


def list_stacked(m):  # (a list of the rows: a list adjoint, as before)
    return np.sum(np.stack([m[0], m[2]], axis=1) ** 2)


def tuple_stacked(m):
    return np.sum(np.stack((m[1], m[3] * 2.0)) ** 3)


def checked_finite(m):
    return np.sum(np.asarray_chkfinite(m) ** 2 * W)


def required_contiguous(m):
    return np.sum(np.require(m.T, dtype=np.float64, requirements="C") ** 3)


@pytest.mark.parametrize("f, x", [
    (rows_stacked, M), (rows_stacked_as_columns, M),
    (planes_stacked, np.arange(24.0).reshape(2, 3, 4) / 10.0),
    (list_stacked, M), (tuple_stacked, M), (checked_finite, M), (required_contiguous, M)])
def test_against_differences(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


def test_closed_forms():
    np.testing.assert_allclose(s2sad.grad(rows_stacked)(M), 2 * M * W)
    np.testing.assert_allclose(s2sad.grad(checked_finite)(M), 2 * M * W)
    np.testing.assert_allclose(s2sad.grad(required_contiguous)(M), 3 * M ** 2)


def test_second_order():
    check_hessian(rows_stacked_as_columns, M)
    check_hessian(planes_stacked, np.arange(8.0).reshape(2, 2, 2) / 10.0)


def test_not_finite_still_raises_as_numpy_does():
    with pytest.raises(ValueError):
        s2sad.grad(checked_finite)(np.full((4, 3), np.nan))
