"""Products sharing a name in one adjoint's sum multiplied once (``g * b - g * a`` as
``g * (b - a)``, :mod:`s2sad.compiler.common_factors`): the adjoint of a blend weight in
linear and bilinear interpolation; and the dtypes that let an image warp's adjoint go
without casts (``np.meshgrid`` of ``np.arange``, ``np.clip``, ``astype(int)``, a clip's
mask).  Checked against central differences, with broadcasting shapes, a factor on
either side, terms that share no name (left alone), the user's own forward sums (left
alone), and second order."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import EPS, check_grad, check_jvp, grad_code


def lerp(w, a, b):
    """A blend of two arrays by a weight array."""
    return np.sum(np.sin((1.0 - w) * a + w * b))


def lerp_broadcast(w, a, b):
    """A weight per row, ``a`` per column: the products broadcast (rows x columns)."""
    mixed = (1.0 - w[:, None]) * a[None, :] + w[:, None] * b
    return np.sum(mixed * mixed)


def sided(w, a, b):
    """The shared factor on either side of its products, and a term sharing nothing."""
    return np.sum(np.cos(a * w - w * b + a * b))


def user_products(x, a, b):
    """The user's own ``x * a - x * b`` is the forward code: kept as written."""
    z = x * a - x * b
    return np.sum(z * z)


def warp(img, fx, fy):
    """Bilinear sampling of an image at displaced points (four gathers, a clip)."""
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    x = np.clip(xs + fx, 0.0, W - 1.001)
    y = np.clip(ys + fy, 0.0, H - 1.001)
    x0 = np.floor(x).astype(int)
    y0 = np.floor(y).astype(int)
    wx, wy = x - x0, y - y0
    top = img[y0, x0] * (1.0 - wx) + img[y0, x0 + 1] * wx
    bottom = img[y0 + 1, x0] * (1.0 - wx) + img[y0 + 1, x0 + 1] * wx
    return np.sum((top * (1.0 - wy) + bottom * wy) ** 2)


@pytest.mark.parametrize("shape", [(7,), (3, 4)])
def test_lerp(shape):
    rng = np.random.default_rng(0)
    w, a, b = (rng.standard_normal(shape) for _ in range(3))
    check_grad(lerp, w, a, b, wrt=(0, 1, 2))
    check_jvp(lerp, w, a, b, wrt=(0, 1, 2))
    code = grad_code(lerp, w, a, b, wrt=(0, 1, 2))
    assert "* (b - a)" in code or "* (a - b)" in code or "(b - a) *" in code


def test_broadcast_shapes():
    rng = np.random.default_rng(1)
    w, a, b = rng.standard_normal(5), rng.standard_normal(4), rng.standard_normal((5, 4))
    check_grad(lerp_broadcast, w, a, b, wrt=(0, 1, 2))


def test_factor_on_either_side_and_terms_sharing_nothing():
    rng = np.random.default_rng(2)
    w, a, b = (rng.standard_normal(6) for _ in range(3))
    check_grad(sided, w, a, b, wrt=(0, 1, 2))
    check_jvp(sided, w, a, b, wrt=(0, 1, 2))


def test_the_forward_products_are_the_users():
    rng = np.random.default_rng(3)
    x, a, b = (rng.standard_normal(5) for _ in range(3))
    check_grad(user_products, x, a, b, wrt=(0, 1, 2))
    assert "z = x * a - x * b" in grad_code(user_products, x, a, b, wrt=(0, 1, 2))


def test_second_order_of_the_blend():
    rng = np.random.default_rng(4)
    w, a, b = (rng.standard_normal(4) for _ in range(3))
    v = rng.standard_normal(4)
    grad = s2sad.grad(lerp)
    _, tangent = s2sad.jvp(grad)(w, a, b, v)
    expected = (grad(w + EPS * v, a, b) - grad(w - EPS * v, a, b)) / (2 * EPS)
    np.testing.assert_allclose(tangent, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("scale", [0.3, 2.5])  # (small and large displacements: clipped)
def test_image_warp(scale):
    rng = np.random.default_rng(5)
    img = rng.standard_normal((6, 7))
    fx, fy = scale * rng.standard_normal((6, 7)), scale * rng.standard_normal((6, 7))
    fx, fy = fx + 0.013, fy + 0.017  # (no point on a pixel's edge: floor is smooth there)
    check_grad(warp, img, fx, fy, wrt=(0, 1, 2))
    code = grad_code(warp, img, fx, fy, wrt=(0, 1, 2))
    assert "take_flat" in code
    assert "cast_like" not in code  # (np.arange real: the displacements' adjoints float64)
