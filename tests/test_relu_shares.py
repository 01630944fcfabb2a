"""A ReLU's share dropped where the adjoint it scales is a multiple of the ReLU's value
(compiler/relu_shares.py): ``np.sum(np.maximum(x, 0.0) ** 2)`` differentiated as
``2 * h``, against central differences and closed forms, both sides of the kink."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_code


def squared_hinge(w, X, y):
    margin = 1.0 - y * (X @ w)
    h = np.maximum(margin, 0.0)
    return np.mean(h ** 2)


def relu_energy(x):
    h = np.maximum(0.0, x)
    return 0.5 * np.sum(h * h)


def clipped_below(x):
    m = np.minimum(x, 0.0)
    return np.sum(m ** 2) + np.sum(x)


def rebound_after(x):
    h = np.maximum(x, 0.0)
    x = x * 2.0
    return np.sum(h ** 2) + np.sum(x)


@pytest.mark.parametrize("f", [relu_energy, clipped_below, rebound_after])
def test_share_dropped(rng, f) -> None:
    x = rng.standard_normal(9)  # (both sides of the kink)
    check_grad(f, x)
    check_jvp(f, x, rng=rng)
    assert "_share" not in grad_code(f, x)


def test_squared_hinge(rng) -> None:
    X, y = rng.standard_normal((12, 3)), np.sign(rng.standard_normal(12))
    w = 0.5 * rng.standard_normal(3)
    check_grad(squared_hinge, w, X, y, wrt=(0, 1))
    margin = 1.0 - y * (X @ w)
    expected = -X.T @ (2.0 * np.maximum(margin, 0.0) * y) / 12
    np.testing.assert_allclose(s2sad.grad(squared_hinge)(w, X, y), expected, rtol=1e-12)
    assert "_share" not in grad_code(squared_hinge, w, X, y)


def test_ties_and_signs() -> None:
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(s2sad.grad(relu_energy)(x), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(s2sad.grad(clipped_below)(x), [-3.0, 1.0, 1.0])


def written_between(x):
    h = np.maximum(x, 0.0)
    y = x.copy()
    y[0] = 5.0
    return np.sum(h * y)


def test_share_kept_where_not_a_multiple(rng) -> None:
    """``h * y``'s adjoint for ``x`` is ``share * y``: not a multiple of ``h``."""
    x = rng.standard_normal(6)
    check_grad(written_between, x)
    assert "_share" in grad_code(written_between, x)
