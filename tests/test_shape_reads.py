"""compiler/shape_reads.py: an adjoint started as zeros like a float64 value of an
argument's shape starts from the argument (``zeros_like(y0)``), so a loop no longer
keeps that value on its tape; and the dtype facts it needs (compiler/dtypes.py:
``np.array`` of float64 values, ``min``/``max`` of numbers, the tape's pops).  Every
case against central differences; where the dtype or the shape differs, nothing is
rewritten and the gradient keeps its dtype."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp


def _rate(y, k):
    return np.array([y[1], -k[0] * y[0] + k[1] * np.sin(y[0])])


def stepper(k, y0, h, n):
    """Explicit midpoint steps of a 2-vector state: each stage a new 2-vector."""
    y = y0
    for _ in range(n):
        mid = y + 0.5 * h * _rate(y, k)
        y = y + h * _rate(mid, k)
        h = min(1.1 * h, 0.3)
    return y[0] ** 2 + y[1] ** 2


def longer_state(k, y0, n):
    """The stage vector is longer than any argument: its zeros stay like it."""
    y = y0
    for _ in range(n):
        z = np.concatenate([y, y * k[0]])
        y = y + 0.1 * z[:2] * z[2:]
    return np.sum(y ** 2)


def tape_of(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return [line for line in g.source.splitlines() if "stack.append" in line or
            line.startswith("            ")]


@pytest.mark.parametrize("n", [0, 1, 5])
def test_stage_vectors_not_kept_for_their_shape(n):
    k, y0 = np.array([0.9, 0.4]), np.array([0.3, -0.2])
    check_grad(stepper, k, y0, 0.1, n, wrt=(0, 1, 2))
    check_vjp(stepper, k, y0, 0.1, n, wrt=(0, 1))
    g = s2sad.grad(stepper, wrt=(0, 1))
    g(k, y0, 0.1, 3)
    assert "zeros_like(mid" not in g.source and "zeros_like(add" not in g.source
    pushed = "".join(line for line in g.source.splitlines() if "stack.append" in line)
    assert "mid," not in pushed and "mid)" not in pushed


def test_other_lengths_keep_their_zeros(rng):
    k, y0 = np.array([0.7, 0.1, 0.2]), rng.standard_normal(2)
    check_grad(longer_state, k, y0, 4, wrt=(0, 1))


def test_float32_arguments_keep_their_dtype():
    k, y0 = np.array([0.9, 0.4], dtype=np.float32), np.array([0.3, -0.2], dtype=np.float32)
    gk, gy = s2sad.grad(stepper, wrt=(0, 1))(k, y0, 0.1, 3)
    assert gk.dtype == np.float32 and gy.dtype == np.float32
    want = s2sad.grad(stepper, wrt=(0, 1))(k.astype(float), y0.astype(float), 0.1, 3)
    np.testing.assert_allclose(gk, want[0], rtol=1e-4)
    np.testing.assert_allclose(gy, want[1], rtol=1e-4)


def test_python_float_state_is_not_an_array():
    def scalar_steps(k, x, n):
        for _ in range(n):
            x = max(x * k[0], x - 0.1) + k[1]
        return x * x
    k = np.array([0.8, 0.3])
    check_grad(scalar_steps, k, 0.5, 4, wrt=(0, 1))
    check_grad(scalar_steps, k, -0.5, 4, wrt=(0, 1))  # (the other side of max)
