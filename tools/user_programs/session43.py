# ruff: noqa
"""Users' programs of session 43 (helper 76): kinds not in the other modules."""
import math
from dataclasses import dataclass
from typing import NamedTuple
import numpy as np

R = np.random.default_rng(43)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def trained_net_loss(w_init, X, y):
    """A tiny net trained by a few GD steps inside the loss (meta-learning style)."""
    W = w_init.reshape(3, 2)
    lr = 0.05
    for epoch in range(4):
        h = np.tanh(X @ W)
        pred = h.sum(axis=1)
        err = pred - y
        dh = (1 - h ** 2) * err[:, None]
        W = W - lr * X.T @ dh / len(y)
    h = np.tanh(X @ W)
    return float(np.mean((h.sum(axis=1) - y) ** 2))
reg(trained_net_loss, (R.standard_normal(6) * 0.5, R.standard_normal((5, 3)), R.standard_normal(5)))


def mc_option(sigma, s0):
    """Monte Carlo with a fixed seed: the draws are constants."""
    rng = np.random.default_rng(1234)
    z = rng.standard_normal(200)
    st = s0 * np.exp(-0.5 * sigma ** 2 + sigma * z)
    payoff = np.maximum(st - 1.0, 0.0)
    return payoff.mean()
reg(mc_option, (0.3, 1.1), wrt=(0, 1))


def fv_heat(u0, kappa):
    """Finite volumes: ghost cells by np.pad, fluxes by slicing, zero-flux ends."""
    u = u0.copy()
    dx = 1.0 / len(u)
    dt = 0.2 * dx * dx
    for step in range(10):
        up = np.pad(u, 1, mode="edge")
        flux = -kappa * (up[1:] - up[:-1]) / dx
        u = u - dt / dx * (flux[1:] - flux[:-1])
    return np.sum(u ** 2) * dx
reg(fv_heat, (R.random(8), 0.7), wrt=(0, 1))


def spline_eval(ys, xq):
    """Piecewise-linear spline evaluated with searchsorted."""
    xs = np.linspace(0.0, 1.0, len(ys))
    idx = np.searchsorted(xs, xq) - 1
    idx = np.clip(idx, 0, len(xs) - 2)
    t = (xq - xs[idx]) / (xs[idx + 1] - xs[idx])
    vals = (1 - t) * ys[idx] + t * ys[idx + 1]
    return np.sum(vals ** 2)
reg(spline_eval, (R.standard_normal(6), np.array([0.05, 0.33, 0.51, 0.97])), wrt=(0, 1))


def dict_param_training(params, X, y):
    """A dict of parameters updated in a loop, then the validation loss."""
    p = dict(params)
    for it in range(3):
        r = X @ p["w"] + p["b"] - y
        grads = {"w": X.T @ r / len(y), "b": r.mean()}
        for k in p:
            p[k] = p[k] - 0.1 * grads[k]
    r = X @ p["w"] + p["b"] - y
    return 0.5 * np.mean(r ** 2)
reg(dict_param_training, ({"w": R.standard_normal(3), "b": 0.2}, R.standard_normal((6, 3)), R.standard_normal(6)))


def trajectory_stack(x0, v0):
    """A list of arrays built with append, then np.stack."""
    xs = []
    x, v = x0.copy(), v0.copy()
    for k in range(5):
        a = -np.sin(x)
        v = v + 0.1 * a
        x = x + 0.1 * v
        xs.append(x)
    traj = np.stack(xs)
    return np.sum(traj[:, 0] * traj[:, 1]) + np.sum(traj[-1] ** 2)
reg(trajectory_stack, (R.standard_normal(2), R.standard_normal(2)), wrt=(0, 1))


@dataclass
class Params:
    k: float
    c: float
    m: float = 1.0


def oscillator_energy(p, x0):
    """dataclass parameters read in a time stepper."""
    x, v = x0, 0.0
    dt = 0.05
    for _ in range(20):
        a = (-p.k * x - p.c * v) / p.m
        v += dt * a
        x += dt * v
    return 0.5 * p.m * v ** 2 + 0.5 * p.k * x ** 2
reg(oscillator_energy, (Params(2.0, 0.3), 1.0), wrt=(0, 1))


class Gauss(NamedTuple):
    mu: np.ndarray
    log_sigma: np.ndarray


def nll_namedtuple(g, data):
    s = np.exp(g.log_sigma)
    z = (data - g.mu) / s
    return np.sum(0.5 * z ** 2 + g.log_sigma)
reg(nll_namedtuple, (Gauss(R.standard_normal(3), 0.1 * R.standard_normal(3)), R.standard_normal((4, 3))))


