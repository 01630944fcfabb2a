"""Probes in the style of other AD tools' own suites (PyTorch's test_autograd and
gradcheck, Zygote's gradcheck.jl, Enzyme's C test programs written as Python loops,
autograd's test_builtins / test_dict, SciPy-heavy user code), helper 75: the cases
that were refused on main though a user plainly expects a gradient (three variations
each), and a sample of the probes that passed, as regressions.  Every number is
checked against central differences in float64, and a closed form where there is one."""
from __future__ import annotations

import functools
import itertools
import operator
from collections import defaultdict

import numpy as np
import numpy.polynomial as npp
import pytest
import scipy.fft as sf
import scipy.integrate as si
import scipy.linalg as sla
import scipy.special as sp

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

# ----- two lambdas alike in kind on one line, ``map(lambda v: .., filter(lambda v: ..,
# x))``: the one inlined was looked for by the columns of its code, which s2sad had
# compiled apart from its line (refused: "cannot tell which lambda is meant") -----


def squares_of_positives(x):
    return sum(map(lambda v: v ** 2, filter(lambda v: v > 0, x)))


def cubes_of_large(x):
    return sum(map(lambda v: v ** 3, filter(lambda v: abs(v) > 0.4, x)))


def sines_of_sorted_by_size(x):
    return sum(map(lambda v: np.sin(v), sorted(x, key=lambda v: abs(v)))) * max(x, key=lambda v: v)


@pytest.mark.parametrize("f", [squares_of_positives, cubes_of_large, sines_of_sorted_by_size])
def test_two_lambdas_on_one_line(f, rng):
    x = rng.standard_normal(5)
    check_grad(f, x)
    check_jvp(f, x)


def test_two_lambdas_closed_form():
    x = np.array([0.3, -0.5, 1.2, 0.7])
    np.testing.assert_allclose(s2sad.grad(squares_of_positives)(x), 2 * x * (x > 0))


# ----- itertools.accumulate with a function and an initial value (only the plain
# running sum was known: refused as a call it could not read) -----

def running_products(x):
    return sum(itertools.accumulate(x, operator.mul))


def running_blend(x):
    return sum(itertools.accumulate(x, lambda a, b: a * 0.5 + b ** 2))


def running_from_initial(x):
    return sum(itertools.accumulate(x, func=operator.mul, initial=2.0))


@pytest.mark.parametrize("f", [running_products, running_blend, running_from_initial])
def test_accumulate_with_a_function(f, rng):
    x = rng.standard_normal(4)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_accumulate_closed_form():
    x = np.array([1.5, -0.5, 2.0])
    expected = np.array([1 + x[1] + x[1] * x[2], x[0] + x[0] * x[2], x[0] * x[1]])
    np.testing.assert_allclose(s2sad.grad(running_products)(x), expected)


# ----- collections.defaultdict made inside: read as the function of its argument (the
# float type), its first write refused as "an in-place write into float" -----

def even_odd_energies(x):
    d = defaultdict(float)
    for i, v in enumerate(x):
        d[i % 2] += v ** 2
    return d[0] * d[1]


def grouped_means(x):
    counts = defaultdict(int)
    total = defaultdict(float)
    for v in x:
        k = "pos" if v > 0 else "neg"
        counts[k] += 1
        total[k] = total[k] + v ** 2
    return sum(total[k] / counts[k] for k in total)


def lists_by_key(x):
    d = defaultdict(list)
    for i, v in enumerate(x):
        d[i % 3].append(np.sin(v))
    return sum(d[0]) * sum(d[1]) + len(d[5]) + np.mean(list(map(len, d.values())))


def products_from_one(x):
    d = defaultdict(lambda: 1.0)
    for i, v in enumerate(x):
        d[i % 3] *= v + 2
    return d[0] + d[1] * d[7] + len(d)


@pytest.mark.parametrize("f", [even_odd_energies, grouped_means, lists_by_key,
                               products_from_one])
