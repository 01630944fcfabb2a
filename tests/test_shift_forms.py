"""A number subtracted before ``exp`` and added back after ``log``, with linear maps
between (``compiler/shift_forms.py``): ``c = np.max(s); log(cumsum(exp(s - c))) + c``
does not depend on ``c``, so the reverse sweep takes no share of the maximum.

Each against central differences (float64) and, where the maximum cancels, the source
checked for no ``extremum_adjoint``; where it does not cancel (read elsewhere, not added
back, added back after a sum, a branch on a shifted value, a product of two shifted
values) the maximum's gradient is kept, and the gradient is still right.
"""
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def plackett_luce(w, X):
    """ListMLE: the maximum of each query's scores, reversed cumulative sums."""
    loss = 0.0
    for q in range(X.shape[0]):
        s = X[q] @ w
        c = np.max(s)
        tail = np.cumsum(np.exp(s - c)[::-1])[::-1]
        loss = loss + np.sum(np.log(tail) + c - s)
    return loss / X.shape[0]


def row_lse_global_max(X):
    """Log-sum-exp of each row shifted by the maximum of the whole array, a mean."""
    m = np.max(X)
    return np.mean(np.log(np.sum(np.exp(X - m), axis=1)) + m)


def neighbour_pairs(x):
    """Exponentials of neighbours added (two scaled values with the same factor)."""
    m = np.max(x)
    e = np.exp(x - m)
    return np.sum(np.log(e[1:] + e[:-1]) - x[1:] + m)


def soft_minimum(x):
    """Shifted by the minimum, the sign the other way round."""
    m = np.min(x)
    return np.sum(np.log(np.cumsum(np.exp(m - x))) - m)


def softmax_weights(x, y):
    """A softmax over the whole vector by ``e / e.sum()``, then weights."""
    m = np.max(x)
    e = np.exp(x - m)
    return (e / np.sum(e)) @ y


def shifted_by_another(x, y):
    """The maximum of ``x`` shifting ``y``: the value does not depend on it at all."""
    m = np.max(x)
    return np.log(np.sum(np.exp(y - m))) + m + np.sum(x * x)


CANCELS = [
    (shifted_by_another, lambda r: (r.standard_normal(4), r.standard_normal(6)), (0, 1)),
    (plackett_luce, lambda r: (r.standard_normal(3), r.standard_normal((4, 5, 3))), 0),
    (row_lse_global_max, lambda r: (r.standard_normal((4, 6)),), 0),
    (neighbour_pairs, lambda r: (r.standard_normal(7),), 0),
    (soft_minimum, lambda r: (r.standard_normal(6),), 0),
    (softmax_weights, lambda r: (r.standard_normal(5), r.standard_normal(5)), (0, 1)),
]


@pytest.mark.parametrize("f, make, wrt", CANCELS, ids=[c[0].__name__ for c in CANCELS])
def test_shift_cancels(f, make, wrt):
    rng = np.random.default_rng(3)
    args = make(rng)
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt, rng=rng)
    code = grad_code(f, *args, wrt=wrt)
    assert "extremum_adjoint" not in code and "argmax" not in code, code


def test_second_derivatives():
    """The gradient made without the maximum's share, differentiated again."""
    rng = np.random.default_rng(9)
    X = rng.standard_normal((3, 4, 3))
    check_hessian(lambda w: plackett_luce(w, X), rng.standard_normal(3))
    check_hessian(row_lse_global_max, rng.standard_normal((3, 4)))
    check_hessian(soft_minimum, rng.standard_normal(5))


def test_large_scores_stay_finite():
    """Scores near 800, whose exponentials overflow without the shift."""
    rng = np.random.default_rng(4)
    w, X = rng.standard_normal(3), rng.standard_normal((3, 5, 3))
    X[..., 0], w[0] = 1.0, 800.0
    g = check_grad(plackett_luce, w, X)
    assert np.all(np.isfinite(g))


def read_elsewhere(s):
    c = np.max(s)
    return np.sum(np.log(np.cumsum(np.exp(s - c))) + c) + 0.3 * c


def not_added_back(s):
    c = np.max(s)
    return np.sum(np.log(np.cumsum(np.exp(s - c))))


def added_after_sum(s):
    c = np.max(s)
    return np.sum(np.log(np.cumsum(np.exp(s - c)))) + c


def squared_shift(s):
    c = np.max(s)
    z = s - c
    return np.sum(np.log(np.cumsum(np.exp(z * z))) + c)


def branch_on_shifted(s, t):
    c = np.max(s)
    z = s - c
    if z[0] > t:
        out = np.log(np.sum(np.exp(z))) + c
    else:
        out = np.log(np.sum(np.exp(z))) + 2.0 * c
    return out


def carried_round_a_loop(s):
    """A shifted value summed into a value the loop carries: not the form's reads."""
    c = np.max(s)
    acc = np.zeros_like(s)
    for _ in range(3):
        acc = acc + (s - c)
    return np.log(np.sum(np.exp(acc))) + c


KEEPS = [
    (carried_round_a_loop, (np.array([0.3, -1.2, 2.0, 0.5]),)),
    (read_elsewhere, (np.array([0.3, -1.2, 2.0, 0.5]),)),
    (not_added_back, (np.array([0.3, -1.2, 2.0, 0.5]),)),
    (added_after_sum, (np.array([0.3, -1.2, 2.0, 0.5]),)),
    (squared_shift, (np.array([0.3, -1.2, 0.9, 0.5]),)),
    (branch_on_shifted, (np.array([2.0, -1.2, 0.9, 0.5]), -0.5)),  # z[0] = 0 > t
    (branch_on_shifted, (np.array([0.3, -1.2, 2.0, 0.5]), -0.5)),  # z[0] = -1.7 < t
]


@pytest.mark.parametrize("f, args", KEEPS, ids=[f"{c[0].__name__}-{i}"
                                                for i, c in enumerate(KEEPS)])
def test_shift_that_does_not_cancel_is_differentiated(f, args):
    check_grad(f, *args)
    check_jvp(f, *args)
    assert "extremum_adjoint" in grad_code(f, *args)
