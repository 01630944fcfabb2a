"""compiler/reuse.py: an element or arithmetic taken again in one block reads the
first name; a literal carried round a loop is a literal; a value only feeding itself
round a cycle is not computed by grad.  Writes in between must be seen."""
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
    reads = [line for line in code if "= x[" in line]
    assert len(reads) == 2 and not any("total" in line for line in code)  # no forward loop


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
