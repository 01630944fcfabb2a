"""scipy.stats methods differentiated through their closed forms (``defthrough``,
s2sad/rules/scipy_stats.py): each value equals scipy's, each reverse and forward
derivative in each argument (data, loc, scale, shape parameters; positional and
keyword) equals central differences of scipy's own function, a few Hessians too,
and a Black-Scholes price gives delta, vega and gamma equal to the closed forms."""
from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

import s2sad

st = pytest.importorskip("scipy.stats")
from s2sad.rules import registry, scipy_stats  # noqa: E402

EPS = 1e-6
rng = np.random.default_rng(1234)


def _x(n: int = 4) -> np.ndarray:
    return rng.uniform(-2.5, 2.5, n)


def _pos(n: int = 4, lo: float = 0.2, hi: float = 4.0) -> np.ndarray:
    return rng.uniform(lo, hi, n)


def _unit(n: int = 4) -> np.ndarray:
    return rng.uniform(0.05, 0.95, n)


def _spd(d: int) -> np.ndarray:
    a = rng.standard_normal((d, d))
    return a @ a.T + d * np.eye(d)


LOC, SCALE = 0.3, 1.7
CASES: list = []  # (distribution, method, args, kwargs)
for _d in ("norm", "expon", "laplace", "cauchy", "logistic"):
    for _m in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"):
        if (_d, _m) not in scipy_stats.REFERENCES:
            continue
        _data = _unit() if _m in ("ppf", "isf") else \
            LOC + SCALE * _pos() if _d == "expon" else _x()
        CASES.append((_d, _m, (_data,), {}))
        CASES.append((_d, _m, (_data, LOC, SCALE), {}))
        CASES.append((_d, _m, (_data,), {"loc": LOC, "scale": SCALE}))
        CASES.append((_d, _m, (_data, _x() * 0.1 + (LOC if _d == "expon" else 0.0)),
                      {"scale": _pos(1)[0]}))
# values at the branch points of the piecewise formulas
CASES += [("laplace", m, (np.array([-1.0, 0.0, 1e-3, 2.0]),), {})
          for m in ("logpdf", "cdf", "logcdf", "sf", "logsf")]
CASES += [("cauchy", m, (np.array([-1.5, -0.999, 0.0, 1.0, 1.001, 40.0]),), {})
          for m in ("logpdf", "cdf", "logcdf", "sf", "logsf")]
CASES += [("laplace", "ppf", (np.array([0.1, 0.5, 0.7]),), {}),
          ("cauchy", "ppf", (np.array([0.1, 0.4, 0.5, 0.6, 0.9]),), {}),
          ("expon", "logcdf", (np.array([0.1, 0.6, 0.7, 3.0]),), {})]
for _m in ("logpdf", "pdf"):
    CASES += [("t", _m, (_x(), 3.5), {}), ("t", _m, (_x(), 2.2, LOC, SCALE), {}),
              ("t", _m, (_x(), _pos(4, 1.0, 9.0)), {"loc": LOC, "scale": SCALE}),
              ("gamma", _m, (_pos(), 2.3), {}),
              ("gamma", _m, (LOC + SCALE * _pos(), 0.7, LOC, SCALE), {}),
              ("gamma", _m, (LOC + SCALE * _pos(), _pos(4, 1.0, 3.0)),
               {"loc": LOC, "scale": SCALE}),
              ("beta", _m, (_unit(), 2.3, 0.7), {}),
              ("beta", _m, (LOC + SCALE * _unit(), 1.5, 3.2, LOC, SCALE), {}),
              ("beta", _m, (_unit(), _pos(4, 0.5, 3.0), 1.2), {"scale": 1.0}),
              ("multivariate_normal", _m, (_x(3), _x(3), _spd(3)), {}),
              ("multivariate_normal", _m, (rng.standard_normal((5, 3)), _x(3), _spd(3)), {}),
              ("multivariate_normal", _m, (rng.standard_normal((2, 4)),),
               {"mean": _x(4), "cov": _spd(4)}),
              ("dirichlet", _m, (rng.dirichlet([0.5, 2.0, 3.5]), np.array([0.5, 2.0, 3.5])), {}),
              ("dirichlet", _m, (rng.dirichlet([1.5, 2.0, 0.7, 4.0], 3).T, _pos(4)), {})]
CASES += [("multivariate_normal", "entropy", (_x(3), _spd(3)), {}),
          ("multivariate_normal", "entropy", (), {"mean": _x(2), "cov": _spd(2)}),
          ("multivariate_normal", "entropy", (_x(4),), {"cov": 2.0 * _spd(4)})]
