# ruff: noqa
"""Optimisation inner loops, data-dependent control flow, helpers/closures, containers."""
import functools
import math
import numpy as np

R = np.random.default_rng(11)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def unrolled_gd(lr, A, b):
    x = np.zeros(b.shape)
    for _ in range(8):
        g = A @ x - b
        x -= lr * g
    return 0.5 * x @ A @ x - b @ x
reg(unrolled_gd, (0.2, np.diag([1.0, 2.0, 3.0]), R.standard_normal(3)), wrt=(0, 2))


def momentum_inplace(w0, X, y, beta=0.9):
    w = w0.copy()
    v = np.zeros_like(w)
    for _ in range(6):
        g = X.T @ (X @ w - y)
        v *= beta
        v += g
        w -= 0.01 * v
    return np.sum((X @ w - y) ** 2)
reg(momentum_inplace, (R.standard_normal(3), R.standard_normal((5, 3)), R.standard_normal(5)), wrt=(0, 2))


def adam_steps(w0, X, y):
    w = w0.copy()
    m = np.zeros_like(w); v = np.zeros_like(w)
    b1, b2 = 0.9, 0.999
    for t in range(1, 6):
        g = 2 * X.T @ (X @ w - y)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh = m / (1 - b1 ** t)
        vh = v / (1 - b2 ** t)
        w = w - 0.05 * mh / (np.sqrt(vh) + 1e-8)
    return np.sum(w ** 2)
reg(adam_steps, (R.standard_normal(3), R.standard_normal((5, 3)), R.standard_normal(5)), wrt=(0, 2))


def newton_sqrt(a):
    x = a
    for _ in range(30):
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < 1e-12:
            break
        x = x_new
    return x
reg(newton_sqrt, (2.0,), (0.3,), hess=True)


def fixed_point_while(c):
    x = 0.0
    it = 0
    while True:
        xn = np.cos(x) * c
        it += 1
        if abs(xn - x) < 1e-13 or it > 200:
            break
        x = xn
    return xn
reg(fixed_point_while, (0.8,))


def backtracking(x0, A):
    x = x0.copy()
    f = lambda z: 0.5 * z @ A @ z + np.sum(np.cos(z))
    for _ in range(4):
        g = A @ x - np.sin(x)
        t = 1.0
        while f(x - t * g) > f(x) - 0.5 * t * (g @ g):
            t *= 0.5
        x = x - t * g
    return f(x)
reg(backtracking, (R.standard_normal(3), np.diag([1.0, 3.0, 2.0])))


def bisection_root(c):
    lo, hi = 0.0, 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid ** 3 - c > 0:
            hi = mid
        else:
            lo = mid
    return lo * c
reg(bisection_root, (1.7,))


def piecewise(x):
    if x < -1:
        return -x - 0.5
    elif x < 1:
        return 0.5 * x * x
    else:
        return x - 0.5
reg(piecewise, (-2.0,), (0.3,), (1.5,), hess=True)


def huber_vector(r, delta=1.0):
    out = 0.0
    for ri in r:
        a = abs(ri)
        out += 0.5 * ri ** 2 if a <= delta else delta * (a - 0.5 * delta)
    return out
reg(huber_vector, (np.array([0.3, -2.0, 1.5, -0.1]),))


def early_return_norm(x):
    n = np.linalg.norm(x)
    if n > 3:
        return n
    y = x / (1 + n)
    return np.sum(y ** 2)
reg(early_return_norm, (R.standard_normal(3),), (R.standard_normal(3) * 5,))


def continue_and_break(xs):
    s = 0.0
    for i, x in enumerate(xs):
        if x < 0:
            continue
        if i > 4:
            break
        s += x ** 2 * (i + 1)
    return s
reg(continue_and_break, (np.array([0.5, -0.2, 0.7, 1.0, -3.0, 0.2, 0.9]),))


def argmax_select(W, x):
    scores = W @ x
    k = np.argmax(scores)
    return scores[k] + W[k] @ W[k]
reg(argmax_select, (R.standard_normal((3, 2)), R.standard_normal(2)), wrt=(0, 1))


def sorted_by_key(xs):
    pairs = sorted(zip(xs, range(len(xs))), key=lambda p: p[0])
    return sum(v * (i + 1) for i, (v, _) in enumerate(pairs))
reg(sorted_by_key, (np.array([0.3, -1.0, 2.0, 0.1]),))


def while_accumulate(x):
    total = 0.0
    k = 0
    while total < 5.0 and k < 50:
        total += x ** 2 + 0.1
        k += 1
    return total * x
reg(while_accumulate, (1.3,), (0.4,))


def make_adder(a):
    def add(x):
        return x + a
    return add


def closures_factory(x, a):
    f = make_adder(a)
    g = make_adder(2 * a)
    return f(x) * g(x)
reg(closures_factory, (1.2, 0.7), wrt=(0, 1))


