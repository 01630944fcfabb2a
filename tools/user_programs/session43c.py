# ruff: noqa
"""Users' programs of session 43 (helper 76), third batch: scientists' NumPy."""
import math
import numpy as np

R = np.random.default_rng(4313)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def periodic_advection(u0, c):
    u = u0.copy()
    for _ in range(8):
        u = u - c * (u - np.roll(u, 1)) + 0.1 * (np.roll(u, -1) - 2 * u + np.roll(u, 1))
    return np.sum(u ** 3)
reg(periodic_advection, (R.random(7), 0.3), wrt=(0, 1))


def gradient_energy(f, h):
    df = np.gradient(f, h)
    d2 = np.gradient(df, h)
    return np.sum(df ** 2) + 0.1 * np.sum(d2 ** 2)
reg(gradient_energy, (R.standard_normal(9), 0.5), wrt=(0, 1))


def convolve_same(x, k):
    y = np.convolve(x, k, mode="same")
    return np.sum(y ** 2)
reg(convolve_same, (R.standard_normal(8), np.array([0.25, 0.5, 0.25])), wrt=(0, 1))


def cov_corr(X):
    C = np.cov(X, rowvar=False)
    P = np.corrcoef(X.T)
    return np.trace(C) + np.sum(np.triu(P, 1) ** 2)
reg(cov_corr, (R.standard_normal((6, 3)),))


def robust_stats(x):
    return np.median(x) + np.percentile(x, 75) - np.quantile(x, 0.25)
reg(robust_stats, (np.array([0.3, -1.2, 0.8, 2.0, -0.4, 1.1]),))


def lstsq_fit(A, b):
    coef, res, rank, sv = np.linalg.lstsq(A, b, rcond=None)
    return np.sum(coef ** 2) + np.sum((A @ coef - b) ** 2)
reg(lstsq_fit, (R.standard_normal((6, 3)), R.standard_normal(6)), wrt=(0, 1))


def kron_tensordot(A, B):
    K = np.kron(A, B)
    T = np.tensordot(A, B, axes=([1], [0]))
    return np.sum(K ** 2) + np.sum(T)
reg(kron_tensordot, (R.standard_normal((2, 2)), R.standard_normal((2, 3))), wrt=(0, 1))


def append_insert_delete(x):
    y = np.append(x, x[0] * 2)
    y = np.insert(y, 1, x[-1] ** 2)
    y = np.delete(y, 2)
    return np.sum(y * np.arange(len(y)))
reg(append_insert_delete, (R.standard_normal(4),))


def repeat_tile(x):
    a = np.repeat(x, 2)
    b = np.tile(x, 2)
    return np.sum(a * b)
reg(repeat_tile, (R.standard_normal(3),))


def astype_float64(x):
    y = x.astype(float)
    z = np.float64(y[0]) * 3
    return float(z) + np.sum(y.astype(np.float64) ** 2)
reg(astype_float64, (R.standard_normal(3),))


def nan_aware(x):
    y = np.where(x > 1.0, np.nan, x)
    return np.nanmean(y) + np.nansum(y ** 2) + np.nanmax(y)
reg(nan_aware, (np.array([0.3, 1.5, -0.8, 0.2]),))


def signed_power(x, p):
    return np.sum(np.sign(x) * np.abs(x) ** p)
reg(signed_power, (np.array([0.3, -1.5, 0.8]), 1.7), wrt=(0, 1))


def divide_conquer(xs):
    if len(xs) == 1:
        return xs[0] ** 2
    mid = len(xs) // 2
    return divide_conquer(xs[:mid]) + 2 * divide_conquer(xs[mid:])
reg(divide_conquer, (R.standard_normal(5),))


def is_even_sum(x, n):
    if n == 0:
        return x
    return is_odd_sum(x * 1.1, n - 1) + x


def is_odd_sum(x, n):
    if n == 0:
        return -x
    return is_even_sum(np.sin(x), n - 1)


def mutual_recursion(x):
    return is_even_sum(x, 5)
reg(mutual_recursion, (0.7,))


def polyval_fit(c, x):
    y = np.polyval(c, x)
    return np.sum(y ** 2)
reg(polyval_fit, (R.standard_normal(4), np.linspace(-1, 1, 5)), wrt=(0, 1))


def dict_items_loss(params):
    total = 0.0
    for name, val in params.items():
        if name.startswith("w"):
            total += np.sum(val ** 2)
        else:
            total += 0.5 * np.sum(np.abs(val))
    return total
