"""scipy.special (when installed): elementwise rules, one template per parameter
(:func:`s2sad.rules.kinds.defscale`: the forward term is the same with ``g`` renamed).

``ndtr``, ``expit``, ``logit``, ``erf``, ``erfc``, ``gammaln``, ``digamma`` and
``log_expit`` are in :mod:`numpy_ufuncs`; ``logsumexp``, ``softmax`` and
``log_softmax`` in :mod:`numpy_arrays`; ``scipy.special.sinc`` is ``np.sinc``.

Derivatives in a constant order or index only: ``polygamma(n, x)`` in ``x``,
``multigammaln(a, d)`` in ``a``.  Inverse functions take their slope from ``ans``
(``ndtri'(y) = sqrt(2 pi) exp(ans^2 / 2)``), so no other special function is
needed.  Poles follow the conventions of :mod:`numpy_ufuncs`: ``ndtri`` at 0
and 1, ``erfinv`` at +-1, ``xlogy``/``entr``/``rel_entr`` at 0 give inf where
the adjoint is nonzero and exactly 0 where it is zero (``safe_mul``/``safe_div``).

Functions whose derivative is another special function (the Bessel family,
Hurwitz ``zeta`` in ``q``, ``gammainc``/``gammaincc`` in ``x``) need that
function by name in a template: their rules are registered when the template
namespace has ``scipy_special`` (the ``scipy.special`` module, or a lazy
stand-in for it), see :func:`register_special_by_name`.
"""
from __future__ import annotations

from s2sad.rules.kinds import defscale
from s2sad.rules.registry import TEMPLATE_NAMESPACE, defnondiff, defunsupported

try:
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = None

SPECIAL = "scipy_special"  # how templates name scipy.special (when the namespace has it)
if sp is not None:
    TEMPLATE_NAMESPACE.setdefault(SPECIAL, sp)

