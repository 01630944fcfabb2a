# ruff: noqa
"""OOP models, small ML layers."""
import numpy as np

R = np.random.default_rng(7)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


class Dense:
    def __init__(self, W, b, act=np.tanh):
        self.W = W
        self.b = b
        self.act = act

    def __call__(self, x):
        return self.act(x @ self.W + self.b)


def dense_model_inside(W, b, X):
    layer = Dense(W, b)
    return np.mean(layer(X) ** 2)
reg(dense_model_inside, (R.standard_normal((3, 2)), R.standard_normal(2), R.standard_normal((4, 3))), wrt=(0, 1))


def relu(z):
    return np.maximum(z, 0.0)


def dense_relu_attr(W, b, X):
    layer = Dense(W, b, act=relu)
    return np.sum(layer(X))
reg(dense_relu_attr, (R.standard_normal((3, 2)), R.standard_normal(2), R.standard_normal((4, 3))), wrt=(0, 1))


class Module:
    def __init__(self):
        self.training = False

    def parameters(self):
        return []


class Linear(Module):
    def __init__(self, W, b):
        super().__init__()
        self.W = W
        self.b = b

    def forward(self, x):
        return x @ self.W.T + self.b


def super_init_chain(W, b, x):
    lin = Linear(W, b)
    return np.sum(np.sin(lin.forward(x)))
reg(super_init_chain, (R.standard_normal((2, 3)), R.standard_normal(2), R.standard_normal(3)), wrt=(0, 1))


class MLP:
    def __init__(self, params):
        self.layers = params

    def forward(self, x):
        for W, b in self.layers[:-1]:
            x = np.tanh(W @ x + b)
        W, b = self.layers[-1]
        return W @ x + b


def mlp_object(params, x, y):
    net = MLP(params)
    pred = net.forward(x)
    return 0.5 * np.sum((pred - y) ** 2)
_params = [(R.standard_normal((4, 3)), R.standard_normal(4)), (R.standard_normal((2, 4)), R.standard_normal(2))]
reg(mlp_object, (_params, R.standard_normal(3), R.standard_normal(2)))


class Counter:
    def __init__(self):
        self.n = 0
        self.total = 0.0

    def add(self, v):
        self.n += 1
        self.total = self.total + v

    def mean(self):
        return self.total / self.n


def running_mean_object(x):
    c = Counter()
    for v in x:
        c.add(v ** 2)
    return c.mean()
reg(running_mean_object, (R.standard_normal(5),))


class SGD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, w, g):
        w -= self.lr * g


def sgd_object_inplace(w0, X, y):
    w = w0.copy()
    opt = SGD(0.1)
    for _ in range(5):
        r = X @ w - y
        opt.step(w, X.T @ r / len(y))
    return np.sum((X @ w - y) ** 2)
reg(sgd_object_inplace, (R.standard_normal(3), R.standard_normal((6, 3)), R.standard_normal(6)), wrt=(0, 2))


class Quadratic:
    def __init__(self, A, b):
        self.A = A
        self.b = b

    @property
    def n(self):
        return self.b.shape[0]

    def value(self, x):
        return 0.5 * x @ self.A @ x - self.b @ x

    def gradient(self, x):
        return self.A @ x - self.b


def gd_on_quadratic_object(A, b):
    q = Quadratic(A, b)
    x = np.zeros(q.n)
    for _ in range(10):
        x = x - 0.1 * q.gradient(x)
    return q.value(x)
reg(gd_on_quadratic_object, (np.eye(3) * 2 + 0.1, R.standard_normal(3)), wrt=(0, 1))


class Model:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def predict(self, X):
        return 1 / (1 + np.exp(-(X @ self.w + self.b)))

    def loss(self, X, y):
        p = self.predict(X)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def model_passed_in(w, b, X, y):
    return Model(w, b).loss(X, y)
reg(model_passed_in, (R.standard_normal(3), 0.1, R.standard_normal((8, 3)), (R.random(8) > 0.5).astype(float)), wrt=(0, 1))


def model_object_arg(w, model, X, y):
    model.w = w
    return model.loss(X, y)
reg(model_object_arg, (R.standard_normal(3), Model(np.zeros(3), 0.2), R.standard_normal((8, 3)), (R.random(8) > 0.5).astype(float)))


class Base:
    def __init__(self, scale):
        self.scale = scale

    def f(self, x):
        return self.scale * self.g(x)


