"""The public surface of API.md: decorator forms, ``wrt``, the entry points
and their return shapes, ``.source``, ``verbose``, gradient types, argument
pass-through, user rules and ``stop_gradient``."""
from __future__ import annotations

import ast
import functools
import inspect
import math
import traceback

import numpy as np
import pytest
import scipy.special

import s2sad
from gradcheck import assert_tree_close, check_grad, check_vjp, normal


def cube_sin(x):
    return x ** 3 * math.sin(x)


def two_args(x, y):
    return x * x * y + math.exp(y)


def elementwise(x):
    return np.sin(x) * x


def vector_map(x):
    return np.array([x[0] * x[1], np.sin(x[2]), x[0] + x[1] * x[2]])


def array_loss(x):
    return np.sum(x ** 3)


# ------------------------------------------------------------ decorator forms


def test_error_type_is_a_value_error():
    assert issubclass(s2sad.DifferentiationError, ValueError)


def test_bare_decorator():
    @s2sad.grad
    def dsquare(x):
        return x * x

    assert_tree_close(dsquare(3.0), 6.0)


def test_decorator_factory_with_wrt():
    @s2sad.grad(wrt=(0, 1))
    def dprod(x, y):
        return x * y * y

    assert_tree_close(dprod(2.0, 3.0), (9.0, 12.0))


def test_decorator_factory_value_and_grad():
    @s2sad.value_and_grad(wrt="y")
    def f(x, y):
        return x * y * y

    assert_tree_close(f(2.0, 3.0), (18.0, 12.0))


@pytest.mark.parametrize("wrt, expected", [
    (0, 2 * 0.5 * 2.0),
    ("y", 0.25 + math.exp(2.0)),
    ((0, 1), (2.0, 0.25 + math.exp(2.0))),
    (("y", "x"), (0.25 + math.exp(2.0), 2.0)),
])
def test_wrt_int_str_tuple(wrt, expected):
    assert_tree_close(s2sad.grad(two_args, wrt=wrt)(0.5, 2.0), expected)


# ------------------------------------------------------------- entry points


def test_value_and_grad():
    value, g = s2sad.value_and_grad(cube_sin)(1.2)
    assert value == pytest.approx(cube_sin(1.2), rel=1e-14)
    assert_tree_close(g, 3 * 1.44 * math.sin(1.2) + 1.2 ** 3 * math.cos(1.2))


def test_vjp_with_cotangent(rng):
    x, u = normal(rng, 4), normal(rng, 4)
    value, g = s2sad.vjp(elementwise)(x, u)
    np.testing.assert_allclose(value, elementwise(x))
    np.testing.assert_allclose(g, u * (np.cos(x) * x + np.sin(x)), rtol=1e-12)


def test_vjp_with_tuple_wrt(rng):
    check_vjp(two_args, 0.5, 2.0, wrt=(0, 1), rng=rng)
    value, (dx, dy) = s2sad.vjp(two_args, wrt=(0, 1))(0.5, 2.0, 2.0)
    assert_tree_close((dx, dy), (2.0 * 2.0, 2.0 * (0.25 + math.exp(2.0))))


def test_jvp_returns_value_and_tangent():
    value, t = s2sad.jvp(two_args, wrt=(0, 1))(0.5, 2.0, 1.0, -1.0)
    assert value == pytest.approx(two_args(0.5, 2.0))
    assert t == pytest.approx(2 * 0.5 * 2.0 * 1.0 - (0.25 + math.exp(2.0)))


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_jacobian_modes(mode, rng):
    x = normal(rng, 3)
    J = s2sad.jacobian(vector_map, mode=mode)(x)
    expected = np.array([[x[1], x[0], 0.0],
                         [0.0, 0.0, np.cos(x[2])],
                         [1.0, x[2], x[1]]])
    assert J.shape == (3, 3)
    np.testing.assert_allclose(J, expected, rtol=1e-10, atol=1e-12)


def test_jacobian_shape_is_out_shape_plus_arg_shape(rng):
    X = normal(rng, 2, 3)
    J = s2sad.jacobian(elementwise)(X)
    assert J.shape == (2, 3, 2, 3)
    expected = np.diag((np.cos(X) * X + np.sin(X)).ravel()).reshape(2, 3, 2, 3)
    np.testing.assert_allclose(J, expected, rtol=1e-10, atol=1e-12)


def test_hessian_shape_and_value(rng):
    x = normal(rng, 3)
    H = s2sad.hessian(array_loss)(x)
    np.testing.assert_allclose(H, np.diag(6 * x), rtol=1e-10, atol=1e-12)


def test_second_order_scalar():
    d2 = s2sad.grad(s2sad.grad(cube_sin))
    x = 0.9
    expected = 6 * x * math.sin(x) + 6 * x * x * math.cos(x) - x ** 3 * math.sin(x)
    assert_tree_close(d2(x), expected, rtol=1e-10)


