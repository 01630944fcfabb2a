"""``np.piecewise`` (had no rule: refused) differentiated through a closed form that
calls each function on the elements its condition picks, as NumPy does
(``rules/numpy_through.piecewise``); and lambdas written straight into a display given to
a call, ``np.piecewise(x, conds, [lambda t: -t, np.sqrt])`` (were refused "lambda held in
a list"), each bound to a name first (``display_lambdas``).  Two lambdas on one line
are told apart when one is loaded again (``local_functions.closed`` keeps its node).
Checked against central differences and closed forms, each branch of a data-dependent
condition alone and both; a branch not taken is never evaluated (no NaN of a square root
of a negative reaches the gradient)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp

X = np.array([-1.2, -0.3, 0.4, 0.9, 2.0])
NEGATIVE = -np.abs(X) - 0.1
POSITIVE = np.abs(X) + 0.15


def root_where_positive(x):  # (the square root and log of the negatives never taken)
    return np.sum(np.piecewise(x, [x <= 0, x > 0],
                               [lambda t: t ** 3, lambda t: np.sqrt(t) * np.log(t)]))


def later_condition_wins(x):  # (x > 1 overrides x > 0 where both hold)
    return np.sum(np.piecewise(x, [x > 0, x > 1], [lambda t: t ** 2, lambda t: 3 * t]))


def default_and_constants(x):  # (one function more than conditions: where none holds)
    return np.sum(np.piecewise(x, [x < 0, x > 1], [-1.0, 1.5, lambda t: t * t]) * x)


def one_condition_array(x):  # (not a list: a single condition, NumPy wraps it)
    return np.sum(np.piecewise(x, x > 0.5, [lambda t: t * t, lambda t: -t]))


def tuples_and_numpy_functions(x):
    return np.sum(np.piecewise(x, (x < 0, x >= 0), (np.sin, lambda t: t ** 2)) *
                  np.arange(1.0, 1.0 + x.size).reshape(x.shape))


def with_an_argument(x, w):  # (extra arguments go to every function: w differentiable)
    return np.sum(np.piecewise(x, [x < 0, x >= 0],
                               [lambda t, s: s * t, lambda t, s: s * t ** 2], w))


def of_a_number(a):
    return float(np.piecewise(a, [a < 0, a >= 0], [lambda t: t ** 2, np.sin])) * a


def root_where_positive_closed(x):
    return np.where(x <= 0, 3 * x ** 2, (np.log(np.abs(x)) / 2 + 1) / np.sqrt(np.abs(x)))


@pytest.mark.parametrize("x", [X, NEGATIVE, POSITIVE], ids=["both", "negatives", "positives"])
def test_a_branch_not_taken_is_not_evaluated(x):
    g = s2sad.grad(root_where_positive)(x)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, root_where_positive_closed(x), rtol=1e-12)
    check_grad(root_where_positive, x)
    check_jvp(root_where_positive, x)


@pytest.mark.parametrize("f", [later_condition_wins, default_and_constants,
                               one_condition_array, tuples_and_numpy_functions])
@pytest.mark.parametrize("x", [X, NEGATIVE, POSITIVE], ids=["both", "negatives", "positives"])
def test_forms_of_conditions_and_functions(f, x):
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_later_condition_wins_closed_form():
    g = s2sad.grad(later_condition_wins)(X)
    np.testing.assert_allclose(g, np.where(X > 1, 3.0, np.where(X > 0, 2 * X, 0.0)))


def test_a_matrix_and_an_argument():
    m = np.array([[-1.0, 0.5, 2.0], [0.3, -0.2, 1.5]])
    check_grad(tuples_and_numpy_functions, m)
    check_jvp(tuples_and_numpy_functions, m)
    gx, gw = check_grad(with_an_argument, X, 1.3, wrt=(0, 1))
    np.testing.assert_allclose(gw, np.sum(np.where(X < 0, X, X ** 2)), rtol=1e-12)
    check_jvp(with_an_argument, X, 1.3, wrt=(0, 1))


@pytest.mark.parametrize("a", [-0.7, 0.7])
def test_a_number_each_branch(a):
    check_grad(of_a_number, a)
    check_jvp(of_a_number, a)


# ----- must not: the lambdas that cannot move or be passed stay refused, at the line -----

def lambda_with_a_default(x):  # (its default is evaluated when it is made: not moved)
    return np.sum(np.piecewise(x, [x < 0], [lambda t, p=2.0: t ** p, np.exp]))


def lambda_reading_a_variable(x):  # (reads w: a def given on as a value, refused)
    w = x[0]
    return np.sum(np.piecewise(x, [x < 0], [lambda t: t * w, np.exp]))


@pytest.mark.parametrize("f, says", [
    (lambda_with_a_default, "lambda held in a list"),
    (lambda_reading_a_variable, "a lambda (piecewise_0)")])
def test_refused_at_the_line(f, says):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(X)
    assert "test_piecewise.py" in str(err.value) and says in str(err.value)
