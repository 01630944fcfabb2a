"""``v * np.sign(v)`` in a product written ``np.abs(v)`` (``sign_products``): the
adjoint of a signed square ``c * v * np.abs(v)`` (a quadratic drag) reads ``|v|``, not
the sign and a remade ``c * v``.  Gradients against central differences (and the
closed form ``2 c |v|``), a data-dependent branch both ways; left alone where the
factor beside the sign is not a multiple of ``v``."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_code


def drag(k, c, x0, v0):
    x, v = x0, v0
    for _ in range(20):
        a = -k * x - c * v * np.abs(v)
        v = v + 0.05 * a
        x = x + 0.05 * v
    return np.sum(x * x) + 0.5 * np.sum(v * v)


def signed_square(w, x):
    return np.sum(w * x * np.abs(x))


def branch(c, v):
    for _ in range(12):
        a = -c * v * np.abs(v)
        if np.sum(v) > 0.0:  # (data dependent: both ways in the tests)
            a = a - 0.3
        else:
            a = a + np.tanh(v)
        v = v + 0.1 * a
    return np.sum(v * v)


V = np.array([0.7, -1.2, 0.3, -0.1, 2.0])


@pytest.mark.parametrize("f, args, wrt", [
    (drag, (0.8, 0.3, np.linspace(-1.0, 1.0, 6), np.linspace(0.5, -0.5, 6)), (0, 1, 2, 3)),
    (signed_square, (np.linspace(0.5, 1.5, 5), V), (0, 1)),
    (branch, (0.6, V), (0, 1)),
])
def test_sign_times_its_value_read_as_abs(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    assert "np.sign(" not in grad_code(f, *args, wrt=wrt)


def test_closed_form_and_the_other_branch():
    dw, dx = s2sad.grad(signed_square, wrt=(0, 1))(np.full(5, 0.5), V)
    np.testing.assert_allclose(dx, 2 * 0.5 * np.abs(V), rtol=1e-15)
    np.testing.assert_allclose(dw, V * np.abs(V), rtol=1e-15)
    check_grad(branch, 0.6, -V, wrt=(0, 1))  # (the sum negative: the tanh branch)
    check_grad(branch, 0.6, V + 1.0, wrt=(0, 1))  # (positive throughout)


def unrelated(u, v):
    return np.sum(u * np.abs(v))


def offset(c, v):
    m = c * v + 1.0
    return np.sum(m * np.abs(v))


@pytest.mark.parametrize("f", [unrelated, offset])
def test_left_alone_without_a_multiple_of_v(f):
    """``u * |v|``'s adjoint ``g * u * np.sign(v)`` and ``(c v + 1) |v|``'s keep the sign."""
    check_grad(f, np.linspace(0.2, 1.0, 5) if f is unrelated else 0.7, V, wrt=(0, 1))
    assert "np.sign(" in grad_code(f, np.linspace(0.2, 1.0, 5) if f is unrelated else 0.7,
                                   V, wrt=(0, 1))
