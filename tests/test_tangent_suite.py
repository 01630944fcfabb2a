"""What a pass over google/tangent's test functions and harness found (grid of scalars
in [-2, 2], loop counts 1-3, vectors of 3, 5 and 10, reverse, forward, second order in
its three configurations, lists given for vectors), each checked against central
differences or a closed form."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sp

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


def cosines(x):
    return np.sum(np.cos(x) * np.arange(1.0, 4.0))


def squares_and_roots(x):
    return np.sum(np.square(x) + np.sqrt(np.abs(x)) + np.arccos(x))


@pytest.mark.parametrize("f", [cosines, squares_and_roots])
@pytest.mark.parametrize("x", [X, tuple(X)], ids=["list", "tuple"])
def test_ufunc_of_a_list_argument(f, x):
    """np.cos(xs) of a list: its forward rule -dx * np.sin(x) negated the list tangent,
    np.square's 2 * x repeated the list (errors reported as s2sad bugs, forward mode):
    the list is read as np.asarray(xs), as NumPy reads it."""
    check_jvp(f, x)
    g = check_grad(f, x)
    assert type(g) is type(x)
    check_vjp(f, x)


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


# ----- jacobian and hessian of a list or tuple argument (tangent's saxpy of a tuple) -----

def packed_saxpy(abc):
    a, b, c = abc
    return a * b * c + np.sin(a) * c


def packed_rows(xs):
    return np.dot(xs[0], xs[1]) ** 2 + np.sum(np.sin(xs[0]))


def _numeric_hessian(f, x):
    flat = np.asarray(x, dtype=float).ravel()
    grad = s2sad.grad(f)

    def g(v):
        return np.asarray(grad(type(x)(v.reshape(np.shape(x)).tolist())), dtype=float).ravel()
    eps = 1e-6
    cols = [(g(flat + eps * e) - g(flat - eps * e)) / (2 * eps) for e in np.eye(flat.size)]
    return np.array(cols).T.reshape(np.shape(x) + np.shape(x))


@pytest.mark.parametrize("f, x", [(packed_saxpy, (1.5, -0.5, 2.0)),
                                  (packed_saxpy, [0.3, 1.2, -0.7]),
                                  (packed_saxpy, (-0.3, 0.2, 1.7))])
def test_hessian_and_forward_jacobian_of_a_list_argument(f, x):
    """The unit tangents were arrays, which a jvp of a list or tuple argument refuses
    (a ValueError naming a function the user never called)."""
    H = s2sad.hessian(f)(x)
    np.testing.assert_allclose(H, _numeric_hessian(f, x), rtol=1e-5, atol=1e-6)
    forward = s2sad.jacobian(f, mode="forward")(x)
    reverse = s2sad.jacobian(f, mode="reverse")(x)
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(forward, np.asarray(s2sad.grad(f)(x), dtype=float),
                               rtol=1e-12, atol=1e-12)


def saxpy_of_dict(val):
    return val["a"] * val["b"] + val["c"]


@pytest.mark.parametrize("make", [
    lambda: s2sad.hessian(saxpy_of_dict)({"a": 1.5, "b": -0.5, "c": 2.0}),
    lambda: s2sad.jacobian(saxpy_of_dict, mode="reverse")({"a": 1.5, "b": -0.5, "c": 2.0}),
    lambda: s2sad.jacobian(packed_rows, mode="forward")([np.ones(3), np.ones(2)]),
    lambda: s2sad.hessian(packed_rows)([[0.2, -0.4], [1.1, 0.5]]),
])
def test_jacobian_of_an_argument_without_a_shape_is_refused(make):
    """A dict, or a list of arrays of different shapes: a bare TypeError (float() of a
    dict) or a ValueError from inside, now the refusal naming the function; a Hessian of
    a list of lists too (its forward sweep through the gradient failed on a row)."""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_tangent_suite.py:\d+: .* "
                       r"without one shape"):
        make()


# ----- zip(*rows): the columns of a list argument -----

def column_products(rows):
    s = 0.0
    for a, b in zip(*rows):
        s = s + a * b * b
    return s


@pytest.mark.parametrize("rows", [[[1.0, 2.0, 3.0], [0.5, -0.2, 0.1]],
                                  ([1.0, -2.0], [0.5, 0.2]),
                                  [np.ones(3), np.arange(3.0)]])
def test_zip_of_a_spread_list_argument(rows):
    """``zip(*rows)`` of a list or tuple argument (its length known at the call) goes
    through ``rows[0], rows[1]``; it was refused as a call of "Starred" with no rule."""
    check_grad(column_products, rows)
    check_vjp(column_products, rows)
    check_jvp(column_products, rows)


def columns_of_a_local(x):
    m = np.outer(x, x)
    s = 0.0
    for col in zip(*m):
        s = s + col[0] * col[-1]
    return s


def test_zip_of_a_spread_local_is_refused_with_advice():
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_tangent_suite.py:\d+: zip\(\*xs\) .* np.asarray\(xs\).T"):
        s2sad.grad(columns_of_a_local)(W)


# ----- hessian with wrt (or argnums) a tuple of one position -----

def squared_n_times(a, n):
    for _ in range(n):
        a = a * a
    return a


def cubes_summed(x):
    a = x * x * x
    return np.sum(a * x ** 2.0)


def loop_if_power(a, n):
    for _ in range(n):
        if a < 1.0:
            a = a * a + 0.5 * a
        else:
            a = np.sqrt(a) * 0.6
    return a


@pytest.mark.parametrize("f, args, spelled", [
    (squared_n_times, (0.7, 2), {"wrt": (0,)}),
    (cubes_summed, (W,), {"argnums": (0,)}),
    (loop_if_power, (0.9, 3), {"wrt": ("a",)}),  # (if, else, if)
    (loop_if_power, (1.6, 3), {"argnums": (0,)}),  # (else, if, if)
])
def test_hessian_of_a_one_position_tuple(f, args, spelled):
    """hessian(f, wrt=(0,)): a block tuple ((H,),); the JVPs of the gradient of one
    position return it alone, which the blocks indexed (TypeError: 'float' object is
    not subscriptable)."""
    (block,), = s2sad.hessian(f, **spelled)(*args)
    np.testing.assert_allclose(block, s2sad.hessian(f)(*args), rtol=1e-12, atol=1e-12)
    x = args[0]
    grad = s2sad.grad(f)
    flat = np.atleast_1d(np.asarray(x, dtype=float))
    eps = 1e-6
    cols = []
    for e in np.eye(flat.size):
        plus, minus = (np.reshape(flat + s * eps * e, np.shape(x)) for s in (1, -1))
        plus, minus = (float(v) if np.ndim(x) == 0 else v for v in (plus, minus))
        cols.append((np.asarray(grad(plus, *args[1:])) - np.asarray(grad(minus, *args[1:])))
                    / (2 * eps))
    expected = np.array(cols).T.reshape(np.shape(x) + np.shape(x))
    np.testing.assert_allclose(block, expected, rtol=1e-5, atol=1e-6)


# ----- scipy.special.yn of an order given as a float (truncated, as SciPy does) -----

def bessel_y(x, n):
    return np.sum(sp.yn(n, x) * np.arange(1.0, 4.0))


@pytest.mark.parametrize("n", [0.3, np.array([0.5, 1.7, 2.2]), -0.4, 2])
def test_yn_of_a_float_order(n):
    """SciPy truncates a float order: yn(0.3, x) is y0(x), whose slope is -y1(x); the
    rule's yn(n - 1, x) of n = 0.3 was y0 again (n - 1 = -0.7 truncates to 0): wrong
    first and second derivatives for an order in (0, 1)."""
    x = np.array([0.7, 1.3, 2.9])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_grad(bessel_y, x, n)
        check_jvp(bessel_y, x, n)
        H = s2sad.hessian(bessel_y)(x, n)
        g = s2sad.grad(bessel_y)
        expected = np.array([(g(x + 1e-6 * e, n) - g(x - 1e-6 * e, n)) / 2e-6
                             for e in np.eye(3)])
    np.testing.assert_allclose(H, expected, rtol=1e-5, atol=1e-6)


# ----- jacobian and hessian of a function writing into its list argument -----

def writes_first(x):
    a = x[0]
    b = x[1]
    x[0] = a * b
    return x[0] + x[1] * x[0] + x[2]


def writes_first_vector(x):
    x[0] = x[0] * x[1]
    return np.array([x[0] * x[2], x[1] + x[0]])


def _columns(f, x):
    """Central differences of ``f`` (list in, array out) along each unit vector."""
    return np.array([(np.asarray(f(list(np.add(x, 1e-6 * e)))) -
                      np.asarray(f(list(np.subtract(x, 1e-6 * e))))) / 2e-6
                     for e in np.eye(len(x))])


@pytest.mark.parametrize("build, f, order", [
    (lambda: s2sad.jacobian(writes_first, mode="reverse"), writes_first, 1),
    (lambda: s2sad.jacobian(writes_first), writes_first, 1),
    (lambda: s2sad.hessian(writes_first), writes_first, 2),
    (lambda: s2sad.jacobian(writes_first_vector, mode="reverse"), writes_first_vector, 1),
])
def test_jacobians_leave_a_list_argument_unchanged(build, f, order):
    """The value was taken by calling f on the caller's list (only arrays were copied):
    the list changed, and the reverse Jacobian then ran on the changed list (a wrong
    answer, [-1.4, -0.48, 1] for [-1.4, 2.06, 1])."""
    x = [1.06, -1.4, 0.35]
    out = build()(x)
    assert x == [1.06, -1.4, 0.35]
    expected = _columns(f, x).T if order == 1 else _columns(s2sad.grad(f), x)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


# ----- a grad of a grad whose gradient needs the arguments' kinds -----

def rebound_then_added(a):
    y = a
    y += 1.0
    return y * a


def power_by_updates(a):
    s = a
    for _ in range(3):
        s *= a
    return s


def shifted_and_scaled(a):
    t = a
    t -= 0.5
    t /= 2.0
    if t > 0:
        return t * t * a
    return -t * a


@pytest.mark.parametrize("f, closed", [
    (rebound_then_added, lambda a: 2.0),
    (power_by_updates, lambda a: 12 * a * a),
    (shifted_and_scaled, lambda a: 1.5 * a - 0.5 if a > 0.5 else -1.0),  # (both branches)
])
@pytest.mark.parametrize("a", [1.3, -0.4])
def test_grad_of_grad_of_augmented_updates(f, closed, a):
    """``y = a; y += 1.0`` writes into ``a`` were it an array: the gradient made for
    unknown kinds (what a grad of a grad differentiated) was refused, though the grad
    and the hessian of the same number ran; it is now made for the call's kinds."""
    assert s2sad.grad(s2sad.grad(f))(a) == pytest.approx(closed(a))
    assert s2sad.jvp(s2sad.grad(f))(a, 1.0)[1] == pytest.approx(closed(a))
    assert s2sad.vjp(s2sad.grad(f))(a, 2.0)[1] == pytest.approx(2 * closed(a))
    assert s2sad.hessian(f)(a) == pytest.approx(closed(a))


