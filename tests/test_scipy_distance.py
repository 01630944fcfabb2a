"""scipy.spatial.distance's pdist, cdist and squareform: values as SciPy's, gradients
against central differences and closed forms; other metrics refused at the user's line."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

distance = pytest.importorskip("scipy.spatial.distance")
pdist, cdist, squareform = distance.pdist, distance.cdist, distance.squareform

METRICS = ["euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine"]


def lennard_jones(P):
    r = pdist(P)
    return np.sum(4.0 * ((1.0 / r) ** 12 - (1.0 / r) ** 6))


def rbf_logdet(X):
    K = np.exp(-0.5 * cdist(X, X, "sqeuclidean")) + 1e-2 * np.eye(len(X))
    return np.linalg.slogdet(K)[1]


def square_energy(X, s):
    D = squareform(pdist(X, metric="minkowski", p=3.0))
    return np.sum(np.exp(-s * D) * (1.0 - np.eye(len(X))))


def condensed_again(X):
    M = squareform(pdist(X, "sqeuclidean"))
    return np.sum(np.tanh(squareform(M * 0.5)))


@pytest.fixture
def points(rng):
    return rng.standard_normal((6, 3)) + np.arange(6)[:, None]  # (no two rows equal)


@pytest.mark.parametrize("metric", METRICS)
def test_pdist_and_cdist_of_each_metric(metric, points, rng):
    other = rng.standard_normal((4, 3))

    def pairs(P):
        return np.sum(np.sin(pdist(P, metric)))

    def cross(A, B):
        return np.sum(cdist(A, B, metric=metric) ** 2)

    check_grad(pairs, points)
    check_grad(cross, points, other, wrt=(0, 1))
    check_jvp(cross, points, other, wrt=(0, 1))
    value, _ = s2sad.value_and_grad(pairs)(points)
    assert value == pytest.approx(pairs(points), rel=1e-13)


@pytest.mark.parametrize("f, extra", [(lennard_jones, ()), (rbf_logdet, ()),
                                      (square_energy, (0.7,)), (condensed_again, ())])
def test_programs_using_distances(f, extra, points):
    check_grad(f, points * 1.5, *extra)


def test_squared_distances_closed_form(points):
    def total(P):
        return np.sum(pdist(P, "sqeuclidean"))

    # sum over i < j of |p_i - p_j|^2: the gradient of row i is 2 (m p_i - sum_j p_j)
    m = len(points)
    expected = 2.0 * (m * points - points.sum(axis=0))
    np.testing.assert_allclose(s2sad.grad(total)(points), expected, rtol=1e-12)


def test_the_derivative_at_a_zero_distance_is_zero():
    def spread(P):
        return np.sum(cdist(P, P))  # (the diagonal distances are 0)

    P = np.array([[0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_allclose(s2sad.grad(spread)(P), [[-1.2, -1.6], [1.2, 1.6]])


def hamming(P):
    return np.sum(pdist(P, "hamming"))


def by_callable(P):
    return np.sum(pdist(P, lambda u, v: 1.0))


def weighted(P):
    return np.sum(cdist(P, P, "minkowski", w=np.ones(2)))


@pytest.mark.parametrize("f", [hamming, by_callable, weighted])
def test_other_metrics_are_refused_at_the_line(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_scipy_distance.py:\d+.*metric"):
        s2sad.grad(f)(np.ones((3, 2)))
