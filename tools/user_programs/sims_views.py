# ruff: noqa
"""Simulations in loops, in-place updates, views and aliasing."""
import numpy as np

R = np.random.default_rng(5)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def spring_chain(k, x0, steps=20, dt=0.05):
    x = x0.copy()
    v = np.zeros_like(x)
    for _ in range(steps):
        f = np.zeros_like(x)
        f[1:] -= k * (x[1:] - x[:-1])
        f[:-1] += k * (x[1:] - x[:-1])
        v += dt * f
        x += dt * v
    return np.sum(x ** 2)
reg(spring_chain, (1.3, R.standard_normal(5)), wrt=0)
reg(spring_chain, (1.3, R.standard_normal(5)), wrt=1)


def heat_explicit(u0, alpha):
    u = u0.copy()
    for t in range(30):
        lap = u[:-2] - 2 * u[1:-1] + u[2:]
        u[1:-1] += alpha * lap
    return u
reg(heat_explicit, (R.standard_normal(8), 0.2))
reg(heat_explicit, (R.standard_normal(8), 0.2), wrt=1)


def heat_view_alias(u0, alpha):
    u = u0.copy()
    interior = u[1:-1]
    for t in range(10):
        lap = u[:-2] - 2 * u[1:-1] + u[2:]
        interior += alpha * lap
    return np.sum(u * u0)
reg(heat_view_alias, (R.standard_normal(7), 0.15), wrt=(0, 1))


def lotka_volterra(p, y0):
    a, b, c, d = p
    y = np.array(y0, dtype=float)
    traj = []
    for i in range(40):
        dy = np.array([a * y[0] - b * y[0] * y[1], c * y[0] * y[1] - d * y[1]])
        y = y + 0.01 * dy
        traj.append(y.copy())
    traj = np.array(traj)
    return np.mean(traj[:, 0]) + np.max(traj[:, 1])
reg(lotka_volterra, (np.array([1.0, 0.5, 0.3, 0.8]), [1.0, 2.0]))


def rk4(f, y, dt):
    k1 = f(y)
    k2 = f(y + dt / 2 * k1)
    k3 = f(y + dt / 2 * k2)
    k4 = f(y + dt * k3)
    return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def pendulum_rk4(theta0, g):
    def rhs(s):
        return np.array([s[1], -g * np.sin(s[0])])
    s = np.array([theta0, 0.0])
    for _ in range(25):
        s = rk4(rhs, s, 0.05)
    return s[0]
reg(pendulum_rk4, (0.7, 9.81), wrt=(0, 1))


def nbody_energy(pos, m):
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = pos[i] - pos[j]
            r = np.sqrt(d @ d)
            e -= m[i] * m[j] / r
    return e
reg(nbody_energy, (R.standard_normal((4, 3)), 1 + R.random(4)), wrt=(0, 1))


