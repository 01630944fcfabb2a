# ruff: noqa
"""Users' programs of session 43 (helper 76), second batch: library corners."""
import functools
import math
import numpy as np

R = np.random.default_rng(431)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def mc_reparam(mu, sigma):
    rng = np.random.default_rng(7)
    s = rng.normal(mu, sigma, size=500)
    return np.mean(np.tanh(s))
reg(mc_reparam, (0.3, 0.8), wrt=(0, 1))


def mc_legacy_seed(theta):
    np.random.seed(0)
    z = np.random.randn(100)
    return np.mean(np.sin(theta * z) ** 2)
reg(mc_legacy_seed, (0.9,))


def mc_uniform_bounds(a, b):
    rng = np.random.default_rng(3)
    u = rng.uniform(a, b, 200)
    return np.mean(u ** 2)
reg(mc_uniform_bounds, (0.2, 1.5), wrt=(0, 1))


def heat_2d_slicing(T0, alpha):
    T = T0.copy()
    for _ in range(5):
        T[0, :] = T[1, :]
        T[-1, :] = 0.0
        T[:, 0] = T[:, 1]
        T[:, -1] = T[:, -2]
        lap = T[:-2, 1:-1] + T[2:, 1:-1] + T[1:-1, :-2] + T[1:-1, 2:] - 4 * T[1:-1, 1:-1]
        T[1:-1, 1:-1] += alpha * lap
    return np.sum(T ** 2)
reg(heat_2d_slicing, (R.random((5, 6)), 0.1), wrt=(0, 1))


def pad_reflect_smooth(x):
    p = np.pad(x, 2, mode="reflect")
    k = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16
    y = np.convolve(p, k, mode="valid")
    return np.sum((y - x) ** 2)
reg(pad_reflect_smooth, (R.standard_normal(7),), hess=True)


def pad_constant_upwind(u0, c):
    u = u0
    for _ in range(6):
        g = np.pad(u, (1, 0), mode="constant", constant_values=0.0)
        u = u - c * (g[1:] - g[:-1])
    return np.sum(u ** 2)
reg(pad_constant_upwind, (R.random(6), 0.4), wrt=(0, 1))


def cholesky_param(theta, X):
    n = X.shape[1]
    L = np.zeros((n, n))
    L[np.tril_indices(n)] = theta
    d = np.diag_indices(n)
    L[d] = np.exp(L[d])
    S = L @ L.T
    _, logdet = np.linalg.slogdet(S)
    return np.sum(X @ np.linalg.inv(S) * X) + X.shape[0] * logdet
reg(cholesky_param, (0.3 * R.standard_normal(6), R.standard_normal((5, 3))))


def fill_diag_inplace(A):
    B = A @ A.T
    np.fill_diagonal(B, 1.0)
    return np.sum(B ** 2)
reg(fill_diag_inplace, (R.standard_normal((3, 2)),))


def add_at_scatter(w, idx):
    out = np.zeros(4)
    np.add.at(out, idx, w)
    return np.sum(out ** 2)
reg(add_at_scatter, (R.standard_normal(6), np.array([0, 1, 1, 3, 0, 0])))


def bincount_weights(w, idx):
    h = np.bincount(idx, weights=w, minlength=4)
    return np.sum(h ** 3)
reg(bincount_weights, (R.standard_normal(6), np.array([0, 1, 1, 3, 0, 0])))


def interp_table(y, xq):
    xs = np.linspace(0, 1, len(y))
    return np.sum(np.interp(xq, xs, y) ** 2)
reg(interp_table, (R.standard_normal(5), np.array([0.1, 0.45, 0.8])), wrt=(0, 1))


def meshgrid_integral(a):
    xs = np.linspace(0, 1, 11)
    X, Y = np.meshgrid(xs, xs)
    Z = np.exp(-a * (X ** 2 + Y ** 2))
    return np.trapz(np.trapz(Z, xs), xs) if hasattr(np, "trapz") else np.trapezoid(np.trapezoid(Z, xs), xs)
reg(meshgrid_integral, (1.3,))


def reduce_compose(x):
    fs = [np.sin, np.tanh, lambda v: v ** 2]
    return np.sum(functools.reduce(lambda acc, f: f(acc), fs, x))
reg(reduce_compose, (R.standard_normal(4),))


def walrus_loop(x):
    total = 0.0
    for v in x:
        if (w := v * v) > 0.2:
            total += w
    return total
reg(walrus_loop, (np.array([0.3, 0.9, -0.6, 0.1]),))


