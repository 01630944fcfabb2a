"""Objects that hold the values they were made with: ``functools.partial`` and frozen
scipy.stats distributions bound to a name.

``k = functools.partial(f, mu)`` read ``mu`` at each call of ``k``, so binding ``mu``
again in between (``mu = 10.0``) changed what ``k(x)`` computes: a wrong value and
gradient.  The arguments are held now through names of their own
(``assignments.held_now``); the same array changed in place is still seen, as Python's
partial holds that object.

A scipy.stats distribution frozen and bound to a name, ``d = st.norm(mu, sigma)``, then
``d.logpdf(x)``, ``d.cdf(t)``: refused as an object whose methods are not known ("call of
Attribute", a message naming the AST node).  Its methods' calls are now the
distribution's own functions with the parameters taken where ``d`` was bound
(``st.norm.logpdf(x, mu, sigma)``, compiler/frozen_distributions.py), as
``st.norm(mu, sigma).logpdf(x)`` already was; ``d`` used otherwise is refused naming the
line.  Against central differences, and a closed form."""
from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

import s2sad
from gradcheck import check_grad, check_jvp

XS = np.linspace(-1.0, 1.0, 5)


def normal_loglik(theta):
    d = stats.norm(loc=theta[0], scale=np.exp(theta[1]))
    return np.sum(d.logpdf(XS)) + d.cdf(0.3)


def gamma_mixture(theta):
    a = stats.gamma(2.0, scale=np.exp(theta[0]))
    b = stats.t(4.0, loc=theta[1])
    w = 1 / (1 + np.exp(-theta[2]))
    return np.sum(np.log(w * a.pdf(XS + 1.5) + (1 - w) * b.pdf(XS)))


def parameters_taken_when_bound(theta):
    mu = theta[0]
    d = stats.norm(mu, 1.0)
    mu = 10.0  # (the frozen distribution keeps the old value, as scipy's does)
    if theta[1] > 0:
        return d.logpdf(theta[1]) + mu
    return d.sf(theta[1]) + mu


@pytest.mark.parametrize("f", [normal_loglik, gamma_mixture, parameters_taken_when_bound])
def test_methods_of_a_frozen_distribution_bound_to_a_name(f):
    for theta in (np.array([0.2, -0.3, 0.4]), np.array([-0.4, 0.5, -0.2])):
        value, _ = s2sad.value_and_grad(f)(theta)
        assert value == pytest.approx(f(theta), rel=1e-12)
        check_grad(f, theta)
        check_jvp(f, theta)


def test_normal_loglik_closed_form():
    mu, s = 0.2, np.exp(-0.3)
    z = (XS - mu) / s
    dmu = np.sum(z / s) + stats.norm.pdf(0.3, mu, s) * -1.0
    g = s2sad.grad(normal_loglik)(np.array([0.2, -0.3]))
    assert g[0] == pytest.approx(dmu, rel=1e-10)


def mean_of_frozen(theta):
    d = stats.norm(loc=theta[0], scale=1.0)
    return d.mean() + theta[1]


def test_another_use_of_the_frozen_name_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_held_arguments.py:\d+: d, a "
                       r"scipy.stats distribution frozen inside the function"):
        s2sad.grad(mean_of_frozen)(np.array([0.2, 0.5]))


def _scaled(a, v):
    return a * v


def partial_then_rebound(x):
    mu = x[0]
    k = functools.partial(_scaled, mu)
    mu = 10.0
    return k(x[1]) + mu


def partial_keyword_then_updated(x):
    mu = x[0]
    k = functools.partial(_scaled, v=mu)
    mu = mu * 3
    return k(x[1]) + mu


def partial_of_an_array_written_in_place(x):
    a = x * 1.0
    k = functools.partial(_scaled, a)
    a *= 2.0 if x[0] > 0 else -1.0  # (both signs below; Python's partial sees the write)
    return np.sum(k(x))


@pytest.mark.parametrize("f", [partial_then_rebound, partial_keyword_then_updated,
                               partial_of_an_array_written_in_place])
def test_partial_holds_its_arguments(f):
    for x in (np.array([0.3, 0.5]), np.array([-0.6, 0.8])):
        value, _ = s2sad.value_and_grad(f)(x)
        assert value == pytest.approx(f(x.copy()), rel=1e-12)
        check_grad(f, x)
        check_jvp(f, x)


def test_partial_closed_form():
    """mu * x1 + 10 with mu = x0: (x1, x0) (the new mu gave (0, 10))."""
    np.testing.assert_allclose(s2sad.grad(partial_then_rebound)(np.array([0.3, 0.5])),
                               [0.5, 0.3])


def items_copied_by_method(p):
    q = {k: v.copy() for k, v in p.items()}
    q["W"] -= 0.1 * q["W"] ** 2
    return np.sum(q["W"]) + sum(np.sum(v) for v in q["layers"])


def items_copied_by_np_copy(p):
    q = {k: np.copy(v) for k, v in p.items()}
    q["W"] -= 0.1 * q["W"] ** 2
    return np.sum(q["W"]) + sum(np.sum(v) for v in q["layers"])


P = {"W": np.array([0.3, -0.5]), "layers": [0.5, 1.5]}


def test_items_copied_by_method_refused_with_the_way_out():
    """``v.copy()`` of an item of a dict that holds a list too may be a list's copy,
    holding the same items (a dict of arrays only is known to give arrays:
    tests/test_container_copies.py): refused, and the message says ``np.copy(v)``,
    which the next test differentiates."""
    with pytest.raises(s2sad.DifferentiationError, match=r"np.copy\(v\) is a new array"):
        s2sad.grad(items_copied_by_method)(P)


def test_items_copied_by_np_copy():
    g = s2sad.grad(items_copied_by_np_copy)(P)
    np.testing.assert_allclose(g["W"], 1 - 0.2 * P["W"])
    np.testing.assert_allclose(g["layers"], [1.0, 1.0])
