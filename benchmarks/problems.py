"""The benchmark problems: plain NumPy functions returning a scalar, each with
an expert hand-written gradient.

Every problem function is written once, at module level, against the module
global ``np`` (``import numpy as np``), the way users write NumPy.  The other
frameworks run the very same function object with ``np`` rebound to
``autograd.numpy``, ``jax.numpy`` or a thin torch adapter (see
``runners.rebind``).  The scalar problems (1-3) live here; the array problems
(4-10) in ``problems_arrays.py``.  ``PROBLEMS`` lists all of them in order.

Hand-written gradients use the same library calls as the function itself
(``np.sin`` on floats, not ``math.sin``), so "gradient / hand-written" measures
the cost of the differentiation machinery and nothing else.  They return a
tuple, one entry per ``wrt`` argument, in ``wrt`` order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from benchmarks import problems_arrays as pa
from benchmarks import (
    problems_linalg,
    problems_loops,
    problems_models,
    problems_more,
    problems_pairs,
    problems_unseen,
    problems_unseen2,
    problems_unseen3,
    problems_unseen4,
    problems_unseen5,
    problems_unseen6,
    problems_unseen7,
    problems_unseen8,
    problems_unseen9,
    problems_unseen10,
    problems_unseen11,
    problems_unseen12,
    problems_unseen13,
    problems_unseen14,
    problems_unseen15,
    problems_unseen16,
    problems_unseen17,
    problems_unseen18,
)


@dataclass(frozen=True)
class Problem:
    """One benchmark problem.

    ``make_args(size)`` builds the argument tuple for ``size`` in ("full",
    "smoke"); ``wrt`` are the positions differentiated; ``sizes`` describes
    each size in words for the report; ``torch_func`` replaces ``func`` for
    torch when the rebound function cannot be used as is (None: rebind);
    ``functional_func`` is ``func`` without in-place writes, for the tools that
    have none (autograd, JAX, torch), computing the same values.
    """

    name: str
    title: str
    func: Callable
    hand_grad: Callable
    make_args: Callable[[str], tuple]
    wrt: tuple[int, ...]
    sizes: dict[str, str]
    torch_func: Callable | None = None
    functional_func: Callable | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# (1) a ~40-op scalar expression on Python floats
# ---------------------------------------------------------------------------

def scalar_expr(x, y, z):
    a = np.sin(x) * np.cos(y) + x * y / (1.0 + z * z)
    b = np.exp(-0.5 * a * a) + np.log(1.0 + x * x) * np.tanh(z)
    c = np.sqrt(1.0 + y * y + b * b) - a / (2.0 + np.cos(x * z))
    d = (a - b) * (b + c) + c ** 3 / (3.0 + y * y)
    return d * np.exp(-0.1 * c) + np.arctan(d)


def scalar_expr_grad(x, y, z):
    sx, cx, sy, cy = np.sin(x), np.cos(x), np.sin(y), np.cos(y)
    q = 1.0 + z * z
    a = sx * cy + x * y / q
    ea = np.exp(-0.5 * a * a)
    lx = np.log(1.0 + x * x)
    tz = np.tanh(z)
    b = ea + lx * tz
    s = np.sqrt(1.0 + y * y + b * b)
    den = 2.0 + np.cos(x * z)
    c = s - a / den
    r = 3.0 + y * y
    d = (a - b) * (b + c) + c ** 3 / r
    e = np.exp(-0.1 * c)
    # out = d * e + arctan(d)
    gd = e + 1.0 / (1.0 + d * d)
    gc = -0.1 * d * e
    # d = (a - b) * (b + c) + c**3 / r
    ga = gd * (b + c)
    gb = gd * ((a - b) - (b + c))
    gc = gc + gd * ((a - b) + 3.0 * c * c / r)
    gy = -gd * c ** 3 / (r * r) * 2.0 * y
    # c = s - a / den, den = 2 + cos(x z)
    ga = ga - gc / den
    gsin = -(gc * a / (den * den)) * np.sin(x * z)
    gx = gsin * z
    gz = gsin * x
    # s = sqrt(1 + y^2 + b^2)
    gy = gy + gc * y / s
    gb = gb + gc * b / s
    # b = exp(-a^2 / 2) + log(1 + x^2) * tanh(z)
    gz = gz + gb * lx * (1.0 - tz * tz)
    gx = gx + gb * tz * 2.0 * x / (1.0 + x * x)
    ga = ga - gb * a * ea
    # a = sin(x) cos(y) + x y / q
    gx = gx + ga * (cx * cy + y / q)
    gy = gy + ga * (x / q - sx * sy)
    gz = gz - ga * x * y / (q * q) * 2.0 * z
    return gx, gy, gz


def scalar_expr_args(size):
    return (0.7, -1.3, 0.4)


# ---------------------------------------------------------------------------
# (2) a scalar recurrence on floats with a data-dependent if
# ---------------------------------------------------------------------------

def recurrence(x, a, b, n_steps):
    s = 0.0
    for _ in range(n_steps):
        if x > 0.0:
            x = -(a * np.tanh(x) + b)
        else:
            x = 0.5 * a * np.sin(x) + a + b
        s = s + x * x
    return s / n_steps


def recurrence_grad(x, a, b, n_steps):
    tape = []  # (took the if branch, x before the step, tanh(x) or sin(x))
    s_tape = []
    for _ in range(n_steps):
        if x > 0.0:
            t = np.tanh(x)
            tape.append((True, x, t))
            x = -(a * t + b)
        else:
            sx = np.sin(x)
            tape.append((False, x, sx))
            x = 0.5 * a * sx + a + b
        s_tape.append(x)
    gx = 0.0
    ga = 0.0
    gb = 0.0
    for (positive, xi, v), x_next in zip(reversed(tape), reversed(s_tape)):
        gx = gx + 2.0 * x_next / n_steps
        if positive:
            ga = ga - gx * v
            gb = gb - gx
            gx = -gx * a * (1.0 - v * v)
        else:
            ga = ga + gx * (0.5 * v + 1.0)
            gb = gb + gx
            gx = gx * 0.5 * a * np.cos(xi)
    return gx, ga, gb


def recurrence_args(size):
    return (0.3, 0.9, 0.1, 1000 if size == "full" else 50)


# ---------------------------------------------------------------------------
# (3) a while-loop ODE integrator with a data-dependent step count:
#     a projectile with quadratic drag, midpoint rule, until it lands
# ---------------------------------------------------------------------------

def drag_accel(vx, vy, k):
    speed = np.sqrt(vx * vx + vy * vy)
    return -k * speed * vx, -9.81 - k * speed * vy


def ode_range(v0, angle, k, dt):
    x = 0.0
    y = 0.0
    vx = v0 * np.cos(angle)
    vy = v0 * np.sin(angle)
    while y >= 0.0:
        ax, ay = drag_accel(vx, vy, k)
        mvx = vx + 0.5 * dt * ax
        mvy = vy + 0.5 * dt * ay
        bx, by = drag_accel(mvx, mvy, k)
        x = x + dt * mvx
        y = y + dt * mvy
        vx = vx + dt * bx
        vy = vy + dt * by
    return x


def _drag_accel_vjp(vx, vy, sp, k, gax, gay):
    """Cotangents of (vx, vy, k) given those of drag_accel's outputs; sp = speed."""
    t = vx * gax + vy * gay
    return -k * (sp * gax + vx * t / sp), -k * (sp * gay + vy * t / sp), -sp * t


