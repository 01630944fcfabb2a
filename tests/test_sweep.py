"""No wrong number, no crash: spellings, defaults, dict loops, library callables given
themselves, nested jacobians and edited source, each against finite differences or a
closed form."""
from __future__ import annotations

import functools
import importlib
import math
import os
import sys
import time

import numpy as np
import pytest
import scipy.special as sp

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

X = np.array([0.5, -1.0, 2.0])
EPS = 1e-6


# ----- np.r_, np.c_ and einsum's sublists are their usual primitives -----

def r_join(x):
    return np.sum(np.r_[x, x * 2.0, 3.0] ** 2)


def r_join_with_range(x):
    return np.sum(np.r_[0:2, np.sin(x)] * np.arange(5.0))


def r_join_rows(x):
    M = np.outer(x, x)
    return np.sum(np.r_[M, x[None, :]] ** 3)


def c_join(x):
    return np.sum(np.c_[x, x ** 2] @ np.array([1.0, -2.0]))


def einsum_transpose(a):
    return np.sum(np.einsum(a, [0, 1], [1, 0]) * np.arange(6.0).reshape(3, 2))


def einsum_product(a):
    return np.sum(np.einsum(a, [0, 1], a, [1, 2], [0, 2]) ** 2)


def einsum_trace(a):
    return np.einsum(a, [0, 0]) * np.einsum(a, [0, 1], [])


