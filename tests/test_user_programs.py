"""Programs as users write them, each once a bug: checked against finite differences
or a closed form."""
from __future__ import annotations

import functools
import math
import operator

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def squares(x, y):
    return x ** 2 + y ** 2          # a base named like a rule parameter (y, g, ans)


def power_of_g(g):
    return g ** 3 + np.power(g, 2)


def test_powers_of_variables_named_like_rule_parameters():
    assert s2sad.grad(squares, wrt=(0, 1))(3.0, 5.0) == (6.0, 10.0)
    assert s2sad.grad(power_of_g)(2.0) == 16.0
    check_jvp(squares, 3.0, 5.0, wrt=(0, 1))


def keyword_only(x, *, k=2.0):
    return x ** 2 * k


def test_keyword_only_parameters():
    assert s2sad.grad(keyword_only)(3.0, k=3.0) == 18.0
    assert s2sad.grad(keyword_only)(3.0) == 12.0
    assert s2sad.grad(keyword_only, wrt="k")(3.0, k=1.0) == 9.0


def double(x):
    return x * 2.0


def test_wrong_shapes_of_cotangents_and_tangents_are_clear():
    with pytest.raises(ValueError, match="shape"):
        s2sad.vjp(double)(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="shape"):
        s2sad.jvp(double)(np.ones(3), np.ones(4))


def total(x):
    return np.sum(x * x)


def test_float32_arguments_get_float32_gradients():
    g = s2sad.grad(total)(np.ones(3, np.float32))
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2.0)


def scaled(x, s):
    return x * s


@s2sad.defvjp(scaled)
def _scaled_vjp(g, ans, x, s):
    return (g * s, g * x)


@s2sad.defjvp(scaled)
def _scaled_jvp(tangents, ans, x, s):
    tx, ts = tangents
    return (0.0 if tx is None else tx * s) + (0.0 if ts is None else ts * x)


def scaled_by_keyword(x, s):
    return scaled(s=s, x=x) ** 2


def test_user_rules_called_with_keyword_arguments():
    check_grad(scaled_by_keyword, 3.0, 2.0, wrt=(0, 1))
    check_jvp(scaled_by_keyword, 3.0, 2.0, wrt=(0, 1))


def named_like_helpers(x):
    acc = x * 2.0
    centered = acc - np.mean(acc)
    unbroadcast = centered * 3.0
    return acc[0] * acc[1] + np.std(centered) + np.sum(unbroadcast ** 2)


def test_variables_named_like_generated_helpers():
    check_grad(named_like_helpers, np.array([0.3, 1.2, -0.5]))


def row_squares(A):
    out = 0.0
    for row in A:
        for v in row:
            out = out + v * v
    return out


def gram_energy(X):
    s = 0.0
    for i in range(X.shape[0]):
        xi = X[i]
        for j in range(X.shape[0]):
            s = s + np.dot(xi, X[j]) ** 2
    return s


def test_inner_loops_reading_values_of_the_outer_loop():
    A = np.arange(6.0).reshape(2, 3) / 5
    np.testing.assert_allclose(check_grad(row_squares, A), 2 * A)
    check_grad(gram_energy, A)


def over_a_tuple(t):
    s = 0.0
    for v in t:
        s = s + v * v
    return s


def enumerate_from_one(xs):
    s = 0.0
    for i, v in enumerate(xs, start=1):
        s = s + i * v
    return s


def test_loops_over_tuples_and_enumerate_with_start():
    assert s2sad.grad(over_a_tuple)((1.0, 2.0)) == (2.0, 4.0)
    np.testing.assert_allclose(s2sad.grad(enumerate_from_one)(np.array([1.0, 2.0])), [1, 2])


def zero_first(v):
    v = v.copy()
    v[0] = 0.0
    return v


def uses_a_copying_helper(x):
    return np.sum(zero_first(x)) + np.sum(x)


def comprehension_scope(x):
    v = x * 2.0
    ys = [v * 3.0 for v in range(3)]
    return v + sum(ys)


