# ruff: noqa
"""Users' programs of session 46 (helper `users`), second batch: in-place writes through the
rows of a loop, boolean masks, `out=` into the array itself, writes into the caller's
arrays and dicts (Python changes them; the derivative must not), math and scipy.stats
distributions, try/except on arithmetic errors, training-loop idioms.

    python tools/user_programs/run.py users46b
"""
import math
import numpy as np
import scipy.special as sps
from scipy import stats

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

_r = np.random.default_rng(7)
X5 = np.array([0.3, -0.8, 1.2, 0.4, -0.1])
M34 = _r.standard_normal((3, 4))
Xd = _r.standard_normal((6, 3))
yd = _r.standard_normal(6)


# 1. rows of a loop are views: row *= ... changes A
def rows_scaled(W):
    A = W.copy()
    for i, row in enumerate(A):
        row *= (i + 1.0)
        row += np.tanh(row)
    return np.sum(A ** 2)
reg(rows_scaled, (M34,))


# 2. rows normalised in place with row[:] =
def rows_normalised(W):
    A = np.exp(W)
    for row in A:
        row[:] = row / row.sum()
    return np.sum(A * np.arange(A.size).reshape(A.shape))
reg(rows_normalised, (M34,))


# 3. boolean-mask ReLU in place
def mask_relu(x, w):
    h = x * w
    h[h < 0] = 0.0
    h[h > 1] *= 0.5
    return np.sum(h ** 2)
reg(mask_relu, (X5, 1.3), wrt=(0, 1))


# 4. np.maximum with out= into itself, then normalise in place
def relu_normalise(x):
    a = 2.0 * x + 0.3
    np.maximum(a, 0.0, out=a)
    a /= np.linalg.norm(a)
    return a @ np.arange(1.0, 6.0)
reg(relu_normalise, (X5,))


# 5. the function writes into its argument (Python changes the caller's x)
def writes_argument(x):
    x[0] = 0.0
    return np.sum(x ** 2)
reg(writes_argument, (X5,))


# 6. a slice of the argument updated in place
def argument_view_update(x):
    head = x[:2]
    head += 1.0
    return np.sum(np.sin(x))
reg(argument_view_update, (X5,))


# 7. unrolled SGD on a dict of parameters, updated with -= (the caller's arrays change)
def unrolled_sgd_inplace(params, X, y, lr=0.05):
    for _ in range(3):
        r = X @ params["w"] - y
        params["w"] -= lr * 2 * X.T @ r / len(y)
    return np.mean((X @ params["w"] - y) ** 2)
reg(unrolled_sgd_inplace, ({"w": np.array([0.1, 0.2, -0.1])}, Xd, yd))


# 8. a list of parameter copies, updated in place in zip
def list_params_step(ws, X, y, lr=0.1):
    ps = [w.copy() for w in ws]
    for _ in range(2):
        pred = X @ ps[0] + ps[1]
        r = pred - y
        grads = [X.T @ r / len(y), np.mean(r)]
        for p, g in zip(ps, grads):
            p -= lr * g
    return np.sum((X @ ps[0] + ps[1] - y) ** 2)
reg(list_params_step, ([np.array([0.1, 0.2, -0.1]), np.array(0.3)], Xd, yd))


# 9. filling an output array in a loop with helper calls
def soft_threshold(v, lam=0.1):
    return math.copysign(max(abs(v) - lam, 0.0), v)


def filled_by_helper(x):
    out = np.empty(len(x))
    for i in range(len(x)):
        out[i] = soft_threshold(x[i], lam=0.2) * (i + 1)
    return out
reg(filled_by_helper, (X5,))


# 10. math functions of scalars
def math_zoo(a, b):
    r = math.hypot(a, b) + math.atan2(b, a) + math.erf(a) + math.lgamma(2 + b * b)
    r += math.log1p(a * a) + math.expm1(-b) + math.fsum([a, b, a * b])
    return r + math.sinh(a) * math.cosh(b) + math.pow(abs(a) + 1, b) + math.degrees(b) / 100
reg(math_zoo, (0.7, -0.4), wrt=(0, 1), hess=True)


# 11. scipy.stats distributions
def stats_zoo(mu, x):
    lp = stats.t.logpdf(x, df=4, loc=mu, scale=2.0).sum()
    lp += stats.gamma.logpdf(np.abs(x) + 0.5, a=2.0, scale=np.exp(mu)).sum()
    lp += stats.norm.logcdf(x - mu).sum() + stats.laplace.logpdf(x, loc=mu).sum()
    return lp