@pytest.mark.parametrize("f", [r_join, r_join_with_range, r_join_rows, c_join])
def test_index_tricks_are_joins(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_r_join_closed_form():
    np.testing.assert_allclose(s2sad.grad(r_join)(X), 10.0 * X)


@pytest.mark.parametrize("f, a", [(einsum_transpose, np.arange(6.0).reshape(2, 3) + 1),
                                  (einsum_product, np.arange(4.0).reshape(2, 2) - 1.5),
                                  (einsum_trace, np.arange(4.0).reshape(2, 2) + 0.5)])
def test_einsum_sublists(f, a):
    check_grad(f, a)
    check_jvp(f, a)


def test_einsum_transpose_closed_form():
    a = np.ones((2, 3))
    np.testing.assert_allclose(s2sad.grad(einsum_transpose)(a), np.arange(6.0).reshape(3, 2).T)


# ----- defaults are the values the function holds -----

def make_scaled():
    k = 2.5

    def scaled(x, k=k):
        return x * x * k
    return scaled


SCALE = 3.0


def scaled_by_global(x, k=SCALE * 2):
    return x * k


def keyword_default(x, *, shift=np.array([1.0, 2.0, 3.0])):  # noqa: B008  (the case tested)
    return np.sum((x - shift) ** 2)


def test_defaults_from_an_enclosing_scope():
    assert s2sad.grad(make_scaled())(1.5) == pytest.approx(2 * 1.5 * 2.5)
    assert s2sad.grad(scaled_by_global)(1.0) == pytest.approx(6.0)
    np.testing.assert_allclose(s2sad.grad(keyword_default)(X), 2 * (X - [1.0, 2.0, 3.0]))
    np.testing.assert_allclose(s2sad.grad(keyword_default)(X, shift=X), 0.0)


# ----- a loop over a dict goes through its keys -----

def over_keys(x):
    d = {"a": x, "b": 2.0 * x}
    s = 0.0
    for k in d:
        s = s + np.sum(d[k] ** 2)
    return s


def over_keys_method(x):
    d = {"a": x, "b": np.sin(x)}
    s = 0.0
    for k in d.keys():
        s = s + np.sum(d[k])
    return s


def over_a_dict_argument(params, x):
    s = 0.0
    for name in params:
        s = s + np.sum(params[name] * x)
    return s


def test_loops_over_dicts():
    np.testing.assert_allclose(s2sad.grad(over_keys)(X), 10.0 * X)
    check_grad(over_keys_method, X)
    params = {"w": np.array([1.0, 2.0, 3.0]), "b": np.array([0.5, 0.5, 0.5])}
    g = s2sad.grad(over_a_dict_argument)(params, X)
    np.testing.assert_allclose(g["w"], X) and np.testing.assert_allclose(g["b"], X)


# ----- joins of an array given as the sequence -----

def column_stack_of_a_vector(x):
    return np.sum(np.column_stack(x) ** 3)


def vstack_of_a_matrix(m):
    return np.sum(np.vstack(m) ** 3)


def hstack_of_a_matrix(m):
    return np.sum(np.hstack(m) ** 3)


@pytest.mark.parametrize("f, a", [(column_stack_of_a_vector, X),
                                  (vstack_of_a_matrix, np.arange(6.0).reshape(2, 3)),
                                  (hstack_of_a_matrix, np.arange(6.0).reshape(2, 3))])
def test_joins_of_an_array(f, a):
    np.testing.assert_allclose(s2sad.grad(f)(a), 3 * a ** 2)
    check_jvp(f, a)


# ----- library callables given themselves -----

def test_library_callables_themselves():
    assert s2sad.grad(np.sin)(1.0) == pytest.approx(math.cos(1.0))
    value, g = s2sad.vjp(sp.logsumexp)(X, 1.0)
    assert value == pytest.approx(sp.logsumexp(X))
    np.testing.assert_allclose(g, np.exp(X - sp.logsumexp(X)))
    _, g = s2sad.vjp(sp.logsumexp)(np.ones((2, 2)), np.ones(2), axis=1)
    np.testing.assert_allclose(g, 0.5)
    value, t = s2sad.jvp(np.einsum, wrt=(1, 2))("i,i", X, X, np.ones(3), np.ones(3))
    assert value == pytest.approx(X @ X) and t == pytest.approx(2 * X.sum())
    np.testing.assert_allclose(s2sad.jacobian(np.sin)(X), np.diag(np.cos(X)))
    np.testing.assert_allclose(s2sad.hessian(sp.logsumexp)(X), np.diag(
        sp.softmax(X)) - np.outer(sp.softmax(X), sp.softmax(X)), atol=1e-12)


# ----- nested jacobians and argument forms -----

def cubes_and_mix(v):
    return v ** 3 + np.sin(v[0]) * v


def test_jacobian_of_a_jacobian():
    x = np.array([1.0, 2.0])
    got = s2sad.jacobian(s2sad.jacobian(cubes_and_mix))(x)
    J = s2sad.jacobian(cubes_and_mix)
    eps = 1e-6
    expected = np.stack([(J(x + eps * e) - J(x - eps * e)) / (2 * eps) for e in np.eye(2)],
                        axis=-1)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # d2/dv0^2 of v0^3 + sin(v0) v0 = 6 v0 + 2 cos(v0) - sin(v0) v0
    assert got[0, 0, 0] == pytest.approx(6.0 + 2 * np.cos(1.0) - np.sin(1.0))


def star_args(*args):
    return args[0] * args[1]


def star_helper(*args, **kwargs):
    return np.sum(np.sin(args[0]) * args[1]) * kwargs.get("scale", 1.0)


def calls_star_helper(x, y):
    return star_helper(x, y) + star_helper(y, x, scale=3.0)


def symmetrized(fun):
    def wrapped(*args):
        return fun(args[0] + args[0].T)
    return wrapped


def sin_sum(a):
    return np.sum(np.sin(a))


SYMMETRIC = symmetrized(sin_sum)


def test_functions_of_star_args_are_differentiated_per_call():
    """autograd's own tests wrap functions as def f(*args): each call's arguments are
    bound to args (a tuple of them) and the body inlined."""
    assert s2sad.grad(star_args)(1.5, 2.0) == 2.0
    assert s2sad.grad(star_args, wrt=1)(1.5, 2.0) == 1.5
    assert s2sad.jvp(star_args)(1.5, 2.0, 1.0) == (3.0, 2.0)
    assert s2sad.vjp(star_args)(1.5, 2.0, 2.0) == (3.0, 4.0)
    x, y = np.array([0.3, 0.7]), np.array([1.0, 2.0])
    gx, gy = s2sad.grad(calls_star_helper, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.cos(x) * y + 3.0 * np.sin(y), rtol=1e-12)
    np.testing.assert_allclose(gy, np.sin(x) + 3.0 * np.cos(y) * x, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(star_helper)(x, y, scale=2.0), 2 * np.cos(x) * y)
    a = np.array([[0.1, 0.2], [0.3, 0.4]])
    np.testing.assert_allclose(s2sad.grad(SYMMETRIC)(a), 2 * np.cos(a + a.T), rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(star_args)(1.5, 2.0), 0.0)
    np.testing.assert_allclose(s2sad.jacobian(star_helper)(x, y), np.cos(x) * y)


def test_one_position_in_a_tuple_gives_a_tuple():
    assert s2sad.grad(lambda a, b: a * b, wrt=(0,))(1.0, 2.0) == (2.0,)
    check_vjp(r_join, X)


# ----- the source read is the function that runs -----

def test_an_edited_file_is_refused_until_reloaded(tmp_path):
    module = tmp_path / "edited_module.py"
    module.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        mod = importlib.import_module("edited_module")
        module.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x * x)\n")
        later = time.time() + 5
        os.utime(module, (later, later))
        with pytest.raises(s2sad.DifferentiationError, match="no longer matches"):
            s2sad.jvp(mod.f)(X, np.ones(3))
        mod = importlib.reload(mod)
        np.testing.assert_allclose(s2sad.grad(mod.f)(X), 3 * X ** 2)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("edited_module", None)


