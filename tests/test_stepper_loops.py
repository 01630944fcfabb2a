"""Explicit steppers written as element loops inside a time loop, and small matrices
built per step (session 36, benchmarks/problems_unseen.py):

* a state the time loop pushes once a step and the element loop then writes item by
  item is pushed as a copy, so the writes are in place (``compiler/ownership.py``,
  ``pushes``): no ``setitem`` copying the whole array per element;
* the reverse of ``x[i] = x[i] + e`` leaves ``dx[i]`` as it is instead of clearing it
  and adding it back (``compiler/kept_elements.py``);
* a branch flag of the element loop's counter (``if i > 0``) is tested again in the
  reversed inner loop, not pushed (``compiler/recompute.py``, nested loops);
* the rows of ``np.array([[c, -s], [s, c]])``'s adjoint read by item are views, not
  copies (``ownership.no_copies_read_by_item``);
* ``S = A[i] @ A[i].T + eps * I`` of a loop's item is symmetric (``symmetric.py``
  through the name ``transpose = A_item.T``).

Each against central differences, both sides of each branch taken; the source checked
for the form, and the cases where the form must not change checked too.
"""
import re

import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


# ---------------------------------------------------------------------------
# a state pushed once a step, written item by item
# ---------------------------------------------------------------------------

def chain_steps(x0, dt):
    n = x0.shape[0]
    x = x0.copy()
    g = np.zeros(n)
    for _step in range(4):
        for i in range(1, n - 1):
            g[i] = np.sin(x[i - 1] - x[i + 1])
        for i in range(n):
            x[i] = x[i] + dt * g[i] * x[i]
    return np.sum(x ** 2)


def spring_steps(x0, v0, k):
    n = x0.shape[0]
    x = x0.copy()
    v = v0.copy()
    a = np.zeros(n)
    for _step in range(3):
        for i in range(n):
            force = -0.2 * v[i]
            if i > 0:
                force = force + k * (x[i - 1] - x[i])
            if i < n - 1:
                force = force + k * (x[i + 1] - x[i])
            a[i] = force
        for i in range(n):
            v[i] = v[i] + 0.1 * a[i]
            x[i] = x[i] + 0.1 * v[i] * x[i]
    return np.sum(x ** 2) + np.sum(v ** 3)


def rotated_writes(x0, c):
    n = x0.shape[0]
    x = x0.copy()
    for step in range(3):
        for i in range(n):
            j = (i + step) % n
            x[j] = np.tanh(c * x[j]) + 0.5 * x[(j + 1) % n]
    return np.sum(x * x)


def test_state_pushed_once_a_step_is_written_in_place(rng) -> None:
    x0 = rng.standard_normal(6)
    check_grad(chain_steps, x0, 0.3, wrt=(0, 1))
    src = _code(chain_steps, x0, 0.3, wrt=(0, 1))
    assert "setitem(" not in src and "append(fresh(x" in src


def test_two_states_and_branches_pushed_once_a_step(rng) -> None:
    args = (rng.standard_normal(5), rng.standard_normal(5), 1.5)
    check_grad(spring_steps, *args, wrt=(0, 1, 2))
    src = _code(spring_steps, *args, wrt=(0, 1, 2))
    assert "setitem(" not in src


def test_state_written_at_computed_indices(rng) -> None:
    x0 = rng.standard_normal(5)
    check_grad(rotated_writes, x0, 0.8, wrt=(0, 1))
    assert "setitem(" not in _code(rotated_writes, x0, 0.8, wrt=(0, 1))


# ---------------------------------------------------------------------------
# x[i] = x[i] + e: the element's adjoint kept as it is
# ---------------------------------------------------------------------------

def shifted(x, v, dt):
    x = x.copy()
    for i in range(x.shape[0]):
        x[i] = x[i] + dt * v[i]
    return np.sum(np.sin(x))


def binned(x, w):
    r = np.zeros(3)
    for i in range(x.shape[0]):
        r[i % 3] += w * x[i]
    return np.sum(r ** 2)


def velocity_then_position(x, v, a, dt):
    x = x.copy()
    v = v.copy()
    for i in range(x.shape[0]):
        v[i] = v[i] + dt * a[i]
        x[i] = x[i] + dt * v[i]
    return np.sum(x ** 2) + np.sum(v ** 2)


def scaled_update(x, v):
    x = x.copy()
    for i in range(x.shape[0]):
        x[i] = 2.0 * x[i] + v[i]
    return np.sum(x ** 3)


def neighbour_update(x, c):
    x = x.copy()
    for i in range(1, x.shape[0]):
        x[i] = x[i] + c * x[i - 1]
    return np.sum(x ** 2)


def test_element_added_to_itself_keeps_its_adjoint(rng) -> None:
    x, v = rng.standard_normal(6), rng.standard_normal(6)
    check_grad(shifted, x, v, 0.3, wrt=(0, 1))
    assert "] = 0.0" not in _code(shifted, x, v, 0.3, wrt=(0, 1))


def test_element_added_to_at_a_computed_index(rng) -> None:
    x = rng.standard_normal(7)
    check_grad(binned, x, 0.6, wrt=(0, 1))
    assert "] = 0.0" not in _code(binned, x, 0.6, wrt=(0, 1))


