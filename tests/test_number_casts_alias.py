"""``float(a[0])``, ``complex(...)`` and the like make a new number: an in-place write
to ``a`` afterwards does not change it.  Found refused (a false alarm, from a random
program): the alias stage took ``float`` (a type) for a container holding its
argument, and refused ``a *= s`` as a write Python would see through ``s``.  Checked
against central differences, both branches of an if on the number."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp

X = np.array([0.31, -0.72, 1.13, 0.46])


def scaled_by_its_first(x, s):
    a = np.sin(x)
    first = float(a[0])
    a *= first
    if first > s:
        first = first * np.dot(x, a)
    else:
        first = first - s
    return np.sum(a) + first


def total_then_written(x, s):
    a = x * s
    total = float(np.sum(a))
    a[0] = total * 2.0
    return np.sum(a ** 2) + total


def complex_of_an_item(x, s):
    a = np.cos(x)
    c = complex(a[1], s)
    a[1] = 0.0
    return abs(c) ** 2 + np.sum(a * x)


@pytest.mark.parametrize("f", [scaled_by_its_first, total_then_written, complex_of_an_item])
@pytest.mark.parametrize("s", [0.1, 0.9], ids=["below", "above"])
def test_a_number_made_from_an_array_is_not_written_with_it(f, s):
    check_grad(f, X, s, wrt=(0, 1))
    check_jvp(f, X, s, wrt=(0, 1))
