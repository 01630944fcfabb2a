"""Second order: Hessians (forward-over-reverse), grad of grad, and custom rules
at second order, against finite differences of the gradient and closed forms."""
from __future__ import annotations

import math
import operator

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian


def fd_jacobian_of(g, x, eps=1e-5):
    """Central differences of a gradient function, column by column."""
    cols = [(np.asarray(g(x + eps * e)) - np.asarray(g(x - eps * e))) / (2 * eps)
            for e in np.eye(x.size)]
    return np.stack(cols, axis=1)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_hessian(x):
    n = x.size
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i + 1, i + 1] += 200
        H[i, i + 1] = H[i + 1, i] = -400 * x[i]
    return H


def test_rosenbrock_10d_hessian():
    x = np.linspace(-1.2, 1.5, 10)
    H = s2sad.hessian(rosenbrock)(x)
    assert H.shape == (10, 10)
    np.testing.assert_allclose(H, rosenbrock_hessian(x), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(H, fd_jacobian_of(s2sad.grad(rosenbrock), x), atol=1e-6)


def signed_cubes(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0:
            s = s + x[i] ** 3 * x[0]
        else:
            s = s - np.sin(x[i]) * x[i]
    return s


@pytest.mark.parametrize("x", [np.array([0.5, -0.3, 1.2, -2.0]),   # both branches
                               np.array([0.4, 0.3, 1.2, 2.0]),     # only the then-branch
                               np.array([-0.5, -0.3, -1.2, -2.0])])  # only the else-branch
def test_hessian_through_a_data_dependent_if_in_a_loop(x):
    H = s2sad.hessian(signed_cubes)(x)
    np.testing.assert_allclose(H, fd_jacobian_of(s2sad.grad(signed_cubes), x), atol=1e-6)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


def piecewise(x):
    if x > 1.0:
        y = x ** 3
    else:
        y = math.sin(x) * x
    return y


@pytest.mark.parametrize("x", [2.0, 0.5])
def test_grad_of_grad_through_a_branch(x):
    d2 = s2sad.grad(s2sad.grad(piecewise))(x)
    expected = 6 * x if x > 1.0 else 2 * math.cos(x) - x * math.sin(x)
    assert isinstance(d2, float)
    assert math.isclose(d2, expected, rel_tol=1e-10)


def power_loop(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


@pytest.mark.parametrize("n", [0, 1, 5])
def test_third_derivative_of_a_loop(n):
    d3 = s2sad.grad(s2sad.grad(s2sad.grad(power_loop)))(1.3, n)
    expected = n * (n - 1) * (n - 2) * 1.3 ** (n - 3) if n >= 3 else 0.0
    assert math.isclose(d3, expected, rel_tol=1e-10, abs_tol=1e-12)


def quartic(x):
    return x ** 4


@s2sad.defvjp(quartic)
def _quartic_vjp(g, ans, x):
    return (4 * g * x ** 3,)


@s2sad.defjvp(quartic)
def _quartic_jvp(tangents, ans, x):
    return 4 * x ** 3 * tangents[0]


def uses_quartic(x):
    return np.sum(quartic(x) * x)


def test_hessian_through_a_custom_rule():
    x = np.array([0.3, -0.7, 1.1])
    H = s2sad.hessian(uses_quartic)(x)   # d2/dx2 of x**5 summed: 20 x**3 on the diagonal
    np.testing.assert_allclose(H, np.diag(20 * x ** 3), rtol=1e-12, atol=1e-12)


def test_jacobian_modes_agree_on_a_loop():
    def f(x):
        out = np.zeros(3)
        for i in range(3):
            out[i] = np.sum(np.sin(x * (i + 1)))
        return out
    x = np.array([0.2, -0.4])
    J = {m: s2sad.jacobian(f, mode=m)(x) for m in ("forward", "reverse", "auto")}
    expected = np.stack([(i + 1) * np.cos(x * (i + 1)) for i in range(3)])
    for m, j in J.items():
        np.testing.assert_allclose(j, expected, atol=1e-12, err_msg=m)


def scaled_square_norm(x, y):
    return np.sum(x ** 2) * y


def test_hessian_with_a_tuple_wrt_gives_blocks():
    x, y = np.array([1.0, 2.0]), 3.0
    (hxx, hxy), (hyx, hyy) = s2sad.hessian(scaled_square_norm, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(hxx, 2 * y * np.eye(2))
    np.testing.assert_allclose(hxy, 2 * x)
    np.testing.assert_allclose(hyx, 2 * x)
    assert hyy == 0.0


def eigh_pair(x):
    w, v = np.linalg.eigh(x)
    return tuple((w, v))


def listed(x):
    return list((np.sin(x), x * x))


def test_vjp_of_vjp_through_tuple_and_list_of_results():
    """list(x) / tuple(x)'s adjoint helper has a rule of its own: derivatives of the
    generated derivative go through it (they used to stop at a helper with no rule)."""
    x = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, -1.0]])
    ct = (np.array([1.0, -0.5, 0.25]), np.eye(3) * 0.1)
    vjp = s2sad.vjp(eigh_pair)
    outer = s2sad.vjp(vjp, wrt=(0,))
    direction = np.array([[0.2, -0.1, 0.05], [-0.1, 0.3, 0.0], [0.05, 0.0, -0.2]])
    no_value = (np.zeros(3), np.zeros((3, 3)))  # only the gradient part is looked at
    _, (gx,) = outer(x, ct, (no_value, direction))
    eps = 1e-6

    def inner(y):
        return np.sum(vjp(y, ct)[1] * direction)
    sym = np.zeros_like(x)
    for i in range(3):
        for j in range(3):
            e = np.zeros_like(x)
            e[i, j] = eps
            sym[i, j] = (inner(x + e) - inner(x - e)) / (2 * eps)
    np.testing.assert_allclose(gx, sym, rtol=1e-5, atol=1e-7)
    v2 = s2sad.vjp(listed)
    _, (g2,) = s2sad.vjp(v2, wrt=(0,))(np.array([0.5, 1.0]), [np.ones(2), np.ones(2)],
                                     ([np.zeros(2), np.zeros(2)], np.array([1.0, -1.0])))
    # d/dx of <(1, -1), cos(x) * 1 + 2 x * 1>
    np.testing.assert_allclose(g2, (-np.sin([0.5, 1.0]) + 2.0) * np.array([1.0, -1.0]))


def spread_of(x):
    return np.std(x * np.array([1.0, 2.0, 0.5, 1.5]), ddof=1) + np.std(x[:2], axis=0)


def std_of_one(x):
    return np.std(x)


def test_std_second_derivatives():
    x = np.array([0.3, 1.2, -0.7, 2.0])
    H = s2sad.hessian(spread_of)(x)
    g = s2sad.grad(spread_of)
    eps = 1e-6
    fd = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-8)
    # one number: std is 0 everywhere, so is every derivative (was nan at second order)
    vjp = s2sad.vjp(std_of_one)
    _, (gx, gc) = s2sad.vjp(vjp, wrt=(0, 1))(3.5, 0.7, (0.0, 1.0))
    assert gx == 0.0 and gc == 0.0
    assert s2sad.hessian(std_of_one)(np.array([2.0])).tolist() == [[0.0]]


