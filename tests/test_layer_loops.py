"""Loops over a model's layers written as users of PyTorch write them:
``for i, layer in enumerate(self.layers)`` (the last layer without activation),
``for i in range(len(self.layers)): h = self.layers[i](h)``, an enumerate of a tuple of
functions, ``zip(self.layers, self.acts)``, ``self.layers[:-1]`` then
``self.layers[-1]``, ``reversed``, a dict of heads (``.items()``, ``.values()`` in a
``sum`` of a generator), a list comprehension over layers.  Were refused naming an
internal name ("call of forward_l: no derivative rule is known"): the loop is unrolled
(``constant_loops``) with its names the items and its indices and keys constants in each
copy, so ``self.layers[i]`` is known.  Checked against finite differences, reverse and
forward mode; a calling name that is not known is refused with advice."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, numerical_grad


class Dense:
    def __init__(self, n_in, n_out, seed):
        r = np.random.default_rng(seed)
        self.W = r.standard_normal((n_out, n_in)) * 0.5
        self.b = r.standard_normal(n_out) * 0.1

    def __call__(self, h):
        return h @ self.W.T + self.b


class Model:
    def __init__(self, widths):
        self.layers = [Dense(a, b, k) for k, (a, b) in enumerate(zip(widths, widths[1:]))]

    def enumerated(self, x):
        h = x
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:  # every layer but the last: both sides taken
                h = np.tanh(h)
        return h[:, 0]

    def indexed(self, x):
        h = x
        for i in range(len(self.layers)):
            h = np.sin(self.layers[i](h)) * (i + 1)
        return h.sum(axis=1)

    def scaled_by_index(self, x):
        h = x
        for i, layer in enumerate(self.layers):
            h = layer(h) / (i + 2.0)
        return h[:, 0] * i  # the index after the loop: the last one


class Heads:
    def __init__(self):
        self.trunk = [Dense(3, 4, 11), Dense(4, 4, 12), Dense(4, 4, 13)]
        self.acts = [np.tanh, np.sin, lambda z: z * 0.5]
        self.heads = {"mean": Dense(4, 1, 14), "spread": Dense(4, 2, 15)}
        self.scales = [1.0, 0.5, 2.0]

    def zipped(self, x):
        h = x
        for layer, act, c in zip(self.trunk, self.acts, self.scales):
            h = c * act(layer(h))
        return h

    def sliced(self, x):
        h = x
        for layer in self.trunk[:-1]:
            h = np.tanh(layer(h))
        return self.trunk[-1](h)

    def backwards(self, x):
        h = np.tanh(self.trunk[0](x))
        for layer in reversed(self.trunk[1:]):
            h = np.sin(layer(h))
        return h

    def by_value(self, x):
        h = np.tanh(self.trunk[0](x))
        return sum(np.sum(head(h) ** 2) for head in self.heads.values())

    def by_item(self, x):
        h, total = np.tanh(self.trunk[0](x)), 0.0
        for name, head in self.heads.items():
            total = total + np.sum(head(h) ** 2) * (2.0 if name == "mean" else 1.0)
        return total

    def listed(self, x):
        outs = [layer(x) for layer in self.trunk[:1]]
        return outs[0] * 3.0


MODEL = Model([3, 5, 4, 1])
HEADS = Heads()
ACTS = (np.tanh, np.sin, np.exp)
_r = np.random.default_rng(7)
X = _r.standard_normal((6, 3))
Y = _r.standard_normal(6)


def enumerated_loss(x):
    return np.mean((MODEL.enumerated(x) - Y) ** 2)


def indexed_loss(x):
    return np.sum(MODEL.indexed(x) ** 2)


def index_after_loop(x):
    return np.sum(MODEL.scaled_by_index(x) ** 2)


def enumerated_functions(x):
    s = 0.0
    for k, act in enumerate(ACTS):
        s = s + (k + 1.0) * np.sum(act(0.5 * x))
    return s


@pytest.mark.parametrize("f", [enumerated_loss, indexed_loss, index_after_loop,
                               enumerated_functions])
def test_indexed_layer_loops(f):
    check_grad(f, X)
    check_jvp(f, X)


def zipped(x):
    return np.sum(HEADS.zipped(x) ** 2)


def sliced(x):
    return np.sum(HEADS.sliced(x) ** 2)


def backwards(x):
    return np.sum(HEADS.backwards(x) ** 2)


def by_value(x):
    return HEADS.by_value(x)


def by_item(x):
    return HEADS.by_item(x)


def listed(x):
    return np.sum(HEADS.listed(x) ** 2)


@pytest.mark.parametrize("f", [zipped, sliced, backwards, by_value, by_item, listed])
def test_loops_over_layers_heads_and_functions(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_a_changed_dict_of_heads_makes_the_derivative_again():
    loss = by_value
    d = s2sad.grad(loss)
    d(X)
    HEADS.heads["extra"] = Dense(4, 3, 16)
    try:
        check_grad(loss, X)  # three heads now, not the two the first one unrolled
        assert np.allclose(d(X), s2sad.grad(loss)(X))
    finally:
        del HEADS.heads["extra"]


def test_enumerated_layers_closed_form():
    """One layer, no activation: the loss is linear least squares, gradient in closed form."""
    model = Model([3, 1])

    def loss(x):
        return np.sum(model.enumerated(x) ** 2)
    W, b = model.layers[0].W, model.layers[0].b
    expected = 2 * np.outer(X @ W[0] + b[0], W[0])
    assert np.allclose(s2sad.grad(loss)(X), expected, rtol=1e-12)


def chosen_at_run_time(x, k):
    g = np.sin if k > 0 else np.cos
    return np.sum(g(x))


@pytest.mark.parametrize("k", [1, -1])
def test_a_function_chosen_at_run_time(k):
    """Was refused (which function the name holds not known); now differentiated when it
    runs (``s2sad/dynamic_calls.py``), each branch against its closed form."""
    expected = np.cos(X) if k > 0 else -np.sin(X)
    assert np.allclose(s2sad.grad(chosen_at_run_time)(X, k), expected, rtol=1e-12)
    check_grad(chosen_at_run_time, X, k)


class Module:  # as PyTorch's: calling a module runs its forward
    def __call__(self, x):
        return self.forward(x)


class Linear(Module):
    def __init__(self, n_in, n_out, seed):
        r = np.random.default_rng(seed)
        self.W, self.b = r.standard_normal((n_out, n_in)) * 0.4, np.zeros(n_out) + 0.1

    def forward(self, x):
        return x @ self.W.T + self.b


class Doubled(Linear):
    def forward(self, x):
        return 2.0 * super().forward(x)


class Sequential(Module):
    def __init__(self, *modules):
        self.modules = list(modules)

    def forward(self, x):
        for m in self.modules:
            x = np.tanh(m(x))
        return x


class Residual(Module):
    def __init__(self, inner):
        self.inner = inner

    def forward(self, x):
        return x + self.inner(x)


class Tree(Module):
    def __init__(self, depth, seed):
        self.w = np.random.default_rng(seed).standard_normal(3)
        self.kids = [Tree(depth - 1, 2 * seed + k) for k in range(2)] if depth else []

    def forward(self, x):
        out = np.tanh(x @ self.w)
        for kid in self.kids:  # (a leaf's list is empty)
            out = out + 0.5 * kid(x)
        return out


NET = Sequential(Linear(3, 4, 0), Residual(Doubled(4, 4, 1)),
                 Sequential(Linear(4, 4, 2), Linear(4, 4, 3)), Linear(4, 1, 4))
TREE = Tree(2, 1)


def module_loss(x):
    return np.sum(NET(x) ** 2)


def module_loss_given(x, net):
    return np.sum(net(x) ** 2)


def tree_loss(x):
    return np.sum(TREE(x) ** 2)


def tree_loss_given(x, tree):
    return np.sum(tree(x) ** 2)


@pytest.mark.parametrize("f, extra", [(module_loss, ()), (module_loss_given, (NET,)),
                                      (tree_loss, ()), (tree_loss_given, (TREE,))])
def test_modules_calling_forward_through_a_base_class(f, extra):
    """``Module.__call__`` running each layer's ``forward`` (one function inlined for
    several objects: was refused as a recursive call), ``super().forward(x)`` (was
    refused), a residual block, a sequence in a sequence, a tree of modules whose leaves
    have no children."""
    if not extra:
        check_grad(f, X)
        check_jvp(f, X)
        return
    # (a model passed: compared by hand, gradcheck's copies of an object never equal it)
    expected = numerical_grad(lambda x: f(x, *extra), (X,))
    np.testing.assert_allclose(s2sad.grad(f)(X, *extra), expected, rtol=1e-6, atol=1e-8)
    tangent = np.linspace(-1, 1, X.size).reshape(X.shape)
    _, t = s2sad.jvp(f)(X, *extra, tangent)
    assert t == pytest.approx(np.sum(expected * tangent), rel=1e-6)


class Stack:
    def __init__(self):
        self.layers = [Dense(3, 3, 21), Dense(3, 3, 22), Dense(3, 3, 23)]

    def per_layer_inputs(self, xs):
        out = 0.0
        for layer, x in zip(self.layers, xs):  # (data zipped beside the layers)
            out = out + np.sum(np.tanh(layer(x)))
        return out

    def scaled(self, x, scales):
        for layer, c in zip(self.layers, scales):
            x = c * np.tanh(layer(x))
        return np.sum(x ** 2)

    def until_small(self, x):
        for i, layer in enumerate(self.layers):
            x = np.tanh(layer(x)) * (1.0 + 0.1 * i)
            if np.mean(x ** 2) < 0.2:  # (data decides how many layers run)
                break
        return np.sum(x)


STACK = Stack()


def zipped_inputs(x):
    return STACK.per_layer_inputs([x, 2.0 * x, x ** 2])


def zipped_shorter(x):
    return STACK.per_layer_inputs([x, np.sin(x)])  # (zip stops after two layers)


def zipped_scales(x, scales):
    return STACK.scaled(x, scales)


def until_small(x):
    return STACK.until_small(x)


@pytest.mark.parametrize("f, args, wrt", [
    (zipped_inputs, (X,), 0), (zipped_shorter, (X,), 0),
    (zipped_scales, (X, np.array([1.0, 0.5, 2.0])), (0, 1)),
    (until_small, (X,), 0), (until_small, (3.0 * X,), 0)])
def test_zipped_data_and_break(f, args, wrt):
    """``zip(self.layers, xs)`` with data beside the layers (also shorter: zip stops),
    and a ``break`` out of a loop over layers: the copies are the branches of a loop
    over their index (were refused)."""
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


def test_the_break_is_taken_at_one_point_and_not_the_other():
    def trips(x):
        n = 0
        for i, layer in enumerate(STACK.layers):
            x = np.tanh(layer(x)) * (1.0 + 0.1 * i)
            n += 1
            if np.mean(x ** 2) < 0.2:
                break
        return n
    assert (trips(X), trips(3.0 * X)) == (2, 3)  # (a break, and none)