def test_defaultdict_made_inside(f, rng):
    x = rng.standard_normal(5)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_defaultdict_closed_form_and_missing_keys():
    x = np.array([0.5, -1.0, 2.0, 0.25])
    e, o = x[0] ** 2 + x[2] ** 2, x[1] ** 2 + x[3] ** 2
    np.testing.assert_allclose(s2sad.grad(even_odd_energies)(x),
                               [2 * x[0] * o, 2 * x[1] * e, 2 * x[2] * o, 2 * x[3] * e])
    value, _ = s2sad.value_and_grad(products_from_one)(x)
    assert value == products_from_one(x)  # (d[7] read: a key inserted, len(d) counts it)


def passed_on(d):
    return d[0]


def handed_to_a_helper(x):
    d = defaultdict(float)
    d[0] += x ** 2
    return passed_on(d)


def test_defaultdict_handed_on_stays_refused():
    with pytest.raises(s2sad.DifferentiationError):
        s2sad.grad(handed_to_a_helper)(1.5)


# ----- np.polynomial's series values (no rule: refused, the source not read) -----

def power_series_in_coefficients(c):
    return np.sum(npp.polynomial.polyval(np.linspace(0.0, 1.0, 4), c) ** 2)


def chebyshev_in_coefficients(c):
    return np.sum(npp.chebyshev.chebval(np.linspace(-1.0, 1.0, 4), c) ** 2)


def legendre_in_x(x):
    return np.sum(npp.legendre.legval(x, [1.0, 2.0, 3.0, -0.5]))


def hermite_in_x(x):
    return np.sum(npp.hermite.hermval(x, np.array([0.5, 1.0, 2.0, 0.3])) ** 2)


def hermite_e_in_x(x):
    return np.sum(npp.hermite_e.hermeval(x, [0.5, 1.0, 2.0, 0.3, 0.1]))


def laguerre_in_x(x):
    return np.sum(npp.laguerre.lagval(x, [0.5, 1.0, 2.0, 0.3]))


def constant_series(x):
    return np.sum(npp.chebyshev.chebval(x, [2.0]) * npp.legendre.legval(x, [1.0, 0.5]) * x)


@pytest.mark.parametrize("f", [power_series_in_coefficients, chebyshev_in_coefficients,
                               legendre_in_x, hermite_in_x, hermite_e_in_x, laguerre_in_x,
                               constant_series])
def test_polynomial_series(f, rng):
    a = rng.uniform(-1.0, 1.0, 4)
    value, _ = s2sad.value_and_grad(f)(a)
    np.testing.assert_allclose(value, f(a), rtol=1e-13)
    check_grad(f, a)
    check_jvp(f, a)
    check_hessian(f, a)


def test_series_closed_forms():
    x = np.array([0.3, -0.7])
    # T3' = 12 x^2 - 3, P2' = 3 x
    np.testing.assert_allclose(s2sad.grad(lambda_free_cheb)(x), 12 * x ** 2 - 3)
    np.testing.assert_allclose(s2sad.grad(lambda_free_leg)(x), 3 * x)


def lambda_free_cheb(x):
    return np.sum(npp.chebyshev.chebval(x, [0.0, 0.0, 0.0, 1.0]))


def lambda_free_leg(x):
    return np.sum(npp.legendre.legval(x, [0.0, 0.0, 1.0]))


def several_series(c):
    return np.sum(npp.polynomial.polyval(0.5, c))


def test_several_series_at_once_refused():
    with pytest.raises(s2sad.DifferentiationError, match="one vector"):
        s2sad.grad(several_series)(np.ones((3, 2)))


# ----- scipy.special: cosm1, boxcox1p, inv_boxcox(1p) and expn had no rule -----

def cosm1_times(x):
    return np.sum(sp.cosm1(x) * x)


def boxcox_one_plus(x):
    return np.sum(sp.boxcox1p(x, 0.3) + sp.boxcox1p(x, 0.0) + sp.inv_boxcox(x, 0.5)
                  + sp.inv_boxcox1p(x, 0.4))


def exponential_integrals(x):
    return np.sum(sp.expn(2, x) + sp.expn(1, x) * sp.expn(0, x)
                  + sp.expn(np.array([3, 1, 2]), x))


