"""registry.deffixed: parameters a rule assumes at their default.  A call passing
another value was differentiated as if it had not (``scipy.linalg.eigh(a, b, type=2)``
gave a wrong gradient; ``np.linspace(..., retstep=True)`` and ``np.average(...,
returned=True)`` failed inside the derivative): now refused at the user's line; the
default passed explicitly is differentiated (checked against differences)."""
import numpy as np
import pytest
import scipy.linalg as sl

import s2sad
from gradcheck import check_grad, check_jvp, numerical_grad

_X = np.array([0.3, -0.8, 1.1, 0.45])


def _sym(x):
    m = np.outer(x, x[::-1]) + 3.0 * np.diag(x)
    return m + m.T


def eigh_type(x, kind):
    return np.sum(sl.eigh(_sym(x), 2.0 * np.eye(4), type=kind, eigvals_only=True) * np.arange(4))


def eigh_type_1(x):
    return np.sum(sl.eigh(_sym(x), 2.0 * np.eye(4), type=1, eigvals_only=True) * np.arange(4))


def eigh_subset(x):
    return np.sum(sl.eigh(_sym(x), eigvals_only=True, subset_by_index=[1, 2]))


def spaced_with_step(x):
    s, h = np.linspace(x[0], x[1], 5, retstep=True)
    return np.sum(s ** 2) + 3.0 * h


def spaced(x):
    return np.sum(np.linspace(x[0], x[1], 5, retstep=False) ** 2)


def averaged_with_weight(x):
    a, w = np.average(x, weights=np.arange(1.0, 5.0), returned=True)
    return a * w


def averaged(x):
    return np.average(x, weights=np.arange(1.0, 5.0), returned=False) ** 2


def test_average_with_its_returned_weight_sum():
    """``returned=True`` has its closed form now: a * w = sum(x * weights), whose
    gradient is the weights; checked against differences too."""
    x = np.array([0.3, -1.2, 2.0, 0.7])
    g = s2sad.grad(averaged_with_weight)(x)
    np.testing.assert_allclose(g, np.arange(1.0, 5.0), rtol=1e-12)
    np.testing.assert_allclose(g, numerical_grad(averaged_with_weight, (x,), (0,))[0],
                               rtol=1e-6)
    t = np.array([1.0, 0.5, -2.0, 0.25])
    _, tangent = s2sad.jvp(averaged_with_weight)(x, t)
    np.testing.assert_allclose(tangent, np.arange(1.0, 5.0) @ t, rtol=1e-12)


@pytest.mark.parametrize("derivative", [s2sad.grad, s2sad.jvp])
def test_other_values_are_refused_at_the_users_line(derivative):
    calls = [(eigh_type, (_X + 2.0, 2), "type= other than the literal 1"),
             (eigh_subset, (_X + 2.0,), "subset_by_index= other than the literal None"),
             (spaced_with_step, (_X,), "retstep= other than the literal False")]
    for f, args, what in calls:
        d = derivative(f)
        more = (np.ones_like(args[0]),) if derivative is s2sad.jvp else ()
        with pytest.raises(s2sad.DifferentiationError,
                           match=f"test_fixed_parameters.py:\\d+: call of .* with {what}"):
            d(*args, *more)


def test_the_default_given_explicitly_is_differentiated():
    check_grad(eigh_type_1, _X + 2.0)
    check_jvp(eigh_type_1, _X + 2.0)
    with pytest.raises(s2sad.DifferentiationError, match="type= other than the literal 1"):
        s2sad.grad(eigh_type)(_X + 2.0, 1)  # (a variable: not known when generated)
    check_grad(spaced, _X)
    check_grad(averaged, _X)
    check_jvp(averaged, _X)
