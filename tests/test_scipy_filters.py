"""SciPy's linear filters along axes (``rules/scipy_filters_through.py``):
``scipy.ndimage.gaussian_filter`` / ``gaussian_filter1d`` / ``uniform_filter`` /
``uniform_filter1d`` and ``scipy.signal.savgol_filter``, refused before (no rule).  Each
along an axis is the matrix of its map (the filter of the identity); against central
differences, a closed form (a symmetric circulant filter is its own transpose), the
boundary modes, ``cval`` (an affine part, no derivative) and the refused options."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

ndimage = pytest.importorskip("scipy.ndimage")
signal = pytest.importorskip("scipy.signal")

IMG = np.random.default_rng(0).standard_normal((5, 6))
SIG = np.random.default_rng(1).standard_normal(11)
C = np.linspace(-1.0, 2.0, 11)


def blurred(img):
    out = ndimage.gaussian_filter(img, sigma=(1.0, 0.7), mode="constant", cval=0.5)
    return np.sum(out ** 2)


def wrapped_mean(y):
    return np.sum(C * ndimage.uniform_filter1d(y, 3, mode="wrap"))


def smoothed_slope(y):
    return np.sum(signal.savgol_filter(y, 5, 2, deriv=1) ** 2) + \
        np.sum(ndimage.gaussian_filter1d(y, 1.5, order=1) * C)


def test_blurred_image():
    value, _ = s2sad.value_and_grad(blurred)(IMG)
    assert value == pytest.approx(blurred(IMG))
    check_grad(blurred, IMG)
    check_jvp(blurred, IMG)


def test_a_symmetric_circulant_filter_is_its_own_transpose():
    np.testing.assert_allclose(s2sad.grad(wrapped_mean)(SIG),
                               ndimage.uniform_filter1d(C, 3, mode="wrap"), rtol=1e-12)
    check_grad(wrapped_mean, SIG)


def test_savgol_and_gaussian_derivative_filters():
    check_grad(smoothed_slope, SIG)
    check_grad(cubed_uniform, IMG)


def cubed_uniform(img):
    return np.sum(ndimage.uniform_filter(img, size=(3, 2), mode="nearest") ** 3)


def into_output(img):
    out = np.empty_like(img)
    ndimage.gaussian_filter(img, 1.0, output=out)
    return np.sum(out)


def test_output_is_refused_at_the_users_line():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_scipy_filters.py:\d+"):
        s2sad.grad(into_output)(IMG)
