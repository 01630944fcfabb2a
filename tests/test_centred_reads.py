"""Values centred on a mean the function bound read through the name that holds them
(``centred_reads``): ``np.var``'s adjoint reads a batch norm's ``c = h - mu`` instead of
centring ``h`` again, over leading axes without ``keepdims`` (``mu = np.mean(h,
axis=0)``), with ``keepdims`` and over all elements; and where it must not: ``h``,
``mu`` or ``c`` written into or bound again between, a mean over another axis, a
mean that does not broadcast against ``h`` (a trailing axis without ``keepdims``).
Each against central differences (first order, forward mode, and the Hessian of a
small case)."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def batch_norm(h, gamma):  # a mean over the leading axis, no keepdims
    mu = np.mean(h, axis=0)
    var = np.var(h, axis=0)
    c = h - mu
    return np.sum(np.tanh(gamma * c / np.sqrt(var + 1e-5)))


def batch_norm_3d(h, gamma):  # over the leading axis of a 3-D array
    mu = np.mean(h, axis=0)
    c = h - mu
    var = np.var(h, axis=0)
    return np.sum(np.sin(gamma * c / np.sqrt(var + 1e-3)))


def layer_norm_kept(h, gamma):  # keepdims over the last axis
    mu = np.mean(h, axis=-1, keepdims=True)
    c = h - mu
    var = np.var(h, axis=-1, keepdims=True)
    return np.sum((gamma * c) ** 3 / (var + 1.0))


def whole(x):  # no axis: the mean of all elements
    m = np.mean(x)
    c = x - m
    return np.sum(c ** 3) + np.var(x) * np.sum(x)


READ = [(batch_norm, lambda r: (r.standard_normal((7, 4)), 1.0 + r.standard_normal(4))),
        (batch_norm_3d, lambda r: (r.standard_normal((5, 3, 2)), 1.0 + r.standard_normal(2))),
        (layer_norm_kept, lambda r: (r.standard_normal((4, 5)), 1.0 + r.standard_normal(5))),
        (whole, lambda r: (r.standard_normal((3, 4)),))]


@pytest.mark.parametrize("case", range(len(READ)))
def test_centred_values_read_through_their_name(case) -> None:
    f, make = READ[case]
    args = make(np.random.default_rng(70 + case))
    wrt = (0, 1) if len(args) == 2 else 0
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    code = grad_code(f, *args, wrt=wrt)
    assert "np.var(" not in code
    assert "keepdims=True)" not in code.split("adjoint")[-1] or case == 2
    assert "centered(" not in code
    # the adjoint centres nothing again: h minus a mean appears once, in the forward
    assert sum(line.count(" - ") for line in code.splitlines() if "mean" in line) <= 1


def test_hessian_through_the_shared_centred_values() -> None:
    x = np.random.default_rng(74).standard_normal((3, 2))
    check_hessian(lambda x: batch_norm(x, np.array([1.5, 0.7])), x)
    check_hessian(whole, x)


def written_between(h, gamma):  # h changed after c: the variance's own centring
    mu = np.mean(h, axis=0)
    c = h - mu
    h = h.copy()
    h[0] = h[0] * 3.0
    return np.sum(gamma * c) + np.sum(np.var(h, axis=0) * gamma)


def centred_written(h, gamma):  # c changed after it was made
    mu = np.mean(h, axis=0)
    c = h - mu
    c[1] = 0.5 * c[1]
    return np.sum(np.tanh(c) * gamma) + np.sum(np.var(h, axis=0) ** 2)


def rebound(h, gamma):  # h bound again: a new value, centred by var itself
    mu = np.mean(h, axis=0)
    c = h - mu
    h = h * gamma
    return np.sum(c * c * gamma) + np.sum(np.var(h, axis=0))


def other_axis(h, gamma):  # the mean over rows, the variance over columns
    mu = np.mean(h, axis=1, keepdims=True)
    c = h - mu
    return np.sum(c * c) + np.sum(np.var(h, axis=0) * gamma)


def trailing_mean(h, gamma):  # over the last axis without keepdims: broadcast over rows
    mu = np.mean(h, axis=1)  # a square h: h - mu is not h's rows centred
    c = h - mu
    return np.sum(c * gamma) + np.sum(np.var(h, axis=1) * gamma)


NOT_READ = [written_between, centred_written, rebound, other_axis, trailing_mean]


@pytest.mark.parametrize("f", NOT_READ, ids=[f.__name__ for f in NOT_READ])
def test_not_read_where_the_values_differ(f) -> None:
    r = np.random.default_rng(80)
    h, gamma = r.standard_normal((4, 4)), 1.0 + r.standard_normal(4)
    check_grad(f, h, gamma, wrt=(0, 1))
    check_jvp(f, h, gamma, wrt=(0, 1))
