"""Losses written as sums and means of elementwise values (compiler/number_spreads.py,
plain_helpers.factored_sum, algebra): the adjoint of a full sum kept as the number it
spreads where every reader broadcasts it anyway, so the summed value is not computed;
factors constant along summed axes applied after the sum; ``1.0`` coefficients and
double negations gone; ``wrt=(0,)`` on the fast call path.  Each against central
differences, with the generated source checked for the form."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp
from gradcheck import grad_source as commented_source


def grad_source(*args, **kwargs) -> str:
    """The generated source without its comments (which quote the user's lines)."""
    return "\n".join(line for line in commented_source(*args, **kwargs).splitlines()
                     if not line.lstrip().startswith("#"))

# ----- the adjoint of a sum or mean kept as a number -----


def huber(w, X, y, delta):
    r = X @ w - y
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    return np.mean(loss)


def barrier(x, A, b):
    s = b - A @ x
    inside = s > 0
    logs = np.log(np.where(inside, s, 1.0))
    return np.sum(np.where(inside, -logs, np.inf))


def mixture_nll(means, X):
    sq = np.sum((X[:, None, :] - means[None, :, :]) ** 2, axis=2)
    logp = -0.5 * sq
    m = np.max(logp, axis=1, keepdims=True)
    ll = m[:, 0] + np.log(np.sum(np.exp(logp - m), axis=1))
    return -np.mean(ll)


def broadcast_sum(x, c):
    return np.sum(x + c)


@pytest.mark.parametrize("delta", [0.3, 1.0, 10.0])  # mostly linear, mixed, all quadratic
def test_mean_of_a_where_loss(rng, delta) -> None:
    X = rng.standard_normal((12, 3))
    w = rng.standard_normal(3)
    y = X @ rng.standard_normal(3) + rng.standard_normal(12)
    check_grad(huber, w, X, y, delta, wrt=(0, 1))
    source = grad_source(huber, w, X, y, delta)
    assert "repeat_to" not in source and " loss = " not in source  # (only its shape read)
    assert "1.0 / X.shape[0]" in source


def test_sum_of_a_guarded_log(rng) -> None:
    A = rng.standard_normal((8, 3))
    x = 0.01 * rng.standard_normal(3)
    b = A @ x + 1.0 + rng.uniform(0, 1, 8)
    check_grad(barrier, x, A, b)
    check_jvp(barrier, x, A, b, rng=rng)
    source = grad_source(barrier, x, A, b)
    assert "repeat_to" not in source and "np.inf" not in source and "np.log" not in source


def test_mean_of_a_logsumexp_adds_the_number_into_a_column(rng) -> None:
    means, X = rng.standard_normal((3, 2)), rng.standard_normal((7, 2))
    check_grad(mixture_nll, means, X)
    source = grad_source(mixture_nll, means, X)
    assert "repeat_to" not in source and "-1.0 / X.shape[0]" in source
    assert " ll = " not in source


def test_a_reader_that_sums_keeps_the_spread(rng) -> None:
    """``x + c`` of a ``(1,)`` ``x`` and an ``(n,)`` ``c``: the adjoint of ``x`` sums the
    spread over ``c``'s length, which a number would not do."""
    x, c = rng.standard_normal(1), rng.standard_normal(5)
    np.testing.assert_allclose(s2sad.grad(broadcast_sum)(x, c), [5.0])
    np.testing.assert_allclose(s2sad.grad(broadcast_sum, wrt=1)(x, c), np.ones(5))
    check_grad(broadcast_sum, x, c, wrt=(0, 1))


def test_a_spread_squared_stays_an_array(rng) -> None:
    """Both operands read the spread: ``d * d`` of a number would be a number."""
    def f(x):
        s = np.sum(x * x)
        return s * s
    x = rng.standard_normal(4)
    check_grad(f, x)
    np.testing.assert_allclose(s2sad.grad(f)(x), 4 * np.sum(x * x) * x)


def gaussian_kl(mu, logvar):
    return -0.5 * np.sum(1.0 + logvar - mu * mu - np.exp(logvar))


def negated_twice(x, y):
    d = -np.sum(x * y - np.cos(x))
    return -d


def kl_of_a_layer(W, h):
    mu = h @ W
    return -0.5 * np.mean(1.0 + mu - mu * mu - np.exp(mu)) + np.sum(mu ** 2)


@pytest.mark.parametrize("f, shapes", [
    (gaussian_kl, [(6, 3), (6, 3)]), (negated_twice, [(5,), (5,)]),
    (kl_of_a_layer, [(4, 3), (7, 4)])])
def test_a_negated_spread_stays_a_number(rng, f, shapes) -> None:
    """A spread read by its negation, ``dexp = -dsub`` (the adjoint of ``a - b``), bound
    once and read by products of the full shape: both numbers, the summed value not
    computed."""
    args = [0.5 * rng.standard_normal(s) for s in shapes]
    check_grad(f, *args, wrt=(0, 1))
    check_jvp(f, *args, rng=rng)
    assert "repeat_to" not in grad_source(f, *args, wrt=(0, 1))


def test_gaussian_kl_closed_form(rng) -> None:
    mu, logvar = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    dmu, dlogvar = s2sad.grad(gaussian_kl, wrt=(0, 1))(mu, logvar)
    np.testing.assert_allclose(dmu, mu, rtol=1e-12)
    np.testing.assert_allclose(dlogvar, 0.5 * (np.exp(logvar) - 1.0), rtol=1e-12)
    source = grad_source(gaussian_kl, mu, logvar, wrt=(0, 1))
    assert "1.0 + logvar" not in source  # (the summed value: not computed)


# ----- factors constant along the summed axes -----


def softmax_loss(s, t):
    p = np.exp(s - np.max(s, axis=1, keepdims=True))
    p = p / np.sum(p, axis=1, keepdims=True)
    return np.sum((p - t) ** 2)


def scaled_columns(x, w):
    return np.sum(np.tanh(x / w) ** 2)


def row_weights(x, w):
    return np.sum(np.sin(x * w[:, None]))


@pytest.mark.parametrize("case", ["softmax", "columns", "rows"])
def test_factor_applied_after_the_sum(rng, case) -> None:
    x = rng.standard_normal((5, 4))
    if case == "softmax":
        f, args = softmax_loss, (x, rng.uniform(0, 1, (5, 4)))
        form = "* p_1)[..., None] / total"  # (sum_last: the rows pass, keepdims kept)
    elif case == "columns":
        f, args = scaled_columns, (x, rng.uniform(1, 2, 4))
        form = "np.ones(np.shape(div)[0]) @"  # (sums down an axis: the rows pass's products)
    else:
        f, args = row_weights, (x, rng.standard_normal(5))
        form = "sum_last(dmul * x)"  # (a length not known to be 4 or more: sum_last)
    check_grad(f, *args, wrt=(0, 1))
    source = grad_source(f, *args, wrt=(0, 1))
    assert form in source
    if case == "columns":  # d/dw of x / w: the division by w after summing the rows
        assert "@ (ddiv * div) / w" in source.replace("\n", "") or "/ (w * w)" in source


# ----- 1.0 coefficients and signs -----


def half_squares(x, t):
    return 0.5 * np.sum((x - t) ** 2)


def half_squares_of_ints(x, k):
    return 0.5 * np.sum(k * x ** 2)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gates(z, c):
    H = c.shape[1]
    i = sigmoid(z[:, :H])
    f = sigmoid(z[:, H:])
    return np.sum((f * c + i) ** 2)


def test_half_a_sum_of_squares_is_the_residual(rng) -> None:
    x, t = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    check_grad(half_squares, x, t, wrt=(0, 1))
    source = grad_source(half_squares, x, t)
    assert "1.0 *" not in source
    g = s2sad.grad(half_squares)(x, t)
    np.testing.assert_allclose(g, x - t)


def test_an_integer_factor_keeps_a_float_gradient(rng) -> None:
    x, k = rng.standard_normal(6), np.arange(6)
    g = s2sad.grad(half_squares_of_ints)(x, k)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, k * x)
    check_grad(half_squares_of_ints, x, k)


