"""``runtime.undiff``, the adjoint of ``np.diff``, written in one pass into an empty
array: checked against the transpose of the difference matrix (the closed form of the
adjoint of a linear map) along each axis, for repeated differences and empty ones,
and through gradients of user code against central differences."""
import numpy as np
import pytest

from gradcheck import check_grad
from s2sad.runtime import undiff


def _difference_adjoint(g: np.ndarray, length: int, n: int, axis: int) -> np.ndarray:
    """``D^T g`` with ``D`` the ``n``-th difference matrix along ``axis``."""
    D = np.eye(length)
    for _ in range(n):
        D = D[1:] - D[:-1]
    return np.moveaxis(np.tensordot(D.T, np.moveaxis(g, axis, 0), axes=1), 0, axis)


@pytest.mark.parametrize("shape, n, axis", [((9,), 1, -1), ((6, 5), 1, 0), ((4, 7), 2, -1),
                                            ((3, 4, 5), 3, 1), ((1,), 1, -1),
                                            ((2, 1), 1, 1), ((3,), 3, 0)])
def test_transpose_of_the_difference_matrix(rng, shape, n, axis) -> None:
    a = rng.standard_normal(shape)
    g = rng.standard_normal(np.diff(a, n, axis).shape)
    got = undiff(g, a, n, axis)
    assert got.shape == a.shape
    np.testing.assert_allclose(got, _difference_adjoint(g, shape[axis], n, axis),
                               rtol=1e-13, atol=1e-13)


def smoothness(steps, target, lam):
    path = np.cumsum(steps)
    return np.sum((path - target) ** 2) + lam * np.sum(np.diff(steps) ** 2)


def second_differences(X):
    return np.sum(np.sin(np.diff(X, 2, axis=0)))


def test_gradients_through_diff(rng) -> None:
    check_grad(smoothness, rng.standard_normal(12), rng.standard_normal(12), 0.5,
               wrt=(0, 1, 2))
    check_grad(second_differences, rng.standard_normal((6, 3)))
