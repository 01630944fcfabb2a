# ruff: noqa
"""More aliasing, views and containers as users write them."""
import numpy as np

R = np.random.default_rng(13)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def update_helper(v, g, lr):
    v -= lr * g
    return v


def helper_mutates_local(x):
    w = x.copy()
    for _ in range(3):
        g = np.sin(w)
        update_helper(w, g, 0.1)
    return np.sum(w ** 2)
reg(helper_mutates_local, (R.standard_normal(3),))


def helper_returns_same(x):
    w = x * 1.0
    w2 = update_helper(w, w ** 2, 0.1)
    w2 += 1.0
    return np.sum(w * x) + np.sum(w2)
reg(helper_returns_same, (R.standard_normal(3),))


def list_item_alias(x):
    a = x.copy()
    lst = [a, a * 2]
    lst[0] += 1.0
    return np.sum(a * x) + np.sum(lst[1])
reg(list_item_alias, (R.standard_normal(3),))


def dict_item_alias(x):
    d = {"a": x.copy()}
    v = d["a"]
    v *= 3.0
    return np.sum(d["a"] * x)
reg(dict_item_alias, (R.standard_normal(3),))


def tuple_unpack_alias(x):
    a = x.copy()
    p, q = a, a[1:]
    q *= 2.0
    return np.sum(p * x)
reg(tuple_unpack_alias, (R.standard_normal(4),))


def aliased_after_branch(x):
    a = x.copy()
    b = a if x[0] > 0 else a.copy()
    b[1] = 10.0 * x[2]
    return np.sum(a * x)
reg(aliased_after_branch, (np.array([1.0, 2.0, 3.0]),), (np.array([-1.0, 2.0, 3.0]),))


def view_in_loop_accumulate(X):
    out = np.zeros((X.shape[0], 2))
    for i in range(X.shape[0]):
        row = out[i]
        row[0] = X[i] @ X[i]
        row[1] = np.sum(X[i])
    return np.sum(out ** 2)
reg(view_in_loop_accumulate, (R.standard_normal((3, 2)),))


def column_view_update(A):
    B = A.copy()
    col = B[:, 1]
    col *= 2.0
    B[0, 1] += 1.0
    return np.sum(col * A[:, 0]) + np.sum(B)
reg(column_view_update, (R.standard_normal((3, 3)),))


def step_view(x):
    y = x.copy()
    ev = y[::2]
    od = y[1::2]
    ev += od
    od *= ev
    return np.sum(y * np.arange(len(y)))
reg(step_view, (R.standard_normal(6),))


def negative_step_view(x):
    y = x.copy()
    r = y[::-1]
    r[0] = r[1] * 2
    return np.sum(y * np.arange(1, len(y) + 1))
reg(negative_step_view, (R.standard_normal(4),))


def array_of_list_alias(xs):
    a = np.array(xs)
    b = np.asarray(a)
    b *= 2
    return np.sum(a ** 2)
reg(array_of_list_alias, (R.standard_normal(3),))


def asarray_argument_copy(x):
    y = np.asarray(x)
    z = y.copy()
    z[0] = 5.0
    return np.sum(z * x)
reg(asarray_argument_copy, (R.standard_normal(3),))


def squeeze_view(X):
    Y = X.copy()
    s = Y[0:1].squeeze()
    s *= 2.0
    return np.sum(Y ** 2)
reg(squeeze_view, (R.standard_normal((2, 3)),))


def newaxis_view(x):
    y = x.copy()
    col = y[:, None]
    col += 1.0
    return np.sum(y * x)
reg(newaxis_view, (R.standard_normal(3),))


def swapaxes_view(A):
    B = A.copy()
    C = np.swapaxes(B, 0, 1)
    C[0] = 0.0
    return np.sum(B * A)
reg(swapaxes_view, (R.standard_normal((2, 3)),))


def ellipsis_write(A):
    B = A.copy()
    B[..., 0] = B[..., 1] ** 2
    return np.sum(B * A)
reg(ellipsis_write, (R.standard_normal((2, 3)),))


def boolean_index_copy(x):
    y = x.copy()
    pos = y[y > 0]
    pos *= 10.0
    return np.sum(y) + np.sum(pos)
reg(boolean_index_copy, (np.array([0.5, -1.0, 2.0, -0.1]),))


def fancy_index_copy(x):
    y = x.copy()
    sel = y[[0, 2]]
    sel += 5.0
    return np.sum(y * x) + np.sum(sel * x[[1, 3]])
reg(fancy_index_copy, (R.standard_normal(4),))


def fancy_write_repeated(x):
    y = np.zeros(3)
    y[[0, 0, 1]] += x
    return np.sum(y * np.array([1.0, 2.0, 3.0]))
