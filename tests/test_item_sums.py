"""An array's adjoint summed into a number read from an array by index (``fp[n - 1]``,
``M[1, 2]``): ``np.sum(g)`` written plainly, not the ``unbroadcast`` helper (a NumPy
number, never a 0-d array: the adjoint is the number the sum makes).  Against central
differences, and ``np.interp`` at query points past the last knot (clipped to it: the
last value's adjoint is summed there) and inside (not)."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen8 import interp_curve, interp_curve_args, interp_curve_grad
from gradcheck import check_grad


def scaled_by_item(a):
    c = a[3]
    return np.sum(np.sin(a) * c)


def matrix_item(M):
    c = M[1, 2]
    return np.sum(np.tanh(M) * c) + c ** 2


def test_interp_curve_closed_form():
    args = interp_curve_args("small")
    got = s2sad.grad(interp_curve, wrt=(0, 1))(*args)
    for g, h in zip(got, interp_curve_grad(*args)):
        np.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("past", [False, True])  # (queries past the last knot or not)
def test_interp_past_the_last_knot(past, rng):
    fp = np.cumsum(rng.uniform(0.0, 0.2, 6))
    xq = rng.uniform(0.05, 0.9, 15) + (np.where(rng.random(15) < 0.4, 0.6, 0.0) if past
                                       else 0.0)
    yq = rng.standard_normal(15)
    assert past == bool(np.any(xq + 0.01 > 1.0))
    g = check_grad(interp_curve, fp, 0.01, xq, yq, wrt=(0, 1))
    fn = s2sad.grad(interp_curve, wrt=(0, 1))
    fn(fp, 0.01, xq, yq)
    assert "unbroadcast" not in fn.source, fn.source
    assert np.isfinite(g[1])


def test_vector_item(rng):
    check_grad(scaled_by_item, rng.standard_normal(7))


def test_matrix_item(rng):
    check_grad(matrix_item, rng.standard_normal((3, 4)))
