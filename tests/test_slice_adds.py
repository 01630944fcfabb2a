"""Element matrices added into a global one by slices in a loop (``K[2 * e:2 * e + 4, 2 * e:
2 * e + 4] += k_e * ke``, a finite-element assembly) and a solve with a part of it.

* The reverse sweep's slices ``slice(lo, hi)`` have lengths (``windows``: read like the
  forward's ``lo:hi``), so the written part's adjoint is ``dK[lo:hi, lo:hi]`` with no
  ``unbroadcast`` and no shape pushed per trip;
* that part cleared and added back unchanged (``K[s] += v`` leaves the rest of ``K``'s
  adjoint as it was) goes (``kept_elements``: basic slices of counter arithmetic, the
  bounds followed through names such as ``add = mul + 4`` after ``mul = 2 * e``);
* ``np.linalg.solve(K[2:, 2:], f)`` of a matrix and a vector whose lengths are not known
  to match (they do: the solve ran) has both adjoints from one shared ``solve(K.T, g)``.

Each against central differences; where the clearing must stay (an index array with
repeats, a slice of another length written back, the old value read after the write,
a number broadcast into the slice, a branch either way) the gradient is checked too.
"""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_code


def _ke(h):
    return np.array([[12.0, 6 * h, -12.0, 6 * h],
                     [6 * h, 4 * h * h, -6 * h, 2 * h * h],
                     [-12.0, -6 * h, 12.0, -6 * h],
                     [6 * h, 2 * h * h, -6 * h, 4 * h * h]]) / h ** 3


def beam(log_E, loads):
    n = log_E.shape[0]
    ke = _ke(1.0 / n)
    K = np.zeros((2 * n + 2, 2 * n + 2))
    for e in range(n):
        K[2 * e:2 * e + 4, 2 * e:2 * e + 4] += np.exp(log_E[e]) * ke
    u = np.linalg.solve(K[2:, 2:], loads)
    return loads @ u


