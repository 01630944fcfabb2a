"""The ``algebra`` pass's negation folding (:mod:`s2sad.compiler.negations`): ``x = -y``
read only by additions is read as ``y`` with the addition flipped.  One addition that
reads ``x`` twice (``z + z``, ``np.roll(z, 1) + z``) cannot take the sign by one flip:
it was folded to ``y + y`` (a gradient of the wrong sign, or zero); now such a name is
left.  Reads in separate additions still fold.  Each against central differences in
float64, with the closed form where it is short, and the derivative of both arguments.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def doubled(x, y):
    """``z + z`` of ``z = -y``: one addition reads the negated name twice."""
    z = -y
    return np.sum((z + z) * x)


def doubled_self(x):
    """The negated name of the argument itself, added to itself."""
    z = -x
    w = z + z
    return np.sum(w * x)


def rolled_and_plain(x, y):
    """A linear call of the negated name and the name, in one addition."""
    z = -y
    return np.sum((np.roll(z, 1) + z) * x ** 2)


def separate_additions(x, y):
    """Reads in two additions, one each: the fold applies (and stays right)."""
    z = -y
    u = x + z
    v = x * 2.0 - z
    return np.sum(u * v)


def in_a_loop(x, y):
    """The negated name added to itself inside a loop's body."""
    acc = x * 1.0
    for _ in range(3):
        z = -acc
        acc = np.tanh(z + z) + y
    return np.sum(acc ** 2)


CASES = [doubled, doubled_self, rolled_and_plain, separate_additions, in_a_loop]


def _args(f, rng):
    n = 5
    return (rng.standard_normal(n),) if f is doubled_self else \
        (rng.standard_normal(n), rng.standard_normal(n))


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_grad_against_differences(f, rng):
    args = _args(f, rng)
    check_grad(f, *args, wrt=tuple(range(len(args))))


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_jvp_against_differences(f, rng):
    args = _args(f, rng)
    check_jvp(f, *args, wrt=tuple(range(len(args))))


def test_closed_forms(rng):
    x, y = rng.standard_normal(4), rng.standard_normal(4)
    dx, dy = s2sad.grad(doubled, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(dx, -2.0 * y)
    np.testing.assert_allclose(dy, -2.0 * x)
    np.testing.assert_allclose(s2sad.grad(doubled_self)(x), -4.0 * x)


def test_separate_reads_still_fold(rng):
    x, y = rng.standard_normal(4), rng.standard_normal(4)
    g = s2sad.grad(separate_additions, wrt=(0, 1))
    g(x, y)
    code = [line.strip() for line in g.source.splitlines() if not line.strip().startswith("#")]
    assert "z = -y" not in code and "u = x - y" in code and "v = x * 2.0 + y" in code


def rolled_cubic(x):
    """Second order: the adjoint of ``np.roll(z, 1) + z`` is differentiated again."""
    z = -x ** 2
    return np.sum((np.roll(z, 1) + z) * x)


@pytest.mark.parametrize("f", [doubled_self, rolled_cubic], ids=lambda f: f.__name__)
def test_hessian_against_differences(f, rng):
    check_hessian(f, rng.standard_normal(4))