# ----- a derivative called inside the function being differentiated -----

def _energy(x):
    return np.sum(np.sin(x) * x)


def _field(x):
    return np.sin(x) * x


_GRAD, _VJP = s2sad.grad(_energy), s2sad.vjp(_field)
_VALUE_AND_GRAD, _JVP = s2sad.value_and_grad(_energy), s2sad.jvp(_field)


def through_grad(x):
    return np.sum(_GRAD(x) ** 2)


def through_vjp(x):
    value, g = _VJP(x, np.cos(x))
    return np.sum(g ** 2) + np.sum(value)


def through_value_and_grad(x):
    value, g = _VALUE_AND_GRAD(x)
    return value * np.sum(g)


def through_jvp(x):
    value, t = _JVP(x, np.ones_like(x))
    return np.sum(t ** 2) - np.sum(value * t)


@pytest.mark.parametrize("f", [through_grad, through_vjp, through_value_and_grad,
                               through_jvp])
@pytest.mark.parametrize("x", [np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.1])])
def test_a_derivative_called_inside_is_differentiated(f, x):
    check_grad(f, x)


def symmetrized_cholesky(*args):
    """autograd's test idiom: the first argument made symmetric, the rest passed on."""
    return _cholesky_sum(_symmetric(args[0]), *args[1:])


