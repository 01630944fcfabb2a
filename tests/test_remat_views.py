"""A pairwise difference ``X[:, None, :] - C[None, :, :]`` computed in each step of a
loop is made again in the reversed loop from the values popped with it, not taped, so
its adjoint's sum becomes a contraction (``compiler/remat_views.py``); a helper's
adjoint spread by a minimum (``extremum_adjoint``) and an adjoint copied to itself
are known inexact (``compiler/inexact.py``), so the contraction applies to them too.

Each against central differences; the source checked for the form (no n x k x d array
in the reverse sweep), and a difference read otherwise too left on the tape.
"""
import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def nearest(C, X):
    d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    return np.mean(np.min(d, axis=1))


def kmeans_steps(C, X):
    for _ in range(3):
        d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
        logits = -2.0 * d
        R = np.exp(logits - np.max(logits, axis=1, keepdims=True))
        R = R / np.sum(R, axis=1, keepdims=True)
        C = (R.T @ X) / np.sum(R, axis=0)[:, None]
    return np.sum(C ** 2)


def center_descent(C, X):
    for _ in range(3):
        diff = X[:, None, :] - C[None, :, :]
        w = np.exp(-np.sum(diff ** 2, axis=2))
        C = C + 0.1 * (w.T @ X - np.sum(w, axis=0)[:, None] * C)
    return np.sum(C ** 2)


def read_otherwise(P, Q):
    """The difference also read outside a sum (``np.tanh(diff)``): kept on the tape."""
    for _ in range(2):
        diff = P[:, None, :] - Q[None, :, :]
        K = np.exp(-np.sum(diff * diff, axis=2))
        Q = Q + 0.1 * K.T @ P + 0.01 * np.sum(np.tanh(diff), axis=0)
    return np.sum(Q * Q)


def _data(seed, n=7, k=3, d=2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((k, d)), rng.standard_normal((n, d))


def test_a_minimum_of_distances_contracted():
    C, X = _data(0)
    check_grad(nearest, C, X, wrt=(0, 1))
    code = grad_source(nearest, C, X)
    assert "expand_dims" not in code and ".T @ X" in code, code


def test_kmeans_steps_difference_made_again_not_taped():
    C, X = _data(1)
    check_grad(kmeans_steps, C, X, wrt=(0, 1))
    reverse = _code(kmeans_steps, C, X).split("reversed")[1]
    assert "expand_dims" not in reverse and "sub" not in reverse, reverse


def test_center_descent_difference_made_again_not_taped():
    C, X = _data(2, n=5, k=4)
    check_grad(center_descent, C, X, wrt=(0, 1))
    code = _code(center_descent, C, X)
    forward, reverse = code.split("reversed")
    assert "diff = X[:, None, :] - C_1[None, :, :]" in reverse, reverse
    assert "diff" not in forward.split("stack.append")[1].split(")")[0], forward


def test_a_difference_read_otherwise_stays_on_the_tape():
    Q, P = _data(3, n=5, k=4)
    check_grad(read_otherwise, P, Q, wrt=(0, 1))
    reverse = _code(read_otherwise, P, Q, wrt=(0, 1)).split("reversed")[1]
    # (session 45: remade_tape makes the difference again after the pop, as it does where
    # nothing else reads it: the tape no longer holds the (n, k, d) array)
    assert "diff = P[:, None, :] - Q_1_at[None, :, :]" in reverse, reverse