def test_grad_of_grad_source_before_a_call_is_the_refusal():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_tangent_suite.py:\d+: "
                       r"in-place write to s"):
        print(s2sad.grad(s2sad.grad(power_by_updates)).source)


# ----- forward over reverse by hand: jvp of a grad of a list argument -----

def summed_until(x):
    s = 0.0
    for v in x:
        s = s + v
        if s > 1.5:
            break
    else:
        s = s * s
    return s


def squares_of_items(x):
    s = 0.0
    for v in x:
        s += v * v * v
    return s


def signed_items(x):
    s = 0.0
    for v in x:
        if v > 0:
            s = s + v * v
        else:
            s = s - v * v * v
    return s


@pytest.mark.parametrize("f, x", [
    (summed_until, [-0.8, -1.3, -0.25]),  # (no break: the else block)
    (summed_until, [0.9, 0.8, 0.3]),  # (the break)
    (squares_of_items, [0.3, -1.2, 0.7]),
    (signed_items, [0.3, -1.2, 0.7]),  # (both branches)
])
def test_jvp_of_grad_of_a_list_argument(f, x):
    """The gradient made for unknown kinds wrote its adjoint items in place, refused at
    a line of s2sad's own code ("<s2sad grad_...>:39: in-place write to ..."); made for
    a list argument it runs."""
    t = [1.0, -0.5, 0.25]
    _, hv = s2sad.jvp(s2sad.grad(f))(x, t)
    np.testing.assert_allclose(hv, s2sad.hessian(f)(x) @ np.array(t), rtol=1e-10,
                               atol=1e-12)
    g = s2sad.grad(f)
    expected = (np.asarray(g(list(np.add(x, 1e-6 * np.array(t))))) -
                np.asarray(g(list(np.subtract(x, 1e-6 * np.array(t)))))) / 2e-6
    np.testing.assert_allclose(hv, expected, rtol=1e-5, atol=1e-6)