for _m in ("logpdf", "pdf"):  # chi2: df is differentiable in the density
    CASES += [("chi2", _m, (_pos(), 3.4), {}), ("chi2", _m, (LOC + SCALE * _pos(), 2.5, LOC,
                                                             SCALE), {})]
for _m in ("cdf", "sf", "logcdf", "logsf"):  # through gammainc / stdtr: in x, loc and scale
    CASES += [("chi2", _m, (_pos(), 3), {}), ("chi2", _m, (LOC + SCALE * _pos(), 5),
                                                          {"loc": LOC, "scale": SCALE})]
for _m in ("logcdf", "logsf"):
    CASES += [("t", _m, (_x(), 3), {}), ("t", _m, (_x(), 4, LOC, SCALE), {})]
for _m in ("cdf", "sf"):  # poisson: in the rate
    CASES += [("poisson", _m, (np.arange(6), 3.3), {}),
              ("poisson", _m, (np.arange(6) + 1, _pos(6), 1), {})]
for _m in ("logpmf", "pmf"):
    CASES += [("poisson", _m, (np.arange(6), 3.3), {}),
              ("poisson", _m, (np.arange(6), _pos(6)), {}),
              ("poisson", _m, (np.arange(6) + 2, 1.3, 2), {}),
              ("poisson", _m, (np.arange(6) + 1,), {"mu": 0.8, "loc": 1})]


def _id(case: tuple) -> str:
    d, m, args, kwargs = case
    return f"{d}.{m}-{len(args)}-{'-'.join(kwargs)}"


def _floaty(v) -> bool:
    return isinstance(v, float) or isinstance(v, np.ndarray) and v.dtype.kind == "f"


def _where(case: tuple) -> list:
    """The differentiable arguments: float positions and float keywords."""
    _, _, args, kwargs = case
    return [i for i, a in enumerate(args) if _floaty(a)] + \
        [k for k, v in kwargs.items() if _floaty(v)]


def _moved(args: tuple, kwargs: dict, w, v, t: float) -> tuple:
    args, kwargs = list(args), dict(kwargs)
    if isinstance(w, int):
        args[w] = args[w] + t * v
    else:
        kwargs[w] = kwargs[w] + t * v
    return tuple(args), kwargs


def _value(args: tuple, kwargs: dict, w):
    return args[w] if isinstance(w, int) else kwargs[w]


def _difference(fn, args, kwargs, w, v):
    hi = fn(*_moved(args, kwargs, w, v, EPS)[0], **_moved(args, kwargs, w, v, EPS)[1])
    lo = fn(*_moved(args, kwargs, w, v, -EPS)[0], **_moved(args, kwargs, w, v, -EPS)[1])
    return (np.asarray(hi) - np.asarray(lo)) / (2 * EPS)


def _direction(x, r, case=None, w=None):
    v = r.standard_normal(np.shape(x))
    if case is not None and case[0] == "multivariate_normal" and \
            w in ((1 if case[1] == "entropy" else 2), "cov"):
        return v + v.T  # scipy reads a symmetric covariance (one triangle of it)
    if case is not None and case[0] == "dirichlet" and w == 0:
        return v - np.mean(v, axis=0)  # along the simplex
    return float(v) if np.ndim(x) == 0 else v


def _near(a, b) -> None:
    a, b = np.asarray(a, float), np.asarray(b, float)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7 * (1 + np.abs(b).max(initial=0)))