reg(stats_zoo, (0.2, X5), wrt=(0, 1))


def mvn_loglik(mu, X, cov):
    return np.sum(stats.multivariate_normal.logpdf(X, mean=mu, cov=cov))
reg(mvn_loglik, (np.array([0.1, -0.2, 0.3]), Xd, np.eye(3) * 1.5 + 0.2))


# 12. scipy.special helpers
def special_zoo(p, z):
    return np.sum(sps.xlogy(p, p)) + np.sum(sps.log_softmax(z)) * 0.5 + np.sum(sps.softmax(z) * z) \
        + np.sum(sps.digamma(p + 1)) + np.sum(sps.betaln(p + 1, 2.0)) + np.sum(sps.logit(p))
reg(special_zoo, (np.array([0.2, 0.5, 0.7]), np.array([0.3, -1.0, 2.0])), wrt=(0, 1))


# 13. try/except around a division
def safe_ratio(a, b):
    try:
        r = a / b
    except ZeroDivisionError:
        r = a * 1e6
    return r * r + math.sin(a)
reg(safe_ratio, (0.7, 1.3), (0.7, 0.0), wrt=0)


# 14. try/except ValueError on math.log of a negative number
def safe_log(x):
    try:
        return math.log(x)
    except ValueError:
        return -10.0 + x
reg(safe_log, (0.7,), (-0.5,))


# 15. a while loop stopping on divergence
def damped_iteration(x0, a):
    x = x0
    n = 0
    while n < 30:
        x_next = a * x * (1 - x)
        if not np.isfinite(x_next) or abs(x_next) > 1e6:
            break
        if abs(x_next - x) < 1e-12:
            x = x_next
            break
        x = x_next
        n += 1
    return x
reg(damped_iteration, (0.3, 2.5), wrt=(0, 1))


# 16. sort a copy in place and take a weighted sum
def sorted_inplace(x):
    y = x.copy()
    y.sort()
    return np.sum(y * np.arange(1.0, len(y) + 1))
reg(sorted_inplace, (X5,))


# 17. seeded shuffle of a copy (in place)
def shuffled_weights(x):
    rng = np.random.default_rng(3)
    y = x.copy()
    rng.shuffle(y)
    return np.sum(y * np.arange(len(y))) + y[0] ** 2
reg(shuffled_weights, (X5,))


# 18. cumsum with out=
def cumsum_out(x):
    buf = np.zeros_like(x)
    np.cumsum(x ** 2, out=buf)
    return np.sum(np.sqrt(buf + 1.0))
reg(cumsum_out, (X5,))


# 19. eigh-based spectral loss with a symmetric matrix built from the parameters
def spectral_gap(A):
    S = 0.5 * (A + A.T)
    vals, vecs = np.linalg.eigh(S)
    return vals[-1] - vals[0] + np.sum(vecs[:, 0] ** 4)
reg(spectral_gap, (M34[:, :3],))


# 20. lstsq inside the loss
def lstsq_residual(X, y):
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return np.sum((X @ w - y) ** 2) + 0.1 * np.sum(w ** 2)
reg(lstsq_residual, (Xd, yd), wrt=(0, 1))


# 21. interpolation and trapezoid integration
def interp_integral(knots_y, t):
    knots_x = np.linspace(0.0, 1.0, len(knots_y))
    f = np.interp(t, knots_x, knots_y)
    return np.trapezoid(f ** 2, t)
reg(interp_integral, (np.array([0.1, 0.5, -0.2, 0.3]), np.linspace(0.05, 0.95, 7)))


# 22. a class with __call__, params in a list attribute, regulariser method
class Poly:
    def __init__(self, coefs):
        self.coefs = coefs

    def __call__(self, t):
        return sum(c * t ** k for k, c in enumerate(self.coefs))

    def penalty(self):
        return sum(c ** 2 for c in self.coefs)


def poly_fit(coefs, t, y):
    model = Poly(coefs)
    return np.mean((model(t) - y) ** 2) + 0.01 * model.penalty()
reg(poly_fit, ([0.1, -0.3, 0.2], np.linspace(-1, 1, 6), yd))


# 23. float() of an array element, .item(), int counts
def item_reads(x):
    s = float(x[0]) * x[1]
    t = x.max().item() + x[2]
    n = int(np.sum(x > 0))
    return s + t * n
