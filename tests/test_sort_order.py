"""``np.sort``'s permutation for its adjoint (runtime ``sort_indices``): NumPy's default
argsort, half the time of the stable one, where the sorted values show no tie and no
NaN; the stable one otherwise, so ties keep their order as before.  Against central
differences (values without ties), and the permutation against the stable argsort."""
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp
from s2sad.runtime.gathers import sort_indices


def trimmed_mean(x, keep):
    """The mean of the smallest squares: a slice of the sorted values."""
    return np.mean(np.sort(x ** 2)[:keep])


def sorted_columns(a, w):
    """Each column sorted (axis 0), weighted by rank."""
    return np.sum(np.sort(a, axis=0) * w[:, None])


def flat_quantiles(a):
    """All values sorted (axis None), a smooth function of the order statistics."""
    s = np.sort(a, axis=None)
    return np.sum(np.sin(s) * np.linspace(0.0, 1.0, s.shape[0]))


@pytest.mark.parametrize("n", [5, 200])
def test_trimmed_mean(n, rng):
    check_grad(trimmed_mean, rng.standard_normal(n), n - 2)
    check_jvp(trimmed_mean, rng.standard_normal(n), n - 2)


def test_sorted_columns(rng):
    check_grad(sorted_columns, rng.standard_normal((6, 4)), rng.standard_normal(6))


def test_flat_quantiles(rng):
    check_grad(flat_quantiles, rng.standard_normal((3, 5)))


@pytest.mark.parametrize("make, axis", [
    (lambda r: np.round(r.random(60), 1), -1),  # ties
    (lambda r: np.round(r.random((7, 5)), 1), 0),  # ties along the first axis
    (lambda r: np.where(r.random(80) < 0.3, np.nan, r.random(80)), -1),  # NaNs
    (lambda r: r.random((3, 4, 5)), None),  # no ties, flattened
    (lambda r: r.integers(0, 4, (5, 6)), 1),  # ints with ties
])
def test_permutation_is_the_stable_one(make, axis, rng):
    a = make(rng)
    np.testing.assert_array_equal(sort_indices(a, axis), np.argsort(a, axis=axis,
                                                                     kind="stable"))
