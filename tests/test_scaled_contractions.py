"""A sum of a product divided by a number, ``np.sum(x * y / c)``, contracted as the
product's contraction divided after, ``x @ y / c`` (``compiler/contractions.py``): the
adjoint of ``v = w / norm`` wrt the norm, a power iteration's every step, was three
passes over the vector and a sum.

Each against central differences; the source checked for the form, and a divisor
that is an array left a sum.
"""
import numpy as np

from gradcheck import check_grad, grad_source


def scaled_dot(x, y, c):
    return np.sum(x * y / c) ** 2


def scaled_rows(x, A, c):
    return np.sum(np.tanh(np.sum(x[:, None] * A / c, axis=0)))


def power(M, v):
    for _ in range(4):
        w = M @ v
        v = w / np.linalg.norm(w)
    return v @ M @ v


def by_array(x, y, z):
    return np.sum(x * y / z) ** 2


def test_a_dot_divided_by_a_number():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    for c in (0.7, -2.0):
        check_grad(scaled_dot, x, y, c, wrt=(0, 1, 2))
    code = grad_source(scaled_dot, x, y, 0.7, wrt=(0, 1, 2))
    assert "dc = -(ddiv @ div / c)" in code, code  # the adjoint of the divisor


def test_a_matrix_product_divided_by_a_number():
    rng = np.random.default_rng(1)
    x, A = rng.standard_normal(4), rng.standard_normal((4, 3))
    check_grad(scaled_rows, x, A, 1.5, wrt=(0, 1, 2))
    code = grad_source(scaled_rows, x, A, 1.5, wrt=(0, 1, 2))
    assert "np.vdot(ddiv, div) / c" in code, code  # (the rows pass: a flat dot)


def test_power_iteration_norm_adjoint_is_a_dot():
    rng = np.random.default_rng(2)
    B = rng.standard_normal((4, 4))
    M, v = B @ B.T, rng.standard_normal(4)
    check_grad(power, M, v, wrt=(0, 1))
    code = grad_source(power, M, v, wrt=(0, 1))
    assert "np.sum(" not in code and " @ v_1 / norm" in code, code


def test_an_array_divisor_is_left_a_sum():
    rng = np.random.default_rng(3)
    x, y, z = rng.standard_normal(4), rng.standard_normal(4), rng.uniform(1.0, 2.0, 4)
    check_grad(by_array, x, y, z, wrt=(0, 1, 2))
    assert "@" not in grad_source(by_array, x, y, z, wrt=(0, 1, 2))
