"""Random draws in a Monte Carlo with a fixed seed (session 43, helper 76), against
central differences at the same seed (the common random numbers the seed gives):

- a draw whose parameters are active, ``np.random.normal(mu, sigma, n)``, is ``mu +
  sigma * z``: its pathwise derivative (was a constant: a wrong zero gradient), of the
  legacy functions, of a generator held in a global, made inside, or passed in
  (``rules/draws.py``, ``runtime/draws.py``);
- a draw is never dropped, merged, moved nor run again by the late passes: an unread
  draw moves the later ones (was dropped: the value and gradient of other draws), and
  draws in a loop were run again in the reverse sweep, in reverse order (wrong);
- what picks among an active array's values (``choice``, ``permutation``, ``shuffle``)
  is refused, never a silent zero.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

# ----- draws whose parameters are active -----


def legacy_normal(mu, sigma):
    np.random.seed(1)
    z = np.random.normal(mu, sigma, size=30)
    return np.mean(np.tanh(z))


def legacy_uniform_exponential(a, b):
    np.random.seed(2)
    u = np.random.uniform(a, b, 20)
    e = np.random.exponential(b, size=(2, 3))
    return np.mean(u ** 3) + np.sum(np.sqrt(e)) + np.mean(np.random.lognormal(a, b, 4))


def array_location(x):
    np.random.seed(0)
    return np.sum(np.random.normal(loc=x, scale=np.exp(x[0]), size=(4, 3)) ** 2)


@pytest.mark.parametrize("f, args", [(legacy_normal, (0.3, 0.7)),
                                     (legacy_uniform_exponential, (0.2, 1.3)),
                                     (array_location, (np.array([0.2, -0.4, 0.5]),))])
def test_legacy_draws_with_active_parameters(f, args) -> None:
    wrt = tuple(range(len(args)))
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


RNG = np.random.default_rng(5)


def global_generator(mu, sigma):
    z = RNG.normal(mu, sigma, size=(3, 4))
    return np.mean(z ** 2) + np.sum(RNG.gumbel(mu, 0.5, 2))


def test_draws_of_a_global_generator() -> None:
    state = RNG.bit_generator.state
    value, grads = s2sad.value_and_grad(global_generator, wrt=(0, 1))(0.3, 0.8)
    expected = []
    for k in range(2):
        e = np.eye(2)[k] * 1e-6
        RNG.bit_generator.state = state
        up = global_generator(0.3 + e[0], 0.8 + e[1])
        RNG.bit_generator.state = state
        down = global_generator(0.3 - e[0], 0.8 - e[1])
        expected.append((up - down) / 2e-6)
    RNG.bit_generator.state = state
    assert value == global_generator(0.3, 0.8)
    np.testing.assert_allclose(grads, expected, rtol=1e-5, atol=1e-7)


def made_inside(p):
    rng = np.random.default_rng(11)
    a = rng.uniform(low=p[0], high=p[1], size=5)
    b = rng.exponential(scale=p[2], size=(2, 2))
    c = rng.lognormal(p[0], p[2], 3)
    return np.sum(a ** 2) + np.sum(np.sqrt(b)) + np.sum(c) + np.sum(np.tanh(rng.laplace(p[1])))


def made_inside_in_a_loop(mu):
    rng = np.random.default_rng(2)
    total = 0.0
    for k in range(3):
        total += np.mean(rng.normal(mu * k, 1.0 + k, size=10) ** 2)
    return total


def reparameterized_elbo(mu, log_sigma):
    """A variational objective: samples mu + sigma * eps by the generator's own normal."""
    rng = np.random.default_rng(0)
    w = rng.normal(mu, np.exp(log_sigma), size=(50, mu.size))
    log_lik = -0.5 * np.sum((w - 1.0) ** 2, axis=1)
    return np.mean(log_lik) + np.sum(log_sigma)


@pytest.mark.parametrize("f, args", [(made_inside, (np.array([0.1, 1.2, 0.8]),)),
                                     (made_inside_in_a_loop, (0.7,)),
                                     (reparameterized_elbo, (np.array([0.3, -0.2]),
                                                             np.array([-0.5, 0.1])))])
def test_draws_of_a_generator_made_inside(f, args) -> None:
    wrt = tuple(range(len(args)))
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    if len(args) == 1:
        check_hessian(f, args[0])


def given_generator(mu, rng):
    return np.sum(rng.normal(mu, 2.0, size=3) ** 2)


