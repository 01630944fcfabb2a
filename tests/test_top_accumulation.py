"""An adjoint the generated code owns, added into by a later line outside any loop,
is updated in place (``ownership`` -> ``accumulators``: ``dd1 += dd2``, was ``dd1 =
dd1 + dd2``): one array less per contribution.  Where it must not be: an adjoint that
is another name's value too (a copy, an argument's alias), a contribution that
broadcasts the adjoint up to more axes, an integer adjoint.  Each against central
differences, first order and forward mode, a Hessian; the user's arrays unchanged."""
from __future__ import annotations

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def two_lines(x, w):
    y = np.sin(x) * w
    z = np.cos(y) * x
    return np.sum(z * z) + np.sum(np.exp(-x) * y)


def aliased(x, w):  # b is x itself; a its sine: adjoints of one object from two names
    b = x
    a = np.sin(b) * w
    c = b * a
    return np.sum(c) + np.sum(x * w * a)


def broadcast_up(v, M):  # v's adjoint from a (m, n) sum and an (n,) product
    s = np.tanh(M + v)
    return np.sum(s * s) + np.sum(v * v * v)


def branchy(x, w):
    y = x * w
    if np.sum(y) > 0:
        y = np.sin(y) + x
    else:
        y = np.cos(y) * x
    return np.sum(y * x) + np.sum(w * y)


CASES = [two_lines, aliased, branchy]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
@pytest.mark.parametrize("seed", [140, 141])
def test_gradients(f, seed):
    r = np.random.default_rng(seed)
    x, w = r.standard_normal(5), r.standard_normal(5)
    for sign in (1.0, -1.0):  # branchy: both branches
        check_grad(f, sign * np.abs(x), w, wrt=(0, 1))
        check_jvp(f, sign * np.abs(x), w, wrt=(0, 1))


def test_in_place_at_the_top_level():
    r = np.random.default_rng(142)
    code = grad_code(two_lines, r.standard_normal(4), r.standard_normal(4), wrt=(0, 1))
    assert " += " in code


def test_broadcast_contribution():
    r = np.random.default_rng(143)
    v, M = r.standard_normal(4), r.standard_normal((3, 4))
    check_grad(broadcast_up, v, M, wrt=(0, 1))
    check_hessian(lambda v: broadcast_up(v, M), v)


def test_hessian():
    r = np.random.default_rng(144)
    w = r.standard_normal(3)
    check_hessian(lambda x: two_lines(x, w), r.standard_normal(3))
    check_hessian(lambda x: aliased(x, w), r.standard_normal(3))
