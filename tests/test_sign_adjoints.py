"""``np.sign``'s adjoint of a real value is zero (flat off the complex plane): written as
zeros where the value is known real (plain_calls), which lets the shape facts through the
loop of a soft-thresholding (ISTA) step; a complex value keeps the helper.  Against
central differences, and the complex case against its closed form."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def soft_threshold_steps(lam, X, y):
    w = np.zeros(X.shape[1])
    for _ in range(4):
        z = w - 0.1 * (X.T @ (X @ w - y))
        w = np.sign(z) * np.maximum(np.abs(z) - 0.1 * lam, 0.0)
    return np.sum((X @ w - y) ** 2)


def sign_times(x):
    return np.sum(np.sign(x) * x ** 2) + np.sign(x[0]) * x[1]


def sign_of_matrix(A):
    return np.sum((np.sign(A @ A.T - 0.5) @ A) ** 2)


@pytest.mark.parametrize("f, make", [
    (sign_times, lambda r: (r.standard_normal(6),)),
    (sign_of_matrix, lambda r: (r.standard_normal((3, 4)),))])
def test_sign_of_real_values(f, make, rng):
    args = make(rng)
    check_grad(f, *args)
    check_jvp(f, *args)
    g = s2sad.grad(f)
    g(*args)
    assert "sign_adjoint" not in g.source


def test_soft_thresholding_loop(rng):
    X, y = rng.standard_normal((8, 5)), rng.standard_normal(8)
    check_grad(soft_threshold_steps, 0.3, X, y, wrt=(0, 1, 2))
    g = s2sad.grad(soft_threshold_steps, wrt=(0, 1, 2))
    g(0.3, X, y)
    assert "sign_adjoint" not in g.source and "unbroadcast" not in g.source


def test_sign_hessian(rng):
    check_hessian(sign_times, rng.standard_normal(5))


def test_complex_sign_keeps_its_adjoint():
    """sign(z) = z / |z| of a complex z: d/dx Re(sign(x + 1j)) = 1/|z| - x^2/|z|^3."""
    def real_part(x):
        return np.real(np.sign(x + 1j))
    x = 0.7
    expected = 1 / np.hypot(x, 1) - x * x / np.hypot(x, 1) ** 3
    np.testing.assert_allclose(s2sad.grad(real_part)(x), expected, rtol=1e-10)