reg(fancy_write_repeated, (R.standard_normal(3),))


def where_inplace_mul(x):
    y = x.copy()
    y *= np.where(y > 0, 2.0, 0.5)
    return np.sum(y ** 2)
reg(where_inplace_mul, (np.array([0.5, -1.0, 2.0]),))


def copyto_user(x):
    y = np.zeros_like(x)
    np.copyto(y, x ** 2)
    y[0] = 0
    return np.sum(y * x)
reg(copyto_user, (R.standard_normal(3),))


def out_param_add(x, w):
    buf = np.empty_like(x)
    np.multiply(x, w, out=buf)
    np.add(buf, 1.0, out=buf)
    return np.sum(buf ** 2)
reg(out_param_add, (R.standard_normal(3), R.standard_normal(3)), wrt=(0, 1))


def matrix_rows_swap_views(A):
    B = A.copy()
    B[0], B[1] = B[1].copy(), B[0].copy()
    return np.sum(B * np.arange(B.size).reshape(B.shape))
reg(matrix_rows_swap_views, (R.standard_normal((2, 3)),))


def matrix_rows_swap_noncopy(A):
    B = A.copy()
    B[[0, 1]] = B[[1, 0]]
    return np.sum(B * np.arange(B.size).reshape(B.shape))
reg(matrix_rows_swap_noncopy, (R.standard_normal((2, 3)),))


def python_swap_of_views(a):
    x = a.copy()
    x[0], x[1] = x[1], x[0]
    return x[0] * 2 + x[1]
reg(python_swap_of_views, (R.standard_normal(3),))


def kalman_filter(q, ys):
    x, P = 0.0, 1.0
    ll = 0.0
    for y in ys:
        P = P + q
        S = P + 0.5
        K = P / S
        r = y - x
        ll += -0.5 * (np.log(2 * np.pi * S) + r * r / S)
        x = x + K * r
        P = (1 - K) * P
    return ll
reg(kalman_filter, (0.3, R.standard_normal(6)), hess=True)


def kalman_matrix(Q, ys):
    n = Q.shape[0]
    x = np.zeros(n); P = np.eye(n)
    H = np.ones((1, n))
    ll = 0.0
    for y in ys:
        P = P + Q
        S = H @ P @ H.T + 0.5
        K = P @ H.T / S
        r = y - (H @ x)[0]
        ll -= 0.5 * (np.log(S[0, 0]) + r ** 2 / S[0, 0])
        x = x + K[:, 0] * r
        P = P - K @ H @ P
    return ll
reg(kalman_matrix, (np.eye(2) * 0.2 + 0.05, R.standard_normal(5)))


def metropolis_fixed(theta, u, z):
    x = 0.0
    acc = 0.0
    for k in range(len(u)):
        prop = x + theta * z[k]
        if np.log(u[k]) < -0.5 * prop ** 2 + 0.5 * x ** 2:
            x = prop
            acc += 1
    return x ** 2 + acc
reg(metropolis_fixed, (0.8, R.random(8), R.standard_normal(8)))


def verlet(x0, v0, k):
    x, v = x0, v0
    a = -k * x
    for _ in range(20):
        x = x + 0.1 * v + 0.005 * a
        a_new = -k * x
        v = v + 0.05 * (a + a_new)
        a = a_new
    return x * x + v * v
reg(verlet, (1.0, 0.0, 2.0), wrt=(0, 1, 2), hess=False)


def ising_energy_soft(s, J):
    n = len(s)
    E = 0.0
    for i in range(n):
        E -= J * np.tanh(s[i]) * np.tanh(s[(i + 1) % n])
    return E
reg(ising_energy_soft, (R.standard_normal(5), 0.7), wrt=(0, 1))


def finite_volume(u0, c):
    u = u0.copy()
    for _ in range(10):
        flux = c * u
        u[1:] -= 0.1 * (flux[1:] - flux[:-1])
        u[0] -= 0.1 * (flux[0] - flux[-1])
    return np.sum(u ** 2)
reg(finite_volume, (R.standard_normal(6), 0.8), wrt=(0, 1))


def grid_2d_inplace(T0):
    T = T0.copy()
    for _ in range(3):
        T[1:-1, 1:-1] = 0.25 * (T[:-2, 1:-1] + T[2:, 1:-1] + T[1:-1, :-2] + T[1:-1, 2:])
    return np.sum(T * np.arange(T.size).reshape(T.shape))
reg(grid_2d_inplace, (R.standard_normal((4, 5)),))


