"""The rank a reshape gives (``a.reshape(2, -1)``, ``np.reshape(a, (2, 8))``,
``a.ravel()``) known to the shape facts: an element of the result (``b[1, 1]``) is a
number, not a view, so writing into the array after reading it is differentiated (was
refused: "b shares its memory with L").  Each against central differences."""
import gast
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp
from s2sad import runtime
from s2sad.compiler import ranks


def element_kept_then_written(x):
    b = (x * 1.0).reshape(2, 2)
    kept = [b[0, 0], 1.0]
    b[1] = x[:2] ** 2
    return kept[0] * np.sum(b * b)


def reshaped_by_tuple(x):
    c = np.reshape(np.sin(x), (2, 2))
    s = c[1, 1]
    c[0] *= 2.0
    return s * np.sum(c)


def raveled_element(M):
    d = (M * M).ravel()
    t = d[3]
    d[1:3] = 0.0
    return t * np.sum(d * d)


def minus_one_length(M):
    e = np.tanh(M).reshape(-1, 2)
    first = e[0, 1]
    e[1:] = e[1:] * first
    return np.sum(e)


X = np.array([0.3, -0.7, 1.1, 0.2])
M = np.array([[0.5, -0.2], [0.1, 0.9]])


@pytest.mark.parametrize("f,arg", [(element_kept_then_written, X), (reshaped_by_tuple, X),
                                   (raveled_element, M), (minus_one_length, M)])
def test_element_of_reshape_read_then_written(f, arg):
    check_grad(f, arg)
    check_jvp(f, arg)
    check_hessian(f, arg)


def test_reshape_ranks():
    body = gast.parse("b = reshape_method(M, 4, -1)\nc = np.reshape(M, (2, 8))\n"
                      "d = np.ravel(M)\ne = np.reshape(M, k, order='F')").body
    found = ranks.infer(body, {"M": 2}, {"k"}, {"np": np,
                                                "reshape_method": runtime.reshape_method})
    assert (found["b"], found["c"], found["d"], found["e"]) == (2, 2, 1, 1)