def compose(*fs):
    def h(x):
        for f in reversed(fs):
            x = f(x)
        return x
    return h


def composed(x):
    h = compose(np.sin, np.exp, lambda z: z ** 2)
    return np.sum(h(x))
reg(composed, (R.standard_normal(3),))


def partial_apply(x, s):
    f = functools.partial(np.power, x)
    return np.sum(f(2)) * s
reg(partial_apply, (np.array([1.0, 2.0]), 0.5), wrt=(0, 1))


def map_lambda(xs, w):
    ys = list(map(lambda v: np.tanh(v * w), xs))
    return sum(ys)
reg(map_lambda, ([0.5, -1.0, 2.0], 0.8), wrt=1)


def closure_over_loop_var(x):
    fs = [lambda z, k=k: z ** k for k in range(1, 4)]
    return sum(f(x) for f in fs)
reg(closure_over_loop_var, (1.3,), hess=True)


def nonlocal_counter(x):
    total = 0.0
    def add(v):
        nonlocal total
        total += v
    for i in range(3):
        add(x * i)
    return total ** 2
reg(nonlocal_counter, (1.1,))


def varargs_forward(*args):
    return sum(a ** 2 for a in args)


def splat_wrapper(x, y):
    g = lambda *a: varargs_forward(*a)
    return g(x, y, x * y)
reg(splat_wrapper, (0.5, 1.5), wrt=(0, 1))


def kwargs_helper(x, **opts):
    scale = opts.get("scale", 1.0)
    return scale * np.sum(x ** 2)


def calls_kwargs(x):
    return kwargs_helper(x, scale=3.0) + kwargs_helper(x)
reg(calls_kwargs, (R.standard_normal(3),))


def recursive_power(x, n):
    if n == 0:
        return 1.0
    return x * recursive_power(x, n - 1)
reg(recursive_power, (1.3, 4))


