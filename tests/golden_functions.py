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