reg(item_reads, (X5,))


# 24. a list of arrays written by index
def list_written(x):
    xs = [x[:2], x[2:4], x[4:]]
    for i in range(len(xs)):
        xs[i] = xs[i] * (i + 1)
    xs[0] = np.tanh(xs[0])
    return sum(np.sum(v ** 2) for v in xs)
reg(list_written, (X5,))


# 25. zip(*pairs) unpacking and np.array of a list of scalars
def pairs_unzip(x):
    pairs = [(x[i], x[i + 1]) for i in range(0, len(x) - 1, 2)]
    firsts, seconds = zip(*pairs)
    a = np.array(firsts)
    b = np.array(seconds)
    return np.sum(a * b) + np.sum(a ** 2)
reg(pairs_unzip, (X5,))


# 26. stacked predictions from a list comprehension
def stacked_preds(w, X):
    preds = np.stack([np.tanh(row @ w) for row in X])
    return np.sum(preds ** 2) + preds.max()
reg(stacked_preds, (np.array([0.3, -0.5, 0.8]), Xd))


# 27. a masked mean with np.where and a count
def masked_mean(x, thresh=0.0):
    m = x > thresh
    vals = np.where(m, x, 0.0)
    return vals.sum() / max(m.sum(), 1) + np.mean(x[~m] ** 2)
reg(masked_mean, (X5,))


# 28. a 2-D grid stencil with in-place interior update and a convergence while loop
def jacobi_poisson(f, tol=1e-8):
    u = np.zeros_like(f)
    for it in range(200):
        u_old = u.copy()
        u[1:-1, 1:-1] = 0.25 * (u_old[:-2, 1:-1] + u_old[2:, 1:-1] + u_old[1:-1, :-2]
                                + u_old[1:-1, 2:] + f[1:-1, 1:-1])
        if np.max(np.abs(u - u_old)) < tol:
            break
    return np.sum(u ** 2)
reg(jacobi_poisson, (np.abs(_r.standard_normal((5, 5))),))


# 29. argument-dependent shapes with reshape views and -1
def reshape_minus_one(x):
    m = x.reshape(-1, 2)
    return np.sum(m[:, 0] * m[:, 1]) + np.sum(m.T @ m)
reg(reshape_minus_one, (np.arange(6.0) * 0.2 - 0.4,))


# 30. a generator of minibatches with a seeded permutation
def minibatch_loss(w, X, y, batch=2):
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(y))
    total = 0.0
    for start in range(0, len(y), batch):
        b = idx[start:start + batch]
        total += np.sum((X[b] @ w - y[b]) ** 2)
    return total / len(y)
reg(minibatch_loss, (np.array([0.3, -0.5, 0.8]), Xd, yd))


# 31. in-place exponential moving average over a list of arrays
def ema_states(xs, beta=0.9):
    m = np.zeros_like(xs[0])
    for x in xs:
        m *= beta
        m += (1 - beta) * x
    return np.sum(m ** 2)
reg(ema_states, ([X5, X5 ** 2, np.sin(X5)],))


# 32. np.add(a, b, out=a) accumulation of a buffer, then a dot
def out_accumulate(x):
    acc = np.zeros(3)
    for k in range(3):
        np.add(acc, x[k:k + 3] * (k + 1), out=acc)
    return acc @ acc
reg(out_accumulate, (X5,))


# 33. a class method updating state in a loop (self.h)
class GRUish:
    def __init__(self, W, U):
        self.W = W
        self.U = U
        self.h = np.zeros(W.shape[0])

    def step(self, x):
        z = 1 / (1 + np.exp(-(self.W @ x)))
        self.h = (1 - z) * self.h + z * np.tanh(self.U @ self.h + x[:self.h.size])
        return self.h


def gru_run(W, U, xs):
    cell = GRUish(W, U)
    for x in xs:
        cell.step(x)
    return np.sum(cell.h ** 2)
reg(gru_run, (M34[:, :3] * 0.5, _r.standard_normal((3, 3)) * 0.5, Xd), wrt=(0, 1))


# 34. a numerical gradient check inside the loss with np.eye columns
def central_diff_penalty(w):
    f = lambda v: np.sum(np.sin(v) * v)
    h = 1e-3
    g = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(len(w))])
    return np.sum(g ** 2)
reg(central_diff_penalty, (X5[:3],))
