"""The adjoint of a short vector read item by item (``w, x, y, z = q``) built as one
display, ``np.array([dw, dx, dy, dz], q.dtype)`` (late pass ``assemble``), not zeros and
an item update per position; and the shape of ``np.concatenate([[0.0], v])`` known (a
list display is the array NumPy makes of it), so the helpers it reads are plain.  Every
case against central differences, in both modes, and the Hessian."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_source


def qmul(q, r):
    w1, x1, y1, z1 = q
    w2, x2, y2, z2 = r
    return np.array([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
                     w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
                     w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2])


def rotate(v, a):
    """A vector rotated by a quaternion made from the angles ``a``."""
    q = np.array([np.cos(a[0]), np.sin(a[0]), 0.0, 0.0])
    q = qmul(q, np.array([np.cos(a[1]), 0.0, np.sin(a[1]), 0.0]))
    qv = np.concatenate([[0.0], v])
    out = qmul(qmul(q, qv), q * np.array([1.0, -1.0, -1.0, -1.0]))
    return np.sum(out[1:] * np.array([1.0, 2.0, 3.0]))


def chain(a, v):
    """Products in a loop: the carried quaternion's adjoint a display every trip."""
    q = np.array([1.0, 0.0, 0.0, 0.0])
    for i in range(a.shape[0]):
        q = qmul(q, np.array([np.cos(a[i]), np.sin(a[i]) * v[0], np.sin(a[i]) * v[1],
                              np.sin(a[i]) * v[2]]))
    return q[0] * q[1] + q[2] ** 2 - q[3]


def some_items(a):
    """Items not all read (the display's gaps are zeros), one read twice."""
    p = np.array([a[0] * a[1], np.sin(a[0]), a[1] ** 2])
    x, y, z = p
    return x * y + x * x + np.exp(z)


def branch(a, flag):
    """Which items reach the output depends on a branch: both taken in the tests."""
    p = np.array([np.sin(a[0]), a[0] * a[1], np.cos(a[1])])
    x, y, z = p
    if flag > 0:
        return x * y
    return y * z + x


def test_rotate():
    rng = np.random.default_rng(0)
    v, a = rng.standard_normal(3), rng.standard_normal(2)
    check_grad(rotate, v, a, wrt=(0, 1))
    check_jvp(rotate, v, a, wrt=(0, 1))
    check_hessian(lambda a: rotate(np.array([0.3, -0.2, 0.5]), a), a)
    source = grad_source(rotate, v, a, wrt=(0, 1))
    assert "unbroadcast" not in source
    assert source.count(".dtype)") == 5  # (np.array([dw, dx, dy, dz], q.dtype); not
    # the adjoint of qv, whose length is v's plus one: not known to be 4)


def test_chain():
    rng = np.random.default_rng(1)
    a, v = rng.standard_normal(5), rng.standard_normal(3)
    check_grad(chain, a, v, wrt=(0, 1))
    check_jvp(chain, a, v, wrt=(0, 1))
    check_hessian(lambda a: chain(a, np.array([0.6, 0.0, 0.8])), a)


def test_some_items():
    a = np.array([0.4, -0.7])
    check_grad(some_items, a)
    check_jvp(some_items, a)
    check_hessian(some_items, a)


@pytest.mark.parametrize("flag", [1.0, -1.0])
def test_branch(flag):
    a = np.array([0.4, -0.7])
    check_grad(branch, a, flag)
    check_jvp(branch, a, flag)
    check_hessian(lambda a: branch(a, flag), a)


def test_float32_vector():
    """A float32 vector's adjoint stays float32 (the display takes its dtype)."""
    a = np.array([0.4, -0.7], dtype=np.float32)
    from s2sad import grad
    g = grad(some_items)(a)
    assert g.dtype == np.float32
    expected = check_grad(some_items, a.astype(np.float64), rtol=1e-4)
    np.testing.assert_allclose(g, expected, rtol=1e-5)


def item_twice(a):
    """An item read twice (its adjoint added twice: summed in the display)."""
    p = np.array([a[0] * a[1], np.sin(a[0]), a[1] ** 2])
    return p[0] * p[1] + 3.0 * p[0] + p[2] * p[0]


def test_item_twice():
    a = np.array([0.4, -0.7])
    check_grad(item_twice, a)
    check_jvp(item_twice, a)
    check_hessian(item_twice, a)
