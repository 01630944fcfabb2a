"""A write into an array's transpose (``a.T[1] = v``, ``a.T[0] += w``): NumPy writes
into ``a``'s memory.  Normalized as the transpose written, then all of ``a`` written
from it (``a[...] = updated.T``), so the alias stage sees a write into ``a``: names
sharing ``a`` are bound again, views of it taken again.  (It was refused as an
assignment target before.)  Each against central differences in both modes."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def column_through_transpose(x):
    a = x * 1.0
    a.T[1] = x[:, 0] * 3
    return np.sum(a ** 2)


def added_through_transpose_of_an_alias(x):
    a = x * 1.0
    b = a
    a.T[0] += x[:, 1] ** 2
    return np.sum(b * x)


def transpose_of_a_slice(x):
    a = np.tanh(x)
    c = a[1:]
    c.T[:, 0] = x[0] ** 2
    return np.sum(a * x)


def row_view_read_after(x):
    a = x * 1.0
    v = a[0]
    a.T[2, :] = 0.5 * x[:, 3]
    return np.sum(v * x[1])


X = np.random.default_rng(17).standard_normal((4, 5))


@pytest.mark.parametrize("f", [column_through_transpose, added_through_transpose_of_an_alias,
                               transpose_of_a_slice, row_view_read_after])
def test_writes_into_a_transpose(f) -> None:
    check_grad(f, X)
    check_jvp(f, X)


def test_column_through_transpose_closed_form() -> None:
    a = X.copy()
    a[:, 1] = 3 * X[:, 0]
    expected = 2 * a
    expected[:, 1] = 0.0
    expected[:, 0] += 2 * a[:, 1] * 3
    np.testing.assert_allclose(s2sad.grad(column_through_transpose)(X), expected, rtol=1e-12)


def test_the_argument_is_not_changed() -> None:
    x = X.copy()
    s2sad.grad(added_through_transpose_of_an_alias)(x)
    np.testing.assert_array_equal(x, X)