def ode_range_grad(v0, angle, k, dt):
    ca, sa = np.cos(angle), np.sin(angle)
    vx = v0 * ca
    vy = v0 * sa
    y = 0.0
    tape = []
    while y >= 0.0:
        sp = np.sqrt(vx * vx + vy * vy)
        mvx = vx - 0.5 * dt * k * sp * vx
        mvy = vy + 0.5 * dt * (-9.81 - k * sp * vy)
        msp = np.sqrt(mvx * mvx + mvy * mvy)
        tape.append((vx, vy, sp, mvx, mvy, msp))
        y = y + dt * mvy
        vx = vx - dt * k * msp * mvx
        vy = vy + dt * (-9.81 - k * msp * mvy)
    # the output is x: its adjoint stays 1, y's stays 0 (y only steers the loop)
    gvx = 0.0
    gvy = 0.0
    gk = 0.0
    for vx, vy, sp, mvx, mvy, msp in reversed(tape):
        gmvx, gmvy, dk = _drag_accel_vjp(mvx, mvy, msp, k, dt * gvx, dt * gvy)
        gmvx = gmvx + dt
        gk = gk + dk
        gvx = gvx + gmvx
        gvy = gvy + gmvy
        dvx, dvy, dk = _drag_accel_vjp(vx, vy, sp, k, 0.5 * dt * gmvx, 0.5 * dt * gmvy)
        gvx = gvx + dvx
        gvy = gvy + dvy
        gk = gk + dk
    return gvx * ca + gvy * sa, v0 * (gvy * ca - gvx * sa), gk


def ode_range_args(size):
    return (20.0, 0.8, 0.02, 0.01 if size == "full" else 0.1)


# ---------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------

