"""Sorting-based thresholds (sparsemax, projections onto the simplex, the mean of the
largest k): a sort, a cumulative sum, a support counted from a comparison and read back
by ``cs[rows, k - 1]``.  The count of a mask is an integer index (shape facts), a
descending sort ``-np.sort(-z)`` takes its values from ``z`` with the permutation found
once (``stable_order``: ties in the stable order, as NumPy's stable sort takes them),
and a gather's adjoint written into the sort's adjoint put back (``scatter_last``).
Gradients against central differences in float64, the sparsemax loss against its
closed form (sparsemax(z) minus the one-hot labels), ties against the stable
permutation's closed form."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen17 import sparsemax_reg, sparsemax_reg_grad
from gradcheck import check_grad
from s2sad.runtime.gathers import stable_order


def simplex_projection(V, w):
    """Each row of ``V`` projected onto the simplex (Duchi et al.), weighted."""
    U = -np.sort(-V, axis=1)
    css = np.cumsum(U, axis=1)
    ks = np.arange(1, V.shape[1] + 1)
    rho = np.count_nonzero(U * ks > css - 1.0, axis=1)
    theta = (css[np.arange(V.shape[0]), rho - 1] - 1.0) / rho
    P = np.maximum(V - theta[:, None], 0.0)
    return np.sum(P * w) + 0.5 * np.sum(P ** 2)


def top_k_mean(x, t):
    """The mean of each row's values above ``t`` (at least one), sorted descending by
    ``np.flip`` of an ascending sort, counted by a boolean sum."""
    s = np.sort(x, axis=1)
    d = s[:, ::-1]
    cs = np.cumsum(d, axis=1)
    k = np.maximum((x > t).sum(axis=1), 1)
    return np.sum(cs[np.arange(x.shape[0]), k - 1] / k)


def sparsemax_vector(z, y):
    """The sparsemax loss of one vector (axis -1), support by ``np.sum`` of a mask."""
    zs = -np.sort(-z)
    cs = np.cumsum(zs)
    support = 1.0 + np.arange(1, z.shape[0] + 1) * zs > cs
    k = np.sum(support)
    tau = (cs[k - 1] - 1.0) / k
    return -z[y] + 0.5 * np.sum(np.where(support, zs ** 2 - tau ** 2, 0.0)) + 0.5


def _sparsemax(z):
    zs = -np.sort(-z)
    cs = np.cumsum(zs)
    k = np.sum(1.0 + np.arange(1, z.shape[0] + 1) * zs > cs)
    return np.maximum(z - (cs[k - 1] - 1.0) / k, 0.0)


@pytest.mark.parametrize("size", ["small", "full"])
def test_sparsemax_regression_closed_form(size):
    from benchmarks.problems_unseen17 import sparsemax_reg_args
    W, X, labels = sparsemax_reg_args(size)
    got = s2sad.grad(sparsemax_reg)(W, X, labels)
    np.testing.assert_allclose(got, sparsemax_reg_grad(W, X, labels)[0], rtol=1e-10,
                               atol=1e-12)


def test_sparsemax_regression_differences(rng):
    X = rng.standard_normal((9, 3))
    labels = rng.integers(0, 5, 9)
    check_grad(sparsemax_reg, 0.7 * rng.standard_normal((3, 5)), X, labels)


def test_sparsemax_regression_computes_no_unused_terms():
    """The loss terms the mean needs only the size of are not computed."""
    from benchmarks.problems_unseen17 import sparsemax_reg_args
    g = s2sad.grad(sparsemax_reg)
    g(*sparsemax_reg_args("small"))
    code = [ln for ln in g.source.splitlines() if not ln.strip().startswith("#")]
    assert not any("zs * zs" in ln for ln in code), g.source
    assert "sort_indices" not in g.source and "stable_order" in g.source


@pytest.mark.parametrize("scale", [0.3, 3.0])  # (wide supports, and a single element)
def test_simplex_projection(scale, rng):
    V = scale * rng.standard_normal((6, 5))
    check_grad(simplex_projection, V, rng.standard_normal((6, 5)))


def test_simplex_projection_rows_on_the_simplex(rng):
    """The projection the function makes is on the simplex (the oracle's check)."""
    V = rng.standard_normal((4, 6))
    U = -np.sort(-V, axis=1)
    css = np.cumsum(U, axis=1)
    rho = np.count_nonzero(U * np.arange(1, 7) > css - 1.0, axis=1)
    theta = (css[np.arange(4), rho - 1] - 1.0) / rho
    np.testing.assert_allclose(np.maximum(V - theta[:, None], 0.0).sum(axis=1), 1.0)


@pytest.mark.parametrize("t", [0.2, 5.0])  # (some above t; none: k is 1)
def test_top_k_mean(t, rng):
    check_grad(top_k_mean, rng.standard_normal((5, 7)), t)


def test_sparsemax_vector(rng):
    z = rng.standard_normal(8)
    g = check_grad(sparsemax_vector, z, 3)
    closed = _sparsemax(z)
    closed[3] -= 1.0
    np.testing.assert_allclose(g, closed, rtol=1e-10, atol=1e-12)


def descending_weighted(x, w):
    return np.sum(w * -np.sort(-x, axis=1))


@pytest.mark.parametrize("tied", [False, True])
def test_descending_sort_ties_take_the_stable_order(tied, rng):
    """With ties the sort is not differentiable; the gradient is the one of the stable
    sort's permutation (each tied value takes the weight of the place the stable sort
    gives it), as before: closed form ``g[order[j]] = w[j]`` per row."""
    x = np.round(rng.random((4, 6)), 1) if tied else rng.standard_normal((4, 6))
    w = rng.standard_normal((4, 6))
    got = s2sad.grad(descending_weighted)(x, w)
    order = np.argsort(-x, axis=1, kind="stable")
    expected = np.empty_like(x)
    np.put_along_axis(expected, order, w, axis=1)
    assert tied == any(len(set(row)) < len(row) for row in x)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0.0)
    if not tied:
        check_grad(descending_weighted, x, w)


@pytest.mark.parametrize("make, axis", [
    (lambda r: r.standard_normal((5, 7)), 1),  # no tie: the default argsort kept
    (lambda r: np.round(r.random((5, 7)), 1), 1),  # ties
    (lambda r: np.where(r.random(30) < 0.2, np.nan, r.random(30)), -1),  # NaNs
    (lambda r: r.random((3, 4)), None),
])
def test_stable_order_is_the_stable_permutation(make, axis, rng):
    a = make(rng)
    quick = np.argsort(a, axis=axis)
    ranked = np.take_along_axis(np.ravel(a) if axis is None else a, quick,
                                -1 if axis is None else axis)
    np.testing.assert_array_equal(stable_order(quick, a, ranked, axis),
                                  np.argsort(a, axis=axis, kind="stable"))
    # (the negated values sorted by the negation's order: the same ties)
    neg_quick = np.argsort(-a, axis=axis)
    values = np.take_along_axis(np.ravel(a) if axis is None else a, neg_quick,
                                -1 if axis is None else axis)
    np.testing.assert_array_equal(stable_order(neg_quick, -a, values, axis),
                                  np.argsort(-a, axis=axis, kind="stable"))
