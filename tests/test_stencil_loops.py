"""Element loops of a stencil (``u[i] = un[i] + c * (un[i + 1] - 2 * un[i] + un[i - 1])``)
inside a time loop: the forward's writes at the counter, and the reversed trips that read
and clear their own element of an adjoint and add into elements at the counter plus a
literal, run for all trips at once (compiler/vector_loops.py); kept as loops where a trip
reads what another writes (Gauss-Seidel, a recurrence), writes one array twice, or an
index may wrap around (``x[i - 1]`` from ``i = 0``).  Against central differences."""
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_source


def _inner_loops(src: str) -> int:
    """Loops over an element counter (``for i ...``) left in the generated source."""
    return sum(line.lstrip().startswith(("for i ", "for j ")) for line in src.splitlines())


def heat_explicit(u0):
    u = u0.copy()
    for _t in range(20):
        un = u.copy()
        for i in range(1, len(u) - 1):
            u[i] = un[i] + 0.1 * (un[i + 1] - 2 * un[i] + un[i - 1])
    return np.sum(u ** 2)


def wave_leapfrog(c):
    n = c.shape[0]
    u = np.zeros(n)
    u[n // 2] = 1.0
    up = u.copy()
    for _t in range(15):
        un = np.zeros(n)
        for i in range(1, n - 1):
            un[i] = 2 * u[i] - up[i] + c[i] * (u[i + 1] - 2 * u[i] + u[i - 1])
        up = u
        u = un
    return np.sum(u ** 2)


def five_point(x, w):
    """A wider stencil (offsets of two), its weights read at the counter."""
    y = x.copy()
    for _step in range(3):
        z = y.copy()
        for i in range(2, len(y) - 2):
            y[i] = w[i] * (-z[i - 2] + 16 * z[i - 1] - 30 * z[i] + 16 * z[i + 1] - z[i + 2])
    return np.sum(y * x)


def backward_differences(x):
    """Written in a reversed range: each trip its own element."""
    r = np.zeros_like(x)
    for i in reversed(range(1, len(x))):
        r[i] = x[i] * x[i - 1] - x[i]
    return np.sum(r ** 3)


def gauss_seidel(b):
    """A trip reads what the trip before wrote: the loop is kept."""
    u = np.zeros_like(b)
    for _sweep in range(4):
        for i in range(1, len(b) - 1):
            u[i] = 0.5 * (u[i - 1] + u[i + 1] + b[i])
    return np.sum(u ** 2)


def wrapped(x):
    """``x[i - 1]`` from ``i = 0`` is ``x[-1]``, the last element (Python's wrap): the
    trips are independent, run at once by ``element_loops`` (a gather at ``i - 1`` wraps
    alike)."""
    r = np.zeros_like(x)
    for i in range(len(x)):
        r[i] = x[i] - x[i - 1]
    return np.sum(np.sin(r) * x)


def twice_written(x):
    """Each trip writes two elements, the next overwrites one of them: kept."""
    r = np.zeros(len(x) + 1)
    for i in range(len(x)):
        r[i] = x[i] * 2.0
        r[i + 1] = x[i] * x[i]
    return np.sum(r * np.arange(len(r)))


def recurrence(x):
    """``r[i - 1]`` read where ``r`` is written: kept."""
    r = np.zeros_like(x)
    for i in range(1, len(x)):
        r[i] = r[i - 1] * 0.5 + x[i] * x[i]
    return np.sum(r ** 2)


@pytest.mark.parametrize("f, n", [(heat_explicit, 20), (wave_leapfrog, 18),
                                  (backward_differences, 7)])
def test_stencils_at_once(f, n, rng):
    x = 0.2 * rng.random(n) if f is wave_leapfrog else rng.standard_normal(n)  # (stable)
    check_grad(f, x)
    check_jvp(f, x)
    assert _inner_loops(grad_source(f, x)) == 0


def test_five_point_at_once(rng):
    x, w = rng.standard_normal(20), rng.standard_normal(20) * 0.01
    check_grad(five_point, x, w, wrt=(0, 1))
    assert _inner_loops(grad_source(five_point, x, w, wrt=(0, 1))) == 0


def test_wrapped_at_once(rng):
    x = rng.standard_normal(8)
    check_grad(wrapped, x)
    check_jvp(wrapped, x)
    assert _inner_loops(grad_source(wrapped, x)) == 0


@pytest.mark.parametrize("f", [gauss_seidel, twice_written, recurrence])
def test_loops_kept_where_trips_meet(f, rng):
    x = rng.standard_normal(8)
    check_grad(f, x)
    check_jvp(f, x)
    assert _inner_loops(grad_source(f, x)) >= 1


@pytest.mark.parametrize("f", [heat_explicit, backward_differences, wrapped])
def test_stencil_hessians(f, rng):
    check_hessian(f, rng.standard_normal(17))


def heat_2d(u0):
    """A five-point stencil over rows and columns: the loop over a row's elements at once
    (``u[i][j_all]``), the loop over rows kept."""
    u = u0.copy()
    n, m = u.shape
    for _t in range(3):
        un = u.copy()
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                u[i, j] = un[i, j] + 0.1 * (un[i + 1, j] + un[i - 1, j] + un[i, j + 1] +
                                            un[i, j - 1] - 4 * un[i, j])
    return np.sum(u ** 2)


def smooth_rows(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(1, x.shape[1]):
            y[i, j] = 0.5 * (x[i, j] + x[i, j - 1]) * x[i, 0]
    return np.sum(y ** 2)


def smooth_columns(x):
    """The counter first (``y[j, i]``): a column's elements at once."""
    y = np.zeros_like(x)
    for i in range(x.shape[1]):
        for j in range(1, x.shape[0]):
            y[j, i] = x[j, i] * x[j - 1, i]
    return np.sum(np.sin(y))


def picked_rows(x):
    """Rows picked by an index array (``y[rows, j]``: two elements a trip): kept."""
    rows = np.array([0, 2])
    y = np.zeros((3, x.shape[1]))
    for j in range(x.shape[1]):
        y[rows, j] = x[rows, j] * x[1, j]
    return np.sum(y ** 2)


def gauss_seidel_2d(b):
    u = np.zeros_like(b)
    for i in range(1, b.shape[0] - 1):
        for j in range(1, b.shape[1] - 1):
            u[i, j] = 0.25 * (u[i - 1, j] + u[i, j - 1] + u[i + 1, j] + u[i, j + 1] + b[i, j])
    return np.sum(u * b)


@pytest.mark.parametrize("f", [heat_2d, smooth_rows, smooth_columns])
def test_rows_at_once(f, rng):
    x = rng.standard_normal((17, 18))
    check_grad(f, x)
    check_jvp(f, x)
    assert _inner_loops(grad_source(f, x)) == 2  # (the loops over rows, forward and back)


@pytest.mark.parametrize("f", [picked_rows, gauss_seidel_2d])
def test_rows_kept(f, rng):
    x = rng.standard_normal((4, 5))
    check_grad(f, x)
    assert _inner_loops(grad_source(f, x)) >= 2  # (the element loops, forward and back)


def test_rows_hessian(rng):
    check_hessian(smooth_rows, rng.standard_normal((2, 17)))


def ar_residuals(phi, y):
    """A short inner loop (the lags) inside the loop over time: run trip by trip."""
    total = 0.0
    for t in range(len(phi), len(y)):
        pred = 0.0
        for k in range(len(phi)):
            pred = pred + phi[k] * y[t - k - 1]
        total = total + (y[t] - pred) ** 2
    return total


@pytest.mark.parametrize("lags, trips", [(3, 0), (17, 1)])
def test_short_loops_trip_by_trip(lags, trips, rng):
    """Three lags: each outer trip runs them as scalar trips (faster than array operations
    that size); seventeen: at once (the reversed lag loop)."""
    phi, y = rng.standard_normal(lags) * 0.1, rng.standard_normal(40)
    check_grad(ar_residuals, phi, y, wrt=(0, 1))
    assert grad_source(ar_residuals, phi, y).count("np.arange(") == trips
