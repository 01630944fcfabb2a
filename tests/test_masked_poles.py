"""A pairwise distance by ``np.sqrt`` is 0 at a point paired with itself, and users mask
those pairs: sqrt's adjoint ``g / (2 * sqrt)`` is 0 / 0 there.  The unguarded derivative
keeps that one guard (``finite.py``: ``root``), so it gives no NaN and does not fall back
to the guarded one at every call; ``safe_div``/``safe_mul`` zero a masked pole's NaNs in
place.  Checked against central differences and, number for number, against the guarded
derivative; a pole the mask does not hide (a nonzero adjoint at a zero distance) keeps
the guarded derivative's inf."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import bit_identical, check_grad
from s2sad.runtime import safe_div, safe_mul

RNG = np.random.default_rng(36)
POS = 2.0 * RNG.standard_normal((6, 3))
Q = RNG.standard_normal(6)


def coulomb(pos, q):
    diff = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1)) + np.eye(pos.shape[0])
    return 0.5 * np.sum(np.outer(q, q) / r * (1.0 - np.eye(pos.shape[0])))


def soft_sphere(pos):  # the mask by np.where, the distance used twice
    d = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(d * d, axis=2))
    near = np.where(np.eye(pos.shape[0]) > 0, 0.0, np.exp(-r) * r)
    return np.sum(near)


def spring_chain(x, rest):  # distances to the next point, a point repeated: a zero length
    seg = x[1:] - x[:-1]
    length = np.sqrt(np.sum(seg ** 2, axis=1))
    return np.sum((length - rest) ** 2 * (length > 0))


def _fast_and_guarded(f, *args, wrt=0):
    """The derivative, its result, the unguarded variant's and the guarded one's (one
    derivative where no guard was dropped: then it has no fallback)."""
    g = s2sad.grad(f, wrt=wrt)
    out = g(*args)
    run = g._last.fn
    with np.errstate(invalid="ignore"):  # (as fallback.py runs it)
        fast = getattr(run, "__wrapped__", run)(*args)
    guarded = run.s2sad_guarded().fn(*args) if hasattr(run, "s2sad_guarded") else fast
    return g, out, fast, guarded


def test_coulomb_masked_self_pairs() -> None:
    check_grad(coulomb, POS, Q, wrt=(0, 1))
    g, out, fast, guarded = _fast_and_guarded(coulomb, POS, Q, wrt=(0, 1))
    assert all(not np.isnan(f).any() for f in fast)  # (no fallback: the fast one ran)
    assert all(bit_identical(a, b) for a, b in zip(out, fast))
    for a, b in zip(fast, guarded):  # (the fast one shares ``0.5 * sub / r``: rounding)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert "safe_div(" in g.source and "/ (2 * sqrt)" not in g.source


def coulomb_where(pos, q):  # 1 / r masked by np.where: 1 / r is inf at the self-pairs
    d = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(d * d, axis=-1))
    inv = np.where(np.eye(pos.shape[0]) > 0, 0.0, 1.0 / r)
    return 0.5 * np.sum(np.outer(q, q) * inv)


def coulomb_power(pos, q):  # r ** -1 (its slope pow_dbase(r, -1.0) inf there too)
    d = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(d * d, axis=-1))
    return np.sum(np.where(np.eye(pos.shape[0]) > 0, 0.0, q[:, None] * r ** -1.0))


def lennard_jones(pos, q):  # 1 / r ** 6: a power of the self-distance divides
    d = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(d ** 2, axis=2))
    s6 = np.where(np.eye(len(pos), dtype=bool), 0.0, 1.0 / r ** 6)
    return np.sum(s6 * s6 - s6) + np.sum(q * q)


@pytest.mark.parametrize("f", [coulomb_where, coulomb_power, lennard_jones])
def test_masked_inverse_distances(f) -> None:
    """The fast derivative keeps the guards of factors infinite at a masked self-pair
    (``safe_mul(g, 1 / r)``, ``safe_div(g, r ** 6)``): it gave NaN there and the guarded
    one ran after it at every call."""
    with np.errstate(divide="ignore"):
        check_grad(f, POS, Q, wrt=(0, 1))
        _, out, fast, guarded = _fast_and_guarded(f, POS, Q, wrt=(0, 1))
    assert all(not np.isnan(a).any() for a in fast)
    assert all(bit_identical(a, b) for a, b in zip(out, fast))
    for a, b in zip(fast, guarded):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_masked_by_where() -> None:
    check_grad(soft_sphere, POS)
    _, out, fast, guarded = _fast_and_guarded(soft_sphere, POS)
    assert not np.isnan(fast).any() and bit_identical(fast, guarded)


def test_zero_length_both_sides() -> None:
    x = RNG.standard_normal((5, 2))
    check_grad(spring_chain, x, 0.3)  # no zero length: differences agree
    x[3] = x[2]  # a zero length, masked by (length > 0)
    _, out, fast, guarded = _fast_and_guarded(spring_chain, x, 0.3)
    assert not np.isnan(out).any() and bit_identical(out, guarded)


def test_an_unmasked_pole_keeps_its_inf() -> None:
    def f(pos):
        d = pos[:, None, :] - pos[None, :, :]
        return np.sum(np.sqrt(np.sum(d * d, axis=2)))
    with np.errstate(all="ignore"):
        _, out, fast, guarded = _fast_and_guarded(f, POS)
    assert bit_identical(out, guarded)


def test_safe_div_and_mul_zero_in_place() -> None:
    g = np.array([[0.0, 1.0, np.nan], [0.0, -2.0, 3.0]])
    d = np.array([0.0, 0.0, 2.0])
    with np.errstate(all="ignore"):
        want_div = np.where(g == 0, 0.0, g / d)
        want_mul = np.where(g == 0, 0.0, g * np.array([np.inf, 2.0, 1.0]))
    assert bit_identical(safe_div(g, d), want_div)
    assert bit_identical(safe_mul(g, np.array([np.inf, 2.0, 1.0])), want_mul)
    assert bit_identical(safe_div(0.0, d), np.zeros(3))
    assert np.isinf(safe_div(g, d)[0, 1]) and np.isnan(safe_div(g, d)[0, 2])
