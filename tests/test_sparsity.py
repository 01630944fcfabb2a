"""Jacobian sparsity from the program: never a missing nonzero, and tight where the
wiring says so; sparse Jacobians equal the dense ones."""
import numpy as np
import pytest

import s2sad

scipy = pytest.importorskip("scipy")


# ----- programs -----

def stencil_1d(u, k):
    lap = np.concatenate([u[1:2] - 2 * u[:1], u[2:] - 2 * u[1:-1] + u[:-2],
                          u[-2:-1] - 2 * u[-1:]])
    return k * lap - u ** 3


def stencil_periodic(u):
    return np.roll(u, 1) - 2 * u + np.roll(u, -1) + np.sin(u)


def stencil_2d(u):
    n = int(np.sqrt(u.size))
    g = u.reshape(n, n)
    p = np.pad(g, 1)
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * g
    return (lap + g * g).ravel()


def banded_loop(x):
    n = x.shape[0]
    r = np.zeros(n)
    for i in range(n):
        r[i] = x[i] ** 2
        if i > 0:
            r[i] = r[i] + x[i - 1] * x[i]
        if i + 2 < n:
            r[i] = r[i] - np.exp(x[i + 2])
    return r


def per_sample(w):
    x = w.reshape(5, 3)
    h = np.tanh(x * 2.0 + 1.0)
    return np.sum(h * h, axis=1)


def reduction(x):
    return np.array([np.sum(x[:3]), np.prod(x[3:]), np.max(x[2:5])])


def dense_matmul(x):
    A = np.arange(16.0).reshape(4, 4) + 1.0
    return A @ x


def data_branch(x):
    if np.sum(x) > 0:
        y = x[:3] * x[1:4]
    else:
        y = np.sin(x[2:5])
    return y


