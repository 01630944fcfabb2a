"""An array filled element by element in a loop, then summed (compiler/dead_clears.py,
number_spreads' reads by element): the reversed loop's clear of each read element's
adjoint goes where no one reads the element again, and the adjoint of the sum stays the
number it spreads, read as that number (no array of ones, the filled array not kept).
Where the clear matters (an element written twice, the adjoint read at another index
or after the loop), it stays.  Each against central differences."""
import numpy as np
import pytest

from gradcheck import check_grad, grad_source


def cumulative_product(x):
    n = x.shape[0]
    c = np.zeros(n)
    acc = 1.0
    for i in range(n):
        acc = acc * x[i]
        c[i] = acc
    return np.sum(c)


def mean_of_filled(x, a):
    n = x.shape[0]
    r = np.zeros(n - 1)
    for i in range(n - 1):
        r[i] = np.sin(a * x[i]) * x[i + 1]
    return np.mean(r)


def filled_in_steps(x):
    n = x.shape[0]
    total = 0.0
    for step in range(3):
        c = np.zeros(n)
        for i in range(n):
            c[i] = x[i] ** (step + 1)
        total = total + 2.0 * np.sum(c)
    return total


@pytest.mark.parametrize("case", ["cumprod", "mean", "steps"])
def test_filled_then_summed_reads_the_number(rng, case) -> None:
    if case == "cumprod":
        f, args, wrt = cumulative_product, (rng.uniform(0.5, 1.5, 9),), 0
    elif case == "mean":
        f, args, wrt = mean_of_filled, (rng.standard_normal(8), 0.7), (0, 1)
    else:
        f, args, wrt = filled_in_steps, (rng.standard_normal(6),), 0
    check_grad(f, *args, wrt=wrt)
    src = "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                    if not line.lstrip().startswith("#"))
    assert "] = 0.0" not in src
    if case == "mean":  # (the loop at once, element_loops: the mean's spread over an array)
        assert "for i" not in src
    else:
        assert "repeat_to" not in src and "np.zeros(" not in src


def written_twice(x):
    n = x.shape[0]
    c = np.zeros(n)
    for i in range(n):
        c[i] = x[i] ** 2
    for i in range(n):
        c[i] = c[i] * x[i]
    return np.sum(c)


def read_at_the_next(x):
    n = x.shape[0]
    c = np.zeros(n)
    for i in range(n - 1):
        c[i] = x[i] * x[i + 1]
        c[i + 1] = c[i] + x[i]
    return np.sum(c * c)


def read_after(x):
    n = x.shape[0]
    c = np.zeros(n)
    for i in range(n):
        c[i] = np.cos(x[i])
    for i in range(n):
        c[i] = c[i] + 1.0
    return np.sum(c) + c[0] * c[1]


def partly_overwritten(x):
    n = x.shape[0]
    c = 3.0 * x
    for i in range(n - 2):
        c[i] = np.sin(x[i])
    return np.sum(c)


@pytest.mark.parametrize("f", [written_twice, read_at_the_next, read_after,
                               partly_overwritten])
def test_clears_that_matter_stay(rng, f) -> None:
    check_grad(f, rng.uniform(0.5, 1.5, 7))