@pytest.mark.parametrize("width", [2, 3, 5])
def test_sigmoid_gates_without_double_negation(rng, width) -> None:
    z, c = rng.standard_normal((4, 2 * width)), rng.standard_normal((4, width))
    check_grad(gates, z, c, wrt=(0, 1))
    source = grad_source(gates, z, c)
    assert "-unbroadcast(-" not in source and "unbroadcast(unbroadcast(" not in source
    assert "-(-" not in source


# ----- wrt=(0,): the fast call path -----


def test_one_tuple_wrt_on_the_fast_path(rng) -> None:
    x, t = rng.standard_normal(5), rng.standard_normal(5)
    g = s2sad.grad(half_squares, wrt=(0,))
    first = g(x, t)
    assert type(g) is not s2sad.api.Derivative  # (a class of its own: the fast call)
    for _ in range(3):
        again = g(x, t)
        assert isinstance(again, tuple) and len(again) == 1
        np.testing.assert_allclose(again[0], x - t)
    np.testing.assert_allclose(first[0], x - t)
    y = rng.standard_normal((2, 3))  # another shape: dispatched, still a 1-tuple
    (gy,) = g(y, np.zeros((2, 3)))
    np.testing.assert_allclose(gy, y)
    (gn,) = s2sad.grad(lambda_free, wrt=(1,))(2.0, 3.0)
    assert gn == 2.0 and s2sad.grad(lambda_free, wrt=(1,))(2.0, 3.0) == (2.0,)


