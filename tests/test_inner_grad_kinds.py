"""A gradient called inside a function differentiated again (a Hessian-vector product
written ``grad(lambda z: sum(grad(f)(z, A) * v))``) of an ``f`` that writes into a copy
of its argument (``m = x.copy(); m[mask] *= 2``): made for arguments of unknown kinds
it is refused (were ``x`` a list, its items would be written), so it is made for the
kinds the enclosing derivative was made for (its parameters passed straight on).
Checked against central differences of the gradient, and ``s2sad.hessian``."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian


def masked_writes(x, A):
    m = x.copy()
    m[m < -0.21] = x[-5]
    m[x > 0.36] *= 2.0
    b = np.array(m)
    np.subtract(b, x, out=b)
    G = np.zeros((6, 6))
    for i in range(6):
        for j in range(6):
            G[i, j] -= 0.34 * G[i, j - 1] + A[i, j] * b[j]
    return np.mean(b[2:] ** 2) + np.mean(G ** 2)


def element_loop(x, A):
    r = x.copy()
    for i in range(1, len(r)):
        r[i] = 0.6 * r[i] + 0.4 * np.tanh(r[i - 1])
    return np.sum((A @ r) ** 2)


def scan_with_a_rate(x, rate):
    y = np.array(x)
    y[0] *= rate
    for i in range(1, len(y)):
        y[i] += rate * y[i - 1] ** 2
    return np.sum(np.sin(y))


V = np.linspace(-1.0, 1.0, 6)


def hv_masked(z, A):
    return np.sum(s2sad.grad(masked_writes)(z, A) * V)


def hv_loop(z, A):
    return np.sum(s2sad.grad(element_loop)(z, A) * V)


def hv_rate(z, rate):
    return np.sum(s2sad.grad(scan_with_a_rate)(z, rate) * V)


@pytest.mark.parametrize("f, hv, other", [
    (masked_writes, hv_masked, np.arange(36.0).reshape(6, 6) / 36.0),
    (element_loop, hv_loop, np.eye(6) + 0.1),
    (scan_with_a_rate, hv_rate, 0.3),
])
@pytest.mark.parametrize("x", [np.linspace(-0.5, 0.7, 6), np.linspace(0.6, -0.4, 6)])
def test_hessian_vector_product_of_in_place_code(f, hv, other, x):
    got = s2sad.grad(hv)(x, other)
    g, h = s2sad.grad(f), 1e-5
    fd = (g(x + h * V, other) - g(x - h * V, other)) / (2 * h)
    np.testing.assert_allclose(got, fd, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got, s2sad.hessian(lambda z: f(z, other))(x) @ V,
                               rtol=1e-7, atol=1e-9)


# the module's arrays a gradient's generated code reads (``A.T @ g``): known to the
# derivative of that gradient too (its element reads ``dr[i]`` numbers, not views that
# the reverse sweep's ``dr[i] = 0.0`` would write into: was refused)
A_GLOBAL = np.eye(6) + 0.1
W_GLOBAL = np.linspace(0.5, 1.5, 6)


def loop_reading_a_global(x):
    r = x.copy()
    for i in range(1, len(r)):
        r[i] = 0.6 * r[i] + 0.4 * np.tanh(r[i - 1])
    return np.sum((A_GLOBAL @ r) ** 2)


def while_reading_a_global(x):
    r = x * W_GLOBAL
    i = 1
    while i < len(r):
        r[i] = r[i] * 0.5 + np.sin(r[i - 1]) * W_GLOBAL[i]
        i += 1
    return np.sum(r ** 2) + r @ (A_GLOBAL @ x)


def weights_of_a_global(x):
    out = np.zeros(6)
    for i in range(6):
        out[i] = np.exp(-W_GLOBAL[i] * x[i] ** 2)
    return np.sum(A_GLOBAL @ out)


@pytest.mark.parametrize("f", [loop_reading_a_global, while_reading_a_global,
                               weights_of_a_global])
def test_hessian_of_code_reading_global_arrays(f):
    check_hessian(f, np.linspace(-0.5, 0.7, 6))


# arguments of other kinds beside them (a tuple, a list, a dict of parameters): the
# gradient is made for the kinds known (the arrays and numbers), the others stay of
# unknown kinds (it was refused for all unknown: random programs, second order)
def copy_and_a_tuple(x, T):
    r = x.copy()
    r[0] += T[0][2] * T[1]
    return np.sum(np.tanh(r)) + np.sum(x ** 3)


def copy_and_a_dict(x, D):
    r = np.array(x)
    r[1:] *= D["s"]
    return np.sum(np.sin(r)) + x @ D["w"] + np.sum(x ** 4)


def copy_and_a_list_branch(x, P):
    m = x.copy()
    if x[0] > P[1][0]:
        m[m > 0] *= P[0][0]
    else:
        m[0] = P[1][1] * x[1]
    return np.sum(m ** 3) + np.sum(x * x * m)


def aliases_beside_a_tuple(x, pair):
    b = pair[0][:6] * x + 0.0
    a = b
    a *= b[0]
    c = b
    c[-1] = 0.5 * a[0]
    return np.sum(b ** 2) + np.sum(np.sin(a * x))


def aliases_beside_a_dict(x, D):
    b = D["w"] * x + 0.0
    a = b
    a *= D["s"]
    return np.sum(b ** 3) + x @ a


def aliases_beside_a_list_branch(x, P):
    b = P[0][0] * x
    a = b
    if b[0] > P[1][0]:
        a *= b[1]
    else:
        a += P[1][1] * x
    return np.sum(b ** 3) + np.sum(np.tanh(a))


def hv_containers(f):
    def hv(x, other):
        return np.sum(s2sad.grad(f)(x, other) * V)
    return hv


CONTAINERS = {
    "tuple": (copy_and_a_tuple, (np.array([0.3, -0.5, 0.5]), 1.1)),
    "dict": (copy_and_a_dict, {"s": 1.3, "w": np.linspace(0.2, -0.4, 6)}),
    "list": (copy_and_a_list_branch, [np.array([0.7, 0.2]), np.array([0.0, 0.9])]),
    # (the kinds of the container's items known: an alias of an array, not of a list)
    "aliases tuple": (aliases_beside_a_tuple, (np.linspace(0.3, 1.2, 7), 1.1)),
    "aliases dict": (aliases_beside_a_dict, {"s": 1.3, "w": np.linspace(0.2, -0.4, 6)}),
    "aliases list": (aliases_beside_a_list_branch, [np.array([0.7, 0.2]), np.array([0.0, 0.9])]),
}


@pytest.mark.parametrize("name", sorted(CONTAINERS))
@pytest.mark.parametrize("x", [np.linspace(-0.5, 0.7, 6), np.linspace(0.6, -0.45, 6)])
def test_hessian_vector_product_beside_containers(name, x):
    f, other = CONTAINERS[name]
    hv = hv_containers(f)
    got = s2sad.grad(hv)(x, other)
    g, h = s2sad.grad(f), 1e-5
    fd = (g(x + h * V, other) - g(x - h * V, other)) / (2 * h)
    np.testing.assert_allclose(got, fd, rtol=1e-5, atol=1e-7)
    check_grad(hv, x, other, wrt=1)  # (the mixed derivative, into the container)


def writes_into_the_list(P, x):
    """``m = P.copy(); m[0] += x`` adds into the array the list ``P`` holds (Python):
    P's kind is not known, so this stays refused or is right, never silently wrong."""
    m = P.copy()
    m[0] += x
    return np.sum(m[0] ** 2) + np.sum(P[0] * x)


def test_a_list_argument_written_through_its_copy():
    P = [np.array([0.3, -0.5, 0.5, 0.1, 0.2, 0.3])]
    x = np.linspace(-0.5, 0.7, 6)

    def hv(x, P):
        return np.sum(s2sad.grad(writes_into_the_list, wrt=1)(P, x) * V)
    try:
        got = s2sad.grad(hv)(x, [P[0].copy()])
    except s2sad.DifferentiationError:
        return
    g, h = s2sad.grad(writes_into_the_list, wrt=1), 1e-5
    fd = (g([P[0].copy()], x + h * V) - g([P[0].copy()], x - h * V)) / (2 * h)
    np.testing.assert_allclose(got, fd, rtol=1e-5, atol=1e-7)