# -------------------------------------------------------- seeing the source


@pytest.mark.parametrize("make", [
    lambda: s2sad.grad(cube_sin),
    lambda: s2sad.value_and_grad(two_args, wrt=(0, 1)),
    lambda: s2sad.vjp(elementwise),
    lambda: s2sad.jvp(elementwise),
], ids=["grad", "value_and_grad", "vjp", "jvp"])
def test_source_is_readable_python_and_matches_getsource(make):
    df = make()
    assert isinstance(df.source, str) and df.source.strip()
    tree = ast.parse(df.source)
    assert isinstance(tree.body[0], ast.FunctionDef)
    assert inspect.getsource(df).strip() == df.source.strip()


def test_source_after_a_call_is_unchanged():
    df = s2sad.grad(cube_sin)
    first = df.source
    assert s2sad.grad(cube_sin).source == first  # deterministic
    df(0.3)
    after = df.source  # specialised for a Python float: may drop unbroadcast
    df(0.7)
    assert df.source == after == inspect.getsource(df)


def test_verbose_prints_the_source(capsys):
    df = s2sad.grad(cube_sin, verbose=True)
    df(0.5)
    out = capsys.readouterr().out
    assert df.source.strip() in out


def test_not_verbose_prints_nothing(capsys):
    s2sad.grad(cube_sin)(0.5)
    assert capsys.readouterr().out == ""


def reciprocal_sum(x, y):
    return 1.0 / x + y


def test_traceback_shows_generated_lines():
    df = s2sad.grad(reciprocal_sum)
    with pytest.raises(ZeroDivisionError) as info:
        df(0.0, 1.0)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].line, "the innermost frame shows its source line"
    assert frames[-1].line.strip() in df.source


# ------------------------------------------------------ gradient types


@pytest.mark.parametrize("x", [1.5, np.array(1.5), np.ones(3) * 0.5, np.ones((2, 3)) * 0.5],
                         ids=["float", "0-d", "vector", "matrix"])
def test_gradient_has_type_and_shape_of_argument(x):
    def cube_sum(x):
        return np.sum(x ** 3)

    g = s2sad.grad(cube_sum)(x)
    if isinstance(x, float):
        assert type(g) is float
    else:
        assert isinstance(g, np.ndarray)
        assert g.shape == x.shape
        assert g.dtype == np.float64
    np.testing.assert_allclose(g, 3 * x ** 2)


def ignores_second(x, y):
    return np.sum(x)


def test_gradient_of_unused_array_argument_is_zeros():
    g = s2sad.grad(ignores_second, wrt=1)(np.ones(2), np.ones((2, 2)))
    assert isinstance(g, np.ndarray) and g.shape == (2, 2)
    np.testing.assert_array_equal(g, np.zeros((2, 2)))


# ------------------------------------------------------------- pass-through


def scaled(x, scale=1.0, offset=0.0):
    return scale * x * x + offset


def with_constants(x, n, flag, mode, table, nothing):
    y = x
    for _ in range(n):
        y = y * x
    if flag:
        y = y + np.sum(table) * x
    if mode == "double":
        y = 2.0 * y
    if nothing is None:
        y = y + 1.0
    return y


def test_kwargs_pass_through():
    assert_tree_close(s2sad.grad(scaled)(3.0, scale=2.0), 12.0)
    assert_tree_close(s2sad.grad(scaled)(3.0, offset=5.0, scale=0.5), 3.0)
    value, g = s2sad.value_and_grad(scaled)(3.0, scale=2.0, offset=1.0)
    assert_tree_close((value, g), (19.0, 12.0))


def test_non_wrt_arguments_untouched():
    table = np.array([1.0, 2.0])
    g = check_grad(with_constants, 1.5, 2, True, "double", table, None)
    assert_tree_close(g, 2.0 * (3 * 1.5 ** 2 + 3.0))
    g = check_grad(with_constants, 1.5, 0, False, "single", table, 0)
    assert_tree_close(g, 1.0)


def mlp(W, x, b):
    return np.sum(np.tanh(W @ x + b) ** 2)


def test_user_arrays_not_mutated(rng):
    W, x, b = normal(rng, 4, 3), normal(rng, 3), normal(rng, 4)
    saved = (W.copy(), x.copy(), b.copy())
    s2sad.grad(mlp, wrt=(0, 1, 2))(W, x, b)
    s2sad.vjp(mlp, wrt=(0, 2))(W, x, b, 1.0)
    s2sad.jvp(mlp, wrt=1)(W, x, b, np.ones(3))
    for before, after in zip(saved, (W, x, b)):
        np.testing.assert_array_equal(before, after)


# ------------------------------------------------------------------ extending


def ste_round(x):
    return np.round(x)


