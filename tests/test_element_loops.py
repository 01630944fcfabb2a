"""Element loops with an ``if`` per cell (slope limiters, upwinding, min/max fluxes) run
for all trips at once (compiler/element_loops.py, element_masks.py): gathers at the
counter plus an offset (wrapping as Python's indices do), each ``if`` a mask.  Checked
against central differences (and forward mode), with data taking both branches, each
branch alone, and inputs where a branch not taken would give inf or NaN; and the loops
that must stay loops (a value carried from trip to trip, a name read after the loop, an
array read where it is written, rows of a matrix, a short literal range) stay, with
exact gradients."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, grad_source


def _inner_loops(src: str) -> int:
    """Loops over an element counter (``for i ...``) left in the generated source."""
    return sum(line.lstrip().startswith("for i ") for line in src.splitlines())


def _at_once(f, *args, wrt=0):
    check_grad(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)
    src = grad_source(f, *args, wrt=wrt)
    assert _inner_loops(src) == 0, src
    return src


def _kept(f, *args, wrt=0):
    check_grad(f, *args, wrt=wrt)
    assert _inner_loops(grad_source(f, *args, wrt=wrt)) >= 1


# ----- slope limiters on a periodic grid -----

def minmod_ternary(u, c):
    n = u.shape[0]
    s = np.zeros(n)
    for i in range(n):
        a = u[i] - u[i - 1]
        b = u[(i + 1) % n] - u[i]
        if a * b > 0.0:
            s[i] = a if abs(a) < abs(b) else b
    return np.sum((u + c * s) ** 2 * np.arange(n))


def minmod_builtins(u, c):
    n = len(u)
    s = np.zeros(n)
    for i in range(n):
        a = u[i] - u[i - 1]
        b = u[(i + 1) % n] - u[i]
        s[i] = np.sign(a) * max(0.0, min(abs(a), np.sign(a) * b))
    return np.sum(np.sin(u + c * s))


def minmod_elif(u, c):
    n = u.shape[0]
    s = np.zeros(n)
    for i in range(n):
        a = u[i] - u[i - 1]
        b = u[(i + 1) % n] - u[i]
        if a > 0 and b > 0:
            s[i] = min(a, b)
        elif a < 0 and b < 0:
            s[i] = max(a, b)
        else:
            s[i] = 0.0
    return np.sum((u + c * s) ** 3)


def _grid(rng, n=40):
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    return np.sin(2 * np.pi * x + 6 * rng.random()) + 0.3 * rng.standard_normal(n)


@pytest.mark.parametrize("f", [minmod_ternary, minmod_builtins, minmod_elif])
def test_limiters_at_once(f, rng):
    u = _grid(rng)
    src = _at_once(f, u, 0.3, wrt=(0, 1))
    assert "np.arange" in src


@pytest.mark.parametrize("f", [minmod_ternary, minmod_elif])
@pytest.mark.parametrize("data", ["rising", "alternating"])
def test_limiters_one_branch(f, data, rng):
    """Every cell the same way: a monotone ramp (a * b > 0 everywhere but the wrap)
    and a zigzag (a * b < 0 everywhere: the slope is zero, d/du of it too)."""
    n = 24
    u = np.linspace(0.0, 1.0, n) ** 2 if data == "rising" else \
        np.where(np.arange(n) % 2 == 0, 1.0, -1.0) * (1.0 + 0.1 * rng.random(n))
    _at_once(f, u, 0.4, wrt=(0, 1))


def test_limiter_matches_masks(rng):
    """The loop's derivative is the masks' derivative, written by hand."""
    u, c = _grid(rng), 0.3
    a = u - np.roll(u, 1)
    b = np.roll(u, -1) - u
    pick_a = (a * b > 0.0) & (np.abs(a) < np.abs(b))
    pick_b = (a * b > 0.0) & ~(np.abs(a) < np.abs(b))
    s = np.where(pick_a, a, 0.0) + np.where(pick_b, b, 0.0)
    w = np.arange(len(u))
    g_s = 2.0 * (u + c * s) * w
    ga, gb = np.where(pick_a, c * g_s, 0.0), np.where(pick_b, c * g_s, 0.0)
    expected = g_s + ga - np.roll(ga, -1) + np.roll(gb, 1) - gb
    got = check_grad(minmod_ternary, u, c)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# ----- upwinding, Godunov's flux: the branch picks the neighbour -----

def upwind(q, v):
    n = q.shape[0]
    flux = np.zeros(n)
    for i in range(n):
        if v[i] > 0:
            flux[i] = v[i] * q[i - 1]
        else:
            flux[i] = v[i] * q[(i + 1) % n]
    return np.sum((q - 0.1 * flux) ** 2)


def godunov_burgers(u):
    n = len(u)
    f = np.zeros(n)
    for i in range(n):
        ul = u[i]
        ur = u[(i + 1) % n]
        if ul > ur:
            f[i] = max(0.5 * ul ** 2, 0.5 * ur ** 2)
        elif ul > 0:
            f[i] = 0.5 * ul ** 2
        elif ur < 0:
            f[i] = 0.5 * ur ** 2
        else:
            f[i] = 0.0
    return np.sum(np.cos(u - 0.2 * f))


def upwind_not(q, v):
    n = q.shape[0]
    flux = np.zeros(n)
    for i in range(1, n):
        forward = v[i] > 0
        if not forward:
            flux[i] = v[i] * q[i]
        else:
            flux[i] = v[i] * q[i - 1]
    return np.sum(flux * q)


@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_upwind_at_once(sign, rng):
    """Velocities all positive, all negative, and of both signs."""
    q = rng.standard_normal(30)
    v = sign * (0.5 + rng.random(30)) if sign else rng.standard_normal(30)
    _at_once(upwind, q, v, wrt=(0, 1))
    _at_once(upwind_not, q, v, wrt=(0, 1))


def test_godunov_at_once(rng):
    u = rng.standard_normal(40)
    _at_once(godunov_burgers, u)
    _at_once(godunov_burgers, np.abs(u) + 0.1)  # (no sonic point: the last branches alone)
    check_hessian(godunov_burgers, u)


# ----- functions that are infinite or NaN where a branch is not taken -----

def guarded_roots(x):
    n = x.shape[0]
    r = np.zeros(n)
    for i in range(n):
        if x[i] > 0:
            r[i] = np.sqrt(x[i]) + np.log(x[i])
        else:
            r[i] = x[i] ** 2
    return np.sum(r * np.arange(1, n + 1))


def van_leer(u):
    n = u.shape[0]
    s = np.zeros(n)
    for i in range(n):
        a = u[i] - u[i - 1]
        b = u[(i + 1) % n] - u[i]
        if a * b > 0:
            s[i] = 2.0 * a * b / (a + b)
    return np.sum((u + 0.5 * s) ** 2)


def reciprocal(x):
    n = len(x)
    r = np.zeros(n)
    for i in range(n):
        d = x[i] - 0.25
        if d > 0.5:
            r[i] = 1.0 / d + np.log(d)
        else:
            r[i] = d * x[i]
    return np.sum(r ** 2)


def fractional_power(x):
    n = len(x)
    r = np.zeros(n)
    for i in range(n):
        if x[i] >= 0.0:
            r[i] = x[i] ** 1.5 * np.exp(-x[i])
        else:
            r[i] = -x[i]
    return np.sum(r ** 2)


@pytest.mark.parametrize("f", [guarded_roots, van_leer, fractional_power, reciprocal])
def test_partial_functions_under_masks(f, rng):
    """Negative arguments of sqrt and log, zero denominators where the branch is not
    taken: the derivative has no NaN."""
    x = rng.standard_normal(32)
    if f is reciprocal:
        x[3:6] = 0.25  # (d = 0 there: 1 / d and log(d) where the branch is not taken)
    grad = _at_once(f, x)
    assert "np.where" in grad
    assert np.all(np.isfinite(check_grad(f, x)))


# ----- loops that must stay loops -----

def carried(x):
    """``prev`` set in one branch, read in later trips."""
    n = x.shape[0]
    r = np.zeros(n)
    prev = 0.0
    for i in range(n):
        if x[i] > 0:
            prev = x[i]
        r[i] = prev * x[i]
    return np.sum(r ** 2)


def read_after(x):
    """The last trip's ``a`` read after the loop."""
    n = x.shape[0]
    r = np.zeros(n)
    a = 0.0
    for i in range(n):
        a = x[i] * x[i - 1]
        if a > 0:
            r[i] = a
    return np.sum(r) + a * 3.0


