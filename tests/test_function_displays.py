"""A local list, tuple or dict of known functions (``acts = {"out": relu}``, ``fs =
[np.tanh, np.sin]``) read by a constant index or a loop, and an object whose
``__init__`` stores a function (``self.act = np.tanh``): the calls known when the
derivative is made (compiler/function_displays.py, class_records).  Were refused:
which function the name holds not known.  Gradients against central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.5, 0.8, 1.1])


def relu(z):
    return np.maximum(z, 0.0)


def loop_over_a_local_list(x):
    fs = [np.tanh, np.sin]
    h = x
    for f in fs:
        h = f(h)
    return np.sum(h)


def dict_of_activations(x):
    acts = {"hidden": np.tanh, "out": relu}
    return np.sum(acts["out"](acts["hidden"](x) - 0.2))


def items_of_a_dict(x):
    acts = {"t": np.tanh, "r": relu}
    s = 0.0
    for name, f in acts.items():
        s = s + np.sum(f(x)) * len(name)
    return s


def generator_over_a_tuple(x):
    fs = (np.sin, np.cos, np.exp)
    return sum(np.sum(f(x)) for f in fs) + len(fs)


def reversed_and_enumerated(x):
    fs = [np.sin, np.cos]
    h = x
    for f in reversed(fs):
        h = f(h)
    for i, f in enumerate(fs[::-1]):
        h = h + f(h) * i
    return np.sum(h)


def display_indexed_directly(x):
    return np.sum([np.tanh, relu][1](x)) + np.sum({"a": np.sin, "b": np.cos}["b"](x))


def negative_index_in_a_loop(x):
    layers = [np.tanh, relu, np.sin]
    s = 0.0
    for k in range(3):
        s = s + np.sum(layers[-1](x * (k + 1)))
    return s


class Tanh:
    def __init__(self, w):
        self.w = w
        self.act = np.tanh

    def __call__(self, x):
        return np.sum(self.act(x * self.w))

    def loss(self, x):
        return np.sum(self.act(x) * self.w)


def object_called(x):
    m = Tanh(2.0)
    return m(x)


def object_method(x):
    m = Tanh(2.0)
    return m.loss(x)


def attribute_called(x):
    m = Tanh(0.5)
    return np.sum(m.act(x)) * m.w


CASES = [loop_over_a_local_list, dict_of_activations, items_of_a_dict,
         generator_over_a_tuple, reversed_and_enumerated, display_indexed_directly,
         negative_index_in_a_loop, object_called, object_method, attribute_called]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, X.copy())
    check_jvp(f, X.copy())


def test_closed_form():
    g = s2sad.grad(dict_of_activations)(X)
    z = np.tanh(X) - 0.2
    assert np.allclose(g, (z > 0) * (1 - np.tanh(X) ** 2))


def list_appended_to(x):
    fs = [np.sin, np.cos]
    fs.append(np.exp)
    return sum(np.sum(f(x)) for f in fs)


def chosen_by_a_branch(x):
    if x[0] > 0:
        fs = [np.sin, np.cos]
    else:
        fs = [np.cos, np.sin]
    return np.sum(fs[0](x))


def key_written_twice(x):
    return np.sum({"a": np.sin, "a": np.cos}["a"](x))  # noqa: F601 (Python keeps cos)


@pytest.mark.parametrize("f, x", [(list_appended_to, X), (chosen_by_a_branch, X),
                                  (chosen_by_a_branch, -X), (key_written_twice, X)])
def test_what_it_does_not_read_in_place_is_right_or_refused(f, x):
    try:
        check_grad(f, x.copy())
    except s2sad.DifferentiationError as e:
        assert "test_function_displays.py" in str(e)


@pytest.mark.parametrize("f", [loop_over_a_local_list, items_of_a_dict, object_method],
                         ids=lambda f: f.__name__)
def test_second_order(f):
    check_hessian(f, X.copy())
