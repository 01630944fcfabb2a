"""Users' programs (science and ML code) that once came out wrong or noisy: a pole
behind a clamp (``np.sqrt(np.maximum(v, 0))``, full-truncation Euler of a variance) gave
NaN gradients where the clamp was active.  Checked against central differences."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

NORMALS = np.random.default_rng(5).standard_normal((40, 8, 2))


def heston_call(params):
    """Full-truncation Euler paths of the Heston model (fixed normals): the variance may
    go negative, and sqrt sees max(v, 0) = 0 there."""
    kappa, theta, xi, rho, v0 = params
    n_paths, n_steps, _ = NORMALS.shape
    dt = 1.0 / n_steps
    s = np.full(n_paths, 100.0)
    v = np.full(n_paths, v0)
    for t in range(n_steps):
        z1 = NORMALS[:, t, 0]
        z2 = rho * z1 + np.sqrt(1 - rho ** 2) * NORMALS[:, t, 1]
        vp = np.maximum(v, 0.0)
        s = s * np.exp(-0.5 * vp * dt + np.sqrt(vp * dt) * z1)
        v = v + kappa * (theta - vp) * dt + xi * np.sqrt(vp * dt) * z2
    return np.mean(np.maximum(s - 100.0, 0.0))


def clipped_root(u):
    """A clip to [0, 1] before sqrt(u (1 - u)): both bounds are poles."""
    c = np.clip(u, 0.0, 1.0)
    return np.sum(np.sqrt(c * (1 - c)) * np.arange(1, u.size + 1))


def capped_circle(x):
    """sqrt(1 - min(x, 1)^2): at the cap the root is 0 and its slope infinite."""
    return np.sum(np.sqrt(1 - np.minimum(x, 1.0) ** 2) + 0.1 * x)


def floor_root(x, lo):
    """np.fmax against a floor that is an argument: the floor gets the slope where it wins."""
    return np.sum(np.sqrt(np.fmax(x - lo, 0.0)) * x)


@pytest.mark.parametrize("params", [[2.0, 0.04, 0.3, -0.7, 0.04],   # paths go negative
                                    [1.0, 0.09, 0.6, 0.3, 0.02],
                                    [3.0, 0.2, 0.1, 0.0, 0.2]])     # (barely any do)
def test_heston_full_truncation(params) -> None:
    check_grad(heston_call, np.array(params), rtol=1e-4, atol=1e-5)
    check_jvp(heston_call, np.array(params), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("u", [[-0.5, 0.3, 0.7, 1.5],     # both bounds active
                               [0.1, 0.2, 0.8, 0.9],      # neither
                               [-1.0, -2.0, 0.5, 0.25]])  # the lower only
def test_clip_before_a_root(u) -> None:
    check_grad(clipped_root, np.array(u))
    check_jvp(clipped_root, np.array(u))


@pytest.mark.parametrize("x", [[0.2, 1.5, -0.3], [0.1, 0.4, 0.9], [2.0, 3.0, 1.2]])
def test_minimum_before_a_root(x) -> None:
    check_grad(capped_circle, np.array(x))
    check_jvp(capped_circle, np.array(x))


@pytest.mark.parametrize("lo", [0.5, -5.0, 5.0])  # some, none, all under the floor
def test_fmax_floor_before_a_root(lo) -> None:
    x = np.array([0.2, 1.0, 2.0, 3.0])
    check_grad(floor_root, x, lo, wrt=(0, 1))
    check_jvp(floor_root, x, lo, wrt=(0, 1))


def test_clamped_pole_gradient_is_exact() -> None:
    """Where the clamp is active the gradient is exactly 0 (the function is flat there),
    in both modes and in the guarded run too (called again at once: up to RETRY calls go
    to it directly)."""
    params = np.array([2.0, 0.04, 0.3, -0.7, 0.04])
    g = s2sad.grad(heston_call)
    for _ in range(2):
        with np.errstate(all="ignore"):  # (the dead side's inf - inf, multiplied by 0)
            assert np.all(np.isfinite(g(params)))
    x = np.array([-1.0, -0.5, 4.0])
    for _ in range(2):
        with np.errstate(divide="ignore"):  # (1 / (2 sqrt(0)): the pole, selected out)
            np.testing.assert_array_equal(s2sad.grad(clamped_root)(x), [0.0, 0.0, 0.25])
            np.testing.assert_array_equal(s2sad.jvp(clamped_root)(x, np.ones(3))[1], 0.25)


def clamped_root(x):
    return np.sum(np.sqrt(np.maximum(x, 0.0)))


# ----- a dataclass built inside the differentiated function (was refused: "an object of
# class ... made inside"): the record that stands for a dataclass argument -----

@dataclass
class Linear:
    W: np.ndarray
    b: float = 0.5

    def __call__(self, x):
        return self.W @ x + self.b

    def penalty(self):
        return np.sum(self.W ** 2)


@dataclass(frozen=True)
class Normal:
    mu: float
    log_s: float

    def logpdf(self, x):
        return -0.5 * ((x - self.mu) / np.exp(self.log_s)) ** 2 - self.log_s


@dataclass
class Checked:
    a: float

    def __post_init__(self):
        self.twice = 2 * self.a


def fields_loss(p, X, y):
    return np.mean((X @ p.W + p.b - y) ** 2)


def built_for_a_helper(w, b, X, y):
    return fields_loss(Linear(w, b), X, y)


def built_with_methods(W, b, x):
    layer = Linear(b=b, W=W)
    return np.sum(np.tanh(layer(x))) + 0.1 * layer.penalty()


def built_in_a_loop(mus, xs):
    total = 0.0
    for m in mus:
        if m > 0:  # (one class on both sides)
            d = Normal(m, 0.0)
        else:
            d = Normal(-m, 0.5)
        if isinstance(d, Normal):
            total += np.sum(d.logpdf(xs))
    return total


def with_post_init(a):
    c = Checked(a)
    return c.twice


_R = np.random.default_rng(1)
_X = _R.normal(size=(5, 3))
_Y = _R.normal(size=5)


@pytest.mark.parametrize("b", [0.3, -1.0, 2.0])
def test_dataclass_built_for_a_helper(b) -> None:
    w = _R.normal(size=3)
    check_grad(built_for_a_helper, w, b, _X, _Y, wrt=(0, 1))
    check_jvp(built_for_a_helper, w, b, _X, _Y, wrt=(0, 1))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dataclass_built_with_methods(seed) -> None:
    r = np.random.default_rng(seed)
    W, x = r.normal(size=(2, 3)), r.normal(size=3)
    check_grad(built_with_methods, W, 0.3, x, wrt=(0, 1, 2))
    check_jvp(built_with_methods, W, 0.3, x, wrt=(0, 1, 2))


@pytest.mark.parametrize("mus", [[0.1, 0.5], [-0.4, -1.0], [0.7, -0.2]])  # both branches
def test_dataclass_built_in_a_loop(mus) -> None:
    xs = _R.normal(size=4)
    check_grad(built_in_a_loop, np.array(mus), xs, wrt=(0, 1))
    check_jvp(built_in_a_loop, np.array(mus), xs, wrt=(0, 1))


def test_dataclass_with_post_init_built_inside_is_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match="made inside"):
        s2sad.grad(with_post_init)(1.5)
