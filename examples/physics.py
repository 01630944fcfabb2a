"""Aim a projectile with quadratic drag: gradient descent through a while loop.

``landing_distance`` integrates the flight (semi-implicit Euler) with a
``while`` loop that stops when the projectile hits the ground, so the number
of steps depends on the launch speed.  The last step is interpolated to the
ground, which makes the distance a smooth function of the speed.  s2sad
differentiates the simulation as written, and gradient descent on the launch
speed makes it land on the target.

Run from the repository root:  python examples/physics.py
"""
from __future__ import annotations

import math

import s2sad

GRAVITY = 9.81


def landing_distance(speed, angle, drag, dt):
    """Horizontal distance travelled before y drops back to 0."""
    vx = speed * math.cos(angle)
    vy = speed * math.sin(angle)
    x, y = 0.0, 0.0
    x_before, y_before = 0.0, 0.0
    while y >= 0.0:
        x_before, y_before = x, y
        v = math.sqrt(vx * vx + vy * vy)
        vx = vx - dt * drag * v * vx
        vy = vy - dt * (GRAVITY + drag * v * vy)
        x = x + dt * vx
        y = y + dt * vy
    return x_before + (x - x_before) * y_before / (y_before - y)  # where y crossed 0


def miss(speed, angle, drag, dt, target):
    return (landing_distance(speed, angle, drag, dt) - target) ** 2


def main() -> None:
    angle, drag, dt, target = math.radians(40.0), 0.05, 0.005, 25.0
    speed = 10.0
    dmiss = s2sad.value_and_grad(miss)  # wrt=0: the launch speed

    print(f"target distance {target} m, launch angle 40 deg, drag {drag}/m")
    for iteration in range(1, 41):
        value, slope = dmiss(speed, angle, drag, dt, target)
        distance = landing_distance(speed, angle, drag, dt)
        print(f"iteration {iteration:2d}: speed {speed:8.4f} m/s lands at {distance:8.4f} m "
              f"(miss^2 {value:.2e})")
        if value < 1e-10:
            break
        speed = speed - 0.5 * slope

    # The derivative agrees with central finite differences of the simulation.
    h = 1e-6
    fd = (landing_distance(speed + h, angle, drag, dt)
          - landing_distance(speed - h, angle, drag, dt)) / (2 * h)
    exact = s2sad.grad(landing_distance)(speed, angle, drag, dt)
    print(f"d distance / d speed = {exact:.8f}  (finite differences {fd:.8f})")
    if not (abs(distance - target) < 1e-4 and abs(exact - fd) < 1e-5):
        raise SystemExit("the fit did not reach the target")


if __name__ == "__main__":
    main()