if sp is not None:
    # ----- inverses: the slope from the output -----
    defscale(sp.ndtri, "y", "safe_mul(g, np.sqrt(2 * np.pi) * np.exp(ans**2 / 2))")
    defscale(sp.log_ndtr, "x", "g * np.exp(-x**2 / 2 - ans) / np.sqrt(2 * np.pi)")
    defscale(sp.erfinv, "y", "safe_mul(g, (np.sqrt(np.pi) / 2) * np.exp(ans**2))")
    defscale(sp.erfcinv, "y", "-safe_mul(g, (np.sqrt(np.pi) / 2) * np.exp(ans**2))")

    # ----- gamma family: digamma and its derivatives through polygamma -----
    defscale(sp.gamma, "x", "g * ans * polygamma(0, x)")
    defscale(sp.rgamma, "x", "-g * ans * polygamma(0, x)")  # 1 / gamma
    defnondiff(sp.gammasgn)
    defscale(sp.polygamma, "n, x", None, "g * polygamma(n + 1, x)")
    # log Gamma_d(a) = const + sum_{j<d} gammaln(a - j/2)
    defscale(sp.multigammaln, "a, d",
             "g * np.sum(polygamma(0, np.expand_dims(a, -1) - np.arange(d) / 2), axis=-1)", None)
    defscale(sp.beta, "a, b", "g * ans * (polygamma(0, a) - polygamma(0, a + b))",
             "g * ans * (polygamma(0, b) - polygamma(0, a + b))")
    defscale(sp.betaln, "a, b", "g * (polygamma(0, a) - polygamma(0, a + b))",
             "g * (polygamma(0, b) - polygamma(0, a + b))")

    # ----- x log y and the entropies (0 log 0 = 0) -----
    defscale(sp.xlogy, "x, y", "safe_mul(g, np.log(y))", "safe_div(g * x, y)")
    defscale(sp.xlog1py, "x, y", "safe_mul(g, np.log1p(y))", "safe_div(g * x, 1 + y)")
    defscale(sp.entr, "x", "-safe_mul(g, np.log(x) + 1)")
    defscale(sp.rel_entr, "x, y", "safe_mul(g, np.log(x / y) + 1)", "-safe_div(g * x, y)")
    defscale(sp.kl_div, "x, y", "safe_mul(g, np.log(x / y))", "g - safe_div(g * x, y)")

    # ----- NumPy's functions under scipy's names, and slopes in closed form -----
    defscale(sp.expm1, "x", "safe_mul(g, ans + 1)")
    defscale(sp.log1p, "x", "safe_div(g, 1 + x)")
    defscale(sp.cbrt, "x", "safe_div(g, 3 * ans**2)")
    defscale(sp.loggamma, "x", "g * polygamma(0, x)")  # (real x > 0: gammaln)
    defscale(sp.erfcx, "x", "g * (2 * x * ans - 2 / np.sqrt(np.pi))")  # exp(x^2) erfc(x)
    defscale(sp.dawsn, "x", "g * (1 - 2 * x * ans)")
    defscale(sp.exp1, "x", "-safe_div(g * np.exp(-x), x)")
    defscale(sp.expi, "x", "safe_div(g * np.exp(x), x)")
    defscale(sp.wrightomega, "x", "g * ans / (1 + ans)")  # w + log w = x
    # spence(z) = integral from 1 to z of log(t) / (1 - t): slope -1 at z = 1
    defscale(sp.spence, "z", "g * np.where(z == 1, -1.0, np.log(z) / np.where(z == 1, 1.0, 1 - z))")
    defscale(sp.binom, "n, k", "g * ans * (polygamma(0, n + 1) - polygamma(0, n - k + 1))",
             "g * ans * (polygamma(0, n - k + 1) - polygamma(0, k + 1))")
    defscale(sp.poch, "z, m", "g * ans * (polygamma(0, z + m) - polygamma(0, z))",
             "g * ans * polygamma(0, z + m)")
    defscale(sp.huber, "delta, r", None, "g * np.clip(r, -delta, delta)")
    defscale(sp.pseudo_huber, "delta, r", None, "g * r / np.sqrt(1 + (r / delta) ** 2)")
    defscale(sp.boxcox, "x, lmbda", "g * x ** (lmbda - 1)", None)
    defscale(sp.boxcox1p, "x, lmbda", "g * (1 + x) ** (lmbda - 1)", None)
    # the inverses, (1 + lmbda x) ** (1 / lmbda) (minus 1): slope y ** (1 - lmbda)
    defscale(sp.inv_boxcox, "y, lmbda", "g * ans ** (1 - lmbda)", None)
    defscale(sp.inv_boxcox1p, "y, lmbda", "g * (1 + ans) ** (1 - lmbda)", None)
    defscale(sp.cosm1, "x", "-g * np.sin(x)")
    defscale(sp.erfi, "x", "g * 2 / np.sqrt(np.pi) * np.exp(x**2)")
    # exprel(x) = (e^x - 1) / x: slope (e^x - exprel(x)) / x, 1/2 at 0
    defscale(sp.exprel, "x", "g * np.where(x == 0, 0.5, (np.exp(x) - ans) / np.where(x == 0, "
             "1.0, x))")
    defscale(sp.tandg, "x", "g * (np.pi / 180) * (1 + ans**2)")
    defscale(sp.cotdg, "x", "-g * (np.pi / 180) * (1 + ans**2)")
    for fn, params in ((sp.huber, ("delta",)), (sp.pseudo_huber, ("delta",)),
                       (sp.boxcox, ("lmbda",)), (sp.boxcox1p, ("lmbda",)),
                       (sp.inv_boxcox, ("lmbda",)), (sp.inv_boxcox1p, ("lmbda",)),
                       (sp.expn, ("n",)), (sp.hyp1f1, ("a", "b")),
                       (sp.hyp2f1, ("a", "b", "c"))):
        defunsupported(fn, *params)


