"""A call of a function a name holds that is chosen at run time (``act = np.tanh if c
else softplus``, ``ACTS[opts["act"]]``, ``for fn in self.layers`` of an object made
inside, ``integrate = np.trapezoid if hasattr(np, "trapezoid") else np.trapz``, a method
of an object built by an ``__init__`` that is more than stores): was refused ("which
function this name holds is not known"); now a primitive whose rules differentiate the
function it holds when it runs (``s2sad/dynamic_calls.py``, ``compiler/dynamic_callees.py``).
And lambdas or defs of the function held in a list or dict it binds
(``compiler/display_lambdas.py``, ``compiler/function_displays.py``).  Checked against
central differences, both branches of each data-dependent choice; the callees whose
derivative would be wrong apart from the caller's stay refused.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

X = np.array([0.3, -0.8, 1.2, 0.4])


def relu(z):
    return np.maximum(z, 0.0)


def softplus(z):
    return np.log1p(np.exp(z))


def leaky(z, alpha=0.1):
    return np.where(z > 0, z, alpha * z)


ACTS = {"tanh": np.tanh, "softplus": softplus, "leaky": leaky}


def by_data_branch(x):
    act = np.tanh if np.sum(x) > 0.5 else softplus
    return np.sum(act(2 * x) * x)


def by_flag(x, smooth):
    if smooth:
        act = softplus
    else:
        act = np.sin
    return np.sum(act(x) ** 2)


def by_option(x, w, name):
    opts = {"act": name, "depth": 2}
    h = x
    for _ in range(opts["depth"]):
        h = ACTS[opts["act"]](w @ h)
    return np.sum(h ** 2)


def trapezoid_compat(y):
    if hasattr(np, "trapezoid"):
        integrate = np.trapezoid
    else:
        integrate = np.trapz
    return integrate(y ** 2, np.linspace(0.0, 1.0, y.size))


def trapezoid_keyword(y, h):
    integrate = getattr(np, "trapezoid", None) or getattr(np, "trapz")  # noqa: B009
    return integrate(np.sin(y), dx=h)


def chosen_twice(x):
    g = np.tanh if x[0] > 0 else np.sin
    h = relu if x[1] > 0 else np.exp
    return np.sum(h(g(x)) * g(2 * x))


class Stack:
    def __init__(self):
        self.layers = [np.tanh, relu, np.sin]

    def __call__(self, x):
        for fn in self.layers:
            x = fn(x) + 0.1 * x
        return x


def object_of_functions(x):
    return np.sum(Stack()(x) ** 2)


class Net:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.params = [(rng.standard_normal((m, n)) * 0.5, np.zeros(m))
                       for n, m in zip(sizes[:-1], sizes[1:])]
        self.acts = [np.tanh] * (len(sizes) - 2) + [lambda z: z]

    def forward(self, x):
        for (W, b), act in zip(self.params, self.acts):
            x = act(W @ x + b)
        return x


def method_of_object_made_inside(x):
    return np.sum(Net([4, 5, 2]).forward(x) ** 2)


def method_in_a_loop(x):
    net = Net([4, 3, 4], seed=1)
    for _ in range(3):
        x = x + 0.5 * net.forward(x)
    return np.sum(x ** 2)


def lambdas_in_a_list(x):
    steps = [lambda v: v - v.mean(), lambda v: v / np.sqrt(np.mean(v ** 2) + 1e-6), np.tanh]
    for s in steps:
        x = s(x)
    return np.sum(x * np.arange(x.size))


def lambdas_in_a_dict(pred, y):
    losses = {"mse": lambda p, t: np.mean((p - t) ** 2),
              "soft": lambda p, t: np.mean(np.sqrt((p - t) ** 2 + 1e-3))}
    total = 0.0
    for _, fn in losses.items():
        total = total + fn(pred, y)
    return total


def defs_in_a_list_reading_locals(x):
    w = x[0] * 2

    def scaled(v):
        return v * w

    def shifted(v):
        return v + w ** 2
    out = 0.0
    for f in [scaled, shifted, np.sin]:
        out = out + np.sum(f(x) ** 2)
    return out


CASES = [
    (by_data_branch, (X,), 0), (by_data_branch, (-X,), 0), (by_data_branch, (X * 3,), 0),
    (by_flag, (X, True), 0), (by_flag, (X, False), 0), (by_flag, (X * 2, True), 0),
    (by_option, (X[:3], np.eye(3) * 0.7 + 0.1, "tanh"), (0, 1)),
    (by_option, (X[:3], np.eye(3) * 0.7 + 0.1, "softplus"), (0, 1)),
    (by_option, (X[:3], np.eye(3) * 0.7 + 0.1, "leaky"), (0, 1)),
    (trapezoid_compat, (X,), 0), (trapezoid_compat, (np.linspace(-1, 1, 7),), 0),
    (trapezoid_keyword, (X, 0.1), (0, 1)), (trapezoid_keyword, (-X, 0.3), (0, 1)),
    (chosen_twice, (X,), 0), (chosen_twice, (-X,), 0), (chosen_twice, (X * [1, -1, 1, 1],), 0),
    (object_of_functions, (X,), 0), (object_of_functions, (-X,), 0),
    (method_of_object_made_inside, (X,), 0), (method_in_a_loop, (X,), 0),
    (method_in_a_loop, (X * 0.1,), 0),
    (lambdas_in_a_list, (X,), 0), (lambdas_in_a_list, (X[::-1] * 2,), 0),
    (lambdas_in_a_dict, (X, X * 0.5), (0, 1)), (lambdas_in_a_dict, (X, -X), 0),
    (defs_in_a_list_reading_locals, (X,), 0), (defs_in_a_list_reading_locals, (-X,), 0),
]


@pytest.mark.parametrize(("f", "args", "wrt"), CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_dynamic_callees_against_differences(f, args, wrt) -> None:
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


@pytest.mark.parametrize("f", [by_data_branch, chosen_twice, object_of_functions,
                               lambdas_in_a_list])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_second_derivatives_through_a_dynamic_callee(f, sign) -> None:
    check_hessian(f, sign * X)


def damp(z):
    z *= 0.5
    return z


def writes_its_argument(x):
    y = x * 2
    f = damp if x[0] > 0 else np.sin
    return np.sum(f(y) * y)


LOG = []


def remember(v):
    LOG.append(v)
    return v * 2


def writes_a_global(x):
    f = remember if x[0] > 0 else np.sin
    return np.sum(f(x))


class Scaled:
    def __init__(self, n):
        self.w = [np.ones(n) for _ in range(2)]
        self.scale = 1.0

    def forward(self, x):
        return np.tanh(self.w[0] * x) * self.scale


def state_set_by_name(x, name="scale"):
    m = Scaled(4)
    setattr(m, name, x[0])  # (a name not known: the object may then hold anything)
    return np.sum(m.forward(x))


def scale_by(s):
    return lambda v: v * s


SCALE3 = scale_by(3.0)


def closure_over_numbers(x):
    f = SCALE3 if x[0] > 0 else np.sin
    return np.sum(f(x))


@pytest.mark.parametrize(("f", "match"), [
    (writes_its_argument, "writes into an array it is given"),
    (writes_a_global, "it changes LOG"),
    (state_set_by_name, "setattr with an attribute name computed at run time"),
    (closure_over_numbers, "reads numbers of the function around it"),
])
def test_callees_whose_derivative_would_be_wrong_are_refused(f, match) -> None:
    with pytest.raises(s2sad.DifferentiationError, match=match):
        s2sad.grad(f)(X)
    assert "test_dynamic_calls.py" in str(pytest.raises(
        s2sad.DifferentiationError, s2sad.grad(f), X).value)


def test_the_other_branch_of_a_refused_callee_runs() -> None:
    check_grad(writes_its_argument, -X)
    check_grad(writes_a_global, -X)
    check_grad(closure_over_numbers, -X)


def compose(*fs):
    def h(x):
        for f in reversed(fs):
            x = f(x)
        return x
    return h


def composed_with_a_lambda(x):
    return np.sum(compose(np.sin, np.exp, lambda z: z ** 2)(x))


def appended_defs(x):
    def sq(v):
        return v ** 2

    fs = []
    fs.append(sq)
    fs.append(np.sin)
    out = 0.0
    for f in fs:
        out = out + np.sum(f(x))
    return out


def def_in_a_tuple(x):
    def cube(v):
        return v ** 3

    pair = (cube, 2.0)
    return np.sum(pair[0](x) * pair[1])


@pytest.mark.parametrize("f", [composed_with_a_lambda, appended_defs, def_in_a_tuple])
@pytest.mark.parametrize("x", [X, -X * 0.5])
def test_defs_reading_no_variable_held_as_values(f, x) -> None:
    check_grad(f, x)
    check_jvp(f, x)


def appended_closure(x):
    w = x[0]

    def scaled(v):
        return v * w

    fs = []
    fs.append(scaled)
    return np.sum(fs[0](x))


def test_a_closure_held_in_a_list_and_called_through_it_is_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match=r"test_dynamic_calls.py:\d+: "
                       "scaled, a def inside the function, held in a list"):
        s2sad.grad(appended_closure)(X)


RNG = np.random.default_rng(0)


def dropout(h):
    mask = RNG.random(h.shape) > 0.3
    return h * mask / 0.7


def identity(h):
    return h


def noisy(h):
    return h + 0.1 * np.random.randn(*h.shape)


def dropout_by_flag(x, train):
    drop = dropout if train else identity
    return np.sum(drop(np.tanh(x)) ** 2)


def noise_by_data(x):
    f = noisy if x[0] > 0 else np.tanh
    return np.sum(f(x) ** 2)


def sampler_by_data(mu):
    draw = np.random.normal if mu[0] > 0 else np.random.laplace
    return np.sum(draw(mu, 1.0))


@pytest.mark.parametrize(("f", "args"), [(dropout_by_flag, (X, True)), (noise_by_data, (X,)),
                                         (sampler_by_data, (X,))])
def test_a_callee_drawing_random_numbers_is_refused(f, args) -> None:
    """Its derivative would run it again, drawing other numbers than the value used."""
    with pytest.raises(s2sad.DifferentiationError, match="it draws random numbers"):
        s2sad.grad(f)(*args)


def test_the_branch_without_draws_runs() -> None:
    check_grad(dropout_by_flag, X, False)
    check_grad(noise_by_data, -X)
