# ruff: noqa
"""Users' programs of session 44 (helper 80), fourth batch: functions picked at run time
in the ways people write it (registries, strategy objects, getattr on modules, options
dicts, callbacks), and a few more models."""
import math
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

X4 = np.array([0.3, -0.8, 1.2, 0.4])


def gelu(z):
    return 0.5 * z * (1 + np.tanh(0.7978845608 * (z + 0.044715 * z ** 3)))


def swish(z):
    return z / (1 + np.exp(-z))


REGISTRY = {}
def register(name):
    def deco(fn):
        REGISTRY[name] = fn
        return fn
    return deco


@register("sq")
def sq_loss(p, t):
    return np.mean((p - t) ** 2)


@register("cosh")
def logcosh_loss(p, t):
    return np.mean(np.log(np.cosh(p - t)))


def registry_loss(p, t, kind):
    return REGISTRY[kind](p, t)
reg(registry_loss, (X4, X4[::-1], "sq"), (X4, X4[::-1], "cosh"))


def getattr_numpy(x, name):
    fn = getattr(np, name)
    return np.sum(fn(x) ** 2)
reg(getattr_numpy, (X4, "sin"), (X4, "tanh"), (X4, "arctan"))


def activation_string(x, w, act="gelu"):
    acts = {"gelu": gelu, "swish": swish, "tanh": np.tanh}
    f = acts[act]
    return np.sum(f(w * x))
reg(activation_string, (X4, 1.5, "gelu"), (X4, 1.5, "swish"), wrt=(0, 1))


def activation_string_loop(x, names):
    acts = {"gelu": gelu, "swish": swish, "tanh": np.tanh}
    for n in names:
        x = acts[n](x) + x
    return np.sum(x ** 2)
reg(activation_string_loop, (X4, ["gelu", "tanh", "swish"]))


class Layer:
    def __init__(self, n, act):
        rng = np.random.default_rng(n)
        self.W = rng.standard_normal((n, n)) * 0.4
        self.act = act

    def __call__(self, x):
        return self.act(self.W @ x)


def layers_with_acts(x):
    net = [Layer(4, np.tanh), Layer(4, swish), Layer(4, gelu)]
    for layer in net:
        x = layer(x)
    return np.sum(x ** 2)
reg(layers_with_acts, (X4,), hess=True)


class Sequential:
    def __init__(self, *fns):
        self.fns = list(fns)

    def __call__(self, x):
        for f in self.fns:
            x = f(x)
        return x


def sequential_varargs(x):
    model = Sequential(np.tanh, gelu, lambda v: 2 * v)
    return np.sum(model(x))
reg(sequential_varargs, (X4,))


class Strategy:
    def step(self, x, g):
        return x - 0.1 * g


class Momentum(Strategy):
    def __init__(self):
        self.v = 0.0

    def step(self, x, g):
        self.v = 0.9 * self.v + g
        return x - 0.1 * self.v


def optimizer_by_name(x0, name):
    opt = Momentum() if name == "momentum" else Strategy()
    x = x0
    for _ in range(3):
        x = opt.step(x, 2 * x + np.sin(x))
    return np.sum(x ** 2)
reg(optimizer_by_name, (X4, "momentum"), (X4, "sgd"))


def callback_loss(x, on_step=None):
    total = 0.0
    for k in range(3):
        x = np.tanh(x + 0.1 * k)
        if on_step is not None:
            on_step(k, x)
        total = total + np.sum(x)
    return total
reg(callback_loss, (X4,))


def integrator_table(y0, lam, method):
    def euler(y, h):
        return y + h * (-lam * y)
    def midpoint(y, h):
        return y + h * (-lam * (y + h / 2 * (-lam * y)))
    step = {"euler": euler, "midpoint": midpoint}[method]
    y = y0
    for _ in range(5):
        y = step(y, 0.1)
    return y
reg(integrator_table, (1.0, 0.7, "euler"), (1.0, 0.7, "midpoint"), wrt=(0, 1))


def scipy_or_numpy_logsumexp(a):
    try:
        from scipy.special import logsumexp as lse
    except ImportError:
        lse = None
    if lse is None:
        m = np.max(a)
        return m + np.log(np.sum(np.exp(a - m)))
    return lse(a)
reg(scipy_or_numpy_logsumexp, (X4,))


def math_or_numpy(x, use_math):
    f = math.exp if use_math else np.exp
    return f(x) * 2
reg(math_or_numpy, (0.7, True), (0.7, False), hess=True)


def norm_by_order(x, p):
    norms = {1: lambda v: np.sum(np.sqrt(v ** 2 + 1e-9)), 2: np.linalg.norm}
    return norms[p](x)
reg(norm_by_order, (X4, 1), (X4, 2))


def compose_functions(x):
    fs = [np.sin, np.tanh, gelu]
    g = x
    for f in reversed(fs):
        g = f(g)
    return np.sum(g)
reg(compose_functions, (X4,), hess=True)


def map_over_list(xs):
    return sum(np.sum(np.tanh(x)) for x in xs)
reg(map_over_list, ([X4, X4 * 2, X4[:2]],))


def builtin_map(x):
    return sum(map(lambda v: v ** 2, x))
reg(builtin_map, (X4,))


def kernel_by_name(X, ls, kind):
    d2 = np.sum((X[:, None] - X[None]) ** 2, -1)
    if kind == "rbf":
        k = lambda d: np.exp(-0.5 * d / ls ** 2)
    else:
        k = lambda d: 1 / (1 + d / ls ** 2)
    K = k(d2) + 1e-3 * np.eye(len(X))
    return np.linalg.slogdet(K)[1]
_X = np.array([[0.0, 0.1], [0.5, -0.2], [1.0, 0.3]])
reg(kernel_by_name, (_X, 0.7, "rbf"), (_X, 0.7, "rq"), wrt=(0, 1))


def loss_fn_arg_default(p, t, loss=sq_loss):
    return loss(p, t) + 0.1 * np.sum(p ** 2)
reg(loss_fn_arg_default, (X4, X4[::-1]))


class Model:
    act = staticmethod(np.tanh)

    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return self.act(self.w * x)


def model_class_attr_act(w, x):
    m = Model(w)
    return np.sum(m.predict(x) ** 2)
reg(model_class_attr_act, (1.3, X4), wrt=0)


def hasattr_fallback_model(x):
    obj = Model(0.5)
    pred = obj.predict(x) if hasattr(obj, "predict") else x
    return np.sum(pred)
reg(hasattr_fallback_model, (X4,))
