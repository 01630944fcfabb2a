"""``np.histogram`` through its closed form (``s2sad/rules/numpy_histogram.py``): counts a
step function of the data (no gradient), the equal bins' edges ``linspace(min, max)``,
the weights' counts and a density differentiated; against central differences (data
away from the edges, where the counts are constant) and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -0.7, 1.2, 0.5, 1.9, -1.5])


def counts_and_edges(x):
    h, e = np.histogram(x, bins=3)
    return np.sum(x) * h[0] + np.sum(e ** 2)


def weighted_counts(x):
    h, _ = np.histogram(x, bins=4, range=(-2.0, 2.0), weights=x ** 2)
    return np.sum(h * np.arange(4.0))


def density(x):
    h, e = np.histogram(x, bins=3, density=True)
    return np.sum(h * np.arange(3.0)) + e[1]


def given_edges(x):
    h, _ = np.histogram(x, bins=[-2.0, 0.0, 1.0, 3.0], weights=np.sin(x))
    return np.sum(h ** 2)


@pytest.mark.parametrize("f", [counts_and_edges, weighted_counts, density, given_edges])
def test_histogram(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_counts_and_edges_by_hand():
    h, e = np.histogram(X, bins=3)
    k = np.arange(4) / 3  # e_k = lo + (hi - lo) k / 3
    expected = np.full(6, float(h[0]))
    expected[np.argmin(X)] += np.sum(2 * e * (1 - k))
    expected[np.argmax(X)] += np.sum(2 * e * k)
    assert np.allclose(s2sad.grad(counts_and_edges)(X), expected)


def test_counts_keep_their_type():
    def counts(x):
        h, _ = np.histogram(x, bins=3)
        assert h.dtype.kind == "i"
        return np.sum(x ** 2) * h[1]
    assert np.allclose(s2sad.grad(counts)(X), 2 * X * np.histogram(X, bins=3)[0][1])


def estimated_bins(x):
    h, _ = np.histogram(x, bins="auto")
    return np.sum(x) * h[0]


def test_estimated_bins_are_refused():
    with pytest.raises(s2sad.DifferentiationError, match="bins='auto'.*pass the number"):
        s2sad.grad(estimated_bins)(X)