# ----- methods that call other methods of self -----

class Model:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return np.tanh(self.w * x)

    @staticmethod
    def penalty(x):
        return 0.1 * np.sum(x ** 2)

    def loss(self, x):
        return np.sum(self.predict(x) ** 2) + self.penalty(x)


class Shifted(Model):
    def predict(self, x):
        return np.tanh(self.w * x + 1.0)


def test_a_method_calling_other_methods():
    w = np.array([0.5, 0.1, 2.0])
    for model, shift in ((Model(w), 0.0), (Shifted(w), 1.0)):
        t = np.tanh(w * X + shift)
        expected = 2 * t * (1 - t ** 2) * w + 0.2 * X
        np.testing.assert_allclose(s2sad.grad(model.loss)(X), expected, rtol=1e-12)
        check_grad(model.loss, X)


# ----- reverse over reverse through slices and dict arguments -----

def sliced(x):
    return np.sum(x[1:] ** 3) + np.sum(x[::2] ** 2)


def of_a_dict(p):
    return np.sum(p["a"] ** 3) * p["b"]


def test_vjp_of_grad_through_slices():
    u = np.array([1.0, -0.5, 2.0])
    _, hu = s2sad.vjp(s2sad.grad(sliced))(X, u)
    np.testing.assert_allclose(hu, s2sad.hessian(sliced)(X) @ u, rtol=1e-12)
    H = np.diag([2.0, 6 * X[1], 6 * X[2] + 2.0])
    np.testing.assert_allclose(hu, H @ u, rtol=1e-12)


def test_vjp_of_grad_through_a_dict():
    p = {"a": X, "b": 2.0}
    _, hu = s2sad.vjp(s2sad.grad(of_a_dict))(p, {"a": np.ones(3), "b": 1.0})
    np.testing.assert_allclose(hu["a"], 6 * X * 2.0 + 3 * X ** 2)
    assert hu["b"] == pytest.approx(np.sum(3 * X ** 2))