def dict_params_mlp(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    return float(params["w2"] @ h)
reg(dict_params_mlp, ({"W1": R.standard_normal((3, 2)), "b1": R.standard_normal(3), "w2": R.standard_normal(3)}, R.standard_normal(2)))


def dict_update_loop(params, X, y):
    p = dict(params)
    for _ in range(3):
        r = X @ p["w"] + p["b"] - y
        p["w"] = p["w"] - 0.1 * X.T @ r
        p["b"] = p["b"] - 0.1 * np.sum(r)
    return np.sum((X @ p["w"] + p["b"] - y) ** 2)
reg(dict_update_loop, ({"w": R.standard_normal(2), "b": 0.3}, R.standard_normal((4, 2)), R.standard_normal(4)))


def list_of_layers(ws, x):
    for W in ws:
        x = np.tanh(W @ x)
    return x @ x
reg(list_of_layers, ([R.standard_normal((3, 2)), R.standard_normal((3, 3))], R.standard_normal(2)))


def tuple_returns(x):
    def stats(v):
        return v.mean(), v.std()
    m, s = stats(x)
    return (x[0] - m) / s
reg(tuple_returns, (R.standard_normal(4),))


def nested_list_params(p):
    total = 0.0
    for group in p:
        for w in group:
            total += np.sum(w ** 2) * len(group)
    return total
reg(nested_list_params, ([[R.standard_normal(2), R.standard_normal(2)], [R.standard_normal(3)]],))


def zip_lists(ws, bs, x):
    out = 0.0
    for w, b in zip(ws, bs):
        out += np.tanh(w @ x + b)
    return out
reg(zip_lists, ([R.standard_normal(2), R.standard_normal(2)], [0.1, -0.3], R.standard_normal(2)), wrt=(0, 1))


def list_comprehension_stack(x):
    feats = np.stack([x ** k for k in range(4)], axis=1)
    return np.sum(feats @ np.arange(4.0))
reg(list_comprehension_stack, (R.standard_normal(3),))


def dict_comprehension(x):
    d = {f"p{i}": x[i] * (i + 1) for i in range(len(x))}
    return sum(v ** 2 for v in d.values())
reg(dict_comprehension, (R.standard_normal(3),))


def append_then_index(x):
    hist = []
    h = x
    for t in range(4):
        h = np.sin(h) + 0.5 * h
        hist.append(h)
    return hist[1] @ hist[-1]
reg(append_then_index, (R.standard_normal(3),))


def list_pop_and_insert(x):
    xs = list(x)
    last = xs.pop()
    xs.insert(0, last * 2)
    return sum(v * (i + 1) for i, v in enumerate(xs))
reg(list_pop_and_insert, (R.standard_normal(4),))


def namedtuple_state(x):
    from collections import namedtuple
    State = namedtuple("State", ["pos", "vel"])
    s = State(x, np.zeros_like(x))
    for _ in range(3):
        s = State(s.pos + 0.1 * s.vel, s.vel - 0.1 * s.pos)
    return np.sum(s.pos ** 2)
reg(namedtuple_state, (R.standard_normal(3),))


def np_vectorize_like(x):
    out = np.array([math.exp(-v * v) for v in x])
    return out.sum()
reg(np_vectorize_like, (R.standard_normal(3),))


def math_module_scalar(x, y):
    return math.sin(x) * math.exp(y) + math.hypot(x, y) + math.log1p(x * x)
reg(math_module_scalar, (0.3, 0.8), wrt=(0, 1), hess=True)


def float32_scalar(x):
    return x ** 2 * 3
reg(float32_scalar, (np.float32(1.5),))


def float64_numpy_scalar(x):
    return np.sin(x) * x
reg(float64_numpy_scalar, (np.float64(0.7),))


def cross_2d(a, b):
    return np.cross(a, b) ** 2
reg(cross_2d, (R.standard_normal(2), R.standard_normal(2)), wrt=(0, 1))


def cross_3d_rows(A, b):
    return np.sum(np.cross(A, b) ** 2)
reg(cross_3d_rows, (R.standard_normal((3, 3)), R.standard_normal(3)), wrt=(0, 1))


def reduceat_sums(x):
    return np.sum(np.add.reduceat(x, [0, 2, 3]) ** 2)
reg(reduceat_sums, (R.standard_normal(5),))


def pairwise_dist_diag(X):
    D = X[:, None, :] - X[None, :, :]
    return np.sum(np.sqrt(np.sum(D ** 2, axis=-1) + 1e-12))
reg(pairwise_dist_diag, (R.standard_normal((3, 2)),))


def einsum_bilinear(A, x, y):
    return np.einsum("ij,i,j->", A, x, y) + np.einsum("ii", A)
reg(einsum_bilinear, (R.standard_normal((3, 3)), R.standard_normal(3), R.standard_normal(3)), wrt=(0, 1, 2))


def where_nan_guard(x):
    safe = np.where(x > 0, x, 1.0)
    return np.sum(np.where(x > 0, np.log(safe), 0.0))
reg(where_nan_guard, (np.array([0.5, -1.0, 2.0]),))


def interp_lookup(x, xp, fp):
    return np.sum(np.interp(x, xp, fp))
reg(interp_lookup, (np.array([0.2, 1.5]), np.array([0.0, 1.0, 2.0]), R.standard_normal(3)), wrt=(0, 2))


def trapz_integral(a):
    t = np.linspace(0, 1, 21)
    y = np.exp(-a * t ** 2)
    return np.trapezoid(y, t)
reg(trapz_integral, (1.3,))


def cumprod_survival(h):
    s = np.cumprod(1 - h)
    return s.sum()
reg(cumprod_survival, (R.random(5) * 0.5,))


def sort_and_pick(x):
    idx = np.argsort(x)
    top = x[idx[-2:]]
    return top @ top
reg(sort_and_pick, (R.standard_normal(5),))


def var_std_ddof(x):
    return np.var(x, ddof=1) + np.std(x) * np.median(x)
reg(var_std_ddof, (R.standard_normal(5),))


def linalg_mix(A):
    Q, Rr = np.linalg.qr(A)
    w = np.linalg.eigvalsh(A @ A.T)
    return np.sum(np.abs(np.diag(Rr))) + w[-1] + np.linalg.norm(A, "fro")
reg(linalg_mix, (R.standard_normal((3, 3)),))


def solve_in_loop(A, b):
    x = b.copy()
    for k in range(3):
        x = np.linalg.solve(A + k * np.eye(len(b)), x)
    return x
reg(solve_in_loop, (3 * np.eye(3) + R.standard_normal((3, 3)) * 0.3, R.standard_normal(3)), wrt=(0, 1))


def int_arg_loop(x, n):
    y = x
    for i in range(n):
        y = y * x + i
    return y
reg(int_arg_loop, (0.9, 5))


def global_const_table(x):
    return np.sum(TABLE @ x) ** 2
TABLE = R.standard_normal((2, 3))
reg(global_const_table, (R.standard_normal(3),))


def string_branch(x, kind):
    if kind == "l1":
        return np.sum(np.abs(x))
    elif kind == "l2":
        return np.sqrt(np.sum(x ** 2))
    raise ValueError(kind)
reg(string_branch, (R.standard_normal(3), "l1"), (R.standard_normal(3), "l2"))


def try_except_fallback(x):
    try:
        L = np.linalg.cholesky(np.outer(x, x) + np.eye(len(x)))
    except np.linalg.LinAlgError:
        return 0.0
    return np.sum(np.log(np.diag(L)))
reg(try_except_fallback, (R.standard_normal(3),))


def assert_inside(x):
    assert x.ndim == 1, "need a vector"
    n = len(x)
    return np.sum(x ** 2) / n
reg(assert_inside, (R.standard_normal(3),))
