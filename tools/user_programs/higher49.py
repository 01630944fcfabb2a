# ruff: noqa
"""Users' programs of session 49 (helper `users`): second derivatives of every function the
first-order suites cover (autograd's test_systematic checks grad of grad), written as users
do: `s2sad.hessian` of a scalar loss built on the function, and the gradient of a gradient
(`s2sad.grad(s2sad.grad(f))`, `elementwise_grad` of tanh six times as autograd's tanh
example, a Jacobian of a gradient), reductions with axis / keepdims, linear algebra on
stacks.

    python tools/user_programs/run.py higher49

Known flag, no bug: hess_norm_nuc (run.py's differences of differences through an SVD are
off by ~5e-4; s2sad's Hessian equals JAX's to 5e-15).
"""
import numpy as np
import scipy.special as sp

import s2sad
from systematic49 import arr, UNARY_ANY, UNARY_POS, UNARY_UNIT, BINARY, REDUCE, x3
from linalg49 import gen, spd

CASES = []
RNG = np.random.default_rng(4951)


def reg(name, f, *argsets, wrt=0, hess=True):
    CASES.append((name, f, argsets, wrt, hess))


def loss_of(fn, **kw):
    """A scalar loss of fn's output that is not linear in it (autograd's combo checks)."""
    def loss(x):
        y = fn(x, **kw)
        return np.sum(y * y) + np.sum(np.sin(y))
    return loss


def loss_of2(fn, **kw):
    def loss(xy):
        y = fn(xy[0], xy[1], **kw)
        return np.sum(y * y) + np.sum(np.sin(y))
    return loss


SKIP = {"fix", "floor", "ceil", "round", "rint", "trunc", "sign", "spacing", "real",
        "conj", "conjugate", "positive", "i0", "nan_to_num"}
for name in UNARY_ANY + UNARY_POS + UNARY_UNIT:
    if name in SKIP:
        continue
    x = arr((2, 3), 1.1) if name in UNARY_POS else (np.tanh(arr((2, 3))) * 0.9 if name in UNARY_UNIT else arr((2, 3)))
    reg(f"hess_{name}", loss_of(getattr(np, name)), (x,))

for name in BINARY:
    if name.endswith("_") or name in ("mod", "fmod", "remainder", "copysign"):
        continue
    xy = np.stack([arr((3,), 0.5), arr((3,), 0.7)])
    reg(f"hess_{name}", loss_of2(getattr(np, name)), (xy,))

for name in REDUCE:
    fn = np.linalg.norm if name == "linalg.norm" else getattr(np, name)
    for axis in (None, -1, (0, 2)):
        kw = {"axis": axis}
        if name != "average":
            kw["keepdims"] = axis == -1
        reg(f"hess_{name}_{axis}", loss_of(fn, **kw), (x3[:, :2, :3],))

for name, kw in [("cumsum", {"axis": 1}), ("cumprod", {"axis": -1}), ("diff", {"n": 2, "axis": 0}),
                 ("sort", {"axis": 1}), ("roll", {"shift": 1, "axis": (0, 1)}),
                 ("trace", {"offset": 1}), ("tril", {"k": -1}), ("transpose", {"axes": (1, 0)}),
                 ("percentile", {"q": 40, "axis": 0}), ("clip", {"a_min": -0.3, "a_max": 0.4})]:
    reg(f"hess_{name}", loss_of(getattr(np, name), **kw), (arr((3, 4)),))


# ---- linear algebra, second order
def la(fn):
    def loss(a):
        y = fn(a)
        return np.sum(y * y) + np.sum(np.sin(y))
    return loss

A = gen(3, 3)
S = spd(3, 3)
for name, fn, a in [("inv", np.linalg.inv, A), ("det", np.linalg.det, A),
                    ("slogdet", lambda a: np.linalg.slogdet(a)[1], A),
                    ("solve", lambda a: np.linalg.solve(a, np.arange(3.0)), A),
                    ("cholesky", np.linalg.cholesky, S), ("eigh", lambda a: np.linalg.eigh(a)[0], S),
                    ("eigh_vecs", lambda a: np.linalg.eigh(a)[1] ** 2, S),
                    ("svd", lambda a: np.linalg.svd(a, compute_uv=False), A),
                    ("pinv", np.linalg.pinv, A[:, :2]), ("qr", lambda a: np.linalg.qr(a)[1] ** 2, A),
                    ("norm_nuc", lambda a: np.linalg.norm(a, "nuc"), A),
                    ("norm_2", lambda a: np.linalg.norm(a, 2), A),
                    ("matrix_power", lambda a: np.linalg.matrix_power(a, 3), A),
                    ("expm_like", lambda a: sum(np.linalg.matrix_power(a, k) / np.prod(np.arange(1.0, k + 1)) for k in range(4)), A * 0.3),
                    ("stack_inv", lambda a: np.linalg.inv(np.stack([a, a.T + np.eye(3)])), A),
                    ("stack_det", lambda a: np.linalg.det(np.stack([a, 2 * a])), A),
                    ("stack_chol", lambda a: np.linalg.cholesky(np.stack([a, a + np.eye(3)])), S),
                    ("logsumexp", lambda a: sp.logsumexp(a, axis=0, keepdims=True), A),
                    ("softmax", lambda a: sp.softmax(a, axis=-1), A),
                    ("gammaln", lambda a: sp.gammaln(a * a + 1.0), A),
                    ("digamma", lambda a: sp.digamma(a * a + 1.0), A),
                    ("erf", sp.erf, A)]:
    reg(f"hess_{name}", la(fn), (a,))


