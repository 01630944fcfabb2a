# ruff: noqa
"""Users' programs of session 44 (helper 80), third batch: simulations (integrators,
particles, finite differences with in-place slices, np.roll stencils), views and
aliasing, optimisation inner loops."""
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def euler_damped_oscillator(k, c):
    x, v = 1.0, 0.0
    dt = 0.05
    for _ in range(40):
        a = -k * x - c * v
        x, v = x + dt * v, v + dt * a
    return x ** 2 + v ** 2
reg(euler_damped_oscillator, (2.0, 0.3), wrt=(0, 1), hess=False)


def leapfrog_particles(q0, p0, dt):
    q, p = q0.copy(), p0.copy()
    def force(q):
        d = q[:, None, :] - q[None, :, :]
        r2 = np.sum(d ** 2, axis=-1) + np.eye(len(q)) + 0.1
        return -np.sum(d / r2[..., None] ** 1.5, axis=1)
    p += 0.5 * dt * force(q)
    for _ in range(5):
        q += dt * p
        p += dt * force(q)
    p -= 0.5 * dt * force(q)
    return 0.5 * np.sum(p ** 2) + np.sum(q ** 2)
_q = np.array([[0.0, 0.0], [1.0, 0.2], [-0.5, 0.8]]); _p = np.array([[0.1, 0.0], [0.0, -0.1], [0.05, 0.05]])
reg(leapfrog_particles, (_q, _p, 0.05), wrt=(0, 1))


def advection_roll(u0, c):
    u = u0.copy()
    for _ in range(6):
        u = u - c * (u - np.roll(u, 1))
    return np.sum(u ** 2 * np.arange(u.size))
reg(advection_roll, (np.sin(np.linspace(0, 2 * np.pi, 8, endpoint=False)), 0.4), wrt=(0, 1))


def heat2d_inplace(T0, alpha):
    T = T0.copy()
    for _ in range(3):
        lap = T[:-2, 1:-1] + T[2:, 1:-1] + T[1:-1, :-2] + T[1:-1, 2:] - 4 * T[1:-1, 1:-1]
        T[1:-1, 1:-1] += alpha * lap
    return np.sum(T ** 2)
reg(heat2d_inplace, (np.outer(np.sin(np.linspace(0, 3, 5)), np.cos(np.linspace(0, 2, 5))), 0.2), wrt=(0, 1))


def wave_two_buffers(u0, c):
    prev = u0.copy()
    cur = u0.copy()
    for _ in range(5):
        nxt = np.empty_like(cur)
        nxt[1:-1] = 2 * cur[1:-1] - prev[1:-1] + c ** 2 * (cur[2:] - 2 * cur[1:-1] + cur[:-2])
        nxt[0] = nxt[-1] = 0.0
        prev, cur = cur, nxt
    return np.sum(cur ** 2)
reg(wave_two_buffers, (np.sin(np.linspace(0, np.pi, 7)), 0.5), wrt=(0, 1))


def reaction_diffusion_roll(u0, D, k):
    u = u0.copy()
    for _ in range(4):
        lap = np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0) + np.roll(u, 1, axis=1) + np.roll(u, -1, axis=1) - 4 * u
        u += 0.1 * (D * lap - k * u ** 3)
    return np.mean(u ** 2)
reg(reaction_diffusion_roll, (np.outer(np.linspace(-1, 1, 4), np.linspace(0.5, 1, 4)), 0.3, 0.5), wrt=(0, 1, 2))


