# ruff: noqa
"""Users' programs of session 44 (helper 80), second batch: training loops with dicts of
params, classes with __call__ and methods, probabilistic models."""
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def init_params(seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((3, 4)) * 0.3, "b1": np.zeros(4),
            "W2": rng.standard_normal((4, 1)) * 0.3, "b2": np.zeros(1)}


def mlp_dict_loss(params, X, y):
    h = np.tanh(X @ params["W1"] + params["b1"])
    out = (h @ params["W2"] + params["b2"]).ravel()
    return np.mean((out - y) ** 2)
_rng = np.random.default_rng(3)
_X = _rng.standard_normal((6, 3)); _y = np.sin(_X[:, 0])
reg(mlp_dict_loss, (init_params(), _X, _y))


def sgd_dict_inner(lr, X, y):
    params = init_params(1)
    for step in range(3):
        h = np.tanh(X @ params["W1"] + params["b1"])
        err = (h @ params["W2"]).ravel() + params["b2"][0] - y
        gW2 = h.T @ err[:, None] / len(y)
        params["W2"] = params["W2"] - lr * gW2
        params["b2"] = params["b2"] - lr * np.mean(err)
    h = np.tanh(X @ params["W1"] + params["b1"])
    return np.mean(((h @ params["W2"]).ravel() + params["b2"][0] - y) ** 2)
reg(sgd_dict_inner, (0.3, _X, _y))


def dict_inplace_update(params, X, y):
    p = {k: v.copy() for k, v in params.items()}
    for _ in range(2):
        pred = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"]
        r = pred.ravel() - y
        p["b2"] -= 0.1 * np.mean(r)
        p["W2"] *= 0.9
    pred = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    return np.sum((pred.ravel() - y) ** 2)
reg(dict_inplace_update, (init_params(), _X, _y))


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return x @ self.W + self.b


class MLP:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = np.tanh(x)
        return x


def mlp_class_loss(W1, W2, X):
    model = MLP([Linear(W1, np.zeros(W1.shape[1])), Linear(W2, np.zeros(W2.shape[1]))])
    return np.mean(model(X) ** 2)
reg(mlp_class_loss, (_rng.standard_normal((3, 4)), _rng.standard_normal((4, 2)), _X), wrt=(0, 1))


class GaussianModel:
    def __init__(self, data):
        self.data = data

    def nll(self, mu, log_sigma):
        s = np.exp(log_sigma)
        z = (self.data - mu) / s
        return 0.5 * np.sum(z ** 2) + self.data.size * log_sigma + 0.5 * self.data.size * np.log(2 * np.pi)

    def __call__(self, theta):
        return self.nll(theta[0], theta[1])


def gaussian_method_call(theta, data):
    return GaussianModel(data)(theta)
reg(gaussian_method_call, (np.array([0.2, -0.3]), _y), hess=True)


def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def gmm_loglik(means, log_w, x):
    w = log_w - logsumexp(log_w)
    comp = -0.5 * (x[:, None] - means[None, :]) ** 2 - 0.5 * np.log(2 * np.pi)
    return np.sum(logsumexp(comp + w[None, :], axis=1))
reg(gmm_loglik, (np.array([-1.0, 0.5, 2.0]), np.array([0.1, -0.2, 0.3]), _y * 3), wrt=(0, 1), hess=False)


def softmax_xent(W, X, labels):
    logits = X @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])
reg(softmax_xent, (_rng.standard_normal((3, 4)) * 0.5, _X, np.array([0, 1, 3, 2, 1, 0])))


def em_step_gmm(mu, x):
    # one E step then M step, differentiated through
    for _ in range(2):
        d = -0.5 * (x[:, None] - mu[None, :]) ** 2
        d = d - d.max(axis=1, keepdims=True)
        r = np.exp(d)
        r /= r.sum(axis=1, keepdims=True)
        mu = (r * x[:, None]).sum(axis=0) / r.sum(axis=0)
    return np.sum(mu ** 2)
reg(em_step_gmm, (np.array([-0.5, 0.7]), _y * 2))


def bayes_logistic_logpost(w, X, y, prior_scale):
    z = X @ w
    ll = np.sum(y * z - np.logaddexp(0.0, z))
    lp = -0.5 * np.sum(w ** 2) / prior_scale ** 2
    return -(ll + lp)
reg(bayes_logistic_logpost, (np.array([0.2, -0.1, 0.3]), _X, (_y > 0).astype(float), 2.0), wrt=(0, 3), hess=False)


def poisson_glm(beta, X, counts):
    eta = X @ beta
    return np.sum(np.exp(eta) - counts * eta)
reg(poisson_glm, (np.array([0.1, -0.2, 0.05]), _X, np.array([1, 0, 2, 3, 1, 0])), hess=True)


def student_t_nll(params, x):
    mu, log_s, log_nu = params
    s, nu = np.exp(log_s), np.exp(log_nu)
    z = (x - mu) / s
    from math import lgamma
    return -np.sum(np.log1p(z ** 2 / nu) * (-(nu + 1) / 2) - np.log(s) - 0.5 * np.log(nu * np.pi))