PAIRS = [(c, w) for c in CASES for w in _where(c)]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_value_is_scipys(case) -> None:
    d, m, args, kwargs = case
    fn = getattr(getattr(st, d), m)
    reference = registry.lookup_through(fn)
    assert reference is scipy_stats.REFERENCES[d, m]
    np.testing.assert_allclose(reference(*args, **kwargs), fn(*args, **kwargs),
                               rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("case, w", PAIRS, ids=[f"{_id(c)}[{w}]" for c, w in PAIRS])
def test_vjp_and_jvp_against_differences(case, w) -> None:
    d, m, args, kwargs = case
    fn = getattr(getattr(st, d), m)
    r = np.random.default_rng(zlib.crc32(f"{_id(case)}[{w}]".encode()))  # not hash(): salted
    x = _value(args, kwargs, w)
    v = _direction(x, r, case, w)
    fd = _difference(fn, args, kwargs, w, v)
    ans = fn(*args, **kwargs)
    u = _direction(ans, r)
    value, adj = s2sad.vjp(fn, wrt=w)(*args, u, **kwargs)
    np.testing.assert_allclose(value, ans, rtol=1e-12)
    assert np.shape(adj) == np.shape(x)
    _near(np.sum(np.asarray(adj) * v), np.sum(u * fd))
    value, tangent = s2sad.jvp(fn, wrt=w)(*args, v, **kwargs)
    assert np.shape(tangent) == np.shape(ans)
    _near(tangent, fd)


# ----- through user functions: keywords, sums, Hessians -----

def t_loss(x, df, loc, scale):
    return np.sum(st.t.logpdf(x, df, loc=loc, scale=scale))


def gamma_loss(x, a, scale):
    return np.sum(st.gamma.logpdf(x, a, scale=scale))


def beta_loss(x, a, b):
    return np.sum(st.beta.logpdf(x, a, b))


def mvn_loss(x, mean, cov):
    return np.sum(st.multivariate_normal.logpdf(x, mean=mean, cov=cov))


def dirichlet_loss(x, alpha):
    return st.dirichlet.logpdf(x, alpha)


def poisson_loss(mu):
    return np.sum(st.poisson.logpmf(np.arange(5), mu))


def mixed(z, s):
    return np.sum(st.logistic.logsf(z, scale=s) + st.cauchy.logpdf(z, 0.2, s)
                  + st.laplace.cdf(z, scale=s) + st.expon.ppf(st.norm.cdf(z), scale=s))


HESSIANS = [
    (t_loss, (_x(), 3.5, 0.2, 1.3), (0, 1, 2, 3)),
    (gamma_loss, (_pos(), 1.7, 0.8), (0, 1, 2)),
    (beta_loss, (_unit(), 1.5, 2.5), (0, 1, 2)),
    (mvn_loss, (rng.standard_normal((4, 3)), _x(3), _spd(3)), (0, 1)),
    (dirichlet_loss, (rng.dirichlet([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])), (0, 1)),
    (poisson_loss, (2.5,), (0,)),
    (mixed, (_x(), 1.4), (0, 1)),
]


@pytest.mark.parametrize("f, args, wrts", HESSIANS, ids=[h[0].__name__ for h in HESSIANS])
def test_gradient_and_hessian(f, args, wrts) -> None:
    r = np.random.default_rng(7)
    for w in wrts:
        x = args[w]
        v = _direction(x, r, ("dirichlet",) if f is dirichlet_loss else None, w)
        g = s2sad.grad(f, wrt=w)(*args)
        _near(np.sum(np.asarray(g) * v), _difference(f, args, {}, w, v))
        h = np.asarray(s2sad.hessian(f, wrt=w)(*args))
        gd = _difference(s2sad.grad(f, wrt=w), args, {}, w, v)
        np.testing.assert_allclose(np.tensordot(h, v, axes=np.ndim(x)), gd,
                                   rtol=1e-5, atol=1e-6 * (1 + np.abs(gd).max()))


def test_mvn_covariance_gradient_is_the_closed_form() -> None:
    x, mean, cov = rng.standard_normal((4, 3)), _x(3), _spd(3)
    g = s2sad.grad(mvn_loss, wrt=2)(x, mean, cov)
    inv = np.linalg.inv(cov)
    dev = x - mean
    symmetric = 0.5 * (inv @ dev.T @ dev @ inv) - 0.5 * len(x) * inv
    # scipy reads the lower triangle of cov (eigh(cov, lower=True)), as np.linalg.eigh
    # does: an entry below the diagonal stands for both places, the upper one is unread
    expected = np.tril(2 * symmetric, -1) + np.diag(np.diag(symmetric))
    np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-12)


# ----- the acceptance case: Black-Scholes -----