def nbody_step(pos, vel, dt=0.01):
    acc = np.zeros_like(pos)
    n = len(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                d = pos[j] - pos[i]
                acc[i] += d / (np.linalg.norm(d) ** 3 + 0.1)
    vel = vel + dt * acc
    pos = pos + dt * vel
    return np.sum(pos ** 2) + np.sum(vel ** 2)
reg(nbody_step, (R.standard_normal((3, 2)), R.standard_normal((3, 2))), wrt=(0, 1))


def sir_model(beta, gamma):
    S, I, Rr = 0.99, 0.01, 0.0
    hist = np.zeros((50, 3))
    for t in range(50):
        new_inf = beta * S * I
        new_rec = gamma * I
        S -= new_inf
        I += new_inf - new_rec
        Rr += new_rec
        hist[t] = S, I, Rr
    return hist[:, 1].max() + hist[-1, 2]
reg(sir_model, (0.9, 0.2), wrt=(0, 1))


def random_walk_loss(drift, noise):
    x = np.zeros(noise.shape[0] + 1)
    for t in range(noise.shape[0]):
        x[t + 1] = x[t] + drift + noise[t] * 0.1
    return np.sum((x - 1.0) ** 2)
reg(random_walk_loss, (0.3, R.standard_normal(10)), wrt=(0, 1))


def logistic_map(r, x0):
    xs = [x0]
    for _ in range(15):
        xs.append(r * xs[-1] * (1 - xs[-1]))
    return sum(xs) / len(xs)
reg(logistic_map, (2.8, 0.3), wrt=(0, 1), hess=True)


def bounce(y0, v0):
    y, v = y0, v0
    for _ in range(60):
        v -= 9.81 * 0.01
        y += v * 0.01
        if y < 0:
            y = -y
            v = -0.9 * v
    return y
reg(bounce, (1.0, 0.0), (0.05, 2.0), wrt=(0, 1))


def gram_schmidt(A):
    Q = A.copy()
    n = A.shape[1]
    for j in range(n):
        for k in range(j):
            Q[:, j] -= (Q[:, k] @ Q[:, j]) * Q[:, k]
        Q[:, j] /= np.linalg.norm(Q[:, j])
    return Q
reg(gram_schmidt, (R.standard_normal((4, 3)),))


def gram_schmidt_cols(A):
    Q = np.array(A, copy=True)
    for j in range(Q.shape[1]):
        q = Q[:, j]
        for k in range(j):
            q -= np.dot(Q[:, k], q) * Q[:, k]
        q /= np.sqrt(np.sum(q * q))
    return np.sum(Q * np.arange(Q.size).reshape(Q.shape))
reg(gram_schmidt_cols, (R.standard_normal((4, 3)),))


def lu_solve_by_hand(A, b):
    n = A.shape[0]
    U = A.copy()
    L = np.eye(n)
    for k in range(n - 1):
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] -= L[i, k] * U[k, k:]
    y = np.zeros(n)
    for i in range(n):
        y[i] = b[i] - L[i, :i] @ y[:i]
    x = np.zeros(n)
    for i in reversed(range(n)):
        x[i] = (y[i] - U[i, i + 1:] @ x[i + 1:]) / U[i, i]
    return x
reg(lu_solve_by_hand, (3 * np.eye(4) + R.standard_normal((4, 4)) * 0.3, R.standard_normal(4)), wrt=(0, 1))


def cholesky_by_hand(A):
    n = A.shape[0]
    L = np.zeros_like(A)
    for i in range(n):
        for j in range(i + 1):
            s = A[i, j] - np.dot(L[i, :j], L[j, :j])
            if i == j:
                L[i, j] = np.sqrt(s)
            else:
                L[i, j] = s / L[j, j]
    return np.sum(np.log(np.diag(L)))
_M = R.standard_normal((4, 4)); _S = _M @ _M.T + 4 * np.eye(4)
reg(cholesky_by_hand, (_S,))


def thomas(a, b, c, d):
    n = len(d)
    cp = np.zeros(n); dp = np.zeros(n)
    cp[0] = c[0] / b[0]; dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m if i < n - 1 else 0.0
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x
reg(thomas, (R.random(5), 4 + R.random(5), R.random(5), R.standard_normal(5)), wrt=(0, 1, 2, 3))


def swap_rows_pivot(A):
    A = A.copy()
    for k in range(A.shape[0]):
        p = k + np.argmax(np.abs(A[k:, k]))
        if p != k:
            A[[k, p]] = A[[p, k]]
        A[k] = A[k] / A[k, k]
    return np.sum(A * np.arange(A.size).reshape(A.shape))
reg(swap_rows_pivot, (R.standard_normal((3, 3)),))


def alias_then_update(x):
    y = x.copy()
    z = y
    z *= 2.0
    z[0] += 1.0
    return np.sum(y ** 2) + y[1] * x[2]
reg(alias_then_update, (R.standard_normal(4),))


def reshape_view_write(x):
    a = x.copy()
    m = a.reshape(2, 3)
    m[:, 0] = m[:, 1] * m[:, 2]
    return np.sum(a * np.arange(6))
reg(reshape_view_write, (R.standard_normal(6),))


def transpose_view_write(A):
    B = A.copy()
    Bt = B.T
    Bt[0] *= 3.0
    return np.sum(B ** 2 * np.arange(6).reshape(2, 3))
reg(transpose_view_write, (R.standard_normal((2, 3)),))


def ravel_view_write(A):
    B = A * 1.0
    flat = B.ravel()
    flat[::2] = 0.0
    return np.sum(B * A)
