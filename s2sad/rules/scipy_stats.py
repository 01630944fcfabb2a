"""scipy.stats distributions (when scipy is installed): each method a closed form in
primitives that have rules, differentiated through its source (``defthrough``), in the
data and in the parameters (``loc``, ``scale``, shape parameters).

The references follow scipy's own formulas (``rv_continuous.logpdf`` is
``_logpdf((x - loc) / scale) - log(scale)``, ``pdf`` is ``_pdf(z) / scale``, ``ppf`` is
``_ppf(q) * scale + loc``; ``logcdf`` / ``logsf`` without a closed form of their own
are ``log(cdf)`` below the median and ``log1p(-sf)`` above it, as scipy computes them),
so values agree with scipy's to rounding.  They hold inside the support and for valid
parameters: scipy's fills outside the support (``-inf``, ``0``, ``nan``) are not
reproduced.  Where scipy evaluates one of two formulas (``apply_where``), both are
computed at a safe argument and ``np.where`` picks one, so the branch not taken gives
neither a warning nor a ``nan`` derivative.

``norm.logcdf`` / ``logsf`` / ``ppf`` are registered when ``log_ndtr`` / ``ndtri`` have
rules.  Methods that need a special function without a rule yet (``stdtr``,
``gammainc``, ``betainc``, ``pdtr``) are not registered here; the ones
written with ``xlogy`` / ``betaln`` / ``poch`` use ``(a - 1) * log(x)`` and sums of
``gammaln`` instead (equal inside the support).

The closed forms are in one module per family of distributions:
:mod:`stats_location_scale` (norm, expon, laplace, cauchy, logistic),
:mod:`stats_shape_parameters` (t, gamma, beta, chi2, poisson), :mod:`stats_multivariate`
(multivariate_normal, dirichlet), :mod:`stats_extra` (bernoulli, binom, geom, nbinom,
lognorm, halfnorm, weibull_min, uniform, pareto, invgamma, vonmises, skewnorm, gumbel_r,
gumbel_l, rayleigh, halfcauchy); this
module registers them.
"""
from __future__ import annotations

from collections.abc import Callable

from s2sad.rules import stats_extra as extra
from s2sad.rules import stats_location_scale as location_scale
from s2sad.rules import stats_multivariate as multivariate
from s2sad.rules import stats_shape_parameters as shape_parameters
from s2sad.rules.registry import defthrough, lookup_jvp, lookup_vjp

try:
    import scipy.special as sp
    import scipy.stats as st
except ImportError:  # scipy is optional
    st = None

# per module, distribution -> its methods; the closed form of ``st.<dist>.<method>`` is
# the module's function ``<dist>_<method>``
_ALWAYS = {
    location_scale: {"norm": "logpdf pdf cdf sf",
                     "expon": "logpdf pdf cdf logcdf sf logsf ppf",
                     "laplace": "logpdf pdf cdf logcdf sf logsf ppf",
                     "cauchy": "logpdf pdf cdf logcdf sf logsf ppf",
                     "logistic": "logpdf pdf cdf logcdf sf logsf ppf"},
    shape_parameters: {"t": "logpdf pdf cdf sf logcdf logsf",
                       "gamma": "logpdf pdf cdf sf logcdf logsf",
                       "beta": "logpdf pdf cdf sf logcdf logsf",
                       "chi2": "logpdf pdf cdf sf logcdf logsf",
                       "poisson": "logpmf pmf cdf sf"},
    multivariate: {"multivariate_normal": "logpdf pdf entropy", "dirichlet": "logpdf pdf"},
    extra: {"bernoulli": "logpmf pmf", "binom": "logpmf pmf", "geom": "logpmf pmf",
            "nbinom": "logpmf pmf", "lognorm": "logpdf pdf cdf sf", "halfnorm": "logpdf pdf",
            "weibull_min": "logpdf pdf cdf sf", "uniform": "logpdf pdf cdf sf ppf",
            "pareto": "logpdf pdf cdf sf logsf", "invgamma": "logpdf pdf",
            "vonmises": "logpdf pdf", "skewnorm": "logpdf pdf",
            "gumbel_r": "logpdf pdf logcdf cdf sf", "gumbel_l": "logpdf pdf logsf sf cdf",
            "rayleigh": "logpdf pdf cdf sf", "halfcauchy": "logpdf pdf cdf"},
}

# (distribution, method) -> reference, registered for the bound method ``st.<dist>.<method>``
REFERENCES: dict[tuple[str, str], Callable] = {
    (dist, method): getattr(module, f"{dist}_{method}")
    for module, dists in _ALWAYS.items() for dist, methods in dists.items()
    for method in methods.split()}

# through special functions that have rules once scipy_special.py gives them
# (it is imported before this module)
if st is not None:
    _conditional: list[tuple[tuple[str, str], Callable, object]] = [
        (("norm", "logcdf"), location_scale.norm_logcdf, sp.log_ndtr),
        (("norm", "logsf"), location_scale.norm_logsf, sp.log_ndtr),
        (("norm", "ppf"), location_scale.norm_ppf, sp.ndtri),
        (("norm", "isf"), location_scale.norm_isf, sp.ndtri),
        (("gamma", "ppf"), shape_parameters.gamma_ppf, sp.gammaincinv),
        (("beta", "ppf"), shape_parameters.beta_ppf, sp.betaincinv),
        (("t", "ppf"), shape_parameters.t_ppf, sp.stdtrit)]
    for _key, _reference, _needs in _conditional:
        if lookup_vjp(_needs) is not None and lookup_jvp(_needs) is not None:
            REFERENCES[_key] = _reference
    for (_dist, _method), _reference in REFERENCES.items():
        defthrough(getattr(getattr(st, _dist), _method), _reference)
    defthrough(st.entropy, extra.entropy)  # (module functions: their keywords in common)
    defthrough(st.zscore, extra.zscore)
