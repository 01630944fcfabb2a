"""compiler/floats.py with compiler/int_names.py: a loop whose index is int arithmetic of
its counter (``log_beta[t // 7]``: a weekly parameter of a daily loop, ``x[t % k]``: a
season) still reads its vectors as Python floats: ``//`` and ``%`` of ints compute the
same ints around floats as around NumPy scalars.  A ``//`` or ``%`` of floats (or of a
value not proved an int) keeps the arrays.  Each checked against central differences,
both ways round where the gradient is in closed form."""
import numpy as np
import pytest

import s2sad
from benchmarks.problems_unseen14 import sir_weekly as weekly_epidemic
from gradcheck import check_grad


def seasonal_fit(season, y):
    sse = 0.0
    for t in range(len(y)):
        r = y[t] - season[t % 4]
        sse = sse + r * r
    return sse


def paired_levels(w, y):
    total = 0.0
    for t in range(y.shape[0]):
        k = (t + 1) // 2
        total = total + np.tanh(w[k] * y[t])
    return total


def float_floor(w, y):
    total = 0.0
    for t in range(y.shape[0]):
        q = (y[t] * 3.0) // 1.0  # (a float: floor of a float, flat in w)
        total = total + w[t] * q + w[t] * w[t]
    return total


def week_of_a_parameter(w, y, days):
    total = 0.0
    for t in range(y.shape[0]):
        total = total + w[int(t // days)] * y[t]  # (``days``: not proved an int)
    return total


def _epidemic_args(rng, days):
    cases = rng.uniform(5.0, 40.0, days)
    return rng.uniform(-1.0, -0.5, (days + 6) // 7), np.float64(np.log(0.3)), cases, 1000.0, 20.0


@pytest.mark.parametrize("days", [7, 15, 28])
def test_weekly_rates_read_as_floats(rng, days) -> None:
    args = _epidemic_args(rng, days)
    check_grad(weekly_epidemic, *args, wrt=(0, 1))
    g = s2sad.grad(weekly_epidemic, wrt=(0, 1))
    g(*args)
    assert "as_floats(cases)" in g.source


def test_season_of_a_counter_closed_form(rng) -> None:
    season, y = rng.standard_normal(4), rng.standard_normal(10)
    g = s2sad.grad(seasonal_fit)
    got = g(season, y)
    want = np.array([-2.0 * np.sum(y[k::4] - season[k]) for k in range(4)])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    check_grad(seasonal_fit, season, y)
    assert "as_floats(y)" in g.source


def test_half_counter_index(rng) -> None:
    check_grad(paired_levels, rng.standard_normal(6), rng.standard_normal(10))
    g = s2sad.grad(paired_levels)
    g(rng.standard_normal(6), rng.standard_normal(10))
    assert "as_floats(y)" in g.source


def test_floor_division_of_floats_keeps_the_arrays(rng) -> None:
    w, y = rng.standard_normal(5), rng.uniform(0.1, 0.3, 5) + np.arange(5) / 3.1
    g = s2sad.grad(float_floor)
    got = g(w, y)
    np.testing.assert_allclose(got, (y * 3.0) // 1.0 + 2.0 * w, rtol=1e-12)
    assert "as_floats" not in g.source


@pytest.mark.parametrize("days", [2, 3.0])
def test_a_divisor_not_proved_an_int_keeps_the_arrays(rng, days) -> None:
    w, y = rng.standard_normal(4), rng.standard_normal(6)
    g = s2sad.grad(week_of_a_parameter)
    got = g(w, y, days)
    want = np.zeros(4)
    for t in range(6):
        want[int(t // days)] += y[t]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert "as_floats(y)" not in g.source