def list_sort_key(xs):
    pts = [(xs[i], xs[i] ** 2) for i in range(len(xs))]
    pts.sort(key=lambda p: p[1])
    return sum(p[0] * (k + 1) for k, p in enumerate(pts))
reg(list_sort_key, (np.array([0.3, -0.9, 0.6, 0.1]),))


def dict_get_default(x):
    cfg = {"scale": 2.0}
    s = cfg.get("scale", 1.0) * cfg.get("shift", 0.5)
    return np.sum(x * s)
reg(dict_get_default, (R.standard_normal(3),))


def isinstance_dispatch(x):
    def norm(v):
        if isinstance(v, float):
            return abs(v)
        return np.sqrt(np.sum(v ** 2))
    return norm(x) + norm(float(x[0]))
reg(isinstance_dispatch, (R.standard_normal(3),))


def stacks(a, b):
    M = np.vstack([a, b])
    N = np.column_stack([a, b])
    H = np.hstack([a, b, a * b])
    return np.sum(M @ N) + np.sum(H ** 2)
reg(stacks, (R.standard_normal(3), R.standard_normal(3)), wrt=(0, 1))


def running_max_drawdown(prices):
    peak = np.maximum.accumulate(prices)
    dd = (peak - prices) / peak
    return np.sum(dd ** 2)
reg(running_max_drawdown, (np.array([1.0, 1.2, 1.1, 1.3, 0.9, 1.05]),))


def logaddexp_chain(x):
    acc = -np.inf
    for v in x:
        acc = np.logaddexp(acc, v)
    return acc
reg(logaddexp_chain, (R.standard_normal(5),))


def argsort_permute(x, w):
    order = np.argsort(x)
    return np.sum(x[order] * w)
reg(argsort_permute, (np.array([0.3, -0.9, 0.6, 0.1]), np.arange(4.0)), wrt=(0, 1))


def norm_orders(A, v):
    return np.linalg.norm(A, "fro") + np.linalg.norm(v, 1) + np.linalg.norm(v, np.inf) + np.linalg.norm(A, 2)
reg(norm_orders, (R.standard_normal((3, 3)), np.array([0.3, -0.9, 0.6])), wrt=(0, 1))


def eigh_energy(A):
    S = A + A.T
    w, V = np.linalg.eigh(S)
    return w[0] + np.sum(V[:, -1] ** 4)
reg(eigh_energy, (R.standard_normal((3, 3)),))


def percent_format(x):
    msg = "loss=%.3f" % float(np.sum(x))
    label = "{:>8}".format("x")
    s = len(msg) + len(label)
    return np.sum(x ** 2) * s
reg(percent_format, (R.standard_normal(3),))


def generator_sum_max(xs):
    m = max(v ** 2 for v in xs)
    s = sum(math.exp(-v) for v in xs)
    return m + s
reg(generator_sum_max, ([0.3, -1.2, 0.7],))


def tril_cov_loss(L_flat, x):
    L = np.zeros((3, 3))
    rows, cols = np.tril_indices(3)
    for k in range(len(L_flat)):
        L[rows[k], cols[k]] = L_flat[k]
    C = L @ L.T + np.eye(3)
    return x @ np.linalg.solve(C, x) + np.log(np.linalg.det(C))
reg(tril_cov_loss, (0.5 * R.standard_normal(6), R.standard_normal(3)), wrt=(0, 1))


def x_T_at_y(X, Y):
    C = X.T @ Y
    return np.sum(C ** 2) + np.trace(X.T @ X)
reg(x_T_at_y, (R.standard_normal((4, 2)), R.standard_normal((4, 3))), wrt=(0, 1))


def clip_gradient_norm(w, X, y):
    for _ in range(3):
        g = X.T @ (X @ w - y)
        n = np.linalg.norm(g)
        if n > 1.0:
            g = g / n
        w = w - 0.3 * g
    return np.sum((X @ w - y) ** 2)
reg(clip_gradient_norm, (np.zeros(2), R.standard_normal((5, 2)), R.standard_normal(5)), wrt=(0, 2))


def early_stop_training(w, X, y):
    prev = np.inf
    for it in range(50):
        r = X @ w - y
        loss = r @ r
        if prev - loss < 1e-3:
            break
        prev = loss
        w = w - 0.05 * X.T @ r
    return loss
reg(early_stop_training, (np.zeros(2), R.standard_normal((5, 2)), R.standard_normal(5)), wrt=(0, 2))
