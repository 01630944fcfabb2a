"""User programs written as ML researchers, students and scientists write them (session 48
probes): a dict of layers, a class's method, **kwargs, an adaptive while loop with
break, recursion over a tuple tree, string switches, an rng inside, math with np,
has_aux, NamedTuple parameters, generators, try/except, assert, f-string errors,
print, match, walrus, for-else, nested grads, soft-DTW.  Read by
test_user_programs48."""
# ruff: noqa
from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from scipy.special import softmax

import s2sad

def mlp_loss(params, X, y):
    h = X
    for layer in params["layers"]:
        h = np.tanh(h @ layer["W"] + layer["b"])
    logits = h @ params["out"]
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(y)), y])


class Linear:
    def __init__(self, scale):
        self.scale = scale
    def predict(self, w, X):
        return self.scale * (X @ w)
    def loss(self, w, X, y):
        r = self.predict(w, X) - y
        return 0.5 * np.dot(r, r) / len(y)


def ridge(w, X, y, lam=0.1, **opts):
    r = X @ w - y
    loss = np.mean(r ** 2) + lam * np.sum(w ** 2)
    if opts.get("l1", 0.0) > 0:
        loss = loss + opts["l1"] * np.sum(np.abs(w))
    if opts.get("huber", False):
        loss = loss + np.sum(np.where(np.abs(r) < 1, 0.5 * r ** 2, np.abs(r) - 0.5))
    return loss


def adaptive_decay(k, y0=1.0, T=2.0):
    t, y, dt = 0.0, y0, 0.1
    while t < T:
        dy = -k * y
        y_new = y + dt * dy
        err = abs(y_new - (y + 0.5 * dt * (dy + (-k * y_new))))
        if err > 1e-3:
            dt = dt * 0.5
            continue
        y = y_new
        t = t + dt
        if y < 0.05:
            break
        dt = min(dt * 1.5, 0.2)
    return y


def tree_eval(node, w):
    if isinstance(node, tuple):
        left, right = node
        return np.tanh(w[0] * tree_eval(left, w) + w[1] * tree_eval(right, w))
    return node * w[2]


def tree_loss(w):
    tree = ((1.0, 2.0), (0.5, (3.0, -1.0)))
    return tree_eval(tree, w) ** 2


def config_net(w, x, cfg):
    z = w @ x
    if cfg["act"] == "tanh":
        a = np.tanh(z)
    elif cfg["act"] == "softplus":
        a = np.log1p(np.exp(z))
    else:
        a = np.maximum(z, 0.0)
    if cfg.get("norm") == "l2":
        a = a / np.linalg.norm(a)
    return np.sum(a ** 2) if cfg["loss"] == "sq" else np.sum(np.abs(a))


def dropout_loss(w, X, seed=0, p=0.5):
    rng = np.random.default_rng(seed)
    h = np.tanh(X @ w)
    mask = rng.random(h.shape) > p
    h = h * mask / (1 - p)
    noise = rng.normal(size=h.shape) * 0.01
    return np.sum((h + noise) ** 2)


def math_mix(x):
    a = math.exp(x[0]) + math.sin(x[1]) * math.sqrt(x[2] ** 2 + 1.0)
    b = np.log(math.cosh(x[0] - x[1])) + math.atan2(x[1], x[2])
    return a * b + math.pi * math.fabs(x[0]) + math.hypot(x[1], x[2]) + math.log(x[2] ** 2 + 1, 2)


def int_flag(x, n, flag):
    s = 0.0
    for i in range(n):
        s = s + x ** (i + 1) / math.factorial(i + 1)
    return s if flag else -s


def loss_aux(w, X, y):
    p = 1 / (1 + np.exp(-(X @ w)))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    acc = np.mean((p > 0.5) == y)
    return loss, {"acc": acc, "p": p}


class GP(NamedTuple):
    log_ell: float
    log_sf: float
    log_sn: float


def gp_nll(theta, X, y):
    ell, sf, sn = np.exp(theta.log_ell), np.exp(theta.log_sf), np.exp(theta.log_sn)
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = sf ** 2 * np.exp(-0.5 * d2 / ell ** 2) + sn ** 2 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    a = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ a + np.sum(np.log(np.diag(L)))


def nested_loss(ps, x):
    (a, b), [c, d] = ps
    return np.sum((a * x + b) ** 2) + c * np.sum(d ** 3)


def gen_loss(w):
    return sum(w[i] * w[i + 1] for i in range(len(w) - 1)) + max(abs(v) for v in w)


def comp_loss(w, X):
    terms = [np.sum((X[i] * w) ** 2) for i in range(len(X)) if i % 2 == 0]
    big = [v for v in w if v > 0]
    return sum(terms) + sum(big)


