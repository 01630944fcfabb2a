"""scipy.linalg.lu inside a differentiated function (rules/scipy_linalg_through.py: the
factors of lu_factor, the permutation from its pivots; was refused: no rule).  Values
as SciPy's, bit for bit, in each of its three forms; derivatives against central
differences and, for log|det|, the closed form inv(a).T; matrices that pivot and one
that does not."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def log_abs_det(a):
    p, lower, upper = sla.lu(a)
    return np.sum(np.log(np.abs(np.diag(upper))))


def permuted_lower(a):
    pl, upper = sla.lu(a, permute_l=True)
    return np.sum(pl ** 2 * np.arange(1.0, 4.0)) + np.sum(upper[0] ** 3)


def rows_and_factors(a):
    rows, lower, upper = sla.lu(a, p_indices=True)
    return np.sum((lower[rows] @ upper) * a) + np.sum(lower[:, 0] * rows)


PIVOTS = np.array([[0.2, 1.5, -0.3], [2.0, 0.4, 0.7], [-0.9, 0.8, 1.1]])
NO_PIVOT = np.array([[3.0, 0.5, -0.3], [0.4, 2.5, 0.7], [-0.2, 0.8, 2.1]])


@pytest.mark.parametrize("a", [PIVOTS, NO_PIVOT], ids=["pivots", "no-pivot"])
@pytest.mark.parametrize("f", [log_abs_det, permuted_lower, rows_and_factors])
def test_lu(f, a):
    value, _ = s2sad.value_and_grad(f)(a.copy())
    assert value == f(a)
    check_grad(f, a)
    check_jvp(f, a)
    check_hessian(f, a)


@pytest.mark.parametrize("a", [PIVOTS, NO_PIVOT], ids=["pivots", "no-pivot"])
def test_log_abs_det_closed_form(a):
    assert np.any(sla.lu(a)[0] != np.eye(3)) == (a is PIVOTS)
    np.testing.assert_allclose(s2sad.grad(log_abs_det)(a), np.linalg.inv(a).T, rtol=1e-12)


def wide(a):
    return np.sum(sla.lu(a[:2])[2])


def test_not_square_refused():
    with pytest.raises(s2sad.DifferentiationError, match="not square"):
        s2sad.grad(wide)(PIVOTS)