class Poly:
    def __init__(self, coef):
        self.coef = coef

    def __call__(self, x):
        out = 0.0
        for c in self.coef[::-1]:
            out = out * x + c
        return out

    def loss(self, xs, ys):
        return np.mean((self(xs) - ys) ** 2)


def poly_model_loss(coef, xs, ys):
    model = Poly(coef)
    return model.loss(xs, ys)
reg(poly_model_loss, (R.standard_normal(4), np.linspace(-1, 1, 7), R.standard_normal(7)), hess=True)


def mask_scale_inplace(x):
    y = x.copy()
    y[y > 0] *= 2.0
    y[y < -0.5] -= 1.0
    return np.sum(y ** 3)
reg(mask_scale_inplace, (np.array([0.3, -0.2, -0.9, 1.2, 0.1]),), hess=True)


def cumsum_pipeline(x):
    c = np.cumsum(x)
    d = np.diff(c ** 2)
    e = np.clip(d, -1.0, 1.0)
    return np.sum(e * np.arange(len(e)))
reg(cumsum_pipeline, (np.array([0.3, -0.4, 0.2, 0.5, -0.1, 0.25]),))


def newton_tolerance(a):
    """while with a tolerance: cube root by Newton."""
    x = 1.0
    while abs(x ** 3 - a) > 1e-12:
        x = x - (x ** 3 - a) / (3 * x ** 2)
    return x
reg(newton_tolerance, (2.5,), (0.7,))


def first_crossing(x, level):
    """Early return in a loop."""
    s = 0.0
    for i in range(len(x)):
        s += x[i] ** 2
        if s > level:
            return s * i
    return -s
reg(first_crossing, (np.array([0.5, 0.4, 0.9, 0.3]), 0.6), (np.array([0.1, 0.1, 0.1]), 5.0))


def recursive_pow(x, n):
    if n == 0:
        return 1.0
    half = recursive_pow(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


def recursion_user(x):
    return recursive_pow(x, 5) + recursive_pow(x, 2)
reg(recursion_user, (1.3,), hess=True)


def prints_and_asserts(x):
    n = len(x)
    assert n > 1, f"need at least two points, got {n}"
    m = x.mean()
    print(f"mean = {m:.3f}")
    v = np.sum((x - m) ** 2) / (n - 1)
    assert v >= 0
    return math.sqrt(v)
reg(prints_and_asserts, (R.standard_normal(5),))


def math_functions(a, b):
    r = math.hypot(a, b)
    t = math.atan2(b, a)
    return math.exp(-r) * math.cos(t) + math.log1p(r ** 2) + math.erf(a) + math.tanh(b)
reg(math_functions, (0.4, -0.8), wrt=(0, 1))


def normal_equations(X, y):
    A = X.T @ X + 0.1 * np.eye(X.shape[1])
    w = np.linalg.solve(A, X.T @ y)
    Ai = np.linalg.inv(A)
    return np.sum((X @ w - y) ** 2) + np.trace(Ai) + np.log(np.linalg.det(A))
reg(normal_equations, (R.standard_normal((6, 3)), R.standard_normal(6)), wrt=(0, 1))


def einsum_strings(A, B, v):
    c = np.einsum("ij,jk->ik", A, B)
    t = np.einsum("ii", c)
    q = np.einsum("i,ij,j", v, A, v)
    o = np.einsum("i,j->ij", v, v)
    return t + q + np.einsum("ij,ij->", o, c)
reg(einsum_strings, (R.standard_normal((3, 3)), R.standard_normal((3, 3)), R.standard_normal(3)), wrt=(0, 1, 2))


def pairwise_none(X):
    """Broadcasting with None: pairwise distances, a soft kernel."""
    D = X[:, None, :] - X[None, :, :]
    r2 = np.sum(D ** 2, axis=-1)
    K = np.exp(-r2)
    return np.sum(K) - np.trace(K)
reg(pairwise_none, (R.standard_normal((4, 2)),), hess=True)


def try_zero_loop(x, n):
    """Known bug: a name rebound in a loop that runs zero times inside try, read after."""
    acc = x * 2.0
    try:
        for i in range(n):
            acc = acc + x[i]
    except IndexError:
        acc = x
    return np.sum(acc ** 2)
reg(try_zero_loop, (R.standard_normal(3), 0), (R.standard_normal(3), 2))


def bisection_then_newton(c):
    """Bracket by bisection (constant), polish by Newton (carries the derivative)."""
    lo, hi = 0.0, 3.0
    for _ in range(20):
        mid = 0.5 * (lo + hi)
        if mid ** 2 - c > 0:
            hi = mid
        else:
            lo = mid
    x = 0.5 * (lo + hi)
    for _ in range(3):
        x = x - (x * x - c) / (2 * x)
    return x
reg(bisection_then_newton, (2.0,), (5.0,))


def rk4_logistic(r, y0):
    def f(t, y):
        return r * y * (1 - y)
    y, t, h = y0, 0.0, 0.1
    for _ in range(10):
        k1 = f(t, y)
        k2 = f(t + h / 2, y + h / 2 * k1)
        k3 = f(t + h / 2, y + h / 2 * k2)
        k4 = f(t + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return y
reg(rk4_logistic, (1.5, 0.1), wrt=(0, 1))


def softmax_regression(W, X, labels):
    logits = X @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(labels)), labels]))
