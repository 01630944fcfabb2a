"""User programs of session 49 (tools/user_programs/*49.py: autograd-suite style sweeps of
NumPy, np.linalg and SciPy functions over shapes, axes and keywords) where s2sad failed,
each with variations written differently: gradients and tangents against central
differences in float64, and a closed form where there is one."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import odeint, quad, solve_ivp

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

RNG = np.random.default_rng(49)
X = RNG.standard_normal((3, 4))
T = RNG.standard_normal((2, 3, 4))
W3 = RNG.standard_normal(3)
XS = RNG.standard_normal((5, 3))
YS = RNG.standard_normal(5)


# ----- options of a closed form passed by position (they were read by name only: the
# ----- default taken, a wrong gradient, or a crash)

def sum_where_by_position(x):
    return np.sum(x, 0, None, None, True, 3.0, x > 0).sum()


def max_initial_by_position(x):
    return np.max(x, 0, None, True, 0.5).sum()


def min_initial_where_by_position(x):
    return np.min(x, 1, None, False, 2.0, x < 1.0).sum()


def method_max_initial_by_position(x):
    return x.max(0, None, True, 0.2).sum()


def prod_initial_by_position(x):
    return np.prod(x, 1, None, None, False, 2.0).sum()


def method_prod_initial_by_position(x):
    return x.prod(0, None, None, True, 3.0).sum()


def diff_prepend_by_position(x):
    return np.sum(np.diff(x, 1, 0, 0.5) ** 2)


@pytest.mark.parametrize("f", [sum_where_by_position, max_initial_by_position,
                               min_initial_where_by_position, method_max_initial_by_position,
                               prod_initial_by_position, method_prod_initial_by_position,
                               diff_prepend_by_position])
def test_options_passed_by_position(f):
    check_grad(f, X)
    check_jvp(f, X)


def test_sum_where_by_position_closed_form():
    np.testing.assert_array_equal(s2sad.grad(sum_where_by_position)(X), (X > 0) * 1.0)


def test_max_initial_by_position_both_branches():
    """Columns whose maximum is under ``initial`` get no gradient; the others one at it."""
    g = s2sad.grad(max_initial_by_position)(X)
    top = X.max(axis=0)
    expected = (X == top) * (top > 0.5)
    assert (top > 0.5).any() and (top <= 0.5).any()  # (both branches taken)
    np.testing.assert_array_equal(g, expected * 1.0)


def test_prod_initial_by_position_closed_form():
    g = s2sad.grad(prod_initial_by_position)(X)
    np.testing.assert_allclose(g, 2.0 * np.prod(X, axis=1, keepdims=True) / X, rtol=1e-12)


# ----- np.prod's where= and initial= by name

def prod_where(x):
    return np.prod(x, where=x > 0)


def prod_where_axis(x):
    return np.sum(np.prod(x, axis=0, where=np.abs(x) < 1.0, initial=-1.5))


def method_prod_where(x):
    return x.prod(axis=1, where=x < 0.5, keepdims=True).sum()


@pytest.mark.parametrize("f", [prod_where, prod_where_axis, method_prod_where])
def test_prod_where_and_initial(f):
    check_grad(f, X)
    check_vjp(f, X)


def test_prod_where_closed_form():
    mask = X > 0
    expected = np.where(mask, np.prod(X[mask]) / X, 0.0)
    np.testing.assert_allclose(s2sad.grad(prod_where)(X), expected, rtol=1e-12)


# ----- np.nanstd over three or more axes (its closed form took NumPy's norm of them)

@pytest.mark.parametrize("axis, keepdims, ddof", [((2, 1, 0), False, 0), ((0, 1, 2), True, 1),
                                                  ((-1, 0, 1), False, 0)])
def test_nanstd_over_three_axes(axis, keepdims, ddof):
    t = T.copy()
    t[0, 1, 2] = np.nan

    def spread(x):
        return np.sum(np.nanstd(x, axis=axis, keepdims=keepdims, ddof=ddof) ** 2)
    g = check_grad(spread, t)
    assert g[0, 1, 2] == 0.0
    seen = ~np.isnan(t)  # (closed form: the variance's gradient)
    n = seen.sum()
    mean = np.nansum(t) / n
    np.testing.assert_allclose(g, np.where(seen, 2 * (t - mean) / (n - ddof), 0.0),
                               rtol=1e-10)


def test_nanstd_over_four_axes_of_a_4d_array():
    x = RNG.standard_normal((2, 2, 3, 2))
    check_vjp(lambda a: np.nanstd(a, axis=(0, 1, 3)), x)


# ----- np.average(returned=True): the average and the sum of the weights

def average_returned_1d_weights(x, w):
    avg, total = np.average(x, axis=1, weights=w, returned=True)
    return np.sum(avg * total)


def average_returned_by_position(x, w):
    avg, total = np.average(x, 1, w, True)
    return np.sum(avg ** 2) + np.sum(total ** 2)


def average_returned_full_weights(x, w):
    avg, total = np.average(x, weights=w, returned=True)
    return avg * total


def average_returned_no_weights(x, w):
    avg, count = np.average(x * w, axis=0, returned=True)
    return np.sum(avg * count)


@pytest.mark.parametrize("f, w", [
    (average_returned_1d_weights, np.abs(RNG.standard_normal(4)) + 0.5),
    (average_returned_by_position, np.abs(RNG.standard_normal(4)) + 0.5),
    (average_returned_full_weights, np.abs(RNG.standard_normal((3, 4))) + 0.5),
    (average_returned_no_weights, np.abs(RNG.standard_normal(4)) + 0.5)])
def test_average_returned(f, w):
    check_grad(f, X, w, wrt=(0, 1))
    check_jvp(f, X, w, wrt=(0, 1))


def test_average_returned_closed_form():
    """avg * sum(w) is sum(w * x): its gradient in x is w, in w is x."""
    w = np.abs(RNG.standard_normal(4)) + 0.5
    gx, gw = s2sad.grad(average_returned_1d_weights, wrt=(0, 1))(X, w)
    np.testing.assert_allclose(gx, np.broadcast_to(w, X.shape), rtol=1e-12)
    np.testing.assert_allclose(gw, X.sum(axis=0), rtol=1e-12)


# ----- s2sad.hessian / s2sad.jacobian written inside, called with more arguments

def sq_loss(w, x, y):
    return np.sum((np.tanh(x @ w) - y) ** 2) + 0.1 * np.dot(w, w)


def newton_step_loss(w, x, y):
    H = s2sad.hessian(sq_loss)(w, x, y)
    g = s2sad.grad(sq_loss)(w, x, y)
    return sq_loss(w - np.linalg.solve(H + np.eye(3), g), x, y)


def hessian_trace(w, x, y):
    return np.trace(s2sad.hessian(sq_loss)(w, x, y))


def residuals(w, x, scale):
    return np.tanh(x @ w) * scale


def gauss_newton_logdet(w, x):
    J = s2sad.jacobian(residuals)(w, x, 2.0)
    return np.linalg.slogdet(J.T @ J)[1]


def jacobian_of_gradient(w, x, y):
    return np.sum(s2sad.jacobian(s2sad.grad(sq_loss))(w, x, y) ** 2)


@pytest.mark.parametrize("f, args", [(newton_step_loss, (W3, XS, YS)),
                                     (hessian_trace, (W3, XS, YS)),
                                     (gauss_newton_logdet, (W3, XS)),
                                     (jacobian_of_gradient, (W3, XS, YS))])
def test_derivatives_written_inside_with_more_arguments(f, args):
    check_grad(f, *args, rtol=1e-4)


def test_jacobian_written_inside_closed_form():
    """J of tanh(x @ w) * 2 is 2 (1 - tanh^2) x; logdet(J^T J) through it."""
    J = s2sad.jacobian(residuals)(W3, XS, 2.0)
    np.testing.assert_allclose(J, 2.0 * (1 - np.tanh(XS @ W3) ** 2)[:, None] * XS, rtol=1e-12)


# ----- refusals that say what the user did

def reshaped_in_place(x):
    y = x * 2.0
    y.shape = (2, 3)
    return np.sum(y[0] * y[1])


def retyped_in_place(x):
    y = x + 1.0
    y.dtype = np.float64
    return np.sum(y)


def real_part_written(x):
    z = x * (1 + 1j)
    z.real = x
    return np.sum(np.abs(z))


@pytest.mark.parametrize("f, attr", [(reshaped_in_place, "shape"), (retyped_in_place, "dtype"),
                                     (real_part_written, "real")])
def test_an_array_attribute_written_is_refused_with_the_new_array_form(f, attr):
    with pytest.raises(s2sad.DifferentiationError,
                       match=rf"test_user_programs49\.py:\d+: assignment to \.{attr}: it "
                             r"changes the array \(or object\) in place.*make a new array"):
        s2sad.grad(f)(np.arange(6.0))


def decay_end(k):
    return odeint(lambda y, t: -k * y, 1.0, np.array([0.0, 1.0]))[-1, 0]


def ivp_end(k):
    return solve_ivp(lambda t, y: -k * y, (0.0, 1.0), np.array([1.0]), rtol=1e-10).y[0, -1]


def gauss_integral(a):
    return quad(lambda t: np.exp(-a * t * t), 0.0, 1.0)[0]


@pytest.mark.parametrize("f, what", [(decay_end, "odeint"), (ivp_end, "solve_ivp"),
                                     (gauss_integral, "quad")])
@pytest.mark.parametrize("second", [lambda f: s2sad.grad(s2sad.grad(f)),
                                    lambda f: s2sad.hessian(f)])
def test_a_second_derivative_through_an_integrator_is_refused_as_such(f, what, second):
    first = s2sad.grad(f)(0.5)  # (the first derivative works)
    assert np.isfinite(first)
    with pytest.raises(s2sad.DifferentiationError,
                       match=rf"test_user_programs49\.py:\d+: a second derivative through "
                             rf"scipy\.integrate\.{what}: "):
        second(f)(0.5)


def test_gauss_integral_first_derivative_closed_form():
    """d/da of the integral of exp(-a t^2) over [0, 1] is minus the integral of t^2 exp(..)."""
    expected = -quad(lambda t: t * t * np.exp(-0.5 * t * t), 0.0, 1.0)[0]
    assert s2sad.grad(gauss_integral)(0.5) == pytest.approx(expected, rel=1e-7)


# ----- s2sad show of a function of *args / **kwargs: the derivative one call runs

VARARGS_MODULE = '''import numpy as np

def scaled(x, **opts):
    return np.sum(x ** 2) * opts.get("scale", 1.0)

def summed(x, *rest):
    return np.sum(np.sin(x)) * len(rest) + sum(rest)

def both(w, *extra, lam=0.1, **more):
    return np.sum(w ** 3) + lam * sum(extra)
'''


@pytest.mark.parametrize("name, args, signature", [
    ("scaled", None, "(x)"), ("summed", "[0.5, 1.0], 2.0, 3.0", "(x, a1, a2)"),
    ("both", "[0.5, 1.0], 2.0", "(w, a1)")])
def test_show_of_a_varargs_function(tmp_path, name, args, signature):
    import os
    import subprocess
    import sys
    from pathlib import Path
    path = tmp_path / "varargs_mod.py"
    path.write_text(VARARGS_MODULE)
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-m", "s2sad", "show", f"{path}:{name}"]
    command += ["--args", args] if args else []
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert f"def grad_call_{name}{signature}:" in done.stdout
    assert "adjoint of" in done.stdout


# ----- recursion: a def inside the function reading its variables (was refused), and a
# ----- recursive call passing arguments by keyword (their derivative was a silent zero)

def nested_power(x):
    def power(n):
        if n == 0:
            return 1.0
        return x * power(n - 1)
    return power(4)


def nested_unrolled_rnn(w, h0):
    def state(k):
        if k == 0:
            return h0
        return np.tanh(w @ state(k - 1) + 0.1)
    return np.sum(state(3) ** 2)


def nested_binary_tree(x):
    a, b = 0.3, 0.9

    def tree(depth):
        if depth == 0:
            return np.sum(x ** 2)
        return a * tree(depth - 1) + b * np.sin(tree(depth - 1))
    return tree(3)


def nested_keyword_calls(x, c):
    def shrink(v, depth=3):
        if depth == 0:
            return v * c
        return shrink(v=np.sin(v) + c, depth=depth - 1)
    return shrink(x)


def test_nested_recursion_closed_form():
    assert s2sad.grad(nested_power)(0.9) == pytest.approx(4 * 0.9 ** 3, rel=1e-12)


@pytest.mark.parametrize("f, args", [(nested_power, (0.9,)),
                                     (nested_unrolled_rnn, (0.5 * RNG.standard_normal((3, 3)),
                                                            RNG.standard_normal(3))),
                                     (nested_binary_tree, (RNG.standard_normal(3),)),
                                     (nested_keyword_calls, (0.4, 1.3))])
def test_nested_recursion(f, args):
    check_grad(f, *args, wrt=tuple(range(len(args))))
    check_jvp(f, *args)


def power_keyword_only(x, n, *, scale):
    if n == 0:
        return scale
    return x * power_keyword_only(x, n - 1, scale=scale)


def power_keyword(x, n, scale=1.0):
    if n == 0:
        return scale
    return x * power_keyword(x, n=n - 1, scale=scale)


def decay_keyword(v, n, rate=0.5):
    if n == 0:
        return v
    return decay_keyword(v=np.tanh(v) * rate, n=n - 1, rate=rate)


def scale_by_keyword_only(s):
    return power_keyword_only(0.9, 3, scale=s)


def scale_by_keyword(s):
    return power_keyword(0.9, 3, scale=s)


def rate_and_vector_by_keyword(rate, v):
    return np.sum(decay_keyword(v, 3, rate=rate) ** 2)


@pytest.mark.parametrize("f", [scale_by_keyword_only, scale_by_keyword])
def test_a_recursive_call_passing_keywords_closed_form(f):
    assert s2sad.grad(f)(2.0) == pytest.approx(0.9 ** 3, rel=1e-12)
    check_jvp(f, 2.0)


def test_a_recursive_call_passing_everything_by_keyword():
    check_grad(rate_and_vector_by_keyword, 0.7, RNG.standard_normal(3), wrt=(0, 1))
    check_jvp(rate_and_vector_by_keyword, 0.7, RNG.standard_normal(3), wrt=(0, 1))


# ----- adjoint names beside the user's own d-names: d_y, not dy_1

def own_dy(x, dy):
    y = np.sin(x) * dy
    dx = np.cos(y)
    return np.sum(dx * y)


def own_dw(w, dw):
    h = np.tanh(w * dw)
    return np.sum(h ** 2)


def own_dh_loop(w, dh):
    h = w
    for _ in range(2):
        h = np.tanh(h) * dh
    return np.sum(h)


@pytest.mark.parametrize("f, adjoint, taken", [(own_dy, "d_y", "dy"), (own_dw, "d_w", "dw"),
                                               (own_dh_loop, "d_h_1", "dh")])
def test_adjoints_beside_the_users_d_names(f, adjoint, taken):
    x = RNG.standard_normal(3)
    d = s2sad.grad(f)
    check_grad(f, x, 0.7)
    assert f"{adjoint} = " in d.source or f"return {adjoint}" in d.source, d.source
    assert f"{taken}_1" not in d.source
