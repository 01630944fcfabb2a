"""``list(reversed(xs))`` and ``tuple(reversed(xs))`` (found refused by tools/fuzz2:
"call of reversed: no derivative rule is known") are ``list(xs)[::-1]`` and
``tuple(xs)[::-1]``: the iterator is used up where it is made, so the copy reversed is
the same value (compiler/spellings.py).  Checked against central differences in
float64, reverse and forward, with both branches of a data-dependent if."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def reversed_list(x, y):  # the fuzzer's case
    vals = list(reversed(x))
    return vals[0] * y[0] + sum(vals) + max(vals[1], y[1])


def reversed_tuple_of_a_list(x, cs):
    back = tuple(reversed(cs))
    return back[0] * x[1] + np.sum(x * np.array(back[:1] * 4))


def reversed_floats(x, y):
    r = np.array(list(reversed(x.tolist())))
    if r[0] > 0.0:
        return np.sum(r * y)
    return np.sum(r ** 2)


def reversed_rows(M, y):
    rows = list(reversed(M))
    rows.append(y)
    return np.sum(np.stack(rows) ** 2 * 0.5) + rows[0] @ y


X = np.array([0.3, -0.5, 0.8, 0.2])
Y = np.array([0.7, 0.1, -0.4, 0.6])
M = np.array([[0.2, -0.3, 0.5, 0.1], [0.4, 0.9, -0.7, 0.3]])


@pytest.mark.parametrize("f, args", [
    (reversed_list, (X, Y)), (reversed_tuple_of_a_list, (X, [0.4, -0.2, 0.9])),
    (reversed_floats, (X, Y)), (reversed_floats, (-X, Y)), (reversed_rows, (M, Y)),
])
def test_a_reversed_copy_is_the_copy_reversed(f, args) -> None:
    check_grad(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))


def test_a_reversed_iterator_kept_is_still_refused() -> None:
    """``r = reversed(x)`` kept as an iterator is not rewritten: a clear refusal."""
    import s2sad

    def kept(x):
        r = reversed(x)
        return sum(r)

    with pytest.raises(s2sad.DifferentiationError, match="reversed"):
        s2sad.grad(kept)(X)
