"""User programs of kinds the other tests do not hold (tests/user_programs48.py), each
checked against central differences in float64: gradient, forward mode, and the
Hessian where the argument is one array."""
from __future__ import annotations

import functools

import numpy as np
import pytest

import s2sad
import user_programs48 as U
from gradcheck import check_grad, check_hessian, check_jvp

RNG = np.random.default_rng(48)
X = RNG.standard_normal((6, 3))
Y = RNG.standard_normal(6)
W = RNG.standard_normal(3)
LABELS = np.array([0, 1, 1, 0, 1, 0])
PARAMS = {"layers": [{"W": RNG.standard_normal((3, 4)) * 0.5, "b": RNG.standard_normal(4)},
                     {"W": RNG.standard_normal((4, 4)) * 0.5, "b": RNG.standard_normal(4)}],
          "out": RNG.standard_normal((4, 2))}
LAYERS = [(RNG.standard_normal((4, 3)), RNG.standard_normal(4)),
          (RNG.standard_normal((2, 4)), RNG.standard_normal(2))]

CASES = {  # name: (function, arguments, wrt, hessian too)
    "dict_of_layers": (U.mlp_loss, (PARAMS, X, LABELS), 0, False),
    "method_of_a_model": (U.Linear(1.5).loss, (W, X, Y), 0, True),
    "kwargs_and_defaults": (functools.partial(U.ridge, lam=0.2, l1=0.1, huber=True),
                            (W, X, Y), 0, True),
    "adaptive_while_continue": (U.adaptive_decay, (0.7,), 0, False),
    "adaptive_while_break": (U.adaptive_decay, (2.5,), 0, False),
    "tuple_tree_recursion": (U.tree_loss, (np.array([0.5, -0.3, 0.8]),), 0, True),
    "string_switch_tanh": (U.config_net, (RNG.standard_normal((4, 3)), W,
                                          {"act": "tanh", "loss": "sq"}), 0, True),
    "string_switch_softplus_l2": (U.config_net, (RNG.standard_normal((4, 3)), W, {
        "act": "softplus", "loss": "abs", "norm": "l2"}), 0, True),
    "rng_inside": (functools.partial(U.dropout_loss, seed=3), (W, X), 0, True),
    "math_with_np": (U.math_mix, (np.array([0.3, 0.7, -1.2]),), 0, True),
    "int_and_flag_arguments": (U.int_flag, (0.7, 4, True), 0, False),
    "namedtuple_gp": (U.gp_nll, (U.GP(0.1, 0.2, -1.0), X, Y), 0, False),
    "nested_list_tuple": (U.nested_loss, (((W, W[::-1].copy()), [0.4, W[:2].copy()]), W), 0,
                          False),
    "generator_expressions": (U.gen_loss, (RNG.standard_normal(5),), 0, True),
    "comprehension_with_if": (U.comp_loss, (W, X), 0, True),
    "try_except": (U.try_loss, (W,), 0, True),
    "asserts": (U.assert_loss, (W, X), 0, True),
    "fstring_raise": (functools.partial(U.raise_loss, kind="mae"), (W,), 0, False),
    "grad_inside_the_loss": (U.maml_loss, (W, X, Y), 0, True),
    "callable_model": (U.call_model, (W, 0.7), 0, True),
    "early_return_hit": (U.first_positive, (np.array([-1.0, 0.5, 2.0]),), 0, True),
    "early_return_miss": (U.first_positive, (np.array([-1.0, -0.5, -2.0]),), 0, True),
    "recursion_on_an_int": (U.power_loss, (1.1,), 0, False),
    "reduce_map_lambda": (U.reduce_loss, (W,), 0, True),
    "sorted_with_key": (U.sorted_loss, (W,), 0, True),
    "star_args_keyword_only": (functools.partial(U.star_args, scale=2.0, shift=1.0),
                               (W, X[0], X[1]), 0, True),
    "nonlocal_counter": (U.closure_counter, (W,), 0, True),
    "fixed_point_break": (U.fixed_point, (0.8,), 0, False),
    "layers_as_tuples": (U.tuple_layers, (LAYERS, W), 0, False),
    "unrolled_sgd": (U.unrolled_sgd, ({"w": W, "b": 0.3}, X, Y), 0, False),
    "vae_elbo": (U.elbo, ({"mu": W, "log_s": W * 0.1}, Y[:3]), 0, False),
    "generator_helper": (U.batched_loss, (W, X), 0, True),
    "errstate": (U.errstate_loss, (np.array([0.5, 1.5, -2.0]),), 0, True),
    "match_case": (U.match_loss, (W, "abs"), 0, False),
    "walrus_for_else": (U.walrus_loss, (np.array([0.5, 0.1, 1.5]),), 0, True),
    "nested_comprehension": (U.nested_comp, (W,), 0, True),
    "super_call": (U.Child().loss, (W, 0.7), 0, True),
    "fstring_keys": (U.student_mlp, (U.init([3, 5, 2]), X, np.eye(2)[LABELS]), 0, False),
    "list_then_array": (U.trajectory, (np.array([2.0, 0.3]),), 0, True),
    "clip_in_a_loop": (U.clip_loop, (np.array([-1.0, 0.2, 0.9, 0.1]),), 0, True),
    "rng_choice": (U.rng_choice, (RNG.standard_normal(5),), 0, True),
    "late_binding_lambdas": (U.late_binding, (W[:2].copy(),), 0, True),
    "reversed_cumsum": (U.cumsum_rev, (RNG.standard_normal(4),), 0, True),
    "soft_dtw": (U.soft_dtw, (RNG.standard_normal(4), RNG.standard_normal(3)), 0, True),
    "early_stopping": (U.early_stop, (np.array([0.7, 0.3]),), 0, False),
    "newton_with_nested_grads": (U.newton_inner, (0.9,), 0, False),
    "train_flag": (functools.partial(U.train_flag, train=True), (W, X), 0, True),
    "wrapped_index": (U.wrap_index, (RNG.standard_normal(4),), 0, True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_and_tangent(name):
    f, args, wrt, hessian = CASES[name]
    check_grad(f, *args, wrt=wrt, rtol=1e-4, atol=1e-6)
    check_jvp(f, *args, wrt=wrt, rtol=1e-4, atol=1e-6)
    if hessian and isinstance(args[0], np.ndarray) and len(args) == 1:
        check_hessian(f, args[0])


def test_has_aux_returns_the_aux():
    (value, aux), g = s2sad.value_and_grad(U.loss_aux, has_aux=True)(W, X, LABELS * 1.0)
    assert set(aux) == {"acc", "p"}
    p = 1 / (1 + np.exp(-(X @ W)))
    np.testing.assert_allclose(g, X.T @ (p - LABELS) / len(LABELS))  # closed form


def test_raise_with_an_fstring_is_the_users_error():
    with pytest.raises(ValueError, match="unknown loss kind 'bad'"):
        s2sad.grad(U.raise_loss)(W, kind="bad")


@pytest.mark.parametrize("fixed", [{"lam": 0.2}, {"lam": 0.2, "l1": 0.1}, {"huber": True}])
def test_partial_of_a_kwargs_function(fixed):
    """``functools.partial(loss, reg=...)`` of a function of ``**kwargs``: was refused
    ("name every parameter explicitly") though the function called with the keywords was
    differentiated; now made per call as that one is."""
    f = functools.partial(U.ridge, **fixed)
    expected = s2sad.grad(U.ridge)(W, X, Y, **fixed)
    np.testing.assert_allclose(check_grad(f, W, X, Y), expected)
    value, g = s2sad.value_and_grad(f)(W, X, Y)
    assert value == pytest.approx(U.ridge(W, X, Y, **fixed))
    np.testing.assert_allclose(g, expected)
    _, g = s2sad.vjp(f)(W, X, Y, 2.0)
    np.testing.assert_allclose(g, 2.0 * expected)


def test_method_of_kwargs_and_args():
    """A bound method of ``**kwargs`` / ``*args``: was refused ("name every parameter
    explicitly"); made per call with its object passed first, as a function's is."""
    model = U.Scaled(2.0)
    fixed = {"lam": 0.2, "l1": 0.1}
    expected = 2.0 * s2sad.grad(U.ridge)(W, X, Y, **fixed)
    np.testing.assert_allclose(s2sad.grad(model.loss)(W, X, Y, **fixed), expected)
    np.testing.assert_allclose(s2sad.vjp(model.loss)(W, X, Y, 1.0, **fixed)[1], expected)
    assert s2sad.jvp(model.loss)(W, X, Y, W, **fixed)[1] == pytest.approx(expected @ W)
    np.testing.assert_allclose(s2sad.grad(model.loss, wrt=2)(W, X, Y, **fixed),
                               2.0 * s2sad.grad(U.ridge, wrt=2)(W, X, Y, **fixed))
    np.testing.assert_allclose(s2sad.hessian(model.loss)(W, X, Y, lam=0.2),
                               2.0 * s2sad.hessian(U.ridge)(W, X, Y, lam=0.2))
    check_grad(model.summed, W, X[0], X[1])
    model.scale = 3.0  # (read at each call)
    np.testing.assert_allclose(s2sad.grad(model.summed)(W, X[0], X[1]),
                               3.0 * (X[0] + X[1]) * np.cos(W))  # closed form