# ---- gradients of gradients, as users write them
def tanh(x):
    return (1.0 - np.exp(-2 * x)) / (1.0 + np.exp(-2 * x))

d1 = s2sad.grad(tanh)
d2 = s2sad.grad(d1)
d3 = s2sad.grad(d2)

def tanh_third(x):
    return d3(x)
reg("tanh_third", tanh_third, (0.4,), hess=False)

def tanh_fourth(x):
    return s2sad.grad(d3)(x)
reg("tanh_fourth", tanh_fourth, (0.4,), hess=False)

def elementwise_second(x):
    """autograd's elementwise_grad of elementwise_grad, by a vjp with ones."""
    g1 = lambda v: s2sad.vjp(np.tanh)(v, np.ones_like(v))[1]
    return s2sad.vjp(g1)(x, np.ones_like(x))[1]
reg("elementwise_second", elementwise_second, (np.linspace(-2, 2, 5),), hess=False)

def loss_w(w, x):
    return np.sum(np.tanh(x @ w) ** 2) + 0.1 * np.dot(w, w)

def grad_norm(w, x):
    g = s2sad.grad(loss_w)(w, x)
    return np.dot(g, g)
reg("grad_norm", grad_norm, (RNG.standard_normal(3), RNG.standard_normal((4, 3))), hess=False)

def hvp(w, x, v):
    return s2sad.jvp(s2sad.grad(loss_w), wrt=0)(w, x, v)[1]
reg("hvp", hvp, (RNG.standard_normal(3), RNG.standard_normal((4, 3)), RNG.standard_normal(3)), hess=False)

def jac_of_grad(w, x):
    return s2sad.jacobian(s2sad.grad(loss_w))(w, x)
reg("jac_of_grad", jac_of_grad, (RNG.standard_normal(3), RNG.standard_normal((4, 3))), hess=False)

def grad_wrt_data(x, w):
    return np.sum(s2sad.grad(loss_w, wrt=1)(w, x) ** 2)
reg("grad_wrt_data", grad_wrt_data, (RNG.standard_normal((4, 3)), RNG.standard_normal(3)), hess=False)

def inner_step(w, x):
    """one step of gradient descent inside the loss (MAML)."""
    w1 = w - 0.1 * s2sad.grad(loss_w)(w, x)
    return loss_w(w1, x)
reg("inner_step", inner_step, (RNG.standard_normal(3), RNG.standard_normal((4, 3))))

def value_and_grad_inside(w, x):
    v, g = s2sad.value_and_grad(loss_w)(w, x)
    return v * np.sum(g)
reg("value_and_grad_inside", value_and_grad_inside, (RNG.standard_normal(3), RNG.standard_normal((4, 3))), hess=False)

def hessian_trace(w, x):
    return np.trace(s2sad.hessian(loss_w)(w, x))
reg("hessian_trace", hessian_trace, (RNG.standard_normal(3), RNG.standard_normal((4, 3))), hess=False)


# ---- holomorphic functions of complex arguments, as real functions of their parts
def holo(fn):
    def real_of(xy):
        z = xy[0] + 1j * xy[1]
        return np.real(np.sum(s2sad.grad(fn, holomorphic=True)(z) if False else fn(z)))
    return real_of

for name in ["exp", "sin", "cos", "tanh", "log", "sqrt", "square", "reciprocal", "sinh", "cosh", "arctan", "log1p", "expm1"]:
    fn = getattr(np, name)
    reg(f"complex_{name}", holo(fn), (np.stack([arr((3,), 0.5), arr((3,))]),))


def cpoly(z):
    return z ** 3 + 2j * z - np.exp(z) * z

def holo_derivative(x):
    return np.real(s2sad.grad(cpoly, holomorphic=True)(x + 0.5j))
reg("holo_derivative", holo_derivative, (0.7,), hess=False)


def complex_matrix(xy):
    m = xy[0] + 1j * xy[1]
    return np.real(np.trace(np.linalg.inv(m + 3 * np.eye(3)) @ np.conj(m).T)) + np.abs(np.linalg.det(m)) ** 2
reg("complex_matrix", complex_matrix, (np.stack([gen(3, 3), RNG.standard_normal((3, 3))]),), hess=False)


def complex_eigh(xy):
    m = xy[0] + 1j * xy[1]
    h = m + np.conj(m).T
    w, v = np.linalg.eigh(h)
    return np.sum(w ** 3) + np.sum(np.abs(v[:, 0]) ** 4)
reg("complex_eigh", complex_eigh, (np.stack([gen(3, 3), RNG.standard_normal((3, 3))]),), hess=False)


def complex_svd(xy):
    m = xy[0] + 1j * xy[1]
    return np.sum(np.linalg.svd(m, compute_uv=False) ** 3)
reg("complex_svd", complex_svd, (np.stack([gen(3, 3), RNG.standard_normal((3, 3))]),), hess=False)


def complex_fft(xy):
    z = xy[0] + 1j * xy[1]
    return np.sum(np.abs(np.fft.fft(z * z)) ** 2) + np.real(np.fft.ifft(z)[1])
reg("complex_fft", complex_fft, (RNG.standard_normal((2, 4)),))
