"""The alias stage's worlds (s2sad/compiler/alias_worlds.py): names that a loop swaps or
rotates (``u, u_new = u_new, u``) hold other arrays at every write, though each may hold
either; one state joined over the paths took them for possibly one array and refused the
time-step loops of scientific code.  What a write needs after it must be right on every
path: where the names sharing the written array depend on the path, it is refused.  And a
constant held on one path beside an array on the other (``t = 0.5; if c: t = a``) no
longer makes the array surely held: s2sad bound ``t`` to ``a`` after a write on both
paths, a silently wrong value and gradient."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad


def _checked(f, *args, wrt=0):
    """The value is f's, the gradient and both modes match differences, and the
    arguments are left as they were (each check compares them)."""
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12, abs=1e-12)
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


# ----- buffers swapped in a time-step loop: never one array at a write

def heat_swapped_buffers(u0, kappa):
    u = u0.copy()
    u_new = np.empty_like(u)
    for _ in range(4):
        u_new[0] = u[0]
        u_new[-1] = u[-1]
        u_new[1:-1] = u[1:-1] + 0.1 * kappa * (u[:-2] - 2 * u[1:-1] + u[2:])
        u, u_new = u_new, u
    return np.sum(np.sin(u))


def jacobi_swapped_grids(u0):
    u = u0.copy()
    v = u0.copy()
    for _ in range(3):
        v[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u, v = v, u
    return np.sum(u ** 2)


def swapped_then_added_into(a0, b0):
    a = a0 * 1.0
    b = b0 * 1.0
    for _ in range(3):
        a, b = b, a
        a += np.sin(b)
    return np.sum(a * b)


def swapped_then_scaled(U0):
    U = U0.copy()
    V = np.zeros_like(U)
    for _ in range(3):
        V[1:-1] = U[:-2] + U[2:] - U[1:-1] * 0.5
        V[0] = U[0]
        V[-1] = U[-1]
        U, V = V, U
        U *= 0.9
    return np.sum(U ** 2)


def three_buffers_rotated(u0):
    prev = u0.copy()
    cur = u0.copy()
    nxt = np.zeros_like(u0)
    for _ in range(4):
        nxt[1:-1] = 2 * cur[1:-1] - prev[1:-1] + 0.2 * (cur[:-2] - 2 * cur[1:-1] + cur[2:])
        prev, cur, nxt = cur, nxt, prev
    return np.sum(cur ** 2)


def swapped_when_data_says(x):
    a = x * 1.0
    b = x * 2.0
    for i in range(4):
        if x[i % 3] > 0.1 * i:
            a, b = b, a
        a += np.sin(b)
    return np.sum(a * b)


def swapped_with_a_fresh_buffer(x, M):
    r12 = x * 1.0
    for i in range(3):  # (fuzz seed 76200: a new buffer each trip, swapped within it)
        r15 = np.full(4, np.nan)
        r15[:] = np.tanh(M[i])
        for k in range(1, 4):
            r12[k] += np.tanh(r12[k - 1]) * r15[k]
            r12, r15 = r15, r12
    return np.mean(np.tanh(r12)) + np.sum(r15 * x)


def swapped_and_also_named(x):
    a = x * 1.0
    b = x * 2.0
    for _ in range(3):
        a, b = b, a
        c = a  # (surely a's array: bound again after the write)
        a += np.sin(b)
        b = b * c
    return np.sum(a * b)


def swapped_in_a_branch(x, c):
    a = x * 1.0
    b = x * 2.0
    if c > 0:
        a, b = b, a
    a += np.cos(b)
    return np.sum(a * b)


V5 = np.array([0.3, -0.4, 0.5, 0.9, -0.2])
G = np.array([[0.3, -0.4, 0.5, 0.1], [0.2, 0.8, -0.6, 0.4], [-0.3, 0.1, 0.9, 0.5],
              [0.7, -0.2, 0.3, -0.8], [0.1, 0.6, -0.5, 0.2]])
CASES = [
    (heat_swapped_buffers, (V5, 0.7), (0, 1)),
    (jacobi_swapped_grids, (G,), 0),
    (swapped_then_added_into, (V5[:3], V5[2:]), (0, 1)),
    (swapped_then_scaled, (G[:, :3],), 0),
    (three_buffers_rotated, (V5,), 0),
    (swapped_when_data_says, (V5[:3] + 0.05,), 0),
    (swapped_when_data_says, (-V5[:3],), 0),
    (swapped_with_a_fresh_buffer, (V5[:4], G[:4] + np.eye(4)), (0, 1)),
    (swapped_and_also_named, (V5[:3],), 0),
    (swapped_in_a_branch, (V5[:3], 1.0), 0),
    (swapped_in_a_branch, (V5[:3], -1.0), 0),
]


@pytest.mark.parametrize("f, args, wrt", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(CASES)])
def test_swapped_buffers_are_differentiated(f, args, wrt):
    _checked(f, *args, wrt=wrt)


# ----- which arrays a name shares depends on the path: refused, never half right

def shares_on_one_path(x, c):
    a = x * 1.0
    b = x * 2.0
    if c > 0:
        b = a
    a += 1.0
    return np.sum(a * b)


def shares_from_the_second_trip(x):
    a = x * 1.0
    b = x * 2.0
    s = 0.0
    for _ in range(3):
        a += 1.0
        s = s + np.sum(b * x)
        b = a
    return s


def rotated_with_one_alias(x):
    p = x * 1.0
    q = x * 2.0
    r = p
    for _ in range(3):
        p, q, r = q, r, p
        q += np.sin(p)
    return np.sum(p * q * r)


def swapped_maybe_one_array(x, c):
    a = x * 1.0
    b = x * 2.0 if c > 0 else a
    for _ in range(2):
        a, b = b, a
        a *= 1.5
    return np.sum(a * b * x)


def view_written_through_once_its_base_moved(x, c):
    y = x * 1.0
    v = y[1:]
    if c > 0:
        y = x * 3.0  # (y no longer the array v is a view of)
    v[0] = 5.0
    return np.sum(v * y[1:])


def _line_of(f, statement: str) -> int:
    """The line of the file on which ``f`` has ``statement``."""
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, text in enumerate(lines) if text.strip() == statement)


REFUSED = [(shares_on_one_path, (V5, 1.0), "a", "a += 1.0"),
           (shares_on_one_path, (V5, -1.0), "a", "a += 1.0"),
           (shares_from_the_second_trip, (V5,), "a", "a += 1.0"),
           (rotated_with_one_alias, (V5,), "q", "q += np.sin(p)"),
           (swapped_maybe_one_array, (V5, 1.0), "a", "a *= 1.5"),
           (view_written_through_once_its_base_moved, (V5, 1.0), "v", "v[0] = 5.0")]


@pytest.mark.parametrize("f, args, name, statement", REFUSED,
                         ids=[f"{f.__name__}-{i}" for i, (f, *_) in enumerate(REFUSED)])
@pytest.mark.parametrize("entry", ["value_and_grad", "vjp", "jvp"])
def test_sharing_that_depends_on_the_path_is_refused(f, args, name, statement, entry):
    extra = {"value_and_grad": (), "vjp": (1.0,), "jvp": (np.ones(5),)}[entry]
    with pytest.raises(s2sad.DifferentiationError) as info:
        getattr(s2sad, entry)(f)(*args, *extra)
    message = str(info.value)
    where = f"test_alias_worlds.py:{_line_of(f, statement)}: in-place write to {name}"
    assert where in message, message


# ----- a constant on one path, an array on the other (was silently wrong)

def number_or_the_array(x, c):
    a = x * 1.0
    t = 0.5
    if c > 0:
        t = a
    a += 1.0
    return np.sum(t * x)


def none_or_the_array(x, c):
    a = x * 1.0
    t = None
    if c > 0:
        t = a
    a *= 2.0
    if t is None:
        return np.sum(a)
    return np.sum(t * x)


def int_or_the_array_in_a_loop(x):
    a = x * 1.0
    t = 1
    for i in range(3):
        if x[i] > 0.0:
            t = a
        a[i] = a[i] * 2.0
    return np.sum(t * x)


def number_or_the_array_item_write(x, c):
    a = np.sin(x)
    t = 2.0 if c > 0 else a
    a[0] = 3.0
    return np.sum(t * a)


CONSTANT_OR_ARRAY = [(number_or_the_array, (V5, 1.0), "a += 1.0"),
                     (number_or_the_array, (V5, -1.0), "a += 1.0"),
                     (none_or_the_array, (V5, 1.0), "a *= 2.0"),
                     (int_or_the_array_in_a_loop, (V5,), "a[i] = a[i] * 2.0"),
                     (number_or_the_array_item_write, (V5, -1.0), "a[0] = 3.0")]


@pytest.mark.parametrize("f, args, statement", CONSTANT_OR_ARRAY,
                         ids=[f"{f.__name__}-{i}" for i, (f, *_) in
                              enumerate(CONSTANT_OR_ARRAY)])
def test_a_constant_beside_an_array_is_not_the_array(f, args, statement):
    """Python changes ``t`` only on the path where it is ``a``: no one rebinding after
    the write is right on both, so the write is refused (it was rebound on both)."""
    with pytest.raises(s2sad.DifferentiationError) as info:
        s2sad.value_and_grad(f)(*args)
    where = f"test_alias_worlds.py:{_line_of(f, statement)}: in-place write to a"
    assert where in str(info.value), str(info.value)


def constant_then_the_array_everywhere(x):
    a = x * 1.0
    t = 0.5
    t = a  # (the constant is never read: t is the array on every path)
    a += 1.0
    return np.sum(t * x)


def test_a_constant_bound_over_is_forgotten():
    _checked(constant_then_the_array_everywhere, V5)
    value, g = s2sad.value_and_grad(constant_then_the_array_everywhere)(V5)
    np.testing.assert_allclose(g, numerical_grad(constant_then_the_array_everywhere, (V5,)),
                               rtol=1e-6, atol=1e-8)