def call_price(S, K, r, sigma, T):
    d1 = (np.log(S / K) + (r + 0.5 * sigma**2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return S * st.norm.cdf(d1) - K * np.exp(-r * T) * st.norm.cdf(d2)


delta = s2sad.grad(call_price, wrt=0)


def delta_of(S, K, r, sigma, T):
    return delta(S, K, r, sigma, T)


@pytest.mark.parametrize("S, K, r, sigma, T", [(100.0, 95.0, 0.03, 0.2, 0.75),
                                               (80.0, 100.0, 0.01, 0.35, 2.0)])
def test_black_scholes_greeks(S, K, r, sigma, T) -> None:
    d1 = (math.log(S / K) + (r + 0.5 * sigma**2) * T) / (sigma * math.sqrt(T))
    pdf = math.exp(-d1 * d1 / 2) / math.sqrt(2 * math.pi)
    assert math.isclose(delta(S, K, r, sigma, T), st.norm.cdf(d1), rel_tol=1e-12)
    vega = s2sad.grad(call_price, wrt=3)(S, K, r, sigma, T)
    assert math.isclose(vega, S * pdf * math.sqrt(T), rel_tol=1e-12)
    gamma = s2sad.grad(delta_of, wrt=0)(S, K, r, sigma, T)
    assert math.isclose(gamma, pdf / (S * sigma * math.sqrt(T)), rel_tol=1e-10)
    hess = s2sad.hessian(call_price, wrt=0)(S, K, r, sigma, T)
    assert math.isclose(float(hess), pdf / (S * sigma * math.sqrt(T)), rel_tol=1e-10)


# ----- cdf and sf through the incomplete gamma / beta functions and stdtr -----

def t_cdf_sum(x):
    return np.sum(st.t.cdf(x, 3.5, loc=0.2, scale=1.5)) + np.sum(st.t.sf(x, 5.0))


def gamma_cdf_sum(x):
    return np.sum(st.gamma.cdf(x + 3.0, 2.5, scale=1.5)) + np.sum(st.gamma.sf(x + 3.0, 1.5))


def beta_cdf_sum(x):
    z = 1.0 / (1.0 + np.exp(-x))
    return np.sum(st.beta.cdf(z, 2.0, 3.0)) + np.sum(st.beta.sf(z, 0.7, 1.3))


@pytest.mark.parametrize("f", [t_cdf_sum, gamma_cdf_sum, beta_cdf_sum])
def test_cdf_and_sf_in_the_data(f):
    x = np.array([0.3, -0.4, 1.2])
    eps = 1e-6
    expected = np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.grad(f)(x), expected, rtol=1e-6, atol=1e-9)
    v = np.array([1.0, -0.5, 2.0])
    assert s2sad.jvp(f)(x, v)[1] == pytest.approx(expected @ v, rel=1e-6)


def t_cdf_in_df(df):
    return st.t.cdf(0.7, df)


def gamma_cdf_in_a(a):
    return st.gamma.cdf(2.0, a)


def test_shape_parameters_without_a_rule_are_refused_not_zero():
    for f in (t_cdf_in_df, gamma_cdf_in_a):
        with pytest.raises(s2sad.DifferentiationError, match="has no rule yet"):
            s2sad.grad(f)(3.0)


# ----- logcdf / logsf of gamma and beta; ppf of gamma, beta and t (inverse functions) -----

def log_tails(x):
    z = 1.0 / (1.0 + np.exp(-x))
    return np.sum(st.gamma.logcdf(x + 3.0, 2.5, scale=1.5) + st.gamma.logsf(x + 3.0, 1.5)
                  + st.beta.logcdf(z, 2.0, 3.0) + st.beta.logsf(z, 0.7, 1.3))


def quantiles(x):
    q = 1.0 / (1.0 + np.exp(-x))
    return np.sum(st.gamma.ppf(q, 2.5, loc=0.1, scale=1.7) + st.beta.ppf(q, 2.0, 3.0) ** 2
                  + st.t.ppf(q, 4.0, scale=1.3) * q)


@pytest.mark.parametrize("f", [log_tails, quantiles])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_log_tails_and_quantiles(f, sign):
    x = sign * np.array([0.3, -0.4, 1.2])
    eps = 1e-5
    expected = np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.grad(f)(x), expected, rtol=1e-5, atol=1e-8)
    v = np.array([1.0, -0.5, 2.0])
    assert s2sad.jvp(f)(x, v)[1] == pytest.approx(expected @ v, rel=1e-5)
    g = s2sad.grad(f)
    H = s2sad.hessian(f)(x)
    fd = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(H, fd, rtol=1e-4, atol=1e-6)


def t_median(scale):
    return st.t.ppf(0.5, 4.0, scale=scale) + st.t.ppf(0.75, 4.0) * scale


def test_quantile_closed_forms():
    # d ppf / dq = 1 / pdf(ppf(q)); at the median of t(4): 1 / (Gamma(5/2) / (2 sqrt(pi)))
    q = np.array([0.5])
    want = 2 * np.sqrt(np.pi) / (0.75 * np.sqrt(np.pi))
    assert s2sad.grad(lambda_free_t)(q)[0] == pytest.approx(want, rel=1e-12)
    # in scale: ppf(0.75; 4) (the quantile itself)
    assert s2sad.grad(t_median)(1.3) == pytest.approx(st.t.ppf(0.75, 4.0), rel=1e-12)


def lambda_free_t(q):
    return np.sum(st.t.ppf(q, 4.0))


def gamma_ppf_in_a(a):
    return st.gamma.ppf(0.3, a)


def test_quantiles_in_shape_parameters_are_refused():
    with pytest.raises(s2sad.DifferentiationError, match="has no rule yet"):
        s2sad.grad(gamma_ppf_in_a)(2.0)