PROBLEMS = [
    Problem("scalar_expr", "~40-op scalar expression on Python floats",
            scalar_expr, scalar_expr_grad, scalar_expr_args, (0, 1, 2),
            {"full": "3 floats", "smoke": "3 floats"}),
    Problem("recurrence", "scalar recurrence on floats with a data-dependent if",
            recurrence, recurrence_grad, recurrence_args, (0, 1, 2),
            {"full": "1000 steps", "smoke": "50 steps"}),
    Problem("ode_while", "while-loop ODE integrator (projectile with drag, until it lands)",
            ode_range, ode_range_grad, ode_range_args, (0, 1, 2),
            {"full": "dt=0.01 (~250 steps)", "smoke": "dt=0.1 (~25 steps)"}),
    Problem("mlp_small", "MLP, 2 tanh hidden layers, softmax cross-entropy",
            pa.mlp, pa.mlp_grad, pa.mlp_small_args, (0, 1, 2, 3, 4, 5),
            {"full": "batch 32, in 64, width 64, 10 classes",
             "smoke": "batch 4, in 5, width 8, 3 classes"}),
    Problem("mlp_large", "MLP, 2 tanh hidden layers, softmax cross-entropy",
            pa.mlp, pa.mlp_grad, pa.mlp_large_args, (0, 1, 2, 3, 4, 5),
            {"full": "batch 512, in 1024, width 1024, 10 classes",
             "smoke": "batch 6, in 7, width 9, 4 classes"}),
    Problem("rnn", "tanh RNN, squared loss on the last state's readout",
            pa.rnn, pa.rnn_grad, pa.rnn_args, (0, 1, 2, 3),
            {"full": "50 steps, batch 32, in 32, hidden 128, out 10",
             "smoke": "4 steps, batch 3, in 2, hidden 5, out 2"}),
    Problem("logistic", "L2-regularised logistic regression",
            pa.logistic, pa.logistic_grad, pa.logistic_args, (0, 1),
            {"full": "10000 x 100", "smoke": "50 x 5"}),
    Problem("elementwise", "~37-op elementwise chain, mean",
            pa.elementwise, pa.elementwise_grad, pa.elementwise_args, (0,),
            {"full": "1e6 elements", "smoke": "1000 elements"}),
    Problem("matvec_tanh", "x = tanh(A @ x) repeated, loss sum(x**2)",
            pa.matvec_tanh, pa.matvec_tanh_grad, pa.matvec_tanh_args, (0, 1),
            {"full": "10x10, 100 steps", "smoke": "10x10, 5 steps"}),
    Problem("nbody", "N-body gravity, symplectic Euler, final position loss wrt initial "
            "velocities", pa.nbody, pa.nbody_grad, pa.nbody_args, (1,),
            {"full": "64 particles, 200 steps", "smoke": "8 particles, 5 steps"}),
]

