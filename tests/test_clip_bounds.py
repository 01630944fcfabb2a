"""np.clip with bounds that are themselves differentiated (once a wrong gradient: where
a_min > a_max NumPy returns a_max, but the derivative went to a_min).  Checked against
central differences at points where the bounds cross and where they do not, for
np.clip and the method x.clip, in both modes, and on PyTorch tensors."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp


def lower_bound_crosses(x):
    return np.sum(np.clip(x, x[::-1] - 0.1, 1.0) ** 2)


def both_bounds(x):
    return np.sum(np.clip(x, x[::-1] - 0.1, 0.5 * x[::-1] + 0.2) ** 2)


def method_bounds(x):
    return np.sum(x.clip(0.3 * x[::-1], 0.8) * np.arange(x.shape[0]))


POINTS = [np.random.default_rng(seed).standard_normal(6) for seed in range(4)]


@pytest.mark.parametrize("f", [lower_bound_crosses, both_bounds, method_bounds])
@pytest.mark.parametrize("x", POINTS, ids=[f"seed{k}" for k in range(4)])
def test_against_differences(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


def test_crossed_bounds_give_the_upper_one():
    x = np.array([0.0, 0.0])
    lo, hi = np.array([2.0, -1.0]), np.array([1.0, 1.0])  # crossed in the first entry
    g = s2sad.grad(clip_of_bounds, wrt=(1, 2))(x, lo, hi)
    np.testing.assert_array_equal(g[0], [0.0, 0.0])  # closed form: clip = (hi[0], 0)
    np.testing.assert_array_equal(g[1], [1.0, 0.0])


def clip_of_bounds(x, lo, hi):
    return np.sum(np.clip(x, lo, hi))


def flipped_bound(x):
    return np.sum(np.clip(x, np.flip(x) - 0.1, 1.0) ** 2)


def test_on_torch_tensors():
    torch = pytest.importorskip("torch")
    x = POINTS[2]
    expected = s2sad.grad(flipped_bound)(x)
    np.testing.assert_allclose(expected, s2sad.grad(lower_bound_crosses)(x))
    got = s2sad.grad(flipped_bound)(torch.tensor(x))
    np.testing.assert_allclose(got.numpy(), expected)
