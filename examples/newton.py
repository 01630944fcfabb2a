"""Differentiate through a Newton solve whose iteration count depends on the data.

``solve(p)`` finds the root x of  F(x, p) = x**3 + p*x - 2  with a ``while``
loop that runs until the residual is tiny.  s2sad differentiates the loop as
written: the reverse sweep replays exactly the iterations that ran.  The
implicit function theorem gives the closed form to compare with:

    dx/dp = -(dF/dp) / (dF/dx) = -x / (3 x**2 + p)

Run from the repository root:  python examples/newton.py
"""
from __future__ import annotations

import numpy as np

import s2sad


def residual(x, p):
    return x ** 3 + p * x - 2.0


def solve(p, x0=1.0):
    """Newton's method for residual(x, p) = 0, starting at x0."""
    x = x0
    while abs(residual(x, p)) > 1e-13:
        x = x - residual(x, p) / (3 * x ** 2 + p)
    return x


def iterations(p, x0=1.0):
    """How many Newton steps solve(p) takes (plain Python, for the printout)."""
    x, n = x0, 0
    while abs(residual(x, p)) > 1e-13:
        x, n = x - residual(x, p) / (3 * x ** 2 + p), n + 1
    return n


def main() -> None:
    dsolve = s2sad.grad(solve)              # reverse mode through the while loop
    tangent = s2sad.jvp(solve)              # forward mode, the same derivative
    worst = 0.0
    print("    p    steps   x(p)            dx/dp (s2sad)     dx/dp (implicit)")
    for p in [0.5, 2.0, 3.0, 5.0, 20.0]:
        x = solve(p)
        implicit = -x / (3 * x ** 2 + p)
        reverse = dsolve(p)
        forward = tangent(p, 1.0)[1]
        worst = max(worst, abs(reverse - implicit), abs(forward - implicit))
        print(f"{p:6.1f}  {iterations(p):5d}   {x:.12f}  {reverse:.12f}  {implicit:.12f}")
    print(f"max |s2sad - implicit| = {worst:.1e}")

    # The starting point changes how many iterations run, not the derivative.
    far = s2sad.grad(solve)(2.0, 10.0)
    print(f"from x0 = 10 ({iterations(2.0, 10.0)} steps): dx/dp = {far:.12f}")
    print("\nThe generated gradient (note the stack the while loop keeps):\n")
    print(dsolve.source)
    if not (worst < 1e-10 and np.isclose(far, dsolve(2.0), atol=1e-10)):
        raise SystemExit("derivative of the Newton solve disagrees with the implicit form")


if __name__ == "__main__":
    main()