# (11-18) kinds of code the first ten do not cover, written as users write them
PROBLEMS += [Problem(**spec) for spec in problems_linalg.SPECS + problems_loops.SPECS]
# (21-23) model-style code: a np.where loss, a stencil on slices, a log-sum-exp mixture
PROBLEMS += [Problem(**spec) for spec in problems_models.SPECS]
# (24-26) kinds users write that the others do not cover: an element loop over a
# prediction, a covariance's slogdet and solve, a log of exponentiated rates
PROBLEMS += [Problem(**spec) for spec in problems_more.SPECS]
# (27-28) pairwise distances with the self-pairs masked (0 / 0 in a masked adjoint)
PROBLEMS += [Problem(**spec) for spec in problems_pairs.SPECS]
# (32-39) session 36: an LSTM, a small-matrix loop, a line search, element loops of an
# Euler stepper and a correlation, Horner in a scalar loop, small SPD solves, layer norm
PROBLEMS += [Problem(**spec) for spec in problems_unseen.SPECS]
# (40-47) session 37: loops over a small matrix (Cholesky), a table of soft minima, a
# GARCH recursion, power iteration, soft k-means steps, Monte-Carlo paths, an index-loop
# stencil, a loss summed over mini-batches
PROBLEMS += [Problem(**spec) for spec in problems_unseen2.SPECS]
# (48-53) session 38: an HMM's forward algorithm, a factorisation over observed entries,
# a while loop on time, a transformer block, a VAE's ELBO, a neural ODE
PROBLEMS += [Problem(**spec) for spec in problems_unseen3.SPECS]
# (54-60) session 39: a leapfrog with swapped states, a convolution by kernel taps, a GRU
# stacked from a list, a stiffness matrix assembled by scalar writes, Newton iterations
# inside implicit Euler steps, an XY model by np.roll, a chain of quaternions
PROBLEMS += [Problem(**spec) for spec in problems_unseen4.SPECS]
# (61) session 40: a spring network assembled edge by edge from an int edge list
PROBLEMS += [Problem(**spec) for spec in problems_unseen5.SPECS]
# (62-65) session 41: a Cox likelihood by a cumulative sum, log-domain Sinkhorn
# iterations, an arm's kinematics by a loop over links, RK4 steps of a tuple helper
PROBLEMS += [Problem(**spec) for spec in problems_unseen6.SPECS]
# (66-68) session 42: a Thomas tridiagonal solve as scalar loops, a CRF's forward
# algorithm in log space, a finite-volume Burgers solver with an upwind flux by np.where
PROBLEMS += [Problem(**spec) for spec in problems_unseen7.SPECS]
# (69-71) session 43: a table read by np.interp, an image warped by bilinear sampling, a
# small CNN with max-pooling by a reshape
PROBLEMS += [Problem(**spec) for spec in problems_unseen8.SPECS]
# (72-80) session 45: Black-Scholes by ndtr, a polyval fit, a recursive tree network, batch
# norm with a dict of parameters, a trimmed sort, a loop over features with logaddexp, a solve per
# semi-implicit step, a cumprod survival likelihood, multi-head attention by transposes
PROBLEMS += [Problem(**spec) for spec in problems_unseen9.SPECS]
# (81-90) session 46: a particle filter resampled by searchsorted, Gauss-Newton steps, a
# Hodgkin-Huxley scalar loop, IRLS, np.add.at messages, expm by Taylor loops, gammaln,
# eigvalsh of a spring chain, a Plackett-Luce ranking loss, a periodic box by np.round
PROBLEMS += [Problem(**spec) for spec in problems_unseen10.SPECS]
# (91-100) session 47: an HMM's backward pass, a variable-coefficient Poisson residual,
# Levenberg-Marquardt steps, a cubic spline by searchsorted, a cloth by np.add.at, label
# smoothing, EM steps of a mixture, least squares by QR, masked bilinear attention, AR(p)
PROBLEMS += [Problem(**spec) for spec in problems_unseen11.SPECS]
# (101-110) session 48: a Hawkes likelihood, unrolled ISTA, Kuramoto oscillators, Elo ratings in
# place, a sliced Wasserstein distance, a Whittaker smoother, TV denoising, an rfft spectrum,
# InfoNCE, repeated-dose pharmacokinetics
PROBLEMS += [Problem(**spec) for spec in problems_unseen12.SPECS]
# (111-120) session 49: unrolled conjugate gradients, a full-covariance mixture by Cholesky
# factors, a Riccati recursion, t-SNE, Gray-Scott by np.roll, an SIR epidemic's daily loop,
# Tukey's biweight, a layer-norm + GELU block, rotary attention, a minmod-limited advection
PROBLEMS += [Problem(**spec) for spec in problems_unseen14.SPECS]
# (121-122) session 49: scalar loops on Python floats: a bouncing ball with drag in a while
# loop, a leaky integrator neuron held at a floor
PROBLEMS += [Problem(**spec) for spec in problems_unseen13.SPECS]
# (123-132) session 50: a mixture density network, bundle adjustment by Rodrigues rotations, a
# beam assembled by slice +=, volume rendering by cumsum, RealNVP coupling layers, Clenshaw's
# recurrence, skip-gram negative sampling, 4D-Var on Lorenz-96, an ordinal logit, an
# elastic-net logistic regression iterated until convergence
PROBLEMS += [Problem(**spec) for spec in problems_unseen16.SPECS]
# (133-135) session 50: finite-volume stencils cell by cell with a branch per cell: upwind
# transport in a velocity field, a superbee-limited MUSCL advection, Burgers by Godunov's flux
PROBLEMS += [Problem(**spec) for spec in problems_unseen15.SPECS]
# (136-145) session 52: an HMC leapfrog's energy error, red-black Gauss-Seidel on strided
# slices, Black-Litterman by inv and solves, Robertson kinetics by implicit Euler with Newton
# while loops, a cart-pole's state unpacked per step, a PINN's derivative by the chain rule,
# kernel ridge leave-one-out, Kabsch superposition by SVD, the sparsemax loss, batch-hard
# triplets
PROBLEMS += [Problem(**spec) for spec in problems_unseen17.SPECS]
# (146-155) session 53: an actor-critic loss with advantages by a reversed loop, an LLG spin
# chain by np.cross, a batched CTC loss, a von Mises mixture by i0e, blind deconvolution by
# np.convolve, planar flows, weighted PCA by eigh, Horn-Schunck flow by np.gradient, maximum-
# entropy IRL by soft value iteration, the focal loss by np.take_along_axis
PROBLEMS += [Problem(**spec) for spec in problems_unseen18.SPECS]

BY_NAME = {p.name: p for p in PROBLEMS}


def get_problems(names: str | None = None) -> list[Problem]:
    """The problems named in a comma-separated list (all when None/empty)."""
    return select(BY_NAME, names)


def select(by_name: dict, names: str | None) -> list:
    """The entries of ``by_name`` named in a comma-separated list (all when None/empty)."""
    if not names:
        return list(by_name.values())
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise SystemExit(f"unknown problem(s): {', '.join(unknown)}; "
                         f"known: {', '.join(by_name)}")
    return [by_name[n] for n in wanted]
