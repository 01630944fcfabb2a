"""scipy.integrate.odeint inside a differentiated function: the values are SciPy's own,
the gradient in ``y0`` and in the float parameters of ``args`` comes from the adjoint
system solved backward (``runtime/integrate.py``), exact up to the solver's tolerance.
Closed forms where there are (exponential decay, a linear system through expm) and
central differences."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from scipy.integrate import odeint

import s2sad
from gradcheck import numerical_grad

TS = np.linspace(0.0, 1.0, 5)


def decay(y, t, k):
    return -k * y


def decay_total(k, y0):
    return np.sum(odeint(decay, y0, TS, args=(k,)))


def test_exponential_decay_closed_form():
    k, y0 = 0.7, 1.3
    gk, gy = s2sad.grad(decay_total, wrt=(0, 1))(k, y0)
    e = np.exp(-k * TS)
    np.testing.assert_allclose(gk, -y0 * np.sum(TS * e), rtol=1e-6)
    np.testing.assert_allclose(gy, np.sum(e), rtol=1e-6)
    value, _ = s2sad.value_and_grad(decay_total)(k, y0)
    assert value == decay_total(k, y0)  # (SciPy's own solution)


def linear(y, t, A):
    return A @ y


def final_energy(A):
    ys = odeint(linear, np.array([1.0, -0.5]), np.array([0.0, 0.5, 1.0]), args=(A,))
    return ys[-1] @ ys[-1]


def test_a_linear_system_against_expm():
    A = np.array([[-0.3, 1.0], [-1.0, -0.2]])
    y0 = np.array([1.0, -0.5])
    g = s2sad.grad(final_energy)(A)
    # d/dA |expm(A) y0|^2 = 2 L_expm(A^T, y y0^T) with y = expm(A) y0 (the Frechet adjoint)
    y = scipy.linalg.expm(A) @ y0
    expected = 2 * scipy.linalg.expm_frechet(A.T, np.outer(y, y0), compute_expm=False)
    np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-7)


def oscillator(y, t, w, c):
    return np.array([y[1], -w ** 2 * y[0] - c * y[1]])


def oscillator_first(t, y, w, c):
    return oscillator(y, t, w, c)


def fit_loss(p):
    ys = odeint(oscillator, np.array([1.0, 0.0]), np.linspace(0, 3, 7), args=(p[0], p[1]))
    return np.sum((ys[:, 0] - np.cos(np.linspace(0, 3, 7))) ** 2)


def fit_loss_tfirst(p):
    ys = odeint(oscillator_first, np.array([1.0, 0.0]), np.linspace(0, 3, 7),
                args=(p[0], p[1]), tfirst=True)
    return np.sum(ys ** 2) * p[0]


def two_stages(p):
    """Integrate, change a parameter, integrate on from where it stopped."""
    first = odeint(oscillator, np.array([1.0, 0.0]), np.array([0.0, 1.0]), args=(p[0], 0.1))
    second = odeint(oscillator, first[-1], np.array([1.0, 2.0]), args=(p[0], p[1]))
    return second[-1, 0] ** 2 + first[-1, 1]


@pytest.mark.parametrize("f", [fit_loss, fit_loss_tfirst, two_stages])
def test_parameters_against_differences(f):
    p = np.array([1.3, 0.2])
    np.testing.assert_allclose(s2sad.grad(f)(p), numerical_grad(f, (p,)), rtol=1e-5,
                               atol=1e-7)


def test_the_output_times_are_refused():
    def stretched(T):
        return np.sum(odeint(decay, 1.0, np.linspace(0.0, T, 4), args=(0.5,)))

    with pytest.raises(s2sad.DifferentiationError, match="argument 't'"):
        s2sad.grad(stretched)(2.0)


@pytest.mark.parametrize("f", [fit_loss, fit_loss_tfirst, two_stages])
def test_forward_mode_against_differences(f):
    p, v = np.array([1.3, 0.2]), np.array([1.0, -0.5])
    value, tangent = s2sad.jvp(f)(p, v)
    assert value == f(p)
    np.testing.assert_allclose(tangent, numerical_grad(f, (p,)) @ v, rtol=1e-5, atol=1e-7)


def test_forward_mode_of_the_decay_closed_form():
    k, y0 = 0.7, 1.3
    _, tangent = s2sad.jvp(decay_total, wrt=(0, 1))(k, y0, 1.0, 2.0)
    e = np.exp(-k * TS)
    np.testing.assert_allclose(tangent, -y0 * np.sum(TS * e) + 2.0 * np.sum(e), rtol=1e-6)


def test_a_hessian_is_refused_at_the_users_line():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_odeint\.py:\d+: a second "
                       r"derivative through scipy\.integrate\.odeint"):
        s2sad.hessian(fit_loss)(np.array([1.3, 0.2]))


def with_info(k):
    ys, info = odeint(decay, 1.0, TS, args=(k,), full_output=True)
    return np.sum(ys)


def test_full_output_is_refused_at_the_users_line():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_odeint\.py:\d+: odeint "
                       r"with full_output=True"):
        s2sad.grad(with_info)(0.7)
    with pytest.raises(s2sad.DifferentiationError, match="full_output=True"):
        s2sad.jvp(with_info)(0.7, 1.0)
