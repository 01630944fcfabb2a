"""Benchmark problems 121-122 (session 49): scalar loops written as users write them,
on Python floats:

* ``bouncing_ball``: a ball thrown with quadratic drag, semi-implicit Euler steps in a
  while loop on time, bouncing off the floor with a restitution ``e`` (an event: a
  data-dependent ``if``), the squared miss of a target at the end;
* ``leaky_neuron``: a leaky integrator neuron driven by ``np.tanh`` of an input current
  read from an array, its potential held at the floor 0 when it would go below (a
  data-dependent ``if``, continuous: a spiking reset is not, and no difference quotient
  checks its gradient), the squared error against a target trace.

The hand-written gradients are what an expert writes: the steps taped as tuples of
floats and reversed by hand (the bounce's reflection, the drag's partial derivatives;
the neuron's leak as ``1 - dt / tau`` per step, zero at the floor).  ``SPECS``
describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np

from benchmarks.specs import spec_of

# ---------------------------------------------------------------------------
# a bouncing ball with drag
# ---------------------------------------------------------------------------


def bouncing_ball(v0, angle, e, k, dt, t_end):
    x, y = 0.0, 1.0
    vx = v0 * np.cos(angle)
    vy = v0 * np.sin(angle)
    t = 0.0
    while t < t_end:
        speed = np.sqrt(vx * vx + vy * vy)
        vx = vx - dt * k * speed * vx
        vy = vy - dt * (9.81 + k * speed * vy)
        x = x + dt * vx
        y = y + dt * vy
        if y < 0.0:
            y = -e * y
            vy = -e * vy
        t = t + dt
    return (x - 10.0) ** 2 + y * y


def bouncing_ball_grad(v0, angle, e, k, dt, t_end):
    ca, sa = np.cos(angle), np.sin(angle)
    vx, vy = v0 * ca, v0 * sa
    x, y, t = 0.0, 1.0, 0.0
    tape = []
    while t < t_end:
        s = np.sqrt(vx * vx + vy * vy)
        vx1 = vx - dt * k * s * vx
        vy1 = vy - dt * (9.81 + k * s * vy)
        x = x + dt * vx1
        y = y + dt * vy1
        bounced = y < 0.0
        tape.append((vx, vy, s, vy1, y, bounced))
        if bounced:
            y = -e * y
            vy1 = -e * vy1
        vx, vy = vx1, vy1
        t = t + dt
    gx, gy = 2.0 * (x - 10.0), 2.0 * y
    gvx = gvy = ge = gk = 0.0
    for vx, vy, s, vy1, yb, bounced in reversed(tape):
        if bounced:
            ge -= yb * gy + vy1 * gvy
            gy, gvy = -e * gy, -e * gvy
        gvy += dt * gy
        gvx += dt * gx
        damp = 1.0 - dt * k * s
        gs = -dt * k * (vx * gvx + vy * gvy)
        gk -= dt * s * (vx * gvx + vy * gvy)
        gvx, gvy = gvx * damp + gs * vx / s, gvy * damp + gs * vy / s
    return gvx * ca + gvy * sa, v0 * (gvy * ca - gvx * sa), ge, gk


def bouncing_ball_args(size):
    return (6.0, 0.9, 0.8, 0.05, 0.005, 4.0) if size == "full" else \
        (6.0, 0.9, 0.8, 0.05, 0.1, 2.0)


# ---------------------------------------------------------------------------
# a leaky integrator neuron held at a floor
# ---------------------------------------------------------------------------

def leaky_neuron(tau, gain, bias, current, target, dt):
    v = 0.0
    loss = 0.0
    for k in range(current.shape[0]):
        drive = gain * np.tanh(current[k]) + bias
        v = v + dt * (drive - v) / tau
        if v < 0.0:
            v = 0.0
        loss = loss + (v - target[k]) ** 2
    return loss / current.shape[0]


def leaky_neuron_grad(tau, gain, bias, current, target, dt):
    n = current.shape[0]
    th = np.tanh(current).tolist()
    tg = target.tolist()
    v = 0.0
    tape = []
    for k in range(n):
        drive = gain * th[k] + bias
        tape.append((v, drive))
        v = v + dt * (drive - v) / tau
        if v < 0.0:
            v = 0.0
        tape.append(v)
    gv = gtau = ggain = gbias = 0.0
    leak = 1.0 - dt / tau
    for k in range(n - 1, -1, -1):
        vk = tape.pop()
        v, drive = tape.pop()
        gv += 2.0 * (vk - tg[k]) / n
        if vk == 0.0:  # (held at the floor: v does not depend on the step before)
            gv = 0.0
            continue
        gd = gv * dt / tau
        gtau -= gd * (drive - v) / tau
        ggain += gd * th[k]
        gbias += gd
        gv *= leak
    return gtau, ggain, gbias


def leaky_neuron_args(size):
    n = 2000 if size == "full" else 40
    r = np.random.default_rng(113)
    t = np.arange(n) * (1e-3 if size == "full" else 5e-2)
    current = np.sin(2 * np.pi * 3.0 * t) + 0.3 * r.standard_normal(n)
    target = 0.3 + 0.3 * np.sin(2 * np.pi * 5.0 * t)
    return 0.02, 1.4, 0.1, current, target, 1e-3


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), None, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("bouncing_ball", "a ball with quadratic drag bouncing off the floor: a while loop "
          "on Python floats, np.sqrt speed, an if at each bounce", (0, 1, 2, 3),
          ("dt 0.005, 800 steps", "dt 0.1, 20 steps")),
    _spec("leaky_neuron", "leaky integrator neuron: np.tanh of current[k], held at the "
          "floor 0 by an if, squared error to a trace", (0, 1, 2),
          ("2000 steps", "20 steps")),
]
