# ruff: noqa
"""Users' programs of session 46 (helper `users`): written the way researchers, students and
scientists write NumPy (classes of parameters, helpers with defaults, closures, dicts and lists
of parameters, in-place updates through views, `out=`, `np.copyto`, while loops with data-
dependent exits, try/except, math, scipy.special/stats, seeded random draws inside).

    python tools/user_programs/run.py users46
"""
import math
from dataclasses import dataclass
import numpy as np
import scipy.special as sps
from scipy import stats
from scipy.special import logsumexp, expit, gammaln

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

_r = np.random.default_rng(46)
X5 = np.array([0.3, -0.8, 1.2, 0.4, -0.1])
M34 = _r.standard_normal((3, 4))
M43 = _r.standard_normal((4, 3))
A33 = _r.standard_normal((3, 3))
SPD = A33 @ A33.T + 3 * np.eye(3)
Xd = _r.standard_normal((6, 3))
yd = _r.standard_normal(6)
labels = np.array([0, 2, 1, 1, 0, 2])


# 1. a model class holding parameters, built inside the loss
class LinearRegression:
    def __init__(self, w, b=0.0):
        self.w = w
        self.b = b

    def predict(self, X):
        return X @ self.w + self.b

    def loss(self, X, y, l2=0.01):
        r = self.predict(X) - y
        return 0.5 * np.mean(r ** 2) + l2 * np.sum(self.w ** 2)


def linreg_class_loss(w, b, X, y):
    model = LinearRegression(w, b)
    return model.loss(X, y)
reg(linreg_class_loss, (Xd[0], 0.3, Xd, yd), wrt=(0, 1), hess=False)


# 2. helper with default arguments and np.where
def huber(r, delta=1.0):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))


def robust_fit(w, X, y, delta=0.5):
    return np.sum(huber(X @ w - y, delta=delta))
reg(robust_fit, (np.array([0.2, -0.4, 0.9]), Xd, yd), (np.array([0.2, -0.4, 0.9]), Xd, yd, 5.0))


# 3. closure built by a factory
def make_ridge_loss(X, y, lam):
    def loss(w):
        resid = y - X @ w
        return resid @ resid / len(y) + lam * w @ w
    return loss
ridge_closure = make_ridge_loss(Xd, yd, 0.1)
reg(ridge_closure, (np.array([0.5, 0.1, -0.3]),), hess=True)


# 4. dict of parameters, two-layer MLP, softmax cross-entropy with max-subtraction
def mlp_ce(params, X, labels):
    h = np.tanh(X @ params["W1"] + params["b1"])
    logits = h @ params["W2"] + params["b2"]
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    n = X.shape[0]
    return -logp[np.arange(n), labels].mean()
P_mlp = {"W1": _r.standard_normal((3, 4)) * 0.5, "b1": np.zeros(4),
         "W2": _r.standard_normal((4, 3)) * 0.5, "b2": np.full(3, 0.1)}
reg(mlp_ce, (P_mlp, Xd, labels))


# 5. list of layers zipped with a list of biases
def deep_net(Ws, bs, x):
    h = x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        h = W @ h + b
        if i < len(Ws) - 1:
            h = np.maximum(h, 0.0) + 0.01 * np.minimum(h, 0.0)
    return np.sum(h ** 2)
Ws_ = [_r.standard_normal((4, 3)), _r.standard_normal((4, 4)), _r.standard_normal((2, 4))]
bs_ = [np.full(4, 0.05), np.full(4, -0.03), np.zeros(2)]
reg(deep_net, (Ws_, bs_, X5[:3]), wrt=(0, 1))


# 6. element-by-element accumulation x[i] += ...
def prefix_energy(x):
    c = np.zeros_like(x)
    c[0] = x[0]
    for i in range(1, len(x)):
        c[i] += c[i - 1] + x[i] ** 2
    return np.sum(np.sin(c))
reg(prefix_energy, (X5,), hess=True)


# 7. a local copy scaled in place, then a rebinding alias sees later writes
def scaled_copy(x, y):
    a = x.copy()
    a *= 2.0
    b = a
    b += y
    return np.sum(a * x) + np.sum(b)
reg(scaled_copy, (X5, X5[::-1] * 0.5), wrt=(0, 1))