class Child(Base):
    def g(self, x):
        return np.sum(x ** 3)


def inheritance_template(x, s):
    obj = Child(s)
    return obj.f(x)
reg(inheritance_template, (R.standard_normal(3), 1.5), wrt=(0, 1))


class Polynomial:
    def __init__(self, coefs):
        self.coefs = coefs

    @classmethod
    def from_roots(cls, roots):
        c = np.array([1.0])
        for r in roots:
            c = np.convolve(c, np.array([1.0, -r]))
        return cls(c)

    def __call__(self, x):
        return np.polyval(self.coefs, x)


def classmethod_builder(roots, x):
    p = Polynomial.from_roots(roots)
    return p(x)
reg(classmethod_builder, (R.standard_normal(3), 0.7), wrt=(0, 1))


def softmax(z):
    z = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def attention(Q, K, V):
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    A = softmax(scores)
    return A @ V
reg(attention, (R.standard_normal((3, 4)), R.standard_normal((5, 4)), R.standard_normal((5, 2))))
reg(attention, (R.standard_normal((3, 4)), R.standard_normal((5, 4)), R.standard_normal((5, 2))), wrt=(0, 1, 2))


def masked_attention(Q, K):
    s = Q @ K.T
    n = s.shape[0]
    mask = np.triu(np.ones((n, n), dtype=bool), k=1)
    s[mask] = -1e9
    return np.sum(softmax(s) * np.arange(n * n).reshape(n, n))
reg(masked_attention, (R.standard_normal((4, 2)), R.standard_normal((4, 2))), wrt=(0, 1))


def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta
reg(layer_norm, (R.standard_normal((2, 4)), R.standard_normal(4), R.standard_normal(4)))
reg(layer_norm, (R.standard_normal((2, 4)), R.standard_normal(4), R.standard_normal(4)), wrt=(0, 1, 2))


def batch_norm_train(x, gamma, beta, running):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    running = dict(running); running["mean"] = 0.9 * running["mean"] + 0.1 * mu
    xh = (x - mu) / np.sqrt(var + 1e-5)
    return np.sum((gamma * xh + beta) ** 3)
reg(batch_norm_train, (R.standard_normal((5, 3)), R.standard_normal(3), R.standard_normal(3), {"mean": np.zeros(3)}), wrt=(0, 1, 2))


def cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])
reg(cross_entropy, (R.standard_normal((4, 3)), np.array([0, 2, 1, 2])), hess=True)


def conv1d_valid(x, k):
    n, m = len(x), len(k)
    out = np.zeros(n - m + 1)
    for i in range(n - m + 1):
        out[i] = np.dot(x[i:i + m], k[::-1])
    return out
reg(conv1d_valid, (R.standard_normal(7), R.standard_normal(3)), wrt=1)
reg(conv1d_valid, (R.standard_normal(7), R.standard_normal(3)), wrt=0)


def conv2d_loops(img, ker):
    H, W = img.shape
    kh, kw = ker.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(img[i:i + kh, j:j + kw] * ker)
    return np.sum(np.maximum(out, 0) ** 2)
reg(conv2d_loops, (R.standard_normal((5, 5)), R.standard_normal((2, 2))), wrt=(0, 1))


def maxpool_1d(x):
    out = []
    for i in range(0, len(x), 2):
        out.append(np.max(x[i:i + 2]))
    return np.array(out) @ np.arange(1, len(out) + 1)
reg(maxpool_1d, (np.array([0.1, 0.5, -0.3, -0.7, 2.0, 1.0]),))


def maxpool_2d_reshape(x):
    h, w = x.shape
    return x.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
reg(maxpool_2d_reshape, (R.standard_normal((4, 4)),))


def dropout_fixed(x, mask, p=0.5):
    return np.sum(np.tanh(x * mask / (1 - p)))
reg(dropout_fixed, (R.standard_normal(6), (R.random(6) > 0.5).astype(float)))


def embedding_lookup(E, ids, w):
    h = E[ids].mean(axis=0)
    return np.tanh(h @ w)
reg(embedding_lookup, (R.standard_normal((5, 3)), np.array([1, 3, 3, 0]), R.standard_normal(3)), wrt=(0, 2))


def lstm_cell(x, h, c, W, U, b):
    z = W @ x + U @ h + b
    n = h.shape[0]
    i = 1 / (1 + np.exp(-z[:n]))
    f = 1 / (1 + np.exp(-z[n:2 * n]))
    o = 1 / (1 + np.exp(-z[2 * n:3 * n]))
    g = np.tanh(z[3 * n:])
    c = f * c + i * g
    h = o * np.tanh(c)
    return h, c