def test_two_elements_added_to_in_turn(rng) -> None:
    args = (rng.standard_normal(5), rng.standard_normal(5), rng.standard_normal(5), 0.2)
    check_grad(velocity_then_position, *args, wrt=(0, 1, 2))
    assert "] = 0.0" not in _code(velocity_then_position, *args, wrt=(0, 1, 2))


def test_updates_that_are_not_the_identity_keep_the_clear(rng) -> None:
    x, v = rng.standard_normal(5), rng.standard_normal(5)
    check_grad(scaled_update, x, v, wrt=(0, 1))
    check_grad(neighbour_update, x, 0.7, wrt=(0, 1))
    code = _code(scaled_update, x, v, wrt=(0, 1))  # (at once: element_loops)
    assert "] = 0.0" in code or "zero_at(" in code


# ---------------------------------------------------------------------------
# a flag of the inner counter tested again, not pushed
# ---------------------------------------------------------------------------

def clamped_ends(u, c):
    n = u.shape[0]
    u = u.copy()
    for _step in range(3):
        new = np.zeros(n)
        for i in range(n):
            if i > 0:
                new[i] = u[i] + c * np.sin(u[i - 1])
            else:
                new[i] = u[i] * c
        u = new
    return np.sum(u ** 2)


def two_sweeps(u, c):
    n = u.shape[0]
    total = 0.0
    for _step in range(2):
        for i in range(n):
            total = total + c * u[i] ** 2
        for i in range(n):
            if i < n - 1:
                total = total + np.cos(u[i] * u[i + 1])
    return total


def outer_flag(u, c):
    n = u.shape[0]
    total = 0.0
    for step in range(3):
        for i in range(n):
            if i > step:
                total = total + c * np.sin(u[i])
            else:
                total = total + u[i] ** 2
    return total


def test_flag_of_the_inner_counter_tested_again(rng) -> None:
    u = rng.standard_normal(5)
    for f in (clamped_ends, two_sweeps):
        check_grad(f, u, 0.4, wrt=(0, 1))
        assert "append(cmp" not in _code(f, u, 0.4, wrt=(0, 1))


def test_flag_of_the_outer_counter_stays_right(rng) -> None:
    u = rng.standard_normal(5)
    check_grad(outer_flag, u, 0.4, wrt=(0, 1))


# ---------------------------------------------------------------------------
# small matrices built per step
# ---------------------------------------------------------------------------

def planar_arm(theta, lengths):
    T = np.eye(3)
    for k in range(theta.shape[0]):
        c = np.cos(theta[k])
        s = np.sin(theta[k])
        A = np.array([[c, -s, lengths[k] * c], [s, c, lengths[k] * s], [0.0, 0.0, 1.0]])
        T = T @ A
    return T[0, 2] ** 2 + np.sin(T[1, 2])


def rotations(theta, v):
    for k in range(theta.shape[0]):
        c = np.cos(theta[k])
        s = np.sin(theta[k])
        v = np.array([[c, -s], [s, c]]) @ v * (1.0 + 0.1 * k)
    return np.sum(v ** 3)


def rows_read_then_written(a):
    total = 0.0
    for k in range(3):
        M = np.array([[a[0] * k, a[1]], [a[1] ** 2, a[0]]])
        N = M @ M
        total = total + N[0, 1] * N[1, 0] + N[1, 1]
    return total


def test_rows_of_a_built_matrix_read_as_views(rng) -> None:
    theta, lengths = 0.4 * rng.standard_normal(4), rng.uniform(0.5, 1.5, 4)
    check_grad(planar_arm, theta, lengths, wrt=(0, 1))
    assert "fresh(" not in _code(planar_arm, theta, lengths, wrt=(0, 1))
    v = rng.standard_normal(2)
    check_grad(rotations, theta, v, wrt=(0, 1))
    assert "fresh(" not in _code(rotations, theta, v, wrt=(0, 1))
    check_grad(rows_read_then_written, rng.standard_normal(2))


def spd_loop(A, B, eps):
    n, d, _ = A.shape
    total = 0.0
    for i in range(n):
        S = A[i] @ A[i].T + eps * np.eye(d)
        sign, logdet = np.linalg.slogdet(S)
        alpha = np.linalg.solve(S, B[i])
        total = total + logdet + B[i] @ alpha
    return total / n


def gram_loop(A, b):
    total = 0.0
    for i in range(A.shape[0]):
        S = A[i].T @ A[i] + 0.5 * np.eye(A.shape[2])
        total = total + np.sum(np.linalg.solve(S, b) ** 2)
    return total


def not_symmetric_loop(A, b):
    total = 0.0
    for i in range(A.shape[0]):
        S = A[i] @ A[(i + 1) % A.shape[0]].T + 3.0 * np.eye(A.shape[1])
        total = total + np.sum(np.linalg.solve(S, b) ** 2)
    return total


def test_gram_matrix_of_a_loop_item_is_symmetric(rng) -> None:
    A, B = rng.standard_normal((4, 3, 3)), rng.standard_normal((4, 3))
    check_grad(spd_loop, A, B, 0.3, wrt=(0, 1))
    src = _code(spd_loop, A, B, 0.3, wrt=(0, 1))
    assert not re.search(r"\bS_inv\.T\b|\bS\.T\b", src)
    b = rng.standard_normal(3)
    check_grad(gram_loop, A, b, wrt=(0, 1))
    assert not re.search(r"\bS\.T\b", _code(gram_loop, A, b, wrt=(0, 1)))
    check_grad(not_symmetric_loop, A, b, wrt=(0, 1))
