# ruff: noqa
"""Users' programs of session 46 (helper `users`), fourth batch: scientists' code: finite
element assembly with ``np.ix_``, a Kalman filter with in-place covariance updates, an
adaptive ODE integrator with a step-size controller, a backtracking line search, MCMC with
a seeded accept/reject, scipy.integrate/optimize calls, pairwise N-body loops.

    python tools/user_programs/run.py users46d
"""
import math
import numpy as np
from scipy import integrate, optimize

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

_r = np.random.default_rng(5)


# 1. 1-D finite elements: stiffness assembled with K[np.ix_(dofs, dofs)] += ke
def fem_compliance(E, n_el=4, load=1.0):
    n = n_el + 1
    K = np.zeros((n, n))
    h = 1.0 / n_el
    for e in range(n_el):
        ke = E[e] / h * np.array([[1.0, -1.0], [-1.0, 1.0]])
        dofs = np.array([e, e + 1])
        K[np.ix_(dofs, dofs)] += ke
    f = np.full(n, load * h)
    free = np.arange(1, n)
    u = np.zeros(n)
    u[free] = np.linalg.solve(K[np.ix_(free, free)], f[free])
    return f @ u
reg(fem_compliance, (np.array([1.0, 2.0, 1.5, 0.8]),), hess=True)


# 2. the same with np.add.at on (rows, cols)
def fem_add_at(E):
    n = len(E) + 1
    K = np.zeros((n, n))
    for e in range(len(E)):
        rows = np.array([e, e, e + 1, e + 1])
        cols = np.array([e, e + 1, e, e + 1])
        np.add.at(K, (rows, cols), E[e] * np.array([1.0, -1.0, -1.0, 1.0]))
    K[0, 0] += 1.0
    return np.sum(np.linalg.inv(K))
reg(fem_add_at, (np.array([1.0, 2.0, 1.5]),))


