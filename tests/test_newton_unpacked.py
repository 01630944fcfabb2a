"""Implicit integrators (a Newton loop of small dense solves per step) and rollouts whose
step helper unpacks the state (``x, v = s``) and rebuilds it with ``np.array``.

Newton loops: the small Jacobian is kept on the tape (not made again in the reverse
sweep from the parts it was made of), so the forward solve's LU factors are taped and
the reverse sweep solves with them (``lu_factor`` before the pop only); the adjoint of
``y = y - dy`` is not copied.  Rollouts: unpacking into ``n`` names checks the length
as Python does and teaches the shape facts that the state is ``n`` long, so the
reverse sweep has no shape helpers.  Gradients against central differences in float64
(and a closed form where there is one); both ways of each data-dependent branch.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen17 import (
    cartpole_mpc,
    cartpole_mpc_args,
    robertson_newton,
    robertson_newton_args,
)
from gradcheck import check_grad, grad_source

# ---------------------------------------------------------------------------
# Newton loops of small dense solves
# ---------------------------------------------------------------------------


def _van_der_pol_residual(z, z_prev, h, mu):
    x, v = z[0], z[1]
    return z - z_prev - h * np.array([v, mu * (1.0 - x * x) * v - x])


def van_der_pol_implicit(mu, z0, h, steps):
    """Implicit Euler of Van der Pol, three Newton iterations per step (a for loop), the
    2 x 2 Jacobian by np.array of scalars."""
    z = z0
    for _ in range(steps):
        z_prev = z
        for _ in range(3):
            x, v = z[0], z[1]
            J = np.array([[1.0, -h], [h * (2.0 * mu * x * v + 1.0), 1.0 - h * mu * (1.0 - x * x)]])
            z = z - np.linalg.solve(J, _van_der_pol_residual(z, z_prev, h, mu))
    return np.sum(z * z)


def stiff_linear_newton(A, y0, h, steps, tol):
    """Implicit Euler of y' = A y - y^3 by a Newton while loop on np.linalg.norm, the
    Jacobian np.eye(n) - h * (A - 3 diag(y^2))."""
    y = y0
    n = y0.shape[0]
    total = 0.0
    for _ in range(steps):
        y_prev = y
        step = np.ones(n)
        while np.linalg.norm(step) > tol:
            G = y - y_prev - h * (A @ y - y ** 3)
            J = np.eye(n) - h * (A - 3.0 * np.diag(y ** 2))
            step = np.linalg.solve(J, G)
            y = y - step
        total = total + y @ y
    return total


def one_newton_step(k, y):
    """A single Newton step on a 3 x 3 system: no loop, the reverse sweep solves with
    the transpose."""
    J = np.array([[2.0 + k, 0.1, 0.0], [0.1, 3.0, k * y[0]], [0.0, y[1], 4.0]])
    G = np.array([y[0] ** 2 - k, np.sin(y[1]), y[2] * k])
    return np.sum(np.linalg.solve(J, G) ** 2)


def test_robertson_newton_against_differences():
    args = robertson_newton_args("smoke")
    check_grad(robertson_newton, *args, wrt=0, rtol=1e-4)


@pytest.mark.parametrize("mu,steps", [(0.5, 3), (2.0, 2), (0.0, 4)])
def test_van_der_pol_implicit(mu, steps):
    check_grad(van_der_pol_implicit, mu, np.array([1.2, -0.3]), 0.05, steps, wrt=(0, 1))


@pytest.mark.parametrize("tol", [1e-12, 10.0])
def test_stiff_linear_newton_both_ways_of_the_while(tol):
    """tol 10: the while loop runs no trip (the norm of the ones it starts from is under
    it: y stays y0); 1e-12: to convergence."""
    rng = np.random.default_rng(3)
    A = -2.0 * np.eye(3) + 0.3 * rng.standard_normal((3, 3))
    check_grad(stiff_linear_newton, A, np.array([0.5, -0.2, 0.8]), 0.1, 4, tol,
               wrt=(0, 1), rtol=1e-4)


@pytest.mark.parametrize("k", [0.5, -0.7, 2.0])
def test_one_newton_step(k):
    check_grad(one_newton_step, k, np.array([0.3, -0.4, 1.1]), wrt=(0, 1))


def _code_lines(src):
    return [s for s in src.splitlines() if not s.strip().startswith("#")]


@pytest.mark.parametrize("f,args", [
    (robertson_newton, robertson_newton_args("smoke")),
    (stiff_linear_newton, (-2.0 * np.eye(3), np.array([0.5, -0.2, 0.8]), 0.1, 3, 1e-12)),
])
def test_newton_loops_tape_the_factors_of_the_small_jacobian(f, args):
    lines = _code_lines(grad_source(f, *args))
    pop = next(i for i, s in enumerate(lines) if "stack.pop()" in s)
    assert any("lu_factor(" in s for s in lines[:pop])
    assert not any("lu_factor(" in s or "np.linalg.solve" in s for s in lines[pop:])
    assert not any("fresh(" in s for s in lines)  # (the adjoint of y = y - dy: no copy)


# ---------------------------------------------------------------------------
# rollouts of a state unpacked by a step helper
# ---------------------------------------------------------------------------


def _pendulum_step(s, torque, dt):
    th, om = s
    return np.array([th + dt * om, om + dt * (torque - 9.8 * np.sin(th) - 0.1 * om)])


def pendulum_cost(u, s0, dt):
    s = s0
    cost = 0.0
    for t in range(u.shape[0]):
        s = _pendulum_step(s, u[t], dt)
        cost = cost + s @ s + 0.1 * u[t] ** 2
    return cost


def unicycle(controls, pose, dt):
    """A pose of three unpacked in the loop itself, a list of (speed, turn) pairs."""
    for v, w in controls:
        x, y, heading = pose
        pose = np.array([x + dt * v * np.cos(heading), y + dt * v * np.sin(heading),
                         heading + dt * w])
    return pose[0] ** 2 + 2.0 * pose[1] ** 2 + np.cos(pose[2])


def spring_pair(k, s0, steps):
    """Two masses, the state of four unpacked, a branch on the stretch's sign."""
    s = s0
    energy = 0.0
    for _ in range(steps):
        x1, x2, v1, v2 = s
        stretch = x2 - x1 - 1.0
        force = k * stretch if stretch > 0 else 0.5 * k * stretch
        s = np.array([x1 + 0.1 * v1, x2 + 0.1 * v2, v1 + 0.1 * force, v2 - 0.1 * force])
        energy = energy + force * force
    return energy + np.sum(s * s)


