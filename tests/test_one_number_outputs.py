"""grad of an output that is an array holding one number: shape (1,) or (1, 1).

``x.T @ A @ x`` of a column ``x`` (MATLAB's habit), ``w @ X[:, :1]``, ``np.dot(w, M)``
of an (n, 1) matrix: the output is one number in an array.  The grad variants seed the
output with 1.0, which has no axes for a contraction's rule (``M @ 1.0`` failed, named
an s2sad bug); such a grad now runs the vjp seeded with ones of the output's shape.
Checked against central differences of the output's one number; an output of two
numbers is still refused."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from tests.gradcheck import numerical_grad

RNG = np.random.default_rng(48)
W = RNG.standard_normal(3)
M = RNG.standard_normal((3, 1))
A = RNG.standard_normal((3, 3))


def column_quadratic(x, A):
    return x.T @ A @ x  # (1, 1) of a column x


def row_times_column(w, M):
    return w @ M  # (1,)


def dot_of_column(w, M):
    return np.dot(w, M) * np.tanh(w[0])  # (1,)


def stacked_one(w, M):
    return np.stack([np.sum(np.sin(w) * M[:, 0])])  # (1,), no contraction


def einsum_column(w, M):
    return np.einsum("i,ij->j", w ** 2, M)  # (1,)


def two_numbers(w, M):
    return w[:2] @ np.hstack([M[:2], M[1:]])  # (2,): not one number


def one(f):
    """f's one number, for central differences."""
    return lambda *a: float(np.asarray(f(*a)).reshape(()))


CASES = [(column_quadratic, (W[:, None], A)), (row_times_column, (W, M)),
         (dot_of_column, (W, M)), (stacked_one, (W, M)), (einsum_column, (W, M))]


@pytest.mark.parametrize("f, args", CASES, ids=[c[0].__name__ for c in CASES])
def test_grad_matches_differences(f, args):
    before = [a.copy() for a in args]
    g = s2sad.grad(f)(*args)
    assert all(np.array_equal(a, b) for a, b in zip(args, before))
    assert g.shape == args[0].shape
    np.testing.assert_allclose(g, numerical_grad(one(f), args), rtol=1e-6, atol=1e-8)
    again = s2sad.grad(f)(*(a * 0.5 for a in args))  # (the call made before, again)
    np.testing.assert_allclose(again, numerical_grad(one(f), [a * 0.5 for a in args]),
                               rtol=1e-6, atol=1e-8)


def test_closed_forms():
    x = W[:, None]
    np.testing.assert_allclose(s2sad.grad(column_quadratic)(x, A), (A + A.T) @ x)
    np.testing.assert_allclose(s2sad.grad(row_times_column)(W, M), M[:, 0])
    dW, dM = s2sad.grad(row_times_column, wrt=(0, 1))(W, M)
    np.testing.assert_allclose(dM, W[:, None])


def test_source_shows_the_code_that_ran():
    d = s2sad.grad(row_times_column)
    d(W, M)
    assert "@ 1.0" not in d.source and "def vjp_row_times_column" in d.source


def test_value_and_grad_and_aux():
    value, g = s2sad.value_and_grad(column_quadratic)(W[:, None], A)
    np.testing.assert_allclose(value, column_quadratic(W[:, None], A))
    assert np.shape(value) == (1, 1)
    np.testing.assert_allclose(g, (A + A.T) @ W[:, None])

    def with_aux(w, M):
        out = w @ M
        return out, {"norm": np.linalg.norm(w)}

    g, aux = s2sad.grad(with_aux, has_aux=True)(W, M)
    np.testing.assert_allclose(g, M[:, 0])
    assert aux["norm"] == pytest.approx(np.linalg.norm(W))
    (value, aux), g = s2sad.value_and_grad(with_aux, has_aux=True)(W, M)
    np.testing.assert_allclose(value, W @ M)
    np.testing.assert_allclose(g, M[:, 0])


def test_hessian_of_a_column_quadratic():
    H = s2sad.hessian(column_quadratic)(W[:, None], A)
    np.testing.assert_allclose(np.reshape(H, (3, 3)), A + A.T, atol=1e-12)


def test_two_numbers_still_refused():
    with pytest.raises(s2sad.DifferentiationError, match="scalar output"):
        s2sad.grad(two_numbers)(W, M)