# 3. Kalman filter with in-place covariance updates
def kalman_nll(q, r, ys):
    A = np.array([[1.0, 0.1], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    x = np.zeros(2)
    P = np.eye(2)
    nll = 0.0
    for y in ys:
        x = A @ x
        P = A @ P @ A.T
        P += q * np.eye(2)
        S = H @ P @ H.T + r
        K = P @ H.T / S
        innov = y - (H @ x)[0]
        x += K[:, 0] * innov
        P -= K @ S @ K.T
        P = 0.5 * (P + P.T)
        nll += 0.5 * (math.log(2 * math.pi * S[0, 0]) + innov ** 2 / S[0, 0])
    return nll
reg(kalman_nll, (0.1, 0.5, np.array([0.1, 0.3, 0.2, 0.6, 0.5])), wrt=(0, 1))


# 4. adaptive RK (Heun/Euler pair) with a step-size controller in a while loop
def adaptive_decay(k, y0=1.0, t_end=1.0, tol=1e-4):
    t, y, h = 0.0, y0, 0.1
    while t < t_end:
        h = min(h, t_end - t)
        k1 = -k * y
        k2 = -k * (y + h * k1)
        err = abs(h * (k2 - k1) / 2)
        if err <= tol or h < 1e-6:
            y = y + h * (k1 + k2) / 2
            t += h
        h = h * min(2.0, max(0.2, 0.9 * math.sqrt(tol / (err + 1e-16))))
    return y
reg(adaptive_decay, (0.8,), (2.5,))


# 5. gradient descent with a backtracking (Armijo) line search inside the loss
def line_search_fit(theta, A, b):
    def f(x):
        return 0.5 * np.sum((A @ x - b) ** 2) + 0.1 * np.sum(x ** 4)
    x = theta.copy()
    for _ in range(3):
        g = A.T @ (A @ x - b) + 0.4 * x ** 3
        step = 1.0
        while f(x - step * g) > f(x) - 0.5 * step * g @ g:
            step *= 0.5
        x -= step * g
    return f(x)
reg(line_search_fit, (np.array([0.5, -0.3]), _r.standard_normal((4, 2)), _r.standard_normal(4)))


# 6. Metropolis with a fixed seed: the accept/reject decisions are fixed by the data
def mcmc_mean(mu, n=30):
    rng = np.random.default_rng(42)
    x = 0.0
    total = 0.0
    logp = lambda v: -0.5 * (v - mu) ** 2
    for _ in range(n):
        prop = x + rng.normal() * 0.8
        if math.log(rng.random()) < logp(prop) - logp(x):
            x = prop
        total += x
    return total / n
reg(mcmc_mean, (0.7,))


# 7. scipy.integrate.quad of a parameterised integrand
def quad_loss(a, b):
    val, _ = integrate.quad(lambda t: np.exp(-a * t) * np.sin(b * t), 0.0, 2.0)
    return val ** 2
reg(quad_loss, (0.7, 1.3), wrt=(0, 1))


# 8. scipy.optimize.brentq root as a function of a parameter
def root_of_param(c):
    root = optimize.brentq(lambda x: x ** 3 + c * x - 1.0, 0.0, 2.0)
    return root * c
reg(root_of_param, (0.5,))


# 9. solve_ivp of a damped oscillator
def ivp_final(k, c):
    sol = integrate.solve_ivp(lambda t, y: [y[1], -k * y[0] - c * y[1]], (0.0, 1.0),
                              [1.0, 0.0], rtol=1e-10, atol=1e-12)
    return sol.y[0, -1]
reg(ivp_final, (2.0, 0.3), wrt=(0, 1))


# 10. N-body potential with a double loop and an in-place force array
def nbody_energy(pos, masses=np.array([1.0, 2.0, 1.5, 0.7])):
    n = len(pos)
    forces = np.zeros_like(pos)
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = pos[i] - pos[j]
            r = np.sqrt(d @ d + 0.01)
            energy -= masses[i] * masses[j] / r
            f = masses[i] * masses[j] * d / r ** 3
            forces[i] -= f
            forces[j] += f
    return energy + 0.01 * np.sum(forces ** 2)
reg(nbody_energy, (_r.standard_normal((4, 2)),))


# 11. an implicit Euler step solved by Newton in a while loop
def implicit_euler(lam, y0=1.0, h=0.2, steps=5):
    y = y0
    for _ in range(steps):
        z = y
        res = z - y - h * (-lam * z ** 3)
        while abs(res) > 1e-12:
            z = z - res / (1 + 3 * h * lam * z ** 2)
            res = z - y - h * (-lam * z ** 3)
        y = z
    return y
reg(implicit_euler, (1.5,))


# 12. spline-like smoothing penalty with np.diff and a tridiagonal solve
def smoothing_spline(y, lam):
    n = len(y)
    D = np.diff(np.eye(n), 2, axis=0)
    A = np.eye(n) + lam * D.T @ D
    z = np.linalg.solve(A, y)
    return np.sum((z - y) ** 2) + lam * np.sum(np.diff(z, 2) ** 2)
reg(smoothing_spline, (np.sin(np.linspace(0, 3, 7)) + 0.1 * _r.standard_normal(7), 0.5), wrt=(0, 1))


# 13. a population model with a carrying-capacity clamp and np.clip
def logistic_growth(r, K, x0=0.1, T=15):
    xs = np.empty(T)
    x = x0
    for t in range(T):
        x = x + r * x * (1 - x / K)
        x = float(np.clip(x, 0.0, 2 * K))
        xs[t] = x
    return np.sum(xs) / T
reg(logistic_growth, (0.6, 1.2), wrt=(0, 1))


# 14. heat kernel convolution with np.convolve and mode
def blur_energy(signal, width):
    t = np.arange(-3, 4)
    kern = np.exp(-0.5 * t ** 2 / width ** 2)
    kern /= kern.sum()
    sm = np.convolve(signal, kern, mode="same")
    return np.sum(sm ** 2) + np.sum(np.gradient(sm) ** 2)
reg(blur_energy, (np.sin(np.linspace(0, 4, 12)), 1.3), wrt=(0, 1))


# 15. chemical kinetics with a list of reactions (tuples) and a dict of species
def kinetics(rates, steps=20, dt=0.05):
    conc = {"A": 1.0, "B": 0.0, "C": 0.0}
    reactions = [("A", "B", 0), ("B", "C", 1), ("C", "A", 2)]
    for _ in range(steps):
        delta = {s: 0.0 for s in conc}
        for src, dst, k in reactions:
            flux = rates[k] * conc[src]
            delta[src] -= flux
            delta[dst] += flux
        for s in conc:
            conc[s] += dt * delta[s]
    return conc["C"] - 0.5 * conc["B"]
reg(kinetics, (np.array([1.0, 0.5, 0.2]),))


# 16. lattice Ising-like energy with np.roll
def ising_energy(s, J=1.0):
    return -J * np.sum(s * np.roll(s, 1, axis=0) + s * np.roll(s, 1, axis=1)) + np.sum(np.tanh(s))
reg(ising_energy, (_r.standard_normal((3, 4)),), hess=True)


# 17. Gauss-Seidel relaxation with element updates in place
def gauss_seidel(b, A=np.array([[4.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 1.0, 4.0]])):
    x = np.zeros_like(b)
    for _ in range(25):
        for i in range(len(b)):
            s = b[i] - A[i] @ x + A[i, i] * x[i]
            x[i] = s / A[i, i]
    return np.sum(x ** 2)
reg(gauss_seidel, (np.array([1.0, -2.0, 0.5]),))


# 18. a Lotka-Volterra model integrated with odeint
def lv_final(alpha, beta):
    def rhs(z, t):
        x, y = z
        return [alpha * x - beta * x * y, beta * x * y - 0.4 * y]
    sol = integrate.odeint(rhs, [1.0, 0.5], np.linspace(0.0, 2.0, 5), rtol=1e-10, atol=1e-12)
    return sol[-1, 0] + sol[-1, 1]
reg(lv_final, (1.1, 0.6), wrt=(0, 1))