reg(ravel_view_write, (R.standard_normal((2, 3)),))


def diag_add_inplace(A, lam):
    M = A @ A.T
    M[np.diag_indices_from(M)] += lam
    return np.linalg.slogdet(M)[1]
reg(diag_add_inplace, (R.standard_normal((3, 3)), 0.5), wrt=(0, 1))


def fill_diagonal_user(A, lam):
    M = A.T @ A
    np.fill_diagonal(M, np.diag(M) + lam)
    return np.trace(np.linalg.inv(M))
reg(fill_diagonal_user, (R.standard_normal((4, 3)), 0.5), wrt=(0, 1))


def masked_assign(x):
    y = x.copy()
    y[y < 0] = 0.0
    y[y > 1] *= 0.5
    return np.sum(y ** 2 * np.arange(1, 7))
reg(masked_assign, (np.array([-0.5, 0.3, 1.5, 2.0, -1.0, 0.7]),))


def add_at_histogram(w, idx):
    out = np.zeros(4)
    np.add.at(out, idx, w)
    return np.sum(out ** 2)
reg(add_at_histogram, (R.standard_normal(6), np.array([0, 1, 1, 3, 0, 0])))


def clip_out(x):
    y = x * 2
    np.clip(y, -1.0, 1.0, out=y)
    return np.sum(y * x)
reg(clip_out, (np.array([-0.8, -0.2, 0.1, 0.7]),))


def cumulative_inplace(x):
    y = x.copy()
    for i in range(1, len(y)):
        y[i] += y[i - 1] * 0.5
    return y
reg(cumulative_inplace, (R.standard_normal(5),))


def row_normalize(X):
    X = X.copy()
    for row in X:
        row /= np.linalg.norm(row)
    return np.sum(X @ X.T)
reg(row_normalize, (R.standard_normal((3, 4)),))


def row_iterate_update(X, w):
    out = np.empty(X.shape[0])
    for i, row in enumerate(X):
        out[i] = np.tanh(row @ w)
    return out.sum()
reg(row_iterate_update, (R.standard_normal((4, 3)), R.standard_normal(3)), wrt=(0, 1))


def shared_buffer_two_names(x):
    buf = np.zeros(6)
    a = buf[:3]
    b = buf[3:]
    a[:] = x
    b[:] = x ** 2
    return np.sum(buf * np.arange(6))
reg(shared_buffer_two_names, (R.standard_normal(3),))


def overlapping_views(x):
    buf = x.copy()
    left = buf[:-1]
    right = buf[1:]
    left += right
    return np.sum(buf * np.arange(len(buf)))
reg(overlapping_views, (R.standard_normal(5),))


def swap_arrays(a, b):
    for i in range(3):
        a, b = b, a + 0.5 * b
    return np.sum(a * b)
reg(swap_arrays, (R.standard_normal(3), R.standard_normal(3)), wrt=(0, 1))


def double_buffer(u0):
    u = u0.copy()
    un = np.empty_like(u)
    for t in range(5):
        un[1:-1] = 0.5 * (u[:-2] + u[2:])
        un[0] = u[0]
        un[-1] = u[-1]
        u, un = un, u
    return np.sum(u * np.arange(len(u)))
reg(double_buffer, (R.standard_normal(6),))


def wave_2d(u0):
    u = u0.copy()
    up = u0.copy()
    for t in range(4):
        lap = np.zeros_like(u)
        lap[1:-1, 1:-1] = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1]
        un = 2 * u - up + 0.1 * lap
        up = u
        u = un
    return np.sum(u ** 2)
reg(wave_2d, (R.standard_normal((4, 4)),))


def game_with_stop(x):
    total = 0.0
    v = x.copy()
    for it in range(100):
        v = v - 0.1 * (v - np.roll(v, 1)) ** 3
        total += np.sum(v)
        if np.max(np.abs(v)) < 0.5 or it > 20:
            break
    return total
reg(game_with_stop, (R.standard_normal(4),))


def particles_reflect(x0, v0, L=1.0):
    x = x0.copy(); v = v0.copy()
    for _ in range(30):
        x += 0.05 * v
        hit = (x < 0) | (x > L)
        v[hit] = -v[hit]
        x = np.clip(x, 0, L)
    return np.sum(x * np.arange(len(x)))