def test_no_rule_parameter_is_named_like_a_template_word():
    from s2sad.rules import registry
    for table in (registry.VJPS, registry.JVPS):
        for key, rule in table.items():
            assert not {"g", "ans", "acc"} & set(rule.sig.params), key


# ----- functions passed as arguments, *args in calls, reduce, gradients inside -----

def relu(z):
    return np.maximum(z, 0.0)


def layer(x, act=np.tanh):
    return np.sum(act(x) * x)


def apply_twice(f, x):
    return f(f(x))


def composed(x, act=np.sin):
    return np.sum(apply_twice(act, x))


@pytest.mark.parametrize("act, expected", [
    (None, lambda x: np.tanh(x) + x * (1 - np.tanh(x) ** 2)),
    (relu, lambda x: np.maximum(x, 0) + x * (x > 0)),
    (np.exp, lambda x: np.exp(x) * (1 + x)),
])
def test_a_function_passed_for_a_parameter(act, expected):
    args = (X,) if act is None else (X, act)
    np.testing.assert_allclose(s2sad.grad(layer)(*args), expected(X), rtol=1e-12)


def test_a_function_passed_on_to_a_helper():
    np.testing.assert_allclose(s2sad.grad(composed)(X), np.cos(np.sin(X)) * np.cos(X))
    np.testing.assert_allclose(s2sad.grad(composed)(X, np.tanh),
                               (1 - np.tanh(np.tanh(X)) ** 2) * (1 - np.tanh(X) ** 2))


def pair_product(a, b):
    return a * b


def spread_a_tuple(x):
    params = (x, x + 1.0)
    return np.sum(pair_product(*params))


def spread_a_shape(x):
    return np.sum(x * np.ones(*x.shape)) + np.sum(x.reshape(*x.shape) ** 2)


def spread_unknown(x, sizes):
    return np.sum(pair_product(*sizes) * x)


def test_star_args_in_calls():
    np.testing.assert_allclose(s2sad.grad(spread_a_tuple)(X), 2 * X + 1)
    np.testing.assert_allclose(s2sad.grad(spread_a_shape)(X), 1 + 2 * X)
    # (pair_product takes two: the list spread as two items, checked when it runs)
    np.testing.assert_allclose(s2sad.grad(spread_unknown)(X, [2.0, 3.0]), np.full(X.shape, 6.0))


def reduce_lambda(x):
    return functools.reduce(lambda a, b: a * b, [x, x, 2.0])


def reduce_function(x):
    return np.sum(functools.reduce(np.add, (x, np.sin(x), x * x)))


def reduce_initial(x):
    return functools.reduce(pair_product, [x, x], 3.0)


def test_reduce_is_unrolled():
    assert s2sad.grad(reduce_lambda)(1.5) == pytest.approx(4 * 1.5)
    np.testing.assert_allclose(s2sad.grad(reduce_function)(X), 1 + np.cos(X) + 2 * X)
    assert s2sad.grad(reduce_initial)(2.0) == pytest.approx(12.0)


def cube(t):
    return t ** 3


DCUBE = s2sad.grad(cube)


def uses_a_global_gradient(x):
    return DCUBE(x) * x


def uses_a_gradient_written_out(x):
    return s2sad.grad(cube)(x) * x


def uses_a_local_gradient(x):
    dg = s2sad.grad(cube)
    return dg(x) * x + dg(2.0 * x)


def test_a_gradient_called_inside_the_function():
    assert s2sad.grad(uses_a_global_gradient)(2.0) == pytest.approx(9 * 4.0)
    assert s2sad.grad(uses_a_gradient_written_out)(2.0) == pytest.approx(9 * 4.0)
    assert s2sad.grad(uses_a_local_gradient)(2.0) == pytest.approx(9 * 4.0 + 24 * 2.0)


# ----- helpers without rules are differentiated through their source: any order works -----

def chol_energy(x):
    A = np.outer(x, x) + np.eye(3) * 3.0
    return np.sum(np.linalg.cholesky(A) ** 2) + np.sum(np.linalg.cholesky(A))