def _symmetric(A):
    L = np.tril(A)
    return (L + L.T) / 2.0


def _cholesky_sum(A, *weights):
    out = np.sum(np.linalg.cholesky(A))
    for w in weights:
        out = out + np.sum(w * A)
    return out


def spread_middle(*args):
    return np.sum(np.stack(args[1:-1]) * args[0]) + np.sum(args[-1] ** 2)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_star_of_a_slice_of_star_args(n, rng):
    A = rng.normal(size=(4, 4))
    A = A @ A.T + 4 * np.eye(4)
    weights = [rng.normal(size=(4, 4)) for _ in range(n - 1)]
    check_grad(symmetrized_cholesky, A, *weights, wrt=tuple(range(n)))
    vectors = [rng.normal(size=3) for _ in range(n + 2)]
    check_grad(spread_middle, *vectors, wrt=tuple(range(n + 2)))


# Loops whose state starts as the parameter itself: the gradient's tape holds the
# argument, and appending to the tape changes the list, not the array it holds.

def sin_map(x, W):
    s = x
    total = 0.0
    for t in range(4):
        s = np.sin(W @ s)
        total = total + np.sum(s ** 2) * (t + 1)
    return total


def damped(x):
    s = x
    for _ in range(5):
        if np.sum(s) > 0:
            s = 0.9 * s - 0.1 * s ** 3
        else:
            s = np.tanh(s) + 0.2 * s
    return np.sum(s * s)


def scalar_recurrence(x):
    y = x[0]
    for i in range(1, x.shape[0]):
        y = y * np.cos(x[i]) + x[i] ** 2
    return y


_W = np.random.default_rng(2).normal(size=(3, 3)) * 0.6


@pytest.mark.parametrize("f,x", [
    (lambda x: sin_map(x, _W), np.array([0.3, -0.2, 0.5])),
    (damped, np.array([0.4, 0.1, 0.2])),      # the then-branch every trip
    (damped, np.array([-0.4, -0.1, -0.2])),   # the else-branch every trip
    (scalar_recurrence, np.array([0.7, -0.4, 1.1, 0.3])),
], ids=["matrix_map", "damped_then", "damped_else", "scalar_recurrence"])
def test_hessian_of_a_loop_whose_state_starts_as_the_argument(f, x):
    if f.__name__ == "<lambda>":
        g = s2sad.grad(sin_map)
        H = s2sad.hessian(sin_map)(x, _W)
        fd = fd_jacobian_of(lambda v: g(v, _W), x)
    else:
        H = s2sad.hessian(f)(x)
        fd = fd_jacobian_of(s2sad.grad(f), x)
    np.testing.assert_allclose(H, fd, atol=1e-6)
    np.testing.assert_allclose(H, H.T, atol=1e-10)


def test_hessian_of_the_scalar_recurrence_closed_form():
    x = np.array([0.7, -0.4])
    # y = x0 cos(x1) + x1^2
    want = np.array([[0.0, -np.sin(x[1])], [-np.sin(x[1]), -x[0] * np.cos(x[1]) + 2.0]])
    np.testing.assert_allclose(s2sad.hessian(scalar_recurrence)(x), want, atol=1e-12)


# Adjoints of tuples and lists read twice add item by item (a tuple's adjoint made by
# np.array's adjoint is a tuple too: adding two with + would concatenate them).

def _pair_product(y):
    return y[0] * y[1]


def nested_tuple_grad(x):
    return np.sum(np.sin(np.array(s2sad.grad(_pair_product)((x, x)))))


def _weighted(v):
    return v[0] * v[1] ** 2 + v[2]


def nested_list_grad(x):
    return np.sum(np.array(s2sad.grad(_weighted)([x, 2.0 * x, x * x])) ** 2)


def tuple_read_twice(x):
    t = (x, x * x)
    a = np.array(t)
    return np.sum(a * a) + np.sum(np.cos(np.array(t)))