# 8. a slice view written through: the base sees it
def view_write(x):
    a = np.ones(len(x) + 1)
    v = a[1:]
    v[0] = x[0] * 3.0
    v[1:] = np.exp(x[1:])
    return np.sum(a * a) + a[1]
reg(view_write, (X5,), hess=True)


# 9. np.copyto and out= buffers
def buffer_ops(x, y):
    buf = np.empty_like(x)
    np.copyto(buf, x ** 2)
    np.multiply(buf, y, out=buf)
    tmp = np.zeros_like(x)
    np.add(buf, np.sin(x), out=tmp)
    return np.sum(tmp)
reg(buffer_ops, (X5, X5 + 2), wrt=(0, 1))


# 10. a transposed view written into
def transposed_write(x):
    A = np.zeros((3, 2))
    B = A.T
    B[0, 1] = x[0]
    B[1, :] = x[1:4] * 2
    return np.sum(A ** 2 * np.arange(1, 7).reshape(3, 2))
reg(transposed_write, (X5,))


# 11. a reshape view of a copy, scaled row
def reshape_view_scale(v):
    w = v.copy()
    M = w.reshape(2, 3)
    M[0] *= 3.0
    M[:, 1] += 1.0
    return np.sum(w * v) + M[1, 2]
reg(reshape_view_scale, (np.arange(6.0) * 0.3 - 0.5,))


# 12. list comprehension and zip in a sum
def weighted_sines(x, ws):
    terms = [w * np.sin(xi) for xi, w in zip(x, ws)]
    return sum(terms) + sum(t ** 2 for t in terms)
reg(weighted_sines, (X5, [0.5, 1.0, -1.5, 2.0, 0.3]), wrt=(0, 1))


# 13. enumerate with index weights
def index_weighted(x):
    total = 0.0
    for i, xi in enumerate(x):
        total += (i + 1) * xi ** 2 - math.cos(i) * xi
    return total
reg(index_weighted, (X5,), hess=True)


# 14. Newton iteration with data-dependent exit
def newton_cuberoot(a, tol=1e-12):
    x = a if a > 1 else 1.0
    it = 0
    while True:
        fx = x ** 3 - a
        if abs(fx) < tol or it > 50:
            break
        x = x - fx / (3 * x ** 2)
        it += 1
    return x
reg(newton_cuberoot, (2.5,), (0.4,))


# 15. fixed-point iteration with while-condition
def fixed_point_cos(c):
    x = 0.5
    x_new = math.cos(c * x)
    while abs(x_new - x) > 1e-13:
        x = x_new
        x_new = math.cos(c * x)
    return x_new
reg(fixed_point_cos, (0.8,))


# 16. try/except around cholesky with a jitter fallback
def gp_nll(ls, X, y):
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * d2 / ls ** 2)
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + 1e-6 * np.eye(len(X)))
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
reg(gp_nll, (0.7, Xd, yd), (3.0, Xd[:3] * 0, yd[:3]) if False else (0.9, Xd, yd))


# 17. asserts with f-strings and shape checks
def checked_quadratic(x, A):
    assert x.ndim == 1, f"x must be 1-D, got {x.shape}"
    assert A.shape == (x.size, x.size), f"A has shape {A.shape}"
    q = x @ A @ x
    assert np.isfinite(q), f"q={q}"
    return 0.5 * q
reg(checked_quadratic, (X5[:3], SPD), hess=True)


# 18. math module on scalars
def gaussian_logpdf_math(mu, sigma, x=0.3):
    z = (x - mu) / sigma
    return -0.5 * z * z - math.log(sigma) - 0.5 * math.log(2 * math.pi) + math.tanh(mu) * math.sqrt(sigma)
reg(gaussian_logpdf_math, (0.2, 1.4), wrt=(0, 1))


# 19. scipy.special and scipy.stats
def poisson_glm(beta, X, counts):
    eta = X @ beta
    lam = np.exp(eta)
    return -np.sum(counts * eta - lam - gammaln(counts + 1))
counts_ = np.array([1., 0., 3., 2., 1., 4.])
reg(poisson_glm, (np.array([0.1, -0.2, 0.3]), Xd, counts_), hess=True)


