"""Second derivatives through the adjoints of joins (np.block, np.concatenate, np.stack,
the builtin sum of a list of arrays): the first derivative's adjoint of a joined list is
a list (``unconcat``, ``unstack_like``, ``spread_to_items``; the adjoint of an item
appended, ``list_last``, when the item is a list), so a second derivative must add two
adjoints of it item by item.  They were added with ``+``, which joins the lists:
np.block's Hessian raised a bare reshape error out of generated code (random programs,
second order).  Hessian-vector products (the gradient of ``sum(grad(f)(x, ...) * V)``)
against central differences of the gradient, itself checked against differences of
the function, and closed forms where there is one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian

V = np.array([0.7, -1.1, 0.4])
A = np.array([[0.1, 0.2], [0.3, 0.4], [-0.5, 0.6]])


def blocks(x, A):
    M = np.block([[np.outer(x, x), A], [A.T, np.eye(2)]])
    return np.sum(np.sin(M))


def appended_rows(x, A):
    rows = []
    for k in range(3):
        rows.append([x * (k + 1), A[:, 0] * x])
    M = np.block(rows)
    return np.sum(M ** 3)


def nested_rows(x, A):
    rows = []
    for k in range(2):
        row = []
        for j in range(2):
            row.append(np.sin(x * (k + j + 1)))
        rows.append(np.concatenate(row))
    return np.sum(np.concatenate(rows) ** 3)


def vector_blocks(x, A):
    return np.sum(np.block([[x, A[:, 0]], [x ** 2, np.sin(x)]]) ** 3)


def concatenated(x, A):
    parts = []
    for k in range(3):
        parts.append(np.sin(x * (k + 1)) + A[k, 0])
    return np.sum(np.concatenate(parts) ** 2)


def stacked(x, A):
    return np.sum(np.cos(np.stack([x, x ** 2, A[:, 1] * x], axis=1)))


def summed(x, A):
    return np.sum(sum([x ** 2, np.sin(x), A[:, 0] * x]) ** 2)


def rows_of_an_array(x, A):
    """Not a list: the adjoint of a concatenation of an array's rows is an array."""
    M = np.outer(x, x) + A @ A.T
    return np.sum(np.concatenate(M) ** 3)


def hstacked(x, A):
    return np.sum(np.hstack([x[:, None] * A, np.cos(x)[:, None]]) ** 3)


FUNCTIONS = [blocks, appended_rows, nested_rows, vector_blocks, concatenated, stacked, summed,
             hstacked, rows_of_an_array]


def product(f):
    def hv(x, A):
        return np.sum(s2sad.grad(f)(x, A) * V)
    return hv


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_hessian_vector_products(f):
    x = np.array([0.3, -0.5, 0.9])
    check_grad(f, x, A)
    check_grad(product(f), x, A)  # (reverse over reverse)
    check_grad(product(f), x, A, wrt=1)  # (the mixed derivative)
    check_hessian(lambda z: f(z, A), x)  # (forward over reverse)


def test_closed_form():
    """sum(concatenate([x * 1, x * 2, x * 3]) ** 2) = 14 sum(x ** 2): Hessian 28 I."""
    def f(x):
        return np.sum(np.concatenate([x * k for k in (1.0, 2.0, 3.0)]) ** 2)

    def hv(x):
        return np.sum(s2sad.grad(f)(x) * V)
    x = np.array([0.3, -0.5, 0.9])
    np.testing.assert_allclose(s2sad.grad(hv)(x), 28.0 * V, rtol=1e-12)
