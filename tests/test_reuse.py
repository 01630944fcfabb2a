"""compiler/reuse.py: an element or arithmetic taken again in one block reads the
first name; a literal carried round a loop is a literal; a value only feeding itself
round a cycle is not computed by grad.  Writes in between must be seen."""
import re

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def rosenbrock_loop(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        total = total + 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return total


def written_between(x):
    y = x * 1.0
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = y[i]
        y[i] = y[i] * 2.0 + y[i + 1]
        s = s + y[i] * a + y[i + 1] * y[i]
    return s + np.sum(y * y)


def aliased_write(x):
    y = x * 1.0
    v = y[1:]
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = y[i + 1]
        v[i] = v[i] * a
        s = s + y[i + 1] * a
    return s


def cycle_feeds_itself(x, w):
    t = 0.0
    a = 0.0
    out = 0.0
    for i in range(x.shape[0]):
        a = t + x[i]
        t = a * 0.5
        out = out + w * x[i] * x[i]
    return out


def test_rosenbrock_reads_each_element_once_per_step(rng) -> None:
    x = rng.standard_normal(7)
    check_grad(rosenbrock_loop, x)
    g = s2sad.grad(rosenbrock_loop)
    g(x)
    code = [line.split("#")[0] for line in g.source.splitlines()]
    reads = sum(len(re.findall(r"\bx(_items)?\[", line)) for line in code)
    assert reads <= 3 and not any("total" in line for line in code)  # no forward loop
    assert sum(line.strip().startswith("add = ") for line in code) == 1  # i + 1 once


@pytest.mark.parametrize("n", [2, 3, 6])
def test_element_written_in_between_is_read_again(rng, n) -> None:
    check_grad(written_between, rng.standard_normal(n))


@pytest.mark.parametrize("n", [2, 4])
def test_write_through_a_view_is_seen(rng, n) -> None:
    check_grad(aliased_write, rng.standard_normal(n))


def test_value_only_feeding_itself_is_not_computed(rng) -> None:
    x = rng.standard_normal(5)
    check_grad(cycle_feeds_itself, x, 0.7, wrt=(0, 1))
    g = s2sad.grad(cycle_feeds_itself, wrt=(0, 1))
    g(x, 0.7)
    assert "0.5" not in g.source  # t = a * 0.5 feeds only a, which feeds only t


def _field(y, k):
    return np.array([y[1], -k[0] * y[0] - k[1] * y[1] + k[2] * np.sin(y[0])])


def _step(y, h, k):
    a = _field(y, k)
    b = _field(y + 0.5 * h * a, k)
    c = _field(y + 0.5 * h * b, k)
    d = _field(y + h * c, k)
    return y + h / 6.0 * (a + 2 * b + 2 * c + d)


def integrate(k, y0, t_end):
    y, t, h = y0, 0.0, 0.3
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        y = _step(y, h, k)
        t = t + h
    return y[0] ** 2 + y[0] * y[1]


def half_steps(k, y0):
    y = y0
    for _ in range(3):
        y = _step(_step(y, 0.05, k), 0.05, k)
    return np.sum(y * y)


@pytest.mark.parametrize("t_end", [0.2, 0.7, 1.0])
def test_elements_of_small_arrays_built_by_helpers(t_end) -> None:
    """Helpers reading y[0], y[1] several times and building np.array([..]): elements
    read again are pushed under the first name (the copy's del must go too)."""
    check_grad(integrate, np.array([1.0, 0.1, 0.3]), np.array([1.0, -0.2]), t_end,
               wrt=(0, 1))


def test_nested_helper_calls_in_a_loop() -> None:
    check_grad(half_steps, np.array([0.8, 0.2, 0.5]), np.array([0.3, 0.4]), wrt=(0, 1))


def logdet_and_quadratic(A, v):
    S = A @ A.T + np.eye(A.shape[0])
    Sinv = np.linalg.inv(S)
    sign, logdet = np.linalg.slogdet(S)
    return logdet + v @ Sinv @ v


def det_after_inverse_in_branch(A, v):
    S = A @ A.T + np.eye(A.shape[0])
    if v[0] > 0:
        W = np.linalg.inv(S)
        out = v @ W @ v
    else:
        out = v @ v
    return out + np.log(np.linalg.det(S))


def test_adjoint_reads_the_inverse_the_function_computed(rng) -> None:
    A, v = rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(logdet_and_quadratic, A, v, wrt=(0, 1))
    g = s2sad.grad(logdet_and_quadratic, wrt=(0, 1))
    g(A, v)
    code = [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]
    assert sum("inverse(" in line or "np.linalg.inv(" in line for line in code) == 1


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_inverse_in_one_branch_only_is_not_assumed(rng, sign) -> None:
    A, v = rng.standard_normal((3, 3)), rng.standard_normal(3)
    v[0] = sign * abs(v[0])
    check_grad(det_after_inverse_in_branch, A, v, wrt=(0, 1))


def accumulate_then_read(x, w):
    g = x * 1.0
    total = 0.0
    for i in range(x.shape[0] - 1):
        a = g[i] * w
        g[i] += a * x[i + 1]
        total = total + g[i] * g[i + 1] + a
    return total


@pytest.mark.parametrize("w", [0.5, -1.5])
def test_element_read_after_an_in_place_add(rng, w) -> None:
    """g[i] read, g[i] added into in place, g[i] read again: the second read sees the
    update (the adjoint sweep's add_at updates its accumulator in place too)."""
    check_grad(accumulate_then_read, rng.standard_normal(5), w, wrt=(0, 1))


# -- one helper inlined three times: its element reads and elementwise calls once --

def _rate(y, k):
    return np.array([y[1], -k[0] * y[0] - k[1] * y[1] + k[2] * np.sin(y[0])])


def three_rates(k, y, h, n):
    """The same helper called three times per step on the same parameter ``k``."""
    for _ in range(n):
        a = _rate(y, k)
        b = _rate(y + h * a, k)
        c = _rate(y, k)  # (the same value as a: its reads and its sine once)
        y = y + h * (a + b - 0.5 * c)
    return y[0] ** 2 + np.sin(y[1])


def rebound_between(k, y):
    """``np.sin(y[0])`` twice, with ``y`` bound again in between: computed again."""
    s1 = np.sin(y[0]) * k[0]
    y = y * k[1]
    s2 = np.sin(y[0]) * k[2]
    return s1 * s2 + np.sin(y[0])


def written_into_between(k, y):
    """``np.cos(z[0])`` twice, with ``z[0]`` written in between: computed again."""
    z = y * 1.0
    c1 = np.cos(z[0]) * k[0]
    z[0] = z[0] * k[1] + 1.0
    c2 = np.cos(z[0]) * k[2]
    return c1 + c2 * z[0]


@pytest.mark.parametrize("n", [0, 1, 4])
def test_inlined_helper_reads_its_parameter_once_per_step(n):
    k, y = np.array([0.9, 0.3, 1.4]), np.array([0.2, -0.5])
    g = s2sad.grad(three_rates, wrt=(0, 1))
    g(k, y, 0.1, 3)
    forward = g.source.split("    for _ in range(n):\n")[1].split("# adjoint")[0]
    forward = "\n".join(line for line in forward.splitlines()
                        if not line.strip().startswith("#"))  # (code, not comments)
    for i in range(3):  # k[0], k[1], k[2]: one read each per step, not three
        assert len(re.findall(rf"\bk\[{i}\]", forward)) == 1, forward
    assert forward.count("np.sin(") == 2  # (c is a: its sine not taken again)
    check_grad(three_rates, k, y, 0.1, n, wrt=(0, 1, 2))


@pytest.mark.parametrize("f", [rebound_between, written_into_between])
def test_values_changed_in_between_are_computed_again(f):
    k, y = np.array([0.9, 1.3, 1.4]), np.array([0.2, -0.5])
    check_grad(f, k, y, wrt=(0, 1))
    value, _ = s2sad.value_and_grad(f, wrt=(0, 1))(k, y)
    assert value == pytest.approx(f(k, y), rel=1e-14)
