"""``a, b = d`` of a dict binds its keys (Python unpacks what iterating gives); the
unpacking read ``d[0]``, ``d[1]`` (KeyError out of the derivative, "s2sad bug").  Now
an unpacked name that may hold a dict goes through ``iteration_items``, as ``for k in
d`` does; a list or tuple the shape facts know goes through as it is (no helper left).
Checked against central differences, both branches of a data-dependent if."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, grad_code
from test_vector_adjoints import qmul


def unpack_dict(x):
    d = {"a": x * 2.0, "b": np.sin(x)}
    a, b = d
    return np.sum(d[a] * d[b])


def unpack_starred(x):
    d = {"a": x * 2.0, "b": np.sin(x), "c": x ** 2}
    first, *rest = d
    return np.sum(d[first] * d[rest[-1]])


def unpack_number_keys(x):  # (keys are numbers: no derivative through them)
    d = {2: x * 2.0, 0: np.sin(x)}
    if x[0] > 0:
        d = {1: np.cos(x), 3: x}
    i, j = d
    return np.sum(d[i] * d[j]) * (i + j + 1)


def unpack_tuple(x):
    t = (x * 2.0, np.sin(x))
    if x[0] > 0:
        t = (np.cos(x), x)
    a, b = t
    return np.sum(a * b)


@pytest.mark.parametrize("f", [unpack_dict, unpack_starred, unpack_number_keys,
                               unpack_tuple])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_unpacked(f, sign, rng):
    x = sign * rng.uniform(0.2, 1.0, 3)
    assert s2sad.value_and_grad(f)(x)[0] == pytest.approx(f(x))
    check_grad(f, x)
    check_jvp(f, x, rng=rng)


def test_unpacked_dict_second_order(rng):
    check_hessian(unpack_dict, rng.uniform(0.2, 1.0, 3))


def test_a_tuple_goes_through_as_it_is(rng):
    code = grad_code(unpack_tuple, rng.uniform(0.2, 1.0, 3))
    assert "iteration_items" not in code and "items_adjoint" not in code
    assert "fresh([" not in code


def quaternion_chain(qs, v):
    """Arrays unpacked (``w, x, y, z = q``): read by item, no dict's keys looked for (the
    adjoint of the unpacking is the array of the items' adjoints as it is)."""
    q = np.array([1.0, 0.0, 0.0, 0.0])
    for i in range(qs.shape[0]):
        q = qmul(q, qs[i] / np.sqrt(qs[i] @ qs[i]))
    w, x, y, z = qmul(q, np.concatenate([[0.0], v]))
    return w * w + x * y + z


def test_arrays_unpacked_read_by_item():
    r = np.random.default_rng(5)
    qs, v = r.standard_normal((3, 4)), r.standard_normal(3)
    check_grad(quaternion_chain, qs, v, wrt=(0, 1))
    code = grad_code(quaternion_chain, qs, v, wrt=(0, 1))
    # (each row unpacked into four names: its length checked as Python checks it)
    assert "items_adjoint" not in code
    assert all(", 4)" in line for line in code.splitlines() if "iteration_items(" in line)
