"""compiler/reversals.py: the adjoint of a vector's reversal ``x[::-1]`` consumed inside an
expression is the reversed view ``g[::-1]``, and ``np.flip`` of a reversal is the vector:
a reversed cumulative sum ``np.cumsum(e[::-1])[::-1]`` gets the adjoint
``np.cumsum(g)`` a hand-written gradient has.  Against central differences and closed
forms; reversals bound to names and of matrices keep the general adjoint."""
import numpy as np

import s2sad
from gradcheck import check_grad, grad_code


def tail_sums(s):
    tail = np.cumsum(np.exp(s)[::-1])[::-1]
    return np.sum(np.log(tail) - s)


def risk_sets(eta, event):
    """A Cox partial likelihood with the subjects ordered by time."""
    risk = np.log(np.cumsum(np.exp(eta)[::-1])[::-1])
    return np.sum(event * (risk - eta))


def bound_reversal(x):
    r = x[::-1]
    r2 = r * np.arange(1.0, x.shape[0] + 1.0)
    return np.sum(np.cumsum(r2) ** 2)


def matrix_tails(A):
    return np.sum(np.tanh(np.cumsum(A[::-1], axis=0)[::-1]))


def test_tail_sums_closed_form(rng):
    s = rng.standard_normal(6)
    check_grad(tail_sums, s)
    e = np.exp(s)
    tail = np.cumsum(e[::-1])[::-1]
    np.testing.assert_allclose(s2sad.grad(tail_sums)(s), e * np.cumsum(1.0 / tail) - 1.0,
                               rtol=1e-12)
    code = grad_code(tail_sums, s)
    assert "add_at" not in code and "np.flip" not in code


def test_risk_sets(rng):
    eta, event = rng.standard_normal(7), (rng.random(7) < 0.6) * 1.0
    check_grad(risk_sets, eta, event)
    e = np.exp(eta)
    tail = np.cumsum(e[::-1])[::-1]
    np.testing.assert_allclose(s2sad.grad(risk_sets)(eta, event),
                               e * np.cumsum(event / tail) - event, rtol=1e-12)


def test_bound_and_matrix_reversals_kept(rng):
    x, A = rng.standard_normal(5), rng.standard_normal((4, 3))
    check_grad(bound_reversal, x)
    check_grad(matrix_tails, A)
