"""Slices with a step (``u[1:-1:2, 1:-1:2]``): their lengths are ``ceil(max(0, form) /
step)`` in the shape facts (``affine.strided``), equal only to the same form of the same
step, never taken for a length of at least 2; and the parts of one array read before
each is cleared in the reversed loop are copied together (``ownership.copy_views``),
so every update of the adjoint is in place (red-black Gauss-Seidel: 16 copies of the
whole adjoint a sweep before).  Gradients against central differences at odd and even
sizes; broadcasting of a part of length 1 kept."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen17 import redblack_poisson as red_black
from tests.gradcheck import check_grad


def odd_even_1d(f, target, n_sweeps):
    """1-D Gauss-Seidel by parity: the second statement reads what the first wrote."""
    u = np.zeros(f.shape[0])
    for _ in range(n_sweeps):
        u[1:-1:2] = 0.5 * (u[0:-2:2] + u[2::2]) + f[1:-1:2]
        u[2:-1:2] = 0.5 * (u[1:-2:2] + u[3::2]) + f[2:-1:2]
    return np.sum((u - target) ** 2)


def two_parts(f, target, n_sweeps):
    """Two updates of nested parts, step 1: each part's adjoint read before it is
    cleared."""
    u = np.zeros_like(f)
    for _ in range(n_sweeps):
        u[1:-1, 1:-1] = 0.25 * (u[0:-2, 1:-1] + u[2:, 1:-1] + f[1:-1, 1:-1])
        u[2:-2, 2:-2] = 0.25 * (u[1:-3, 2:-2] + u[3:-1, 2:-2] + f[2:-2, 2:-2])
    return np.sum((u - target) ** 2)


def every_third(x, w):
    return np.sum(w * np.sin(x[::3]) ** 2) + np.sum(x[2::3] * x[::3][:x[2::3].shape[0]])


def a_part_of_length_one(x):
    """``x[0:2:2]`` has one element: broadcast against ``x[2:]`` (its adjoint summed)."""
    return np.sum(x[0:2:2] * x[2:] ** 2)


def reversed_steps(x):
    return np.sum(x[::-2] * x[::2] ** 2)


@pytest.mark.parametrize("n", [7, 8])
def test_red_black_sweeps(n):
    r = np.random.default_rng(n)
    f, target = r.standard_normal((n, n)), 0.01 * r.standard_normal((n, n))
    check_grad(red_black, f, target, 3, wrt=0)
    g = s2sad.grad(red_black, wrt=0)
    g(f, target, 3)
    assert "fresh(" not in g.source and "zero_at(" not in g.source
    assert "shape_of(" not in g.source and "unbroadcast(" not in g.source


@pytest.mark.parametrize("n", [9, 10])
def test_odd_even_sweeps_read_what_the_last_wrote(n):
    r = np.random.default_rng(n)
    check_grad(odd_even_1d, r.standard_normal(n), r.standard_normal(n), 4, wrt=0)


def test_two_nested_parts_updated_in_place():
    r = np.random.default_rng(3)
    f, target = r.standard_normal((8, 8)), r.standard_normal((8, 8))
    check_grad(two_parts, f, target, 3, wrt=0)
    g = s2sad.grad(two_parts, wrt=0)
    g(f, target, 3)
    assert "fresh(" not in g.source and g.source.count("np.copy(") == 2


@pytest.mark.parametrize("n", [9, 10, 11])
def test_every_third_element(n):
    r = np.random.default_rng(n)
    check_grad(every_third, r.standard_normal(n), r.standard_normal(-(-n // 3)), wrt=(0, 1))


@pytest.mark.parametrize("n", [4, 5])
def test_a_strided_part_of_length_one_broadcasts(n):
    x = np.random.default_rng(n).standard_normal(n)
    check_grad(a_part_of_length_one, x)
    expected = np.concatenate([[np.sum(x[2:] ** 2)], [0.0], 2.0 * x[0] * x[2:]])
    assert np.allclose(s2sad.grad(a_part_of_length_one)(x), expected, rtol=1e-12)


def test_negative_steps():
    x = np.random.default_rng(0).standard_normal(7)
    check_grad(reversed_steps, x)