def test_second_and_third_derivatives_through_a_gradient_of_a_tuple():
    x = 10.0
    # nested_tuple_grad(x) = 2 sin(x)
    assert abs(s2sad.grad(nested_tuple_grad)(x) - 2 * np.cos(x)) < 1e-12
    assert abs(s2sad.grad(s2sad.grad(nested_tuple_grad))(x) + 2 * np.sin(x)) < 1e-12
    assert abs(s2sad.grad(s2sad.grad(s2sad.grad(nested_tuple_grad)))(x)
               + 2 * np.cos(x)) < 1e-12


@pytest.mark.parametrize("x", [0.7, -1.3])
def test_second_derivative_through_a_gradient_of_a_list(x):
    # grad of _weighted at (x, 2x, x^2) = (4x^2, 4x^2, 1): f = 32 x^4 + 1
    assert abs(s2sad.grad(nested_list_grad)(x) - 128 * x ** 3) < 1e-9
    assert abs(s2sad.grad(s2sad.grad(nested_list_grad))(x) - 384 * x ** 2) < 1e-9


@pytest.mark.parametrize("x", [np.array([0.3, -0.8]), np.array([1.1, 0.4])])
def test_hessian_of_a_tuple_read_twice(x):
    H = s2sad.hessian(tuple_read_twice)(x)
    np.testing.assert_allclose(H, fd_jacobian_of(s2sad.grad(tuple_read_twice), x), atol=1e-6)
    # f = sum(x^2 + x^4 + cos x + cos x^2): diagonal
    want = 2 + 12 * x ** 2 - np.cos(x) - 2 * np.sin(x ** 2) - 4 * x ** 2 * np.cos(x ** 2)
    np.testing.assert_allclose(H, np.diag(want), atol=1e-10)


_d_nested_tuple = s2sad.grad(nested_tuple_grad)
_d_nested_list = s2sad.grad(nested_list_grad)


def calls_the_gradient_of_a_tuple(x):
    return _d_nested_tuple(x)


def calls_the_gradient_of_a_list(x):
    return _d_nested_list(x) * x


@pytest.mark.parametrize("x", [10.0, -0.6])
def test_gradients_of_functions_that_call_such_gradients(x):
    """The called gradient is inlined: its tuple adjoints are read twice there."""
    assert abs(s2sad.grad(calls_the_gradient_of_a_tuple)(x) + 2 * np.sin(x)) < 1e-12
    # d/dx (128 x^4) = 512 x^3
    assert abs(s2sad.grad(calls_the_gradient_of_a_list)(x) - 512 * x ** 3) < 1e-9 * max(
        1.0, abs(512 * x ** 3))


# Second order through functions of dicts: reverse over reverse and forward over reverse
# of a vjp, against differences of the gradient (a Hessian-vector product).

def over_sorted_keys(d):
    A = 0.0
    B = 0.0
    for i, k in enumerate(sorted(d)):
        A = A + np.sum(np.sin(d[k])) * (i + 1.0)
        B = B + np.sum(np.cos(d[k]))
    return A + B


def over_items_values_keys(d):
    A = 0.0
    for i, (_k, v) in enumerate(sorted(d.items(), key=operator.itemgetter(0))):
        A = A + np.sum(np.sin(v)) * (i + 1.0)
    for v in d.values():
        A = A + np.sum(v * v * v)
    for k in sorted(d.keys()):
        A = A + np.sum(np.cos(d[k]))
    return A


def _dict_hvp_by_differences(f, d, u, eps=1e-6):
    g = s2sad.grad(f)
    plus = g({k: v + eps * u[k] for k, v in d.items()})
    minus = g({k: v - eps * u[k] for k, v in d.items()})
    return {k: (plus[k] - minus[k]) / (2 * eps) for k in d}