def test_helper_copies_and_comprehension_names_do_not_leak():
    x = np.array([1.0, 2.0, 3.0])
    value, g = s2sad.value_and_grad(uses_a_copying_helper)(x)
    assert value == 11.0
    np.testing.assert_allclose(g, [1.0, 2.0, 2.0])
    np.testing.assert_allclose(x, [1.0, 2.0, 3.0])
    assert s2sad.value_and_grad(comprehension_scope)(1.0) == (11.0, 2.0)


def sorts_in_place(z):
    z.sort()
    return z[0]


async def asynchronous(x):
    return x


def test_sort_in_place_differentiated_and_async_refused():
    """``z.sort()`` is ``z[...] = np.sort(z)`` (tests/test_in_place_methods.py): the
    smallest item's gradient, the caller's array left unsorted."""
    z = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(s2sad.grad(sorts_in_place)(z), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(z, [3.0, 1.0, 2.0])
    with pytest.raises(s2sad.DifferentiationError, match="async"):
        s2sad.grad(asynchronous)(1.0)


SCALE = 5.0


def scaled_by_global(x):
    return SCALE * x


def test_a_rebound_module_global_is_read_when_called(monkeypatch):
    g = s2sad.grad(scaled_by_global)
    assert g(1.0) == 5.0
    monkeypatch.setitem(globals(), "SCALE", 7.0)
    assert g(1.0) == 7.0


def prints_a_value(x):
    y = x * 2.0
    print(f"y={y}")
    return y * x


def test_forward_mode_through_a_print(capsys):
    assert s2sad.jvp(prints_a_value)(1.5, 1.0) == (4.5, 6.0)
    assert "y=3.0" in capsys.readouterr().out


def mutates_its_argument(x):
    x[0] = 2.0 * x[0]
    return x * 1.0


def test_jacobian_leaves_the_callers_array_alone():
    x = np.array([1.0, 2.0])
    J = s2sad.jacobian(mutates_its_argument)(x)
    np.testing.assert_allclose(J, np.diag([2.0, 1.0]))
    np.testing.assert_allclose(x, [1.0, 2.0])
    assert math.isclose(float(x[0]), 1.0)


def list_filled_by_index(x):
    ys = [0.0] * 3
    for i in range(3):
        ys[i] = x * (i + 1)
    return sum(ys) * ys[2]


def list_operations(x):
    ys = [x, 2 * x]
    zs = ys + [3 * x]
    zs.extend([x * x])
    zs.insert(0, 5 * x)
    return zs[0] + zs[3] + zs[4] + np.sum(np.array(zs)) + sum([x] * 3)


@pytest.mark.parametrize("f", [list_filled_by_index, list_operations])
def test_list_repetition_concatenation_extend_insert(f):
    check_grad(f, 1.3)
    check_jvp(f, 1.3)


def l2_penalty(params):
    s = 0.0
    for _name, value in params.items():
        s = s + np.sum(value ** 2)
    return s + sum(np.sum(v * v) for v in params.values())


def sum_by_key(params):
    s = 0.0
    for k in params.keys():
        s = s + np.sum(params[k]) * 2.0
    return s


def test_iterating_a_dict_of_parameters():
    p = {"W": np.array([1.0, 2.0]), "b": np.array([3.0])}
    g = s2sad.grad(l2_penalty)(p)
    assert list(g) == ["W", "b"]
    np.testing.assert_allclose(g["W"], 4 * p["W"])
    np.testing.assert_allclose(g["b"], 4 * p["b"])
    g = s2sad.grad(sum_by_key)(p)
    np.testing.assert_allclose(g["W"], [2.0, 2.0])


def entropy(p):
    return -np.sum(np.where(p > 0, p * np.log(p), 0.0))


def guarded_reciprocal(x):
    return np.sum(np.where(x != 0, 1.0 / x, 0.0))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_np_where_guards_keep_nan_out_of_the_gradient():
    g = s2sad.grad(entropy)(np.array([0.0, 0.5, 0.5]))
    np.testing.assert_allclose(g, [0.0, -np.log(0.5) - 1, -np.log(0.5) - 1])
    g = s2sad.grad(guarded_reciprocal)(np.array([0.0, 2.0]))
    np.testing.assert_allclose(g, [0.0, -0.25])
    t = s2sad.jvp(guarded_reciprocal)(np.array([0.0, 2.0]), np.array([1.0, 1.0]))[1]
    assert np.isfinite(t) and math.isclose(t, -0.25)


# ----- defs and lambdas inside the differentiated function -----

def two_layers(W1, W2, X, scale):
    def layer(W, h):
        return np.tanh(h @ W) * scale
    return np.sum(layer(W2, layer(W1, X)) ** 2)


def reads_at_the_call(x):
    def f(y):
        return np.sin(y) * a
    a = 2.0 * x
    b = f(x)
    a = a + 1.0  # the second call sees the new a, as Python's closure does
    return np.sum(b + f(x))


def step_in_a_loop(x, n):
    def step(v, k):
        return v + 0.1 * np.sin(v) * k
    for i in range(n):
        x = step(x, i)
    return np.sum(x ** 2)


def branch_inside(x):
    def pick(v):
        if np.sum(v) > 0:
            return v * v
        return -v
    return np.sum(pick(x)) + np.sum(pick(-x))


def defs_calling_defs(x, c):
    square = lambda v: v * v * c  # noqa: E731
    both = lambda v, w: np.sin(v) + square(w)  # noqa: E731

    def outer(v):
        return both(v, 2 * v) + np.exp(v) * c
    return np.sum(outer(x)) + np.sum(square(x))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_defs_inside_the_function(sign, rng):
    W1, W2, X = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(5, 3))
    x = sign * (np.abs(rng.normal(size=4)) + 0.1)  # both sides of branch_inside's if
    check_grad(two_layers, W1, W2, X, 0.7, wrt=(0, 1, 3))
    check_grad(reads_at_the_call, x)
    check_grad(step_in_a_loop, x, 4)
    check_grad(branch_inside, x)
    check_grad(defs_calling_defs, x, 0.3, wrt=(0, 1))
    check_jvp(two_layers, W1, W2, X, 0.7, wrt=0)


