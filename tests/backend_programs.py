"""User programs written with NumPy's spelling that use only operations the array API
standard has: the corpus whose gradients must be the same on every array library.

Each entry: (function, arguments maker(rng) -> tuple of NumPy values, wrt)."""
from __future__ import annotations

import numpy as np
from array_api_compat import array_namespace


def logistic(w, X, y):
    z = X @ w
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def logistic_log1p(w, X, y):
    return np.mean(np.log1p(np.exp(-y * (X @ w))))


def mlp(W1, b1, W2, X, y):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2
    return np.sum((out - y) ** 2) / X.shape[0]


def softmax_cross_entropy(W, X, Y):
    z = X @ W
    z = z - np.max(z, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def ridge(w, X, y, lam):
    r = X @ w - y
    return np.sum(r * r) + lam * np.sum(w ** 2)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rnn(W, U, h0, xs):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t, :])
    return np.sum(h * h)


def rnn_from_zeros(W, xs):
    h = np.zeros(W.shape[0])
    total = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t, :])
        total = total + np.sum(h * np.ones(W.shape[0]))
    return total


def gaussian_nll(mu, log_sigma, X):
    sigma = np.exp(log_sigma)
    z = (X - mu) / sigma
    return np.sum(0.5 * z ** 2 + log_sigma) + 0.5 * X.shape[0] * np.log(2 * np.pi)


def leaky_relu_net(W, X):
    z = X @ W
    a = np.where(z > 0, z, 0.01 * z)
    return np.sum(a ** 2)


def relu_net(W, b, X):
    a = np.maximum(X @ W + b, 0.0)
    return np.mean(a)


def gram(A):
    G = A.T @ A
    return np.sum(G * G) + np.sum(np.reshape(A, (-1,)) ** 3)


def stacked(a, b):
    c = np.concatenate([a, 2.0 * b])
    s = np.stack([a, b])
    return np.sum(c ** 2) + np.sum(np.sin(s) * s)


def fan_out(x):
    y = x * x + np.sin(x) * x
    return np.sum(y * np.cos(y))


def standardise(x):
    m = np.mean(x)
    s = np.sqrt(np.mean((x - m) ** 2))
    return np.sum(((x - m) / s) ** 3)


def scaled_power(x, s):
    if s > 1.0:
        y = x ** 3 * s
    else:
        y = np.sqrt(x * x + 1.0) / s
    return np.sum(y) + s * s


def element_loop(x):
    total = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0:
            total = total + x[i] * x[i]
        else:
            total = total - 2.0 * x[i]
    return total


def column_means(X, w):
    m = np.mean(X, axis=0)
    return np.sum(m * w) + np.sum(np.abs(X - m))


def matrix_chain(A, B, v):
    return np.sum((A @ (B @ v)) ** 2) + np.sum(np.transpose(A) * B)


def log_sum_exp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def slices_and_steps(x):
    y = x[::2] * x[1::2]
    return np.sum(y) + np.sum(x[2:5] ** 2)


def inverse_trace(A, B):
    return np.sum(np.linalg.inv(A) * B) + np.sum(A.T @ B)


def linear_solve(A, b, B):
    x = np.linalg.solve(A, b)
    return np.sum(x * x) + np.sum(np.linalg.solve(A, B) * B)


def clipped(x):
    return np.sum(np.clip(x, -0.5, 0.5) ** 2) + np.sum(np.abs(x))


def spread(X):
    return np.sum(np.var(X, axis=0)) + np.std(X)


def running_sum(x):
    return np.sum(np.cumsum(x) ** 2)


def running_rows(X):
    """A running sum along a literal axis: the NumPy variant's ``running_sum(X, 1)``,
    written back as ``np.cumsum`` for the others."""
    return np.sum(np.cumsum(X, axis=1) ** 2 * X)


def powers(x, y):
    return np.sum(np.power(np.abs(x) + 1.0, y)) + np.sum(np.dot(x, y) * x)


def xp_logistic(w, X, y):
    """Written against the array API: its namespace from its argument."""
    xp = array_namespace(X)
    z = X @ w
    return xp.mean(xp.log1p(xp.exp(-y * z))) + 0.1 * xp.sum(xp.pow(w, 2.0))


def xp_layers(W, X):
    xp = X.__array_namespace__()
    h = xp.tanh(xp.matmul(X, W))
    return xp.sum(xp.concat([h, xp.matrix_transpose(W)], axis=0) ** 2)


def overwrite_elements(x):
    """An element read, then written over: NumPy's read is a copy (torch's a view)."""
    y = x * 1.0
    a = y[2]
    y[2] = 0.0
    y[0] = a * y[1]
    return np.sum(y * y) + a * x[3]


def element_writes(x):
    r = np.zeros(x.shape[0])
    for i in range(1, x.shape[0]):
        r[i] = x[i] * x[i - 1] + 0.5 * r[i - 1]
    return np.sum(r * r)


def aliased_update(x):
    t = x * 1.0
    u = t
    u[1] += t[2] * t[0]
    u[3] = u[3] * u[1]
    return np.sum(t * t) + np.sum(np.sin(u))


def reshaped(x):
    M = x.reshape(2, 3)
    v = np.ravel(M.T)
    return np.sum(M @ M.T) + np.sum(v[::2] * v[1::2]) + len(x) * np.sum(x)


def strided_pairs(x):
    v = np.reshape(x * x, (-1,))
    return np.sum(v[::2] * v[1::2]) + np.sum(np.sin(v[1:]))