def lstm_sequence(W, U, b, xs):
    h = np.zeros(2); c = np.zeros(2)
    for x in xs:
        h, c = lstm_cell(x, h, c, W, U, b)
    return np.sum(h ** 2)
reg(lstm_sequence, (R.standard_normal((8, 3)), R.standard_normal((8, 2)), R.standard_normal(8), R.standard_normal((4, 3))), wrt=(0, 1, 2))


def residual_block(x, W1, W2):
    h = np.maximum(W1 @ x, 0)
    out = x + W2 @ h
    out /= np.linalg.norm(out)
    return out
reg(residual_block, (R.standard_normal(3), R.standard_normal((4, 3)), R.standard_normal((3, 4))))


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
reg(gelu, (R.standard_normal(5),))


def hinge_svm(w, X, y, C=1.0):
    margins = 1 - y * (X @ w)
    loss = 0.5 * w @ w
    for m in margins:
        if m > 0:
            loss += C * m
    return loss
reg(hinge_svm, (R.standard_normal(3), R.standard_normal((6, 3)), np.sign(R.standard_normal(6))))


def kmeans_soft(X, C, beta=2.0):
    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)
    w = np.exp(-beta * d)
    w /= w.sum(axis=1, keepdims=True)
    return np.sum(w * d)
reg(kmeans_soft, (R.standard_normal((5, 2)), R.standard_normal((3, 2))), wrt=1)


def gmm_nll(mu, logs, X):
    ll = 0.0
    for x in X:
        comps = []
        for k in range(len(mu)):
            s = np.exp(logs[k])
            comps.append(np.exp(-0.5 * ((x - mu[k]) / s) ** 2) / (s * np.sqrt(2 * np.pi)))
        ll += np.log(sum(comps) / len(comps))
    return -ll
reg(gmm_nll, (np.array([-1.0, 1.0]), np.array([0.0, -0.3]), R.standard_normal(5)), wrt=(0, 1))


def pca_recon(X, W):
    Z = X @ W
    Xh = Z @ W.T
    return np.sum((X - Xh) ** 2) + 0.1 * np.sum((W.T @ W - np.eye(W.shape[1])) ** 2)
reg(pca_recon, (R.standard_normal((6, 3)), R.standard_normal((3, 2))), wrt=1)


def rbf_kernel_ridge(ls, X, y):
    d2 = np.sum((X[:, None] - X[None]) ** 2, axis=-1)
    K = np.exp(-d2 / (2 * ls ** 2)) + 0.1 * np.eye(len(X))
    alpha = np.linalg.solve(K, y)
    return y @ alpha + np.linalg.slogdet(K)[1]
reg(rbf_kernel_ridge, (0.8, R.standard_normal((5, 2)), R.standard_normal(5)), hess=True)


def tiny_transformer_block(x, Wq, Wk, Wv):
    q = x @ Wq; k = x @ Wk; v = x @ Wv
    a = softmax(q @ k.T)
    h = x + a @ v
    return np.sum(layer_norm(h, 1.0, 0.0))
reg(tiny_transformer_block, (R.standard_normal((3, 2)), R.standard_normal((2, 2)), R.standard_normal((2, 2)), R.standard_normal((2, 2))), wrt=(1, 2, 3))


def logsumexp_loop(x):
    m = -np.inf
    for v in x:
        if v > m:
            m = v
    s = 0.0
    for v in x:
        s += np.exp(v - m)
    return m + np.log(s)
reg(logsumexp_loop, (R.standard_normal(5),), hess=True)


def focal_loss(p_logit, y, gamma=2.0):
    p = 1 / (1 + np.exp(-p_logit))
    pt = np.where(y == 1, p, 1 - p)
    return -np.sum((1 - pt) ** gamma * np.log(pt))
reg(focal_loss, (R.standard_normal(6), np.array([1, 0, 1, 1, 0, 0])))


def one_hot_loss(W, X, labels):
    Y = np.zeros((len(labels), W.shape[1]))
    Y[np.arange(len(labels)), labels] = 1.0
    P = softmax(X @ W)
    return -np.sum(Y * np.log(P))
reg(one_hot_loss, (R.standard_normal((3, 4)), R.standard_normal((5, 3)), np.array([0, 3, 1, 1, 2])))