def passes_its_def_on(x):
    def double(y):
        return 2 * y
    return np.sum(list(map(double, x)))


def test_a_def_inside_used_as_a_value(rng):
    check_grad(passes_its_def_on, rng.normal(size=3))  # (map inlines each call of it)


# ----- dict views and sorted -----

def weighted_by_rank(params):
    total = 0.0
    for i, (_key, v) in enumerate(sorted(params.items(), key=operator.itemgetter(0))):
        total = total + np.sum(np.sin(v)) * (i + 1.0)
    for v in params.values():
        total = total + np.sum(v ** 2)
    for k in sorted(params.keys()):
        total = total + np.sum(np.cos(params[k]))
    return total


def largest_first(a, b, c):
    ranked = sorted([a, b, c], key=np.sum, reverse=True)
    return np.sum(ranked[0] * 3.0) + np.sum(ranked[1] ** 2) + np.sum(np.sin(ranked[2]))


def from_views(params):
    values = list(params.values())
    pairs = params.items()
    return np.sum(values[0] * values[-1]) + sum(np.sum(v) * len(k) for k, v in pairs)


@pytest.mark.parametrize("shift", [0.0, 5.0, -5.0])
def test_dict_views_and_sorted(shift, rng):
    params = {"w": rng.normal(size=3), "b": rng.normal(size=3), "scale": rng.normal(size=3)}
    check_grad(weighted_by_rank, params)
    check_grad(from_views, params)
    a, b, c = rng.normal(size=3), rng.normal(size=3) + shift, rng.normal(size=3) - shift
    check_grad(largest_first, a, b, c, wrt=(0, 1, 2))  # the order changes with shift
    check_jvp(largest_first, a, b, c, wrt=1)


def writes_through_values(p):
    first = list(p.values())[0]
    first[0] = first[0] * 3.0  # changes p["a"] too, as Python does
    return np.sum(p["a"] ** 2) + np.sum(p["b"] ** 2)


def writes_through_sorted(p):
    first = sorted(p.values(), key=np.sum)[0]
    first[0] = first[0] * 3.0
    return np.sum(p["a"] ** 2) + np.sum(p["b"] ** 2)