def element_branch(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        if x[i] > 0:
            y[i] = x[i] * 2.0
        else:
            y[i] = x[(i + 1) % x.shape[0]]
    return y


def while_shift(x):
    y = x * 1.0
    k = 0
    while np.max(np.abs(y)) > 1.0 and k < 3:
        y = 0.5 * (y + np.roll(y, 1))
        k = k + 1
    return y


def scatter(x):
    out = np.zeros(3)
    np.add.at(out, np.array([0, 0, 2, 1]), x)
    return out * x[:3]


def cumulative(x):
    return np.cumsum(x.reshape(2, 3), axis=1).ravel() + x


def matrix_rows(x):
    M = x.reshape(3, 3)
    return M @ M[0] + np.linalg.norm(M, axis=0)


def two_args(x, y):
    return x[1:] * y[:-1] + y[1:]


def chosen_index(x):
    i = np.argmax(x)
    return x * x[i]


PROGRAMS = [
    (stencil_1d, (np.linspace(-1, 1, 9), 2.0)),
    (stencil_periodic, (np.linspace(-1, 1, 8),)),
    (stencil_2d, (np.linspace(-1, 1, 25),)),
    (banded_loop, (np.linspace(-1, 1, 7),)),
    (per_sample, (np.linspace(-1, 1, 15),)),
    (reduction, (np.linspace(0.5, 1.5, 6),)),
    (dense_matmul, (np.linspace(-1, 1, 4),)),
    (data_branch, (np.linspace(-1, 1, 6) + 0.3,)),
    (data_branch, (np.linspace(-1, 1, 6) - 0.3,)),
    (element_branch, (np.array([1.0, -2.0, 3.0, -0.5, 0.7]),)),
    (while_shift, (np.array([3.0, -2.0, 0.1, 0.4]),)),
    (while_shift, (np.array([0.3, -0.2, 0.1, 0.4]),)),
    (scatter, (np.array([1.0, 2.0, 3.0, 4.0]),)),
    (cumulative, (np.linspace(-1, 1, 6),)),
    (matrix_rows, (np.linspace(-1, 1, 9) + 2.0,)),
    (chosen_index, (np.array([0.5, 2.0, -1.0]),)),
]
IDS = [f"{f.__name__}-{k}" for k, (f, _) in enumerate(PROGRAMS)]


def observed(f, args, trials=4, wrt=0):
    """Union of the nonzeros of dense Jacobians at random points near ``args``."""
    rng = np.random.default_rng(0)
    seen = 0
    for _ in range(trials):
        x = np.asarray(args[wrt]) + rng.normal(scale=1.0, size=np.shape(args[wrt]))
        moved = args[:wrt] + (x,) + args[wrt + 1:]
        J = s2sad.jacobian(f, wrt=wrt)(*moved)
        seen = seen + (np.abs(np.reshape(J, (-1, x.size))) > 0)
    return seen > 0


@pytest.mark.parametrize("f,args", PROGRAMS, ids=IDS)
def test_pattern_holds_every_nonzero(f, args):
    pattern = s2sad.jacobian_sparsity(f)(*args).toarray()
    seen = observed(f, args)
    assert pattern.shape == seen.shape
    assert not np.any(seen & ~pattern), "a nonzero the pattern misses"


EXACT = {  # programs whose static pattern is the true one (no branch keeps extra entries)
    "stencil_1d", "stencil_periodic", "stencil_2d", "banded_loop", "per_sample",
    "reduction", "dense_matmul", "scatter", "cumulative", "matrix_rows",
}  # chosen_index reads x[argmax(x)]: any element, for some input


@pytest.mark.parametrize("f,args", [p for p in PROGRAMS if p[0].__name__ in EXACT],
                         ids=[i for i, p in zip(IDS, PROGRAMS) if p[0].__name__ in EXACT])
def test_pattern_is_tight_without_branches(f, args):
    pattern = s2sad.jacobian_sparsity(f)(*args).toarray()
    assert np.array_equal(pattern, observed(f, args))


def test_stencil_closed_forms():
    P = s2sad.jacobian_sparsity(stencil_1d)(np.ones(1000), 1.0)
    assert P.shape == (1000, 1000) and P.nnz == 2998
    assert np.array_equal(P.toarray(), np.abs(np.subtract.outer(np.arange(1000),
                                                                 np.arange(1000))) <= 1)
    Q = s2sad.jacobian_sparsity(stencil_2d)(np.ones(100))
    assert Q.nnz == 100 + 4 * 90  # each cell, and its neighbours inside the grid


def test_branch_gives_union_of_both_sides():
    x = np.linspace(-1, 1, 6)
    up = s2sad.jacobian_sparsity(data_branch)(x + 5.0).toarray()
    down = s2sad.jacobian_sparsity(data_branch)(x - 5.0).toarray()
    assert np.array_equal(up, down)
    assert up[0, :].tolist() == [True, True, True, False, False, False]


def test_two_arguments_and_names():
    x, y = np.ones(4), np.ones(4)
    px, py = s2sad.jacobian_sparsity(two_args, wrt=(0, "y"))(x, y)
    assert np.array_equal(px.toarray(), np.eye(4, k=1)[:3] > 0)
    assert np.array_equal(py.toarray(), (np.eye(4)[:3] + np.eye(4, k=1)[:3]) > 0)


def unmodelled_break(x):
    s = x * 1.0
    for _ in range(3):
        if s[0] > 2.0:
            break
        s = s * s[1]
    return s


def test_unfollowable_program_is_dense_and_says_why():
    pattern = s2sad.jacobian_sparsity(unmodelled_break)
    P = pattern(np.array([0.5, 1.5, 0.2]))
    assert P.nnz == 9 and "break" in pattern.reason


def test_colouring_counts():
    from s2sad.sparsity import colour
    one = s2sad.jacobian_sparsity(stencil_1d)(np.ones(200), 1.0)
    two = s2sad.jacobian_sparsity(stencil_2d)(np.ones(400))
    assert colour(one).max() + 1 == 3
    assert colour(two).max() + 1 == 5


@pytest.mark.parametrize("f,args", PROGRAMS, ids=IDS)
def test_sparse_jacobian_equals_dense(f, args):
    J = s2sad.jacobian(f, sparse=True)(*args)
    dense = np.reshape(s2sad.jacobian(f)(*args), J.shape)
    assert scipy.sparse.issparse(J)
    np.testing.assert_allclose(J.toarray(), dense, rtol=1e-12, atol=1e-12)


def test_sparse_jacobian_against_finite_differences():
    u = np.linspace(-1, 1, 12)
    J = s2sad.jacobian(stencil_1d, sparse=True)(u, 0.7).toarray()
    eps = 1e-6
    fd = np.stack([(stencil_1d(u + eps * e, 0.7) - stencil_1d(u - eps * e, 0.7)) / (2 * eps)
                   for e in np.eye(12)], axis=1)
    np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-8)


