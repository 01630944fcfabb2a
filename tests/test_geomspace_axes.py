"""``np.geomspace`` between arrays of ends along ``axis=1`` / ``-1`` (samples across
the columns): its closed form multiplied the samples by the ends' signs without putting
them along the axis, so the derivative failed ("s2sad bug": shapes (2,) and (2, 3) do
not broadcast).  Checked against central differences in float64, forward mode too, ends
of both signs, and the default axis as before."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

ENDS = np.array([0.5, 1.2, 3.0, 2.5])


def along_columns(a):
    return np.sum(np.geomspace(a[:2], a[2:], 3, axis=1) * np.arange(6.0).reshape(2, 3))


def along_the_last_axis(a):
    return np.sum(np.geomspace(a[:2], a[2:], 4, axis=-1, endpoint=False) ** 2)


def negative_ends_along_columns(a):
    return np.sum(np.geomspace(-a[:2], -a[2:], 3, axis=1) * np.arange(6.0).reshape(2, 3))


def negative_ends_along_rows(a):
    return np.sum(np.geomspace(-a[:2], -a[2:], 3) * np.arange(6.0).reshape(3, 2))


@pytest.mark.parametrize("f", [along_columns, along_the_last_axis,
                               negative_ends_along_columns, negative_ends_along_rows])
def test_geomspace_between_arrays_of_ends(f):
    value, _ = s2sad.value_and_grad(f)(ENDS)
    np.testing.assert_allclose(value, f(ENDS), rtol=1e-12)
    check_grad(f, ENDS)
    check_jvp(f, ENDS)


def test_the_closed_form_of_one_row():
    # d/da of sum_k w_k a (b/a)^(k/2), k = 0, 1, 2: w0 + w1 sqrt(b/a) / 2 (w2: 0)
    g = s2sad.grad(along_columns)(ENDS)
    a, b = ENDS[0], ENDS[2]
    np.testing.assert_allclose(g[0], 0.0 + 1.0 * np.sqrt(b / a) / 2, rtol=1e-10)
