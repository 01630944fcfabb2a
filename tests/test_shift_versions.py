"""Maxima subtracted only to keep ``exp`` in range, inside loops where the user binds a
name again (``s = s - np.max(s)``; compiler/block_versions.py read by shifts.py): no
gradient flows through them, so the reverse sweep has no ``extremum_adjoint``.  Where
the shifted value is read elsewhere too (carried round the loop, read after it), the
maximum's gradient stays.  Each against central differences."""
import numpy as np
import pytest

from gradcheck import check_grad, grad_source


def attention_rows(Q, K, V):
    out = np.zeros((Q.shape[0], V.shape[1]))
    for i in range(Q.shape[0]):
        s = K @ Q[i] / np.sqrt(Q.shape[1])
        s = s - np.max(s)
        w = np.exp(s)
        w = w / np.sum(w)
        out[i] = w @ V
    return np.sum(out ** 2)


def log_softmax_rows(X, W, y):
    total = 0.0
    for t in range(X.shape[0]):
        z = W @ X[t]
        z = z - np.max(z)
        z = z - np.log(np.sum(np.exp(z)))
        total = total - z[y[t]]
    return total


def running_log_sum_exp(X, w):
    total = 0.0
    for t in range(X.shape[0]):
        s = X[t] * w
        m = np.max(s)
        s = s - m
        total = total + m + np.log(np.sum(np.exp(s)))
    return total


def _args(rng, case):
    if case == "attention":
        return attention_rows, (rng.standard_normal((4, 3)), rng.standard_normal((5, 3)),
                                rng.standard_normal((5, 2))), (0, 1, 2)
    if case == "log_softmax":
        return log_softmax_rows, (rng.standard_normal((4, 3)), rng.standard_normal((5, 3)),
                                  np.array([0, 4, 2, 1])), 1
    return running_log_sum_exp, (rng.standard_normal((4, 5)), rng.standard_normal(5)), 1


@pytest.mark.parametrize("case", ["attention", "log_softmax", "lse"])
def test_shifts_bound_again_in_a_loop(rng, case) -> None:
    f, args, wrt = _args(rng, case)
    check_grad(f, *args, wrt=wrt)
    assert "extremum_adjoint" not in grad_source(f, *args, wrt=wrt)


def shifted_and_kept(s, c):
    acc = 0.0
    for _ in range(3):
        m = np.max(s)
        s = s - m
        e = np.exp(s)
        acc = acc + (e / np.sum(e)) @ c
    return acc + np.sum(s)


def shifted_and_summed(X, w):
    total = 0.0
    for t in range(X.shape[0]):
        s = X[t] * w
        s = s - np.max(s)
        total = total + np.sum(np.exp(s))
    return total


@pytest.mark.parametrize("case", ["kept", "unnormalised"])
def test_maxima_that_matter_keep_their_gradient(rng, case) -> None:
    if case == "kept":
        f, args = shifted_and_kept, (rng.standard_normal(5), rng.standard_normal(5))
    else:
        f, args = shifted_and_summed, (rng.standard_normal((3, 5)), rng.standard_normal(5))
    check_grad(f, *args, wrt=0)
    assert "extremum_adjoint" in grad_source(f, *args, wrt=0)
