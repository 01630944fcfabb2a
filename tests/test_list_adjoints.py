"""Two contributions to the adjoint of a list a builtin made (``sorted(xs)``,
``d.values()``, ``d.items()``) add item by item (``add_grads``), never by ``+``, which
joins two lists: ``min(vals) + vals[0]`` of ``vals = sorted(...)`` lost the ``min``'s
share (random program 770015), against differences and closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from tests.gradcheck import check_grad, check_jvp

X = np.array([0.3, -0.5, 1.2, 0.8, -0.1, 0.4])


def min_then_first(x):
    vals = sorted(x.tolist())
    return min(vals) + vals[0]


def min_then_second(x):
    vals = sorted(x.tolist())
    return min(vals) * 3.0 + vals[1]


def max_then_product(x):
    vals = sorted(x.tolist(), reverse=True)
    return max(vals) + vals[-1] * vals[1]


def fuzz_770015(x):
    vals = sorted(x.tolist()) if 0.49 > 0 else list(reversed(x))
    return max(vals[0], x[-4]) + abs(min(vals)) + vals[-1] * vals[1]


def dict_values_twice(x):
    d = {"a": x[0] * x[1], "b": np.sin(x[2]), "c": x[3] ** 2}
    vals = list(d.values())
    return max(vals) + vals[0] + sum(vals)


def dict_items_twice(x):
    d = {"a": x[0] * x[1], "b": np.sin(x[2])}
    pairs = d.items()
    total = 0.0
    for _, v in pairs:
        total = total + v
    return total * min(v for _, v in pairs)


@pytest.mark.parametrize("f", [min_then_first, min_then_second, max_then_product,
                               fuzz_770015, dict_values_twice, dict_items_twice])
def test_list_adjoint_contributions_add(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_closed_form():
    # min(vals) + vals[0] is twice the smallest element: 2 at its position
    expected = np.zeros_like(X)
    expected[np.argmin(X)] = 2.0
    assert np.allclose(s2sad.grad(min_then_first)(X), expected)


def test_a_joined_adjoint_is_refused_not_truncated():
    """The runtime's net under the compiler: a list adjoint longer than its list (two
    adjoints joined by +) raises instead of giving the first items their share."""
    from s2sad import runtime
    xs = [0.5, -1.0, 2.0]
    joined = [1.0, 0.0, 0.0] + [0.0, 1.0, 0.0]
    for call in (lambda: runtime.sorted_adjoint(joined, xs),
                 lambda: runtime.sequence_adjoint(joined, xs),
                 lambda: runtime.values_to_dict(joined, {"a": 1.0, "b": 2.0})):
        with pytest.raises(s2sad.DifferentiationError, match="joined"):
            call()
    assert runtime.sorted_adjoint([1.0, 2.0, 3.0], xs) == [2.0, 1.0, 3.0]
