"""Methods that store into ``self`` of an object built inside the function
(compiler/field_writes.py): ``self.total += v``, ``self.items.append(v)``,
``self.cache['h'] = h`` as a new record, checked against central differences.  Was
refused (``self.a = v``) or, for ``self.items.append(v)``, a silently wrong gradient
(the list held by the record changed unseen)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.2, 0.5])


class History:
    def __init__(self, n):
        self.n = n
        self.history = []

    def step(self, x, k):
        y = np.tanh(k * x)
        self.history.append(y)
        return y

    def run(self, x):
        for k in range(self.n):
            x = self.step(x, 0.5 + k)
        return sum(np.sum(h) for h in self.history)


def history_in_a_loop(x):
    """(The reported case: a zero gradient before.)"""
    return History(3).run(x)


def history_read_by_index(x):
    m = History(2)
    m.step(x, 1.0)
    m.step(x * 3, 2.0)
    return np.sum(m.history[0]) + np.sum(m.history[1] ** 2)


class Accumulator:
    def __init__(self):
        self.items = []
        self.total = 0.0

    def push(self, v):
        self.items.append(v)
        self.total = self.total + np.sum(v)

    def add(self, v):  # (named like a set's method: still the user's)
        self.total += np.sum(v ** 2)


def totals_and_items(x):
    acc = Accumulator()
    acc.push(x)
    acc.push(x ** 2)
    acc.add(x)
    return acc.total + np.sum(acc.items[1])


def pushed_per_element(x):
    acc = Accumulator()
    for i in range(len(x)):
        acc.push(x[i] * x)
    return acc.total + sum(np.sum(v) for v in acc.items)


def pushed_in_a_branch(x):
    acc = Accumulator()
    if np.sum(x) > 0:
        acc.push(x)
    else:
        acc.push(-3 * x)
    acc.push(x ** 2)
    return acc.total + np.sum(acc.items[0])


def total_kept_between_pushes(x):
    acc = Accumulator()
    acc.push(x)
    before = acc.total
    acc.push(5 * x)
    return before * acc.total


def built_twice(x):
    a = Accumulator()
    b = Accumulator()
    a.push(x)
    b.push(2 * x)
    a.push(b.total * x)
    return a.total - b.total ** 2


class Net:
    def __init__(self, W):
        self.W = W
        self.cache = {}

    def forward(self, x):
        h = np.tanh(self.W @ x)
        self.cache["h"] = h
        return h

    def loss(self, x):
        out = self.forward(x)
        return np.sum(out) + np.sum(self.cache["h"] ** 2)


def cache_in_a_dict(W, x):
    return Net(W).loss(x)


class Scaled:
    def __init__(self, x):
        self.x = x

    def scale(self, k):
        self.x *= k


def scaled_copy(x):
    s = Scaled(x.copy())
    s.scale(2.0)
    s.scale(x[0])
    return np.sum(s.x ** 3)


class Clock:
    def __init__(self, u):
        self.u = u
        self.t = 0.0

    def step(self, dt):
        self.u = self.u + dt * np.sin(self.u)
        self.t += dt


def stepped_until(u0):
    s = Clock(u0)
    while s.t < 0.45:
        s.step(0.1)
    return np.sum(s.u ** 2)


def pushed_through_both_names(x):
    acc = Accumulator()
    other = acc
    other.push(2 * x)
    acc.push(x)
    return np.sum(acc.items[0] ** 2) + other.total * acc.total


def list_taken_before(x):
    """(The list bound again to the one the record now holds, as Python shares it.)"""
    acc = Accumulator()
    items = acc.items
    acc.push(x)
    return np.sum(items[0])


def pushed_through_another_name(x):
    acc = Accumulator()
    other = acc
    other.push(2 * x)
    return np.sum(acc.items[0] ** 2) + acc.total


@pytest.mark.parametrize("f", [history_in_a_loop, history_read_by_index, totals_and_items,
                               pushed_per_element, total_kept_between_pushes, built_twice,
                               scaled_copy, stepped_until, list_taken_before,
                               pushed_through_another_name])
def test_stored_fields(f):
    check_grad(f, X)


@pytest.mark.parametrize("x", [X, -X])
def test_both_branches(x):
    check_grad(pushed_in_a_branch, x)


def test_a_dict_field_written_by_key():
    W = np.array([[0.1, 0.2, -0.3], [0.3, -0.5, 0.2]])
    check_grad(cache_in_a_dict, W, X)
    check_grad(cache_in_a_dict, W, X, wrt=1)


@pytest.mark.parametrize("f", [history_in_a_loop, totals_and_items, pushed_in_a_branch,
                               stepped_until])
def test_forward_mode_and_second_order(f):
    check_jvp(f, X)
    check_hessian(f, X)


class Counter:
    def __init__(self):
        self.total = 0.0

    def push(self, v):
        self.total = self.total + np.sum(v)
        return self.total

    def per_element(self, v):
        for i in range(len(v)):
            self.total += v[i] * (i + 1)


def bump(obj, v):
    obj.total += np.sum(v ** 3)


def values_returned_in_order(x):
    m = Counter()
    y = m.push(x) * m.push(2 * x)
    return y + m.total


def stored_in_a_loop_of_the_method(x):
    m = Counter()
    m.per_element(x)
    m.per_element(x ** 2)
    return m.total


def stored_by_a_helper(x):
    m = Counter()
    bump(m, x)
    bump(m, 2 * x)
    return m.total


def built_in_each_trip(x):
    s = 0.0
    for k in range(3):
        m = Counter()
        m.push(x * k)
        s = s + m.total ** 2
    return s


@pytest.mark.parametrize("f", [values_returned_in_order, stored_in_a_loop_of_the_method,
                               stored_by_a_helper, built_in_each_trip])
def test_more_ways_of_storing(f):
    check_grad(f, X)
    check_jvp(f, X)
    check_hessian(f, X)


class Adam:
    def __init__(self, shape, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps
        self.m = np.zeros(shape)
        self.v = np.zeros(shape)
        self.t = 0

    def step(self, w, g):
        self.t += 1
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g * g
        mh = self.m / (1 - self.b1 ** self.t)
        vh = self.v / (1 - self.b2 ** self.t)
        return w - self.lr * mh / (np.sqrt(vh) + self.eps)


class Momentum:
    def __init__(self, w):
        self.vel = np.zeros_like(w)

    def step(self, w, g, lr=0.05, mu=0.9):
        self.vel = mu * self.vel - lr * g
        return w + self.vel


DATA = np.random.default_rng(9).standard_normal((6, 4))


def adam_unrolled(w0):
    X, y = DATA[:, :3], DATA[:, 3]
    opt = Adam(w0.shape)
    w = w0
    for _ in range(4):
        g = 2 * X.T @ (X @ w - y) / len(y)
        w = opt.step(w, g)
    return np.mean((X @ w - y) ** 2)


def momentum_unrolled(w0):
    X, y = DATA[:, :3], DATA[:, 3]
    opt = Momentum(w0)
    w = w0
    for _ in range(5):
        g = X.T @ (X @ w - y)
        w = opt.step(w, g)
    return np.sum((X @ w - y) ** 2)


@pytest.mark.parametrize("f", [adam_unrolled, momentum_unrolled])
def test_optimiser_state_kept_on_self(f):
    check_grad(f, X)
    check_jvp(f, X)


# ----- refused: what Python changes that a new record would not -----

@dataclass
class Params:
    w: np.ndarray

    def double(self):
        self.w = self.w * 2


def argument_changed(p, x):
    p.double()
    return np.sum(p.w * x)


class Late:
    def __init__(self, x):
        self.x = x

    def note(self):
        self.seen = self.x * 2


def attribute_not_from_init(x):
    m = Late(x)
    m.note()
    return np.sum(m.seen)


@pytest.mark.parametrize("f, line", [
    (pushed_through_both_names, "self.items.append(v)"),
])
def test_refused_where_python_changes_more(f, line):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(X)
    assert line in _line_of(str(err.value))


def test_an_attribute_a_method_stores_first():
    check_grad(attribute_not_from_init, X)


class GP:
    def __init__(self, ls, sf):
        self.ls = ls
        self.sf = sf

    def kernel(self, A, B):
        d = A[:, None] - B[None, :]
        return self.sf ** 2 * np.exp(-0.5 * d ** 2 / self.ls ** 2)

    def fit(self, X, y):
        K = self.kernel(X, X) + 1e-2 * np.eye(len(X))
        self.L = np.linalg.cholesky(K)
        self.alpha = np.linalg.solve(K, y)
        self.calls = 1
        return self

    def refit(self, X, y):
        self.calls += 1
        return self.fit(X, y)

    def nll(self, y):
        return 0.5 * y @ self.alpha + np.sum(np.log(np.diag(self.L)))


GRID = np.linspace(0.0, 1.0, 6)


def gp_fitted(theta):
    gp = GP(theta[0], theta[1])
    gp.fit(GRID, np.sin(3 * GRID))
    return gp.nll(np.sin(3 * GRID))


def gp_refitted(theta):
    gp = GP(theta[0], 1.0)
    gp.fit(GRID, np.cos(GRID))
    gp.sf = theta[1]
    gp.refit(GRID, np.cos(GRID))
    return gp.nll(np.cos(GRID)) * gp.calls


@pytest.mark.parametrize("f", [gp_fitted, gp_refitted])
def test_attributes_a_fit_method_stores(f):
    theta = np.array([0.4, 1.2])
    check_grad(f, theta)
    check_jvp(f, theta)


def test_an_argument_object_is_not_changed():
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(argument_changed, wrt=1)(Params(X.copy()), X)
    assert "self.w = self.w * 2" in _line_of(str(err.value))


class Dense:
    def __init__(self, W):
        self.W = W
        self.out = None

    def __call__(self, x):
        self.out = np.tanh(x @ self.W)
        return self.out


class Stack:
    def __init__(self, Ws):
        self.layers = [Dense(W) for W in Ws]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def outputs_kept_by_listed_layers(x):
    net = Stack([np.eye(3), 2 * np.eye(3)])
    return np.sum(net(x)) + np.sum(net.layers[0].out)


def outputs_kept_by_named_layers(x):
    a = Dense(np.eye(3))
    b = Dense(2 * np.eye(3))
    y = b(a(x))
    return np.sum(y ** 2) + np.sum(a.out)


def test_layers_keeping_their_output():
    """(Named layers: new records; layers held in a list: refused, with the reason.)"""
    check_grad(outputs_kept_by_named_layers, X)
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(outputs_kept_by_listed_layers)(X)
    assert "held in a list" in str(err.value)
    assert "self.out = np.tanh(x @ self.W)" in _line_of(str(err.value))


def _line_of(message: str) -> str:
    import linecache
    filename, line = message.split(":")[:2]
    return linecache.getline(filename, int(line))