def power_sum(x):
    return np.sum(np.linalg.matrix_power(np.outer(x, x) * 0.3 + np.eye(3), 3))


def einsum_square(x):
    a = np.outer(x, x) + np.diag(x)
    return np.sum(np.einsum("ij,jk->ik", a, a) ** 2)


def product_all(x):
    return np.prod(x) + np.sum(np.cumprod(x))


def dots(x):
    a = np.outer(x, x) + np.eye(3)
    return np.sum(np.linalg.multi_dot([a, a, x]))


@pytest.mark.parametrize("f", [chol_energy, power_sum, einsum_square, product_all, dots])
def test_hessians_through_helpers_without_rules(f):
    x = np.array([0.7, -0.4, 1.1])
    H = s2sad.hessian(f)(x)
    g = s2sad.grad(f)
    eps = 1e-6
    expected = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(3)],
                        axis=-1)
    np.testing.assert_allclose(H, expected, rtol=1e-5, atol=1e-6)


# ----- argnums: JAX's spelling of wrt -----

def two_args(a, b):
    return a * a * b + np.sin(b)


def test_argnums_is_wrt():
    assert s2sad.grad(two_args, argnums=1)(2.0, 0.5) == pytest.approx(4.0 + np.cos(0.5))
    assert s2sad.grad(two_args, argnums=(0, 1))(2.0, 0.5) == pytest.approx((2.0, 4 + np.cos(0.5)))
    value, g = s2sad.value_and_grad(two_args, argnums=0)(2.0, 0.5)
    assert value == pytest.approx(2.0 + np.sin(0.5)) and g == pytest.approx(2.0)
    assert s2sad.hessian(two_args, argnums=1)(2.0, 0.5) == pytest.approx(-np.sin(0.5))
    assert s2sad.jacobian(two_args, argnums=0)(2.0, 0.5) == pytest.approx(2.0)


def test_argnum_is_wrt_as_autograd_spells_it():
    assert s2sad.grad(two_args, argnum=1)(2.0, 0.5) == pytest.approx(4.0 + np.cos(0.5))
    assert s2sad.grad(two_args, argnum=(0, 1))(2.0, 0.5) == pytest.approx((2.0, 4 + np.cos(0.5)))
    _, g = s2sad.vjp(two_args, argnum=1)(2.0, 0.5, 3.0)
    assert g == pytest.approx(3.0 * (4.0 + np.cos(0.5)))
    assert s2sad.hessian(two_args, argnum=1)(2.0, 0.5) == pytest.approx(-np.sin(0.5))
    assert s2sad.jacobian(two_args, argnum=1)(2.0, 0.5) == pytest.approx(4.0 + np.cos(0.5))


# ----- has_aux: a loss that also returns what is not differentiated -----

def loss_with_aux(w, x, y):
    pred = np.tanh(x @ w)
    err = pred - y
    return np.sum(err ** 2), {"pred": pred, "accuracy": np.mean(np.abs(err) < 0.5)}


def vector_with_aux(w):
    return np.sin(w) * 2.0, [w.shape, "note"]


def test_has_aux_in_every_entry_point():
    rng = np.random.default_rng(5)
    w, x, y = rng.standard_normal(3), rng.standard_normal((5, 3)), rng.standard_normal(5)
    value, aux = loss_with_aux(w, x, y)
    expected = np.array([(loss_with_aux(w + EPS * e, x, y)[0] -
                          loss_with_aux(w - EPS * e, x, y)[0]) / (2 * EPS) for e in np.eye(3)])
    for _ in range(2):  # the first call checks the output, later ones run the lean variant
        g, a = s2sad.grad(loss_with_aux, has_aux=True)(w, x, y)
        np.testing.assert_allclose(g, expected, rtol=1e-6)
        np.testing.assert_array_equal(a["pred"], aux["pred"])
    (v, a), g = s2sad.value_and_grad(loss_with_aux, has_aux=True)(w, x, y)
    assert v == pytest.approx(value) and a["accuracy"] == aux["accuracy"]
    np.testing.assert_allclose(g, expected, rtol=1e-6)
    v, g, a = s2sad.vjp(loss_with_aux, has_aux=True)(w, x, y, 2.0)
    np.testing.assert_allclose(g, 2 * expected, rtol=1e-6)
    J, a = s2sad.jacobian(vector_with_aux, has_aux=True)(w)
    np.testing.assert_allclose(J, np.diag(2 * np.cos(w)))
    assert a == [w.shape, "note"]


