"""NumPy odds and ends differentiated through their closed forms (``defthrough``,
s2sad/rules/numpy_extra.py): np.interp, np.gradient, np.trapezoid, np.polyval,
np.polyfit, scipy.signal.convolve / fftconvolve, scipy.integrate.trapezoid.  Each value
equals the library's; reverse and forward derivatives in each argument equal central
differences of the library function; Hessians for a few.  (The template rules of the
module, np.partition, the running extrema and np.convolve / np.correlate, have rows in
rows_extra.py.)"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

import s2sad
from gradcheck import check_grad, check_jvp
from s2sad.rules import numpy_extra, registry

ss = pytest.importorskip("scipy.signal")
si = pytest.importorskip("scipy.integrate")

EPS = 1e-6
rng = np.random.default_rng(99)


# module-level functions (s2sad reads their source), one call each
def interp(x, xp, fp):
    return np.interp(x, xp, fp)


def interp_lr(x, xp, fp, left, right):
    return np.interp(x, xp, fp, left=left, right=right)


def gradient(f):
    return np.gradient(f)


def gradient_spaced(f, h):
    return np.gradient(f, h)


def gradient_edge2(f, h):
    return np.gradient(f, h, edge_order=2)


def gradient_axis(f):
    return np.gradient(f, axis=1, edge_order=2)


def gradient_all(f):
    gy, gx = np.gradient(f)
    return np.sin(gy) + gx * gx


def gradient_3d(f):
    a, b, c = np.gradient(f)
    return a + b + c


def trapezoid(y):
    return np.trapezoid(y)


def trapezoid_x(y, x):
    return np.trapezoid(y, x)


def trapezoid_dx(y, dx):
    return np.trapezoid(y, dx=dx, axis=0)


def trapezoid_xnd(y, x):
    return np.trapezoid(y, x, axis=0)


def scipy_trapezoid(y, x):
    return si.trapezoid(y, x)


def polyval(p, x):
    return np.polyval(p, x)


def polyfit(x, y):
    return np.polyfit(x, y, 2)


def convolve_full(a, b):
    return ss.convolve(a, b)


def convolve_same(a, b):
    return ss.convolve(a, b, mode="same")


def convolve_valid(a, b):
    return ss.convolve(a, b, "valid")


def fftconvolve_full(a, b):
    return ss.fftconvolve(a, b)


def fftconvolve_same(a, b):
    return ss.fftconvolve(a, b, mode="same")


def fftconvolve_valid(a, b):
    return ss.fftconvolve(a, b, mode="valid")


_xp = np.sort(rng.uniform(0.0, 5.0, 6))
_x = rng.uniform(-1.0, 6.0, 7)
CASES = [  # (function, library result, args, differentiable positions)
    (interp, lambda x, xp, fp: np.interp(x, xp, fp), (_x, _xp, rng.standard_normal(6)), (0, 2)),
    (interp, lambda x, xp, fp: np.interp(x, xp, fp), (1.7, _xp, rng.standard_normal(6)), (0, 2)),
    (interp_lr, lambda x, xp, fp, lo, hi: np.interp(x, xp, fp, left=lo, right=hi),
     (_x, _xp, rng.standard_normal(6), 0.3, -0.4), (0, 2, 3, 4)),
    (gradient, np.gradient, (rng.standard_normal(7),), (0,)),
    (gradient_spaced, np.gradient, (rng.standard_normal(7), 0.7), (0, 1)),
    (gradient_edge2, lambda f, h: np.gradient(f, h, edge_order=2),
     (rng.standard_normal(7), 0.7), (0, 1)),
    (gradient_axis, lambda f: np.gradient(f, axis=1, edge_order=2),
     (rng.standard_normal((3, 5)),), (0,)),
    (gradient_all, lambda f: np.sin(np.gradient(f)[0]) + np.gradient(f)[1] ** 2,
     (rng.standard_normal((3, 5)),), (0,)),
    (gradient_3d, lambda f: np.sum(np.stack(np.gradient(f)), axis=0),
     (rng.standard_normal((3, 4, 5)),), (0,)),
    (trapezoid, np.trapezoid, (rng.standard_normal((3, 5)),), (0,)),
    (trapezoid_x, np.trapezoid, (rng.standard_normal((3, 5)), np.sort(rng.standard_normal(5))),
     (0, 1)),
    (trapezoid_dx, lambda y, dx: np.trapezoid(y, dx=dx, axis=0),
     (rng.standard_normal((4, 3)), 0.3), (0, 1)),
    (trapezoid_xnd, lambda y, x: np.trapezoid(y, x, axis=0),
     (rng.standard_normal((4, 3)), np.sort(rng.standard_normal((4, 3)), axis=0)), (0, 1)),
    (scipy_trapezoid, si.trapezoid, (rng.standard_normal(6), np.sort(rng.standard_normal(6))),
     (0, 1)),
    (polyval, np.polyval, (rng.standard_normal(4), rng.uniform(-1.5, 1.5, 5)), (0, 1)),
    (polyval, np.polyval, (rng.standard_normal(3), 0.8), (0, 1)),
    (polyfit, lambda x, y: np.polyfit(x, y, 2), (np.linspace(-1, 2, 7), rng.standard_normal(7)),
     (1,)),
    (polyfit, lambda x, y: np.polyfit(x, y, 2),
     (np.linspace(-1, 2, 7), rng.standard_normal((7, 3))), (1,)),
]
for _f, _lib, _mode in [(convolve_full, ss.convolve, "full"), (convolve_same, ss.convolve, "same"),
                        (convolve_valid, ss.convolve, "valid"),
                        (fftconvolve_full, ss.fftconvolve, "full"),
                        (fftconvolve_same, ss.fftconvolve, "same"),
                        (fftconvolve_valid, ss.fftconvolve, "valid")]:
    for _n1, _n2 in [(7, 4), (6, 3)] + ([(3, 6)] if _mode != "valid" else []):
        CASES.append((_f, lambda a, b, _lib=_lib, _mode=_mode: _lib(a, b, mode=_mode),
                      (rng.standard_normal(_n1), rng.standard_normal(_n2)), (0, 1)))


def _label(case) -> str:
    return f"{case[0].__name__}-{'x'.join(str(np.shape(a)) for a in case[2])}"


PAIRS = [(c, w) for c in CASES for w in c[3]]


def _moved(args, w, v, t):
    args = list(args)
    args[w] = args[w] + t * v
    return args


def _difference(fn, args, w, v):
    hi, lo = fn(*_moved(args, w, v, EPS)), fn(*_moved(args, w, v, -EPS))
    return (np.asarray(hi) - np.asarray(lo)) / (2 * EPS)


def _near(a, b, scale=1.0) -> None:
    a, b = np.asarray(a, float), np.asarray(b, float)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6 * (scale + np.abs(b).max(initial=0)))


def test_the_references_are_registered() -> None:
    for fn, ref in [(np.interp, numpy_extra.interp), (np.gradient, numpy_extra.gradient),
                    (np.trapezoid, numpy_extra.trapezoid), (np.polyval, numpy_extra.polyval),
                    (np.polyfit, numpy_extra.polyfit), (si.trapezoid, numpy_extra.trapezoid),
                    (ss.convolve, numpy_extra.signal_convolve),
                    (ss.fftconvolve, numpy_extra.signal_fftconvolve)]:
        assert registry.lookup_through(fn) is ref


@pytest.mark.parametrize("case", CASES, ids=_label)
def test_value_is_the_librarys(case) -> None:
    f, lib, args, wrts = case
    np.testing.assert_allclose(f(*args), lib(*args), rtol=1e-12, atol=1e-13)
    # the reference itself (what s2sad differentiates) gives the same value
    value, _ = s2sad.vjp(f, wrt=wrts[-1])(*args, np.ones(np.shape(lib(*args))))
    np.testing.assert_allclose(value, lib(*args), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case, w", PAIRS, ids=[f"{_label(c)}[{w}]" for c, w in PAIRS])
def test_vjp_and_jvp_against_differences(case, w) -> None:
    f, lib, args, _ = case
    r = np.random.default_rng(abs(hash((_label(case), w))) % 2**32)
    x = args[w]
    v = r.standard_normal(np.shape(x))
    v = float(v) if np.ndim(x) == 0 else v
    fd = _difference(lib, args, w, v)
    ans = lib(*args)
    u = r.standard_normal(np.shape(ans))
    _, adj = s2sad.vjp(f, wrt=w)(*args, u)
    assert np.shape(adj) == np.shape(x)
    _near(np.sum(np.asarray(adj) * v), np.sum(u * fd))
    _, tangent = s2sad.jvp(f, wrt=w)(*args, v)
    assert np.shape(tangent) == np.shape(ans)
    _near(tangent, fd)


def test_interp_at_the_knots_takes_the_right_segment() -> None:
    xp, fp = np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0])
    x = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    value, adj = s2sad.vjp(interp, wrt=0)(x, xp, fp, np.ones(6))
    assert value.tolist() == np.interp(x, xp, fp).tolist()
    assert adj.tolist() == [0.0, 2.0, 0.5, 0.5, 0.0, 0.0]


# ----- second order -----

def interp_loss(x, fp):
    return np.sum(np.sin(np.interp(x, XP, fp)))


def polyval_loss(p, x):
    return np.sum(np.polyval(p, x) ** 2)


def smooth_loss(f):
    return np.sum(np.gradient(np.sin(f), 0.5) ** 2) + np.trapezoid(np.exp(f), dx=0.1)


def signal_loss(a, b):
    return np.sum(np.cos(ss.fftconvolve(a, b, mode="same")))


XP = np.linspace(0.0, 4.0, 5)
SECOND = [(interp_loss, (rng.uniform(0.2, 3.8, 6), rng.standard_normal(5)), (0, 1)),
          (polyval_loss, (rng.standard_normal(4), rng.standard_normal(3)), (0, 1)),
          (smooth_loss, (rng.standard_normal(6),), (0,)),
          (signal_loss, (rng.standard_normal(6), rng.standard_normal(3)), (0, 1))]


@pytest.mark.parametrize("f, args, wrts", SECOND, ids=[s[0].__name__ for s in SECOND])
def test_hessian(f, args, wrts) -> None:
    r = np.random.default_rng(3)
    for w in wrts:
        x = args[w]
        v = r.standard_normal(np.shape(x))
        g = s2sad.grad(f, wrt=w)(*args)
        _near(np.sum(g * v), _difference(f, args, w, v))
        h = np.asarray(s2sad.hessian(f, wrt=w)(*args))
        gd = _difference(s2sad.grad(f, wrt=w), args, w, v)
        _near(h @ v, gd, scale=np.abs(g).max())


def gradient_two_axes(x):
    gx, gy = np.gradient(x, axis=(0, 1))
    return np.sum(gx * gx) + np.sum(np.sin(gy))


def gradient_axes_list(x):
    return np.sum(np.gradient(x, axis=[1])[0] ** 2)


@pytest.mark.parametrize("f", [gradient_two_axes, gradient_axes_list])
def test_gradient_with_a_tuple_of_axes(f):
    x = np.linspace(-1, 1, 20).reshape(4, 5) ** 2
    g = s2sad.grad(f)(x)
    d = np.cos(np.arange(20.0)).reshape(4, 5)
    fd = (f(x + 1e-6 * d) - f(x - 1e-6 * d)) / 2e-6
    assert abs(np.sum(g * d) - fd) < 1e-6 * max(1.0, abs(fd))


def kron_scale(s, m):
    return np.sum(np.abs(np.kron(s, m)) ** 2)


def test_kron_of_a_real_number_and_a_complex_matrix():
    m = np.array([[1.0 + 2.0j, 0.5], [-1.0j, 2.0]])
    g = s2sad.grad(kron_scale)(0.7, m)
    assert isinstance(g, float)
    assert g == pytest.approx(2 * 0.7 * np.sum(np.abs(m) ** 2), rel=1e-12)


def selected(x, d):
    return np.sum(np.select([x > 1.0, x < -0.5], [x ** 2, np.sin(x) * d], default=d * 3.0))


def test_select_takes_the_first_true_choice():
    x = np.array([1.5, 0.2, -1.0, 2.0, -0.2])
    d = np.array([0.3, -0.7, 1.1, 0.4, 2.0])
    assert selected(x, d) == pytest.approx(float(np.sum(np.select(
        [x > 1.0, x < -0.5], [x ** 2, np.sin(x) * d], default=d * 3.0))))
    gx, gd = s2sad.grad(selected, wrt=(0, 1))(x, d)
    np.testing.assert_allclose(gx, [3.0, 0.0, np.cos(-1.0) * 1.1, 4.0, 0.0])
    np.testing.assert_allclose(gd, [0.0, 3.0, np.sin(-1.0), 0.0, 3.0])
    _, t = s2sad.jvp(selected)(x, d, np.ones(5))
    assert t == pytest.approx(float(np.sum(gx)))


# ----- scipy.signal.convolve of arrays of two or more axes, in every mode -----

def _convolved_2d(a, b):
    return np.sum(np.sin(scipy.signal.convolve(a, b)) ** 2)


def _convolved_modes(a, b):
    return np.sum(scipy.signal.convolve(a, b, mode="same") * a) + \
        np.sum(scipy.signal.fftconvolve(a, b, mode="valid") ** 3)


@pytest.mark.parametrize("f", [_convolved_2d, _convolved_modes])
def test_nd_convolution_at_first_and_second_order(f):
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=(4, 5)), rng.normal(size=(2, 3))
    ga, gb = s2sad.grad(f, wrt=(0, 1))(a, b)
    eps = 1e-6
    for x, gx, k in ((a, ga, 0), (b, gb, 1)):
        fd = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[i] = eps
            args_p, args_m = [a, b], [a, b]
            args_p[k], args_m[k] = x + e, x - e
            fd[i] = (f(*args_p) - f(*args_m)) / (2 * eps)
        np.testing.assert_allclose(gx, fd, atol=1e-7)
    g = s2sad.grad(f)
    H = s2sad.hessian(f)(a, b)
    basis = np.eye(a.size).reshape((a.size,) + a.shape)
    Hfd = np.stack([(g(a + 1e-6 * e, b) - g(a - 1e-6 * e, b)) / 2e-6 for e in basis], -1)
    np.testing.assert_allclose(H, Hfd.reshape(a.shape + a.shape), atol=1e-6)


# ----- np.interp with the knots or values given as lists or tuples of numbers (indexed
# by an array inside the closed form: a TypeError before, reported as an s2sad bug) -----

def _interp_values_at_list_knots(fp):
    return np.sum(np.interp([0.5, 1.5, 2.9], [0.0, 1.0, 2.0, 3.0], fp) ** 2)


def _interp_at_tuple_knots(x):
    return np.sum(np.interp(x, (0.0, 1.0, 2.0), (1.0, 3.0, 2.0), left=0.0, right=x[0]))


def _interp_list_of_numbers(a):
    return np.interp(0.3, [0.0, 1.0], [a, 2 * a ** 2])


@pytest.mark.parametrize("f, arg", [
    (_interp_values_at_list_knots, np.array([0.3, 1.2, 2.5, 0.1])),
    (_interp_at_tuple_knots, np.array([-0.5, 0.5, 1.25, 2.5])),
    (_interp_list_of_numbers, 1.3),
])
def test_interp_of_lists_of_numbers(f, arg) -> None:
    check_grad(f, arg)
    check_jvp(f, arg)


def test_interp_of_list_knots_closed_form() -> None:
    fp = np.array([0.3, 1.2, 2.5, 0.1])
    # the points 0.5, 1.5, 2.9 take halves of fp[0..1], fp[1..2], and 0.1 / 0.9 of fp[2..3]
    at = np.array([0.5 * (fp[0] + fp[1]), 0.5 * (fp[1] + fp[2]), 0.1 * fp[2] + 0.9 * fp[3]])
    expected = 2 * np.array([0.5 * at[0], 0.5 * at[0] + 0.5 * at[1], 0.5 * at[1] + 0.1 * at[2],
                             0.9 * at[2]])
    np.testing.assert_allclose(s2sad.grad(_interp_values_at_list_knots)(fp), expected,
                               rtol=1e-12)