def writes_through_items(p):
    pairs = sorted(p.items())
    pairs[1][1][0] = 0.5 * pairs[1][1][0]
    return np.sum(p["a"] ** 2) + np.sum(p["b"] ** 2)


@pytest.mark.parametrize("f", [writes_through_values, writes_through_sorted,
                               writes_through_items])
def test_writes_into_arrays_a_dict_view_holds_are_refused_not_wrong(f):
    """The list a view or sorted makes holds the dict's own arrays: a write into one
    changes the dict. s2sad refuses it at its line rather than miss that."""
    p = {"a": np.array([1.0, 2.0]), "b": np.array([-5.0, 1.0])}
    with pytest.raises(s2sad.DifferentiationError, match=r"test_user_programs\.py:\d+: in-place"):
        s2sad.grad(f)(p)


def closure_changing_in_a_loop(x):
    total = 0.0
    scale = 1.0

    def term(v):
        return np.sin(v) * scale  # the scale of this trip, as Python reads it
    for _ in range(3):
        scale = scale * 2.0 + np.sum(x)
        total = total + np.sum(term(x))
    return total


def largest_of_two(x):
    return np.sum(sorted([x * x, np.sin(x) + 1.0], key=np.sum)[1] ** 2)


def through_a_dict(x):
    p = {"w": 2.0 * x, "u": x * x}
    return sum(np.sum(np.sin(v)) * len(k) * (i + 1.0)
               for i, (k, v) in enumerate(sorted(p.items()))) + np.sum(list(p.values())[0])


@pytest.mark.parametrize("x", [np.array([0.3, -0.7]), np.array([2.0, 1.5])])
def test_second_order_through_defs_inside_and_sorted(x):
    """Hessians (forward over reverse) against central differences of the gradient;
    the two points take the other order in largest_of_two."""
    from gradcheck import check_hessian
    check_grad(closure_changing_in_a_loop, x)
    check_hessian(closure_changing_in_a_loop, x)
    check_hessian(branch_inside, x)
    check_grad(largest_of_two, x)
    check_hessian(largest_of_two, x)
    check_grad(through_a_dict, x)
    check_jvp(through_a_dict, x)
    # second order through a loop over a dict's items (the gradient's tape holds them)
    check_hessian(through_a_dict, x)


# ----- wrappers that change one argument and pass all of them on -----

def symmetrize_arg(fun, argnum):
    def symmetrize(X):
        return 0.5 * (X + np.swapaxes(X, -1, -2))

    def symmetrized(*args, **kwargs):
        args = list(args)
        args[argnum] = symmetrize(args[argnum])
        return fun(*args, **kwargs)
    return symmetrized


def scaled_logdet(x, A, scale=1.0):
    return scale * np.sum(x ** 2) * np.linalg.slogdet(A)[1]


def weighted(a, b, c):
    return np.sum(a * 1.0 + b * 2.0 + c * np.sin(c))


def drop_first(*args):
    args = args[1:]
    return weighted(np.ones(2), *args)


def square_last(*args):
    args = list(args)
    args[-1] = args[-1] ** 2
    return weighted(*args)


def changed_in_a_loop(*args):
    args = list(args)
    for i in range(2):
        args[i] = args[i] * 2.0
    return weighted(*args)


def replaced_item_of_a_list(a, b):
    pair = [a, b]
    pair[0] = 5.0 * a
    return np.sum(pair[0] * a) + np.sum(pair[1] * b)  # a itself is not written


_SYM = symmetrize_arg(scaled_logdet, 1)
_SYM_KW = symmetrize_arg(functools.partial(scaled_logdet, scale=3.0), 1)


def _fd(f, args, k, eps=1e-6):
    x = args[k]
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = [a.copy() for a in args], [a.copy() for a in args]
        up[k][i] += eps
        down[k][i] -= eps
        out[i] = (f(*up) - f(*down)) / (2 * eps)
    return out


