"""The adjoint of a list or dict with an item written (``lst[0] += ...``) clears that
item, ``zero_at(dlst, 0)``; a second derivative adds two adjoints of such a cleared
adjoint, and ``zero_at`` was not known to keep a container: they were added with ``+``,
which joins lists ("+ or * of lists ... not known" refused; fuzz2 seed 770926 at second
order) and fails on dicts ("s2sad bug").  ``zero_at``/``clear_at`` keep containers now.
Hessian-vector products checked against central differences of the first derivative."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

V = np.array([0.3, 1.0, -0.5, 0.7])


def rotated(x, s):
    lst1 = [x[1], s * 2.0, x[-3]]
    lst1.append(lst1.pop(0) * -0.49)
    lst1[0] += lst1[-1] * -0.74
    lst1.append(lst1.pop(0) * -0.58)
    return sum(lst1) + np.sum(np.array(lst1) ** 2) * 0.43


def deleted_and_written(x, s):
    lst = [x[1], s * 2.0, x[-3]]
    lst.append(lst[0] * -0.49)
    del lst[0]
    lst[0] += lst[-1] * -0.74
    lst.append(lst[0] * -0.58)
    del lst[0]
    return sum(lst) + np.sum(np.array(lst) ** 2) * 0.43


def dict_written(x, s):
    d = {"a": x[0] * s, "b": x[1], "c": np.sin(x[2])}
    d["a"] = d["a"] * d["b"]
    d["c"] += d["a"] ** 2
    v = d.pop("b")
    return sum(d.values()) * v + d["c"] ** 2


@pytest.mark.parametrize("f", [rotated, deleted_and_written, dict_written])
def test_second_order_through_cleared_items(f, rng):
    def hv(x, s):
        return np.sum(s2sad.grad(f)(x, s) * V)
    x, s = rng.uniform(-1.0, 1.0, 4), 0.38
    check_grad(f, x, s, wrt=(0, 1))
    check_grad(hv, x, s, wrt=(0, 1))
