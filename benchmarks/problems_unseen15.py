"""Problems of session 50: finite-volume stencils written cell by cell, a branch per cell.

* ``upwind_transport``: first-order upwind advection in a varying velocity field on a
  periodic grid, each face's flux from the cell upwind (``if vel[i] > 0.0``).
* ``superbee_advection``: MUSCL advection with the superbee limiter written by the
  slope ratio ``r = a / b`` and nested ``min``/``max`` in an ``if a * b > 0.0``.
* ``godunov_burgers``: inviscid Burgers by the exact Godunov flux (shock or rarefaction,
  an ``if``/``elif`` chain per face) with a forcing of fitted amplitude.

The hand-written gradients are what an expert writes: the cells' branches as masks
computed once a step, the faces' fluxes reversed by ``np.roll``, the tape a list of the
masks and states.  ``SPECS`` describes them; ``problems.py`` registers them.  The
starting values are chosen so that the hand-written gradients agree with central
differences to 1e-7 at both sizes (a finite difference across a kink is no oracle);
``kink_distance`` says how near a branch's test comes to its switch over the steps
(smoke sizes: over 1e-3; the full sizes' thousands of cell-steps come nearer).
"""
from __future__ import annotations

import numpy as np

from benchmarks import problems_unseen15_torch as pt
from benchmarks.specs import spec_of


def _grid(n: int, seed: int, shift: float = 0.0) -> tuple[np.ndarray, np.random.Generator]:
    r = np.random.default_rng(seed)
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    u = (np.sin(2 * np.pi * x + 6 * r.random()) + 0.5 * np.sin(4 * np.pi * x + 6 * r.random())
         + shift)
    return u, r


# ---------------------------------------------------------------------------
# first-order upwind advection in a velocity field
# ---------------------------------------------------------------------------

def upwind_transport(q0, vel, target, dt, n_steps):
    q = q0.copy()
    n = q.shape[0]
    for _ in range(n_steps):
        flux = np.zeros(n)
        for i in range(n):  # the face between cell i and cell i + 1
            if vel[i] > 0.0:
                flux[i] = vel[i] * q[i]
            else:
                flux[i] = vel[i] * q[(i + 1) % n]
        q = q - dt * (flux - np.roll(flux, 1))
    return np.sum((q - target) ** 2)


def upwind_transport_grad(q0, vel, target, dt, n_steps):
    right = vel > 0.0
    q, tape = q0, []
    for _ in range(n_steps):
        upstream = np.where(right, q, np.roll(q, -1))
        tape.append(upstream)
        flux = vel * upstream
        q = q - dt * (flux - np.roll(flux, 1))
    gq = 2.0 * (q - target)
    gvel = np.zeros_like(vel)
    for upstream in reversed(tape):
        g_flux = dt * (np.roll(gq, -1) - gq)
        gvel += g_flux * upstream
        g_up = g_flux * vel
        gq = gq + np.where(right, g_up, 0.0) + np.roll(np.where(right, 0.0, g_up), 1)
    return gq, gvel


