"""Nested containers as arguments (a list of ``(W, b)`` tuples, a list of dicts, a dict
of tuples): the variant is specialised to their structure and item shapes
(``call_kinds._container``), a loop over such a list is unrolled (``loops._unrolled``),
and the adjoint of a container is built as one display (``assemble``).  Gradients
against central finite differences, both branches of every data-dependent if."""
import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp
from s2sad.call_kinds import kinds_of, shape_signature
from s2sad.compiler import dims


def _loops(source: str) -> bool:
    """Whether generated source has a loop (not a comment quoting one)."""
    return re.search(r"^\s*for ", source, re.M) is not None


def layers(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.mean(h ** 2)


def layer_params(rng, sizes, container=tuple):
    return [container((0.5 * rng.standard_normal((a, b)), 0.1 * rng.standard_normal(b)))
            for a, b in zip(sizes[:-1], sizes[1:])]


def test_a_list_of_pairs_gets_code_for_its_structure(rng) -> None:
    params = layer_params(rng, [4, 6, 5, 1])
    x = rng.standard_normal((7, 4))
    grads = check_grad(layers, params, x)
    assert type(grads) is list and all(type(p) is tuple for p in grads)
    check_vjp(layers, params, x)
    check_jvp(layers, params, x)
    check_grad(layers, params, x, wrt=(0, 1))
    g = s2sad.grad(layers)
    g(params, x)
    for helper in ("add_at", "stack", "unbroadcast", "matmul_lhs_adjoint"):
        assert helper not in g.source, helper


def test_the_same_function_on_other_layer_widths(rng) -> None:
    g = s2sad.grad(layers)
    for sizes in ([4, 6, 1], [4, 3, 3, 2], [4, 1]):
        params = layer_params(rng, sizes, list)
        x = rng.standard_normal((5, 4))
        grads = g(params, x)
        W, b = params[-1]
        if len(sizes) == 2:  # one layer: the closed form
            h = np.tanh(x @ W + b)
            dz = 2.0 * h * (1 - h * h) / h.size
            np.testing.assert_allclose(grads[0][0], x.T @ dz)
            np.testing.assert_allclose(grads[0][1], dz.sum(axis=0))
        check_grad(layers, params, x)


def branchy_layers(params, x):
    h = x
    for W, b in params:
        if np.sum(W) > 0.0:
            h = np.tanh(h @ W + b)
        else:
            h = np.sin(h @ W) * b
    return np.sum(h ** 2)


@pytest.mark.parametrize("signs", [(1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)])
def test_a_branch_inside_the_unrolled_loop(rng, signs) -> None:
    params = [(sign * np.abs(rng.standard_normal((3, 3))), rng.standard_normal(3))
              for sign in signs]
    x = rng.standard_normal((2, 3))
    check_grad(branchy_layers, params, x, wrt=(0, 1))
    check_jvp(branchy_layers, params, x)


def dict_layers(layers_, x):
    h = x
    for layer in layers_:
        h = np.tanh(h @ layer["W"] + layer["b"]) * layer["scale"]
    return np.sum(h ** 2)


def test_a_list_of_dicts(rng) -> None:
    layers_ = [{"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4), "scale": 0.7},
               {"W": rng.standard_normal((4, 2)), "b": rng.standard_normal(1), "scale": 1.3}]
    x = rng.standard_normal((5, 3))
    grads = check_grad(dict_layers, layers_, x)
    assert [type(d) for d in grads] == [dict, dict] and type(grads[1]["scale"]) is float
    check_vjp(dict_layers, layers_, x)


def encoder(p, x):
    W, b = p["enc"]
    h = np.tanh(W @ x + b)
    return np.sum(h * p["dec"][1])  # p["dec"][0] and p["unused"] get zeros


def test_a_dict_of_tuples_with_items_never_read(rng) -> None:
    p = {"enc": (rng.standard_normal((3, 2)), rng.standard_normal(3)),
         "dec": (rng.standard_normal((2, 3)), rng.standard_normal(3)),
         "unused": rng.standard_normal(2)}
    x = rng.standard_normal(2)
    grads = check_grad(encoder, p, x)
    np.testing.assert_array_equal(grads["dec"][0], np.zeros((2, 3)))
    np.testing.assert_array_equal(grads["unused"], np.zeros(2))
    assert type(grads["enc"]) is tuple
    check_jvp(encoder, p, x)


def stopped_early(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
        if np.max(np.abs(h)) < 0.05:
            break
    return np.sum(h ** 2)


def rebinds(params, x):
    params = params[1:]
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h ** 2)


@pytest.mark.parametrize("scale", [1.0, 1e-4])
def test_loops_that_stay_loops(rng, scale) -> None:
    """A break (both ways: taken with tiny weights) and a rebound list: not unrolled."""
    params = [(scale * rng.standard_normal((3, 3)), scale * rng.standard_normal(3))
              for _ in range(3)]
    x = rng.standard_normal((2, 3))
    check_grad(stopped_early, params, x, wrt=(0, 1))
    check_grad(rebinds, params, x)
    g = s2sad.grad(stopped_early)
    g(params, x)
    assert _loops(g.source)


def many(ws, x):
    total = 0.0
    for w in ws:
        total = total + np.sum(np.sin(w * x))
    return total


@pytest.mark.parametrize("n", [3, 12])
def test_a_list_longer_than_what_is_unrolled(rng, n) -> None:
    x = rng.standard_normal(4)
    ws = [rng.standard_normal(4) for _ in range(n)]
    check_grad(many, ws, x, wrt=(0, 1))
    g = s2sad.grad(many)
    g(ws, x)
    assert _loops(g.source) == (n > 8)


def test_kinds_of_nested_containers() -> None:
    W, b = np.zeros((5, 2)), np.zeros(5)  # (lengths not one apart: test_offset_lengths)
    _, ranks = kinds_of(([(W, b), (np.zeros((2, 2)), np.zeros(2))],))
    assert ranks == ((0, dims.Items((dims.Items((("a_s", "b_s"), ("a_s",))),
                                     dims.Items((("b_s", "b_s"), ("b_s",)))))),)
    _, ranks = kinds_of(({"enc": (W, 1.0)},))
    assert ranks == ((0, dims.Keyed((("enc", dims.Items((("a_s", "b_s"), ()))),))),)
    assert kinds_of(([(1.0, 2.0)],))[1] == ()  # numbers only: generic
    # remembered by concrete shapes: the same answer as worked out afresh
    one = shape_signature(([(W, b)], np.zeros(2)))
    assert shape_signature(([(W, b)], np.zeros(2))) == one
    assert shape_signature(([(np.zeros((3, 1)), b)], np.zeros(2))) != one
    assert shape_signature(([(np.ones((6, 4)), np.ones(6))], np.zeros(4)))[0] == one[0]


def test_a_repeated_call_after_the_list_changed(rng) -> None:
    """The fast path checks the concrete shapes of the list: a layer appended in place,
    an item replaced by one of another shape, all give their own (checked) gradients."""
    g = s2sad.grad(layers)
    params = layer_params(rng, [3, 4, 2], list)
    x = rng.standard_normal((5, 3))
    for _ in range(2):
        g(params, x)
    params.append([rng.standard_normal((2, 2)), rng.standard_normal(2)])
    np.testing.assert_allclose(g(params, x)[2][0], check_grad(layers, params, x)[2][0])
    params[0][1] = rng.standard_normal(1)  # a bias broadcast over the four units
    got = g(params, x)
    assert got[0][1].shape == (1,)
    np.testing.assert_allclose(got[0][1], check_grad(layers, params, x)[0][1])


def total_of(xs, w):
    return lse_like(w, xs)


def lse_like(w, xs):
    total = 0.0
    for x in xs:
        total = total + np.sum(np.sin(x * w))
    return total


def test_a_list_passed_on_to_a_helper_is_unrolled_there(rng) -> None:
    xs, w = [rng.standard_normal(3) for _ in range(4)], rng.standard_normal(3)
    check_grad(total_of, xs, w, wrt=(0, 1))
    g = s2sad.grad(total_of)
    g(xs, w)
    assert not _loops(g.source) and "add_at" not in g.source


# ----- np.array of a nested list of numbers (a 2x2 rotation built per step) -----

def rotations(thetas, v):
    M = np.eye(2)
    for k in range(thetas.shape[0]):
        c = np.cos(thetas[k])
        s = np.sin(thetas[k])
        M = np.array([[c, -s], [s, c]]) @ M
    return np.sum((M @ v) ** 2) + M[0, 1]


def scaled_rows(a, b):
    R = np.array([[a, 2.0 * b], [a * b, 1.0]])
    return np.sum(np.tanh(R) ** 2)


def ragged_rows(a, b):
    return np.sum(np.array([a, b]) * np.array([[a], [b]]))


def test_rotation_products_against_finite_differences(rng) -> None:
    thetas, v = rng.standard_normal(5), rng.standard_normal(2)
    check_grad(rotations, thetas, v, wrt=(0, 1))
    check_jvp(rotations, thetas, v)
    g = s2sad.grad(rotations)
    g(thetas, v)
    for helper in ("array_adjoint", "matmul_lhs_adjoint", "matmul_rhs_adjoint"):
        assert helper not in g.source, helper
    # the closed form: M rotates by the sum of the angles
    t = np.sum(thetas)
    Mv = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ v
    dt = -np.cos(t)  # (|M v|^2 does not depend on t; M[0, 1] = -sin t)
    np.testing.assert_allclose(g(thetas, v), np.full(5, dt))
    np.testing.assert_allclose(np.sum(Mv ** 2), np.sum(v ** 2))


@pytest.mark.parametrize("f", [scaled_rows, ragged_rows])
def test_arrays_of_numbers_and_their_adjoints(f) -> None:
    check_grad(f, 0.7, -1.3, wrt=(0, 1))
    check_grad(f, np.float64(0.2), 0.4, wrt=(0, 1))
    grads = s2sad.grad(f, wrt=(0, 1))(0.7, -1.3)
    assert all(type(x) is float for x in grads)


def test_array_adjoint_of_rows_of_numbers() -> None:
    from s2sad.runtime import array_adjoint
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert array_adjoint(g, [[0.5, 1], [2.0, np.float64(3.0)]]) == [[1.0, 2.0], [3.0, 4.0]]
    assert array_adjoint(g, ([0.5, 1.0], [2.0, 3.0])) == ([1.0, 2.0], [3.0, 4.0])
    assert array_adjoint(g.ravel(), [[0.5, 1.0], [2.0, 3.0]]) == [[1.0, 2.0], [3.0, 4.0]]
    rows = array_adjoint(g + 1j, [[0.5, 1.0], [2.0, 3.0]])  # a real number's: real
    assert rows == [[1.0, 2.0], [3.0, 4.0]] and type(rows[0][0]) is float


def by_index(params, x):
    h = x
    for i in range(len(params)):
        W, b = params[i]
        h = np.tanh(h @ W + b)
    return np.mean(h ** 2)


def by_enumerate(params, x):
    h = x
    total = 0.0
    for i, (W, b) in enumerate(params):
        h = np.tanh(h @ W + b)
        total = total + (i + 1) * np.sum(W ** 2)
    return np.mean(h ** 2) + 0.01 * total


def by_index_with_a_branch(params, x):
    h = x
    for i in range(len(params)):
        if i == len(params) - 1:  # the last layer linear
            h = h @ params[i][0] + params[i][1]
        else:
            h = np.tanh(h @ params[i][0] + params[i][1])
    return np.sum(h ** 2)


@pytest.mark.parametrize("f", [by_index, by_enumerate, by_index_with_a_branch])
def test_index_and_enumerate_loops_over_the_layers(rng, f) -> None:
    params = layer_params(rng, [3, 5, 4, 2])
    x = rng.standard_normal((6, 3))
    check_grad(f, params, x, wrt=(0, 1))
    check_jvp(f, params, x)
    g = s2sad.grad(f)
    g(params, x)
    assert not _loops(g.source)
    if f is not by_index_with_a_branch:  # (its if on i == len(params) - 1 stays an if)
        assert "add_at" not in g.source
    check_grad(f, layer_params(rng, [3, 2]), x)  # one layer: the branch's other way only


def tied(p, x):
    h = np.tanh(x @ p["W"] + p["b"])
    return np.sum((h @ p["W"].T) ** 2) + np.sum(p["b"] ** 2)


def tied_pair(wb, x):
    W, b = wb
    h = np.sin(x @ W + b)
    return np.sum(h @ wb[0].T) + np.sum(wb[1] * h)


def test_items_read_twice_have_their_parts_summed(rng) -> None:
    p = {"W": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    x = rng.standard_normal((5, 4))
    check_grad(tied, p, x, wrt=(0, 1))
    check_grad(tied_pair, (p["W"], p["b"]), x, wrt=(0, 1))
    check_vjp(tied_pair, [p["W"], p["b"]], x)
    for f, arg in ((tied, p), (tied_pair, (p["W"], p["b"]))):
        g = s2sad.grad(f)
        g(arg, x)
        assert "add_at" not in g.source, f.__name__
