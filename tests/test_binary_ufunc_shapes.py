"""A binary ufunc's result read by the reverse sweep only for its shape (``np.mean``'s
count of ``np.logaddexp(0.0, -y * z)``) takes the shape from its operand when the other
is a number or shares it (compiler/shapes.py), so the value is not computed by the
gradient; operands that broadcast to a larger shape keep the value's own.  Against
central differences, and the generated source for the value not being made."""
import numpy as np
import pytest

from gradcheck import check_grad, check_vjp, grad_source


def softplus_loss(w, X, y):
    """Logistic loss by np.logaddexp against a literal 0.0."""
    return np.mean(np.logaddexp(0.0, -y * (X @ w)))


def angle_mean(x, y):
    """np.arctan2 of two same-shaped arrays (its adjoint reads its arguments only)."""
    return np.mean(np.arctan2(x, 2.0 + y * y))


def broadcast_pair(a, b):
    """Operands (3, 1) and (1, 4): the mean is over 12 values, neither operand's 3 or 4."""
    return np.mean(np.logaddexp2(a, b))


@pytest.mark.parametrize("n", [4, 50])
def test_softplus_loss(n, rng):
    X = rng.standard_normal((n, 3))
    args = (rng.standard_normal(3), X, np.sign(rng.standard_normal(n)))
    check_grad(softplus_loss, *args)
    check_vjp(softplus_loss, *args)


def test_angle_mean(rng):
    check_grad(angle_mean, rng.standard_normal(7), rng.standard_normal(7), wrt=(0, 1))


def test_broadcast_pair(rng):
    check_grad(broadcast_pair, rng.standard_normal((3, 1)), rng.standard_normal((1, 4)),
               wrt=(0, 1))


def _code(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))


def test_values_read_for_their_shape_are_not_made(rng):
    X = rng.standard_normal((20, 3))
    text = _code(grad_source(softplus_loss, rng.standard_normal(3), X, np.ones(20)))
    assert "logaddexp(" not in text, text
    text = _code(grad_source(angle_mean, rng.standard_normal(7), rng.standard_normal(7),
                             wrt=(0, 1)))
    assert "arctan2(" not in text, text