def uses_ste(x):
    return np.sum(ste_round(x * 3.0) * x)


def test_defvjp_user_function_is_a_primitive(rng):
    @s2sad.defvjp(ste_round)
    def ste_round_vjp(g, ans, x):
        return (g,)  # straight-through: the rule, not round's true zero derivative

    x = normal(rng, 4)
    g = s2sad.grad(uses_ste)(x)
    np.testing.assert_allclose(g, 3.0 * x + np.round(3.0 * x), rtol=1e-12)


def scaled_by_int(x, k):
    return np.sum(scipy.special.expit(x) * k)


def test_defvjp_library_function(rng):
    calls = []

    @s2sad.defvjp(scipy.special.expit)
    def expit_vjp(g, ans, x):
        calls.append(1)
        return (g * ans * (1.0 - ans),)

    x = normal(rng, 3)
    g = check_grad(scaled_by_int, x, 2)
    np.testing.assert_allclose(g, 2 * scipy.special.expit(x) * (1 - scipy.special.expit(x)))
    assert calls, "the registered rule was called"


def weighted(x, w):
    return x * w


def uses_weighted(x):
    return weighted(x, 3) * x


def test_defvjp_none_for_non_differentiable_argument():
    @s2sad.defvjp(weighted)
    def weighted_vjp(g, ans, x, w):
        return (g * w, None)

    assert_tree_close(s2sad.grad(uses_weighted)(2.0), 12.0)


def cube_prim(x):
    return x ** 3


def uses_cube_prim(x):
    return cube_prim(x) + x


def test_defjvp_forward_rule():
    @s2sad.defjvp(cube_prim)
    def cube_prim_jvp(tangents, ans, x):
        (dx,) = tangents
        return 3.0 * x * x * dx

    value, t = s2sad.jvp(uses_cube_prim)(2.0, 0.5)
    assert value == pytest.approx(10.0)
    assert t == pytest.approx(6.5)


def stopped(x):
    return x * s2sad.stop_gradient(x * x)


def test_stop_gradient():
    assert s2sad.stop_gradient(2.5) == 2.5
    assert_tree_close(s2sad.grad(stopped)(1.5), 1.5 ** 2)


def softplus(x):
    return np.where(x > 30, x, np.log1p(np.exp(np.minimum(x, 30))))


def test_a_function_with_its_own_rule_is_a_primitive_when_differentiated_itself():
    calls = []

    @s2sad.defvjp(softplus)
    def softplus_vjp(g, ans, x):
        calls.append(1)
        return (g * np.exp(x - ans),)

    @s2sad.defjvp(softplus)
    def softplus_jvp(tangents, ans, x):
        return tangents[0] * np.exp(x - ans)

    assert math.isclose(s2sad.grad(softplus)(0.0), 0.5)
    assert calls, "the rule was used, not the body"
    assert math.isclose(s2sad.grad(s2sad.grad(softplus))(0.0), 0.25)  # sigmoid'(0)


def test_jacobian_and_hessian_show_their_source(capsys):
    J = s2sad.jacobian(cubes_vector)
    assert "def " in J.source and inspect.getsource(J).strip() == J.source.strip()
    H = s2sad.hessian(cubes_of, verbose=True)
    np.testing.assert_allclose(H(np.array([1.0, 2.0])), np.diag([6.0, 12.0]))
    assert "def " in capsys.readouterr().out
    assert inspect.getsource(H).strip() == H.source.strip()


def cubes_vector(x):
    return x ** 3


def cubes_of(x):
    return np.sum(x ** 3)


def _clipped_sin(x):
    return np.sin(x)


def _uses_clipped_sin(x):
    return 2.0 * _clipped_sin(x)


def test_a_rule_registered_after_the_first_call_is_used_by_the_next() -> None:
    g = s2sad.grad(_uses_clipped_sin)
    assert math.isclose(g(0.3), 2 * math.cos(0.3))
    assert math.isclose(g(0.3), 2 * math.cos(0.3))  # the fast path for numbers

    @s2sad.defvjp(_clipped_sin)
    def _rule(gr, ans, x):  # a deliberately different derivative: the rule decides
        return (gr * 0.5,)

    assert math.isclose(g(0.3), 1.0)


def _scaled_sin(x, k=2.0):
    return k * np.sin(x)


def test_calls_after_the_fast_path_is_set_up_keep_their_meaning() -> None:
    g = s2sad.grad(_scaled_sin)
    assert math.isclose(g(0.3), 2 * math.cos(0.3))
    assert math.isclose(g(0.3), 2 * math.cos(0.3))
    assert isinstance(g, s2sad.api.Derivative) and "grad" in repr(g)
    assert math.isclose(g(0.3, 3.0), 3 * math.cos(0.3))  # another signature
    assert math.isclose(g(x=0.3), 2 * math.cos(0.3))  # keywords
    assert math.isclose(g(0.3, k=0.5), 0.5 * math.cos(0.3))
    assert math.isclose(g(np.float64(0.3)), 2 * math.cos(0.3))  # another type
    np.testing.assert_allclose(g(np.array([0.3, 0.4])[:1].reshape(())), 2 * math.cos(0.3))
    with pytest.raises(TypeError):
        g(0.3, 1.0, 2.0)
    assert math.isclose(g(0.3), 2 * math.cos(0.3))