def stats_mix(x, mu):
    return np.sum(stats.norm.logpdf(x, loc=mu, scale=1.5)) + np.sum(sps.expit(x * mu)) + np.sum(sps.erf(x))
reg(stats_mix, (X5, 0.4), wrt=(0, 1))


# 20. seeded random draws inside the function
def noisy_loss(w):
    rng = np.random.default_rng(0)
    noise = rng.normal(size=w.shape)
    mask = rng.random(w.shape) > 0.3
    return np.sum(((w + 0.1 * noise) * mask) ** 2)
reg(noisy_loss, (X5,))


def legacy_seed_dropout(x):
    np.random.seed(123)
    keep = (np.random.rand(*x.shape) < 0.7).astype(float)
    return np.sum(np.tanh(x * keep / 0.7))
reg(legacy_seed_dropout, (X5,))


# 21. GMM negative log-likelihood with logsumexp over components
def gmm_nll(means, log_sigmas, logits, data):
    log_w = logits - logsumexp(logits)
    sig = np.exp(log_sigmas)
    z = (data[:, None] - means[None, :]) / sig[None, :]
    comp = -0.5 * z ** 2 - log_sigmas - 0.5 * np.log(2 * np.pi)
    return -np.sum(logsumexp(comp + log_w, axis=1))
reg(gmm_nll, (np.array([-1.0, 0.5]), np.array([0.1, -0.2]), np.array([0.3, -0.3]), X5), wrt=(0, 1, 2))


# 22. RNN keeping hidden states in a list, then stacked
def rnn_states(Wh, Wx, xs):
    h = np.zeros(Wh.shape[0])
    hs = []
    for x in xs:
        h = np.tanh(Wh @ h + Wx @ x)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H ** 2) + H[-1].sum()
reg(rnn_states, (A33 * 0.4, M34[:, :2] * 0.5, Xd[:, :2]), wrt=(0, 1))


# 23. scaled dot-product attention
def attention(Q, K, V):
    d = Q.shape[-1]
    s = Q @ K.T / math.sqrt(d)
    s -= s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    return np.sum((p @ V) ** 2)
reg(attention, (M34, M34[::-1] * 0.7, M34 + 1.0), wrt=(0, 1, 2))


# 24. explicit Euler with in-place state update y[:] = ...
def euler_decay(k, y0, steps=20, dt=0.05):
    y = np.array(y0, dtype=float)
    for _ in range(steps):
        dy = -k * y + np.sin(y)
        y[:] = y + dt * dy
    return np.sum(y ** 2)
reg(euler_decay, (0.7, X5), wrt=(0, 1))


# 25. 1-D heat equation with interior-slice updates
def heat_1d(u0, alpha):
    u = u0.copy()
    for _ in range(10):
        lap = u[:-2] - 2 * u[1:-1] + u[2:]
        u[1:-1] += alpha * lap
    return np.sum(u ** 2)
reg(heat_1d, (X5, 0.2), wrt=(0, 1))


# 26. layer norm with eps default and gamma/beta dict
def layer_norm(x, p, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    return xhat * p["gamma"] + p["beta"]


def ln_loss(x, p):
    return np.sum(layer_norm(x, p) ** 3)
reg(ln_loss, (M34, {"gamma": np.array([1.0, 0.5, 2.0, 1.5]), "beta": np.full(4, 0.1)}), wrt=(0, 1))


# 27. embedding lookup with np.add.at scatter
def embed_scatter(E, ids):
    bag = np.zeros(E.shape[1])
    for i in ids:
        bag += E[i]
    acc = np.zeros_like(E)
    np.add.at(acc, ids, 1.0)
    return np.sum(np.tanh(bag)) + np.sum(acc * E ** 2)
reg(embed_scatter, (M43, np.array([0, 2, 2, 3])))


# 28. fancy-index augmented assignment with repeated indices (Python: last write wins)
def repeated_index_iadd(x):
    a = np.zeros(3)
    a[[0, 0, 1]] += x[:3]
    return np.sum(a * np.array([1.0, 2.0, 3.0])) + a[0] ** 2
reg(repeated_index_iadd, (X5,))


# 29. row swap through tuple assignment of views (both rows end equal to old row 1)
def row_swap_views(M):
    A = M.copy()
    A[0], A[1] = A[1], A[0]
    return np.sum(A * np.arange(A.size).reshape(A.shape))
reg(row_swap_views, (M34,))


# 30. np.fill_diagonal into a fresh matrix and logdet
def diag_fill_logdet(d, L):
    A = L @ L.T
    D = np.zeros_like(A)
    np.fill_diagonal(D, np.exp(d))
    sign, ld = np.linalg.slogdet(A + D)
    return ld
reg(diag_fill_logdet, (np.array([0.1, -0.3, 0.2]), A33), wrt=(0, 1))


# 31. Sinkhorn iterations with tolerance exit
def sinkhorn_cost(C, eps=0.5, tol=1e-10):
    n, m = C.shape
    a = np.full(n, 1.0 / n)
    b = np.full(m, 1.0 / m)
    K = np.exp(-C / eps)
    u = np.ones(n)
    for it in range(500):
        v = b / (K.T @ u)
        u_new = a / (K @ v)
        if np.max(np.abs(u_new - u)) < tol:
            u = u_new
            break
        u = u_new
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)
reg(sinkhorn_cost, (np.abs(M34),))