def lambda_free(a, b):
    return a * b


# ----- values a reversed loop computes again once per trip, not once per adjoint -----


def thomas(a, b, c, d):
    n = d.shape[0]
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[n - 1] = dp[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return np.sum(x ** 2)


def _reversed_loop(source: str) -> list[str]:
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if "reversed(range(1, n))" in line)
    indent = len(lines[start]) - len(lines[start].lstrip())
    body = []
    for line in lines[start + 1:]:
        if len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line.strip())
    return body


@pytest.mark.parametrize("wrt", [(3,), (1,), (0, 1, 2, 3)])
def test_tridiagonal_solve_loop_computes_each_value_once(rng, wrt) -> None:
    n = 6
    a, c = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    b, d = 4.0 + rng.uniform(0, 1, n), rng.standard_normal(n)
    check_grad(thomas, a, b, c, d, wrt=wrt)
    body = _reversed_loop(grad_source(thomas, a, b, c, d, wrt=wrt))
    bindings = [line for line in body if " = " in line and not line.startswith("d")]
    assert len(bindings) == len(set(bindings)), bindings


# ----- element loops with divisions and int powers read as Python floats -----


def spring_chain(x, k, q, rest):
    e = 0.0
    for i in range(len(x) - 1):
        d = x[i + 1] - x[i] - rest
        e = e + 0.5 * k * d * d + 0.25 * q * d ** 4
    return e


