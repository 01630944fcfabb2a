"""``scatter_last``: an adjoint started as zeros with one item write, later added a whole
new array of its shape, starts as that array and takes the write after it.  Against
central differences and closed forms (the generated source makes no array of zeros for
the sort's adjoint); beside it, a gather with repeated indices next to a term whose
adjoint is broadcast from a row."""
import numpy as np

import s2sad
from gradcheck import check_grad


def picked_and_sorted(z, labels):
    """A label's score gathered (items written) and a sort's adjoint added."""
    n = z.shape[0]
    s = -np.sort(-z, axis=1)
    return np.sum(-z[np.arange(n), labels]) + np.sum(np.cumsum(s, axis=1) ** 2) * 0.1


def picked_and_squared(z, labels):
    """The same gather, a product's adjoint added (``2 * z``)."""
    return np.sum(np.tanh(z) ** 2) - np.sum(z[np.arange(z.shape[0]), labels] ** 3)


def picked_twice_and_row(z, idx, b):
    """Rows gathered with repeats (``idx`` names rows twice) and ``z * b`` of a row."""
    return np.sum(z[idx] ** 2) + np.sum(z * b)


def test_gather_then_sort_adjoint(rng):
    z, labels = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    g = check_grad(picked_and_sorted, z, labels)
    fn = s2sad.grad(picked_and_sorted)
    fn(z, labels)
    assert "zeros_like(z)" not in fn.source, fn.source
    assert g.shape == z.shape


def test_gather_then_product(rng):
    z, labels = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    g = check_grad(picked_and_squared, z, labels)
    closed = 2.0 * np.tanh(z) * (1.0 - np.tanh(z) ** 2)
    closed[np.arange(5), labels] -= 3.0 * z[np.arange(5), labels] ** 2
    np.testing.assert_allclose(g, closed, rtol=1e-10, atol=1e-12)


def test_repeated_rows_with_broadcast_row(rng):
    z, b = rng.standard_normal((6, 3)), rng.standard_normal(3)
    idx = np.array([0, 0, 3, 5, 3])
    g = check_grad(picked_twice_and_row, z, idx, b)
    closed = np.broadcast_to(b, z.shape).copy()
    np.add.at(closed, idx, 2.0 * z[idx])
    np.testing.assert_allclose(g, closed, rtol=1e-10, atol=1e-12)
