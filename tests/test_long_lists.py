"""A long list of arrays of one shape (more than call_kinds.MAX_HELD items: a time
series of vectors) gets code for its items' shape, as an array argument does
(``dims.Elements``), for every length; items of another shape, or of mixed shapes, get
a variant of their own.  Gradients against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp, grad_source, numerical_grad


def recurrent(W, xs):
    h = np.zeros(W.shape[0])
    for x in xs:
        h = np.tanh(W @ h + x)
    return np.sum(h ** 2)


def weighted(w, xs):
    total = 0.0
    for i, x in enumerate(xs):
        total = total + np.sum(np.sin(w * x)) / (i + 1)
    return total


def products(A, Ms):
    P = A
    for M in Ms:
        P = np.tanh(P @ M)
    return np.sum(P)


@pytest.mark.parametrize("n", [17, 30])
def test_a_long_list_of_vectors(n, rng):
    W = 0.5 * rng.standard_normal((4, 4))
    xs = list(rng.standard_normal((n, 4)))
    check_grad(recurrent, W, xs)
    check_vjp(recurrent, W, xs)
    text = grad_source(recurrent, W, xs)
    assert "unbroadcast" not in text and "matmul_lhs_adjoint" not in text


def test_items_of_another_shape_get_their_own_code(rng):
    g = s2sad.grad(weighted)
    for xs in (list(rng.standard_normal((20, 3))), list(rng.standard_normal((20, 1))),
               [rng.standard_normal(3) for _ in range(10)] +
               [rng.standard_normal(1) for _ in range(10)]):
        w = rng.standard_normal(3)
        np.testing.assert_allclose(g(w, xs), numerical_grad(lambda v, xs=xs: weighted(v, xs), (w,)),
                                   rtol=1e-6, atol=1e-8)


def test_a_long_tuple_of_matrices(rng):
    A = 0.5 * rng.standard_normal((2, 3))
    Ms = tuple(0.6 * rng.standard_normal((3, 3)) for _ in range(18))
    check_grad(products, A, Ms)
    np.testing.assert_allclose(
        s2sad.grad(products, wrt=1)(A, Ms)[4],
        numerical_grad(lambda M: products(A, Ms[:4] + (M,) + Ms[5:]), (Ms[4],)),
        rtol=1e-6, atol=1e-8)


# ----- a short list's slices and negative items keep their items' shapes (dims.Items) -----

def layers(params, X):
    h = X
    for W in params[:-1]:
        h = np.tanh(h @ W)
    return np.mean((h @ params[-1]) ** 2)


def skip_first(params, X):
    h = X @ params[0]
    for W in params[1:]:
        h = np.sin(h) @ W
    return np.sum(h ** 2)


def every_other(params, x):
    return sum(np.sum(np.tanh(W @ x)) for W in params[::2]) + np.sum(params[-2] ** 2)


@pytest.mark.parametrize("f", [layers, skip_first, every_other])
def test_slices_of_a_list_of_matrices(f, rng):
    if f is every_other:
        params = [0.5 * rng.standard_normal((3, 3)) for _ in range(4)]
        X = rng.standard_normal(3)
    else:
        params = [0.5 * rng.standard_normal(s) for s in ((4, 5), (5, 5), (5, 2))]
        X = rng.standard_normal((6, 4))
    check_grad(f, params, X)
    check_vjp(f, params, X)
    text = grad_source(f, params, X)
    assert "matmul_lhs_adjoint" not in text and "matmul_rhs_adjoint" not in text
