"""compiler/restored_elements.py: the reverse of ``r[i] = r[i] + u`` (an element updated
in place) reads the element's adjoint, clears it and adds it back; the clear and the
addition go where the element is a number and nothing between touches the adjoint.
Gradients against central differences: updates of two elements that are sometimes the
same one, branches both ways, a row of a matrix (a view: kept), an update whose share is
not the element's adjoint itself."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

R = np.random.default_rng(4812)
PAIRS_I = np.array([0, 1, 2, 3, 1, 0, 2, 3])
PAIRS_J = np.array([1, 2, 3, 0, 1, 3, 2, 2])  # (i == j in trips 4 and 6)


def ratings(r0, k, wi, wj):
    r = r0.copy()
    nll = 0.0
    for m in range(wi.shape[0]):
        i, j = wi[m], wj[m]
        p = 1.0 / (1.0 + np.exp(r[j] - r[i]))
        nll = nll - np.log(p)
        r[i] = r[i] + k * (1.0 - p)
        r[j] = r[j] - k * (1.0 - p)
    return nll + np.sum(r * r)


def branchy(r0, x):
    r = r0.copy()
    for m in range(x.shape[0]):
        i = m % r.shape[0]
        if x[m] > 0.0:
            r[i] = r[i] + np.sin(x[m]) * r[(i + 1) % r.shape[0]]
        else:
            r[i] = r[i] * 2.0 + x[m]
    return np.sum(r ** 3)


def rows(R0, v):
    M = R0.copy()
    for m in range(3):
        M[m] = M[m] + v * M[m + 1]
    return np.sum(np.sin(M))


def product_update(r0):
    r = r0.copy()
    for m in range(r.shape[0] - 1):
        r[m + 1] = r[m + 1] + r[m] * r[m + 1]
    return np.sum(r)


R0 = R.standard_normal(4)


@pytest.mark.parametrize("f, args, wrt", [
    (ratings, (R0, 0.3, PAIRS_I, PAIRS_J), (0, 1)),
    (branchy, (R0, R.standard_normal(9)), (0, 1)),
    (branchy, (R0, np.abs(R.standard_normal(9))), (0, 1)),
    (branchy, (R0, -np.abs(R.standard_normal(9))), (0, 1)),
    (rows, (R.standard_normal((4, 3)), R.standard_normal(3)), (0, 1)),
    (product_update, (R0,), 0)], ids=["ratings", "branch-mixed", "branch-if", "branch-else",
                                      "rows", "product"])
def test_gradients(f, args, wrt) -> None:
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_ratings_drop_the_clear() -> None:
    g = s2sad.grad(ratings, wrt=(0, 1))
    g(R0, 0.3, PAIRS_I, PAIRS_J)
    assert "] = 0.0" not in g.source, g.source
