"""s2sad/fallback.py: derivatives run without the NaN guards finiteness cannot prove,
and the guarded derivative runs instead whenever a returned derivative holds a NaN or an
arithmetic error was raised: the numbers are always the guarded ones (closed forms)."""
import inspect
import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def masked_sqrt(x):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x)), 0.0))


def scaled_root(x, y):
    return y * math.sqrt(x)


def newton(a):
    x = a
    for _ in range(6):
        x = 0.5 * (x + a / x)
    return np.sum(x)


def with_aux(x):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x)), 0.0)), np.array([np.nan])


def closed(x):
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, 0.5 / np.sqrt(safe), 0.0)


@pytest.mark.parametrize("x", [np.array([0.0, 1.0, 4.0]), np.array([-1.0, 0.0]),
                               np.array([2.0, 9.0])])
def test_a_masked_pole_gets_the_guarded_zero(x) -> None:
    """At x = 0 the unguarded adjoint of sqrt is 0 / 0: the guarded derivative runs, and
    gives 0 there; away from 0 the unguarded one's result is returned as it is."""
    g = s2sad.grad(masked_sqrt)
    for _ in range(2):  # (the second call takes the fast path)
        np.testing.assert_allclose(g(x), closed(x), rtol=1e-14)
    assert "safe_" not in g.source
    value, grad = s2sad.value_and_grad(masked_sqrt)(x)
    np.testing.assert_allclose(grad, closed(x), rtol=1e-14)
    _, cot = s2sad.vjp(masked_sqrt)(x, 1.0)
    np.testing.assert_allclose(cot, closed(x), rtol=1e-14)
    _, tangent = s2sad.jvp(masked_sqrt)(x, np.ones_like(x))
    np.testing.assert_allclose(tangent, np.sum(closed(x)), rtol=1e-14)


def test_a_python_float_zero_division_falls_back() -> None:
    """0.0 / 0.0 of Python floats raises: the guarded derivative (0 there) runs."""
    g = s2sad.grad(scaled_root, wrt=(0, 1))
    for _ in range(2):
        assert g(0.0, 0.0) == (0.0, 0.0)
    assert g(4.0, 3.0) == (0.75, 2.0)


def test_aux_is_not_looked_at(rng) -> None:
    x = np.array([0.0, 4.0])
    grad, aux = s2sad.grad(with_aux, has_aux=True)(x)
    np.testing.assert_allclose(grad, closed(x))
    assert np.isnan(aux[0])


def test_unguarded_where_the_guard_cannot_fire(rng) -> None:
    a = rng.uniform(1.0, 2.0, 5)
    check_grad(newton, a)
    g = s2sad.grad(newton)
    g(a)
    assert "safe_" not in g.source
    assert inspect.unwrap(g.__wrapped__) is not g.__wrapped__  # (the fallback wraps it)
    assert "def grad_newton" in inspect.getsource(g)


def test_no_wrapper_without_guards(rng) -> None:
    g = s2sad.grad(lambda_free_square)
    g(rng.standard_normal(3))
    assert inspect.unwrap(g.__wrapped__) is g.__wrapped__


def lambda_free_square(x):
    return np.sum(x * x)



def test_second_derivative_at_a_masked_pole() -> None:
    """A Hessian differentiates the guarded gradient: -x^(-3/2) / 4 where x > 0, and 0
    where the mask holds (the pole at 0 included), as the guarded derivative says."""
    x = np.array([0.0, 1.0, 4.0, -2.0])
    safe = np.where(x > 0, x, 1.0)
    want = np.diag(np.where(x > 0, -0.25 * safe ** -1.5, 0.0))
    np.testing.assert_allclose(s2sad.hessian(masked_sqrt)(x), want, rtol=1e-12, atol=1e-15)


def test_newton_in_a_loop_matches_its_closed_form(rng) -> None:
    """Six Newton steps from x = a converge to sqrt(a): the gradient of sum(x) is close
    to 1 / (2 sqrt(a)); unguarded (nothing fires) and exact against differences."""
    a = rng.uniform(1.0, 2.0, 4)
    np.testing.assert_allclose(s2sad.grad(newton)(a), 0.5 / np.sqrt(a), rtol=1e-6)


@pytest.mark.parametrize("state", [{}, {"all": "raise"}, {"divide": "ignore", "over": "raise"}])
def test_the_error_state_is_the_callers_again(state) -> None:
    """The unguarded run ignores invalid values (its 0 * inf) by a state made once per
    state it starts from; after the call the caller's state is back, whatever it was,
    and no warning reached the caller (warnings as errors here)."""
    import warnings
    x = np.array([0.0, 1.0, 4.0])
    g = s2sad.grad(masked_sqrt)
    with np.errstate(**state):
        before = np.geterr()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(3):  # (the state made the first time, reused after)
                np.testing.assert_allclose(g(x), closed(x))
                assert np.geterr() == before


def pair_potential(pos, q):
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1)) + np.eye(pos.shape[0])
    return 0.5 * np.sum(np.outer(q, q) / r * (1.0 - np.eye(pos.shape[0])))


def _pair_closed(pos, q):
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1)) + np.eye(pos.shape[0])
    w = -np.outer(q, q) / r ** 3 * (1.0 - np.eye(pos.shape[0]))
    return np.einsum("ij,ijk->ik", w, diff), ((1.0 - np.eye(pos.shape[0])) / r) @ q


def test_calls_after_a_fallback_keep_the_guarded_numbers() -> None:
    """A pairwise distance's zero diagonal: the unguarded run has a NaN (0 / 0 where the
    mask zeroes the adjoint), the guarded one runs, and the next calls go to it directly;
    between, calls whose unguarded run would succeed get the same numbers."""
    from s2sad import fallback
    rng = np.random.default_rng(0)
    g = s2sad.grad(pair_potential, argnums=(0, 1))
    for _ in range(2 * fallback.RETRY + 3):
        pos, q = 2.0 * rng.standard_normal((4, 3)), rng.standard_normal(4)
        dpos, dq = g(pos, q)
        want_pos, want_q = _pair_closed(pos, q)
        np.testing.assert_allclose(dpos, want_pos, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(dq, want_q, rtol=1e-12, atol=1e-14)
        assert not np.isnan(dpos).any()
    check_grad(pair_potential, pos, q, wrt=(0, 1))


@pytest.mark.parametrize("x", [np.array([0.0, 1.0]), np.array([2.0, 9.0])])
def test_alternating_poles_and_no_poles(x) -> None:
    """Calls alternate between a masked pole (the guarded zero) and none: every result is
    the closed form, whichever derivative computed it."""
    g = s2sad.grad(masked_sqrt)
    for _ in range(3):
        np.testing.assert_allclose(g(np.array([0.0, 4.0])), closed(np.array([0.0, 4.0])),
                                   rtol=1e-14)
        np.testing.assert_allclose(g(x), closed(x), rtol=1e-14)


def test_the_guarded_derivative_contracts_its_weights() -> None:
    """The guarded variant's spread weight ``safe_div(dr, 2 * sqrt)`` is bound first, so
    the sums of the pairwise adjoint are contracted as in the unguarded one."""
    from s2sad import fallback
    rng = np.random.default_rng(1)
    pos, q = rng.standard_normal((3, 3)), rng.standard_normal(3)
    g = s2sad.grad(pair_potential, argnums=(0, 1))
    g(pos, q)
    guarded = fallback.guarded_of(g._last)
    assert "safe_div(" in guarded.source and "_weight = " in guarded.source
