"""A gather's adjoint at increasing (so distinct) flat positions, ``x[np.arange(n),
labels]`` and the like, added in place at the picked positions (runtime/scatters.py)
instead of a bincount of the whole array's size; repeated or unsorted positions still
by the bincount.  Checked against ``np.add.at`` and against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad
from s2sad.runtime.writes import add_at


def picked_per_row(a, labels):
    """One entry per row: the cross-entropy pattern."""
    return np.sum(np.log(1.0 + a[np.arange(a.shape[0]), labels] ** 2))


def picked_twice(a, labels):
    """Rows picked twice (repeats: not distinct) and a second pick per row."""
    rows = np.concatenate((np.arange(a.shape[0]), np.arange(a.shape[0])))
    return np.sum(np.sin(a[rows, np.concatenate((labels, labels))]) * a[:, 0].sum())


def picked_backwards(a, labels):
    """Distinct positions in decreasing order."""
    rows = np.arange(a.shape[0])[::-1]
    return np.sum(np.exp(0.1 * a[rows, labels[::-1]]) * np.arange(a.shape[0]))


@pytest.mark.parametrize("f", [picked_per_row, picked_twice, picked_backwards])
@pytest.mark.parametrize("n", [5, 300])
def test_against_differences(f, n, rng):
    check_grad(f, rng.standard_normal((n, 7)), rng.integers(0, 7, n))


@pytest.mark.parametrize("order", ["increasing", "repeated", "shuffled"])
def test_matches_add_at(order, rng):
    n = 400
    rows = {"increasing": np.arange(n), "repeated": np.sort(rng.integers(0, n, n)),
            "shuffled": rng.permutation(n)}[order]
    cols = rng.integers(-6, 6, n)
    acc = rng.standard_normal((n, 6))
    g = rng.standard_normal(n)
    want = acc.copy()
    np.add.at(want, (rows, cols), g)
    np.testing.assert_allclose(add_at(acc, None, (rows, cols), g), want, rtol=1e-13,
                               atol=1e-13)
