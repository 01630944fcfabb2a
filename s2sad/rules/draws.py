"""Random draws whose parameters move the draw: ``np.random.normal(mu, sigma, n)`` is
``mu + sigma * z`` with ``z`` the standard draws of the same stream, so with the seed
fixed (a Monte Carlo of common random numbers) it has the pathwise derivative, which
central differences at the same seed see too; zero (the draws taken as constants)
would be a wrong gradient.  The standard draws are read back from the answer:
``z = (ans - loc) / scale`` (a scale of exactly zero gives nan, never a silent zero).

Location-scale draws (normal, laplace, logistic, gumbel), ``uniform(low, high)``
(``low + (high - low) * u``), scale draws (exponential, rayleigh; gamma in its scale
only), lognormal (``exp(mean + sigma * z)``).  Each rule serves three spellings: the
legacy module function; the method of a generator held in a global (``registry._key``
keys a generator's bound method by its name: the signatures agree); and
``rng.normal(...)`` of a generator made inside or passed in, spelled
``draw_normal(rng, ...)`` (``runtime/draws.py``; ``registry.METHODS``).  Parameters
that shape the distribution itself (gamma's shape, beta's), or pick among the values
of an array (``choice(x)``, ``permutation(x)``), are refused when active: never a
silent zero.  Discrete draws (poisson, binomial, integers) stay constants.
"""
import numpy as np

from s2sad import runtime
from s2sad.rules.registry import METHODS, defjvp, defnondiff, defunsupported, defvjp


def _draw(name: str, sig: str, vjps: tuple, jvps: tuple, refused: tuple = ()) -> None:
    """The rules of ``np.random.<name>`` and of its helper ``draw_<name>``."""
    helper = getattr(runtime, f"draw_{name}")
    METHODS[name] = helper
    for fn, params, first in ((getattr(np.random, name), sig, ()),
                              (helper, f"generator, {sig}", (None,))):
        defvjp(fn, params, *first, *vjps, None)
        defjvp(fn, params, *first, *jvps, None)
        if refused:
            defunsupported(fn, *refused)


_Z = "(ans - loc) / scale"  # loc + scale * z
for _name in ("normal", "laplace", "logistic", "gumbel"):
    _draw(_name, "loc=0.0, scale=1.0, size=None",
          ("unbroadcast(g, loc)", f"unbroadcast(g * {_Z}, scale)"),
          ("np.broadcast_to(dloc, np.shape(ans))", f"dscale * {_Z}"))
_U = "(ans - low) / (high - low)"  # low + (high - low) * u
_draw("uniform", "low=0.0, high=1.0, size=None",
      (f"unbroadcast(g * (1 - {_U}), low)", f"unbroadcast(g * {_U}, high)"),
      (f"dlow * (1 - {_U})", f"dhigh * {_U}"))
for _name in ("exponential", "rayleigh"):  # scale * e
    _draw(_name, "scale=1.0, size=None", ("unbroadcast(g * ans / scale, scale)",),
          ("dscale * ans / scale",))
_draw("gamma", "shape, scale=1.0, size=None",
      (None, "unbroadcast(g * ans / scale, scale)"), (None, "dscale * ans / scale"),
      refused=("shape",))
_LZ = "(np.log(ans) - mean) / sigma"  # exp(mean + sigma * z)
_draw("lognormal", "mean=0.0, sigma=1.0, size=None",
      ("unbroadcast(g * ans, mean)", f"unbroadcast(g * ans * {_LZ}, sigma)"),
      ("dmean * ans", f"dsigma * ans * {_LZ}"))

# the distribution's own shape, or values picked from an array: refused when active
for _fn, _sig, _refused in (
        (np.random.beta, "a, b, size=None", ("a", "b")),
        (np.random.weibull, "a, size=None", ("a",)),
        (np.random.standard_gamma, "shape, size=None", ("shape",)),
        (np.random.chisquare, "df, size=None", ("df",)),
        (np.random.standard_t, "df, size=None", ("df",)),
        (np.random.choice, "a, size=None, replace=True, p=None, axis=0, shuffle=True",
         ("a",)),
        (np.random.permutation, "x, axis=0", ("x",)),
        (np.random.multivariate_normal,
         "mean, cov, size=None, check_valid='warn', tol=1e-8, method='svd'",
         ("mean", "cov"))):
    _nones = [None] * len(_sig.split(","))
    defvjp(_fn, _sig, *_nones)
    defjvp(_fn, _sig, *_nones)
    defunsupported(_fn, *_refused)

# a generator's own draws of standard distributions and integers: constants (keyed by
# name: a generator's bound method stands for them all)
_ANY = np.random.default_rng(0)
defnondiff(_ANY.integers, _ANY.random, _ANY.standard_exponential,
           np.random.standard_exponential)
