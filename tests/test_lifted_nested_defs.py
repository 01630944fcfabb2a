"""A function made inside the function, given to a solver or differentiated inside it,
that calls another def made inside which reads the function's variables (a density
helper inside an integrand): both lifted, the inner def made inside the lifted one
and the variables both read its parameters (compiler/closures.py).  Was refused
("reading variables of the function").  Closed forms and central differences."""
from __future__ import annotations

import numpy as np
from scipy.integrate import odeint, quad

import s2sad
from gradcheck import check_grad, check_jvp

P = np.array([0.3, 1.2])


def second_moment(p):
    mu, s = p
    dens = lambda x: np.exp(-(x - mu) ** 2 / (2 * s * s)) / np.sqrt(2 * np.pi * s * s)  # noqa: E731
    m, _ = quad(lambda x: x ** 2 * dens(x), -np.inf, np.inf, epsabs=1e-12, epsrel=1e-12)
    return m


def test_second_moment_closed_form():
    mu, s = P  # E[x^2] = mu^2 + s^2
    np.testing.assert_allclose(s2sad.grad(second_moment)(P.copy()), [2 * mu, 2 * s],
                               rtol=1e-7)
    np.testing.assert_allclose(s2sad.jvp(second_moment)(P.copy(), np.array([1.0, 0.0]))[1],
                               2 * mu, rtol=1e-7)


def chain_of_defs(p):
    def rate(y):
        return p[0] * np.tanh(y)

    def forcing(t):
        return p[1] * np.cos(t) + rate(0.1)

    def rhs(y, t):
        return -rate(y) + forcing(t)
    return np.sum(odeint(rhs, np.array([1.0, 0.5]), np.linspace(0, 1, 4)))


def test_a_chain_of_defs_given_to_odeint():
    check_grad(chain_of_defs, P.copy(), rtol=1e-4)
    check_jvp(chain_of_defs, P.copy(), rtol=1e-4)


def inner_gradient(p):
    def scale(v):
        return p[1] * v

    def energy(x):
        return np.sum(scale(x) ** 2) * p[0]
    g = s2sad.grad(energy)(np.array([0.5, -1.0]))
    return np.sum(g * g)


def test_a_gradient_taken_inside_of_a_def_calling_another():
    check_grad(inner_gradient, P.copy())


def branchy(p):
    def shift(x):
        return x - p[0]

    def integrand(x):
        return shift(x) ** 2 if p[1] > 1.0 else np.abs(shift(x)) ** 3
    return quad(integrand, 0.0, 1.0)[0]


def test_both_branches_in_the_inner_def():
    check_grad(branchy, P.copy())
    check_grad(branchy, np.array([0.3, 0.5]))