def aliased(x):
    """``v`` is ``r``: a trip reads what the trip before wrote through the other name."""
    r = x.copy()
    v = r
    for i in range(1, len(x)):
        if x[i] > 0:
            r[i] = v[i - 1] * 0.5 + x[i]
    return np.sum(r ** 2)


def rows(X, w):
    """A row per trip (broadcasting: ``X[i] * w`` is a vector)."""
    n = X.shape[0]
    r = np.zeros(n)
    for i in range(n):
        if X[i, 0] > 0:
            r[i] = np.sum(X[i] * w)
    return np.sum(r ** 2)


def short(x):
    """Five trips: numbers are faster than arrays of five."""
    r = np.zeros(5)
    for i in range(5):
        if x[i] > 0:
            r[i] = x[i] ** 2
    return np.sum(r * x)


def running_sum(x):
    total = 0.0
    for i in range(len(x)):
        if x[i] > 0:
            total = total + x[i] * x[i - 1]
    return total


@pytest.mark.parametrize("f", [carried, read_after, aliased, short, running_sum])
def test_kept(f, rng):
    _kept(f, rng.standard_normal(5 if f is short else 20))


def test_rows_kept(rng):
    _kept(rows, rng.standard_normal((20, 3)), rng.standard_normal(3), wrt=(0, 1))