reg(dict_items_loss, ({"w1": R.standard_normal(3), "b1": np.array([0.4, -0.2]), "w2": R.standard_normal((2, 2))},))


class Model:
    def __init__(self, scale):
        self.scale = scale

    @staticmethod
    def act(z):
        return np.tanh(z)

    @property
    def doubled(self):
        return 2 * self.scale

    def __call__(self, w, x):
        return self.act(x @ w) * self.doubled


MODEL = Model(0.7)


def static_property_model(w, X):
    return np.sum(MODEL(w, X) ** 2)
reg(static_property_model, (R.standard_normal(3), R.standard_normal((4, 3))), wrt=(0, 1))


def vectorize_scalar_fn(x):
    def bump(t):
        return math.exp(-t * t) if abs(t) < 2 else 0.0
    return np.sum(np.vectorize(bump)(x))
reg(vectorize_scalar_fn, (np.array([0.3, -1.2, 0.8]),))


def view_sees_change(x):
    A = np.outer(x, x)
    row = A[0]
    A[0, 1] = x[2] ** 3
    return np.sum(row * x)
reg(view_sees_change, (R.standard_normal(3),))


def strided_inplace(x, y):
    z = x.copy()
    z[::2] += y
    z[1::2] *= y[:len(z[1::2])]
    return np.sum(z ** 2)
reg(strided_inplace, (R.standard_normal(5), R.standard_normal(3)), wrt=(0, 1))


def out_argument(x, y):
    buf = np.empty_like(x)
    np.multiply(x, y, out=buf)
    np.add(buf, 1.0, out=buf)
    return np.sum(np.log(buf ** 2))
reg(out_argument, (R.standard_normal(3), R.standard_normal(3)), wrt=(0, 1))


def iter_next(xs):
    it = iter(xs)
    first = next(it)
    total = first ** 2
    for v in it:
        total += v * first
    return total
reg(iter_next, ([0.3, 1.2, -0.5, 0.8],))


def sorted_key_abs(xs):
    s = sorted(xs, key=abs)
    return s[0] * 3 + s[-1] ** 2
reg(sorted_key_abs, ([0.3, -1.2, -0.1, 0.8],))


def divmod_pow(x):
    q, r = divmod(7, 3)
    return pow(x, 3) * q + x ** -1 * r + x ** 0.5
reg(divmod_pow, (1.7,), hess=True)


def closure_late_binding(x):
    fs = []
    for k in range(3):
        fs.append(lambda t, k=k: t ** (k + 1))
    return sum(f(x) for f in fs)
reg(closure_late_binding, (1.3,))


def global_counter_norm(x):
    global CALLS
    CALLS += 1
    return np.linalg.norm(x) ** 2
CALLS = 0
reg(global_counter_norm, (R.standard_normal(3),))


def minimize_inner(a):
    from scipy.optimize import minimize_scalar
    res = minimize_scalar(lambda t: (t - a) ** 2 + 0.1 * t ** 4)
    return res.x
reg(minimize_inner, (0.8,))


def eig_symmetric_max(A):
    S = 0.5 * (A + A.T)
    w = np.linalg.eigvalsh(S)
    return w.max() - w.min()
reg(eig_symmetric_max, (R.standard_normal((3, 3)),))


def while_residual_jacobi(A, b):
    x = np.zeros_like(b)
    D = np.diag(A)
    r = b - A @ x
    it = 0
    while np.linalg.norm(r) > 1e-10 and it < 200:
        x = x + r / D
        r = b - A @ x
        it += 1
    return np.sum(x)
reg(while_residual_jacobi, (np.array([[4.0, 1, 0], [1, 5, 1], [0, 1, 3]]), R.standard_normal(3)), wrt=(0, 1))


def triangle_mask(A):
    L = np.tril(A)
    U = np.triu(A, 1)
    return np.sum(L @ U) + np.sum(np.diag(A) ** 2)
reg(triangle_mask, (R.standard_normal((3, 3)),))


def list_of_dicts(params):
    layers = [{"w": params[0], "b": params[1]}, {"w": params[2], "b": params[3]}]
    h = np.array([1.0, -0.5])
    for layer in layers:
        h = np.tanh(layer["w"] @ h + layer["b"])
    return np.sum(h ** 2)
reg(list_of_dicts, ([R.standard_normal((2, 2)), R.standard_normal(2), R.standard_normal((2, 2)), R.standard_normal(2)],))


def complex_roots(c):
    z = np.roots([1.0, c[0], c[1]])
    return np.sum(np.abs(z) ** 2)
reg(complex_roots, (np.array([0.5, 2.0]),))