reg(softmax_regression, (R.standard_normal((3, 4)), R.standard_normal((5, 3)), np.array([0, 3, 1, 1, 2])))


def lennard_jones(pos):
    E = 0.0
    n = pos.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(pos[i] - pos[j])
            E += 4 * ((1 / r) ** 12 - (1 / r) ** 6)
    return E
reg(lennard_jones, (np.array([[0.0, 0.0], [1.1, 0.1], [0.3, 1.2], [1.4, 1.3]]),))


def tuple_state_scan(theta, xs):
    state = (0.0, 1.0)
    for x in xs:
        a, b = state
        state = (a + theta * x * b, b * math.cos(theta * x))
    return state[0] + state[1]
reg(tuple_state_scan, (0.7, [0.2, -0.5, 1.1]), wrt=(0, 1))


def histogram_soft(x, centers):
    w = np.exp(-(x[:, None] - centers[None, :]) ** 2 / 0.1)
    h = w.sum(axis=0)
    h = h / h.sum()
    return -np.sum(h * np.log(h + 1e-12))
reg(histogram_soft, (R.standard_normal(8), np.linspace(-1, 1, 4)), wrt=(0, 1))


def matrix_exp_series(A):
    E = np.eye(A.shape[0])
    term = np.eye(A.shape[0])
    for k in range(1, 12):
        term = term @ A / k
        E = E + term
    return np.sum(E * E)
reg(matrix_exp_series, (0.3 * R.standard_normal((3, 3)),))


def gauss_seidel_solve(A, b):
    x = np.zeros_like(b)
    for sweep in range(15):
        for i in range(len(b)):
            s = b[i] - A[i, :i] @ x[:i] - A[i, i + 1:] @ x[i + 1:]
            x[i] = s / A[i, i]
    return np.sum(x ** 2)
reg(gauss_seidel_solve, (np.array([[4.0, 1, 0], [1, 5, 1], [0, 1, 3]]), R.standard_normal(3)), wrt=(0, 1))


def sorted_median_loss(x):
    s = np.sort(x)
    n = len(s)
    med = s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])
    return np.sum(np.abs(x - med) ** 1.5)
reg(sorted_median_loss, (np.array([0.3, -1.2, 0.8, 2.0, -0.4]),), (np.array([0.3, -1.2, 0.8, 2.0]),))


def outer_product_update(u, v):
    M = np.zeros((len(u), len(v)))
    for k in range(3):
        M += np.outer(u, v) / (k + 1)
        u = np.tanh(M @ v)
    return np.linalg.norm(M)
reg(outer_product_update, (R.standard_normal(3), R.standard_normal(2)), wrt=(0, 1))


def while_break_else(x):
    total = 0.0
    k = 0
    while True:
        total += x[k % len(x)] ** 2
        k += 1
        if total > 3.0 or k > 20:
            break
    return total / k
reg(while_break_else, (np.array([0.5, 1.1, -0.7]),), (np.array([0.1, 0.2]),))


def for_else_search(x, t):
    for i, v in enumerate(x):
        if v > t:
            found = v * i
            break
    else:
        found = x.sum()
    return found ** 2
reg(for_else_search, (np.array([0.1, 0.9, 0.3]), 0.5), (np.array([0.1, 0.2, 0.3]), 0.5), wrt=(0, 1))


def class_model_fit(w):
    class Linear:
        def __init__(self, w):
            self.w = w

        def predict(self, X):
            return X @ self.w

    X = np.arange(12.0).reshape(4, 3) / 10
    y = np.array([1.0, 0.0, -1.0, 0.5])
    m = Linear(w)
    return np.mean((m.predict(X) - y) ** 2)
reg(class_model_fit, (R.standard_normal(3),))


def column_normalize(A):
    B = A / np.linalg.norm(A, axis=0)[None, :]
    G = B.T @ B
    return np.sum(np.triu(G, 1) ** 2)
reg(column_normalize, (R.standard_normal((4, 3)),))