def test_python_divisor_kept(rng):
    """``1.0 / (i - 3)`` raises in Python at ``i = 3``: not taken as arrays (inf)."""
    def weights(x):
        r = np.zeros(len(x))
        for i in range(len(x)):
            if x[i] > 0:
                r[i] = x[i] * (1.0 / (i - 3))
        return np.sum(r)
    with pytest.raises(ZeroDivisionError):
        weights(np.ones(20))
    with pytest.raises(ZeroDivisionError):
        s2sad.grad(weights)(np.abs(rng.standard_normal(20)) + 0.1)


# ----- the counter out of the time loop; rolls of vectors; an arange read in arithmetic -----

def time_loop(u0, c):
    u = u0.copy()
    n = u.shape[0]
    for _ in range(6):
        s = np.zeros(n)
        for i in range(n):
            a = u[i] - u[i - 1]
            if a > 0.0:
                s[i] = c * a
            else:
                s[i] = a * a
        u = u - 0.1 * (s - np.roll(s, 1))
    return np.sum(u ** 2)


def shrinking(u0):
    """The element loop's bound changes every step: its counter stays in the loop (each
    trip reads and writes its own element: at once)."""
    u = u0.copy()
    n = u.shape[0]
    for t in range(4):
        m = n - t
        for i in range(m):
            if u[i] > 0.0:
                u[i] = u[i] * 0.9
    return np.sum(u ** 3)


def test_counter_out_of_the_time_loop(rng):
    u = _grid(rng)
    src = _at_once(time_loop, u, 0.7, wrt=(0, 1))
    assert src.index("np.arange") < src.index("for _ in range")
    src = _at_once(shrinking, rng.standard_normal(24))
    assert src.index("np.arange") > src.index("for t in range")


def rolled(u, k):
    return np.sum(np.roll(u, 1) * u + np.roll(u, -2) ** 2 * k)


def rolled_flat(A):
    """A matrix's roll without an axis rolls its flattened elements: not along axis 0."""
    return np.sum(np.roll(A, 1) * A)


def rolled_by(u, shift):
    return np.sum(np.roll(u, shift) * u * u)


