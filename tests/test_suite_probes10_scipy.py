"""Probes in the style of JAX's scipy tests (jax.scipy.linalg's Lyapunov solvers,
jax.scipy.signal's convolutions; helper `suite`, session 47, continued from
test_suite_probes10): functions refused for want of a rule, three variations each,
checked against central differences in float64, SciPy's own values, and a closed form
where there is one."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

sl = pytest.importorskip("scipy.linalg")
sg = pytest.importorskip("scipy.signal")


def _stable(rng, n):
    a = rng.standard_normal((n, n))
    return -(a @ a.T + n * np.eye(n))


def continuous(a, q):
    return np.sum(np.sin(sl.solve_continuous_lyapunov(a, q)))


def discrete(a, q):
    return np.sum(np.sin(sl.solve_discrete_lyapunov(a, q)))


def discrete_bilinear(a, q):
    return np.sum(sl.solve_discrete_lyapunov(a, q, method="bilinear") ** 2)


@pytest.mark.parametrize("f, shrink", [(continuous, None), (discrete, 0.3),
                                       (discrete_bilinear, 0.3)])
def test_lyapunov_solvers(f, shrink, rng):
    a = _stable(rng, 3) if shrink is None else shrink * rng.standard_normal((3, 3))
    q = rng.standard_normal((3, 3))
    check_grad(f, a, q, wrt=(0, 1))
    check_jvp(f, a, q, wrt=(0, 1))


def test_continuous_lyapunov_closed_form(rng):
    """d/dQ <G, X> is L with A^T L + L A = G; d/dA is -(L X^T + L^T X)."""
    a, q, g = _stable(rng, 3), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))

    def weighted(a, q):
        return np.sum(g * sl.solve_continuous_lyapunov(a, q))
    x = sl.solve_continuous_lyapunov(a, q)
    lam = sl.solve_continuous_lyapunov(a.T, g)
    da, dq = s2sad.grad(weighted, wrt=(0, 1))(a, q)
    np.testing.assert_allclose(dq, lam, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(da, -(lam @ x.T + lam.T @ x), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(s2sad.value_and_grad(weighted)(a, q)[0], np.sum(g * x))


def full_overlap_add(a, b):
    return np.sum(sg.oaconvolve(a, b) ** 2)


def same_overlap_add(a, b):
    return np.sum(np.sin(sg.oaconvolve(a, b, mode="same")))


def valid_overlap_add_2d(a, b):
    return np.sum(np.tanh(sg.oaconvolve(a, b, mode="valid")))


@pytest.mark.parametrize("f, shapes", [(full_overlap_add, ((5,), (3,))),
                                       (same_overlap_add, ((6,), (3,))),
                                       (valid_overlap_add_2d, ((4, 5), (2, 2)))])
def test_overlap_add_convolution(f, shapes, rng):
    a, b = (rng.standard_normal(s) for s in shapes)
    check_grad(f, a, b, wrt=(0, 1))
    check_jvp(f, a, b, wrt=(0, 1))


def test_overlap_add_closed_form(rng):
    """d/da sum(conv(a, b) * w) is the correlation of w with b."""
    a, b, w = rng.standard_normal(5), rng.standard_normal(3), rng.standard_normal(7)

    def weighted(a):
        return np.sum(sg.oaconvolve(a, b) * w)
    np.testing.assert_allclose(s2sad.grad(weighted)(a), np.correlate(w, b, "valid"),
                               rtol=1e-10, atol=1e-12)


# ----- scipy.linalg.pinv (wrapped by SciPy's batching decorator, which s2sad cannot
# read through: refused), through np.linalg.pinv -----


def pinv_wide(a):
    return np.sum(np.sin(sl.pinv(a)))


def pinv_projection(a):
    return np.sum((sl.pinv(a) @ a) ** 2 * np.arange(1.0, 4.0))


def pinv_square(a):
    return np.sum(sl.pinv(a) * a)


@pytest.mark.parametrize("f, shape", [(pinv_wide, (3, 4)), (pinv_projection, (5, 3)),
                                      (pinv_square, (3, 3))])
def test_scipy_pinv(f, shape, rng):
    a = rng.standard_normal(shape) + (2 * np.eye(3) if shape == (3, 3) else 0)
    check_grad(f, a)
    check_jvp(f, a)


def test_scipy_pinv_closed_form_and_refusal(rng):
    """Of an invertible a: pinv is inv, and d sum(inv(a) * w) = -inv(a)^T w inv(a)^T."""
    a, w = rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.standard_normal((3, 3))

    def weighted(a):
        return np.sum(sl.pinv(a) * w)
    inv_t = np.linalg.inv(a).T
    np.testing.assert_allclose(s2sad.grad(weighted)(a), -inv_t @ w @ inv_t, rtol=1e-9)

    def cut(a):
        return np.sum(sl.pinv(a, rtol=1e-3))
    with pytest.raises(s2sad.DifferentiationError, match="default tolerances"):
        s2sad.grad(cut)(a)