def bar_1d(k, f):
    n = k.shape[0]
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        K[e:e + 2, e:e + 2] += k[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return f @ np.linalg.solve(K[1:, 1:], f)


def window_sums(w, a):
    K = np.zeros(w.shape[0] + 3)
    for i in range(w.shape[0]):
        K[i:i + 4] += np.tanh(w[i]) * a
    return np.sum(K ** 2)


def strided_rows(w, A):
    n = w.shape[0]
    K = np.zeros((n + 2, 6))
    for e in range(n):
        K[e:e + 3, ::2] += w[e] * A
    return np.sum(np.sin(K))


def _beam_args(n, seed):
    r = np.random.default_rng(seed)
    return 0.3 * r.standard_normal(n), 1.0 + r.random(2 * n)


@pytest.mark.parametrize("n", [3, 5])
def test_beam_assembly_and_solve(n):
    args = _beam_args(n, n)
    check_grad(beam, *args, wrt=(0, 1), rtol=1e-5)
    code = grad_code(beam, *args, wrt=(0, 1))
    assert "zero_at" not in code and "add_at" not in code
    # the assembly loop runs for all elements at once (element_windows.py): one
    # scatter-add forward, one gather of the windows in the adjoint
    assert "for e in" not in code and code.count("scatter_add(") == 1
    assert "solve_lhs_adjoint" not in code and "solve_rhs_adjoint" not in code
    # one factorisation: the forward's solve and the one adjoint solve both use it
    assert code.count("lu_factor(") == 1 and code.count("lu_solve(") == 2


def test_bar_assembly():
    r = np.random.default_rng(1)
    args = 1.0 + r.random(6), r.standard_normal(6)
    check_grad(bar_1d, *args, wrt=(0, 1), rtol=1e-5)
    code = grad_code(bar_1d, *args, wrt=(0, 1))
    assert "zero_at" not in code and "solve_lhs_adjoint" not in code


def test_window_and_strided_slices():
    r = np.random.default_rng(2)
    check_grad(window_sums, r.standard_normal(5), r.standard_normal(4), wrt=(0, 1))
    check_grad(strided_rows, r.standard_normal(4), r.standard_normal((3, 3)), wrt=(0, 1))


# ----- where the cleared part must not simply stay -----

def repeated_index(w, v):
    K = np.zeros(6)
    idx = np.array([0, 2, 2, 5])
    for e in range(w.shape[0]):
        K[idx] += w[e] * v  # (the repeated 2 written once: NumPy's buffered +=)
    return np.sum(K ** 2 * np.arange(1.0, 7.0))


def read_old_value(w, a):
    K = np.ones(w.shape[0] + 3)
    total = 0.0
    for i in range(w.shape[0]):
        old = K[i:i + 4].copy()
        K[i:i + 4] += w[i] * a
        total = total + np.sum(old * a * K[i:i + 4])
    return total + np.sum(K ** 2)


def read_through_a_view(w, a):
    K = np.ones(w.shape[0] + 3)
    total = 0.0
    for i in range(w.shape[0]):
        old = K[i:i + 4]
        K[i:i + 4] += w[i] * a  # (old is a view: it sees the write)
        total = total + np.sum(old * a)
    return total + np.sum(K ** 2)


def number_into_slice(w):
    K = np.zeros((w.shape[0] + 2, 3))
    for e in range(w.shape[0]):
        K[e:e + 3, :] += w[e] ** 2
    return np.sum(np.cos(K))


def clipped_windows(w, c):
    K = np.zeros(w.shape[0])
    for i in range(w.shape[0]):
        K[i:i + 3] += w[i] ** 2 * c  # (the last two windows run past the end: shorter)
    return np.sum(np.sin(K) * np.arange(1.0, w.shape[0] + 1.0))


def row_broadcast(w, row):
    K = np.zeros((w.shape[0] + 2, 4))
    for e in range(w.shape[0]):
        K[e:e + 3] += w[e] * row  # (a row of 4 into 3 x 4)
    return np.sum(K ** 3)


def branch_sign(w, a):
    K = np.zeros(w.shape[0] + 2)
    for i in range(w.shape[0]):
        if w[i] > 0.0:
            K[i:i + 3] += w[i] * a
        else:
            K[i:i + 3] -= 2.0 * w[i] * a
    return np.sum(K ** 2)


def test_repeated_index_array():
    r = np.random.default_rng(3)
    check_grad(repeated_index, r.standard_normal(3), r.standard_normal(4), wrt=(0, 1))


def test_old_value_read_before_and_after_the_write():
    r = np.random.default_rng(4)
    check_grad(read_old_value, r.standard_normal(4), r.standard_normal(4), wrt=(0, 1))


def test_a_view_of_the_slice_is_refused():
    r = np.random.default_rng(4)
    with pytest.raises(s2sad.DifferentiationError, match="shares its memory with old"):
        s2sad.grad(read_through_a_view, wrt=(0, 1))(r.standard_normal(4), r.standard_normal(4))


def test_number_and_row_broadcast_into_a_slice():
    r = np.random.default_rng(5)
    check_grad(number_into_slice, r.standard_normal(4))
    check_grad(row_broadcast, r.standard_normal(4), r.standard_normal(4), wrt=(0, 1))
    check_grad(clipped_windows, r.standard_normal(5), 0.7, wrt=(0, 1))


@pytest.mark.parametrize("signs", [(1, 1, 1, 1), (-1, -1, -1, -1), (1, -1, 1, -1)])
def test_branch_either_way(signs):
    r = np.random.default_rng(6)
    w = np.array(signs) * (0.5 + r.random(4))
    check_grad(branch_sign, w, r.standard_normal(3), wrt=(0, 1))


def test_solve_of_a_sliced_matrix_with_a_matrix_rhs():
    """Both adjoints from one solve also for a matrix right-hand side."""
    def f(A, B):
        return np.sum(np.linalg.solve(A[1:, 1:], B) ** 2)
    r = np.random.default_rng(7)
    A = r.standard_normal((5, 5)) + 5 * np.eye(5)
    B = r.standard_normal((4, 3))
    check_grad(f, A, B, wrt=(0, 1))
    assert "solve_lhs_adjoint" not in grad_code(f, A, B, wrt=(0, 1))