@pytest.mark.parametrize("f", [over_sorted_keys, over_items_values_keys])
def test_second_order_of_functions_of_dicts(f):
    rng = np.random.default_rng(3)
    d = {"b": rng.normal(size=(2, 3)), "a": rng.normal(size=4), "c": rng.normal(size=(3,))}
    u = {k: rng.normal(size=v.shape) for k, v in d.items()}
    want = _dict_hvp_by_differences(f, d, u)
    zero_u = {k: np.zeros_like(v) for k, v in d.items()}
    _, (rev,) = s2sad.vjp(s2sad.vjp(f), wrt=(0,))(d, 1.0, (0.0, u))
    _, (_, fwd) = s2sad.jvp(s2sad.vjp(f), wrt=(0, 1))(d, 1.0, u, 0.0)
    _, (_, seeded) = s2sad.jvp(s2sad.vjp(f), wrt=(0, 1))(d, 1.0, zero_u, 1.0)
    grad = s2sad.grad(f)(d)
    for k in d:
        np.testing.assert_allclose(rev[k], want[k], atol=1e-6)
        np.testing.assert_allclose(fwd[k], want[k], atol=1e-6)
        np.testing.assert_allclose(seeded[k], grad[k], atol=1e-12)  # linear in the seed


# Hessians of loops whose gradient keeps only shapes on its tape (element writes into a
# copy each step, in-place updates through a second name): the gradient is built for
# the arguments' ranks, and the tape's items are known to have the shapes pushed.

def heat_steps(u0):
    u = u0.copy()
    n = u.shape[0]
    for _ in range(6):
        new = u.copy()
        for i in range(1, n - 1):
            new[i] = u[i] + 0.2 * (u[i - 1] - 2 * u[i] + u[i + 1]) + 0.1 * u[i] ** 2
        u = new
    return np.sum(u ** 3)


def updated_through_another_name(x):
    y = np.zeros_like(x)
    y += x
    y *= 2.0
    y[1:] -= x[:-1]
    z = y
    z **= 2
    return np.sum(y) + np.sum(z * x)


def accumulated_arrays(x):
    s = np.zeros_like(x)
    for t in range(4):
        s = s + np.sin(x * s + t) * (t + 1.0)
    return np.sum(s * s)


@pytest.mark.parametrize("f", [heat_steps, updated_through_another_name,
                               accumulated_arrays])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_hessians_of_loops_with_shape_only_tapes(f, sign):
    x = sign * np.array([0.3, -0.5, 0.7, 0.2, 0.9])
    H = s2sad.hessian(f)(x)
    np.testing.assert_allclose(H, fd_jacobian_of(s2sad.grad(f), x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(H, H.T, atol=1e-9)


# Derivatives of derivatives of functions of *args (made per call, for the number of
# arguments the call passes).

def _psd_chol(A):
    return np.linalg.cholesky(A)


def _lower_sym(A):
    L = np.tril(A)
    return (L + L.T) / 2.0


def star_cholesky(*args):
    return _psd_chol(_lower_sym(args[0]), *args[1:])


def star_weighted(*args):
    return np.sum(np.sin(args[0]) * args[1] ** 2)


_D_STAR = s2sad.vjp(star_weighted, wrt=(0, 1))


def calls_a_vjp_of_a_star_function(x):
    _, (dx, dy) = _D_STAR(x, 2.0 * x, 1.0)
    return np.sum(dx * dy)


def _spd(rng, n=4):
    B = rng.normal(size=(n, n))
    return B @ B.T + n * np.eye(n)


def test_vjp_of_vjp_of_a_star_function():
    rng = np.random.default_rng(5)
    A, G, H, D = _spd(rng), rng.normal(size=(4, 4)), rng.normal(size=(4, 4)), \
        rng.normal(size=(4, 4))
    v1 = s2sad.vjp(star_cholesky)
    _, second = s2sad.vjp(v1)(A, G, (np.zeros((4, 4)), H))
    second = second[0] if isinstance(second, tuple) else second

    def first(a):
        g = v1(a, G)[1]
        return g[0] if isinstance(g, tuple) else g
    eps = 1e-6
    fd = (first(A + eps * D) - first(A - eps * D)) / (2 * eps)
    assert np.sum(second * D) == pytest.approx(np.sum(fd * H), rel=1e-6, abs=1e-9)


def test_jvp_of_vjp_of_a_star_function():
    x, y, t = np.array([0.3, -0.8]), np.array([1.1, 0.4]), np.array([1.0, -2.0])
    v1 = s2sad.vjp(star_weighted, wrt=(0, 1))
    _, (_, (dx, dy)) = s2sad.jvp(v1, wrt=0)(x, y, 1.0, t)
    # d/dx of (cos(x) y^2, 2 sin(x) y) along t
    np.testing.assert_allclose(dx, -np.sin(x) * y ** 2 * t, atol=1e-12)
    np.testing.assert_allclose(dy, 2 * np.cos(x) * y * t, atol=1e-12)


@pytest.mark.parametrize("x", [np.array([0.3, -0.8]), np.array([-1.2, 2.0])])
def test_gradient_of_a_function_calling_a_vjp_of_a_star_function(x):
    # dx = cos(x) (2x)^2, dy = 2 sin(x) (2x): sum(dx * dy) = 16 x^3 sin(x) cos(x)
    want = 48 * x ** 2 * np.sin(x) * np.cos(x) + 16 * x ** 3 * np.cos(2 * x)
    np.testing.assert_allclose(s2sad.grad(calls_a_vjp_of_a_star_function)(x), want,
                               atol=1e-10)


def spectral_norm(x):
    return np.linalg.norm(x.reshape(2, 3), 2)


def test_the_hessian_of_a_spectral_norm():
    """(Was a NotImplementedError out of the runtime, then a refusal.)"""
    check_hessian(spectral_norm, np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.7]))


