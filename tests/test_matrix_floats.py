"""A float64 matrix read element by element in loops (``pos[i, 0] - pos[j, 0]``; the late
pass ``floats``): read from ``as_floats(pos)``, a list of rows of Python floats, as
``pos_items[i][0]``, and its adjoint a list of rows added into in place; a matrix also
read by row, or written, stays an array.  Each against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_source, numerical_grad


def pair_energy(pos):
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            r2 = dx * dx + dy * dy
            e = e + 1.0 / r2 - 2.0 / np.sqrt(r2)
    return e


def bilinear(A, x):
    s = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            s = s + A[i, j] * x[i] * np.tanh(x[j])
    return s


def kinetic(v, m):
    e = 0.0
    for i in range(v.shape[0]):
        for k in range(3):
            e = e + 0.5 * m[i] * v[i, k] ** 2
    return e


def _case(rng, case):
    if case == "pairs":
        pos = np.array([[0.0, 0.0], [1.1, 0.1], [0.2, 1.3], [1.4, 1.2]])
        return pair_energy, (pos + 0.05 * rng.standard_normal(pos.shape),), 0
    if case == "bilinear":
        return bilinear, (rng.standard_normal((3, 3)), rng.standard_normal(3)), (0, 1)
    return kinetic, (rng.standard_normal((4, 3)), rng.uniform(1, 2, 4)), (0, 1)


@pytest.mark.parametrize("case", ["pairs", "bilinear", "kinetic"])
def test_matrix_elements_read_as_floats(rng, case) -> None:
    f, args, wrt = _case(rng, case)
    check_grad(f, *args, wrt=wrt)
    src = grad_source(f, *args, wrt=wrt)
    assert "as_floats(" in src and "_items[i][" in src


def rows_and_elements(pos):
    e = 0.0
    for i in range(pos.shape[0]):
        e = e + pos[i, 0] * np.sum(pos[i] ** 2)
    return e


def written_then_read(pos):
    p = pos.copy()
    for i in range(1, pos.shape[0]):
        p[i, 0] = p[i - 1, 0] * p[i, 1]
    e = 0.0
    for i in range(pos.shape[0]):
        e = e + p[i, 0] * p[i, 1]
    return e


@pytest.mark.parametrize("f", [rows_and_elements, written_then_read])
def test_matrices_read_otherwise_stay_arrays(rng, f) -> None:
    pos = rng.standard_normal((4, 2))
    check_grad(f, pos)
    assert "pos_items" not in grad_source(f, pos)


def test_coincident_points_give_numpys_numbers() -> None:
    """Two equal rows: Python raises at the zero divisor where NumPy gives inf; the
    derivative falls back to NumPy scalars and returns their numbers: NaN for the two
    (inf - inf), for the third twice its gradient beside one of them."""
    pos = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.2]])
    with np.errstate(all="ignore"):
        g = s2sad.grad(pair_energy)(pos)
    assert np.isnan(g[:2]).all()
    beside_one = numerical_grad(pair_energy, (pos[1:],))[1]
    np.testing.assert_allclose(g[2], 2 * beside_one, rtol=1e-6)
