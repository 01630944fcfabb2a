# ruff: noqa
"""Users' programs of session 46 (helper `users`), fifth batch: the idioms behind this
session's fixes, as users write them: defaults of lambdas and defs made inside the
function (`lambda v, k=k:`), `out=` parameters of one's own helpers, running totals and
lists updated inside try/except, loops over generators and over lists that grow.

    python tools/user_programs/run.py users46e
"""
import math
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

X5 = np.array([0.3, -0.8, 1.2, 0.4, -0.1])
P5 = np.abs(X5) + 0.1


# 1. per-feature scalers captured with k=k in a loop
def feature_scalers(x, w):
    total = 0.0
    for k in range(len(w)):
        scale = lambda v, k=k: w[k] * v ** 2
        total += np.sum(scale(x))
    return total
reg(feature_scalers, (X5, np.array([0.5, -1.0, 2.0])), wrt=(0, 1), hess=False)


# 2. a helper with a default taken from a local (the temperature)
def tempered_softmax_loss(z, T):
    temp = T * 1.5
    def softmax(v, t=temp):
        e = np.exp((v - v.max()) / t)
        return e / e.sum()
    return -np.log(softmax(z)[0])
reg(tempered_softmax_loss, (X5, 0.8), wrt=(0, 1))


# 3. a penalty whose default reads an argument expression
def anchored_penalty(w):
    def pen(v, anchor=w[0] ** 2):
        return np.sum((v - anchor) ** 2)
    return pen(w) + pen(w[1:], anchor=0.0)
reg(anchored_penalty, (X5,), hess=True)


# 4. an out= parameter of the user's own helper
def _layer(x, W, out):
    out[:] = np.tanh(W @ x)
    return out


def preallocated_layers(x, W):
    h1 = np.empty(W.shape[0])
    h2 = np.empty(W.shape[0])
    _layer(x, W, out=h1)
    _layer(h1, W, out=h2)
    return np.sum(h2 ** 2) + h1[0]
reg(preallocated_layers, (X5[:3], np.arange(9.0).reshape(3, 3) * 0.1 - 0.4), wrt=(0, 1))


# 5. log-likelihood skipping invalid samples with try/except
def robust_loglik(theta, data):
    ll = 0.0
    for d in data:
        try:
            ll += math.log(theta * d)
        except ValueError:
            ll -= 10.0 * theta ** 2
    return ll
reg(robust_loglik, (0.7, X5), (1.3, P5))


# 6. collecting valid terms in a list inside try
def valid_terms(x):
    terms = []
    for v in x:
        try:
            terms.append(math.sqrt(v) * v)
        except ValueError:
            continue
    return sum(terms) / max(len(terms), 1)
reg(valid_terms, (X5,), (P5,))


# 7. an accumulator array updated in a try block with a fallback
def stable_accumulate(x):
    acc = np.zeros(2)
    for i in range(3):
        try:
            acc += np.linalg.cholesky(np.outer(x[i:i + 2], x[i:i + 2]) + np.eye(2) * x[i])[1]
        except np.linalg.LinAlgError:
            acc += x[i:i + 2] ** 2
    return np.sum(acc ** 2)
reg(stable_accumulate, (X5,), (P5,))


# 8. a worklist loop written with while (the for-loop form is refused)
def refine_worklist(x):
    pieces = [x[0], x[1]]
    i = 0
    while i < len(pieces):
        v = pieces[i]
        if len(pieces) < 6:
            pieces.append(0.5 * v + 0.1 * x[2])
        i += 1
    return sum(p ** 2 for p in pieces)
reg(refine_worklist, (X5,))


# 9. a generator of windows read by a loop that only reads the array
def windows(v, k):
    for i in range(len(v) - k + 1):
        yield v[i:i + k]


def window_energy(x):
    a = x * 2.0
    total = 0.0
    for w in windows(a, 3):
        total += np.sum(w ** 2) * a[0]
    return total
reg(window_energy, (X5,))


# 10. sorted with a key lambda that keeps a local in its default
def nearest_weighted(x):
    c = x[2]
    ordered = sorted(list(x), key=lambda v, c=c: (v - c) ** 2)
    return ordered[0] * 2 + ordered[1]
reg(nearest_weighted, (X5,))
