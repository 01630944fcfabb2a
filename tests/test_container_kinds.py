"""Derivatives specialised to the shapes of the arrays a list, tuple or dict argument
holds (call_kinds.kinds_of, dims.Keyed / dims.Items): the helpers those shapes make plain
go, broadcasting that the shapes still need is undone, and each shape class of the
items gets its own variant.  Gradients against central finite differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp
from s2sad.call_kinds import kinds_of, shape_signature
from s2sad.compiler import dims


def dict_layer(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return np.sum(h ** 2) * params["scale"]


def list_layers(params, x):
    h = np.tanh(params[0] @ x + params[1])
    return np.sum((params[2] @ h) ** 2)


def tuple_pair(wb, x):
    W, b = wb
    return np.sum(np.sin(W @ x) * b)


@pytest.mark.parametrize("b_shape", [(3,), (1,)])
def test_a_dict_of_arrays_gets_code_for_its_shapes(rng, b_shape) -> None:
    params = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(b_shape),
              "scale": 1.5}
    x = rng.standard_normal(2)
    check_grad(dict_layer, params, x)
    check_jvp(dict_layer, params, x)
    g = s2sad.grad(dict_layer)
    g(params, x)
    if b_shape == (3,):
        assert "unbroadcast" not in g.source and "repeat_to" not in g.source
    else:  # b of one element added to three: its adjoint is summed (closed form)
        h = np.tanh(params["W"] @ x + params["b"])
        np.testing.assert_allclose(g(params, x)["b"], [np.sum(3.0 * h * (1 - h * h))])


def test_the_same_function_on_dicts_of_other_shapes(rng) -> None:
    g = s2sad.grad(dict_layer)
    x = rng.standard_normal(2)
    for b_shape in [(3,), (1,), (3,)]:
        params = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(b_shape),
                  "scale": 0.5}
        h = np.tanh(params["W"] @ x + params["b"])
        db = 2 * 0.5 * h * (1 - h * h)  # closed form, summed where b broadcast
        expected = db if b_shape == (3,) else np.sum(db, keepdims=True)
        np.testing.assert_allclose(g(params, x)["b"], expected)


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_or_tuple_of_arrays(rng, container) -> None:
    params = container([rng.standard_normal((4, 3)), rng.standard_normal(4),
                        rng.standard_normal((2, 4))])
    x = rng.standard_normal(3)
    check_grad(list_layers, params, x)
    g = s2sad.grad(list_layers)
    g(params, x)
    assert "unbroadcast" not in g.source
    wb = container([rng.standard_normal((2, 3)), rng.standard_normal(2)])
    check_grad(tuple_pair, wb, x)
    check_jvp(tuple_pair, wb, x)


def test_kinds_of_containers() -> None:
    W, b = np.zeros((5, 2)), np.zeros(5)  # (lengths not one apart: test_offset_lengths)
    _, ranks = kinds_of(({"W": W, "b": b, "s": 1.0}, np.zeros(2)))
    # (lengths under 16: symbols of short lengths, a_s)
    assert ranks == ((0, dims.Keyed((("W", ("a_s", "b_s")), ("b", ("a_s",)), ("s", ())))),
                     (1, ("b_s",)))
    assert kinds_of(([W, b],))[1] == ((0, dims.Items((("a_s", "b_s"), ("a_s",)))),)
    # a list of numbers only: its items are numbers, one variant for every length
    assert kinds_of(([1.0, 2.0],))[1] == kinds_of(([1.0] * 40,))[1] == \
        ((0, dims.Elements(())),)
    assert kinds_of(((1.0, 2.0),))[1] == ()  # a tuple of them: generic
    assert kinds_of(([1.0, np.zeros(2)] * 9,))[1] == ()  # numbers and arrays: generic
    # long lists: one variant for every length, by their items' shape when they share one
    assert kinds_of(([np.zeros(2)] * 17,))[1] == ((0, dims.Elements(("a_s",))),)
    assert kinds_of(([np.zeros(2)] * 16 + [np.zeros(3)],))[1] == ()
    assert shape_signature(([np.zeros(2)] * 17,)) == shape_signature(([np.ones(2)] * 30,))
    assert shape_signature(([np.zeros(2)] * 17,)) != shape_signature(([np.zeros(1)] * 17,))
    assert shape_signature(({"W": W},)) != shape_signature(({"W": np.zeros((3, 1))},))
    assert shape_signature(({"W": W},)) == shape_signature(({"W": np.ones((5, 4))},))


def many_items(ws, x):
    total = 0.0
    for w in ws:
        total = total + np.sum(w * x)
    return total


def test_long_lists_and_numbers_only(rng) -> None:
    x = rng.standard_normal(3)
    check_grad(many_items, [rng.standard_normal(3) for _ in range(20)], x)
    check_grad(many_items, [0.5, 1.5, -2.0], x)


# ----- an item of a container replaced by one of another shape: the cleared adjoint
# (runtime.zero_at) is replaced, not added to, by the old item's adjoint -----

def widened_bias(p, x):
    q = {"W": p["W"], "b": p["b"]}
    q["b"] = q["b"] * np.ones(3)  # (1,) -> (3,)
    return np.sum(np.tanh(q["W"] @ x + q["b"]) ** 2)


def sliced_copy(p, x):
    q = dict(p)
    q["W"] = q["W"][:2]
    return np.sum(np.tanh(q["W"] @ x) + q["b"][:1])


def written_twice(p, x):
    q = dict(p)
    q["W"] = q["W"] * 2.0
    q["W"] = q["W"][1:]
    return np.sum(np.sin(q["W"] @ x))


def list_item_sliced(ws, x):
    ws = list(ws)
    ws[0] = ws[0][:, :2]
    return np.sum(ws[0] @ x[:2]) + np.sum(ws[1] * x)


@pytest.mark.parametrize("f", [widened_bias, sliced_copy, written_twice])
def test_a_dict_item_replaced_by_another_shape(rng, f) -> None:
    p = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(1)}
    check_grad(f, p, rng.standard_normal(2))
    check_jvp(f, p, rng.standard_normal(2))


def test_a_list_item_replaced_by_another_shape(rng) -> None:
    ws = [rng.standard_normal((2, 3)), rng.standard_normal(3)]
    check_grad(list_item_sliced, ws, rng.standard_normal(3), wrt=(0, 1))


def list_item_of_an_intermediate(x):
    b = np.sin(x)
    xs = [x, b]
    xs[1] = x * 3.0  # b's adjoint: zero
    return np.sum(xs[1] * xs[0])


def dict_item_of_an_intermediate(x):
    b = np.sin(x)
    d = {"a": x, "b": b}
    d["b"] = x * 3.0
    return np.sum(d["b"] * d["a"])


def shorter_item_from_a_tuple(x):
    b = np.sin(x)
    ys = list((x, b))
    ys[1] = x[:2] * 3.0  # (3,) -> (2,): b's adjoint is zero of b's shape
    return np.sum(ys[1]) + np.sum(ys[0] * b)


@pytest.mark.parametrize("f", [list_item_of_an_intermediate, dict_item_of_an_intermediate,
                               pytest.param(shorter_item_from_a_tuple, marks=pytest.mark.xfail(
                                   strict=True, raises=s2sad.DifferentiationError,
                                   reason="the cleared item has the new item's shape and is "
                                   "read as b's adjoint: a broadcast error (also before), "
                                   "never a wrong number"))])
def test_an_overwritten_item_of_an_intermediate_gets_no_gradient(f) -> None:
    x = np.array([0.3, -0.5, 1.2])
    check_grad(f, x)
    check_jvp(f, x)


def replaced_product_in_a_list(W, x):
    h = W @ x
    xs = [x, h]
    xs[1] = x * 3.0  # h's adjoint: zero, a vector (the matmul adjoint needs one)
    return np.sum(xs[1] * xs[0])


def replaced_product_in_a_dict(W, x):
    d = {"h": W @ x, "x": x}
    d["h"] = np.tanh(x)
    return np.sum(d["h"] * d["x"])


@pytest.mark.parametrize("f", [replaced_product_in_a_list, replaced_product_in_a_dict])
def test_an_overwritten_product_gets_a_zero_of_its_shape(rng, f) -> None:
    W, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(f, W, x, wrt=(0, 1))
    check_jvp(f, W, x, wrt=(0, 1))
    np.testing.assert_array_equal(s2sad.grad(f)(W, x), np.zeros((3, 3)))  # closed form
