"""A list of numbers passed as an argument (``ys = [0.3, 1.2, ...]``): its items are
numbers to the compiler (a shape class of its own, one variant for every length), so a
loop over it runs on numbers (no ``shape_of`` on the tape, no ``unbroadcast``), and its
adjoint is a list of floats added into item by item.  Each against central differences
or a closed form; both branches of the data-dependent ifs."""
import numpy as np
import pytest

import s2sad
from gradcheck import numerical_grad


def smoothing(ys, alpha):
    s = ys[0]
    total = 0.0
    for y in ys[1:]:
        s = alpha * y + (1 - alpha) * s
        total += (y - s) ** 2
    return total


def indexed(ys, w):
    total = 0.0
    for i in range(len(ys) - 1):
        total = total + w * ys[i] * ys[i + 1]
    return total


def clipped(ys, c):
    total = 0.0
    for y in ys:
        if y > c:
            total = total + (y - c) ** 2
        else:
            total = total + 0.5 * c * y
    return total


def with_an_array(ys, x):
    acc = 0.0
    for k, y in enumerate(ys):
        acc = acc + np.sin(y) * x[k % x.shape[0]]
    return acc


def list_fd(f, ys, *rest):
    """Central differences of f in each item of the list ys."""
    return numerical_grad(lambda v: f(list(v), *rest), (np.array(ys, dtype=float),))


@pytest.mark.parametrize("n", [3, 17, 60])  # short and long lists: one variant
def test_smoothing_over_a_list(rng, n) -> None:
    ys = list(rng.standard_normal(n))
    g_ys, g_alpha = s2sad.grad(smoothing, wrt=(0, 1))(ys, 0.3)
    assert type(g_ys) is list and all(type(v) is float for v in g_ys)
    np.testing.assert_allclose(g_ys, list_fd(smoothing, ys, 0.3), rtol=1e-6, atol=1e-8)
    fd_alpha = numerical_grad(lambda a: smoothing(ys, float(a)), (np.array(0.3),))
    np.testing.assert_allclose(g_alpha, fd_alpha, rtol=1e-6)


def test_indexed_list_closed_form(rng) -> None:
    ys = [0.5, -1.0, 2.0, 0.25]
    g_ys, g_w = s2sad.grad(indexed, wrt=(0, 1))(ys, 1.5)
    y = np.array(ys)
    expected = 1.5 * (np.r_[y[1:], 0.0] + np.r_[0.0, y[:-1]])
    np.testing.assert_allclose(g_ys, expected)
    assert g_w == pytest.approx(float(np.sum(y[:-1] * y[1:])))


@pytest.mark.parametrize("c", [-5.0, 0.0, 5.0])  # every item above, some, none
def test_both_branches_over_a_list(rng, c) -> None:
    ys = list(rng.standard_normal(9) * 2.0)
    g_ys, g_c = s2sad.grad(clipped, wrt=(0, 1))(ys, c)
    np.testing.assert_allclose(g_ys, list_fd(clipped, ys, c), rtol=1e-6, atol=1e-8)
    fd_c = numerical_grad(lambda v: clipped(ys, float(v)), (np.array(c),))
    np.testing.assert_allclose(g_c, fd_c, rtol=1e-6, atol=1e-8)


def test_ints_and_floats_mixed() -> None:
    ys = [1, 2.5, -3, 0.5]
    g_ys, g_w = s2sad.grad(indexed, wrt=(0, 1))(ys, 2.0)
    np.testing.assert_allclose(g_ys, list_fd(indexed, ys, 2.0), rtol=1e-6)
    assert all(type(v) is float for v in g_ys)


def test_a_list_beside_an_array(rng) -> None:
    ys, x = list(rng.standard_normal(7)), rng.standard_normal(3)
    g_ys, g_x = s2sad.grad(with_an_array, wrt=(0, 1))(ys, x)
    np.testing.assert_allclose(g_ys, list_fd(with_an_array, ys, x), rtol=1e-6, atol=1e-8)
    fd_x = numerical_grad(lambda v: with_an_array(ys, v), (x,))
    np.testing.assert_allclose(g_x, fd_x, rtol=1e-6, atol=1e-8)


def test_forward_mode_over_a_list(rng) -> None:
    ys = list(rng.standard_normal(6))
    direction = list(rng.standard_normal(6))
    value, tangent = s2sad.jvp(smoothing, wrt=0)(ys, 0.3, direction)
    g_ys = s2sad.grad(smoothing)(ys, 0.3)
    assert value == pytest.approx(smoothing(ys, 0.3))
    assert tangent == pytest.approx(float(np.dot(g_ys, direction)), rel=1e-10)


def test_the_loop_runs_on_numbers(rng) -> None:
    ys = list(rng.standard_normal(20))
    g = s2sad.grad(smoothing, wrt=(0, 1))
    g(ys, 0.3)
    source = g.source
    for helper in ("shape_of", "unbroadcast", "add_grads", "zeros_like(s"):
        assert helper not in source


def test_the_argument_list_is_not_changed(rng) -> None:
    ys = list(rng.standard_normal(8))
    before = list(ys)
    s2sad.grad(smoothing, wrt=(0, 1))(ys, 0.3)
    assert ys == before
