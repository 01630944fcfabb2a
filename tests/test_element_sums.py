"""compiler/element_sums.py: a float64 vector's element added to in every step of a
loop (``dk[0] += e``, what reading ``k[0]`` in the loop gives in reverse) summed as a
number, written back once after the loop; where the loop also reads the adjoint, or
the dtypes are not float64, the updates stay.  Every case checked against central
differences, both branches of each data-dependent ``if``."""
import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, grad_source


def _read(text: str, name: str, element: str) -> int:
    """How often ``name = element`` is written (read out as a float or not)."""
    e = re.escape(element)
    return len(re.findall(rf"\b{name} = (?:{e}|number_as_float\({e}\))\n", text))


def logistic_steps(p, x0, n):
    """An ODE loop reading its parameters by index in every step."""
    x = x0
    for _ in range(n):
        x = x + 0.1 * (p[0] * x - p[1] * x * x)
    return x * p[2]


def test_parameters_read_in_a_loop_sum_as_numbers():
    p, n = np.array([0.9, 0.4, 1.5]), 12
    text = grad_source(logistic_steps, p, 0.3, n)
    assert _read(text, "dp_0", "dp[0]") and "dp[0] = dp_0" in text
    assert "dp[0] +=" not in text.split("for _ in range")[-1].split("dp[0] = dp_0")[0]
    check_grad(logistic_steps, p, 0.3, n, wrt=(0, 1))
    check_vjp(logistic_steps, p, 0.3, n, wrt=(0, 1))
    check_jvp(logistic_steps, p, 0.3, n, wrt=(0, 1))


def test_no_steps_keeps_the_elements():
    p = np.array([0.9, 0.4, 1.5])
    g = s2sad.grad(logistic_steps)(p, 0.3, 0)
    np.testing.assert_allclose(g, [0.0, 0.0, 0.3])  # closed form: d(x0 * p[2])


def branching_pendulum(k, y0, steps):
    """A data-dependent if adding to different elements in each branch."""
    th, om = y0[0], y0[1]
    for _ in range(steps):
        acc = -k[0] * np.sin(th) - k[1] * om
        if om > 0.0:
            acc = acc - k[2] * om * om
        else:
            acc = acc + k[3] * om * om
        om = om + 0.05 * acc
        th = th + 0.05 * om
    return th ** 2 + 0.5 * om ** 2


@pytest.mark.parametrize("y0", [np.array([0.4, 0.8]), np.array([0.4, -0.8]),
                                np.array([2.0, 0.1])])
def test_both_branches(y0):
    k = np.array([1.3, 0.2, 0.3, 0.25])
    assert _read(grad_source(branching_pendulum, k, y0, 20), "dk_2", "dk[2]")
    check_grad(branching_pendulum, k, y0, 20, wrt=(0, 1))
    check_vjp(branching_pendulum, k, y0, 20, wrt=(0, 1))


def adaptive_decay(k, x0, t_end):
    """A while loop of data-dependent length (step rejected or accepted)."""
    t, x, h = 0.0, x0, 0.3
    while t < t_end:
        big = x - h * k[0] * x + h * k[1]
        half = x - 0.5 * h * k[0] * x + 0.5 * h * k[1]
        if abs(big - half) < 0.05:
            t = t + h
            x = half
        else:
            h = 0.5 * h
    return x * x


@pytest.mark.parametrize("t_end", [0.0, 0.9, 2.5])
def test_while_loop(t_end):
    k = np.array([0.7, 0.2])
    check_grad(adaptive_decay, k, 1.5, t_end, wrt=(0, 1))
    check_vjp(adaptive_decay, k, 1.5, t_end, wrt=(0, 1))


def read_whole_too(p, n):
    """The loop reads the whole vector too: its adjoint is read and written whole in
    the loop, so the element updates stay."""
    s = 0.0
    for _ in range(n):
        s = s + p[0] * np.sum(p * p) + p[1]
    return s


def nested_loops(p, n, m):
    s = 0.0
    for i in range(n):
        for j in range(m):
            s = s + np.sin(p[0] * s + p[1] * i - p[2] * j)
    return s


def test_a_loop_reading_the_whole_vector_keeps_the_updates():
    p = np.array([0.3, -0.2, 0.5])
    check_grad(read_whole_too, p, 5)


def test_nested_loops():
    p = np.array([0.3, -0.2, 0.5])
    text = grad_source(nested_loops, p, 4, 3)
    assert _read(text, "dp_0", "dp[0]") == 1
    check_grad(nested_loops, p, 4, 3)
    check_grad(nested_loops, p, 0, 3)


def test_float32_and_list_parameters_keep_the_updates():
    p32 = np.array([0.9, 0.4, 1.5], dtype=np.float32)
    text = grad_source(logistic_steps, p32, 0.3, 5)
    assert not _read(text, "dp_0", "dp[0]")
    g = s2sad.grad(logistic_steps)(p32, 0.3, 5)
    assert g.dtype == np.float32
    g64 = s2sad.grad(logistic_steps)(p32.astype(np.float64), 0.3, 5)
    np.testing.assert_allclose(g, g64, rtol=1e-5)
    check_grad(logistic_steps, [0.9, 0.4, 1.5], 0.3, 5)


def test_the_callers_array_is_not_changed():
    p = np.array([0.9, 0.4, 1.5])
    before = p.copy()
    s2sad.grad(logistic_steps)(p, 0.3, 7)
    np.testing.assert_array_equal(p, before)


def ends(p, n):
    """Indices from the end (``dp_last``), and both ends of the same element."""
    s = 0.0
    for _ in range(n):
        s = s + np.sin(p[-1] * s + p[-2]) + p[0] * p[2]  # (p[2] is p[-1])
    return s


def test_indices_from_the_end():
    p = np.array([0.3, -0.2, 0.5])
    text = grad_source(lambda_free_ends, p, 4)
    assert _read(text, "dp_last", "dp[-1]") and _read(text, "dp_end2", "dp[-2]")
    check_grad(lambda_free_ends, p, 4)
    assert "dp_last" not in grad_source(ends, p, 4)  # (dp[-1] and dp[2]: one element)
    check_grad(ends, p, 4)
    check_jvp(ends, p, 4)


def lambda_free_ends(p, n):
    s = 0.0
    for _ in range(n):
        s = s + np.sin(p[-1] * s + p[-2])
    return s


def test_second_order_through_the_sums():
    from gradcheck import check_hessian
    p = np.array([0.9, 0.4, 1.5])
    check_hessian(lambda_free_hessian, p)


def lambda_free_hessian(p):
    return logistic_steps(p, 0.3, 6)
