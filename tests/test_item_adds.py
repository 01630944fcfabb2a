"""A loop's element adds into an array adjoint gathered and made after the loop
(``compiler/item_adds.py``, ``runtime.add_items``): a reversed loop reading ``v[t]`` and
``v[t + 1]`` of a vector also used whole (``v[:-1]``) appends the positions and numbers to
two lists, one ``np.add.at`` after it.  Gradients against central differences: the
benchmark's actor-critic loss (generalised advantages), a TD recursion, a matrix read at
``A[i, j]``, a while loop with a data-dependent ``if`` (both branches), repeated positions
in one trip; where the loop also reads the adjoint whole the adds stay; float32 arrays
(not float64: left as they were); second order through ``add_items``; PyTorch arrays."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen18 import gae_actor_critic, gae_actor_critic_args
from tests.gradcheck import check_grad, check_hessian, grad_code


def td_errors(w, X, r, gamma):
    """TD(0) errors of a linear value, discounted back to front."""
    v = X @ w
    run = 0.0
    total = 0.0
    for t in range(r.shape[0] - 1, -1, -1):
        run = r[t] + gamma * v[t + 1] - v[t] + gamma * run
        total = total + run ** 2
    return total + np.sum(v[:-1] ** 2)


def grid_path(A, path_i, path_j):
    """A path through a matrix read element by element, the matrix also used whole."""
    M = np.tanh(A)
    s = 0.0
    for k in range(path_i.shape[0]):
        s = s + M[path_i[k], path_j[k]] * M[path_j[k], path_i[k]]
    return s * np.sum(M ** 2)


def clipped_walk(x, y, limit):
    """A while loop whose trips add into x[i] or x[i - 1] by a data-dependent branch."""
    z = np.sin(x)
    i = 1
    acc = 0.0
    while i < x.shape[0]:
        if z[i] > limit:
            acc = acc + z[i] * y[i]
        else:
            acc = acc + z[i - 1] * z[i] ** 2
        i = i + 1
    return acc + np.dot(z[1:], y[1:])


def twice_a_trip(x, c):
    """One position read twice in a trip (``u[t] * u[t]``, ``u[0]``): repeated adds."""
    u = np.exp(0.3 * x)
    s = 0.0
    for t in range(x.shape[0]):
        s = s + c[t] * u[t] * u[t] + u[0] * u[t]
    return s + np.sum(u[1:] * c[1:])


def whole_read_in_loop(x):
    """The loop reads the vector whole too: its adjoint gets whole adds in the loop."""
    u = x ** 2
    s = 0.0
    for t in range(x.shape[0]):
        s = s + u[t] * np.sum(u)
    return s + np.sum(u[:-1])


@pytest.mark.parametrize("size", ["smoke"])
def test_actor_critic(size):
    args = gae_actor_critic_args(size)
    check_grad(gae_actor_critic, *args, wrt=(0, 1))
    code = grad_code(gae_actor_critic, *args, wrt=(0, 1))
    assert "add_items(dvalues, dvalues_at, dvalues_adds)" in code
    assert "dvalues[" not in code  # (no NumPy scalar updates left in the loop)


def test_td_errors(rng):
    n, d = 9, 3
    args = (rng.standard_normal(d), rng.standard_normal((n + 1, d)), rng.standard_normal(n), 0.9)
    check_grad(td_errors, *args)
    assert "add_items(" in grad_code(td_errors, *args)


def test_td_errors_hessian(rng):
    n, d = 6, 3
    X, r = rng.standard_normal((n + 1, d)), rng.standard_normal(n)
    check_hessian(lambda w: td_errors(w, X, r, 0.8), rng.standard_normal(d))


def test_second_order_through_add_items(rng):
    n, d = 5, 3
    X, r = rng.standard_normal((n + 1, d)), rng.standard_normal(n)
    g = s2sad.grad(td_errors)

    def g_norm(w):
        return np.sum(g(w, X, r, 0.7) ** 2)

    w = rng.standard_normal(d)
    assert "add_items(" in grad_code(td_errors, w, X, r, 0.7)
    check_grad(g_norm, w)


def test_matrix_path(rng):
    A = rng.standard_normal((4, 5))
    path_i, path_j = np.array([0, 1, 3, 2, 0]), np.array([1, 1, 2, 0, 3])
    check_grad(grid_path, A[:4, :4], path_i, path_j)


@pytest.mark.parametrize("limit", [-2.0, 2.0, 0.1])  # (all one branch, the other, both)
def test_while_with_branch(rng, limit):
    x, y = rng.standard_normal(8), rng.standard_normal(8)
    check_grad(clipped_walk, x, y, limit, wrt=(0, 1))


def test_repeated_positions(rng):
    x, c = rng.standard_normal(7), rng.standard_normal(7)
    check_grad(twice_a_trip, x, c, wrt=(0, 1))
    assert "add_items(" in grad_code(twice_a_trip, x, c, wrt=(0, 1))


def test_whole_read_in_loop_keeps_adds(rng):
    x = rng.standard_normal(6)
    check_grad(whole_read_in_loop, x)


def test_float32_left_alone(rng):
    n, d = 7, 3
    args = (rng.standard_normal(d).astype(np.float32),
            rng.standard_normal((n + 1, d)).astype(np.float32),
            rng.standard_normal(n).astype(np.float32), 0.9)
    got = s2sad.grad(td_errors)(*args)
    assert got.dtype == np.float32
    ref = s2sad.grad(td_errors)(*(a.astype(np.float64) if isinstance(a, np.ndarray) else a
                                  for a in args))
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_torch_arrays(rng):
    torch = pytest.importorskip("torch")
    n, d = 8, 3
    args = (rng.standard_normal(d), rng.standard_normal((n + 1, d)), rng.standard_normal(n), 0.9)
    g = s2sad.grad(td_errors)
    ref = g(*args)
    got = g(*(torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args))
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12, atol=1e-12)
