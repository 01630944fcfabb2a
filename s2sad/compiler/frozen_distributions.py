"""A method of a scipy.stats distribution frozen in the call, ``st.norm(m, s).logpdf(x)``
(``st.multivariate_normal(mu, cov).pdf(x)``, ``st.gamma(a).entropy()``): the
distribution's own method, its parameters passed after the data,
``st.norm.logpdf(x, m, s)``, which has a closed form (rules/scipy_stats.py).  The frozen
object made inside the function was refused as an object whose methods are not known."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import gast

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

METHODS = frozenset({"logpdf", "pdf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf", "logpmf",
                     "pmf", "entropy"})


def unfrozen(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``dist(*params).method(*data)`` as ``dist.method(*data, *params)``; else ``node``."""
    func = node.func
    if not isinstance(func, gast.Attribute) or func.attr not in METHODS or \
            not isinstance(func.value, gast.Call) or "scipy.stats" not in sys.modules:
        return node
    made = func.value
    if not _distribution(norm.resolve(made.func)):
        return node
    method = gast.Attribute(value=made.func, attr=func.attr, ctx=gast.Load())
    return gast.copy_location(gast.Call(
        func=gast.copy_location(method, func), args=list(node.args) + list(made.args),
        keywords=list(node.keywords) + list(made.keywords)), node)


def _distribution(obj: Any) -> bool:
    """One of scipy.stats' distributions (calling it freezes it)."""
    if obj is None:
        return False
    stats = sys.modules["scipy.stats"]
    kinds: tuple = (stats.rv_continuous, stats.rv_discrete)
    multivariate = getattr(getattr(stats, "_multivariate", None), "multi_rv_generic", None)
    return isinstance(obj, kinds + ((multivariate,) if multivariate is not None else ()))
