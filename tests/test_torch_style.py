"""Code in the style of PyTorch's OpInfo / gradcheck tests: each op at several sample
inputs, first and second order (gradgradcheck), against central differences in
float64.  Each case here was a failure of a probe in that style (helper 55), a silently
wrong number each: a keyword of the library function its rule or closed form ignored.
Three variations each."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

scipy_linalg = pytest.importorskip("scipy.linalg")

WEIGHTS = np.arange(9.0).reshape(3, 3)


def spd(rng, n=3):
    m = rng.standard_normal((n, n))
    return m @ m.T + n * np.eye(n)


def lower_of_spd(rng, n=3):
    """A symmetric positive definite lower triangle, anything above it."""
    a = spd(rng, n)
    a[np.triu_indices(n, 1)] += rng.standard_normal(n * (n - 1) // 2)
    return a


# ----- pinv(hermitian=True) reads the lower triangle only (eigh), as NumPy does -----


def pinv_hermitian(a):
    return np.sum(np.linalg.pinv(a, hermitian=True) * WEIGHTS)


def pinv_hermitian_batch(a):
    return np.sum(np.linalg.pinv(a, hermitian=True) ** 2)


def pinvh_upper(a):
    return np.sum(scipy_linalg.pinvh(a, lower=False) * WEIGHTS)


def test_pinv_hermitian_reads_the_lower_triangle(rng):
    a = lower_of_spd(rng)
    grad = check_grad(pinv_hermitian, a)
    assert np.all(grad[np.triu_indices(3, 1)] == 0.0)  # the triangle NumPy never reads
    check_jvp(pinv_hermitian, a, rng=rng)
    check_hessian(pinv_hermitian, a)


def test_pinv_hermitian_of_a_stack(rng):
    a = np.stack([lower_of_spd(rng), lower_of_spd(rng)])
    check_grad(pinv_hermitian_batch, a)
    check_vjp(pinv_hermitian_batch, a, rng=rng)
    check_jvp(pinv_hermitian_batch, a, rng=rng)


def test_pinvh_of_the_upper_triangle(rng):
    a = lower_of_spd(rng).T.copy()
    grad = check_grad(pinvh_upper, a)
    assert np.all(grad[np.tril_indices(3, -1)] == 0.0)
    check_jvp(pinvh_upper, a, rng=rng)
    check_hessian(pinvh_upper, spd(rng))


# ----- np.polyfit(w=): the weights were ignored; full= and cov= returned nonsense -----

XS = np.arange(5.0)
W = np.array([1.0, 2.0, 1.0, 3.0, 0.5])


def polyfit_weighted(y):
    return np.sum(np.polyfit(XS, y, 2, w=W) ** 2)


def polyfit_weights_differentiated(y, w):
    return np.sum(np.sin(np.polyfit(XS, y, 1, w=w)))


def polyfit_weighted_columns(y):
    return np.sum(np.polyfit(XS, y, 2, w=W) * np.array([[1.0, 2.0], [0.5, 1.0], [3.0, 1.0]]))


@pytest.mark.parametrize("f, shape", [(polyfit_weighted, (5,)),
                                      (polyfit_weighted_columns, (5, 2))])
def test_polyfit_with_weights(f, shape, rng):
    y = rng.standard_normal(shape)
    assert s2sad.value_and_grad(f)(y)[0] == pytest.approx(f(y), rel=1e-10)
    check_grad(f, y)
    check_jvp(f, y, rng=rng)


def test_polyfit_weights_are_differentiated(rng):
    y, w = rng.standard_normal(5), rng.uniform(0.5, 2.0, 5)
    check_grad(polyfit_weights_differentiated, y, w, wrt=(0, 1))
    check_jvp(polyfit_weights_differentiated, y, w, wrt=1, rng=rng)
    check_hessian(polyfit_weighted, y)


def polyfit_full(y):
    return np.sum(np.polyfit(XS, y, 2, full=True)[0] ** 2)


def polyfit_cov(y):
    return np.sum(np.polyfit(XS, y, 2, cov=True)[0] ** 2)


@pytest.mark.parametrize("f", [polyfit_full, polyfit_cov])
def test_polyfit_full_and_cov_are_refused_at_the_users_line(f, rng):
    line = inspect.getsourcelines(f)[1] + 1
    for derivative in (s2sad.grad(f), s2sad.hessian(f)):
        with pytest.raises(s2sad.DifferentiationError, match=f"test_torch_style.py:{line}: "
                           "np.polyfit with full=True or cov=True"):
            derivative(rng.standard_normal(5))


# ----- np.choose(mode=): 'wrap' and 'clip' indices were read as out of range (zeros) -----


def choose_wrap(x):
    return np.sum(np.choose(np.array([0, 3, -1]), [x, 2 * x, x ** 2], mode='wrap') ** 2)


def choose_clip(x):
    return np.sum(np.choose(np.array([0, 5, -1]), [x, 2 * x, x ** 2], mode='clip') ** 2)


def choose_raise(x):
    return np.sum(np.choose(np.array([2, 1, 0]), [x, 2 * x, x ** 2]) ** 2)


@pytest.mark.parametrize("f", [choose_wrap, choose_clip, choose_raise])
def test_choose_modes(f, rng):
    x = rng.standard_normal(3)
    assert s2sad.value_and_grad(f)(x)[0] == pytest.approx(f(x), rel=1e-12)
    check_grad(f, x)
    check_jvp(f, x, rng=rng)
    check_hessian(f, x)
