"""A ufunc of the elements of a float64 vector parameter in a loop over all of them
(``np.exp(log_E[e])``) taken once for the whole vector before the loop
(``exp_items = as_floats(np.exp(log_E))``), also where the vector is used as an array
elsewhere (a penalty ``np.sum(log_E ** 2)``), and read again by the reverse sweep's loop
(``reversed(range(n))``) instead of calling the ufunc a trip there (``number_calls``);
and ``np.array`` of a nested list display with a float literal is float64 (``dtypes``: a
flat dot with it is ``np.vdot``).

Gradients against central differences.  Left alone where a trip may skip the call (a
branch, both ways: no ``np.log`` of the elements it skips) and where the loop covers
part of the vector.
"""
import numpy as np
import pytest

from gradcheck import check_grad, grad_code


def stiff_chain(log_k, f):
    n = log_k.shape[0]
    ke = np.array([[1.0, -1.0], [-1.0, 1.0]])
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        K[e:e + 2, e:e + 2] += np.exp(log_k[e]) * ke
    return f @ np.linalg.solve(K[1:, 1:] + np.eye(n), f) + 0.1 * np.sum(log_k ** 2)


def tanh_windows(w, v):
    K = np.zeros(w.shape[0] + 1)
    for e in range(w.shape[0]):
        K[e:e + 2] += np.tanh(w[e]) * v
    return np.sum(K ** 3) + np.sum(w ** 2)


def log_when_positive(w):
    n = w.shape[0]
    K = np.eye(n + 1)
    for e in range(n):
        if w[e] > 0.0:
            K[e:e + 2, e:e + 2] += np.log(w[e]) * np.array([[1.0, -1.0], [-1.0, 1.0]])
        else:
            K[e, e] -= w[e]
    return np.sum(np.linalg.solve(K, np.ones(n + 1))) + np.sum(w ** 2)


def part_of_the_vector(w):
    K = np.eye(w.shape[0])
    for e in range(w.shape[0] - 1):
        K[e:e + 2, e:e + 2] += np.exp(w[e]) * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return np.sum(np.linalg.solve(K, np.ones(w.shape[0]))) + np.sum(w ** 2)


def window_exp(w):
    total = 0.0
    for i in range(w.shape[0] - 2):
        total = total * 0.5 + np.sum(np.exp(w[i:i + 2])) * w[i + 2]
    return total / w.shape[0] + np.sum(w ** 2)


def test_assembly_exp_once_for_both_sweeps():
    r = np.random.default_rng(0)
    args = 0.3 * r.standard_normal(5), r.standard_normal(5)
    check_grad(stiff_chain, *args, wrt=(0, 1))
    code = grad_code(stiff_chain, *args, wrt=(0, 1))
    # one exp of the vector for both sweeps: the assembly runs for all elements at once
    # (element_windows.py), the adjoint a gather of the windows
    assert code.count("np.exp(") == 1 and "np.exp(log_k_item" not in code
    assert "for e in" not in code and code.count("scatter_add(") == 1


def test_windows_of_a_vector():
    r = np.random.default_rng(1)
    args = r.standard_normal(6), r.standard_normal(2)
    check_grad(tanh_windows, *args, wrt=(0, 1))
    code = grad_code(tanh_windows, *args, wrt=(0, 1))
    assert code.count("as_floats(np.tanh(w))") == 1 and "np.tanh(w_item" not in code


@pytest.mark.parametrize("signs", [(1, 1, 1, 1), (-1, -1, -1, -1), (1, -1, -1, 1)])
def test_a_branch_keeps_the_call_in_the_loop(signs):
    r = np.random.default_rng(2)
    w = np.array(signs) * (0.5 + r.random(4))
    check_grad(log_when_positive, w)
    assert "np.log(w)" not in grad_code(log_when_positive, w)


def test_part_of_the_vector():
    r = np.random.default_rng(3)
    w = 0.3 * r.standard_normal(5)
    check_grad(part_of_the_vector, w)
    assert "np.exp(w)" not in grad_code(part_of_the_vector, w)


def test_a_slice_of_the_vector_is_no_number():
    """``np.exp(w[i:i + 2])``: an array, not a float64 number (no ``float(...)`` of it)."""
    r = np.random.default_rng(4)
    check_grad(window_exp, r.standard_normal(6))
