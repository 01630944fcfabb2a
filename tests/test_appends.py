"""compiler/appends.py: a list a loop appends to (``out = []; for ...: out.append(v)``)
is built in place, and the reversed loop pops its adjoints in place: linear time and
memory, where lists as values copied the list each step both ways and kept every
prefix on the tape.  Where the list is read otherwise, the code stays as it was.
Every case against central differences (and a closed form where there is one)."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, grad_source


def trajectory(x, w):
    out = []
    for i in range(x.shape[0]):
        out.append(np.tanh(w * x[i]))
    return np.sum(np.array(out) ** 2)


def states(A, h0, n):
    """Vectors collected, then stacked (a simulation keeping its states)."""
    hs = []
    h = h0
    for _ in range(n):
        h = np.tanh(A @ h)
        hs.append(h)
    return np.sum(np.stack(hs) * np.arange(1.0, n + 1)[:, None]) if hs else 0.0


def read_inside(x):
    """The list read inside the loop (its running length): left as it was."""
    out = []
    for i in range(x.shape[0]):
        out.append(x[i] * len(out))
    return np.sum(np.array(out) ** 2)


def averaged(x, w):
    """The list's adjoint is an array (``np.mean`` of the list), not a list."""
    out = []
    for i in range(x.shape[0]):
        out.append(np.tanh(w * x[i]))
    return np.mean(out) + np.max(out)


def averaged_rows(x, w):
    """Rows appended, averaged over the list's axis: an array adjoint of rows."""
    out = []
    for i in range(x.shape[0]):
        out.append(np.tanh(w * x[:2] * x[i]))
    return np.sum(np.mean(out, axis=0) ** 2)


def of_dots(xs, c):
    return np.sum(np.array([np.dot(x, c) for x in xs]) ** 2)


@pytest.mark.parametrize("n", [0, 1, 6])
def test_trajectory(n, rng):
    x = rng.standard_normal(n)
    check_grad(trajectory, x, 0.7, wrt=(0, 1))
    check_vjp(trajectory, x, 0.7, wrt=(0, 1))
    check_jvp(trajectory, x, 0.7, wrt=(0, 1))
    gx = s2sad.grad(trajectory)(x, 0.7)  # closed form: 2 t (1 - t^2) w
    t = np.tanh(0.7 * x)
    np.testing.assert_allclose(gx, 2 * t * (1 - t * t) * 0.7, rtol=1e-12)


def test_built_and_taken_apart_in_place(rng):
    text = grad_source(trajectory, rng.standard_normal(5), 0.7, wrt=(0, 1))
    assert "list_append_owned" in text and "list_pop_last" in text
    assert "list_drop_last" not in text and "stack.append(out" not in text


@pytest.mark.parametrize("n", [0, 1, 4])
def test_collected_states(n, rng):
    A, h0 = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(states, A, h0, n, wrt=(0, 1))
    check_vjp(states, A, h0, n, wrt=(0, 1))


@pytest.mark.parametrize("f", [averaged, averaged_rows])
@pytest.mark.parametrize("n", [1, 4])
def test_array_adjoints_of_the_list(f, n, rng):
    x = rng.standard_normal(max(n, 2))[:n] if f is averaged else rng.standard_normal(n + 2)
    check_grad(f, x, 0.7, wrt=(0, 1))
    check_vjp(f, x, 0.7, wrt=(0, 1))


def test_list_read_in_the_loop_keeps_lists_as_values(rng):
    x = rng.standard_normal(5)
    check_grad(read_inside, x)
    assert "list_append_owned" not in grad_source(read_inside, x)


@pytest.mark.parametrize("n", [1, 5])
def test_comprehension_of_dots(n, rng):
    xs, c = rng.standard_normal((n, 3)), rng.standard_normal(3)
    check_grad(of_dots, xs, c, wrt=(0, 1))
    text = grad_source(of_dots, xs, c, wrt=(0, 1))
    assert "dot_rhs_adjoint" not in text and "dot_lhs_adjoint" not in text


def test_argument_lists_are_not_changed(rng):
    x = rng.standard_normal(4)
    before = x.copy()
    s2sad.grad(trajectory, wrt=(0, 1))(x, 0.7)
    np.testing.assert_array_equal(x, before)


def conditional(x, w):
    """Appended only where x[i] > 0: left as lists as values; both sides taken."""
    out = [w]
    for i in range(x.shape[0]):
        if x[i] > 0:
            out.append(x[i] * w)
        else:
            out.append(np.sin(x[i]))
    return np.sum(np.array(out) ** 2)


def _push(xs, v):
    xs.append(v * v)


def through_a_helper(x):
    out = []
    for i in range(x.shape[0]):
        _push(out, np.tanh(x[i]))
    return np.sum(np.array(out) * np.arange(1.0, x.shape[0] + 1))


