"""A dict of parameters updated while its keys are iterated (``for k, v in
p.items(): p[k] = ...``, ``p.keys()``, ``list(p.keys())``): the keys of a dict hold no
array (an array is not hashable), so a write into the dict does not change them.  Was
refused as a write into memory the keys view shares.  Gradients against central
differences; a write into the arrays the dict holds stays refused."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -0.5, 0.8, 1.1, -0.2])


def scaled_items(x):
    d = {"a": x[0], "b": x[1:]}
    for k, v in d.items():
        d[k] = v * 2
    return d["a"] * np.sum(d["b"])


def sgd_step_items(x):
    p = {"w": x[:3], "b": x[3]}
    g = {"w": np.ones(3), "b": 0.5}
    for k, v in p.items():
        p[k] = v - 0.1 * g[k] * v
    return np.sum(p["w"] ** 2) + p["b"] ** 2


def squared_key_list(x):
    p = {"w": x[:3], "b": x[3]}
    for k in list(p.keys()):
        p[k] = p[k] ** 2
    return np.sum(p["w"]) * p["b"]


def tanh_keys_view(x):
    p = {"w": x[:3], "b": x[3]}
    for k in p.keys():
        p[k] = np.tanh(p[k])
    return np.sum(p["w"]) * p["b"]


def later_value_read_live(x):
    """``d.items()`` is a live view: the third trip reads the ``c`` the first two wrote."""
    d = {"a": x[0], "b": x[1], "c": x[2]}
    for _k, v in d.items():
        d["c"] = d["c"] + v * x[3]
    return d["c"]


def sorted_keys_scaled_by_a_value(x):
    d = {"w": x[:3] * 1.0, "b": x[3:] * 1.0}
    for k in sorted(d.keys()):
        d[k] = d[k] * np.sum(d["b"])
    return np.sum(d["w"] ** 2) + np.sum(d["b"])


def training_loop_over_names(x):
    params = {"w": x[:3].copy(), "b": x[3]}
    grads = {"w": 2 * x[:3], "b": 2 * x[3]}
    for _ in range(3):
        for name in tuple(params):
            params[name] = params[name] - 0.1 * grads[name] * params[name]
    return np.sum(params["w"] ** 2) + params["b"] ** 2


CASES = [scaled_items, sgd_step_items, squared_key_list, tanh_keys_view,
         later_value_read_live, sorted_keys_scaled_by_a_value, training_loop_over_names]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, X.copy())
    check_jvp(f, X.copy())


def test_live_view_closed_form():
    # c1 = c + a t, c2 = c1 + b t, then v is c2 (the live view): c3 = c2 (1 + t)
    x = X.copy()
    a, b, c, t = x[:4]
    c2 = c + (a + b) * t
    assert later_value_read_live(x) == pytest.approx(c2 * (1 + t))
    g = s2sad.grad(later_value_read_live)(x)
    assert np.allclose(g, [t * (1 + t), t * (1 + t), 1 + t, (a + b) * (1 + t) + c2, 0.0])


def write_through_a_value(x):
    d = {"w": x[:3] * 1.0, "b": x[3:] * 1.0}
    for _k, v in d.items():
        v *= 2.0
    return np.sum(d["w"] ** 2) + np.sum(d["b"])


def write_into_a_users_view(x):
    d = {"w": x[:3], "b": x[3:]}
    for _k, v in d.items():
        v[0] = 0.0
    return np.sum(d["w"] ** 2)


@pytest.mark.parametrize("f", [write_through_a_value, write_into_a_users_view])
def test_writes_into_the_values_stay_refused(f):
    x = X.copy()
    with pytest.raises(s2sad.DifferentiationError, match=r"test_dict_updates.py:\d+: in-place"):
        s2sad.grad(f)(x)
    assert np.array_equal(x, X)
