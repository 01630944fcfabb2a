"""compiler/alias.py ``as_is``: ``np.asarray(a)`` of a NumPy array is ``a`` itself, so
a write through either name is seen by the other (bound again after the write, as for
``b = a``), where a view of ``a`` would be refused."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def asarray_written(x):
    a = np.tanh(x)
    b = np.asarray(a)
    b[1] = 3.0 * x[0]
    return np.sum(a * x)


def asanyarray_scaled(x):
    a = x * 2.0
    b = np.asanyarray(a)
    b *= x
    return np.sum(a ** 2) + np.sum(b)


def asarray_of_argument_row(A, x):
    r = A @ x
    s = np.asarray(r)
    s[0] += np.sum(x)
    return np.sum(r * r)


def asarray_of_a_product(x):
    b = np.asarray(x * 1.0)  # (a new array: x is not changed)
    b[0] = 5.0
    return np.sum(b * x)


@pytest.mark.parametrize("fn, args", [
    (asarray_written, (np.array([0.3, -1.2, 2.0]),)),
    (asanyarray_scaled, (np.array([0.3, -1.2, 2.0]),)),
    (asarray_of_argument_row, (np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([0.7, -0.2]))),
    (asarray_of_a_product, (np.array([0.4, -1.3]),)),
])
def test_asarray_shares_its_array(fn, args) -> None:
    check_grad(fn, *args, wrt=tuple(range(len(args))))


def test_a_closed_form() -> None:
    x = np.array([0.3, -1.2, 2.0])
    # a = tanh(x) with a[1] = 3 x0: f = tanh(x0) x0 + 3 x0 x1 + tanh(x2) x2
    t = np.tanh(x)
    expected = np.array([t[0] + x[0] * (1 - t[0] ** 2) + 3 * x[1], 3 * x[0],
                         t[2] + x[2] * (1 - t[2] ** 2)])
    np.testing.assert_allclose(s2sad.grad(asarray_written)(x), expected, rtol=1e-12)


def asarray_in_a_helper(x):
    def clamp_first(a):
        b = np.asarray(a)
        b[0] = np.tanh(b[0])
        return b
    y = x * 2.0
    clamp_first(y)
    return np.sum(y * x)


def asarray_in_a_branch(x):
    a = x ** 2
    b = np.asarray(a)
    if x[0] > 0:
        b *= x
    else:
        b[1] = x[2] * 3.0
    return np.sum(a)


@pytest.mark.parametrize("fn, x", [
    (asarray_written, np.array([0.3, -1.2, 2.0])),
    (asarray_in_a_helper, np.array([0.3, -1.2, 2.0])),
    (asarray_in_a_branch, np.array([0.3, -1.2, 2.0])),
    (asarray_in_a_branch, np.array([-0.3, -1.2, 2.0])),
])
def test_forward_and_second_order(fn, x) -> None:
    check_grad(fn, x)
    check_jvp(fn, x)
    check_hessian(fn, x)