reg(particles_reflect, (np.array([0.1, 0.5, 0.9]), np.array([-0.7, 0.33, 0.6])), wrt=(0, 1))


def slices_of_param_dict(theta):
    W = theta[:6].reshape(2, 3)
    b = theta[6:8]
    x = np.array([0.5, -1.0, 2.0])
    h = np.tanh(W @ x + b)
    return h @ h
reg(slices_of_param_dict, (R.standard_normal(8),), hess=True)


def inplace_sort_loss(x):
    y = x.copy()
    y.sort()
    return np.sum(y * np.arange(len(y)))
reg(inplace_sort_loss, (np.array([0.3, -1.0, 2.0, 0.1]),))


def outer_updates(x):
    M = np.zeros((3, 3))
    for i in range(3):
        M += np.outer(x, x) * (i + 1)
        M[i, i] -= x[i]
    return np.linalg.det(M + np.eye(3))
reg(outer_updates, (R.standard_normal(3),))


def jacobi_iteration(A, b):
    x = np.zeros_like(b)
    D = np.diag(A)
    Rm = A - np.diag(D)
    for _ in range(25):
        x = (b - Rm @ x) / D
    return x
reg(jacobi_iteration, (5 * np.eye(3) + R.random((3, 3)), R.standard_normal(3)), wrt=1)
reg(jacobi_iteration, (5 * np.eye(3) + R.random((3, 3)), R.standard_normal(3)), wrt=0)


def gauss_seidel_inplace(A, b):
    x = np.zeros_like(b)
    for _ in range(15):
        for i in range(len(b)):
            x[i] = (b[i] - A[i, :i] @ x[:i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]
    return x @ x
reg(gauss_seidel_inplace, (5 * np.eye(3) + R.random((3, 3)), R.standard_normal(3)), wrt=(0, 1))


def power_iteration(A):
    v = np.ones(A.shape[0])
    for _ in range(50):
        v = A @ v
        v /= np.linalg.norm(v)
    return v @ A @ v
_P = R.standard_normal((3, 3)); _P = _P @ _P.T + np.diag([5.0, 1.0, 0.1])
reg(power_iteration, (_P,))


def mutate_list_of_arrays(ws):
    states = [w.copy() for w in ws]
    for s in states:
        s *= 2.0
        s += 1.0
    return sum(np.sum(s ** 2) for s in states)
reg(mutate_list_of_arrays, ([R.standard_normal(2), R.standard_normal(3)],))


def array_in_dict_updated(x):
    state = {"pos": x.copy(), "vel": np.zeros_like(x)}
    for _ in range(5):
        state["vel"] += -0.1 * state["pos"]
        state["pos"] += 0.1 * state["vel"]
    return np.sum(state["pos"] ** 2)
reg(array_in_dict_updated, (R.standard_normal(3),))


def view_held_in_list(x):
    y = x.copy()
    parts = [y[:2], y[2:]]
    parts[0] *= 3.0
    parts[1][0] = 7.0
    return np.sum(y * x)
reg(view_held_in_list, (R.standard_normal(4),))


def running_max_inplace(x):
    m = np.full(len(x), -np.inf)
    best = -np.inf
    for i in range(len(x)):
        best = max(best, x[i])
        m[i] = best
    return np.sum(m * np.arange(1, len(x) + 1))
reg(running_max_inplace, (np.array([0.3, -1.0, 2.0, 0.1, 2.5]),))


def stencil_with_where(u0):
    u = u0.copy()
    for _ in range(5):
        grad = np.diff(u, append=u[-1:])
        u[:] = u - 0.2 * np.where(grad > 0, grad, 0.5 * grad)
    return u.sum() + u[0] * u[-1]
reg(stencil_with_where, (R.standard_normal(5),))


def ema_filter(x, alpha):
    out = np.empty_like(x)
    s = x[0]
    for i, xi in enumerate(x):
        s = alpha * xi + (1 - alpha) * s
        out[i] = s
    return out
reg(ema_filter, (R.standard_normal(6), 0.3), wrt=1)
reg(ema_filter, (R.standard_normal(6), 0.3), wrt=0)