def try_loss(w):
    A = np.outer(w, w) + np.eye(len(w))
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        L = np.eye(len(w))
    return np.sum(np.log(np.diag(L)))


def assert_loss(w, X):
    assert w.ndim == 1, "w must be a vector"
    assert X.shape[1] == w.shape[0], f"shapes {X.shape} and {w.shape} do not match"
    return np.sum(np.log1p(np.exp(X @ w)))


def raise_loss(w, kind="mse"):
    if kind not in ("mse", "mae"):
        raise ValueError(f"unknown loss kind {kind!r}; expected mse or mae (w has {w.size} entries)")
    if w.ndim != 1:
        raise ValueError(f"w must be 1-d, got shape {w.shape}")
    return np.mean(w ** 2) if kind == "mse" else np.mean(np.abs(w))


def print_loss(w):
    loss = np.sum(w ** 4)
    print(f"loss={loss:.3f} |w|={np.linalg.norm(w):.3f}")
    return loss


def inner_loss(w, X, y):
    return np.mean((X @ w - y) ** 2)


inner_grad = s2sad.grad(inner_loss)


def maml_loss(w, X, y, lr=0.1):
    w1 = w - lr * inner_grad(w, X, y)
    return inner_loss(w1, X, y)


class Model:
    eps = 1e-3
    def __init__(self, sizes):
        self.sizes = sizes
    @property
    def n(self):
        return len(self.sizes)
    @staticmethod
    def act(z):
        return z / (1.0 + np.abs(z))
    def __call__(self, w, x):
        h = x
        for k in range(self.n):
            h = self.act(w[k] * h + self.eps)
        return np.sum(h)


def call_model(w, x):
    return Model([1, 2, 3])(w, x)


def first_positive(w):
    for i in range(len(w)):
        if w[i] > 0:
            return w[i] ** 2 * (i + 1)
    return np.sum(w)


def power(x, n):
    if n == 0:
        return 1.0
    half = power(x, n // 2)
    return half * half * (x if n % 2 else 1.0)


def power_loss(x):
    return power(x, 7) + power(x, 2)


def reduce_loss(w):
    sq = list(map(lambda v: v * v, w))
    return functools.reduce(lambda a, b: a * 0.5 + b, sq, 0.0)


def sorted_loss(w):
    items = sorted([(w[i] ** 2, i) for i in range(len(w))], key=lambda t: t[0])
    best = min(w, key=abs)
    return items[-1][0] + 2.0 * items[0][0] + best ** 3


def star_args(w, *extra, scale=1.0, shift):
    total = np.sum(w ** 2)
    for e in extra:
        total = total + np.sum(e * w)
    return scale * total + shift


def closure_counter(w):
    calls = 0
    def f(z):
        nonlocal calls
        calls += 1
        return np.sin(z) * calls
    return np.sum(f(w) + f(w ** 2))


def fixed_point(a):
    x = 0.0
    for it in range(200):
        x_new = math.cos(a * x)
        if abs(x_new - x) < 1e-12:
            break
        x = x_new
    return x_new


def tuple_layers(layers, x, dropouts=(0.0, 0.5)):
    h = x
    for k, ((W, b), p) in enumerate(zip(layers, dropouts)):
        h = np.tanh(W @ h + b) * (1.0 - p)
        if k == len(layers) - 1:
            h = h / (1.0 + k)
    return np.sum(h ** 2)


def unrolled_sgd(p, X, y, steps=3, lr=0.05):
    for _ in range(steps):
        r = X @ p["w"] + p["b"] - y
        g = {"w": 2 * X.T @ r / len(y), "b": 2 * np.mean(r)}
        p = {k: v - lr * g[k] for k, v in p.items()}
    return np.mean((X @ p["w"] + p["b"] - y) ** 2)


def elbo(params, x, seed=0):
    mu, log_s = params["mu"], params["log_s"]
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal(mu.shape)
    z = mu + np.exp(log_s) * eps
    log_lik = -0.5 * np.sum((x - z) ** 2)
    kl = 0.5 * np.sum(np.exp(2 * log_s) + mu ** 2 - 1.0 - 2 * log_s)
    return -(log_lik - kl)


def batches(X, size):
    for i in range(0, len(X), size):
        yield X[i:i + size]


def batched_loss(w, X):
    total = 0.0
    for xb in batches(X, 2):
        total = total + np.sum(np.tanh(xb @ w) ** 2)
    return total


def errstate_loss(w):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(w != 0, np.sin(w) / w, 1.0)
    return np.sum(r)


def match_loss(w, kind):
    match kind:
        case "l2":
            return np.sum(w ** 2)
        case "l1" | "abs":
            return np.sum(np.abs(w))
        case _:
            return np.sum(np.log(np.cosh(w)))


def walrus_loss(w):
    total = 0.0
    for v in w:
        if (s := v * v) > 0.1 and 0.0 < s < 4.0:
            total = total + s
    else:
        total = total * 1.5
    k = 0
    while True:
        total = total * 0.9 + w[0]
        k += 1
        if k >= 3:
            break
    return total


def nested_comp(w):
    M = np.array([[w[i] * w[j] if i != j else 1.0 for j in range(len(w))] for i in range(len(w))])
    return np.linalg.slogdet(M + 3 * np.eye(len(w)))[1]


class Base:
    def forward(self, w, x):
        return w * x
    def loss(self, w, x):
        return np.sum(self.forward(w, x) ** 2)


class Child(Base):
    def forward(self, w, x):
        return np.tanh(super().forward(w, x)) + w


def init(sizes, seed=0):
    rng = np.random.default_rng(seed)
    p = {}
    for i in range(1, len(sizes)):
        p["W" + str(i)] = rng.normal(size=(sizes[i - 1], sizes[i])) * 0.5
        p[f"b{i}"] = np.zeros(sizes[i])
    return p


def student_mlp(params, X, Y):
    L = len(params) // 2
    A = X
    for l in range(1, L):
        Z = A @ params["W" + str(l)] + params["b" + str(l)]
        A = np.maximum(0, Z)
    Z = A @ params[f"W{L}"] + params[f"b{L}"]
    P = softmax(Z, axis=1)
    return -np.sum(Y * np.log(P + 1e-12)) / X.shape[0]


def trajectory(theta, T=20, dt=0.05):
    x, v = 1.0, 0.0
    xs = []
    for _ in range(T):
        a = -theta[0] * x - theta[1] * v
        v = v + dt * a
        x = x + dt * v
        xs.append(x)
    traj = np.array(xs)
    return np.sum((traj - np.cos(np.arange(T) * dt)) ** 2)


def clip_loop(w, lo=-0.5, hi=0.5):
    out = 0.0
    for i in range(len(w)):
        z = w[i]
        if z < lo:
            z = lo
        elif z > hi:
            z = hi + 0.1 * (z - hi)
        out = out + z * w[i]
    return out


def rng_choice(w, seed=3):
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(w), size=3, replace=False)
    return np.sum(w[idx] ** 2) + np.sum(w[np.sort(idx)] * np.arange(3))


