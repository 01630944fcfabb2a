"""runtime/contract.py: the adjoints of a stack of matrices times one matrix
(``X @ W``, ``X`` of shape (..., n, k), ``W`` of shape (k, m)) are one matrix product
over the stack's rows, not one small product per matrix and a sum over the stack;
other shapes (a stack of ``W``, a vector ``w``, a matrix times a stack) keep the
broadcasting path.  Each checked against central differences, and the helpers against
the sums they stand for."""
import numpy as np
import pytest

from gradcheck import check_grad
from s2sad.runtime.contract import matmul_lhs_adjoint, matmul_rhs_adjoint


def sine_of_product(X, W):
    return np.sum(np.sin(X @ W))


def projected_heads(X, W, n_heads):
    B, T, D = X.shape
    q = (X @ W).reshape(B, T, n_heads, D // n_heads).transpose(0, 2, 1, 3)
    return np.sum(np.tanh(q) ** 2)


def swapped_stack(X, W):
    return np.sum((X.transpose(1, 0, 2) @ W) ** 2)


def test_closed_form_of_the_sum(rng) -> None:
    """d/dW sum(X @ W) is each row of X summed, in every column; d/dX: W's row sums."""
    import s2sad

    X, W = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    dX, dW = s2sad.grad(lambda X, W: np.sum(X @ W), wrt=(0, 1))(X, W)
    np.testing.assert_allclose(dW, np.repeat(X.reshape(-1, 4).sum(0)[:, None], 5, axis=1))
    np.testing.assert_allclose(dX, np.broadcast_to(W.sum(1), X.shape))


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 2, 3, 4), (1, 3, 4)])
def test_stacks_of_any_rank(rng, shape) -> None:
    check_grad(sine_of_product, rng.standard_normal(shape), rng.standard_normal((4, 5)),
               wrt=(0, 1))


def test_heads_by_reshape_of_an_int_parameter(rng) -> None:
    check_grad(projected_heads, rng.standard_normal((2, 3, 4)),
               rng.standard_normal((4, 4)), 2, wrt=(0, 1))


def test_a_stack_not_contiguous(rng) -> None:
    check_grad(swapped_stack, rng.standard_normal((3, 2, 4)), rng.standard_normal((4, 2)),
               wrt=(0, 1))


@pytest.mark.parametrize("shapes", [((2, 3, 4), (1, 4, 5)), ((2, 3, 4), (4,)),
                                    ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5))])
def test_other_shapes_keep_broadcasting(rng, shapes) -> None:
    """A stack of W (broadcast over the stack), a vector, a matrix times a stack."""
    check_grad(sine_of_product, *(rng.standard_normal(s) for s in shapes), wrt=(0, 1))


def test_helpers_are_the_sums_over_the_stack(rng) -> None:
    X, W = rng.standard_normal((2, 3, 3, 4)), rng.standard_normal((4, 5))
    g = rng.standard_normal((2, 3, 3, 5))
    np.testing.assert_allclose(matmul_rhs_adjoint(g, X, W),
                               np.einsum("abik,abim->km", X, g))
    np.testing.assert_allclose(matmul_lhs_adjoint(g, X, W), np.einsum("abim,km->abik", g, W))
    Xt = X.transpose(0, 2, 1, 3)  # (a view: its rows are not one block of memory)
    gt = g.transpose(0, 2, 1, 3)
    np.testing.assert_allclose(matmul_rhs_adjoint(gt, Xt, W),
                               np.einsum("abik,abim->km", X, g))


def test_which_shapes_take_one_product(rng) -> None:
    """The stack times one matrix only; a broadcast ``g`` or a stack of W does not."""
    from s2sad.runtime.contract import _stacked_by_matrix

    X, W = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    assert _stacked_by_matrix(np.ones((2, 3, 5)), X, W)
    assert not _stacked_by_matrix(np.ones((1, 3, 5)), X, W)
    assert not _stacked_by_matrix(np.ones((2, 3, 5)), X, W[None])
    assert not _stacked_by_matrix(np.ones((3, 5)), X[0], W)