def test_vector_rolls(rng):
    u = rng.standard_normal(12)
    src = grad_source(rolled, u, 0.5, wrt=(0, 1))
    code = [line for line in src.splitlines() if not line.lstrip().startswith("#")]
    assert "roll_axis(" in src and not any("np.roll" in line for line in code)
    check_grad(rolled, u, 0.5, wrt=(0, 1))
    A = rng.standard_normal((4, 5))
    check_grad(rolled_flat, A)
    assert "roll_axis(" not in grad_source(rolled_flat, A)
    check_grad(rolled_by, u, 3)
    assert "roll_axis(" not in grad_source(rolled_by, u, 3)


def arange_read(x):
    i = np.arange(len(x))
    return np.sum(x[i] ** 2 * (i + 1.0))


def arange_halves(x):
    """``x[i // 2]`` picks each element twice: its adjoint adds both."""
    i = np.arange(2 * len(x))
    return np.sum(x[i // 2] ** 2 * (i + 1.0))


def test_arange_read_in_arithmetic(rng):
    x = rng.standard_normal(9)
    np.testing.assert_allclose(check_grad(arange_read, x), 2 * x * np.arange(1, 10))
    twice = np.arange(1, 19).reshape(9, 2).sum(axis=1)
    np.testing.assert_allclose(check_grad(arange_halves, x), 2 * x * twice)


def by_position(x):
    """``i / n``: an array of the trips at once (n >= 1 in any trip)."""
    n = len(x)
    r = np.zeros(n)
    for i in range(n):
        if x[i] > 0:
            r[i] = x[i] * (i / n)
        else:
            r[i] = x[i] * x[i]
    return np.sum(r ** 2)


def by_count(x):
    """``1.0 / n`` of numbers alone would run even with no trip (n = 0): kept."""
    n = len(x)
    r = np.zeros(n)
    for i in range(n):
        if x[i] > 0:
            r[i] = x[i] * (1.0 / n)
    return np.sum(r ** 2)


def test_divisions_of_the_counter(rng):
    x = rng.standard_normal(20)
    _at_once(by_position, x)
    _kept(by_count, x)


def from_list(x, weights):
    """``weights[i]`` of a list is a Python number: no gather of a list; kept."""
    n = x.shape[0]
    r = np.zeros(n)
    for i in range(n):
        if x[i] > 0:
            r[i] = x[i] * weights[i]
    return np.sum(r ** 2)


def test_list_read_kept(rng):
    x = rng.standard_normal(18)
    check_grad(from_list, x, [float(k) for k in range(18)])


def mixed_kinds(x):
    """``a`` is NumPy's number in some trips, Python's 0.5 in others: its power with a
    fractional exponent is Python's there (complex for a negative base): kept."""
    n = x.shape[0]
    r = np.zeros(n)
    for i in range(n):
        a = x[i] if x[i] > 0.5 else 0.5
        r[i] = a ** 1.5 + min(x[i], 0.25) ** 0.5
    return np.sum(r)


def complex_power(x):
    n = x.shape[0]
    r = np.zeros(n)
    for i in range(n):
        a = min(x[i], -0.2)
        r[i] = a ** 1.5  # (Python's -0.2 ** 1.5 is complex; NumPy's nan)
    return np.sum(r)


def test_python_numbers_in_some_trips(rng):
    x = np.abs(rng.standard_normal(20)) + 0.3
    _kept(mixed_kinds, x)
    src = grad_source(complex_power, x)  # (min picks Python's -0.2 in every trip)
    assert _inner_loops(src) >= 1


def banded(x):
    """``x[i + 2]`` read only where ``i + 2 < n``: read at 0 where the mask is off."""
    n = x.shape[0]
    r = np.zeros(n)
    for i in range(n):
        r[i] = x[i] ** 2
        if i > 0:
            r[i] = r[i] + x[i - 1] * x[i]
        if i + 2 < n:
            r[i] = r[i] - np.exp(x[i + 2])
    return np.sum(r * np.arange(n))


def shorter(x, m):
    """Elements written only in a branch of an array of m < n elements: kept (no trip
    writes past its end)."""
    r = np.zeros(m)
    for i in range(x.shape[0]):
        if i < m:
            r[i] = x[i] * x[i]
    return np.sum(r)


def test_reads_and_writes_only_where_a_branch_runs(rng):
    x = rng.standard_normal(20)
    _at_once(banded, x)
    _kept(shorter, x, 12)
