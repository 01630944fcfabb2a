"""A forward loop that only computes values for the tape (a loss summed over
mini-batches or time steps, the sum itself not needed for the gradient) runs inside
its reversed loop (``compiler/moved_sweeps.py``): one loop, the data read once, no
stack.  Each against central differences, the source checked for the form; a loop
that carries a state keeps both sweeps; ``value_and_grad`` keeps the value."""
import numpy as np

import s2sad
from gradcheck import check_grad


def minibatch_logistic(w, X, y, lam, batch):
    n = X.shape[0]
    loss = 0.0
    for start in range(0, n, batch):
        Xb = X[start:start + batch]
        yb = y[start:start + batch]
        z = Xb @ w
        loss = loss + np.sum(np.log1p(np.exp(-yb * z)))
    return loss / n + lam * np.sum(w ** 2)


def blocks(W, X, b):
    total = 0.0
    for k in range(X.shape[0] // b):
        H = np.tanh(X[k * b:(k + 1) * b] @ W)
        total = total + np.sum(H * H)
    return total


def steps(x, A):
    total = 0.0
    for t in range(A.shape[0]):
        e = np.sin(A[t] * x)
        total = total + e @ e
    return total


def state(W, h, T):
    for _ in range(T):
        h = np.tanh(W @ h)
    return np.sum(h ** 2)


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, argnums=wrt)
    g(*args)
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))  # (comments quote the user)


def test_minibatches_with_a_short_last_batch(rng) -> None:
    X = rng.standard_normal((23, 3))
    y = np.sign(rng.standard_normal(23))
    w = 0.3 * rng.standard_normal(3)
    check_grad(minibatch_logistic, w, X, y, 0.01, 5, wrt=(0, 1, 2, 3))
    src = _source(minibatch_logistic, w, X, y, 0.01, 5)
    assert src.count("for start in") == 1 and "stack" not in src


def test_row_blocks_of_a_matrix_product(rng) -> None:
    W, X = rng.standard_normal((4, 3)), rng.standard_normal((12, 4))
    check_grad(blocks, W, X, 3, wrt=(0, 1))
    src = _source(blocks, W, X, 3, wrt=(0, 1))
    assert src.count("for k in") == 1 and "stack" not in src


def test_time_steps_read_by_the_counter(rng) -> None:
    x, A = rng.standard_normal(5), rng.standard_normal((7, 5))
    check_grad(steps, x, A, wrt=(0, 1))
    src = _source(steps, x, A, wrt=(0, 1))
    assert src.count("for t in") == 1 and "stack" not in src


def test_a_carried_state_keeps_both_sweeps(rng) -> None:
    W, h = 0.5 * rng.standard_normal((4, 4)), rng.standard_normal(4)
    check_grad(state, W, h, 3, wrt=(0, 1))
    assert "stack" in _source(state, W, h, 3)


def test_value_and_gradient(rng) -> None:
    X = rng.standard_normal((10, 2))
    y = np.sign(rng.standard_normal(10))
    w = rng.standard_normal(2)
    value, dw = s2sad.value_and_grad(minibatch_logistic)(w, X, y, 0.1, 4)
    assert np.isclose(value, minibatch_logistic(w, X, y, 0.1, 4), rtol=1e-14)
    np.testing.assert_allclose(dw, s2sad.grad(minibatch_logistic)(w, X, y, 0.1, 4),
                               rtol=1e-13)
