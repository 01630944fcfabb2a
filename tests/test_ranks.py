"""compiler/ranks.py: each rank signature gets its own generated function, whose
matmul adjoints of matrices and vectors are the products themselves."""
import numpy as np

import s2sad
from gradcheck import check_grad, check_jvp


def bilinear(A, x, y):
    return np.sum(np.tanh(x @ A @ y))


def layer(W, h):
    for _ in range(2):
        h = np.tanh(h[None, :] @ W)[0]
    return np.sum(h * h)


def test_matrix_and_vector_products_are_plain(rng) -> None:
    A, x, y = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal(4)
    g = s2sad.grad(bilinear, wrt=(0, 1, 2))
    check_grad(bilinear, A, x, y, wrt=(0, 1, 2))
    g(A, x, y)
    assert "matmul_lhs_adjoint" not in g.source and "matmul_rhs_adjoint" not in g.source
    assert "np.multiply.outer" in g.source


def test_each_rank_signature_gets_its_own_code(rng) -> None:
    A = rng.standard_normal((3, 4))
    g = s2sad.grad(bilinear, wrt=(0, 1, 2))
    for x, y in [(rng.standard_normal(3), rng.standard_normal(4)),
                 (rng.standard_normal((2, 3)), rng.standard_normal((4, 5))),
                 (rng.standard_normal((2, 2, 3)), rng.standard_normal(4))]:
        check_grad(bilinear, A, x, y, wrt=(0, 1, 2))
        expected = s2sad.grad(bilinear, wrt=(0, 1, 2))(A, x, y)
        for got, want in zip(g(A, x, y), expected):
            np.testing.assert_allclose(got, want)


def test_indexing_keeps_track_of_ranks(rng) -> None:
    W, h = rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(layer, W, h, wrt=(0, 1))
    check_jvp(layer, W, h, wrt=(0, 1))


def relu_layer(W, x):
    return np.sum(np.maximum(W @ x, 0.0) ** 2)


def test_binary_ufuncs_keep_the_rank(rng) -> None:
    W, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    g = s2sad.grad(relu_layer, wrt=(0, 1))
    check_grad(relu_layer, W, x, wrt=(0, 1))
    g(W, x)
    assert "matmul_lhs_adjoint" not in g.source


def noise_term(log_sn, K):
    return np.sum(np.log(np.diag(K + np.exp(2 * log_sn) * np.eye(K.shape[0]))))


def scaled_sum(s, x):
    return np.sum(np.tanh(s * x) * x)


def shifted_rows(b, X):
    return np.sum((X + b) ** 2)


def test_an_arrays_adjoint_into_a_number_is_its_sum(rng) -> None:
    """``unbroadcast(g, s)`` of a name holding a Python number is ``np.sum(g)`` (a dot
    where ``g`` is a product of two vectors)."""
    K = rng.standard_normal((4, 4)) ** 2 + 2 * np.eye(4)
    for f, args in ((noise_term, (0.3, K)), (scaled_sum, (0.7, rng.standard_normal(5))),
                    (shifted_rows, (-0.4, rng.standard_normal((3, 2))))):
        check_grad(f, *args, wrt=(0, 1))
        g = s2sad.grad(f)
        g(*args)
        assert "unbroadcast" not in g.source, f.__name__
        assert isinstance(g(*args), float)
