"""compiler/choice_lines.py: the np.where choices that the adjoints of two user lines
make, met in one statement: a choice read inside a choice of the same condition
resolved (a log barrier's guard), two choices of opposite sides summed as one (a Huber
loss); each checked against central differences, with data on both sides."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def huber(w, X, y, delta):
    r = X @ w - y
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    return np.mean(loss)


def pseudo_huber_sq(r, delta):
    a = np.abs(r)
    loss = np.where(a < delta, r ** 2, 2.0 * delta * a - delta ** 2)
    return np.sum(loss)


def tanh_tail(r):
    t = np.tanh(r)
    return np.sum(np.where(r > 0, r ** 2, t))


def log_barrier(x, A, b):
    s = b - A @ x
    inside = s > 0
    logs = np.log(np.where(inside, s, 1.0))
    return np.sum(np.where(inside, -logs, np.inf))


def sqrt_guard(x):
    m = x > 0
    root = np.sqrt(np.where(m, x, 1.0))
    return np.sum(np.where(m, root, 0.0))


def reciprocal_guard(x, y):
    m = x > 0.5
    inv = 1.0 / np.where(m, x, 1.0)
    return np.sum(np.where(m, inv * y, y))


RNG = np.random.default_rng(33)
X = RNG.standard_normal((12, 3))
W = RNG.standard_normal(3)
Y = X @ W + 2.0 * RNG.standard_normal(12)  # residuals on both sides of delta
A = RNG.standard_normal((8, 3))
X0 = 0.05 * RNG.standard_normal(3)
B = A @ X0 + 0.5 + RNG.uniform(0, 1, 8)
MIXED = np.array([-1.3, -0.2, 0.3, 0.8, 1.7, 2.4, -0.7, 0.6])  # both signs, off 0

MERGED = [
    (huber, (W, X, Y, 1.0), 0),
    (pseudo_huber_sq, (MIXED, 1.0), 0),
    (tanh_tail, (MIXED,), 0),
]
RESOLVED = [
    (log_barrier, (X0, A, B), 0),
    (sqrt_guard, (MIXED,), 0),
    (reciprocal_guard, (MIXED, MIXED[::-1].copy()), (0, 1)),
]


def _adjoint_lines(f, args, wrt):
    derivative = s2sad.grad(f, wrt=wrt)
    derivative(*args)
    text = derivative.source
    reverse = text[text.index("# adjoint"):]
    return text, [line for line in reverse.splitlines() if "np.where" in line and
                  not line.lstrip().startswith("#")]


@pytest.mark.parametrize("f, args, wrt", MERGED, ids=lambda v: getattr(v, "__name__", ""))
def test_two_lines_choices_summed_as_one(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    text, _ = _adjoint_lines(f, args, wrt)
    adjoint = [line for line in text.splitlines() if line.lstrip().startswith("dr")
               or line.lstrip().startswith("dt") or line.lstrip().startswith("dsub")]
    assert sum("np.where" in line for line in adjoint) == 1, text
    assert "np.where(cmp, 0.0" not in text and ", 0.0) *" not in text, text


@pytest.mark.parametrize("f, args, wrt", RESOLVED, ids=lambda v: getattr(v, "__name__", ""))
def test_choice_inside_a_choice_of_its_condition_resolved(f, args, wrt):
    check_grad(f, *args, wrt=wrt)
    text, wheres = _adjoint_lines(f, args, wrt)
    guards = [line for line in wheres if ", 1.0)" in line or "1.0, 0.0)" in line
              if not line.lstrip().startswith("dy")]  # (dy: a sum of two choices, kept)
    assert not guards, text  # (the reverse reads neither the guard nor its adjoint)
    assert not any(d in text for d in ("dlogs", "dinv", "droot", "dwhere")), text


def test_barrier_outside_its_domain_has_no_gradient_there():
    """Where ``s <= 0`` the value is ``inf`` whatever ``x``: those rows send nothing."""
    b = B.copy()
    b[:3] = A[:3] @ X0 - 1.0  # three rows outside
    g = s2sad.grad(log_barrier)(X0, A, b)
    s = b - A @ X0
    expected = A[s > 0].T @ (1.0 / s[s > 0])
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def through_a_sum(x):
    m = x > 0
    g = np.where(m, x, 0.0)
    total = np.sum(g)
    return np.sum(np.where(m, total * x, x))


def integer_side(x, k):
    m = x > 0
    v = np.where(m, k, 0.5)
    return np.sum(np.where(m, x, 0.0) * v)


def float_side(x, k):
    m = x > 0
    v = np.where(m, k, 0.5)
    return np.sum(np.where(m, x, 0.0) * v)


def divided_side(x, k):
    m = x > 0
    v = np.where(m, k, 0.5)
    return np.sum(np.where(m, x, 0.0) / v)


def test_only_a_float64_side_is_read_for_a_choice_and_not_as_a_divisor():
    k = np.arange(0, 8)  # (0 where not chosen: the guard keeps 1 / 0 out)
    check_grad(integer_side, MIXED, k)
    text, _ = _adjoint_lines(integer_side, (MIXED, k), 0)
    reverse = text[text.index("# adjoint"):]
    assert "v, 0.0)" in reverse and "k, 0.0)" not in reverse, text  # (k: not v's dtype)
    check_grad(float_side, MIXED, k * 1.0)
    text, _ = _adjoint_lines(float_side, (MIXED, k * 1.0), 0)
    assert "k, 0.0)" in text, text  # (a float64 k is)
    with np.errstate(all="raise"):
        check_grad(divided_side, MIXED, k * 1.0)
    text, _ = _adjoint_lines(divided_side, (MIXED, k * 1.0), 0)
    assert "/ v" in text and "/ k" not in text, text


# (fuzz seed 97018: ``q = r = w[2]`` then ``np.where(c, q, r[::-1])``: the adjoint of
# ``r[::-1]`` is written into zeros reversed, ``dr[::-1] = np.where(c, 0.0, dv)``; that
# write was taken for ``dr = np.where(c, 0.0, dv)`` and summed with ``dq`` as one choice)
C4 = np.array([1.11, 1.46, 0.11, 1.2])


def chained_names_reversed(w):
    q = r = w[2]
    v = np.where(C4 > 0.16, q, r[::-1])
    return np.sum(v * np.arange(4.0))


def chained_names_mean(w):
    q = r = w[1]
    return np.mean(np.where(C4 > 0.5, q, r[::-1]))


def shifted_part(x):
    a = b = x * 2.0
    v = np.where(x[:3] > 0, a[:3], b[1:4])
    return np.sum(v * np.array([1.0, 2.0, 3.0]))


def reversed_part_data_condition(x):
    q = r = x
    return np.sum(np.where(x > 0.0, q, r[::-1]) * np.arange(1.0, 5.0))


W34 = np.arange(12.0).reshape(3, 4) / 7.0 - 0.5


@pytest.mark.parametrize("f", [chained_names_reversed, chained_names_mean])
def test_a_choice_summed_with_a_reversed_write_keeps_the_reversal(f):
    g = check_grad(f, W34)
    keep = C4 > (0.16 if f is chained_names_reversed else 0.5)
    weights = np.arange(4.0) if f is chained_names_reversed else np.full(4, 0.25)
    row = np.where(keep, weights, 0.0) + np.where(keep, 0.0, weights)[::-1]  # closed form
    assert np.allclose(g[2 if f is chained_names_reversed else 1], row)


@pytest.mark.parametrize("x", [np.array([0.3, -0.2, 0.5, -0.7]),
                               np.array([-0.3, 0.2, -0.5, 0.7]),
                               np.array([0.3, 0.2, 0.5, 0.7])])
def test_choices_of_parts_written_into_zeros_both_branches(x):
    check_grad(reversed_part_data_condition, x)
    check_grad(shifted_part, x)