def late_binding(w):
    fs = [lambda z, k=k: z ** (k + 1) for k in range(3)]
    return sum(f(w[0]) for f in fs) + np.sum(w)


def cumsum_rev(w):
    c = np.cumsum(w[::-1])[::-1]
    return np.sum(c ** 2) + np.maximum.accumulate(w).sum()


def soft_dtw(a, b, gamma=0.5):
    n, m = len(a), len(b)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = (a[i - 1] - b[j - 1]) ** 2
            r = np.array([R[i - 1, j], R[i, j - 1], R[i - 1, j - 1]])
            rmin = r.min()
            R[i, j] = c + rmin - gamma * np.log(np.sum(np.exp(-(r - rmin) / gamma)))
    return R[n, m]


def early_stop(theta, x0=0.0):
    x = x0
    prev = np.inf
    for k in range(100):
        g = 2 * (x - theta[0]) + theta[1] * np.sin(x)
        x = x - 0.1 * g
        val = (x - theta[0]) ** 2 - theta[1] * np.cos(x)
        if abs(prev - val) < 1e-10:
            break
        prev = val
    return x


def inner_f(x, a):
    return (x - a) ** 4 + x ** 2


inner_dx = s2sad.grad(inner_f)
inner_dxx = s2sad.grad(s2sad.grad(inner_f))


def newton_inner(a):
    x = 0.0
    for _ in range(20):
        x = x - inner_dx(x, a) / inner_dxx(x, a)
    return x


def train_flag(w, X, train=False, seed=0):
    h = np.tanh(X @ w)
    if train:
        rng = np.random.default_rng(seed)
        h = h * (rng.random(h.shape) > 0.5) * 2.0
    return np.sum(h ** 2)


def wrap_index(w):
    s = 0.0
    for i in range(len(w)):
        s = s + (w[i] - w[i - 1]) ** 2
    return s



class Scaled:
    """A model whose methods take ``**kwargs`` and ``*args``."""

    def __init__(self, scale):
        self.scale = scale

    def loss(self, w, X, y, **kw):
        return ridge(w, X, y, **kw) * self.scale

    def summed(self, w, *parts):
        return sum(np.sum(p * np.sin(w)) for p in parts) * self.scale
