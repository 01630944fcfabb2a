"""``s2sad.jacobian`` of a function returning a tuple, list or dict: a bare NumPy
ValueError ("setting an array element with a sequence") came out of the stacking.  It
is now a DifferentiationError naming the function and saying what to do; an array
output still gets its Jacobian (checked against finite differences)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import numerical_grad

X = np.array([0.3, -1.2, 0.8])


def pair(x):
    return np.sin(x) * 2, np.sum(x ** 2)


def named(x):
    return {"a": x ** 2, "b": np.cumsum(x)}


def listed(x):
    return [x[0] * x[1], np.exp(x)]


@pytest.mark.parametrize("f", [pair, named, listed])
@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_structured_outputs_are_refused_clearly(f, mode):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_structured_jacobian.py:\d+: "
                       r"jacobian of \w+: its output is a"):
        s2sad.jacobian(f, mode=mode)(X)


def test_each_item_has_its_jacobian():
    for k in range(3):
        def item(x, k=k):
            return np.sin(x)[k] * 2 + pair(x)[1]
        row = s2sad.jacobian(lambda x: pair(x)[0])(X)[k] + 2 * X
        np.testing.assert_allclose(row, numerical_grad(item, (X,)), rtol=1e-6, atol=1e-8)