@pytest.mark.parametrize("f", [cosm1_times, boxcox_one_plus, exponential_integrals])
def test_special_functions_with_new_rules(f, rng):
    x = rng.uniform(0.3, 1.5, 3)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_special_closed_forms():
    x = np.array([0.4, 1.3])
    np.testing.assert_allclose(s2sad.grad(lambda_free_expn)(x), -sp.expn(1, x))
    np.testing.assert_allclose(s2sad.grad(lambda_free_boxcox1p)(x), (1 + x) ** -0.5)


def lambda_free_expn(x):
    return np.sum(sp.expn(2, x))


def lambda_free_boxcox1p(x):
    return np.sum(sp.boxcox1p(x, 0.5))


def boxcox_in_lambda(lmbda):
    return np.sum(sp.boxcox1p(np.array([0.5, 1.5]), lmbda))


def test_boxcox_parameter_refused_by_name():
    with pytest.raises(s2sad.DifferentiationError, match="lmbda"):
        s2sad.grad(boxcox_in_lambda)(0.3)


# ----- scipy.integrate.simpson (no rule: refused) -----

def simpson_spaced(y):
    return si.simpson(y ** 2, dx=0.5)


def simpson_at_points(y):
    return si.simpson(np.sin(y), x=np.array([0.0, 0.3, 0.7, 1.2, 1.3, 2.0])[:np.size(y)])


def simpson_columns(y):
    return np.sum(si.simpson(y ** 2, dx=0.1, axis=0) ** 2)


def simpson_in_points(x):
    return si.simpson(np.sin(x) * x, x=x)


@pytest.mark.parametrize("f", [simpson_spaced, simpson_at_points, simpson_in_points])
@pytest.mark.parametrize("n", [2, 5, 6])
def test_simpson(f, n, rng):
    y = np.sort(rng.uniform(0.0, 3.0, n))
    value, _ = s2sad.value_and_grad(f)(y)
    np.testing.assert_allclose(value, f(y), rtol=1e-13)
    check_grad(f, y)
    check_jvp(f, y)


@pytest.mark.parametrize("shape", [(4, 3), (5, 2)])
def test_simpson_along_an_axis(shape, rng):
    y = rng.standard_normal(shape)
    check_grad(simpson_columns, y)
    check_hessian(simpson_columns, y)


def test_simpson_weights_closed_form():
    # odd count: h/3 (1, 4, 2, 4, 1); the gradient of the integral of y is the weights
    np.testing.assert_allclose(s2sad.grad(lambda_free_simpson)(np.ones(5)),
                               0.5 / 3 * np.array([1.0, 4.0, 2.0, 4.0, 1.0]))


def lambda_free_simpson(y):
    return si.simpson(y, dx=0.5)


# ----- a sample of the probes that passed (PyTorch's test_autograd, Zygote's gradcheck,
# Enzyme-style loops), as regressions -----

def cumprod_through_zero(x):
    y = x.copy()
    y[2] = 0.0
    return np.sum(np.cumprod(y * x))


def logcumsumexp(x):
    return np.sum(np.logaddexp.accumulate(x))


def insertion_sorted(x):
    a = x.copy()
    n = a.shape[0]
    for i in range(1, n):
        key = a[i]
        j = i - 1
        while j >= 0 and a[j] > key:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key
    return a[0] * 3 + a[n - 1] * a[1]


def taylor_cosine(x):
    s, term, n = 0.0, 1.0, 0
    while abs(term) > 1e-14:
        s += term
        n += 2
        term = -term * x * x / (n * (n - 1))
    return s


def csr_matvec(vals, x):
    indptr = np.array([0, 2, 3, 5])
    indices = np.array([0, 2, 1, 0, 2])
    y = np.zeros(3)
    for i in range(3):
        for k in range(indptr[i], indptr[i + 1]):
            y[i] += vals[k] * x[indices[k]]
    return np.sum(y ** 2)


