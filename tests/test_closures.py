"""A derivative taken inside the function of a function made inside it that reads the
function's variables (closures.py: lifted, the variables passed at each call), checked
against central differences and closed forms, first and second order."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, numerical_grad

X = np.array([0.3, -0.4, 1.1])


def inline_lambda_over_x(x):
    return s2sad.grad(lambda y: x * y ** 2)(x)  # 2 x y at y = x: 2 x^2


def test_an_inline_lambda_over_the_argument_closed_form():
    # d/dx (2 x^2) = 4 x: the inner derivative's x is the outer's variable, not a constant
    assert s2sad.grad(inline_lambda_over_x)(0.7) == pytest.approx(2.8, rel=1e-12)
    assert s2sad.grad(inline_lambda_over_x)(-1.5) == pytest.approx(-6.0, rel=1e-12)


def test_a_lambda_in_a_lambda_without_free_variables():
    f = s2sad.grad(lambda t: s2sad.grad(lambda u: u ** 3 * np.sin(u))(t))
    t = 0.7
    expected = 6 * t * np.sin(t) + 6 * t ** 2 * np.cos(t) - t ** 3 * np.sin(t)
    assert f(t) == pytest.approx(expected, rel=1e-12)


def nested_def(x):
    a = np.sin(x)

    def energy(y):
        return np.sum(a * y ** 2) + np.dot(y, x)
    g = s2sad.grad(energy)  # bound to a name, called later
    return np.sum(g(x) ** 2)


def late_bound(x):
    c = 1.0
    h = lambda y: c * np.sum(y ** 3)  # noqa: E731  (the closure reads c when it runs)
    c = x[0]
    return np.sum(s2sad.grad(h)(x) * x)


def value_and_gradient(x):
    v, g = s2sad.value_and_grad(lambda y: np.sum(x * np.tanh(y)))(x * 2)
    return v + np.sum(g)


def in_a_loop(x):
    total = 0.0
    for k in range(3):
        total = total + s2sad.grad(lambda y: (k + 1.0) * np.sum(np.cos(y * x)))(x)[0]  # noqa: B023
    return total


def reads_a_local_def(x):
    def sq(u):
        return u * u
    h = lambda y: np.sum(sq(y) * x)  # noqa: E731
    return np.sum(s2sad.grad(h)(x))


@pytest.mark.parametrize("f", [nested_def, late_bound, value_and_gradient, in_a_loop,
                               reads_a_local_def])
def test_closures_against_differences(f):
    check_grad(f, X.copy())


def test_the_late_bound_value_is_the_one_read():
    # c = x[0] when h runs: sum(3 c y^2 * y) = 3 x0 sum(x^3)
    assert late_bound(X) == pytest.approx(3 * X[0] * np.sum(X ** 3), rel=1e-12)


def closes_over_c(t, c):
    return s2sad.grad(lambda u: c * u ** 3 * np.sin(u))(t)


def test_gradient_with_respect_to_the_captured_variable():
    t, c = 0.7, 2.0
    expected = 3 * t ** 2 * np.sin(t) + t ** 3 * np.cos(t)  # d/dc of c (u^3 sin u)'
    assert s2sad.grad(closes_over_c, wrt=1)(t, c) == pytest.approx(expected, rel=1e-12)
    check_grad(closes_over_c, t, c, wrt=(0, 1))


def dotted(x):
    return np.dot(s2sad.grad(lambda y: np.sum(np.exp(y) * x))(x), np.array([1.0, 2.0]))


def test_second_order_through_a_closure():
    x = np.array([0.3, -0.4])
    hess = s2sad.hessian(dotted)(x)
    expected = np.stack([numerical_grad(lambda v, i=i: s2sad.grad(dotted)(v)[i], (x,))
                         for i in range(2)])
    np.testing.assert_allclose(hess, expected, rtol=1e-6, atol=1e-8)
    # closed form: f = sum_i e^{x_i} x_i w_i, d2f/dxi2 = e^{x_i} (x_i + 2) w_i
    np.testing.assert_allclose(np.diag(hess), np.exp(x) * (x + 2) * [1.0, 2.0], rtol=1e-10)
    value, tangent = s2sad.jvp(dotted)(x, np.array([1.0, 0.0]))
    assert tangent == pytest.approx(s2sad.grad(dotted)(x)[0], rel=1e-12)


def reads_a_closure_def(x):
    def scaled(u):
        return u * x  # (reads x: not a function of the user's globals alone)
    h = lambda y: np.sum(scaled(y) ** 2)  # noqa: E731
    return np.sum(s2sad.grad(h)(x))


def test_a_closure_calling_a_closure():
    """Both lifted, ``scaled`` made inside the lifted ``h`` (was refused): f = sum of
    d/dy sum((y x)^2) at y = x, 2 sum(x^3), whose gradient is 6 x^2."""
    np.testing.assert_allclose(s2sad.grad(reads_a_closure_def)(X), 6 * X ** 2, rtol=1e-10)
    check_grad(reads_a_closure_def, X)


def rebinds_nonlocal(x):
    total = 0.0

    def add(y):
        nonlocal total
        total = total + np.sum(y * x)
        return np.sum(y ** 2) + total
    return np.sum(s2sad.grad(add)(x))


def test_a_closure_rebinding_a_variable_is_not_lifted():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_closures.py:\d+"):
        s2sad.grad(rebinds_nonlocal)(X)


# ---- a closure's variables are never re-read from a module global of the same name

A = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])  # (module data the closures shadow)
B = np.array([1.0, -2.0, 0.5])
SCALE = 100.0


def least_squares(A, B, SCALE):  # (the names of the globals, on purpose)
    def loss(w):
        return SCALE * np.sum((A @ w - B) ** 2)
    return loss


def test_a_closure_over_data_shadowing_module_globals():
    a, b = A[::-1] * 0.5, B + 1.0
    loss = least_squares(a, b, 2.0)
    w = np.array([0.3, -0.7])
    expected = 2.0 * 2 * a.T @ (a @ w - b)  # closed form, the closure's data
    np.testing.assert_allclose(s2sad.grad(loss)(w), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(loss)(w), numerical_grad(loss, (w,)), rtol=1e-6)
    value, tangent = s2sad.jvp(loss)(w, np.array([1.0, 0.0]))
    assert value == pytest.approx(loss(w)) and tangent == pytest.approx(expected[0])
    value, grad = s2sad.value_and_grad(loss)(w)
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


def test_closures_made_again_with_other_values():
    w = np.array([0.3, -0.7])
    for scale in (1.0, 3.0):
        a = A * scale
        expected = 2 * scale * 2 * a.T @ (a @ w - B)
        np.testing.assert_allclose(s2sad.grad(least_squares(a, B, 2 * scale))(w),
                                   expected, rtol=1e-12)


def gradient_dot(A):
    h = lambda y: np.sum(np.sin(y) * y * A[0])  # noqa: E731
    return s2sad.grad(h)(A[0]) @ A[0]


def test_a_derivative_inside_called_again_with_another_closure():
    for m in (A[:2] * 0.3, A[:2] * 0.6):  # each call makes its lambda over new values
        x = m[0]
        expected = np.sum((np.cos(x) * x + np.sin(x)) * x * x)
        assert gradient_dot(m) == pytest.approx(expected, rel=1e-12)
    check_grad(gradient_dot, A[:2] * 0.6)


# ---- a closure's variables as they are at each call (a maker rebinding them: nonlocal)

def rebindable():
    X = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.array([1.0, 0.0])
    k = 1.0

    def loss(w):
        return k * np.sum((X @ w - y) ** 2)

    def rebind(X2, y2, k2):
        nonlocal X, y, k
        X, y, k = X2, y2, k2
    return loss, rebind


@pytest.mark.parametrize("kind", ["grad", "jvp", "value_and_grad"])
def test_closure_variables_rebound_after_the_derivative_is_made(kind):
    loss, rebind = rebindable()
    d = getattr(s2sad, kind)(loss)
    w = np.array([0.3, -0.2])

    def gradient():
        out = d(w, np.array([1.0, 0.0])) if kind == "jvp" else d(w)
        return out[1] if kind != "grad" else out
    gradient()
    for X, y, k in ((np.arange(6.0).reshape(3, 2), np.ones(3), 2.0),  # another shape
                    (np.arange(6.0).reshape(3, 2) * 2, np.zeros(3), 0.5),  # same shape
                    (np.eye(2), np.array([1.0, 2.0]), 3.0)):
        rebind(X, y, k)
        for _ in range(3):  # (the calls after the first take the fast path)
            expected = 2 * k * X.T @ (X @ w - y)
            np.testing.assert_allclose(gradient(), expected[0] if kind == "jvp" else expected,
                                       rtol=1e-12)


# ---- closures made anew per call share a transform, each reading its own cells

def _loss(w, xb, yb):
    return np.mean((xb @ w - yb) ** 2)


def test_a_closure_per_step_over_new_batches():
    rng = np.random.default_rng(3)
    X, y, w = rng.standard_normal((60, 3)), rng.standard_normal(60), np.zeros(3)
    expected = w.copy()
    for step in range(6):
        xb, yb = X[10 * step:10 * step + 10], y[10 * step:10 * step + 10]
        w = w - 0.1 * s2sad.grad(lambda w: _loss(w, xb, yb))(w)  # noqa: B023
        expected = expected - 0.1 * 2 * xb.T @ (xb @ expected - yb) / 10
        np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-15)


def _scaled(act, c, idx):
    return lambda w: c * np.sum(act(w[idx]))


@pytest.mark.parametrize("act, slope", [(np.tanh, lambda v: 1 - np.tanh(v) ** 2),
                                        (np.sin, np.cos)])
def test_closures_over_other_functions_numbers_and_indices(act, slope):
    w = np.array([0.3, -0.2, 0.9, 1.4])
    for c, idx in ((2.0, slice(0, 2)), (-1.5, slice(1, 4)), (2.0, np.array([3, 0, 3]))):
        expected = np.zeros(4)
        np.add.at(expected, np.arange(4)[idx], c * slope(w[idx]))
        np.testing.assert_allclose(s2sad.grad(_scaled(act, c, idx))(w), expected,
                                   rtol=1e-12)


def test_closures_with_a_function_run_as_a_key_each_read_their_own_cells():
    def make(rank):
        def f(w):
            order = sorted(range(3), key=lambda i: rank[i])  # (runs: reads the cell)
            return np.sum(w[order[:2]] ** 2)
        return f
    w = np.array([0.5, -1.0, 2.0])
    for rank in (np.array([0.0, 1.0, 2.0]), np.array([2.0, 1.0, 0.0]),
                 np.array([1.0, 0.0, 2.0])):
        order = np.argsort(rank)[:2]
        expected = np.zeros(3)
        expected[order] = 2 * w[order]
        np.testing.assert_allclose(s2sad.grad(make(rank))(w), expected, rtol=1e-12)


CASES = {  # lambdas in a dict display, named after their keys (as test suites label them)
    "cubes": lambda v: np.sum(v ** 3),
    "logistic": lambda v: np.sum(np.log1p(np.exp(-v))),
}
for _name, _f in CASES.items():
    _f.__name__ = _name


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_renamed_lambda_in_a_dict_display(name):
    """A lambda given a ``__name__`` of its own was read as a def of that name: its
    line (``"cubes": lambda v: ...``) failed to parse ("source not available")."""
    v = np.array([0.3, -1.2, 0.8])
    expected = {"cubes": 3 * v ** 2, "logistic": -1 / (1 + np.exp(v))}[name]
    np.testing.assert_allclose(s2sad.grad(CASES[name])(v), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(CASES[name])(v, np.ones(3))[1], np.sum(expected))