def rk4_vector(y0, theta):
    def f(y):
        return np.array([y[1], -theta * np.sin(y[0]) - 0.1 * y[1]])
    y = y0
    h = 0.1
    for _ in range(10):
        k1 = f(y); k2 = f(y + h / 2 * k1); k3 = f(y + h / 2 * k2); k4 = f(y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[0] ** 2 + y[1]
reg(rk4_vector, (np.array([1.0, 0.0]), 1.5), wrt=(0, 1), hess=False)


def adaptive_while(y0, lam):
    t, y, h = 0.0, y0, 0.1
    while t < 1.0:
        y1 = y + h * (-lam * y)
        y2 = y + h / 2 * (-lam * y)
        y2 = y2 + h / 2 * (-lam * y2)
        err = abs(y2 - y1)
        if err > 1e-3:
            h = h / 2
            continue
        y = y2
        t += h
    return y
reg(adaptive_while, (1.0, 0.8), wrt=(0, 1))


def boids_step(pos, vel):
    p, v = pos.copy(), vel.copy()
    for _ in range(3):
        center = p.mean(axis=0)
        v += 0.05 * (center - p)
        d = p[:, None] - p[None]
        v -= 0.01 * np.sum(d * np.exp(-np.sum(d ** 2, -1))[..., None], axis=1)
        p += 0.1 * v
    return np.sum(p ** 2) + np.sum(v)
reg(boids_step, (_q, _p), wrt=(0, 1))


def gradient_descent_while(x0, lr):
    x = x0
    g = 4 * x ** 3 - 2 * x
    it = 0
    while np.linalg.norm(g) > 1e-3 and it < 30:
        x = x - lr * g
        g = 4 * x ** 3 - 2 * x
        it += 1
    return np.sum(x ** 2)
reg(gradient_descent_while, (np.array([0.9, -1.1]), 0.05), wrt=(0, 1))


def line_search_inner(x, d):
    t = 1.0
    f0 = np.sum(x ** 2)
    while np.sum((x + t * d) ** 2) > f0 - 0.1 * t * np.sum(d ** 2):
        t *= 0.5
    return np.sum((x + t * d) ** 2)
reg(line_search_inner, (np.array([1.0, 2.0]), np.array([-1.5, -3.5])), (np.array([1.0, 2.0]), np.array([-0.1, -0.5])), wrt=(0, 1))


def newton_inner_system(b):
    x = np.zeros(2)
    for _ in range(6):
        F = np.array([x[0] ** 3 + x[1] - b[0], x[0] + 2 * x[1] ** 3 - b[1]])
        J = np.array([[3 * x[0] ** 2, 1.0], [1.0, 6 * x[1] ** 2 + 1e-9]])
        x = x - np.linalg.solve(J + 1e-6 * np.eye(2), F)
    return np.sum(x ** 2)
reg(newton_inner_system, (np.array([1.5, 2.5]),))


def alias_chain_inplace(x):
    a = x * 1.0
    b = a
    c = b[::2]
    c += 1.0
    b *= 2.0
    return np.sum(a * c[0]) + np.sum(c)
reg(alias_chain_inplace, (np.array([0.3, -0.8, 1.2, 0.4, 0.5]),), hess=True)


def transpose_alias(M):
    A = M @ M.T
    B = A.T
    B[0, 1] = 0.0
    return np.sum(A * A)
reg(transpose_alias, (np.array([[0.3, -0.8], [1.2, 0.4]]),))


def reshape_inplace_rows(v):
    grid = v.copy().reshape(3, 2)
    flat = grid.ravel()
    grid[1] *= 3.0
    return np.sum(flat * v)
reg(reshape_inplace_rows, (np.array([0.3, -0.8, 1.2, 0.4, 0.5, 0.9]),))


def asarray_argument_inplace(x):
    y = np.asarray(x)
    y = y * 1.0
    z = np.asarray(y)
    z[1:] -= z[:-1].copy()
    return np.sum(y ** 2)
reg(asarray_argument_inplace, (np.array([0.3, -0.8, 1.2, 0.4]),))


def view_list_write(x):
    buf = x.copy()
    parts = [buf[:2], buf[2:]]
    for p in parts:
        p *= 2.0
    return np.sum(buf ** 3)
reg(view_list_write, (np.array([0.3, -0.8, 1.2, 0.4]),))


def swap_through_tmp(x):
    a = x.copy()
    tmp = a[0].copy()
    a[0] = a[-1]
    a[-1] = tmp
    return np.sum(a * np.arange(1, a.size + 1))
reg(swap_through_tmp, (np.array([0.3, -0.8, 1.2, 0.4]),))


def swap_without_copy(x):
    a = x.copy()
    tmp = a[0:1]
    a[0] = a[-1]
    a[-1] = tmp[0]
    return np.sum(a * np.arange(1, a.size + 1))
reg(swap_without_copy, (np.array([0.3, -0.8, 1.2, 0.4]),))


def clip_kinks(x, lo, hi):
    y = np.clip(x, lo, hi)
    z = np.maximum(y, 0.1 * x)
    return np.sum(np.where(x > 0.5, z ** 2, -z))
reg(clip_kinks, (np.array([0.3, -0.8, 1.2, 0.7]), -0.5, 1.0), wrt=(0, 1, 2))


def particle_wall_bounce(x0, v0):
    x, v = x0.copy(), v0.copy()
    for _ in range(8):
        x += 0.1 * v
        hit = x > 1.0
        x[hit] = 2.0 - x[hit]
        v[hit] = -v[hit]
    return np.sum(x * v)
reg(particle_wall_bounce, (np.array([0.5, 0.85, 0.2]), np.array([0.7, 0.3, 1.1])), wrt=(0, 1))