def test_draws_of_a_generator_passed_in() -> None:
    g = s2sad.grad(given_generator)(0.3, np.random.default_rng(4))
    up = given_generator(0.3 + 1e-6, np.random.default_rng(4))
    down = given_generator(0.3 - 1e-6, np.random.default_rng(4))
    np.testing.assert_allclose(g, (up - down) / 2e-6, rtol=1e-6)


# ----- draws kept where and as often as the function makes them -----


def unread_draw(x):
    np.random.seed(0)
    a = np.random.randn(3)  # noqa: F841  (unread: it moves the stream)
    b = np.random.randn(3)
    return np.sum(x * b)


def draws_in_a_loop(mu):
    np.random.seed(2)
    total = 0.0
    for k in range(3):
        z = np.random.randn(4)
        total += np.sum(np.sin(mu * z * (k + 1)))
    return total


def generator_draws_in_a_loop(mu):
    rng = np.random.default_rng(7)
    total = 0.0
    for k in range(4):
        z = rng.standard_normal(3)
        total += np.sum(np.cos(mu * z + k))
    return total


@pytest.mark.parametrize("f, x", [(unread_draw, np.array([0.5, -1.0, 2.0])),
                                  (draws_in_a_loop, 0.7), (generator_draws_in_a_loop, 0.4)])
def test_draws_not_dropped_nor_run_again(f, x) -> None:
    value, _ = s2sad.value_and_grad(f)(x)
    assert value == f(x)
    check_grad(f, x)
    check_jvp(f, x)


# ----- picks among an active array's values: refused -----


def permuted(x):
    np.random.seed(0)
    return np.sum(np.random.permutation(x) * np.arange(3))


def chosen(x):
    np.random.seed(0)
    return np.sum(np.random.choice(x, 2))


def shuffled(x):
    np.random.seed(0)
    y = x.copy()
    np.random.shuffle(y)
    return np.sum(y * np.arange(3))


def shuffled_by_a_global(x):
    y = x.copy()
    RNG.shuffle(y)
    return np.sum(y * np.arange(3))


@pytest.mark.parametrize("f", [permuted, chosen, shuffled, shuffled_by_a_global])
def test_picks_of_an_active_array_refused(f) -> None:
    with pytest.raises(s2sad.DifferentiationError, match="test_random_draws.py:"):
        s2sad.grad(f)(np.array([0.1, -0.5, 2.0]))


def shuffled_indices(x):
    np.random.seed(3)
    idx = np.arange(3)
    np.random.shuffle(idx)
    return np.sum(x[idx] * np.arange(3))


def test_shuffled_indices_of_a_constant() -> None:
    x = np.array([0.1, -0.5, 2.0])
    value, _ = s2sad.value_and_grad(shuffled_indices)(x)
    assert value == shuffled_indices(x)
    check_grad(shuffled_indices, x)


def chosen_by_a_global(x):
    return np.sum(RNG.choice(x, 2)) + np.sum(RNG.permutation(x)[:2])


def test_choice_of_a_global_generator_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match="in its argument"):
        s2sad.grad(chosen_by_a_global)(np.array([0.1, -0.5, 2.0]))


# ``rng.shuffle(y)`` of a generator made inside the function was refused as a method
# "whose value is not used", with advice that did not fit; it is refused with the rewrite
# (the same order: NumPy's shuffle and permutation take the same draws), which is
# differentiated.
def shuffled_in_place(x):
    rng = np.random.default_rng(3)
    y = x.copy()
    rng.shuffle(y)
    return np.sum(y * np.arange(len(y)))


def shuffled_by_permutation(x):
    rng = np.random.default_rng(3)
    y = x.copy()
    y = y[rng.permutation(len(y))]
    return np.sum(y * np.arange(len(y))) if y[0] > 0 else np.sum(np.sin(y))


def test_shuffle_of_a_local_generator_refused_with_its_rewrite():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_random_draws.py:\d+: call of "
                       r"shuffle: .*x = x\[rng.permutation\(len\(x\)\)\]"):
        s2sad.grad(shuffled_in_place)(np.array([0.3, -0.5, 0.7, 0.1]))


def test_the_rewrite_keeps_the_order_and_differentiates():
    for x in (np.array([0.3, -0.5, 0.7, 0.1]), -np.array([0.3, -0.5, 0.7, 0.1])):
        v = np.arange(4.0)
        assert shuffled_in_place(v) == np.sum(v[np.random.default_rng(3).permutation(4)] * v)
        check_grad(shuffled_by_permutation, x)