def register_special_by_name() -> bool:
    """The rules whose templates call other scipy.special functions (as
    ``scipy_special.i1(x)``); registered only when the template namespace has
    ``scipy_special``.  Returns whether they were."""
    if sp is None or SPECIAL not in TEMPLATE_NAMESPACE:
        return False
    _bessel_rules(SPECIAL)
    _argument_rules(SPECIAL)
    _distribution_rules(SPECIAL)
    _polynomial_rules(SPECIAL)
    _parameters_refused()
    return True


def _bessel_rules(s: str) -> None:
    """Bessel functions (plain and exponentially scaled; of any order, of integer
    orders), exponential integrals, softplus: their slopes are their neighbours'."""
    # ----- Bessel functions: I0' = I1, I1' = (I0 + I2) / 2 (no 1/x at 0), ... -----
    defscale(sp.i0, "x", f"g * {s}.i1(x)")
    defscale(sp.i1, "x", f"g * ({s}.i0(x) + {s}.iv(2, x)) / 2")
    # exponentially scaled: i0e = exp(-|x|) i0, a kink at 0 (slope 0 there, like abs)
    defscale(sp.i0e, "x", f"g * ({s}.i1e(x) - np.sign(x) * ans)")
    defscale(sp.i1e, "x", f"g * (({s}.i0e(x) + {s}.ive(2, x)) / 2 - np.sign(x) * ans)")
    defscale(sp.j0, "x", f"-g * {s}.j1(x)")
    defscale(sp.j1, "x", f"g * ({s}.j0(x) - {s}.jv(2, x)) / 2")
    defscale(sp.y0, "x", f"-g * {s}.y1(x)")
    defscale(sp.y1, "x", f"g * ({s}.y0(x) - {s}.yv(2, x)) / 2")
    # any order v (constant): in x only
    defscale(sp.iv, "v, x", None, f"g * ({s}.iv(v - 1, x) + {s}.iv(v + 1, x)) / 2")
    defscale(sp.ive, "v, x", None,
             f"g * (({s}.ive(v - 1, x) + {s}.ive(v + 1, x)) / 2 - np.sign(x) * ans)")
    defscale(sp.jv, "v, x", None, f"g * ({s}.jv(v - 1, x) - {s}.jv(v + 1, x)) / 2")
    defscale(sp.yv, "v, x", None, f"g * ({s}.yv(v - 1, x) - {s}.yv(v + 1, x)) / 2")
    # integer orders: yn and jn (scipy's jn is jv) in x; n is a whole number
    defscale(sp.yn, "n, x", None,  # (an order not an int is truncated: its neighbours too)
             f"g * ({s}.yn(np.trunc(n) - 1, x) - {s}.yn(np.trunc(n) + 1, x)) / 2")
    defscale(sp.kv, "v, x", None, f"-g * ({s}.kv(v - 1, x) + {s}.kv(v + 1, x)) / 2")
    defscale(sp.k0, "x", f"-g * {s}.k1(x)")
    defscale(sp.k1, "x", f"-g * ({s}.k0(x) + {s}.kv(2, x)) / 2")
    defscale(sp.k0e, "x", f"g * (ans - {s}.k1e(x))")  # k0e = exp(x) k0 (x > 0)
    defscale(sp.k1e, "x", f"g * (ans - ({s}.k0e(x) + {s}.kve(2, x)) / 2)")
    defscale(sp.kve, "v, x", None,
             f"g * (ans - ({s}.kve(v - 1, x) + {s}.kve(v + 1, x)) / 2)")
    # E_n' = -E_{n-1} (n >= 1); E_0 = exp(-x) / x
    defscale(sp.expn, "n, x", None, f"-g * np.where(n >= 1, {s}.expn(np.maximum(n - 1, 0), "
             "x), np.exp(-x) * (x + 1) / x ** 2)")
    if hasattr(sp, "softplus"):  # (SciPy 1.15)
        defscale(sp.softplus, "x", f"g * {s}.expit(x)")