# ----- a vjp or jvp differentiated again (as autograd's second-order checks do) -----

def sines_times_first(x):
    return np.sin(x) * x[0]


def test_vjp_of_vjp_and_jvp_of_jvp():
    x, u = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -1.0])
    cv, cg = np.array([0.3, 0.1, -0.2]), np.array([1.0, 0.5, 0.25])

    def paired(xx):
        value, grads = s2sad.vjp(sines_times_first)(xx, u)
        return np.sum(value * cv) + np.sum(grads * cg)
    _, g = s2sad.vjp(s2sad.vjp(sines_times_first))(x, u, (cv, cg))
    np.testing.assert_allclose(g, [(paired(x + EPS * e) - paired(x - EPS * e)) / (2 * EPS)
                                   for e in np.eye(3)], rtol=1e-6)
    _, (_, t) = s2sad.jvp(s2sad.jvp(sines_times_first))(x, u, u)

    def tangent(xx):
        return s2sad.jvp(sines_times_first)(xx, u)[1]
    np.testing.assert_allclose(t, (tangent(x + EPS * u) - tangent(x - EPS * u)) / (2 * EPS),
                               rtol=1e-6)
    _, (_, gg) = s2sad.jvp(s2sad.value_and_grad(lambda v: np.sum(v ** 3)))(x, u)
    np.testing.assert_allclose(gg, 6 * x * u)


def guarded_log(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(x > 0, np.log(np.abs(x) + 1e-300), 0.0)
    return np.sum(y * x)


def test_errstate_blocks_are_their_body():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(guarded_log)(x),
                               np.where(x > 0, np.log(np.abs(x)) + 1.0, 0.0))


def uses_another_context(x):
    with open("/dev/null"):
        y = x * 2
    return y


def test_other_with_blocks_are_refused():
    with pytest.raises(s2sad.DifferentiationError, match="with statement"):
        s2sad.grad(uses_another_context)(1.0)


def uses_get(d, w):
    return np.sum(d.get("c", w) * 3.0) + np.sum(d.get("a") ** 2) + np.sum(d.get("b", 0.0))


def test_dict_get_in_both_cases():
    """d.get(key, default): the entry when the key is there, the default otherwise."""
    w = np.array([1.0, 2.0])
    with_c = {"a": np.array([1.0, -1.0]), "b": np.arange(3.0), "c": np.array([5.0, 6.0])}
    without_c = {"a": np.array([1.0, -1.0]), "b": np.arange(3.0)}
    gd, gw = s2sad.grad(uses_get, wrt=(0, 1))(with_c, w)
    np.testing.assert_allclose(gd["c"], [3.0, 3.0])
    np.testing.assert_allclose(gd["a"], [2.0, -2.0])
    np.testing.assert_allclose(gd["b"], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(gw, 0.0)
    gd, gw = s2sad.grad(uses_get, wrt=(0, 1))(without_c, w)
    np.testing.assert_allclose(gw, [3.0, 3.0])
    assert set(gd) == {"a", "b"}
    _, t = s2sad.jvp(uses_get, wrt=1)(without_c, w, np.array([1.0, -2.0]))
    assert t == pytest.approx(-3.0)