@pytest.mark.parametrize("f", [_SYM, _SYM_KW])
def test_a_wrapper_that_replaces_one_argument(f):
    x = np.array([0.3, -0.8])
    A = np.array([[2.0, 0.3], [0.1, 1.5]])
    gx, gA = s2sad.grad(f, wrt=(0, 1))(x, A)
    np.testing.assert_allclose(gx, _fd(f, [x, A], 0), atol=1e-7)
    np.testing.assert_allclose(gA, _fd(f, [x, A], 1), atol=1e-7)
    D = np.array([[0.5, -1.0], [0.2, 0.7]])  # forward mode along a direction in A
    _, t = s2sad.jvp(f, wrt=1)(x, A, D)
    assert t == pytest.approx((f(x, A + 1e-6 * D) - f(x, A - 1e-6 * D)) / 2e-6, rel=1e-6)


@pytest.mark.parametrize("f", [drop_first, square_last, replaced_item_of_a_list])
def test_sequences_changed_item_by_item(f):
    args = [np.array([0.4, -1.1]), np.array([0.9, 0.2]), np.array([-0.3, 0.6])]
    args = args[:2] if f is replaced_item_of_a_list else args
    wrt = tuple(range(len(args)))
    value, grads = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args))
    for k, g in enumerate(grads):
        np.testing.assert_allclose(g, _fd(f, args, k), atol=1e-7)


def test_a_sequence_changed_in_a_loop():
    # (weighted takes three: the list spread as three items, checked when it runs)
    args = [np.array([0.4, -1.1]), np.array([0.9, 0.2]), np.array([-0.3, 0.6])]
    check_grad(changed_in_a_loop, *args, wrt=(0, 1, 2))


_row_sums = functools.partial(np.sum, axis=1)


def _affine(scale, x, shift=0.0):
    return scale * x + shift


_twice_shifted = functools.partial(_affine, 2.0, shift=0.5)


def through_partials(X):
    return np.sum(np.sin(_row_sums(X)) + _twice_shifted(X[:, 0]) ** 2)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_functions_given_by_functools_partial(sign):
    X = sign * np.array([[0.3, -0.2, 0.9], [1.1, 0.4, -0.6]])
    want = np.cos(X.sum(axis=1))[:, None] * np.ones_like(X)
    want[:, 0] += 2 * (2.0 * X[:, 0] + 0.5) * 2.0
    np.testing.assert_allclose(s2sad.grad(through_partials)(X), want, atol=1e-12)
    check_grad(through_partials, X)


# ----- the gradient called again (the lean variant, built from the first one's tree) -----

def loop_over_sorted_keys(d):
    total = 0.0
    for i, k in enumerate(sorted(d)):
        total = total + np.sum(np.sin(d[k])) * (i + 1.0)
    return total


def loop_over_values_and_items(d):
    total = 0.0
    for v in d.values():
        total = total + np.sum(v * v)
    for k, v in d.items():
        total = total + np.sum(np.cos(v)) * len(k)
    return total


def loop_over_a_list(xs):
    total = 0.0
    for i in range(len(xs)):
        y = np.tanh(xs[i])
        total = total + np.sum(y * y) * (i + 1.0)
    return total


@pytest.mark.parametrize("f", [loop_over_sorted_keys, loop_over_values_and_items])
def test_gradients_of_dict_loops_called_again(f):
    rng = np.random.default_rng(8)
    d = {"b": rng.normal(size=(2, 3)), "a": rng.normal(size=4)}
    g = s2sad.grad(f)
    eps = 1e-6
    for _ in range(3):
        got = g(d)
        for k, v in d.items():
            for i in np.ndindex(v.shape):
                up = {**d, k: v.copy()}
                up[k][i] += eps
                down = {**d, k: v.copy()}
                down[k][i] -= eps
                assert got[k][i] == pytest.approx((f(up) - f(down)) / (2 * eps), abs=1e-7)


def test_gradient_of_a_list_loop_called_again():
    xs = [np.array([0.3, -0.7]), np.array([1.2])]
    g = s2sad.grad(loop_over_a_list)
    first, second = g(xs), g(xs)
    for a, b, x, i in zip(first, second, xs, (1.0, 2.0)):
        want = i * 2 * np.tanh(x) * (1 - np.tanh(x) ** 2)
        np.testing.assert_allclose(a, want, atol=1e-12)
        np.testing.assert_allclose(b, want, atol=1e-12)