def _argument_rules(s: str) -> None:
    """Degrees, hypergeometric functions, Owen's T, Hurwitz zeta and the complete
    elliptic integrals, in their arguments."""
    # ----- degrees; hypergeometric functions in their argument (the parameters refused) ---
    defscale(sp.sindg, "x", f"g * (np.pi / 180) * {s}.cosdg(x)")
    defscale(sp.cosdg, "x", f"-g * (np.pi / 180) * {s}.sindg(x)")
    defscale(sp.hyp1f1, "a, b, x", None, None, f"g * a / b * {s}.hyp1f1(a + 1, b + 1, x)")
    defscale(sp.hyp2f1, "a, b, c, z", None, None, None,
             f"g * a * b / c * {s}.hyp2f1(a + 1, b + 1, c + 1, z)")
    # Owen's T(h, a): -phi(h) erf(a h / sqrt 2) / 2 in h; exp(-h^2 (1 + a^2) / 2) / (2 pi
    # (1 + a^2)) in a
    defscale(sp.owens_t, "h, a",
             f"-g * np.exp(-h**2 / 2) / np.sqrt(8 * np.pi) * {s}.erf(a * h / np.sqrt(2))",
             "g * np.exp(-h**2 * (1 + a**2) / 2) / (2 * np.pi * (1 + a**2))")
    # ----- Hurwitz zeta in q: d/dq zeta(x, q) = -x zeta(x + 1, q) -----
    defscale(sp.zeta, "x, q=None", None, f"-g * x * {s}.zeta(x + 1, q)")
    # ----- complete elliptic integrals of parameter m -----
    defscale(sp.ellipk, "m", f"g * ({s}.ellipe(m) - (1 - m) * ans) / (2 * m * (1 - m))")
    defscale(sp.ellipe, "m", f"g * (ans - {s}.ellipk(m)) / (2 * m)")


def _distribution_rules(s: str) -> None:
    """Regularized incomplete gamma and beta, Student's t, the chi-square and Poisson
    distribution functions and their inverses: a density at the argument (1 over it at
    the answer)."""
    # ----- regularized incomplete gamma and beta, Student's t: d/dx of each is its
    # density at x; d/dy of each inverse (the ppf) is 1 / that density at the answer -----
    def log_gamma(x: str) -> str:  # log of x^(a-1) e^-x / Gamma(a)
        return f"{s}.xlogy(a - 1, {x}) - {x} - {s}.gammaln(a)"

    def log_beta(x: str) -> str:  # log of x^(a-1) (1-x)^(b-1) / B(a, b)
        return f"{s}.xlogy(a - 1, {x}) + {s}.xlog1py(b - 1, -{x}) - {s}.betaln(a, b)"

    def log_t(x: str) -> str:  # log of the t density with df degrees of freedom
        return (f"{s}.gammaln((df + 1) / 2) - {s}.gammaln(df / 2) - 0.5 * "
                f"np.log(df * np.pi) - (df + 1) / 2 * np.log1p({x} * {x} / df)")

    defscale(sp.gammainc, "a, x", None, f"g * np.exp({log_gamma('x')})")
    defscale(sp.gammaincc, "a, x", None, f"-g * np.exp({log_gamma('x')})")
    defscale(sp.betainc, "a, b, x", None, None, f"g * np.exp({log_beta('x')})")
    defscale(sp.stdtr, "df, t", None, f"g * np.exp({log_t('t')})")
    defscale(sp.gammaincinv, "a, y", None, f"g * np.exp(-({log_gamma('ans')}))")
    defscale(sp.gammainccinv, "a, y", None, f"-g * np.exp(-({log_gamma('ans')}))")
    defscale(sp.betaincinv, "a, b, y", None, None, f"g * np.exp(-({log_beta('ans')}))")
    defscale(sp.stdtrit, "df, p", None, f"g * np.exp(-({log_t('ans')}))")
    # chi-square and Poisson distribution functions (gammainc / gammaincc of v / 2 and
    # k + 1, scipy's k floored): in x and m, their densities
    chi2_density = f"np.exp({s}.xlogy(v / 2 - 1, x) - x / 2 - v / 2 * np.log(2.0) - " \
        f"{s}.gammaln(v / 2))"
    defscale(sp.chdtr, "v, x", None, f"g * {chi2_density}")
    defscale(sp.chdtrc, "v, x", None, f"-g * {chi2_density}")
    poisson_mass = f"np.exp({s}.xlogy(np.floor(k), m) - m - {s}.gammaln(np.floor(k) + 1))"
    defscale(sp.pdtr, "k, m", None, f"-g * {poisson_mass}")
    defscale(sp.pdtrc, "k, m", None, f"g * {poisson_mass}")


