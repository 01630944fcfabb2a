"""A time-step loop's tape as the rows of one array (``compiler/tape_rows.py``, late pass
``tape_rows``, the optimistic variant only): the float64 arrays each trip pushes copied
into (or computed in) row ``t`` of one array made before the loop, read back as views by
the reversed loop; numbers, and arrays of shapes the code does not know, stay on the
list.  Against central differences in float64 (a closed form where there is one); loops
that run zero times; a second derivative (which reads the guarded variant, with its
list); value_and_grad and vjp."""
import numpy as np

import s2sad
from gradcheck import check_grad, check_hessian, check_vjp, grad_code
from test_shared_products import paths  # (an Asian option's paths, written once)


def rnn(W, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def damped(w, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = h * np.exp(-w * xs[t] ** 2)
    return np.sum(h * h)


def with_a_number(x, Z):
    total = 0.0
    for t in range(Z.shape[0]):
        c = np.sum(x * Z[t])
        x = np.sin(x) * c
        total = total + c * c
    return total + np.sum(x)


def diffusion(u, k, steps):
    for _ in range(steps):
        u = u + k * (np.roll(u, 1) - 2 * u + np.roll(u, -1)) * u
    return np.sum(u ** 2)


def test_a_path_simulation(rng) -> None:
    Z = rng.standard_normal((6, 700))
    check_grad(paths, 1.2, 0.3, Z, wrt=(0, 1))
    src = grad_code(paths, 1.2, 0.3, Z, wrt=(0, 1))
    assert "rows = np.empty((" in src and "stack" not in src
    assert "out=rows[t, 1]" in src and "rows[t, 0] = S_1" in src
    value, grads = s2sad.value_and_grad(paths, wrt=(0, 1))(1.2, 0.3, Z)
    assert np.isclose(value, paths(1.2, 0.3, Z), rtol=1e-14)
    assert np.allclose(grads, s2sad.grad(paths, wrt=(0, 1))(1.2, 0.3, Z), rtol=1e-14)


def test_a_damped_state(rng) -> None:
    w, xs, h0 = rng.uniform(0, 1, 40), rng.standard_normal((5, 40)), rng.standard_normal(40)
    check_grad(damped, w, xs, h0, wrt=(0, 1, 2))
    check_vjp(damped, w, xs, h0, wrt=(0, 2))
    src = grad_code(damped, w, xs, h0, wrt=(0, 2))
    assert "out=rows[t, 0]" in src and "rows[t, 1] = h_1" in src and "stack" not in src
    dh0 = s2sad.grad(damped, wrt=2)(w, xs, h0)
    assert np.allclose(dh0, 2 * h0 * np.exp(-2 * w * np.sum(xs ** 2, axis=0)), rtol=1e-13)


def test_a_recurrent_state_carried(rng) -> None:
    """(its state pushed once a trip, popped and put back: the list kept)"""
    W = rng.standard_normal((30, 30)) / 6
    xs, h0 = rng.standard_normal((5, 30)), rng.standard_normal(30)
    check_grad(rnn, W, xs, h0, wrt=(0, 1, 2))
    check_vjp(rnn, W, xs, h0, wrt=(0, 2))


def test_numbers_stay_on_the_list(rng) -> None:
    x, Z = rng.standard_normal(600), rng.standard_normal((3, 600)) / 20
    check_grad(with_a_number, x, Z)
    src = grad_code(with_a_number, x, Z)
    assert "rows" in src and "stack.append(" in src


def test_loops_that_run_zero_times(rng) -> None:
    Z = np.zeros((0, 600))
    assert s2sad.grad(paths, wrt=1)(1.2, 0.3, Z) == 0.0
    u = rng.standard_normal(600)
    assert np.allclose(s2sad.grad(diffusion)(u, 0.1, 0), 2 * u)
    check_grad(diffusion, u / 4, 0.1, 3, wrt=(0, 1))


def test_a_second_derivative_reads_the_list(rng) -> None:
    W = rng.standard_normal((3, 3)) / 2
    xs = rng.standard_normal((4, 3))
    check_hessian(lambda h0: rnn(W, xs, h0), rng.standard_normal(3))


def twice_a_trip(x, w, n):
    for _ in range(n):
        x = np.sin(x) * w
        x = np.cos(x) * w
    return np.sum(x)


def test_a_name_pushed_twice_a_trip(rng) -> None:
    """(each push its own place in the row, though both push ``x``)"""
    x, w = rng.standard_normal(600), rng.uniform(0.5, 1.0, 600)
    check_grad(twice_a_trip, x / 3, w, 3, wrt=(0, 1))
    src = grad_code(twice_a_trip, x, w, 3, wrt=(0, 1))
    assert "rows[t, 1]" in src and "stack" not in src


def gates(W, xs, h0):
    h = h0
    c = h0
    for t in range(xs.shape[0]):
        z = xs[t] @ W
        i = 1 / (1 + np.exp(-z))
        f = 1 / (1 + np.exp(z))
        c = f * c + i * np.tanh(z)
        h = np.tanh(c) * i
    return np.sum(h * h)


def test_gates(rng) -> None:
    """(three values made in their rows, four copied: at most one more copied than
    made, so rows; an LSTM's seven copies and two made stay on the list)"""
    W, xs = rng.standard_normal((5, 5)) / 2, rng.standard_normal((4, 3, 5))
    h0 = rng.standard_normal((3, 5))
    check_grad(gates, W, xs, h0, wrt=(0, 2))
    src = grad_code(gates, W, xs, h0, wrt=(0, 2))
    assert "rows = " in src and "stack" not in src
