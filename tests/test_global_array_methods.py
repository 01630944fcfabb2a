"""Methods of an array the function reads from outside (``C.dot(x)`` of a global ``C``)
are their primitives (was refused: "call of ndarray.dot: no derivative rule", found by
the random programs, seed 80859).  Checked against central differences."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_jvp

C = np.array([-0.03, 0.98, 1.01])
M = np.arange(9.0).reshape(3, 3) / 7
X = np.array([0.3, -0.4, 0.7])


def dot_of_globals(x):
    return C.dot(x) ** 2 + M.dot(x).sum()


def chained_methods(x):
    return np.sum(M.T.dot(x) * C.clip(0, 1)) + C.reshape(3, 1).dot(x[None, :]).sum()


def reductions_of_a_global(x):
    y = C.copy()
    y[0] = x[0]
    return y.dot(x) + C.max() * x.sum() + M.trace() * x[1]


@pytest.mark.parametrize("f", [dot_of_globals, chained_methods, reductions_of_a_global])
def test_methods_of_a_global_array(f):
    check_grad(f, X)
    check_jvp(f, X)