def _polynomial_rules(s: str) -> None:
    """Orthogonal polynomials of a constant degree ``n``, in ``x`` (degree 0: slope 0)."""
    below = "np.maximum(n - 1, 0)"
    defscale(sp.eval_hermite, "n, x", None, f"g * 2 * n * {s}.eval_hermite({below}, x)")
    defscale(sp.eval_hermitenorm, "n, x", None, f"g * n * {s}.eval_hermitenorm({below}, x)")
    defscale(sp.eval_chebyt, "n, x", None, f"g * n * {s}.eval_chebyu({below}, x)")
    defscale(sp.eval_laguerre, "n, x", None,
             f"-g * (n > 0) * {s}.eval_genlaguerre({below}, 1.0, x)")
    defscale(sp.eval_legendre, "n, x", None,  # (P_n' = (n + 1) / 2 P_(n-1)^(1,1))
             f"g * (n > 0) * (n + 1) / 2 * {s}.eval_jacobi({below}, 1.0, 1.0, x)")
    defscale(sp.eval_genlaguerre, "n, alpha, x", None, None,
             f"-g * (n > 0) * {s}.eval_genlaguerre({below}, alpha + 1, x)")
    defscale(sp.eval_jacobi, "n, alpha, beta, x", None, None, None,
             f"g * (n > 0) * (n + alpha + beta + 1) / 2 * "
             f"{s}.eval_jacobi({below}, alpha + 1, beta + 1, x)")
    defscale(sp.eval_gegenbauer, "n, alpha, x", None, None,
             f"g * (n > 0) * 2 * alpha * {s}.eval_gegenbauer({below}, alpha + 1, x)")
    defscale(sp.eval_chebyu, "n, x", None,  # (U_n = C_n^(1))
             f"g * (n > 0) * 2 * {s}.eval_gegenbauer({below}, 2.0, x)")


def _parameters_refused() -> None:
    """The orders and shape parameters: they change the value, their derivative has no
    rule."""
    for fn, params in ((sp.eval_genlaguerre, ("n", "alpha")), (sp.eval_chebyu, ("n",)),
                       (sp.eval_jacobi, ("n", "alpha", "beta")),
                       (sp.eval_gegenbauer, ("n", "alpha")), (sp.chdtr, ("v",)),
                       (sp.chdtrc, ("v",)), (sp.pdtr, ("k",)),
                       (sp.pdtrc, ("k",)), (sp.eval_hermite, ("n",)),
                       (sp.eval_hermitenorm, ("n",)), (sp.eval_chebyt, ("n",)),
                       (sp.eval_laguerre, ("n",)), (sp.eval_legendre, ("n",)),
                       (sp.iv, ("v",)), (sp.ive, ("v",)), (sp.jv, ("v",)), (sp.yv, ("v",)),
                       (sp.kv, ("v",)), (sp.kve, ("v",)), (sp.zeta, ("x",)), (sp.gammainc, ("a",)),
                       (sp.gammaincc, ("a",)), (sp.betainc, ("a", "b")), (sp.stdtr, ("df",)),
                       (sp.gammaincinv, ("a",)), (sp.gammainccinv, ("a",)),
                       (sp.betaincinv, ("a", "b")), (sp.stdtrit, ("df",))):
        defunsupported(fn, *params)


register_special_by_name()