# ----- programs as users write them: every entry point, each called again -----

class _Ridge:
    def __init__(self, X, y):
        self.X, self.y = X, y

    def loss(self, w):
        r = self.X @ w - self.y
        return 0.5 * r @ r + 0.1 * np.sum(w ** 2)


def consecutive_pairs(x):
    total = 0.0
    for a, b in zip(x[:-1], x[1:]):
        total += (b - a) ** 2 * np.exp(-a)
    return total


def returns_early(x):
    if np.sum(x) > 10.0:
        return np.sum(x)
    y = x * 2
    if y[0] > 0:
        return np.sum(np.sin(y))
    return np.sum(np.cos(y))


def shrinks_until_small(x):
    s = x.copy()
    k = 0
    while np.linalg.norm(s) > 0.1 and k < 50:
        s = 0.8 * s - 0.01 * np.tanh(s)
        k += 1
    return np.sum(s ** 2) * k


def solves_repeatedly(x):
    A = np.eye(3) * 2.0 + np.outer(x, x)
    v = np.ones(3)
    for _ in range(3):
        v = np.linalg.solve(A, v) + x
    return np.sum(v * v)


_RNG = np.random.default_rng(2)
_MODEL = _Ridge(_RNG.normal(size=(6, 3)), _RNG.normal(size=6))


@pytest.mark.parametrize("f,x", [
    (_MODEL.loss, np.array([0.3, -0.2, 0.5])),
    (consecutive_pairs, np.array([0.3, -0.5, 0.7, 1.1, 0.2])),
    (returns_early, np.array([0.3, -0.1, 0.2])),    # second branch
    (returns_early, np.array([-0.3, -0.1, 0.2])),   # last return
    (returns_early, np.array([5.0, 6.0, 0.2])),     # first return
    (shrinks_until_small, np.array([0.5, -0.4, 0.3])),
    (solves_repeatedly, np.array([0.2, -0.4, 0.3])),
], ids=["method", "zip", "early_second", "early_last", "early_first", "while", "solve"])
def test_every_entry_point_on_users_programs(f, x):
    eps = 1e-6
    fd = np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])
    g = s2sad.grad(f)
    for _ in range(2):
        np.testing.assert_allclose(g(x), fd, rtol=1e-5, atol=1e-6)
    _, t = s2sad.jvp(f)(x, np.ones_like(x))
    assert t == pytest.approx(fd.sum(), rel=1e-5, abs=1e-6)
    H = s2sad.hessian(f)(x)
    Hfd = np.stack([(g(x + 1e-5 * e) - g(x - 1e-5 * e)) / 2e-5 for e in np.eye(x.size)], 1)
    np.testing.assert_allclose(H, Hfd, rtol=1e-4, atol=1e-5)


# ----- imports inside the function -----

def imports_a_module_inside(x):
    import numpy.linalg
    import scipy.special as sp
    return np.sum(sp.expit(x) * np.sin(x)) + numpy.linalg.norm(np.cos(x))


def imports_names_in_a_branch(x):
    if x[0] > 0:
        from scipy.special import erf
        return np.sum(erf(x))
    from numpy import tanh as th
    return np.sum(th(x) ** 2)


def imports_a_name_it_assigns(x):
    import math
    math = x * 2.0  # noqa: F811  (the clash this test is about)
    return np.sum(math)


@pytest.mark.parametrize("f,x", [(imports_a_module_inside, np.array([0.3, -0.7, 1.2])),
                                 (imports_names_in_a_branch, np.array([0.3, -0.7, 1.2])),
                                 (imports_names_in_a_branch, np.array([-0.3, -0.7, 1.2]))])
def test_imports_inside_the_function(f, x):
    check_grad(f, x)


def test_an_import_whose_name_is_assigned_is_refused_at_its_line():
    line = imports_a_name_it_assigns.__code__.co_firstlineno + 1
    with pytest.raises(s2sad.DifferentiationError, match=rf"test_user_programs\.py:{line}"):
        s2sad.grad(imports_a_name_it_assigns)(np.ones(2))