# 32. Horner evaluation with a coefficient list
def horner(coeffs, x):
    result = 0.0
    for c in reversed(coeffs):
        result = result * x + c
    return result
reg(horner, ([1.0, -2.0, 0.5, 3.0], 0.7), wrt=(0, 1))


# 33. einsum bilinear form, batched
def bilinear_batch(W, X, Y):
    return np.einsum("ni,ij,nj->", X, W, Y) + np.einsum("ij,ij", W, W)
reg(bilinear_batch, (A33, Xd, Xd[::-1]), hess=True)


# 34. parameters as a dataclass
@dataclass
class Params:
    W: np.ndarray
    b: np.ndarray
    scale: float


def dc_loss(p, X, y):
    pred = p.scale * np.tanh(X @ p.W + p.b)
    return np.mean((pred - y) ** 2)


def dc_built(W, b, scale, X, y):
    return dc_loss(Params(W, b, scale), X, y)
reg(dc_built, (np.array([0.3, -0.1, 0.2]), np.array(0.1), 1.5, Xd, yd), wrt=(0, 1, 2))


# 35. L2 over params.items() and a gradient step dict comprehension
def sgd_unrolled(params, X, y, lr=0.1, steps=2):
    def loss(p):
        return np.mean((X @ p["w"] + p["b"] - y) ** 2)
    for _ in range(steps):
        r = X @ params["w"] + params["b"] - y
        g = {"w": 2 * X.T @ r / len(y), "b": 2 * np.mean(r)}
        params = {k: v - lr * g[k] for k, v in params.items()}
    reg_ = sum(np.sum(v ** 2) for k, v in params.items())
    return loss(params) + 0.01 * reg_
reg(sgd_unrolled, ({"w": np.array([0.1, 0.2, -0.1]), "b": 0.3}, Xd, yd))


# 36. in-place cumulative product with a data-dependent branch
def clipped_growth(r):
    v = np.ones(len(r) + 1)
    for i in range(len(r)):
        g = 1.0 + r[i]
        if g > 1.5:
            g = 1.5 + 0.1 * (g - 1.5)
        v[i + 1] = v[i] * g
    return v[-1] + np.sum(v)
reg(clipped_growth, (np.array([0.2, 0.8, -0.3, 0.6]),), (np.array([0.1, 0.2, 0.3, 0.1]),))


# 37. kwargs passed along through **opts
def smooth_l1(r, beta=1.0):
    a = np.abs(r)
    return np.where(a < beta, 0.5 * a ** 2 / beta, a - 0.5 * beta)


def detection_loss(pred, target, **opts):
    return np.mean(smooth_l1(pred - target, **opts))
reg(detection_loss, (X5, X5[::-1] * 0.3), wrt=(0, 1))


# 38. the diagonal of a matrix as a writable view (np.einsum view) and .T alias
def diag_view_write(x):
    A = np.outer(x, x)
    d = np.einsum("ii->i", A)
    d += 1.0
    B = A.T
    return np.sum(B[0] * np.arange(len(x))) + np.trace(A)