def dtw(x, y):
    n, m = x.shape[0], y.shape[0]
    D = np.full((n + 1, m + 1), np.inf)
    D[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            D[i, j] = (x[i - 1] - y[j - 1]) ** 2 + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[n, m]


def reduce_blend(xs):
    return functools.reduce(lambda a, b: a * 0.5 + b ** 2, xs, 0.0)


def test_passed_probes(rng):
    x = rng.standard_normal(5)
    for f in (cumprod_through_zero, logcumsumexp, insertion_sorted, reduce_blend):
        check_grad(f, x)
        check_jvp(f, x)
    check_grad(taylor_cosine, 0.7)
    np.testing.assert_allclose(s2sad.grad(taylor_cosine)(0.7), -np.sin(0.7), rtol=1e-12)
    check_grad(csr_matvec, rng.standard_normal(5), rng.standard_normal(3), wrt=(0, 1))
    check_grad(dtw, rng.standard_normal(4), rng.standard_normal(3), wrt=(0, 1))


# ----- scipy.fft.dct / idct (no rule: refused): linear maps whose transposes are cosine
# transforms of another type, weighted at the first or end entries -----

WEIGHTS = np.arange(1.0, 7.0)


def dct_default(x):
    return np.sum(sf.dct(x) * WEIGHTS[:x.size]) + np.sum(sf.dct(x, type=3) ** 2)


def dct_orthonormal(x):
    return np.sum(sf.dct(x, norm="ortho") ** 2 * WEIGHTS[:x.size]) + \
        np.sum(sf.idct(x, type=3, norm="ortho") ** 3)


def dct_other_types(x):
    return np.sum(sf.dct(x, type=1) ** 2) + np.sum(sf.dct(x, type=4) * WEIGHTS[:x.size]) + \
        np.sum(sf.idct(x ** 2, type=2) * WEIGHTS[:x.size]) + np.sum(sf.idct(x, type=1) ** 2)


def dct_of_rows_and_columns(x):
    return np.sum(sf.dct(sf.dct(x, axis=0), axis=1) ** 2 * np.arange(x.size).reshape(x.shape))


@pytest.mark.parametrize("f", [dct_default, dct_orthonormal, dct_other_types])
@pytest.mark.parametrize("n", [4, 5])
def test_cosine_transforms(f, n, rng):
    x = rng.standard_normal(n)
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_cosine_transforms_along_axes(rng):
    x = rng.standard_normal((3, 4))
    check_grad(dct_of_rows_and_columns, x)
    check_hessian(dct_of_rows_and_columns, x)


def test_orthonormal_dct_keeps_the_norm(rng):
    x = rng.standard_normal(6)  # sum(dct(x, ortho) ** 2) = sum(x ** 2): gradient 2 x
    np.testing.assert_allclose(s2sad.grad(energy_of_ortho_dct)(x), 2 * x, rtol=1e-12)


def energy_of_ortho_dct(x):
    return np.sum(sf.dct(x, norm="ortho") ** 2)


def dct_padded(x):
    return np.sum(sf.dct(x, n=8))


def test_dct_with_n_refused():
    with pytest.raises(s2sad.DifferentiationError, match="dct"):
        s2sad.grad(dct_padded)(np.ones(5))


# ----- scipy.linalg.hankel (no rule: refused; toeplitz and circulant had one) -----

def hankel_of_column(c):
    return np.sum(sla.hankel(c) * np.arange(9.0).reshape(3, 3))


def hankel_with_row(c):
    return np.sum(sla.hankel(c, np.array([9.0, 1.0, 2.0, 3.0])) ** 2 *
                  np.arange(12.0).reshape(3, 4))


def hankel_in_row(r):
    return np.sum(np.sin(sla.hankel(np.array([1.0, 2.0]), r)))


@pytest.mark.parametrize("f, n", [(hankel_of_column, 3), (hankel_with_row, 3),
                                  (hankel_in_row, 4)])
def test_hankel(f, n, rng):
    a = rng.standard_normal(n)
    value, _ = s2sad.value_and_grad(f)(a)
    assert value == f(a)
    check_grad(f, a)
    check_jvp(f, a)
    check_hessian(f, a)


def test_hankel_closed_form():
    # sum(hankel(c) * W): c[k] collects W[i, j] over i + j = k (r[0] is never read)
    W = np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(s2sad.grad(hankel_of_column)(np.ones(3)),
                               [W[0, 0], W[0, 1] + W[1, 0], W[0, 2] + W[1, 1] + W[2, 0]])