def reshaped_rows(x):
    M = np.reshape(x, (2, 3))
    return np.sum(M[0, :] * M[1, :]) + np.sum(np.tanh(M[:, 1]))


def raveled_steps(x):
    v = np.ravel(np.reshape(x, (3, 2)).T)
    return np.sum(v[::3] ** 2) + np.sum(v[1:4] * v[2:5])


def _reg(rng, n=40, d=5):
    return rng.normal(size=d), rng.normal(size=(n, d))


CORPUS = {
    "logistic": (logistic, lambda r: (*_reg(r), (r.random(40) > 0.5) * 1.0), (0,)),
    "logistic_log1p": (logistic_log1p,
                       lambda r: (*_reg(r), np.sign(r.normal(size=40))), (0,)),
    "mlp": (mlp, lambda r: (r.normal(size=(5, 8)), r.normal(size=8), r.normal(size=(8, 2)),
                            r.normal(size=(30, 5)), r.normal(size=(30, 2))), (0, 1, 2)),
    "softmax_cross_entropy": (softmax_cross_entropy,
                              lambda r: (r.normal(size=(5, 3)), r.normal(size=(20, 5)),
                                         np.eye(3)[r.integers(0, 3, 20)]), (0,)),
    "ridge": (ridge, lambda r: (*_reg(r), r.normal(size=40), 0.3), (0, 3)),
    "rosenbrock": (rosenbrock, lambda r: (r.normal(size=7),), (0,)),
    "rnn": (rnn, lambda r: (0.5 * r.normal(size=(4, 4)), r.normal(size=(4, 3)),
                            r.normal(size=4), r.normal(size=(6, 3))), (0, 1, 2)),
    "rnn_from_zeros": (rnn_from_zeros, lambda r: (0.5 * r.normal(size=(4, 4)),
                                                  r.normal(size=(5, 4))), (0,)),
    "gaussian_nll": (gaussian_nll, lambda r: (r.normal(size=3), 0.1 * r.normal(size=3),
                                              r.normal(size=(25, 3))), (0, 1)),
    "leaky_relu_net": (leaky_relu_net,
                       lambda r: (r.normal(size=(4, 3)), r.normal(size=(10, 4))), (0,)),
    "relu_net": (relu_net, lambda r: (r.normal(size=(4, 3)), r.normal(size=3),
                                      r.normal(size=(10, 4))), (0, 1)),
    "gram": (gram, lambda r: (r.normal(size=(6, 3)),), (0,)),
    "stacked": (stacked, lambda r: (r.normal(size=4), r.normal(size=4)), (0, 1)),
    "fan_out": (fan_out, lambda r: (r.normal(size=5),), (0,)),
    "standardise": (standardise, lambda r: (r.normal(size=9),), (0,)),
    "scaled_power_above": (scaled_power, lambda r: (r.random(6) + 0.5, 2.5), (0, 1)),
    "scaled_power_below": (scaled_power, lambda r: (r.random(6) + 0.5, 0.5), (0, 1)),
    "element_loop": (element_loop, lambda r: (r.normal(size=8),), (0,)),
    "column_means": (column_means, lambda r: (r.normal(size=(7, 3)), r.normal(size=3)),
                     (0, 1)),
    "matrix_chain": (matrix_chain, lambda r: (r.normal(size=(3, 3)), r.normal(size=(3, 3)),
                                              r.normal(size=3)), (0, 1, 2)),
    "log_sum_exp": (log_sum_exp, lambda r: (r.normal(size=6),), (0,)),
    "inverse_trace": (inverse_trace, lambda r: (r.normal(size=(3, 3)) + 3 * np.eye(3),
                                                r.normal(size=(3, 3))), (0, 1)),
    "linear_solve": (linear_solve, lambda r: (r.normal(size=(3, 3)) + 3 * np.eye(3),
                                              r.normal(size=3), r.normal(size=(3, 2))),
                     (0, 1, 2)),
    "clipped": (clipped, lambda r: (r.normal(size=9),), (0,)),
    "spread": (spread, lambda r: (r.normal(size=(6, 3)),), (0,)),
    "running_sum": (running_sum, lambda r: (r.normal(size=7),), (0,)),
    "running_rows": (running_rows, lambda r: (r.normal(size=(4, 5)),), (0,)),
    "powers": (powers, lambda r: (r.normal(size=5), r.normal(size=5)), (0, 1)),
    "xp_logistic": (xp_logistic, lambda r: (*_reg(r), np.sign(r.normal(size=40))), (0,)),
    "xp_layers": (xp_layers, lambda r: (r.normal(size=(3, 3)), r.normal(size=(5, 3))), (0,)),
    "overwrite_elements": (overwrite_elements, lambda r: (r.normal(size=5),), (0,)),
    "element_writes": (element_writes, lambda r: (r.normal(size=6),), (0,)),
    "aliased_update": (aliased_update, lambda r: (r.normal(size=5),), (0,)),
    "reshaped": (reshaped, lambda r: (r.normal(size=6),), (0,)),
    "slices_and_steps": (slices_and_steps, lambda r: (r.normal(size=8),), (0,)),
    # (an adjoint accumulated in place into a slice of an array the derivative made:
    # written as write_at on JAX, whose arrays take no item writes)
    "strided_pairs": (strided_pairs, lambda r: (r.normal(size=6),), (0,)),
    "reshaped_rows": (reshaped_rows, lambda r: (r.normal(size=6),), (0,)),
    "raveled_steps": (raveled_steps, lambda r: (r.normal(size=6),), (0,)),
}
