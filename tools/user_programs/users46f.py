# ruff: noqa
"""Users' programs of session 46 (helper `users`), sixth batch: vector outputs, as given to
`s2sad.jacobian` for least squares, Newton's method and sensitivity analysis: residual
vectors filled in place, ODE trajectories, constraint vectors, softmax outputs.

    python tools/user_programs/run.py users46f
"""
import math
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

T = np.linspace(0.0, 2.0, 6)
Y = np.exp(-0.7 * T) * 1.5 + 0.05 * np.sin(5 * T)


# 1. residuals of an exponential fit, filled element by element
def exp_residuals(p, t=T, y=Y):
    r = np.empty(len(t))
    for i, ti in enumerate(t):
        r[i] = p[0] * math.exp(-p[1] * ti) - y[i]
    return r
reg(exp_residuals, (np.array([1.4, 0.6]),))


# 2. a trajectory of an explicit Euler integration stored row by row
def trajectory(theta, steps=8, dt=0.1):
    traj = np.zeros((steps + 1, 2))
    traj[0] = [1.0, 0.0]
    for k in range(steps):
        x, v = traj[k]
        traj[k + 1, 0] = x + dt * v
        traj[k + 1, 1] = v + dt * (-theta[0] * x - theta[1] * v)
    return traj[:, 0]
reg(trajectory, (np.array([2.0, 0.3]),))


# 3. equality constraints of a small optimisation problem
def constraints(z):
    c = np.zeros(3)
    c[0] = z @ z - 1.0
    c[1] = z[0] * z[1] - z[2]
    c[2:] = np.sin(z[:1]) + z[3]
    return c
reg(constraints, (np.array([0.3, -0.5, 0.2, 0.7]),))


# 4. softmax probabilities (a Jacobian users check against diag(p) - p p^T)
def softmax(z):
    e = np.exp(z - z.max())
    e /= e.sum()
    return e
reg(softmax, (np.array([0.3, -1.0, 2.0, 0.5]),))


# 5. a nonlinear system for Newton's method, with a branch per component
def system(u):
    F = np.empty_like(u)
    for i in range(len(u)):
        left = u[i - 1] if i > 0 else 0.0
        right = u[i + 1] if i < len(u) - 1 else 1.0
        F[i] = left - 2 * u[i] + right - 0.1 * u[i] ** 3
    return F
reg(system, (np.linspace(0.1, 0.9, 5),))


# 6. a finite-difference gradient of an energy as a vector (np.gradient, np.diff)
def discrete_gradient(u):
    du = np.gradient(u, 0.25)
    return du * u + np.concatenate([[0.0], np.diff(u) ** 2])
reg(discrete_gradient, (np.array([0.2, 0.5, 0.4, 0.9, 1.2]),))


# 7. predictions of a model class for a batch
class Poly2:
    def __init__(self, c):
        self.c = c

    def __call__(self, t):
        return self.c[0] + self.c[1] * t + self.c[2] * t ** 2


def batch_predictions(c, t=T):
    return Poly2(c)(t)
reg(batch_predictions, (np.array([0.5, -1.0, 0.3]),))


# 8. a cumulative product written in place, returned whole
def survival_curve(h):
    s = np.ones(len(h) + 1)
    for i in range(len(h)):
        s[i + 1] = s[i] * (1 - 1 / (1 + np.exp(-h[i])))
    return s
reg(survival_curve, (np.array([-1.0, 0.2, 0.5, -0.3]),))
