"""A text zipped with numbers, ``dict(zip("abc", x))`` (session 43, helper 76): the
zero adjoint and tangent of a text were the number 0.0, then read item by item (its
characters): a bare TypeError out of grad and vjp, an internal error out of jvp.  Now
a text's zero is a zero whose items are zeros (``runtime.zeros_like``), never folded
to the number 0.0 (``plain_helpers``).  Checked against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def keyed_by_letters(x):
    d = dict(zip("abc", x))
    return d["a"] * d["b"] - d["c"] ** 2


def paired_with_letters(x):
    pairs = list(zip(x, "abc"))
    return pairs[0][0] * pairs[2][0]


def three_way_zip(x):
    total = 0.0
    for ch, v, w in zip("xyz", x, x ** 2):
        total = total + (v * w if ch != "y" else -v)
    return total


def letters_by_items(x):
    d = dict(zip("ab", x[:2]))
    return sum(v * len(k) for k, v in d.items()) + x[2] * d["b"]


@pytest.mark.parametrize("f", [keyed_by_letters, paired_with_letters, three_way_zip,
                               letters_by_items])
def test_text_zipped_with_numbers(f) -> None:
    x = np.array([0.5, -1.5, 2.0])
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
