"""Second order through in-place element writes in loops: the gradient's own tape (a
list of tuples pushed and popped) is read back when the gradient is differentiated
again, and the shapes of what it pops must be known, or a read of an element
(``ddiv = du[i]``) looks like a view of the adjoint written next (it was refused,
naming a line of the generated code).  Hessians against central differences of the
gradient (checked itself against differences of the function) and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian
from test_final_elements import user_tape  # (the user's own stack of tuples)


def gauss_seidel(A):
    u = np.zeros(3)
    b = np.array([1.0, 2.0, 3.0])
    M = A + 4 * np.eye(3)
    for _ in range(3):
        for i in range(3):
            s = b[i] - M[i] @ u + M[i, i] * u[i]
            u[i] = s / M[i, i]
    return np.sum(u ** 2)


def squares_carried(x):
    y = x.copy()
    k = 0
    while k < x.shape[0] - 1:
        y[k + 1] += y[k] * y[k]
        k += 1
    return np.sum(y ** 2)


def thomas(d):
    """A tridiagonal solve (forward elimination, back substitution) in element loops."""
    n = d.shape[0]
    c = np.full(n, 0.5)
    b = d + 4.0
    rhs = np.linspace(1.0, 2.0, n)
    for i in range(1, n):
        w = 1.0 / b[i - 1]
        b[i] = b[i] - w * c[i - 1]
        rhs[i] = rhs[i] - w * rhs[i - 1]
    u = np.zeros(n)
    u[n - 1] = rhs[n - 1] / b[n - 1]
    for i in range(n - 2, -1, -1):
        u[i] = (rhs[i] - c[i] * u[i + 1]) / b[i]
    return u @ u


def clipped_writes(x):
    y = x.copy()
    for i in range(x.shape[0]):
        if y[i] > 0.2:
            y[i] = y[i] ** 3
        else:
            y[i] = np.sin(y[i]) * y[0]
    return np.sum(y * x)


RNG = np.random.default_rng(7)


@pytest.mark.parametrize("f, x", [
    (gauss_seidel, RNG.standard_normal((3, 3))),
    (squares_carried, np.array([0.3, -0.7, 0.5, 1.1])),
    (thomas, np.array([0.1, -0.4, 0.3, 0.2, -0.1])),
    (clipped_writes, np.array([0.5, -0.3, 0.9, 0.1])),    # both branches
    (clipped_writes, np.array([0.5, 0.3, 0.9, 0.7])),     # only the first
    (clipped_writes, np.array([-0.5, 0.1, -0.9, 0.0])),   # only the second
    (user_tape, np.array([0.3, -0.7, 0.5, 1.1])),
], ids=["gauss_seidel", "squares_carried", "thomas", "clip_both", "clip_then",
        "clip_else", "user_tape"])
def test_hessian_through_element_writes(f, x):
    check_grad(f, x)
    check_hessian(f, x)


def test_hessian_of_a_carried_square_closed_form():
    # y1 = x1 + x0**2, f = x0**2 + y1**2
    x0, x1 = 0.7, -0.4
    H = s2sad.hessian(squares_carried)(np.array([x0, x1]))
    y1 = x1 + x0 ** 2
    expected = np.array([[2 + 8 * x0 ** 2 + 4 * y1, 4 * x0], [4 * x0, 2.0]])
    np.testing.assert_allclose(H, expected, rtol=1e-12, atol=1e-12)


def test_grad_of_grad_through_element_writes():
    v = np.array([1.0, -2.0, 0.5, 0.25])

    def directional(x):
        return s2sad.grad(squares_carried)(x) @ v

    x = np.array([0.3, -0.7, 0.5, 1.1])
    H = s2sad.hessian(squares_carried)(x)
    np.testing.assert_allclose(s2sad.grad(directional)(x), H @ v, rtol=1e-10, atol=1e-12)