def ratios(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s = s + x[i] / x[i + 1]
    return s


@pytest.mark.parametrize("case", ["power", "division", "solve"])
def test_element_loops_with_divisions_read_floats(rng, case) -> None:
    if case == "power":
        f, args, wrt = spring_chain, (np.cumsum(1.0 + 0.1 * rng.standard_normal(7)), 3.0,
                                      0.5, 1.0), 0
    elif case == "division":
        f, args, wrt = ratios, (rng.uniform(1.0, 2.0, 7),), 0
    else:
        n = 6
        f, args, wrt = thomas, (rng.uniform(-1, 1, n), 4.0 + rng.uniform(0, 1, n),
                                rng.uniform(-1, 1, n), rng.standard_normal(n)), (1, 3)
    check_grad(f, *args, wrt=wrt)
    code = grad_source(f, *args, wrt=wrt)
    assert "as_floats(" in code or "for " not in code  # (floats, or no loop left at all)


def test_a_zero_divisor_gives_numpys_numbers() -> None:
    """Python raises at ``x / 0.0`` where NumPy gives inf: the derivative falls back to
    the variant computing on NumPy scalars, whose numbers it returns."""
    x = np.array([1.0, 0.0, 2.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        g = s2sad.grad(ratios)(x)
        expected = np.array([1.0 / x[1], -x[0] / x[1] ** 2 + 1.0 / x[2], -x[1] / x[2] ** 2])
    np.testing.assert_array_equal(np.isinf(g), np.isinf(expected))
    assert g[2] == expected[2]
    y = np.array([1.0, 3.0, 2.0])  # and the float variant again on the next call
    np.testing.assert_allclose(s2sad.grad(ratios)(y), [1 / 3, -1 / 9 + 1 / 2, -3 / 4])


# ----- a copy's written part: its adjoint put back, not rebuilt from zeros -----


def heat2d(u, alpha, n_steps):
    for _ in range(n_steps):
        lap = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4.0 * u[1:-1, 1:-1]
        new = u.copy()
        new[1:-1, 1:-1] = u[1:-1, 1:-1] + alpha * lap
        u = new
    return np.sum(u ** 2)


def heat1d(u, c):
    for _ in range(4):
        new = u.copy()
        new[1:-1] = u[1:-1] + c * (u[2:] - 2.0 * u[1:-1] + u[:-2]) - 0.1 * u[1:-1] ** 3
        u = new
    return np.sum(u * u)


def shifted_write(u, c):
    new = u.copy()
    new[1:] = u[:-1] + c * u[1:]  # (another part of u: its adjoint is not the written one)
    return np.sum(np.sin(new))


@pytest.mark.parametrize("case", ["heat2d", "heat1d", "shifted"])
def test_copy_with_its_interior_updated(rng, case) -> None:
    if case == "heat2d":
        f, args, wrt = heat2d, (rng.standard_normal((6, 5)), 0.2, 3), (0, 1)
    elif case == "heat1d":
        f, args, wrt = heat1d, (rng.standard_normal(9), 0.3), (0, 1)
    else:
        f, args, wrt = shifted_write, (rng.standard_normal(7), 0.5), (0, 1)
    before = [np.copy(a) for a in args if isinstance(a, np.ndarray)]
    check_grad(f, *args, wrt=wrt)
    source = grad_source(f, *args, wrt=wrt)
    assert all(np.array_equal(a, b) for a, b in zip(before, [
        a for a in args if isinstance(a, np.ndarray)]))
    if case != "shifted":
        assert "zeros_like" not in source and "zero_at" not in source


# ----- the array-API variant of a choice between two numbers -----


@pytest.mark.parametrize("f", [huber, barrier])
def test_a_choice_of_numbers_on_array_api_arrays(rng, f) -> None:
    """``np.where(c, 1.0 / n, 0.0)`` (the mean's adjoint spread by the choice) runs on
    array-API arrays as ``portable_where``: the array API wants an array among the two."""
    st = pytest.importorskip("array_api_strict")
    if f is huber:
        X = rng.standard_normal((8, 3))
        args = (rng.standard_normal(3), X, X @ rng.standard_normal(3), 0.5)
    else:
        A = rng.standard_normal((6, 3))
        x = 0.01 * rng.standard_normal(3)
        args = (x, A, A @ x + 1.0)
    expected = s2sad.grad(f)(*args)
    strict = [st.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
    got = s2sad.grad(f)(*strict)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)


# ----- spreads in loops, and derivatives of derivatives -----


def looped_where_means(x, w):
    total = 0.0
    for _ in range(3):
        x = np.tanh(x * w)
        total = total + np.mean(np.where(x > 0.1, x ** 2, 0.2 * x - 0.01))
    return total


def test_a_mean_of_a_choice_in_a_loop(rng) -> None:
    x, w = rng.standard_normal(9), rng.uniform(0.5, 1.5, 9)
    check_grad(looped_where_means, x, w, wrt=(0, 1))
    check_jvp(looped_where_means, x, w, wrt=(0, 1), rng=rng)
    assert "repeat_to" not in grad_source(looped_where_means, x, w, wrt=(0, 1))


def test_hessian_and_vjp_of_a_where_loss(rng) -> None:
    from gradcheck import check_hessian, check_vjp
    X = rng.standard_normal((10, 3))
    y = X @ rng.standard_normal(3) + rng.standard_normal(10)

    def loss(w):
        return huber(w, X, y, 0.7) + 0.1 * np.sum(w ** 4)
    w = rng.standard_normal(3)
    check_hessian(loss, w)
    check_vjp(huber, w, X, y, 0.7, rng=rng)


# ----- both values of one np.where: their adjoints one choice -----


def leaky_layer(W, x):
    h = W @ x
    a = np.where(h > 0, h, 0.01 * h)
    return np.sum(a ** 2)


def reflected(x):
    return np.sum(np.where(x > 0.2, x, -x) * np.cos(x))


def scaled_branches(x, s):
    y = np.where(x < 0, s * x * x, np.sin(x) * s)
    return np.sum(y * y)


@pytest.mark.parametrize("case", ["leaky", "reflected", "scaled"])
def test_where_values_adjoints_as_one_choice(rng, case) -> None:
    x = rng.standard_normal(8)  # both sides of each condition
    if case == "leaky":
        f, args, wrt = leaky_layer, (rng.standard_normal((5, 8)), x), (0, 1)
    elif case == "reflected":
        f, args, wrt = reflected, (x,), 0
    else:
        f, args, wrt = scaled_branches, (x, 1.3), (0, 1)
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt, rng=rng)
    source = grad_source(f, *args, wrt=wrt)
    assert source.count("np.where(") == 2 if case == "leaky" else "0.0) +" not in source
    assert ", 0.0) + np.where(" not in source and ", 0.0) - np.where(" not in source


def guarded_logs(x, A, b):
    s = b - A @ x
    return np.sum(np.log(np.where(s > 0, s, 1.0)))


def test_a_guarded_log_needs_no_fallback(rng) -> None:
    """``np.log(np.where(s > 0, s, 1.0))``: the value divided by is positive, proved, so
    the derivative has no unproved guard (no NaN check after each call)."""
    A = rng.standard_normal((8, 3))
    x = 0.01 * rng.standard_normal(3)
    b = A @ x + 1.0 + rng.uniform(0, 1, 8)
    g = s2sad.grad(barrier)
    g(x, A, b)
    assert not hasattr(g._last.fn, "s2sad_guarded")  # (no fallback wrapped around it)
    b[:3] = A[:3] @ x - 0.5  # three rows outside: their logs are 0, their adjoints 0
    check_grad(guarded_logs, x, A, b)
    h = s2sad.grad(guarded_logs)
    h(x, A, b)
    assert not hasattr(h._last.fn, "s2sad_guarded")


# ----- a spread beside products that may overflow (an exp): no guard, no array -----

def damped_mean(x):
    d = x * x - 1.0
    return np.mean(d * np.exp(-0.1 * x) + np.arctan(d))


def damped_sum_of_two(x, y):
    return np.sum(x * np.exp(y)) + np.sum(np.exp(x) * y)


def damped_mean_in_a_helper(x):
    return np.mean(_damped(x)) * 3.0


def _damped(x):
    return np.tanh(x) * np.exp(-x * x)


@pytest.mark.parametrize("f,args", [
    (damped_mean, (np.linspace(-2.0, 2.0, 7),)),
    (damped_sum_of_two, (np.linspace(-1.0, 1.0, 5), np.linspace(0.5, -0.5, 5))),
    (damped_mean_in_a_helper, (np.linspace(-1.5, 1.5, 6),)),
])
def test_a_spread_read_by_guarded_products_stays_a_number(f, args) -> None:
    check_grad(f, *args, wrt=tuple(range(len(args))))
    source = grad_source(f, *args, wrt=tuple(range(len(args))))
    assert "repeat_to" not in source and "safe_mul" not in source


def test_damped_mean_closed_form() -> None:
    x = np.linspace(-2.0, 2.0, 7)
    d, e = x * x - 1.0, np.exp(-0.1 * x)
    expected = (2 * x * e - 0.1 * d * e + 2 * x / (1 + d * d)) / x.size
    np.testing.assert_allclose(s2sad.grad(damped_mean)(x), expected, rtol=1e-12)


def log_minus(x):
    return np.sum(np.log(1.0 + x * x) - x)


def log_minus_rows(W, X):
    total = 0.0
    for i in range(X.shape[0]):
        s = X[i] @ W
        total = total + np.sum(np.log(1.0 + s * s) - s)
    return total


def log_minus_broadcast(A, r):
    return np.sum(np.log(1.0 + A * A) - r)


@pytest.mark.parametrize("f, shapes, wrt", [
    (log_minus, [(6,)], 0), (log_minus_rows, [(3, 2), (4, 5, 3)], 0),
    (log_minus_rows, [(3,), (4, 3)], (0, 1))])
def test_a_negated_spread_bound_again_stays_a_number(rng, f, shapes, wrt) -> None:
    """``ds = -dlog; ds = ds + dlog / ...`` (the adjoint of ``a - x``, then of ``a``'s
    use of ``x``), at the top and in a loop body: the negation named apart, both
    numbers."""
    args = [rng.standard_normal(s) for s in shapes]
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt, rng=rng)
    assert "repeat_to" not in grad_source(f, *args, wrt=wrt)


def test_a_negated_spread_summed_to_a_row_stays_right(rng) -> None:
    """``- r`` of an ``(n,)`` row against an ``(m, n)`` value: the row's adjoint sums
    the spread over ``m``, which a number would not do."""
    A, r = rng.standard_normal((4, 3)), rng.standard_normal(3)
    g = check_grad(log_minus_broadcast, A, r, wrt=(0, 1))
    np.testing.assert_allclose(g[1], np.full(3, -4.0))