def gauss_seidel_2d(T0):
    T = T0.copy()
    for i in range(1, T.shape[0] - 1):
        for j in range(1, T.shape[1] - 1):
            T[i, j] = 0.25 * (T[i - 1, j] + T[i + 1, j] + T[i, j - 1] + T[i, j + 1])
    return np.sum(T ** 2)
reg(gauss_seidel_2d, (R.standard_normal((4, 4)),))


def particle_list_objects(xs, vs):
    parts = [[x, v] for x, v in zip(xs, vs)]
    for _ in range(5):
        for p in parts:
            p[0] = p[0] + 0.1 * p[1]
            p[1] = p[1] - 0.1 * p[0]
    return sum(p[0] ** 2 for p in parts)
reg(particle_list_objects, (R.standard_normal(3), R.standard_normal(3)), wrt=(0, 1))


def list_of_lists_matrix(x):
    M = [[0.0] * 3 for _ in range(3)]
    for i in range(3):
        for j in range(3):
            M[i][j] = x[i] * x[j] + (1.0 if i == j else 0.0)
    return np.linalg.det(np.array(M))
reg(list_of_lists_matrix, (R.standard_normal(3),))


def shared_row_list(x):
    row = [0.0] * 3
    M = [row, row]
    M[0][1] = x[0]
    return M[1][1] * x[1]
reg(shared_row_list, (R.standard_normal(2),))


def accumulate_into_param_copy(params):
    p = {k: v.copy() for k, v in params.items()}
    for k in p:
        p[k] *= 2.0
    return sum(np.sum(v * params[k]) for k, v in p.items())
reg(accumulate_into_param_copy, ({"a": R.standard_normal(2), "b": R.standard_normal(3)},))


def ravel_inplace_matrix(A):
    B = A.copy()
    B.ravel()[0] = 3.0
    return np.sum(B * A)
reg(ravel_inplace_matrix, (R.standard_normal((2, 2)),))


def reshape_then_write(x):
    M = x.reshape(2, 2).copy()
    M[0, 0] = M[1, 1] ** 2
    return np.sum(M * x.reshape(2, 2))
reg(reshape_then_write, (R.standard_normal(4),))


def reshape_argument_view_read(x):
    y = x * 1.0
    M = y.reshape(2, 2)
    y[0] = 7.0
    return np.sum(M * x.reshape(2, 2))
reg(reshape_argument_view_read, (R.standard_normal(4),))


def T_view_read_after_write(A):
    B = A + 0.0
    Bt = B.T
    B[0, 1] = 5.0
    return np.sum(Bt * A.T)
reg(T_view_read_after_write, (R.standard_normal((2, 2)),))


def increment_through_generator(x):
    y = x.copy()
    for r in (y[:2], y[2:]):
        r *= 2
    return np.sum(y * x)
reg(increment_through_generator, (R.standard_normal(4),))


def reversed_inplace(x):
    y = x.copy()
    y[:] = y[::-1]
    return np.sum(y * np.arange(len(y)))
reg(reversed_inplace, (R.standard_normal(5),))


def roll_inplace(x):
    y = x.copy()
    y[1:] = y[:-1]
    return np.sum(y * np.arange(len(y)))
reg(roll_inplace, (R.standard_normal(5),))


def cumsum_out(x):
    y = np.empty_like(x)
    np.cumsum(x, out=y)
    return np.sum(y ** 2)
reg(cumsum_out, (R.standard_normal(4),))


def nan_to_num_guard(x):
    y = np.log(np.abs(x))
    y = np.nan_to_num(y)
    return np.sum(y * x)
reg(nan_to_num_guard, (np.array([0.5, -2.0, 1.5]),))


def mean_center_inplace(X):
    X = X.copy()
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    return np.sum(X[:, 0] * X[:, 1])
reg(mean_center_inplace, (R.standard_normal((5, 2)),))


def gram_inplace_diag(X):
    G = X @ X.T
    G.flat[:: G.shape[0] + 1] += 1.0
    return np.linalg.slogdet(G)[1]
reg(gram_inplace_diag, (R.standard_normal((3, 2)),))


def setdefault_accumulate(xs, keys):
    d = {}
    for x, k in zip(xs, keys):
        d.setdefault(k, []).append(x)
    return sum(np.prod(v) for v in d.values())
reg(setdefault_accumulate, (R.standard_normal(5), ["a", "b", "a", "c", "b"]))


def object_attribute_list(ws):
    class_free = [w * 2 for w in ws]
    out = 0.0
    for i, w in enumerate(class_free):
        class_free[i] = w + 1
        out += np.sum(class_free[i] * ws[i])
    return out
reg(object_attribute_list, ([R.standard_normal(2), R.standard_normal(2)],))