def _masked_ratio(x):
    y = x / (x - x[0])  # 0 / 0 at x[0], in the branch np.where does not take there
    return np.sum(np.sin(np.where(x > 0.5, y, x ** 2)))


def _masked_log(x):
    return np.sum(np.where(x > 0, np.log(np.abs(x) * (x > 0)), x ** 3))


def _masked_root(x):
    return np.sum(np.where(x > 0.1, np.sqrt(x * (x > 0.1)), np.cos(x)))


@pytest.mark.parametrize("f", [_masked_ratio, _masked_log, _masked_root])
def test_hessians_through_a_masked_pole_have_no_nan(f):
    """The forward rule of ``safe_mul(t, d)`` in ``d`` guarded on the tangent of ``d``,
    not on ``t``: a Hessian through ``np.where`` whose untaken branch has a pole was NaN
    there (the first derivative was right).  Now guarded on ``t``."""
    import warnings
    x = np.array([0.3, -0.7, 1.1, 0.4, 0.05])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        H = check_hessian(f, x)
    assert not np.isnan(H).any()


# ----- keyword-only parameters reach f through a derivative of a derivative (a Hessian
# or grad of grad of f(x, *, z=3.0) raised a TypeError from the wrapper before) -----

_W0 = np.array([1.0, 2.0, 0.5])


def cubed_scaled(x, *, z=3.0):
    return np.sum(x ** 3) * z


def weighted_cubes(x, *, w=_W0, mode="sum"):
    return np.sum(x ** 3 * w) if mode == "sum" else np.max(x ** 3 * w)


def scalar_with_keyword(t, *, c=2.0):
    return t ** 3 * c + np.sin(t * c)


_X3 = np.array([0.3, -0.4, 0.9])


@pytest.mark.parametrize("f, keywords, diagonal", [
    (cubed_scaled, {}, 18 * _X3), (cubed_scaled, {"z": 2.0}, 12 * _X3),
    (weighted_cubes, {}, 6 * _X3 * _W0), (weighted_cubes, {"w": np.ones(3)}, 6 * _X3),
])
def test_hessian_passes_keyword_only_arguments(f, keywords, diagonal) -> None:
    H = s2sad.hessian(f)(_X3, **keywords)
    np.testing.assert_allclose(H, np.diag(diagonal), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("c", [2.0, -1.0, None])
def test_grad_of_grad_passes_keyword_only_arguments(c) -> None:
    t = 0.7
    k = 2.0 if c is None else c
    keywords = {} if c is None else {"c": c}
    d2 = s2sad.grad(s2sad.grad(scalar_with_keyword))
    assert np.isclose(d2(t, **keywords), 6 * t * k - k * k * np.sin(t * k), rtol=1e-12)
    d3 = s2sad.grad(d2)
    assert np.isclose(d3(t, **keywords), 6 * k - k ** 3 * np.cos(t * k), rtol=1e-12)
