"""What a pass over google/tangent's test functions and harness found (grid of scalars
in [-2, 2], loop counts 1-3, vectors of 3, 5 and 10, reverse, forward, second order in
its three configurations, lists given for vectors), each checked against central
differences or a closed form."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

X = [0.3, -0.2, 0.5]
W = np.array([0.1, 0.4, -0.3])


# ----- a list argument in arithmetic with a NumPy value: NumPy adds elementwise -----

def array_plus_list(x):
    y = np.exp(0.5 * np.asarray(x))
    z = y + x
    return np.sum(z * np.arange(1.0, 4.0)) + np.mean(z)


def list_times_array(x):
    y = np.sin(np.asarray(x))
    z = x * y
    return np.sum(z * z)


def array_minus_list(x):
    y = np.exp(np.asarray(x))
    return np.sum((y - x) * np.arange(1.0, 4.0))


def list_plus_parameter(x, w):
    return np.sum((x + w) ** 2) + np.sum(x * w)


def list_over_parameter(x, w):
    z = (x - 2.0 * w) / (1.0 + w * w)
    return np.sum(z ** 2)


@pytest.mark.parametrize("f", [array_plus_list, list_times_array, array_minus_list])
def test_list_argument_in_array_arithmetic(f):
    """``y + x`` of an array and a list was read as joining lists (the derivative had
    twice the items: a broadcast error), ``x * y`` as repeating the list (a TypeError in
    reverse mode; forward mode silently missed ``y``'s part), ``-dx`` of a list tangent
    failed: the list is read as ``np.asarray(x)``, as NumPy reads it."""
    g = check_grad(f, X)
    assert type(g) is list
    check_vjp(f, X)
    check_jvp(f, X)


@pytest.mark.parametrize("f", [list_plus_parameter, list_over_parameter])
@pytest.mark.parametrize("args", [(X, W), (W, X)], ids=["list-array", "array-list"])
def test_list_and_array_parameters(f, args):
    if f is list_over_parameter and isinstance(args[1], list):
        args = (args[0], W * 2.0)  # (2.0 * a list is Python's TypeError)
    check_grad(f, *args, wrt=(0, 1))
    check_vjp(f, *args, wrt=(0, 1))
    check_jvp(f, *args, wrt=(0, 1))


def repeated_left(a):
    xs = 2 * [a, a * a]
    return sum(xs) + xs[3] * a


def repeated_both(a):
    xs = [a, a * a] * 2
    ys = xs + [a]
    return sum(ys) * ys[-1]


def repeated_by_length(x):
    ys = len(x) * [x[0]]
    return sum(ys) * x[1]


@pytest.mark.parametrize("f, x", [(repeated_left, 1.3), (repeated_both, -0.7),
                                  (repeated_by_length, W)])
def test_int_times_list_repeats(f, x):
    """``2 * [a, b]`` repeats the list as ``[a, b] * 2`` does (its gradient was 0)."""
    check_grad(f, x)
    check_jvp(f, x)


def test_int_times_list_closed_form():
    a = 1.3
    assert s2sad.grad(repeated_left)(a) == pytest.approx(2 + 4 * a + 3 * a * a)


# ----- forward mode of a permutation of a list argument -----

def sorted_weights(x):
    return np.sum(np.sort(x) * np.arange(3.0))


def partitioned(x):
    return np.sum(np.partition(x, 1) * np.arange(1.0, 4.0))


def running_max(x):
    return np.sum(np.maximum.accumulate(x) * np.arange(1.0, 4.0))


@pytest.mark.parametrize("f", [sorted_weights, partitioned, running_max])
@pytest.mark.parametrize("x", [X, [0.5, 0.1, -0.4]])
def test_forward_mode_of_permutations_of_a_list(f, x):
    """The tangent of a list argument is a list: ``np.take_along_axis`` took it for an
    array (an AttributeError reported as an s2sad bug)."""
    check_jvp(f, x)
    check_grad(f, x)


# ----- a grad of a function returning a tuple, a list or a dict -----

def two_outputs(a):
    return 2 * a, a


def listed(a):
    return [a * a, np.sin(a), a]


def keyed(a):
    return {"sq": a * a}


@pytest.mark.parametrize("f, what", [(two_outputs, "tuple of 2"), (listed, "list of 3"),
                                     (keyed, "dict of 1")])
def test_grad_of_a_container_output_is_refused_before_any_call(f, what):
    """The derivative built before a call (``.source``, a grad of a grad) indexed the
    seed 1.0 (``(1.0)[1]``: a TypeError when the grad of a grad ran)."""
    with pytest.raises(s2sad.DifferentiationError, match=f"got a {what} items"):
        print(s2sad.grad(f).source)
    with pytest.raises(s2sad.DifferentiationError, match=r"test_tangent_suite.py:\d+: "):
        s2sad.grad(s2sad.grad(f))(1.3)
    with pytest.raises(s2sad.DifferentiationError, match="scalar output"):
        s2sad.grad(f)(1.3)
    value, g = s2sad.vjp(f)(1.3, f(0.25) if not isinstance(f(0.25), dict) else {"sq": 1.0})
    assert np.isfinite(g)


# ----- a loop over an item of a dict argument that is itself a dict -----

def keys_of_an_item(p):
    s = 0.0
    for k in p["i"]:
        s = s + p["i"][k] ** 2 * p["w"]
    return s


def keys_of_nested_items(p):
    s = 0.0
    for k in p["i"]:
        for m in p["i"][k]:
            s = s + p["i"][k][m] * p["w"] * p["i"][k][m]
    return s


def branch_on_item_values(p):
    s = 0.0
    for k in p["i"]:
        if p["i"][k] > 3.5:
            s = s + p["i"][k] ** 2
        else:
            s = s - np.sin(p["i"][k])
    return s * p["w"]


def values_of_a_listed_item(p):
    s = 0.0
    for v in p["xs"]:
        s = s + v * v
    return s * p["w"]


P = {"i": {"j": 3.0, "k": 4.0}, "w": 0.5}


@pytest.mark.parametrize("f, p", [
    (keys_of_an_item, P),
    (keys_of_nested_items, {"i": {"a": {"x": 1.0, "y": 2.0}, "b": {"z": 3.0}}, "w": 0.5}),
    (branch_on_item_values, P),  # (j takes the else branch, k the if branch)
    (branch_on_item_values, {"i": {"j": 3.0, "k": 3.2}, "w": 0.5}),
    (values_of_a_listed_item, {"xs": [1.0, 2.0, -0.5], "w": 0.3}),
])
def test_loop_over_keys_of_a_dict_item(f, p):
    """``for k in p['i']`` of a dict item went through it by position (``p_item[0]``: a
    KeyError reported as an s2sad bug); only a dict named directly had its keys."""
    g = check_grad(f, p)
    assert set(g) == set(p)
    check_vjp(f, p)
    check_jvp(f, p)


def test_loop_over_keys_of_a_dict_item_closed_form():
    g = s2sad.grad(keys_of_an_item)(P)
    assert g == {"i": {"j": pytest.approx(3.0), "k": pytest.approx(4.0)},
                 "w": pytest.approx(25.0)}