def upwind_transport_args(size):
    n, n_steps, seed = (200, 60, 3) if size == "full" else (9, 4, 5)
    q0, r = _grid(n, seed)
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    vel = 0.8 * np.sin(2 * np.pi * x + 6 * r.random()) + 0.1  # both signs, none near 0
    vel = np.where(np.abs(vel) < 0.05, 0.05 * np.sign(vel) + vel, vel)
    return q0, vel, np.roll(q0, n // 5), 0.4, n_steps


# ---------------------------------------------------------------------------
# MUSCL advection with the superbee limiter
# ---------------------------------------------------------------------------

def superbee_advection(u0, c, target, n_steps):
    u = u0.copy()
    n = len(u)
    for _ in range(n_steps):
        s = np.zeros(n)
        for i in range(n):
            a = u[i] - u[i - 1]
            b = u[(i + 1) % n] - u[i]
            if a * b > 0.0:
                r = a / b
                phi = max(min(2.0 * r, 1.0), min(r, 2.0))
                s[i] = phi * b
        face = u + 0.5 * (1.0 - c) * s
        u = u - c * (face - np.roll(face, 1))
    return np.sum((u - target) ** 2)


def _superbee_step(u):
    """The slope and its partial derivatives by the two differences, as masks."""
    a = u - np.roll(u, 1)
    b = np.roll(u, -1) - u
    same = a * b > 0.0
    r = np.where(same, a, 0.0) / np.where(same, b, 1.0)
    m1, d1 = np.where(1.0 < 2.0 * r, 1.0, 2.0 * r), np.where(1.0 < 2.0 * r, 0.0, 2.0)
    m2, d2 = np.where(2.0 < r, 2.0, r), np.where(2.0 < r, 0.0, 1.0)
    second = m2 > m1
    phi, dphi = np.where(second, m2, m1), np.where(second, d2, d1)
    s = np.where(same, phi * b, 0.0)
    ds_da = np.where(same, dphi, 0.0)  # s = phi(a / b) b
    ds_db = np.where(same, phi - dphi * r, 0.0)
    return s, ds_da, ds_db


def superbee_advection_grad(u0, c, target, n_steps):
    u, tape = u0, []
    k = 0.5 * (1.0 - c)
    for _ in range(n_steps):
        s, ds_da, ds_db = _superbee_step(u)
        face = u + k * s
        tape.append((face, s, ds_da, ds_db))
        u = u - c * (face - np.roll(face, 1))
    gu = 2.0 * (u - target)
    g_c = 0.0
    for face, s, ds_da, ds_db in reversed(tape):
        g_face = c * (np.roll(gu, -1) - gu)
        g_c += gu @ (np.roll(face, 1) - face) - 0.5 * (g_face @ s)
        g_s = k * g_face
        ga, gb = g_s * ds_da, g_s * ds_db  # a = u - roll(u, 1), b = roll(u, -1) - u
        gu = gu + g_face + (ga - np.roll(ga, -1)) + (np.roll(gb, 1) - gb)
    return gu, g_c


def superbee_advection_args(size):
    n, n_steps, seed = (160, 40, 2) if size == "full" else (8, 3, 2)
    u0, _ = _grid(n, seed)
    return u0, 0.35, np.roll(u0, n // 7), n_steps


# ---------------------------------------------------------------------------
# inviscid Burgers by the exact Godunov flux, with a fitted forcing
# ---------------------------------------------------------------------------

def godunov_burgers(u0, amp, forcing, target, dt, n_steps):
    u = u0.copy()
    n = u.shape[0]
    for _ in range(n_steps):
        flux = np.zeros(n)
        for i in range(n):
            ul = u[i]
            ur = u[(i + 1) % n]
            if ul > ur:  # a shock moves with speed (ul + ur) / 2
                if ul + ur > 0.0:
                    flux[i] = 0.5 * ul * ul
                else:
                    flux[i] = 0.5 * ur * ur
            elif ul > 0.0:  # a rarefaction: the sonic point's flux 0 if it straddles 0
                flux[i] = 0.5 * ul * ul
            elif ur < 0.0:
                flux[i] = 0.5 * ur * ur
        u = u - dt * (flux - np.roll(flux, 1)) + dt * amp * forcing
    return np.mean((u - target) ** 2)


def _godunov_masks(u):
    ul, ur = u, np.roll(u, -1)
    shock = ul > ur
    left = np.where(shock, ul + ur > 0.0, ul > 0.0)
    right = np.where(shock, ~(ul + ur > 0.0), ~(ul > 0.0) & (ur < 0.0))
    return left, right


def godunov_burgers_grad(u0, amp, forcing, target, dt, n_steps):
    u, tape = u0, []
    for _ in range(n_steps):
        left, right = _godunov_masks(u)
        ur = np.roll(u, -1)
        tape.append((u, ur, left, right))
        flux = np.where(left, 0.5 * u * u, 0.0) + np.where(right, 0.5 * ur * ur, 0.0)
        u = u - dt * (flux - np.roll(flux, 1)) + dt * amp * forcing
    gu = 2.0 * (u - target) / u.shape[0]
    g_amp = 0.0
    for ul, ur, left, right in reversed(tape):
        g_amp += dt * (gu @ forcing)
        g_flux = dt * (np.roll(gu, -1) - gu)
        gu = gu + np.where(left, g_flux * ul, 0.0) + np.roll(np.where(right, g_flux * ur, 0.0), 1)
    return gu, g_amp


def godunov_burgers_args(size):
    n, n_steps, seed = (200, 50, 4) if size == "full" else (9, 4, 2)
    u0, r = _grid(n, seed, 0.2)
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    forcing = np.cos(2 * np.pi * x + 6 * r.random())
    return u0, 0.3, forcing, np.roll(u0, n // 6), 0.5 / n * 8, n_steps


# ---------------------------------------------------------------------------
# how far the branches' tests stay from their switches (for the choice of arguments)
# ---------------------------------------------------------------------------

def kink_distance(name: str, size: str) -> float:
    """The smallest distance of a test's value from its switch over the steps."""
    args = SPEC_ARGS[name](size)
    if name == "upwind_transport":
        return float(np.min(np.abs(args[1])))
    u, worst = args[0], np.inf
    for _ in range(args[-1]):
        a, b = u - np.roll(u, 1), np.roll(u, -1) - u
        if name == "superbee_advection":
            same = a * b > 0.0
            r = a[same] / b[same]
            worst = min(worst, np.min(np.abs(a * b)),
                        *(np.min(np.abs(r - k)) for k in (0.5, 1.0, 2.0)) if r.size else [])
            s, _, _ = _superbee_step(u)
            face = u + 0.5 * (1.0 - args[1]) * s
            u = u - args[1] * (face - np.roll(face, 1))
        else:
            ur = np.roll(u, -1)
            worst = min(worst, np.min(np.abs(u - ur)), np.min(np.abs(u + ur)),
                        np.min(np.abs(u)))
            left, right = _godunov_masks(u)
            flux = np.where(left, 0.5 * u * u, 0.0) + np.where(right, 0.5 * ur * ur, 0.0)
            u = u - args[4] * (flux - np.roll(flux, 1)) + args[4] * args[1] * args[2]
    return float(worst)


SPEC_ARGS = {"upwind_transport": upwind_transport_args,
             "superbee_advection": superbee_advection_args,
             "godunov_burgers": godunov_burgers_args}


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

def _spec(name, title, wrt, sizes, **extra):
    return spec_of(globals(), pt, name, title, wrt, sizes, **extra)


SPECS = [
    _spec("upwind_transport", "first-order upwind advection in a varying velocity field: a "
          "periodic element loop choosing the upwind cell by an if per face", (0, 1),
          ("200 cells, 60 steps", "9, 4")),
    _spec("superbee_advection", "MUSCL advection with the superbee limiter: slope ratio a / b "
          "and nested min/max in an if per cell, np.roll fluxes", (0, 1),
          ("160 cells, 40 steps", "8, 3")),
    _spec("godunov_burgers", "inviscid Burgers by the exact Godunov flux: shock or "
          "rarefaction by an if/elif chain per face, a fitted forcing amplitude", (0, 1),
          ("200 cells, 50 steps", "9, 4")),
]