def _column_sums(x):
    return np.sum(x * x, axis=0)


def test_arrays_of_another_rank_are_checked_again(rng) -> None:
    g = s2sad.grad(_column_sums)
    x = rng.standard_normal(3)
    np.testing.assert_allclose(g(x), 2 * x)
    np.testing.assert_allclose(g(x), 2 * x)  # the fast path, same rank
    with pytest.raises(s2sad.DifferentiationError, match="scalar"):
        g(rng.standard_normal((3, 2)))  # a vector output: still refused
    np.testing.assert_allclose(g(2 * x), 4 * x)


class _Model:
    def __init__(self, scale):
        self.scale = scale

    def loss(self, w, b=0.0):
        return self.scale * np.sum(np.tanh(w + b) ** 2)

    def outputs(self, w):
        return self.scale * np.sin(w)


def test_bound_methods_are_differentiated_after_self(rng) -> None:
    m, w = _Model(2.0), rng.standard_normal(3)
    t = np.tanh(w)
    expected = 2.0 * 2 * t * (1 - t * t)
    np.testing.assert_allclose(s2sad.grad(m.loss)(w), expected)
    np.testing.assert_allclose(s2sad.grad(m.loss, wrt="w")(w), expected)
    gw, gb = s2sad.grad(m.loss, wrt=(0, 1))(w, 0.0)
    np.testing.assert_allclose(gw, expected)
    assert math.isclose(gb, float(np.sum(expected)))
    value, g = s2sad.value_and_grad(m.loss)(w)
    assert math.isclose(value, m.loss(w)) and np.allclose(g, expected)
    np.testing.assert_allclose(s2sad.jacobian(m.outputs)(w), np.diag(2.0 * np.cos(w)))
    np.testing.assert_allclose(s2sad.vjp(m.outputs)(w, np.ones(3))[1], 2.0 * np.cos(w))
    check_grad(m.loss, w)
    H = s2sad.hessian(m.loss)(w)
    d = 2.0 * (2 * (1 - t * t) ** 2 - 4 * t * t * (1 - t * t))  # (2 s t t')' = 2 s (t'^2 + t t'')
    np.testing.assert_allclose(H, np.diag(d), atol=1e-12)


def _weighted(w, x, k=1.0):
    return k * np.sum((w * x) ** 2)


def test_partials_are_differentiated_in_their_free_arguments(rng) -> None:
    w, x = rng.standard_normal(3), rng.standard_normal(3)
    expected = 3.0 * 2 * w * x * x
    np.testing.assert_allclose(s2sad.grad(functools.partial(_weighted, k=3.0))(w, x), expected)
    np.testing.assert_allclose(s2sad.grad(functools.partial(_weighted, w))(x), 2 * w * w * x)
    np.testing.assert_allclose(
        s2sad.hessian(functools.partial(_weighted, x=x, k=3.0))(w), np.diag(6.0 * x * x))
    m = _Model(2.0)
    np.testing.assert_allclose(s2sad.grad(functools.partial(m.loss, b=0.0))(w),
                               s2sad.grad(m.loss)(w))


def test_import_does_not_load_scipy_until_the_user_does(tmp_path) -> None:
    """SciPy's rules are registered once the user imports the submodule: ``import s2sad``
    (and a NumPy-only gradient) never pays SciPy's import time."""
    import subprocess
    import sys
    script = tmp_path / "lazy.py"
    script.write_text(
        "import sys\n"
        "import numpy as np\n"
        "import s2sad\n"
        "def f(x):\n"
        "    return np.sum(np.sin(x) ** 2)\n"
        "s2sad.grad(f)(np.ones(3))\n"
        "assert not [m for m in sys.modules if m.startswith('scipy')], 'scipy loaded'\n"
        "from scipy.special import ndtr\n"
        "def g(x):\n"
        "    return np.sum(ndtr(x))\n"
        "d = s2sad.grad(g)(np.array([0.0, 1.0]))\n"
        "want = np.exp(-np.array([0.0, 1.0]) ** 2 / 2) / np.sqrt(2 * np.pi)\n"
        "assert np.allclose(d, want, rtol=1e-12), d\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_version_matches_pyproject():
    import pathlib
    import re
    text = (pathlib.Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert s2sad.__version__ == re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    assert not [n for n in dir(s2sad) if n in ("Any", "importlib", "annotations")]
