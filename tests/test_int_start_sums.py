"""Sums started from the int 0 (``total = 0`` then ``total += ...``, the builtin ``sum``
of a generator) over elements of float64 arrays: the sum's adjoint is the number 1.0,
and ``1.0 * w[i]`` of an element of a float64 argument is ``w[i]`` (algebra knows the
element is a number from the argument's shape class before the shape facts are worked
out).  Each against central differences, with the generated source checked."""
import numpy as np
import pytest

from gradcheck import check_grad, grad_source


def dot_from_int(x, w):
    total = 0
    for i in range(x.shape[0]):
        total += np.tanh(x[i]) * w[i]
    return total


def neighbour_products(x):
    return sum(x[i] * x[i + 1] for i in range(len(x) - 1))


def matrix_sines(A):
    return sum(np.sin(A[i, j]) for i in range(A.shape[0]) for j in range(A.shape[1]))


@pytest.mark.parametrize("case", ["dot", "pairs", "matrix"])
def test_sums_from_int_zero(rng, case) -> None:
    if case == "dot":
        f, args, wrt = dot_from_int, (rng.standard_normal(5), rng.standard_normal(5)), (0, 1)
    elif case == "pairs":
        f, args, wrt = neighbour_products, (rng.standard_normal(6),), 0
    else:
        f, args, wrt = matrix_sines, (rng.standard_normal((3, 4)),), 0
    check_grad(f, *args, wrt=wrt)
    assert "1.0 *" not in grad_source(f, *args, wrt=wrt)
