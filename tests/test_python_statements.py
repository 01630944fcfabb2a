"""Python that numeric code is written with around the arithmetic: itertools in loops
and generator expressions (``product``, ``combinations``, ``chain``, ``pairwise``,
``accumulate``, ``filter``), log and warning calls, ``match`` of value patterns.  Were
refused or crashed ("object of type 'itertools.product' has no len()" from generated
code; logging's try/except; "match statement").  Against central differences in both
modes, and closed forms."""
from __future__ import annotations

import functools
import itertools
import logging
import warnings

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.array([0.3, -1.2, 0.8, 1.5])
LOG = logging.getLogger("s2sad.tests.statements")


def grid_indices(v):
    t = 0.0
    for i, j in itertools.product(range(2), range(2)):
        t += v[i] * v[j + 2]
    return t


def pairs_of_indices(v):
    return sum(v[i] * v[j] for i, j in itertools.combinations(range(len(v)), 2))


def pairs_of_values(v):
    return sum(a * b for a, b in itertools.combinations(v, 2))


def product_of_values(v):
    return sum(a * b ** 2 for a, b in itertools.product(v[:2], v[2:]))


def chained_values(v):
    return sum(a ** 2 for a in itertools.chain(v[:2], v[3:]))


def neighbours(v):
    return sum((b - a) ** 2 for a, b in itertools.pairwise(v))


def running_sums(v):
    return sum(itertools.accumulate(v * v))


def positives(v):
    return sum(a ** 3 for a in filter(lambda a: a > 0, v))


def logged(v):
    if np.max(v) > 1:  # (both sides: X and X / 2)
        warnings.warn("a large value", RuntimeWarning, stacklevel=2)
    logging.debug("v=%s", v)
    LOG.info("sum %s", np.sum(v))
    return np.sum(np.tanh(v) * v)


@pytest.mark.parametrize("f", [grid_indices, pairs_of_indices, pairs_of_values,
                               product_of_values, chained_values, neighbours, running_sums,
                               positives, logged])
@pytest.mark.parametrize("x", [X, X / 2])
def test_against_differences(f, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_grad(f, x)
        check_jvp(f, x)


def test_pairs_closed_form():
    """The sum over pairs is ((sum v)^2 - sum v^2) / 2: its gradient sum(v) - v."""
    np.testing.assert_allclose(s2sad.grad(pairs_of_values)(X), np.sum(X) - X, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(pairs_of_indices)(X), np.sum(X) - X, rtol=1e-12)


def test_the_warning_and_log_still_happen(caplog):
    with caplog.at_level(logging.INFO, logger="s2sad.tests.statements"):
        with pytest.warns(RuntimeWarning, match="a large value"):
            s2sad.grad(logged)(X)
    assert any("sum" in r.getMessage() for r in caplog.records)


def norm_of_kind(v, kind):
    match kind:
        case "l1":
            return np.sum(np.abs(v))
        case "l2" | "sq":
            return np.sum(v ** 2)
        case None:
            return 0.5 * np.sum(v)
        case _:
            return np.max(v)


def power_by_case(v, n):
    match n + 1:  # (a subject that is not a name: read once)
        case 1:
            s = np.sum(v)
        case m if m > 3:
            s = np.sum(v ** m)
        case m:
            s = np.sum(v * m)
    return s


@pytest.mark.parametrize("kind, expected", [
    ("l1", np.sign(X)), ("l2", 2 * X), ("sq", 2 * X), (None, 0.5 * np.ones(4)),
    ("max", np.array([0.0, 0.0, 0.0, 1.0]))])
def test_match_of_values_closed_forms(kind, expected):
    np.testing.assert_allclose(s2sad.grad(norm_of_kind)(X, kind), expected, rtol=1e-12)
    check_jvp(norm_of_kind, X, kind)


@pytest.mark.parametrize("n", [0, 3, 1])  # every case: 1, a guard that holds, a capture
def test_match_with_a_capture_and_a_guard(n):
    check_grad(power_by_case, np.abs(X), n)
    check_jvp(power_by_case, np.abs(X), n)


def test_match_of_a_sequence_pattern_refused_at_its_line():
    def f(v, t):
        match t:
            case (a, b):
                return np.sum(v) * a * b
            case _:
                return 0.0
    with pytest.raises(s2sad.DifferentiationError, match=r"test_python_statements.py:\d+: "
                       "match statement with a sequence, mapping or class pattern"):
        s2sad.grad(f)(X, (1, 2))


def _gauss(v, mu, s):
    return np.exp(-0.5 * ((v - mu) / s) ** 2)


def partial_of_keywords(v):
    k = functools.partial(_gauss, mu=0.1, s=0.7)
    return np.sum(k(v) * v)


def partial_of_the_argument(v):
    k = functools.partial(_gauss, v)
    return np.sum(k(0.1, s=0.7))


def partial_binding_data(v):
    k = functools.partial(_gauss, mu=v[0], s=0.7)  # (v[0] taken here, as partial does)
    return np.sum(k(v) * v) + np.sum(k(v * 2, s=1.5))


def partial_of_numpy(v):
    two_to = functools.partial(np.power, 2.0)
    return np.sum(two_to(v))


@pytest.mark.parametrize("f", [partial_of_keywords, partial_of_the_argument,
                               partial_binding_data, partial_of_numpy])
def test_a_partial_made_inside(f):
    """``k = functools.partial(f, ...)`` made inside the function (was refused: "call of
    k: no derivative rule"): its calls are ``f``'s with the bound values."""
    check_grad(f, X)
    check_jvp(f, X)


def test_a_partial_made_inside_closed_form():
    np.testing.assert_allclose(s2sad.grad(partial_of_numpy)(X), np.log(2.0) * 2.0 ** X)


def test_a_partial_made_inside_passed_on_is_refused():
    def f(v):
        k = functools.partial(_gauss, mu=0.1, s=0.7)
        return sum(map(k, v))
    with pytest.raises(s2sad.DifferentiationError, match="k, a functools.partial made "
                       "inside the function, used as a value"):
        s2sad.grad(f)(X)