def diag_view_write_idx(x):
    A = np.outer(x, x)
    i = np.arange(len(x))
    A[i, i] += 1.0
    B = A.T
    return np.sum(B[0] * np.arange(len(x))) + np.trace(A)
reg(diag_view_write_idx, (X5[:4],))
reg(diag_view_write, (X5[:4],))


# 39. a statistics-style helper with a running mean in a loop (Welford)
def welford_var(x):
    mean = 0.0
    m2 = 0.0
    for n, xi in enumerate(x, start=1):
        delta = xi - mean
        mean += delta / n
        m2 += delta * (xi - mean)
    return m2 / (len(x) - 1)
reg(welford_var, (X5,), hess=True)


# 40. softplus and logistic regression via expit with sample weights given by keyword
def logistic_nll(w, X, y01, sample_weight=None):
    z = X @ w
    p = expit(z)
    ll = y01 * np.log(p) + (1 - y01) * np.log1p(-p)
    if sample_weight is None:
        return -ll.mean()
    return -np.sum(sample_weight * ll) / np.sum(sample_weight)
reg(logistic_nll, (np.array([0.2, -0.5, 0.1]), Xd, (yd > 0).astype(float)),
    (np.array([0.2, -0.5, 0.1]), Xd, (yd > 0).astype(float), np.arange(1.0, 7.0)), hess=True)


# 41. a view of the argument read after the copy is changed (no aliasing with x)
def copy_then_view(x):
    y = x.copy()
    head = x[:2]
    y[:2] = y[:2] * 10
    return np.sum(head * y[:2]) + np.sum(y)
reg(copy_then_view, (X5,))


# 42. a view on a local array that survives a rebinding of the base name
def view_survives_rebinding(x):
    a = x * 1.0
    v = a[2:]
    a = a + 1.0
    v[0] = 5.0 * x[0]
    return np.sum(a) + np.sum(v ** 2)
reg(view_survives_rebinding, (X5,))


# 43. np.linalg.solve inside a class method with a cached factor
class Ridge:
    def __init__(self, lam):
        self.lam = lam

    def fit(self, X, y):
        A = X.T @ X + self.lam * np.eye(X.shape[1])
        return np.linalg.solve(A, X.T @ y)


def ridge_path(lam, X, y):
    w = Ridge(lam).fit(X, y)
    return np.sum((X @ w - y) ** 2) + np.sum(w ** 2)
reg(ridge_path, (0.5, Xd, yd), hess=True)


# 44. x.flat and ravel writes
def ravel_write(x):
    M = np.zeros((2, 3))
    flat = M.ravel()
    flat[:] = np.concatenate([x, x[:1] * 2])
    return np.sum(M[:, 1] ** 2) + np.sum(M)
reg(ravel_write, (X5,))


# 45. sort and top-k mean
def topk_mean(x, k=3):
    s = np.sort(x)[::-1]
    return np.mean(s[:k]) + np.max(x) ** 2
reg(topk_mean, (X5,))


# 46. nested helpers with defaults calling each other and a lambda
def rbf(d2, ls=1.0):
    return np.exp(-0.5 * d2 / ls ** 2)


def kernel_matrix(X, ls=1.0, kernel=rbf):
    d2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    return kernel(d2, ls)


def kernel_ridge(alpha, X, ls):
    K = kernel_matrix(X, ls=ls)
    f = lambda a: a @ K @ a
    return f(alpha) + np.sum(alpha ** 2)
reg(kernel_ridge, (yd, Xd, 0.8), wrt=(0, 2))


# 47. in-place clip with out= and np.maximum(out=)
def clip_inplace(x):
    y = 2.0 * x
    np.clip(y, -1.0, 1.0, out=y)
    z = np.empty_like(y)
    np.maximum(y, 0.1 * y, out=z)
    return np.sum(z ** 2) + np.sum(y)
reg(clip_inplace, (X5,))


# 48. a tuple of arrays unpacked from a returned tuple, then one updated in place
def forward_cache(W, x):
    def layer(W, x):
        z = W @ x
        a = np.tanh(z)
        return a, (z, a)
    out, (z, a) = layer(W, x)
    a *= 2.0
    return np.sum(out) + np.sum(z ** 2)
reg(forward_cache, (M34, X5[:4]), wrt=(0, 1))