def wide_sum(x):
    return np.array([np.sum(x), np.sum(x ** 2), np.sum(np.sin(x))])


def test_sparse_jacobian_by_rows_when_rows_are_fewer():
    x = np.linspace(0, 1, 30)
    jac = s2sad.jacobian(wide_sum, sparse=True)
    J = jac(x)
    np.testing.assert_allclose(J.toarray(), s2sad.jacobian(wide_sum)(x), rtol=1e-12)
    assert jac.plan(x)[0] == "rows"


def test_sparse_jacobian_two_arguments():
    x, y = np.linspace(0, 1, 5), np.linspace(1, 2, 5)
    Jx, Jy = s2sad.jacobian(two_args, wrt=(0, 1), sparse=True)(x, y)
    dx, dy = s2sad.jacobian(two_args, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(Jx.toarray(), dx)
    np.testing.assert_allclose(Jy.toarray(), dy)


# ----- sparse Hessians: the pattern of the generated gradient's program -----

def chain_energy(u):
    d = u[1:] - u[:-1]
    return np.sum(d ** 4) + np.sum(np.cos(u)) + 0.5 * np.sum(u * u)


def rosenbrock_loop(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s = s + 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2
    return s


def separable(x):
    return np.sum(np.exp(x) * x) + np.sum(np.abs(x))


def grid_energy(u):
    g = u.reshape(6, 6)
    dx = g[1:, :] - g[:-1, :]
    dy = g[:, 1:] - g[:, :-1]
    return np.sum(dx ** 2 * g[1:, :]) + np.sum(np.sin(dy))


HESSIAN_CASES = [chain_energy, rosenbrock_loop, separable, grid_energy]


@pytest.mark.parametrize("f", HESSIAN_CASES, ids=[f.__name__ for f in HESSIAN_CASES])
def test_sparse_hessian(f):
    n = 36 if f is grid_energy else 9
    x = np.linspace(-0.9, 1.1, n)
    H = s2sad.hessian(f, sparse=True)(x)
    dense = s2sad.hessian(f)(x)
    np.testing.assert_allclose(H.toarray(), dense, rtol=1e-10, atol=1e-10)
    pattern = s2sad.jacobian_sparsity(s2sad.grad(f))(x).toarray()
    rng = np.random.default_rng(1)
    for _ in range(3):
        seen = np.abs(s2sad.hessian(f)(x + rng.normal(size=n))) > 0
        assert not np.any(seen & ~pattern)
    assert pattern.sum() < n * n / 2  # banded, diagonal or grid-shaped: not dense


def test_sparse_hessian_closed_form():
    x = np.linspace(-0.5, 0.5, 6)
    H = s2sad.hessian(separable, sparse=True)(x).toarray()
    np.testing.assert_allclose(H, np.diag(np.exp(x) * (x + 2)), rtol=1e-12, atol=1e-14)


def test_benchmark_smoke():
    from benchmarks import sparsity as bench
    assert bench.main(["--smoke"]) == 0


# ----- element loops and branches: variations -----

def both_sides_write(x):
    y = np.zeros(x.shape[0])
    for i in range(1, x.shape[0]):
        if x[i] > x[i - 1]:
            y[i] = x[i] - x[i - 1]
        else:
            y[i] = np.exp(x[i])
    return y


def one_side_writes(x):
    y = x * 1.0
    for i in range(x.shape[0] - 1):
        if x[i] > 0:
            y[i] = y[i] * x[i + 1]
    return y


def recurrence(x):
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, x.shape[0]):
        y[t] = 0.5 * y[t - 1] + x[t]
    return y


def number_after_loop(x):
    s = 0.0
    last = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0:
            last = x[i]
        s = s + last
    return np.array([s, last])


def newton_sqrt(a):
    r = a * 0.5 + 0.5
    while np.max(np.abs(r * r - a)) > 1e-12:
        r = 0.5 * (r + a / r)
    return r


def growing_while(x):
    y = x * 1.0
    while y[0] < 10.0:
        y = y + np.roll(y, 1) * 0.1
    return y


VARIATIONS = [
    (both_sides_write, (np.array([0.1, 0.5, 0.2, 0.9, -0.3, 0.4]),)),
    (one_side_writes, (np.array([0.5, -1.0, 2.0, 0.3, -0.2]),)),
    (recurrence, (np.linspace(-1, 1, 7),)),
    (number_after_loop, (np.array([0.5, -1.0, 2.0, -0.3]),)),
    (newton_sqrt, (np.array([2.0, 3.0, 5.0]),)),
    (growing_while, (np.array([1.0, 2.0, 3.0, 4.0]),)),
]


@pytest.mark.parametrize("f,args", VARIATIONS, ids=[f.__name__ for f, _ in VARIATIONS])
def test_variations_hold_every_nonzero(f, args):
    pattern = s2sad.jacobian_sparsity(f)(*args).toarray()
    seen = observed(f, args) if f is not growing_while else \
        np.abs(np.reshape(s2sad.jacobian(f)(*args), pattern.shape)) > 0
    assert not np.any(seen & ~pattern)
    J = s2sad.jacobian(f, sparse=True)(*args)
    np.testing.assert_allclose(J.toarray(), np.reshape(s2sad.jacobian(f)(*args), J.shape),
                               rtol=1e-12, atol=1e-12)


def test_closed_forms_of_variations():
    x = np.linspace(-1, 1, 6)
    assert np.array_equal(s2sad.jacobian_sparsity(recurrence)(x).toarray(),
                          np.tril(np.ones((6, 6))) > 0)  # y[t] reads x[0..t]
    both = s2sad.jacobian_sparsity(both_sides_write)(x).toarray()
    assert np.array_equal(both, (np.eye(6) + np.eye(6, k=-1) > 0) & (np.arange(6) > 0)[:, None])
    assert np.array_equal(s2sad.jacobian_sparsity(newton_sqrt)(np.ones(3) * 2).toarray(),
                          np.eye(3) > 0)  # elementwise iteration, any number of trips
    # the while loop shifts by one per trip, as many trips as the data asks: all of it
    assert s2sad.jacobian_sparsity(growing_while)(np.ones(4)).nnz == 16


def test_callers_arrays_untouched():
    x = np.array([0.1, 0.5, 0.2, 0.9, -0.3, 0.4])
    before = x.copy()
    s2sad.jacobian_sparsity(both_sides_write)(x)
    s2sad.jacobian(both_sides_write, sparse=True)(x)
    assert np.array_equal(x, before)


def test_pattern_reused_per_shape_and_long_element_loop():
    pattern = s2sad.jacobian_sparsity(recurrence)
    x = np.linspace(0, 1, 3000)
    P = pattern(x)
    assert P.nnz == 3000 * 3001 // 2
    assert pattern(x + 1.0) is P  # the same shapes: computed once
    assert pattern(np.ones(5)).shape == (5, 5)
