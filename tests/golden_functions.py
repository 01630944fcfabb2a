"""The functions whose generated derivatives are kept as golden source."""
import numpy as np
from scipy.special import logsumexp

import s2sad


def mlp_loss(W, x, b):
    return np.sum(np.tanh(W @ x + b) ** 2)


def softmax_cross_entropy(W, b, X, labels):
    logits = X @ W + b
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(logp[np.arange(X.shape[0]), labels])


def branch(x, y):
    if x > y:
        z = x * y
    else:
        z = np.sin(x)
    return z


def running_sum(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sin(x * i)
    return s


def newton_sqrt(a):
    x = a
    steps = 0
    while abs(x * x - a) > 1e-10:
        x = 0.5 * (x + a / x)
        steps += 1
        if steps > 50:
            break
    return x


def rnn_uniform(Wh, xs, h0):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(xs.shape[0])):
        h = np.tanh(Wh @ h + xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h * h)
    return loss


def rnn_binomial(Wh, xs, h0):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(xs.shape[0]), snapshots=4):
        h = np.tanh(Wh @ h + xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h * h)
    return loss


def fan_out(x):
    y = np.sin(x)
    return np.sum(y * y + y * x)


def in_place_writes(x):
    r = np.zeros_like(x)
    for i in range(1, x.shape[0]):
        r[i] = 0.5 * r[i - 1] + x[i]
    return np.sum(r ** 2)


def _layer(W, h):
    return np.tanh(W @ h)


def two_layers(W1, W2, x):
    return np.sum(_layer(W2, _layer(W1, x)) ** 2)


def logistic_map(r, x0, n):
    x = x0
    for _ in range(n):
        x = r * x * (1.0 - x)
    return x


def dict_mlp(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return np.sum(h ** 2)


def gp_nlml(K, y):
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def rnn(Wh, xs, h0):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wh @ h + xs[t])
        loss = loss + np.sum(h * h)
    return loss


def huber_loss(w, X, y, delta):
    r = X @ w - y
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    return np.mean(loss)
