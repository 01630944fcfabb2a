"""Arrays that grow in a loop (``acc = np.vstack([acc, row])``, ``np.concatenate``,
``np.append``): the shape facts have no fixpoint there (a length one more each trip), so
a name whose shape keeps changing is unknown after a bound number of changes
(``shape_solve.MAX_CHANGES``).  The transform hung for ever before.  Every case against
central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp


def stacked_rows(x, w):
    acc = np.zeros((0, x.shape[0]))
    for i in range(3):
        acc = np.vstack([acc, np.tanh(w * x + i)])
    return np.sum(acc ** 2)


def grown_vector(x, n):
    out = x[:1]
    for _ in range(n):
        out = np.concatenate([out, np.sin(out[-1:] + x[1:2])])
    return np.sum(out * np.arange(out.shape[0]))


def appended_values(x):
    out = np.array([])
    for i in range(x.shape[0]):
        out = np.append(out, x[i] ** 2)
    return np.sum(out * np.arange(out.shape[0]))


def test_rows_stacked_in_a_loop(rng):
    x = rng.standard_normal(4)
    check_grad(stacked_rows, x, 0.6, wrt=(0, 1))
    check_vjp(stacked_rows, x, 0.6, wrt=(0, 1))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_vector_grown_by_concatenation(n, rng):
    check_grad(grown_vector, rng.standard_normal(3), n)


def test_values_appended_with_np_append(rng):
    x = rng.standard_normal(5)
    check_grad(appended_values, x)
    g = s2sad.grad(appended_values)(x)  # closed form: 2 i x_i
    np.testing.assert_allclose(g, 2 * np.arange(5) * x, rtol=1e-12)