def test_cartpole_against_differences():
    check_grad(cartpole_mpc, *cartpole_mpc_args("smoke"), wrt=0)


@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
def test_pendulum(wrt):
    u = np.array([0.3, -0.2, 0.5, 0.1])
    check_grad(pendulum_cost, u, np.array([0.4, -0.1]), 0.05, wrt=wrt)


def test_unicycle():
    controls = [np.array([1.0, 0.2]), np.array([0.8, -0.4]), np.array([1.2, 0.1])]
    check_grad(unicycle, controls, np.array([0.1, -0.2, 0.3]), 0.1, wrt=(0, 1))


@pytest.mark.parametrize("s0", [[0.0, 1.5, 0.1, -0.1], [0.0, 0.5, 0.2, 0.0]])
def test_spring_pair_both_branches(s0):
    check_grad(spring_pair, 2.0, np.array(s0), 3, wrt=(0, 1))


def test_rollouts_read_without_shape_helpers():
    src = grad_source(cartpole_mpc, *cartpole_mpc_args("smoke"))
    for helper in ("shape_of(", "unbroadcast(", "array_adjoint(", "zeros_like(seq"):
        assert helper not in src
    src = grad_source(pendulum_cost, np.ones(4), np.array([0.4, -0.1]), 0.05)
    assert "unbroadcast(" not in src and "shape_of(" not in src


def test_unpacking_the_wrong_count_raises_as_python():
    """The function raises ValueError; so does its derivative (it went on with the first
    items before)."""
    g = s2sad.grad(pendulum_cost, wrt=1)
    with pytest.raises(ValueError, match="too many values to unpack"):
        pendulum_cost(np.ones(3), np.ones(3), 0.1)
    with pytest.raises(ValueError, match="too many values to unpack"):
        g(np.ones(3), np.ones(3), 0.1)
    with pytest.raises(ValueError, match="not enough values to unpack"):
        s2sad.grad(spring_pair, wrt=1)(2.0, np.ones(3), 2)


def test_no_trip_keeps_the_state_as_given():
    """A state of another length where the loop runs no trip (the unpack never runs):
    cost = 0 and a gradient of zeros shaped like the state; with one trip wrt u."""
    g = s2sad.grad(pendulum_cost, wrt=(0, 1))
    du, ds = g(np.zeros(0), np.arange(5.0), 0.1)
    assert du.shape == (0,) and np.array_equal(ds, np.zeros(5))
    g2 = s2sad.grad(spring_pair, wrt=1)
    s0 = np.arange(1.0, 8.0)
    assert np.allclose(g2(2.0, s0, 0), 2.0 * s0)  # energy = sum(s0^2): closed form
