"""A module global holding a number (``GRAVITY = 9.8``) is a number to the shape facts too
(``dims.Facts._global_number``), as it is to the activity stage: a state vector unpacked
each step (``x, v, th, w = s``) into values computed with such constants keeps its items
numbers, so no ``shape_of`` is pushed and no ``unbroadcast`` is called for them (the
cart-pole benchmark: 9x the hand-written gradient before).  Where the body binds the
name itself, or the global holds an array, the facts do not take it for a number.
Gradients against central differences; the conditions' branches each way."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from tests.gradcheck import check_grad, numerical_grad

GRAV, LENGTH, DAMP = 9.8, 0.5, 0.1
STEPS = 3
WEIGHTS = np.array([1.0, 2.0, 0.5])


def _pendulum_step(s, torque, dt):
    th, w = s
    acc = -GRAV / LENGTH * np.sin(th) - DAMP * w + torque
    return np.array([th + dt * w, w + dt * acc])


def pendulum_cost(u, s0, dt):
    s = s0
    cost = 0.0
    for t in range(u.shape[0]):
        s = _pendulum_step(s, u[t], dt)
        cost = cost + np.sum(s ** 2) + 0.1 * u[t] ** 2
    return cost


def braked_cost(u, s0, dt):
    """A data-dependent branch on an item of the state, and an int global."""
    s = s0
    cost = 0.0
    for t in range(u.shape[0]):
        x, v = s
        if v > 0.0:
            a = -DAMP * STEPS * v ** 2 + u[t]
        else:
            a = GRAV * DAMP * v + u[t]
        s = np.array([x + dt * v, v + dt * a])
        cost = cost + (x - 1.0) ** 2
    return cost + np.sum(s ** 2)


def vector_state(u, s0, dt):
    """A 3-vector state and a global array beside the global numbers: broadcasting
    stays where the global is an array."""
    s = s0
    for t in range(u.shape[0]):
        a, b, c = s
        s = np.array([a + dt * GRAV * b, b - dt * c * LENGTH, c + dt * u[t] * a])
    return np.sum(WEIGHTS * s ** 2)


def shadowed(u, s0, dt):
    """The body binds GRAV itself (an array): not the global's number."""
    GRAV = np.ones(2) * 0.5
    s = s0
    for t in range(u.shape[0]):
        x, v = s
        s = GRAV * np.array([x + dt * v, v + dt * u[t]]) + x
    return np.sum(s ** 2)


def _args(n=6, seed=0, v0=0.3):
    r = np.random.default_rng(seed)
    return 0.5 * r.standard_normal(n), np.array([0.4, v0]), 0.05


@pytest.mark.parametrize("f", [pendulum_cost, braked_cost])
@pytest.mark.parametrize("v0", [0.8, -0.8])
def test_unpacked_state_with_global_constants(f, v0):
    u, s0, dt = _args(v0=v0)
    check_grad(f, u, s0, dt, wrt=(0, 1))
    g = s2sad.grad(f, wrt=(0, 1))
    g(u, s0, dt)
    assert "unbroadcast" not in g.source and "shape_of" not in g.source
    # (the state unpacked by ``th, w = s``: its length checked as Python checks it, and
    # known from there; no other helper)
    assert g.source.count("iteration_items(") == g.source.count("iteration_items(s_1, 2)")
    assert "items_adjoint" not in g.source


def test_both_branches_taken():
    """braked_cost's branch goes both ways over the steps: checked at a state whose
    velocity changes sign."""
    u = np.array([3.0, 3.0, -6.0, -6.0, -6.0, 4.0])
    s0 = np.array([0.0, -0.2])
    signs = []
    s = s0
    for t in range(u.shape[0]):
        x, v = s
        signs.append(v > 0.0)
        a = -DAMP * STEPS * v ** 2 + u[t] if v > 0.0 else GRAV * DAMP * v + u[t]
        s = np.array([x + 0.5 * v, v + 0.5 * a])
    assert any(signs) and not all(signs)
    check_grad(braked_cost, u, s0, 0.5, wrt=(0, 1))


def test_vector_state_with_a_global_array():
    r = np.random.default_rng(1)
    u, s0 = 0.3 * r.standard_normal(5), np.array([0.2, -0.4, 0.7])
    check_grad(vector_state, u, s0, 0.1, wrt=(0, 1))


def test_a_local_binding_shadows_the_global():
    u, s0, dt = _args()
    check_grad(shadowed, u, s0, dt, wrt=(0, 1))


def test_closed_form_of_one_step():
    """One step of the pendulum from a state at rest: d cost / d torque in closed form:
    s1 = (th, dt * acc), cost = th**2 + (dt * acc)**2 + 0.1 u**2, d acc / du = 1."""
    th, dt, torque = 0.4, 0.05, 0.7
    acc = -GRAV / LENGTH * np.sin(th) + torque
    expected = 2.0 * dt * acc * dt + 0.2 * torque
    g = s2sad.grad(pendulum_cost, wrt=0)(np.array([torque]), np.array([th, 0.0]), dt)
    assert np.allclose(g, [expected], rtol=1e-12)


def test_a_global_number_changed_between_calls(monkeypatch):
    """The global is read at each call: a new value gives the new gradient."""
    u, s0, dt = _args()
    g = s2sad.grad(pendulum_cost, wrt=0)
    g(u, s0, dt)
    monkeypatch.setitem(globals(), "DAMP", 0.7)
    expected = numerical_grad(pendulum_cost, (u, s0, dt), wrt=0)
    assert np.allclose(g(u, s0, dt), expected, rtol=1e-5, atol=1e-7)