def test_appends_on_both_sides_of_an_if():
    x = np.array([0.7, -0.4, 1.2, -1.5])  # (both branches taken)
    check_grad(conditional, x, 0.8, wrt=(0, 1))
    check_jvp(conditional, x, 0.8, wrt=(0, 1))


def test_append_inside_a_helper(rng):
    x = rng.standard_normal(5)
    check_grad(through_a_helper, x)
    t = np.tanh(x)  # closed form: i * 2 t (1 - t^2)
    np.testing.assert_allclose(s2sad.grad(through_a_helper)(x),
                               np.arange(1.0, 6) * 2 * t * (1 - t * t), rtol=1e-12)


def test_second_order(rng):
    check_hessian(lambda x: trajectory(x, 0.7), rng.standard_normal(4))
    check_hessian(lambda x: averaged(x, 0.7), rng.standard_normal(3))


def smoothed(a, data):
    """Exponential smoothing, the list started with the first value (not empty)."""
    s = data[0]
    out = [s]
    for t in range(1, data.shape[0]):
        s = a * data[t] + (1 - a) * s
        out.append(s)
    return np.sum((np.array(out) - data) ** 2)


def started_with_two(a, x):
    """Two first items that depend on the parameter, then appends."""
    out = [a * x[0], np.sin(a)]
    for i in range(1, x.shape[0]):
        out.append(a * x[i] ** 2)
    return np.sum(np.array(out) ** 2)


def started_and_summed(a, x):
    out = [a]
    for v in x:
        out.append(np.tanh(a * v))
    return sum(out) + np.mean(out)


@pytest.mark.parametrize("n", [1, 2, 7])
def test_a_list_started_with_items(n, rng):
    data = rng.standard_normal(n)
    check_grad(smoothed, 0.3, data, wrt=(0, 1))
    check_vjp(smoothed, 0.3, data, wrt=(0, 1))
    check_jvp(smoothed, 0.3, data, wrt=(0, 1))
    if n > 1:
        text = grad_source(smoothed, 0.3, data, wrt=(0, 1))
        assert "list_append_owned" in text and "list_pop_last" in text
        assert "list_drop_last" not in text


@pytest.mark.parametrize("n", [1, 4])
def test_two_first_items_and_a_sum_of_the_list(n, rng):
    x = rng.standard_normal(n)
    check_grad(started_with_two, 0.8, x, wrt=(0, 1))
    check_grad(started_and_summed, 0.8, x, wrt=(0, 1))
    check_vjp(started_and_summed, 0.8, x, wrt=(0, 1))
    check_hessian(lambda d: smoothed(0.3, d), x)


# ----- a list grown from its own last items (xs.append(f(xs[-1]))): still in place -----

def geometric(theta, n):
    xs = [1.0]
    for _ in range(n):
        xs.append(xs[-1] * theta[0] + theta[1])
    return np.sum(np.array(xs))


def driven(theta, n):
    xs = [1.0]
    for t in range(n):
        xs.append(xs[-1] * np.cos(theta[0]) + theta[1] * np.sin(t * 0.1))
    return np.sum(np.array(xs) ** 2)


def two_back(ab, n):
    xs = [1.0, 0.5]
    for _ in range(n):
        xs.append(ab[0] * xs[-1] + ab[1] * xs[-2])
    return np.sum(np.array(xs) ** 2)


def vector_states(A, h0, n):
    hs = [h0]
    for _ in range(n):
        hs.append(np.tanh(A @ hs[-1]))
    return np.sum(np.stack(hs) ** 2)


@pytest.mark.parametrize("f,args", [
    (geometric, (np.array([0.9, 0.1]), 12)),
    (driven, (np.array([0.3, 0.5]), 30)),
    (two_back, (np.array([0.6, 0.3]), 20)),
    (vector_states, (np.array([[0.5, -0.3], [0.2, 0.4]]), np.array([0.7, -0.2]), 8)),
])
def test_a_list_grown_from_its_last_items(f, args) -> None:
    check_grad(f, *args, wrt=0)
    source = grad_source(f, *args)
    assert "list_append_owned" in source and "list_pop_last" in source  # linear time
    assert "list_drop_last" not in source


def test_geometric_closed_form() -> None:
    theta, n = np.array([0.9, 0.1]), 12
    # x_k = a x_{k-1} + b, x_0 = 1: d x_k / da = x_{k-1} + a dx_{k-1}/da, likewise for b
    a, b = theta
    x, dxa, dxb = 1.0, 0.0, 0.0
    total = np.zeros(2)
    for _ in range(n):
        x, dxa, dxb = a * x + b, x + a * dxa, 1.0 + a * dxb
        total += (dxa, dxb)
    np.testing.assert_allclose(s2sad.grad(geometric)(theta, n), total, rtol=1e-12)


def test_a_list_grown_from_its_last_item_forward_mode(rng) -> None:
    theta = np.array([0.3, 0.5])
    check_jvp(driven, theta, 30, rng=rng)