reg(student_t_nll, (np.array([0.1, -0.2, 1.0]), _y))


def vae_like(mu, log_var, eps, x):
    z = mu + np.exp(0.5 * log_var) * eps
    recon = np.tanh(z)
    kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var))
    return np.sum((recon - x) ** 2) + kl
reg(vae_like, (np.array([0.1, 0.2, -0.3]), np.array([-0.5, 0.1, 0.0]), np.array([0.3, -1.0, 0.5]), np.array([0.2, 0.1, -0.1])), wrt=(0, 1), hess=False)


class Adam:
    def __init__(self, lr=0.1):
        self.lr, self.b1, self.b2 = lr, 0.9, 0.999
        self.m, self.v, self.t = 0.0, 0.0, 0

    def step(self, p, g):
        self.t += 1
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g * g
        mhat = self.m / (1 - self.b1 ** self.t)
        vhat = self.v / (1 - self.b2 ** self.t)
        return p - self.lr * mhat / (np.sqrt(vhat) + 1e-8)


def adam_object_unrolled(x0):
    opt = Adam(0.05)
    x = x0
    for _ in range(4):
        g = 2 * x + np.cos(x)
        x = opt.step(x, g)
    return np.sum(x ** 2 + np.sin(x))
reg(adam_object_unrolled, (np.array([0.5, -1.0, 2.0]),))


def rmsprop_dict(x0, lr):
    state = {"v": np.zeros_like(x0), "x": x0.copy()}
    for _ in range(3):
        g = state["x"] ** 3 - state["x"]
        state["v"] = 0.9 * state["v"] + 0.1 * g ** 2
        state["x"] = state["x"] - lr * g / np.sqrt(state["v"] + 1e-6)
    return np.sum(state["x"] ** 2)
reg(rmsprop_dict, (np.array([0.5, -1.2, 2.0]), 0.05), wrt=(0, 1))


def attention_heads(Q, K, V):
    outs = []
    for h in range(2):
        q, k, v = Q[:, h * 2:(h + 1) * 2], K[:, h * 2:(h + 1) * 2], V[:, h * 2:(h + 1) * 2]
        s = q @ k.T / np.sqrt(2.0)
        s = s - s.max(axis=-1, keepdims=True)
        a = np.exp(s)
        a = a / a.sum(axis=-1, keepdims=True)
        outs.append(a @ v)
    return np.sum(np.concatenate(outs, axis=1) ** 2)
reg(attention_heads, (_rng.standard_normal((3, 4)), _rng.standard_normal((3, 4)), _rng.standard_normal((3, 4))), wrt=(0, 1, 2))


def batchnorm_running(x, gamma):
    running = {"mean": np.zeros(x.shape[1]), "var": np.ones(x.shape[1])}
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    running["mean"] = 0.9 * running["mean"] + 0.1 * mu
    running["var"] = 0.9 * running["var"] + 0.1 * var
    xn = (x - mu) / np.sqrt(var + 1e-5)
    return np.sum((gamma * xn) ** 3) + np.sum(running["mean"] * running["var"])
reg(batchnorm_running, (_X, np.array([1.0, 0.5, 2.0])), wrt=(0, 1))


def rnn_unroll_params(params, xs):
    h = np.zeros(3)
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(params["Wx"] @ xs[t] + params["Wh"] @ h)
        hs.append(h)
    H = np.stack(hs)
    return np.sum(H[-1] ** 2) + 0.1 * np.sum(H ** 2)
reg(rnn_unroll_params, ({"Wx": _rng.standard_normal((3, 3)) * 0.5, "Wh": _rng.standard_normal((3, 3)) * 0.5}, _X[:4]))


def label_smoothing(logits, y, eps):
    n, k = logits.shape
    t = np.full((n, k), eps / (k - 1))
    t[np.arange(n), y] = 1 - eps
    lp = logits - logsumexp(logits, axis=1)[:, None]
    return -np.sum(t * lp) / n
reg(label_smoothing, (_rng.standard_normal((4, 3)), np.array([0, 2, 1, 1]), 0.1), wrt=(0, 2))


def contrastive_loss(z1, z2, tau):
    z1 = z1 / np.linalg.norm(z1, axis=1, keepdims=True)
    z2 = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
    sim = z1 @ z2.T / tau
    return -np.mean(np.diag(sim) - logsumexp(sim, axis=1))
reg(contrastive_loss, (_rng.standard_normal((4, 3)), _rng.standard_normal((4, 3)), 0.5), wrt=(0, 1, 2))


def hmm_forward(log_A, log_pi, log_B, obs):
    alpha = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        alpha = logsumexp(alpha[:, None] + log_A, axis=0) + log_B[:, obs[t]]
    return logsumexp(alpha)
_A = np.log(np.array([[0.8, 0.2], [0.3, 0.7]])); _B = np.log(np.array([[0.6, 0.3, 0.1], [0.1, 0.4, 0.5]]))
reg(hmm_forward, (_A, np.log(np.array([0.5, 0.5])), _B, [0, 2, 1, 1]), wrt=(0, 2))
