# ruff: noqa
"""Users' programs of session 44 (helper 80), first batch: the refused patterns users
expect to work (lists of functions held by objects, ``M()(x)``, a function picked from a
dict by an option, a function chosen by a branch, ``hasattr(np, ...)``), and views."""
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def relu(z):
    return np.maximum(z, 0.0)


def softplus(z):
    return np.log1p(np.exp(z))


class Stack:
    def __init__(self):
        self.layers = [np.tanh, relu, np.sin]

    def __call__(self, x):
        for fn in self.layers:
            x = fn(x) + 0.1 * x
        return x


def object_list_of_functions(x):
    net = Stack()
    return np.sum(net(x) ** 2)
reg(object_list_of_functions, (np.array([0.3, -0.8, 1.2, 0.05]),), hess=True)


class Scale:
    def __init__(self, a=2.0):
        self.a = a

    def __call__(self, x):
        return self.a * np.tanh(x)


def inline_construct_call(x):
    return np.sum(Scale(1.5)(x) ** 2) + np.sum(Scale()(x * 0.5))
reg(inline_construct_call, (np.array([0.3, -0.8, 1.2]),), hess=True)


ACTS = {"tanh": np.tanh, "relu": relu, "softplus": softplus}


def act_from_options(x, w):
    opts = {"act": "softplus", "depth": 2}
    h = x
    for _ in range(opts["depth"]):
        h = ACTS[opts["act"]](w @ h)
    return np.sum(h ** 2)
reg(act_from_options, (np.array([0.3, -0.8, 1.2]), np.array([[0.5, -0.2, 0.1], [0.3, 0.2, -0.4], [0.1, 0.1, 0.6]])), wrt=(0, 1))


def act_by_branch(x, smooth):
    if smooth:
        act = softplus
    else:
        act = np.tanh
    return np.sum(act(x) * x)
reg(act_by_branch, (np.array([0.3, -0.8, 1.2]), True), (np.array([0.3, -0.8, 1.2]), False))


def act_by_data_branch(x):
    act = np.tanh if np.sum(x) > 0.5 else np.sin
    return np.sum(act(2 * x))
reg(act_by_data_branch, (np.array([0.3, -0.8, 1.2]),), (np.array([0.3, -0.8, -1.2]),))


def trapezoid_compat(y):
    if hasattr(np, "trapezoid"):
        integrate = np.trapezoid
    else:
        integrate = np.trapz
    t = np.linspace(0.0, 1.0, y.size)
    return integrate(y ** 2, t)
reg(trapezoid_compat, (np.array([0.3, -0.8, 1.2, 0.7, 0.1]),))


def trapezoid_getattr(y):
    integrate = getattr(np, "trapezoid", None) or getattr(np, "trapz")
    return integrate(np.sin(y), dx=0.1)
reg(trapezoid_getattr, (np.array([0.3, -0.8, 1.2, 0.7, 0.1]),))


class Net:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.params = [(rng.standard_normal((m, n)) * 0.5, np.zeros(m)) for n, m in zip(sizes[:-1], sizes[1:])]
        self.acts = [np.tanh] * (len(sizes) - 2) + [lambda z: z]

    def forward(self, x):
        for (W, b), act in zip(self.params, self.acts):
            x = act(W @ x + b)
        return x


def net_with_act_list(x):
    net = Net([3, 4, 2])
    return np.sum(net.forward(x) ** 2)
reg(net_with_act_list, (np.array([0.3, -0.8, 1.2]),))


def dict_of_losses(pred, y):
    losses = {"mse": lambda p, t: np.mean((p - t) ** 2), "mae_soft": lambda p, t: np.mean(np.sqrt((p - t) ** 2 + 1e-3))}
    total = 0.0
    for name, fn in losses.items():
        total = total + fn(pred, y)
    return total
reg(dict_of_losses, (np.array([0.3, -0.8, 1.2]), np.array([0.1, 0.2, 0.3])))


def pipeline_list(x):
    steps = [lambda v: v - v.mean(), lambda v: v / np.sqrt(np.mean(v ** 2) + 1e-6), np.tanh]
    for s in steps:
        x = s(x)
    return np.sum(x * np.arange(x.size))
reg(pipeline_list, (np.array([0.3, -0.8, 1.2, 0.4]),), hess=True)


def alias_add_inplace(x):
    a = x.copy()
    b = a
    b += 1.0
    c = a[1:]
    c *= 2.0
    return np.sum(a ** 2) + np.sum(b * c[0])
reg(alias_add_inplace, (np.array([0.3, -0.8, 1.2, 0.4]),), hess=True)


def transpose_view_inplace(M):
    A = M.copy()
    At = A.T
    At[0] *= 3.0
    return np.sum(A * M)
reg(transpose_view_inplace, (np.array([[0.3, -0.8], [1.2, 0.4], [0.5, 0.6]]),))


def reshape_view_inplace(x):
    buf = x * 1.0
    grid = buf.reshape(2, 3)
    grid[:, 1] += grid[:, 0] ** 2
    return np.sum(buf * np.arange(6))
reg(reshape_view_inplace, (np.array([0.3, -0.8, 1.2, 0.4, 0.2, -0.1]),), hess=True)


def asarray_no_copy(x):
    y = np.asarray(x, dtype=float) * 1.0
    z = np.asarray(y)
    z[0] = z[1] * z[2]
    return np.sum(y ** 2)
reg(asarray_no_copy, (np.array([0.3, -0.8, 1.2]),))


def copy_then_alias(x):
    y = x.copy()
    v = y[::2]
    y[0] = 5.0 * y[1]
    return np.sum(v * x[::2])
reg(copy_then_alias, (np.array([0.3, -0.8, 1.2, 0.4, 0.9]),))


def view_of_view_write(x):
    y = x + 0.0
    a = y[1:]
    b = a[:-1]
    b *= a[-1]
    return np.sum(y ** 2)
reg(view_of_view_write, (np.array([0.3, -0.8, 1.2, 0.4, 0.9]),), hess=True)


def slice_assign_loop(x):
    n = x.size
    out = np.zeros(n)
    for i in range(1, n):
        out[i:] += x[i - 1] * 0.5
    return np.sum(out * x)
reg(slice_assign_loop, (np.array([0.3, -0.8, 1.2, 0.4]),), hess=True)


def roll_stencil_heat(u0, nu):
    u = u0.copy()
    for _ in range(5):
        u = u + nu * (np.roll(u, 1) - 2 * u + np.roll(u, -1))
    return np.sum(u ** 3)
reg(roll_stencil_heat, (np.array([0.3, -0.8, 1.2, 0.4, 0.9]), 0.2), wrt=(0, 1))


def fd_inplace_interior(u0, nu):
    u = u0.copy()
    for _ in range(4):
        lap = u[:-2] - 2 * u[1:-1] + u[2:]
        u[1:-1] += nu * lap
    return np.sum(u * u0)
reg(fd_inplace_interior, (np.array([0.3, -0.8, 1.2, 0.4, 0.9]), 0.2), wrt=(0, 1))


def fd_inplace_interior_bug(u0, nu):
    # the classic: the update reads u while it is written (slices overlap, numpy buffers)
    u = u0.copy()
    for _ in range(3):
        u[1:-1] += nu * (u[:-2] - 2 * u[1:-1] + u[2:])
    return np.sum(u ** 2)
reg(fd_inplace_interior_bug, (np.array([0.3, -0.8, 1.2, 0.4, 0.9]), 0.2), wrt=(0, 1))
